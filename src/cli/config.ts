/**
 * @module
 * The settings of `furrow up`, read once from flags, an optional JSON config file and the
 * `DATABASE_URL` environment variable, then validated. Precedence, highest first: flag, config
 * file, `DATABASE_URL` (for the database only), default. Every problem is a `UsageError` whose
 * message is one line naming the flag or setting at fault.
 *
 * A config file holds the same settings as the flags, in camelCase:
 * `{"stage": "dev", "region": "eu-west-1", "dataDir": "data", "kinesisEndpoint": "http://…",
 *   "dynamodbEndpoint": "http://…", "s3Endpoint": "http://…", "databaseUrl": "postgres://…",
 *   "collectorPort": 9090, "igluPort": 8081, "igluApiKey": "<uuid>", "schemas": "iglu",
 *   "enrichments": "enrichments", "progress": 5, "s3MaxDelay": 10}`.
 * Relative paths (`dataDir`, `schemas`, `enrichments`) in the file are relative to the file; on
 * the command line, to the working directory. An empty endpoint or database URL means "start the
 * embedded engine", which also overrides a `DATABASE_URL` from the environment.
 */
import { dirname, resolve } from "node:path";
import type { EngineSettings } from "../adapters/engines/launcher.ts";
import { stageProblem } from "../core/topology.ts";
import { type ConfigFile, parseFlags, readConfigFile, UsageError } from "./command.ts";

export interface UpConfig {
  readonly stage: string;
  /** Region for the AWS clients and for bucket creation. */
  readonly region: string;
  /** Absolute path where the embedded engines keep their state. */
  readonly dataDir: string;
  readonly kinesisEndpoint?: string;
  readonly dynamodbEndpoint?: string;
  readonly s3Endpoint?: string;
  readonly databaseUrl?: string;
  /** Interface the apps listen on. */
  readonly host: string;
  /** The collector's port; 0 picks a free one. */
  readonly collectorPort: number;
  /** The Iglu Server's port; 0 picks a free one. */
  readonly igluPort: number;
  /** The Iglu Server's super API key (lower-case UUID); a new one each run when absent. */
  readonly igluApiKey?: string;
  /** Absolute path of a folder of schemas (Iglu Central layout) published at start. */
  readonly schemasDir?: string;
  /** Absolute path of a folder of Snowplow enrichment configs (`*.json`). */
  readonly enrichmentsDir?: string;
  /** Seconds between progress lines; 0 prints none. */
  readonly progressSeconds: number;
  /** Seconds the S3 loaders hold records before writing a file (Snowplow's `maxDelay`). */
  readonly s3MaxDelaySeconds: number;
}

/** The flags of `furrow up`, in `parseFlags`'s format. */
export const UP_FLAGS = {
  config: { type: "string" },
  stage: { type: "string" },
  region: { type: "string" },
  "data-dir": { type: "string" },
  "kinesis-endpoint": { type: "string" },
  "dynamodb-endpoint": { type: "string" },
  "s3-endpoint": { type: "string" },
  "database-url": { type: "string" },
  "collector-port": { type: "string" },
  "iglu-port": { type: "string" },
  "iglu-api-key": { type: "string" },
  schemas: { type: "string" },
  enrichments: { type: "string" },
  progress: { type: "string" },
  "no-progress": { type: "boolean" },
  "s3-max-delay": { type: "string" },
} as const;

export const UP_DEFAULTS = {
  stage: "local",
  region: "us-east-1",
  dataDir: ".furrow/data",
  host: "127.0.0.1",
  collectorPort: 9090,
  igluPort: 8081,
  progressSeconds: 5,
  s3MaxDelaySeconds: 10,
} as const;

/** The settings a config file may hold, and the flag each one mirrors. */
const SETTINGS = {
  stage: "stage",
  region: "region",
  dataDir: "data-dir",
  kinesisEndpoint: "kinesis-endpoint",
  dynamodbEndpoint: "dynamodb-endpoint",
  s3Endpoint: "s3-endpoint",
  databaseUrl: "database-url",
  collectorPort: "collector-port",
  igluPort: "iglu-port",
  igluApiKey: "iglu-api-key",
  schemas: "schemas",
  enrichments: "enrichments",
  progress: "progress",
  s3MaxDelay: "s3-max-delay",
} as const satisfies Record<string, keyof typeof UP_FLAGS>;
type Setting = keyof typeof SETTINGS;
/** Settings a config file may give as JSON numbers. */
const NUMERIC: ReadonlySet<Setting> = new Set(["collectorPort", "igluPort", "progress", "s3MaxDelay"]);

/** Where the raw values come from; `loadUpConfig` gathers them from the process. */
export interface UpConfigSources {
  readonly flags: Partial<Record<Exclude<keyof typeof UP_FLAGS, "no-progress">, string>> & {
    readonly "no-progress"?: boolean;
  };
  /** The config file named by `--config`, already read. */
  readonly file?: ConfigFile;
  /** Only `DATABASE_URL` is consulted. */
  readonly env: { readonly DATABASE_URL?: string };
  /** Relative flag paths resolve against this. */
  readonly cwd: string;
}

/** A lower-case UUID, as the Iglu Server takes its super API key. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** AWS region names: `us-east-1`, `eu-central-2`, `us-gov-west-1`, `ap-southeast-5`. */
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** Parses and validates a config file's text: a JSON object of known string settings. */
export function parseConfigFile(path: string, text: string): Partial<Record<Setting, string>> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`config file ${path}: not valid JSON (${(e as Error).message})`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new UsageError(`config file ${path}: expected a JSON object of settings`);
  }
  const settings: Partial<Record<Setting, string>> = {};
  for (const [key, value] of Object.entries(json)) {
    if (!Object.hasOwn(SETTINGS, key)) {
      throw new UsageError(
        `config file ${path}: unknown setting '${key}' (known: ${Object.keys(SETTINGS).join(", ")})`,
      );
    }
    if (typeof value === "number" && NUMERIC.has(key as Setting)) {
      settings[key as Setting] = String(value);
      continue;
    }
    if (typeof value !== "string") {
      throw new UsageError(
        `config file ${path}: setting '${key}' must be a ${NUMERIC.has(key as Setting) ? "number" : "string"}`,
      );
    }
    settings[key as Setting] = value;
  }
  return settings;
}

function checkUrl(where: string, value: string, protocols: readonly string[]): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${where}: '${value}' is not a URL`);
  }
  if (!protocols.includes(url.protocol)) {
    throw new UsageError(
      `${where}: '${value}' must start with ${protocols.map((p) => `${p}//`).join(" or ")}`,
    );
  }
  return value;
}

/** Merges and validates the sources. Throws `UsageError` with one line naming the culprit. */
export function resolveUpConfig(sources: UpConfigSources): UpConfig {
  const file = sources.file ? parseConfigFile(sources.file.path, sources.file.text) : {};
  const fileDir = sources.file ? dirname(resolve(sources.cwd, sources.file.path)) : sources.cwd;

  /** The winning raw value of a setting, and where it came from (for error messages). */
  const pick = (setting: Setting): { value: string; where: string; base: string } | undefined => {
    const flag = SETTINGS[setting];
    const fromFlag = sources.flags[flag];
    if (fromFlag !== undefined) return { value: fromFlag, where: `--${flag}`, base: sources.cwd };
    const fromFile = file[setting];
    if (fromFile !== undefined) {
      return {
        value: fromFile,
        where: `config file ${sources.file?.path}: setting '${setting}'`,
        base: fileDir,
      };
    }
    return undefined;
  };

  const stage = pick("stage") ?? { value: UP_DEFAULTS.stage, where: "stage", base: sources.cwd };
  const problem = stageProblem(stage.value);
  if (problem) throw new UsageError(`${stage.where}: ${problem}`);

  const region = pick("region") ?? { value: UP_DEFAULTS.region, where: "region", base: sources.cwd };
  if (!REGION.test(region.value)) {
    throw new UsageError(`${region.where}: '${region.value}' is not an AWS region name like us-east-1`);
  }

  const dataDir = pick("dataDir") ?? { value: UP_DEFAULTS.dataDir, where: "data-dir", base: sources.cwd };
  if (dataDir.value.trim() === "") throw new UsageError(`${dataDir.where}: must not be empty`);

  const endpoint = (setting: "kinesisEndpoint" | "dynamodbEndpoint" | "s3Endpoint"): string | undefined => {
    const picked = pick(setting);
    if (picked === undefined || picked.value === "") return undefined;
    return checkUrl(picked.where, picked.value, ["http:", "https:"]);
  };

  const database =
    pick("databaseUrl") ??
    (sources.env.DATABASE_URL === undefined
      ? undefined
      : { value: sources.env.DATABASE_URL, where: "DATABASE_URL", base: sources.cwd });
  const databaseUrl =
    database === undefined || database.value === ""
      ? undefined
      : checkUrl(database.where, database.value, ["postgres:", "postgresql:"]);

  const port = (setting: "collectorPort" | "igluPort"): number => {
    const picked = pick(setting);
    if (picked === undefined) return UP_DEFAULTS[setting];
    const n = Number(picked.value);
    if (picked.value.trim() === "" || !Number.isInteger(n) || n < 0 || n > 65_535) {
      throw new UsageError(
        `${picked.where}: '${picked.value}' is not a port (0 to 65535, 0 picks a free one)`,
      );
    }
    return n;
  };
  const seconds = (setting: "progress" | "s3MaxDelay", fallback: number, min: number): number => {
    const picked = pick(setting);
    if (picked === undefined) return fallback;
    const n = Number(picked.value);
    if (picked.value.trim() === "" || !Number.isFinite(n) || n < min || n > 86_400) {
      throw new UsageError(
        `${picked.where}: '${picked.value}' is not a number of seconds from ${min} to 86400`,
      );
    }
    return n;
  };
  const folder = (setting: "schemas" | "enrichments"): string | undefined => {
    const picked = pick(setting);
    if (picked === undefined || picked.value === "") return undefined;
    return resolve(picked.base, picked.value);
  };
  const apiKey = pick("igluApiKey");
  if (apiKey !== undefined && !UUID.test(apiKey.value)) {
    throw new UsageError(`${apiKey.where}: '${apiKey.value}' is not a lower-case UUID`);
  }
  const progressSeconds = seconds("progress", UP_DEFAULTS.progressSeconds, 0);

  return {
    stage: stage.value,
    region: region.value,
    dataDir: resolve(dataDir.base, dataDir.value),
    kinesisEndpoint: endpoint("kinesisEndpoint"),
    dynamodbEndpoint: endpoint("dynamodbEndpoint"),
    s3Endpoint: endpoint("s3Endpoint"),
    databaseUrl,
    host: UP_DEFAULTS.host,
    collectorPort: port("collectorPort"),
    igluPort: port("igluPort"),
    igluApiKey: apiKey?.value,
    schemasDir: folder("schemas"),
    enrichmentsDir: folder("enrichments"),
    progressSeconds: sources.flags["no-progress"] === true ? 0 : progressSeconds,
    // 0.05 s at least: a zero delay would write a file per batch.
    s3MaxDelaySeconds: seconds("s3MaxDelay", UP_DEFAULTS.s3MaxDelaySeconds, 0.05),
  };
}

/** Reads flags, the config file they name, and `DATABASE_URL` from `env`, then validates them. */
export async function loadUpConfig(
  argv: readonly string[],
  env: { readonly DATABASE_URL?: string },
  cwd: string,
): Promise<UpConfig> {
  const { values } = parseFlags(argv, UP_FLAGS);
  const file = await readConfigFile(values.config, cwd);
  return resolveUpConfig({ flags: values, file, env, cwd });
}

/** What the engine launcher needs from the config. */
export function engineSettings(config: UpConfig): EngineSettings {
  return {
    dataDir: config.dataDir,
    kinesisEndpoint: config.kinesisEndpoint,
    dynamodbEndpoint: config.dynamodbEndpoint,
    s3Endpoint: config.s3Endpoint,
    databaseUrl: config.databaseUrl,
  };
}
