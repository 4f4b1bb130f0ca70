/**
 * @module
 * The settings of `furrow up`, read once from flags, an optional JSON config file and the
 * `DATABASE_URL` environment variable, then validated. Precedence, highest first: flag, config
 * file, `DATABASE_URL` (for the database only), default. Every problem is a `UsageError` whose
 * message is one line naming the flag or setting at fault.
 *
 * A config file holds the same settings as the flags, in camelCase:
 * `{"stage": "dev", "region": "eu-west-1", "dataDir": "data", "kinesisEndpoint": "http://…",
 *   "dynamodbEndpoint": "http://…", "s3Endpoint": "http://…", "databaseUrl": "postgres://…"}`.
 * A relative `dataDir` in the file is relative to the file; on the command line, to the working
 * directory. An empty endpoint or database URL means "start the embedded engine", which also
 * overrides a `DATABASE_URL` from the environment.
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
} as const;

export const UP_DEFAULTS = { stage: "local", region: "us-east-1", dataDir: ".furrow/data" } as const;

/** The settings a config file may hold, and the flag each one mirrors. */
const SETTINGS = {
  stage: "stage",
  region: "region",
  dataDir: "data-dir",
  kinesisEndpoint: "kinesis-endpoint",
  dynamodbEndpoint: "dynamodb-endpoint",
  s3Endpoint: "s3-endpoint",
  databaseUrl: "database-url",
} as const satisfies Record<string, keyof typeof UP_FLAGS>;
type Setting = keyof typeof SETTINGS;

/** Where the raw values come from; `loadUpConfig` gathers them from the process. */
export interface UpConfigSources {
  readonly flags: Partial<Record<keyof typeof UP_FLAGS, string>>;
  /** The config file named by `--config`, already read. */
  readonly file?: ConfigFile;
  /** Only `DATABASE_URL` is consulted. */
  readonly env: { readonly DATABASE_URL?: string };
  /** Relative flag paths resolve against this. */
  readonly cwd: string;
}

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
    if (typeof value !== "string") {
      throw new UsageError(`config file ${path}: setting '${key}' must be a string`);
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

  return {
    stage: stage.value,
    region: region.value,
    dataDir: resolve(dataDir.base, dataDir.value),
    kinesisEndpoint: endpoint("kinesisEndpoint"),
    dynamodbEndpoint: endpoint("dynamodbEndpoint"),
    s3Endpoint: endpoint("s3Endpoint"),
    databaseUrl,
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
