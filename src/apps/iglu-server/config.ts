/**
 * @module
 * The Iglu Server's settings, read once from flags, an optional JSON config file and the
 * environment the CLI passes in, then validated. Precedence, highest first: flag, config file,
 * environment (`DATABASE_URL`, `IGLU_SUPER_API_KEY`, as the reference reads the latter), default.
 * Every problem is a {@link ConfigProblem} naming the flag or setting at fault.
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

/** A setting that is wrong: where it came from, and why. */
export interface ConfigProblem {
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

class Problem extends Error {}
const problem = (message: string): never => {
  throw new Problem(message);
};

function parseFile(path: string, text: string): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return problem(`config file ${path}: not valid JSON (${(e as Error).message})`);
  }
  if (!isJsonObject(json)) return problem(`config file ${path}: expected a JSON object of settings`);
  for (const key of Object.keys(json)) {
    if (!FILE_SETTINGS.has(key)) {
      problem(`config file ${path}: unknown setting '${key}' (known: ${[...FILE_SETTINGS].join(", ")})`);
    }
  }
  return json;
}

function integer(where: string, value: unknown, min: number, max: number): number {
  const n = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max) {
    return problem(`${where}: expected an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

function boolean(where: string, value: unknown): boolean {
  return typeof value === "boolean" ? value : problem(`${where}: expected true or false`);
}

function text(where: string, value: unknown): string {
  return typeof value === "string" ? value : problem(`${where}: expected a string`);
}

function webhooksOf(where: string, value: unknown): SchemaPublishedWebhook[] {
  if (!isJsonObject(value)) return problem(`${where}: expected {"schemaPublished": [...]}`);
  const list = value["schemaPublished"] ?? [];
  if (!Array.isArray(list)) return problem(`${where}.schemaPublished: expected an array`);
  return list.map((hook, i) => {
    const at = `${where}.schemaPublished[${i}]`;
    if (!isJsonObject(hook)) return problem(`${at}: expected an object`);
    const uri = text(`${at}.uri`, hook["uri"]);
    try {
      const url = new URL(uri);
      if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error();
    } catch {
      problem(`${at}.uri: '${uri}' is not an http(s) URL`);
    }
    const prefixes = hook["vendorPrefixes"] ?? null;
    if (prefixes !== null && !(Array.isArray(prefixes) && prefixes.every((p) => typeof p === "string"))) {
      problem(`${at}.vendorPrefixes: expected an array of strings`);
    }
    return {
      uri,
      vendorPrefixes: prefixes as string[] | null,
      usePost: hook["usePost"] === undefined ? false : boolean(`${at}.usePost`, hook["usePost"]),
    };
  });
}

/** Merges and validates the sources. */
export function resolveIgluServerConfig(
  sources: IgluServerConfigSources,
): Result<IgluServerConfig, ConfigProblem> {
  try {
    const file = sources.file ? parseFile(sources.file.path, sources.file.text) : {};
    const fileDir = sources.file ? dirname(resolve(sources.cwd, sources.file.path)) : sources.cwd;
    const inFile = (key: string) => `config file ${sources.file?.path}: setting '${key}'`;
    const { flags } = sources;

    const host =
      flags.host ??
      (file["host"] === undefined ? IGLU_SERVER_DEFAULTS.host : text(inFile("host"), file["host"]));
    if (host.trim() === "") problem("--host: must not be empty");
    const port =
      flags.port !== undefined
        ? integer("--port", flags.port, 0, 65535)
        : file["port"] !== undefined
          ? integer(inFile("port"), file["port"], 0, 65535)
          : IGLU_SERVER_DEFAULTS.port;

    const namespace =
      flags["database-schema"] ??
      (file["databaseSchema"] === undefined
        ? IGLU_SERVER_DEFAULTS.databaseSchema
        : text(inFile("databaseSchema"), file["databaseSchema"]));
    if (!NAMESPACE.test(namespace)) {
      problem(`database schema '${namespace}': use lower-case letters, digits and underscores`);
    }

    const database =
      flags["database-url"] !== undefined
        ? { value: flags["database-url"], where: "--database-url" }
        : file["databaseUrl"] !== undefined
          ? { value: text(inFile("databaseUrl"), file["databaseUrl"]), where: inFile("databaseUrl") }
          : sources.env.DATABASE_URL !== undefined
            ? { value: sources.env.DATABASE_URL, where: "DATABASE_URL" }
            : { value: "", where: "database" };
    let storage: StorageSettings;
    if (database.value === "dummy") storage = { kind: "dummy" };
    else if (database.value === "") {
      const dataDir =
        flags["data-dir"] !== undefined
          ? resolve(sources.cwd, flags["data-dir"])
          : file["dataDir"] !== undefined
            ? resolve(fileDir, text(inFile("dataDir"), file["dataDir"]))
            : resolve(sources.cwd, IGLU_SERVER_DEFAULTS.dataDir);
      storage = { kind: "embedded", dataDir, namespace };
    } else {
      let url: URL | null = null;
      try {
        url = new URL(database.value);
      } catch {}
      if (!url || (url.protocol !== "postgres:" && url.protocol !== "postgresql:")) {
        problem(
          `${database.where}: '${database.value}' must be a postgres:// URL, 'dummy', or empty for embedded PGlite`,
        );
      }
      storage = { kind: "postgres", url: database.value, namespace };
    }

    const superText =
      flags["super-api-key"] ??
      (file["superApiKey"] !== undefined ? text(inFile("superApiKey"), file["superApiKey"]) : undefined) ??
      sources.env.IGLU_SUPER_API_KEY;
    const superApiKey = superText === undefined || superText === "" ? null : parseApiKey(superText);
    if (superText !== undefined && superText !== "" && superApiKey === null) {
      problem(`super API key '${superText}' is not a UUID`);
    }

    const hsts = file["hsts"];
    let hstsMaxAgeSeconds: number | null = null;
    if (hsts !== undefined) {
      if (!isJsonObject(hsts)) problem(`${inFile("hsts")}: expected {"enable": bool, "maxAge": seconds}`);
      const h = hsts as Record<string, unknown>;
      if (boolean(`${inFile("hsts")}.enable`, h["enable"] ?? false)) {
        hstsMaxAgeSeconds = integer(`${inFile("hsts")}.maxAge`, h["maxAge"] ?? 31536000, 0, 2 ** 31 - 1);
      }
    }

    return ok({
      host,
      port,
      storage,
      superApiKey,
      patchesAllowed:
        flags["patches-allowed"] ??
        (file["patchesAllowed"] === undefined
          ? false
          : boolean(inFile("patchesAllowed"), file["patchesAllowed"])),
      debug: file["debug"] === undefined ? false : boolean(inFile("debug"), file["debug"]),
      maxPayloadSize:
        file["maxPayloadSize"] === undefined
          ? DEFAULT_MAX_PAYLOAD_SIZE
          : integer(inFile("maxPayloadSize"), file["maxPayloadSize"], 1, 100_000_000),
      maxJsonDepth:
        file["maxJsonDepth"] === undefined
          ? DEFAULT_MAX_JSON_DEPTH
          : integer(inFile("maxJsonDepth"), file["maxJsonDepth"], 1, 10_000),
      hstsMaxAgeSeconds,
      webhooks: file["webhooks"] === undefined ? [] : webhooksOf(inFile("webhooks"), file["webhooks"]),
    });
  } catch (e) {
    if (e instanceof Problem) return err({ message: e.message });
    throw e;
  }
}
