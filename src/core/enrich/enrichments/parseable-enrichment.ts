/**
 * @module
 * Reading an enrichment's Snowplow config, the part every enrichment shares (Enrich's
 * `ParseableEnrichment` trait and `CirceUtils.extract`): the SDJ's schema must match the versions the
 * enrichment supports, and each parameter is pulled out by path with a typed check. Problems are
 * reported as one `EnrichmentConfigError` naming the JSON path, worded like Enrich's start-up errors
 * (`Could not extract parameters.cookies as List[String] …`).
 */
import {
  criterionMatches,
  formatSchemaCriterion,
  type SchemaCriterion,
} from "../../iglu/schema-criterion.ts";
import { formatSchemaKey, parseSchemaKey, type SchemaKey } from "../../iglu/schema-key.ts";
import { err, ok, type Result } from "../../result.ts";
import type { EnrichmentConfigError } from "../enrichment.ts";

/** A JSON object, as the config's members are read. */
export type JsonObject = Readonly<Record<string, unknown>>;

/** The config's schema and its `data` member, checked against the supported criterion. */
export interface EnrichmentConfig {
  readonly schemaKey: SchemaKey;
  readonly data: JsonObject;
}

/**
 * An asset named by `{uri, database}` (a MaxMind database, the referer list, IAB files). Enrich joins
 * them as `uri + "/" + database` (`getDatabaseUri`); `deps.loadAsset` receives both parts.
 */
export interface AssetRef {
  readonly uri: string;
  readonly database: string;
}

export const isJsonObject = (json: unknown): json is JsonObject =>
  typeof json === "object" && json !== null && !Array.isArray(json);

/** Reads a config's members, every error naming the enrichment. */
export class ConfigReader {
  constructor(readonly enrichment: string) {}

  /** An error at `path` (dotted, from the SDJ's `data`). */
  error(path: string, message: string): EnrichmentConfigError {
    return { enrichment: this.enrichment, path, message };
  }

  /**
   * Checks the SDJ's shape and that its schema matches `criterion`, as Enrich's `isParseable` does
   * (`Schema key … is not supported. A 'ip_lookups' enrichment must have schema …`).
   */
  config(json: unknown, criterion: SchemaCriterion): Result<EnrichmentConfig, EnrichmentConfigError> {
    if (!isJsonObject(json) || typeof json.schema !== "string") {
      return err(
        this.error("schema", "the enrichment config must be a self-describing JSON with a schema URI"),
      );
    }
    const key = parseSchemaKey(json.schema);
    if (!key.ok) return err(this.error("schema", `${json.schema} is not a valid Iglu schema URI`));
    if (!criterionMatches(criterion, key.value)) {
      return err(
        this.error(
          "schema",
          `Schema key ${formatSchemaKey(key.value)} is not supported. A '${criterion.name}' enrichment must have schema ${formatSchemaCriterion(criterion)}.`,
        ),
      );
    }
    if (!isJsonObject(json.data))
      return err(this.error("data", "the enrichment config's data must be an object"));
    return ok({ schemaKey: key.value, data: json.data });
  }

  /** The value at `path` under `root`, or undefined when any step is missing. */
  at(root: JsonObject, path: readonly string[]): unknown {
    let node: unknown = root;
    for (const step of path) {
      if (!isJsonObject(node)) return undefined;
      node = node[step];
    }
    return node;
  }

  #extractError(path: readonly string[], scalaType: string, detail: string): EnrichmentConfigError {
    const dotted = path.join(".");
    return this.error(dotted, `Could not extract ${dotted} as ${scalaType} from supplied JSON: ${detail}`);
  }

  /** A required string. */
  string(root: JsonObject, path: readonly string[]): Result<string, EnrichmentConfigError> {
    const v = this.at(root, path);
    if (typeof v === "string") return ok(v);
    return err(this.#extractError(path, "String", describe(v, "a string")));
  }

  /** A required JSON integer within [min, max]. */
  integer(
    root: JsonObject,
    path: readonly string[],
    min = -2147483648,
    max = 2147483647,
  ): Result<number, EnrichmentConfigError> {
    const v = this.at(root, path);
    if (typeof v !== "number" || !Number.isInteger(v)) {
      return err(this.#extractError(path, "Int", describe(v, "an integer")));
    }
    if (v < min || v > max) {
      return err(this.error(path.join("."), `${path.join(".")} must be between ${min} and ${max}, got ${v}`));
    }
    return ok(v);
  }

  /** An optional integer: undefined or null when absent. */
  optionalInteger(root: JsonObject, path: readonly string[]): Result<number | null, EnrichmentConfigError> {
    const v = this.at(root, path);
    if (v === undefined || v === null) return ok(null);
    return this.integer(root, path);
  }

  /** A required array of strings. */
  strings(root: JsonObject, path: readonly string[]): Result<readonly string[], EnrichmentConfigError> {
    const v = this.at(root, path);
    if (Array.isArray(v) && v.every((s) => typeof s === "string")) return ok(v as string[]);
    return err(this.#extractError(path, "List[String]", describe(v, "an array of strings")));
  }

  /** An optional array of strings: the empty list when absent or null. */
  optionalStrings(
    root: JsonObject,
    path: readonly string[],
  ): Result<readonly string[], EnrichmentConfigError> {
    const v = this.at(root, path);
    if (v === undefined || v === null) return ok([]);
    return this.strings(root, path);
  }

  /** An optional object: null when absent. */
  optionalObject(
    root: JsonObject,
    path: readonly string[],
  ): Result<JsonObject | null, EnrichmentConfigError> {
    const v = this.at(root, path);
    if (v === undefined) return ok(null);
    if (isJsonObject(v)) return ok(v);
    return err(this.#extractError(path, "JsonObject", describe(v, "an object")));
  }

  /** A required `{uri, database}` asset. */
  asset(root: JsonObject, path: readonly string[]): Result<AssetRef, EnrichmentConfigError> {
    const uri = this.string(root, [...path, "uri"]);
    if (!uri.ok) return uri;
    const database = this.string(root, [...path, "database"]);
    if (!database.ok) return database;
    if (uri.value === "" || database.value === "") {
      // Enrich's getDatabaseUri: the joined URI must not be empty.
      return err(
        this.error(path.join("."), `URI ${uri.value} to database file ${database.value} must be provided`),
      );
    }
    return ok({ uri: uri.value, database: database.value });
  }

  /** An optional `{uri, database}` asset: null when the member is absent. */
  optionalAsset(root: JsonObject, path: readonly string[]): Result<AssetRef | null, EnrichmentConfigError> {
    return this.at(root, path) === undefined ? ok(null) : this.asset(root, path);
  }

  /**
   * The `parameters.cache` and `parameters.ignoreOnError` members the API and SQL enrichments
   * share: a cache of `size` entries kept `ttl` seconds (0 when absent), and whether a failed
   * lookup adds nothing instead of failing the event.
   */
  lookupPolicy(root: JsonObject): Result<LookupPolicy, EnrichmentConfigError> {
    const size = this.integer(root, ["parameters", "cache", "size"], 0);
    if (!size.ok) return size;
    const ttl = this.integer(root, ["parameters", "cache", "ttl"], 0);
    if (!ttl.ok) return ttl;
    const ignore = this.at(root, ["parameters", "ignoreOnError"]);
    if (ignore !== undefined && ignore !== null && typeof ignore !== "boolean") {
      return err(this.error("parameters.ignoreOnError", "ignoreOnError must be a boolean"));
    }
    return ok({ cache: { size: size.value, ttl: ttl.value }, ignoreOnError: ignore === true });
  }
}

/** How a lookup enrichment (API, SQL) caches its answers and treats its failures. */
export interface LookupPolicy {
  readonly cache: { readonly size: number; readonly ttl: number };
  readonly ignoreOnError: boolean;
}

function describe(value: unknown, expected: string): string {
  if (value === undefined) return `missing, expected ${expected}`;
  const found = value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`;
  return `expected ${expected}, got ${found}`;
}

/** The message of a failed asset load, for a config error. */
export function assetLoadError(asset: AssetRef, cause: unknown): string {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return `could not load ${asset.database} from ${asset.uri}: ${reason}`;
}

/** Enrich's outcome for an enrichment that ran and added nothing, shared to spare an allocation. */
export const NOTHING_ADDED = Object.freeze({ kind: "enriched" as const, contexts: Object.freeze([]) });
