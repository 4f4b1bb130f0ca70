/**
 * @module
 * Snowplow's Iglu resolver config, `iglu:com.snowplowanalytics.iglu/resolver-config/jsonschema/1-0-*`
 * (any 1-0-* is accepted, as iglu-scala-client's `Resolver.parseConfig` accepts it):
 *
 * ```json
 * {"schema": "iglu:com.snowplowanalytics.iglu/resolver-config/jsonschema/1-0-3",
 *  "data": {"cacheSize": 500, "cacheTtl": 600, "repositories": [
 *    {"name": "Iglu Central", "priority": 0, "vendorPrefixes": ["com.snowplowanalytics"],
 *     "connection": {"http": {"uri": "http://iglucentral.com", "apikey": null}}}]}}
 * ```
 *
 * 1-0-1 added `apikey`, 1-0-2 `cacheTtl` (seconds). Repository names must be unique. Every problem
 * is reported with the JSONPath of the offending member, all at once, so a broken config can be
 * fixed in one pass. Unknown members are ignored, as Snowplow's decoder ignores them.
 */
import { err, ok, type Result } from "../result.ts";
import type { NonEmpty } from "./client-error.ts";
import type { RegistryRef } from "./registry.ts";
import { criterionMatches, formatSchemaCriterion, schemaCriterion } from "./schema-criterion.ts";
import { formatSchemaKey, type SchemaKey } from "./schema-key.ts";
import { parseSelfDescribingData } from "./self-describing-data.ts";

/** The schemas a resolver config may declare (Resolver.scala `ConfigurationSchema`). */
export const RESOLVER_CONFIG_CRITERION = schemaCriterion(
  "com.snowplowanalytics.iglu",
  "resolver-config",
  "jsonschema",
  1,
  0,
);

/** Where a repository's schemas come from. */
export type RepositoryConnection =
  | { readonly kind: "embedded"; readonly path: string }
  | { readonly kind: "http"; readonly uri: string; readonly apikey: string | null };

/** One entry of `repositories`. */
export interface RepositoryConfig extends RegistryRef {
  readonly connection: RepositoryConnection;
}

/** A parsed resolver config. */
export interface ResolverConfig {
  /** The config's own schema, e.g. `…/resolver-config/jsonschema/1-0-3`. */
  readonly schema: SchemaKey;
  /** Entries per cache; 0 or less means no cache at all. */
  readonly cacheSize: number;
  /** Seconds a cached entry stays fresh; null means forever, 0 means no cache. */
  readonly cacheTtl: number | null;
  readonly repositories: readonly RepositoryConfig[];
}

/** One problem: the JSONPath of the member (`$.data.repositories[0].priority`) and what is wrong. */
export interface ResolverConfigIssue {
  readonly path: string;
  readonly message: string;
}

/** Why a resolver config was rejected. */
export interface ResolverConfigError {
  readonly kind: "InvalidResolverConfig";
  readonly issues: NonEmpty<ResolverConfigIssue>;
}

/** One line per issue, for start-up logs. */
export function formatResolverConfigError(error: ResolverConfigError): string {
  return `Invalid Iglu resolver config:\n${error.issues.map((i) => `  ${i.path}: ${i.message}`).join("\n")}`;
}

const isObject = (json: unknown): json is Record<string, unknown> =>
  typeof json === "object" && json !== null && !Array.isArray(json);

// circe decodes these as JVM Ints.
const isInt = (v: unknown): v is number => Number.isInteger(v) && Math.abs(v as number) <= 2147483647;

const describe = (v: unknown): string => (v === undefined ? "missing" : `got ${JSON.stringify(v)}`);

/**
 * Validates and reads a resolver config from parsed JSON.
 *
 * @example
 * const parsed = parseResolverConfig(JSON.parse(text));
 * if (!parsed.ok) console.error(formatResolverConfigError(parsed.error));
 */
export function parseResolverConfig(json: unknown): Result<ResolverConfig, ResolverConfigError> {
  const issues: ResolverConfigIssue[] = [];
  const issue = (path: string, message: string): void => {
    issues.push({ path, message });
  };
  const failed = () =>
    err({
      kind: "InvalidResolverConfig" as const,
      issues: issues as unknown as NonEmpty<ResolverConfigIssue>,
    });

  const sdd = parseSelfDescribingData(json);
  if (!sdd.ok) {
    issue("$", `not self-describing JSON: ${sdd.error.message}`);
    return failed();
  }
  const schema = sdd.value.schema;
  if (!criterionMatches(RESOLVER_CONFIG_CRITERION, schema)) {
    issue(
      "$.schema",
      `Schema ${formatSchemaKey(schema)} does not match criterion ${formatSchemaCriterion(RESOLVER_CONFIG_CRITERION)}`,
    );
  }
  const data = sdd.value.data;
  if (!isObject(data)) {
    issue("$.data", `must be an object, ${describe(data)}`);
    return failed();
  }

  const cacheSize = data["cacheSize"];
  if (!isInt(cacheSize)) issue("$.data.cacheSize", `must be an integer, ${describe(cacheSize)}`);

  const cacheTtl = data["cacheTtl"] ?? null;
  if (cacheTtl !== null && !(isInt(cacheTtl) && cacheTtl >= 0)) {
    issue("$.data.cacheTtl", `must be a whole number of seconds (0 or more) or null, ${describe(cacheTtl)}`);
  }

  const repositories: RepositoryConfig[] = [];
  const repos = data["repositories"];
  if (!Array.isArray(repos)) {
    issue("$.data.repositories", `must be an array, ${describe(repos)}`);
  } else {
    repos.forEach((repo, i) => {
      const parsed = parseRepository(repo, `$.data.repositories[${i}]`, issue);
      if (parsed !== null) repositories.push(parsed);
    });
    // Resolver.validateRefs, with its message.
    const counts = new Map<string, number>();
    for (const r of repos) {
      if (isObject(r) && typeof r["name"] === "string")
        counts.set(r["name"], (counts.get(r["name"]) ?? 0) + 1);
    }
    const repeated = [...counts]
      .filter(([, n]) => n > 1)
      .map(([name, n]) => `${name} encountered ${n} times`);
    if (repeated.length > 0) {
      issue("$.data.repositories", `Repository names must be unique, ${repeated.join(", ")}`);
    }
  }

  if (issues.length > 0) return failed();
  return ok({
    schema,
    cacheSize: cacheSize as number,
    cacheTtl: cacheTtl as number | null,
    repositories,
  });
}

/** Parses the text of a resolver config file. */
export function parseResolverConfigText(text: string): Result<ResolverConfig, ResolverConfigError> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return err({ kind: "InvalidResolverConfig", issues: [{ path: "$", message: `not JSON: ${message}` }] });
  }
  return parseResolverConfig(json);
}

function parseRepository(
  repo: unknown,
  at: string,
  issue: (path: string, message: string) => void,
): RepositoryConfig | null {
  if (!isObject(repo)) {
    issue(at, `must be an object, ${describe(repo)}`);
    return null;
  }
  const before = { count: 0 };
  const report = (path: string, message: string) => {
    before.count += 1;
    issue(path, message);
  };
  const { name, priority, vendorPrefixes, connection } = repo;
  if (typeof name !== "string") report(`${at}.name`, `must be a string, ${describe(name)}`);
  if (!isInt(priority)) report(`${at}.priority`, `must be an integer, ${describe(priority)}`);
  if (!Array.isArray(vendorPrefixes) || !vendorPrefixes.every((p) => typeof p === "string")) {
    report(`${at}.vendorPrefixes`, `must be an array of strings, ${describe(vendorPrefixes)}`);
  }
  const parsed = parseConnection(connection, `${at}.connection`, report);
  if (before.count > 0 || parsed === null) return null;
  return {
    name: name as string,
    priority: priority as number,
    vendorPrefixes: vendorPrefixes as string[],
    connection: parsed,
  };
}

function parseConnection(
  connection: unknown,
  at: string,
  issue: (path: string, message: string) => void,
): RepositoryConnection | null {
  if (!isObject(connection)) {
    issue(at, `must be an object with "embedded" or "http", ${describe(connection)}`);
    return null;
  }
  const { embedded, http } = connection;
  if ((embedded === undefined) === (http === undefined)) {
    issue(at, `must have exactly one of "embedded" and "http"`);
    return null;
  }
  if (embedded !== undefined) {
    const path = isObject(embedded) ? embedded["path"] : undefined;
    if (typeof path !== "string") {
      issue(`${at}.embedded.path`, `must be a string, ${describe(path)}`);
      return null;
    }
    return { kind: "embedded", path };
  }
  if (!isObject(http)) {
    issue(`${at}.http`, `must be an object, ${describe(http)}`);
    return null;
  }
  const { uri, apikey = null } = http;
  let problems = 0;
  if (typeof uri !== "string" || !isHttpUri(uri)) {
    issue(`${at}.http.uri`, `must be an absolute http(s) URI, ${describe(uri)}`);
    problems += 1;
  }
  if (apikey !== null && typeof apikey !== "string") {
    issue(`${at}.http.apikey`, `must be a string or null, ${describe(apikey)}`);
    problems += 1;
  }
  return problems > 0 ? null : { kind: "http", uri: uri as string, apikey: apikey as string | null };
}

function isHttpUri(uri: string): boolean {
  try {
    const { protocol } = new URL(uri);
    return protocol === "http:" || protocol === "https:";
  } catch {
    return false;
  }
}
