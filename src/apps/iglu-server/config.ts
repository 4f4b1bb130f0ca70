/**
 * @module
 * The Iglu Server's settings, read once from flags, an optional JSON config file and the
 * environment the CLI passes in, then validated. Precedence, highest first: flag, config file,
 * environment (`DATABASE_URL`, `IGLU_SUPER_API_KEY`, as the reference reads the latter), default.
 * Every problem is reported, one line each naming the flag or setting at fault ({@link ConfigProblems}).
 *
 * A config file is JSON, in camelCase:
 * `{"host": "127.0.0.1", "port": 8080, "databaseUrl": "postgres://…", "databaseSchema": "public",
 *   "dataDir": ".furrow/iglu-server", "superApiKey": "<uuid>", "patchesAllowed": false,
 *   "debug": false, "maxPayloadSize": 100000, "maxJsonDepth": 40,
 *   "hsts": {"enable": false, "maxAge": 31536000},
 *   "webhooks": {"schemaPublished": [{"uri": "https://…", "vendorPrefixes": ["com.acme"], "usePost": true}]}}`
 *
 * Storage follows `databaseUrl`: a `postgres://` URL is that server; `dummy` is the in-memory
 * storage with the reference's built-in super key; empty or absent is embedded PGlite keeping its
 * data in `dataDir` (relative to the config file when set there).
 */
import { dirname, resolve } from "node:path";
import { err, ok, type Result } from "../../core/result.ts";
import { DEFAULT_MAX_JSON_DEPTH, DEFAULT_MAX_PAYLOAD_SIZE, isJsonObject } from "./json-body.ts";
import { parseApiKey } from "./permission.ts";
import type { SchemaPublishedWebhook } from "./webhooks.ts";

export type StorageSettings =
  | { readonly kind: "postgres"; readonly url: string; readonly namespace: string }
  | { readonly kind: "embedded"; readonly dataDir: string; readonly namespace: string }
  | { readonly kind: "dummy" };

export interface IgluServerConfig {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly storage: StorageSettings;
  /** Lower-case UUID, or null. */
  readonly superApiKey: string | null;
  readonly patchesAllowed: boolean;
  readonly debug: boolean;
  readonly maxPayloadSize: number;
  readonly maxJsonDepth: number;
  /** Seconds, or null for no HSTS header. */
  readonly hstsMaxAgeSeconds: number | null;
  readonly webhooks: readonly SchemaPublishedWebhook[];
}

export const IGLU_SERVER_DEFAULTS = {
  host: "127.0.0.1",
  port: 8080,
  dataDir: ".furrow/iglu-server",
  databaseSchema: "public",
} as const;

/** What is wrong with the settings: every problem found, each naming its flag or setting. */
export interface ConfigProblems {
  /** One line each, in the order the settings are read. */
  readonly problems: readonly string[];
  /** The problems joined by newlines. */
  readonly message: string;
}

/** Raw values, as the CLI gathers them. Flags are strings, except the boolean switches. */
export interface IgluServerConfigSources {
  readonly flags: {
    readonly host?: string;
    readonly port?: string;
    readonly "database-url"?: string;
    readonly "database-schema"?: string;
    readonly "data-dir"?: string;
    readonly "super-api-key"?: string;
    readonly "patches-allowed"?: boolean;
  };
  /** The config file named by `--config`, already read. */
  readonly file?: { readonly path: string; readonly text: string };
  readonly env: { readonly DATABASE_URL?: string; readonly IGLU_SUPER_API_KEY?: string };
  /** Relative paths on the command line resolve against this. */
  readonly cwd: string;
}

const FILE_SETTINGS = new Set([
  "host",
  "port",
  "databaseUrl",
  "databaseSchema",
  "dataDir",
  "superApiKey",
  "patchesAllowed",
  "debug",
  "maxPayloadSize",
  "maxJsonDepth",
  "hsts",
  "webhooks",
]);

const NAMESPACE = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * The problems found so far. Each check records what is wrong and returns `undefined`, and the
 * caller goes on with the default, so one run reports every problem, not only the first.
 */
class Problems {
  readonly lines: string[] = [];
  add(message: string): undefined {
    this.lines.push(message);
    return undefined;
  }
}

function parseFile(problems: Problems, path: string, text: string): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    problems.add(`config file ${path}: not valid JSON (${(e as Error).message})`);
    return {};
  }
  if (!isJsonObject(json)) {
    problems.add(`config file ${path}: expected a JSON object of settings`);
    return {};
  }
  for (const key of Object.keys(json)) {
    if (!FILE_SETTINGS.has(key)) {
      problems.add(`config file ${path}: unknown setting '${key}' (known: ${[...FILE_SETTINGS].join(", ")})`);
    }
  }
  return json;
}

function integer(
  problems: Problems,
  where: string,
  value: unknown,
  min: number,
  max: number,
): number | undefined {
  const n = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max) {
    return problems.add(`${where}: expected an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

function boolean(problems: Problems, where: string, value: unknown): boolean | undefined {
  return typeof value === "boolean" ? value : problems.add(`${where}: expected true or false`);
}

function text(problems: Problems, where: string, value: unknown): string | undefined {
  return typeof value === "string" ? value : problems.add(`${where}: expected a string`);
}

function webhooksOf(problems: Problems, where: string, value: unknown): SchemaPublishedWebhook[] {
  if (!isJsonObject(value)) {
    problems.add(`${where}: expected {"schemaPublished": [...]}`);
    return [];
  }
  const list = value["schemaPublished"] ?? [];
  if (!Array.isArray(list)) {
    problems.add(`${where}.schemaPublished: expected an array`);
    return [];
  }
  const hooks: SchemaPublishedWebhook[] = [];
  list.forEach((hook, i) => {
    const at = `${where}.schemaPublished[${i}]`;
    if (!isJsonObject(hook)) {
      problems.add(`${at}: expected an object`);
      return;
    }
    const uri = text(problems, `${at}.uri`, hook["uri"]);
    if (uri !== undefined) {
      try {
        const url = new URL(uri);
        if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error();
      } catch {
        problems.add(`${at}.uri: '${uri}' is not an http(s) URL`);
      }
    }
    const prefixes = hook["vendorPrefixes"] ?? null;
    if (prefixes !== null && !(Array.isArray(prefixes) && prefixes.every((p) => typeof p === "string"))) {
      problems.add(`${at}.vendorPrefixes: expected an array of strings`);
    }
    const usePost =
      hook["usePost"] === undefined ? false : boolean(problems, `${at}.usePost`, hook["usePost"]);
    hooks.push({ uri: uri ?? "", vendorPrefixes: prefixes as string[] | null, usePost: usePost ?? false });
  });
  return hooks;
}

/** Merges and validates the sources; on failure, every problem found. */
export function resolveIgluServerConfig(
  sources: IgluServerConfigSources,
): Result<IgluServerConfig, ConfigProblems> {
  const problems = new Problems();
  const file = sources.file ? parseFile(problems, sources.file.path, sources.file.text) : {};
  const fileDir = sources.file ? dirname(resolve(sources.cwd, sources.file.path)) : sources.cwd;
  const inFile = (key: string) => `config file ${sources.file?.path}: setting '${key}'`;
  const { flags } = sources;
  /** The file's string setting `key`, or undefined when absent (or not a string: a problem). */
  const fileText = (key: string): string | undefined =>
    file[key] === undefined ? undefined : text(problems, inFile(key), file[key]);
  const fileBoolean = (key: string): boolean | undefined =>
    file[key] === undefined ? undefined : boolean(problems, inFile(key), file[key]);
  const fileInteger = (key: string, min: number, max: number): number | undefined =>
    file[key] === undefined ? undefined : integer(problems, inFile(key), file[key], min, max);

  const host = flags.host ?? fileText("host") ?? IGLU_SERVER_DEFAULTS.host;
  if (host.trim() === "")
    problems.add(`${flags.host !== undefined ? "--host" : inFile("host")}: must not be empty`);
  const port =
    (flags.port !== undefined
      ? integer(problems, "--port", flags.port, 0, 65535)
      : fileInteger("port", 0, 65535)) ?? IGLU_SERVER_DEFAULTS.port;

  const namespace =
    flags["database-schema"] ?? fileText("databaseSchema") ?? IGLU_SERVER_DEFAULTS.databaseSchema;
  if (!NAMESPACE.test(namespace)) {
    problems.add(`database schema '${namespace}': use lower-case letters, digits and underscores`);
  }

  const fileDatabase = fileText("databaseUrl");
  const database =
    flags["database-url"] !== undefined
      ? { value: flags["database-url"], where: "--database-url" }
      : fileDatabase !== undefined
        ? { value: fileDatabase, where: inFile("databaseUrl") }
        : sources.env.DATABASE_URL !== undefined
          ? { value: sources.env.DATABASE_URL, where: "DATABASE_URL" }
          : { value: "", where: "database" };
  let storage: StorageSettings;
  if (database.value === "dummy") storage = { kind: "dummy" };
  else if (database.value === "") {
    const fileDataDir = fileText("dataDir");
    const dataDir =
      flags["data-dir"] !== undefined
        ? resolve(sources.cwd, flags["data-dir"])
        : fileDataDir !== undefined
          ? resolve(fileDir, fileDataDir)
          : resolve(sources.cwd, IGLU_SERVER_DEFAULTS.dataDir);
    storage = { kind: "embedded", dataDir, namespace };
  } else {
    let url: URL | null = null;
    try {
      url = new URL(database.value);
    } catch {}
    if (!url || (url.protocol !== "postgres:" && url.protocol !== "postgresql:")) {
      problems.add(
        `${database.where}: '${database.value}' must be a postgres:// URL, 'dummy', or empty for embedded PGlite`,
      );
    }
    storage = { kind: "postgres", url: database.value, namespace };
  }

  const superText = flags["super-api-key"] ?? fileText("superApiKey") ?? sources.env.IGLU_SUPER_API_KEY;
  const superApiKey = superText === undefined || superText === "" ? null : parseApiKey(superText);
  if (superText !== undefined && superText !== "" && superApiKey === null) {
    problems.add(`super API key '${superText}' is not a UUID`);
  }

  const hsts = file["hsts"];
  let hstsMaxAgeSeconds: number | null = null;
  if (hsts !== undefined) {
    if (!isJsonObject(hsts)) problems.add(`${inFile("hsts")}: expected {"enable": bool, "maxAge": seconds}`);
    else if (boolean(problems, `${inFile("hsts")}.enable`, hsts["enable"] ?? false)) {
      hstsMaxAgeSeconds =
        integer(problems, `${inFile("hsts")}.maxAge`, hsts["maxAge"] ?? 31536000, 0, 2 ** 31 - 1) ?? null;
    }
  }

  const config: IgluServerConfig = {
    host,
    port,
    storage,
    superApiKey,
    patchesAllowed: flags["patches-allowed"] ?? fileBoolean("patchesAllowed") ?? false,
    debug: fileBoolean("debug") ?? false,
    maxPayloadSize: fileInteger("maxPayloadSize", 1, 100_000_000) ?? DEFAULT_MAX_PAYLOAD_SIZE,
    maxJsonDepth: fileInteger("maxJsonDepth", 1, 10_000) ?? DEFAULT_MAX_JSON_DEPTH,
    hstsMaxAgeSeconds,
    webhooks:
      file["webhooks"] === undefined ? [] : webhooksOf(problems, inFile("webhooks"), file["webhooks"]),
  };
  const lines = problems.lines;
  return lines.length > 0 ? err({ problems: lines, message: lines.join("\n") }) : ok(config);
}
