/**
 * @module
 * The Iglu resolver: finds schemas in an ordered set of registries, caches what it finds (and what
 * it could not find), and validates self-describing data against them, reporting failures in
 * Snowplow's `ResolutionError` and `ValidationError` shapes. It follows iglu-scala-client 4.x
 * (`Resolver.scala`, `ResolverCache.scala`, `IgluCirceClient.check`); the reference digest is
 * iglu-and-loaders.md §2.
 *
 * Lookup order, for a schema of vendor `v`: the registries whose `vendorPrefixes` match `v` first,
 * then by class (in-memory 1, embedded 2, HTTP 100), then by configured `priority`, ascending. The
 * built-in "Iglu Client Embedded" registry is always there, as in Snowplow; ours holds no schemas
 * unless given some, so it answers NotFound and shows up in lookup histories just as Snowplow's does.
 *
 * The hot path is {@link Resolver.validateCached}: a cache hit whose validator is compiled costs an
 * interned-URI lookup, a map read, at most one clock reading per synchronous batch, and the
 * compiled ajv function; the success value is allocated once per cached schema, not per call.
 */
import { err, ok, type Result } from "../result.ts";
import {
  type ClientError,
  invalidData,
  invalidSchema,
  type LookupHistory,
  type NonEmpty,
  type RegistryError,
  resolutionError,
} from "./client-error.ts";
import { classPriority, clientFailure, type Registry, type SchemaList, vendorMatched } from "./registry.ts";
import { EmbeddedRegistry, type StaticSource } from "./registry-embedded.ts";
import { type Fetch, HttpRegistry, type HttpRetry } from "./registry-http.ts";
import { InMemoryRegistry } from "./registry-in-memory.ts";
import {
  combineHistory,
  type FailureMap,
  KeyedMutex,
  type Lookup,
  ResolverCache,
  reposForRetry,
  SchemaUris,
} from "./resolver-cache.ts";
import { type Clock, systemClock } from "./resolver-clock.ts";
import type { ResolverConfig, ResolverConfigError, ResolverConfigIssue } from "./resolver-config.ts";
import { formatSchemaKey, type SchemaKey, sameSchemaKey, schemaKeyPath } from "./schema-key.ts";
import { type CompiledSchema, type InvalidSchemaError, SchemaValidator } from "./schema-validator.ts";
import { compareSchemaVer, formatSchemaVer, parseSchemaVer, type SchemaVer } from "./schema-ver.ts";
import type { SelfDescribingData } from "./self-describing-data.ts";

/** The name Snowplow gives its always-present registry; it appears in every lookup history. */
export const EMBEDDED_REGISTRY_NAME = "Iglu Client Embedded";

/** A ClientError that says the schema could not be found. */
export type ResolutionError = Extract<ClientError, { kind: "ResolutionError" }>;

/** A failed `lookupSchemasUntil`: the key whose lookup failed, and why. */
export interface SchemaResolutionError {
  readonly schemaKey: SchemaKey;
  readonly error: ResolutionError;
}

/** A schema and the key it was looked up by. `schema` is the registry's JSON (self-describing). */
export interface KeyedSchema {
  readonly key: SchemaKey;
  readonly schema: unknown;
}

/** What a successful validation used: the key whose schema checked the data, and why. */
export interface Validated {
  /** The requested key, or its superseding version. */
  readonly schemaKey: SchemaKey;
  /** Set when the requested schema declared `$supersededBy` and the data was checked against that. */
  readonly supersededBy: SchemaVer | null;
}

/** How a resolver caches and what it runs on. */
export interface ResolverOptions {
  /** Entries per cache; 0 or less disables caching (ResolverCache `shouldCreateResolverCache`). */
  readonly cacheSize: number;
  /** Seconds an entry stays fresh; null or absent for forever; 0 disables caching. */
  readonly cacheTtlSeconds?: number | null;
  readonly clock?: Clock;
  /** Compiles schemas; pass one to share compiled validators with other code. */
  readonly validator?: SchemaValidator;
  /** Replaces the built-in "Iglu Client Embedded" registry (empty by default). */
  readonly bootstrap?: Registry;
}

/** A schema found for validation, with what is derived from it once. */
interface ValidationEntry {
  readonly schemaKey: SchemaKey;
  readonly schema: unknown;
  readonly supersededBy: SchemaVer | null;
  readonly supersededByText: string | null;
  /** The schema's JSON text, to tell a changed schema from a re-fetched one. */
  readonly text: string;
  readonly accepted: Result<Validated, ClientError>;
  compiled: Result<CompiledSchema, InvalidSchemaError> | undefined;
}

/** A schema found by a plain lookup. */
interface SchemaEntry {
  readonly schema: unknown;
  readonly text: string;
}

interface Store<T> {
  readonly cache: ResolverCache<T>;
  readonly mutex: KeyedMutex;
}

const isObject = (json: unknown): json is Record<string, unknown> =>
  typeof json === "object" && json !== null && !Array.isArray(json);

/** Deep-freezes a registry's JSON: it is shared by every caller of the cache. */
function freeze<T>(json: T): T {
  if (typeof json === "object" && json !== null && !Object.isFrozen(json)) {
    Object.freeze(json);
    for (const v of Object.values(json)) freeze(v);
  }
  return json;
}

/** The `$supersededBy` a schema declares, if any (Resolver.scala `extractSupersededBy`). */
function supersededByOf(schema: unknown): Result<SchemaVer | null, RegistryError> {
  if (!isObject(schema) || !Object.hasOwn(schema, "$supersededBy")) return ok(null);
  const value = schema["$supersededBy"];
  const fail = (why: string) =>
    err(
      clientFailure(
        `Error while trying to decode superseding version: DecodingFailure at .$supersededBy: ${why}`,
      ),
    );
  if (typeof value !== "string")
    return fail(`Got value '${JSON.stringify(value)}' with wrong type, expecting string`);
  const version = parseSchemaVer(value);
  return version.ok ? ok(version.value) : fail(version.error.message);
}

// Resolver.scala `allIgluCentral`: any HTTP registry on a host with the word "iglucentral".
function onIgluCentral(registry: Registry): boolean {
  if (registry.kind !== "Http") return false;
  try {
    return /\biglucentral\b/.test(new URL(registry.location).hostname);
  } catch {
    return false;
  }
}

const noRegistries = (): FailureMap => new Map();

/**
 * Resolves schemas from registries and validates data against them.
 *
 * @example
 * const resolver = new Resolver([new HttpRegistry(ref, { uri: "http://iglucentral.com", apikey: null })], {
 *   cacheSize: 500,
 *   cacheTtlSeconds: 600,
 * });
 * const checked = await resolver.validate(sdd);
 * if (!checked.ok) badRow(clientErrorJson(checked.error));
 */
export class Resolver {
  /** Every registry, the built-in one first (`allRepos`). */
  readonly registries: readonly Registry[];
  readonly #clock: Clock;
  readonly #validator: SchemaValidator;
  readonly #igluCentral: ReadonlySet<Registry>;
  readonly #schemas: Store<SchemaEntry> | null;
  readonly #validation: Store<ValidationEntry> | null;
  readonly #lists: Store<SchemaList> | null;
  readonly #contentLists: Store<NonEmpty<KeyedSchema>> | null;
  readonly #uris: SchemaUris;

  constructor(repositories: readonly Registry[], options: ResolverOptions) {
    const bootstrap =
      options.bootstrap ??
      new InMemoryRegistry({ name: EMBEDDED_REGISTRY_NAME, priority: 0, vendorPrefixes: [] }, [], "Embedded");
    this.registries = [bootstrap, ...repositories];
    this.#clock = options.clock ?? systemClock;
    this.#validator = options.validator ?? new SchemaValidator();
    this.#igluCentral = new Set(repositories.filter(onIgluCentral));
    const ttl = options.cacheTtlSeconds ?? null;
    const cached = options.cacheSize > 0 && (ttl === null || ttl > 0);
    const store = <T>(same?: (a: T, b: T) => boolean): Store<T> | null =>
      cached
        ? {
            cache: new ResolverCache<T>(options.cacheSize, ttl === null ? null : ttl * 1000, same),
            mutex: new KeyedMutex(),
          }
        : null;
    const sameText = (a: { text: string }, b: { text: string }) => a.text === b.text;
    this.#schemas = store<SchemaEntry>(sameText);
    this.#validation = store<ValidationEntry>(
      (a, b) => a.text === b.text && sameSchemaKey(a.schemaKey, b.schemaKey),
    );
    this.#lists = store<SchemaList>(
      (a, b) => a.length === b.length && a.every((k, i) => sameSchemaKey(k, b[i]!)),
    );
    this.#contentLists = store<NonEmpty<KeyedSchema>>();
    this.#uris = new SchemaUris(Math.max(1024, options.cacheSize * 4));
  }

  /** The order in which registries are asked for a schema of `vendor` (Resolver `prioritize`). */
  prioritize(vendor: string, registries: readonly Registry[] = this.registries): Registry[] {
    // Array.prototype.sort is stable, like Scala's sortBy, so ties keep configuration order.
    return registries
      .map((r) => ({ r, matched: vendorMatched(r, vendor) ? 0 : 1 }))
      .sort(
        (a, b) =>
          a.matched - b.matched ||
          classPriority[a.r.kind] - classPriority[b.r.kind] ||
          a.r.priority - b.r.priority,
      )
      .map(({ r }) => r);
  }

  /** The schema for `key`, as its registry serves it (no `$supersededBy` handling). */
  async lookupSchema(key: SchemaKey): Promise<Result<unknown, ResolutionError>> {
    const found = await this.#lookupSchema(key);
    return found.ok ? ok(found.value.schema) : err(this.#resolutionError(found.error));
  }

  /**
   * Validates self-describing data (IgluCirceClient `check`). The schema is looked up honouring
   * `$supersededBy`: a superseded schema is replaced by its successor from the same registry, and
   * the successor's key is returned. Errors are Snowplow's: a ResolutionError, or a ValidationError
   * (with `supersededBy` set when the successor was used).
   */
  async validate(sdd: SelfDescribingData): Promise<Result<Validated, ClientError>> {
    const cached = this.validateCached(sdd);
    if (cached !== undefined) return cached;
    const found = await this.#lookupForValidation(sdd.schema);
    return found.ok ? this.#check(found.value, sdd.data) : err(this.#resolutionError(found.error));
  }

  /**
   * Validates synchronously when the schema is cached and fresh; undefined when a lookup is needed
   * (then call {@link Resolver.validate}). The same answer `validate` would give, without a promise.
   */
  validateCached(sdd: SelfDescribingData): Result<Validated, ClientError> | undefined {
    const store = this.#validation;
    if (store === null) return undefined;
    const { cache } = store;
    // Reading the clock costs as much as a small validation; without a TTL it is not needed.
    const hit = cache.get(this.#uris.uri(sdd.schema), cache.expires ? this.#clock.now() : 0);
    return hit?.value.ok ? this.#check(hit.value.value, sdd.data) : undefined;
  }

  /** The schema list of `vendor/name` at MODEL `model`, from the first registry that has one. */
  async listSchemas(
    vendor: string,
    name: string,
    model: number,
  ): Promise<Result<SchemaList, ResolutionError>> {
    const found = await this.#list(vendor, name, model, null);
    return found.ok ? found : err(this.#resolutionError(found.error));
  }

  /**
   * The schema list of `key`'s vendor, name and MODEL, which must contain `key`: a cached list
   * without it is fetched again, and a registry whose list lacks it counts as NotFound. Use it when
   * the newest key is known, e.g. from an event.
   */
  async listSchemasLike(key: SchemaKey): Promise<Result<SchemaList, ResolutionError>> {
    const found = await this.#list(key.vendor, key.name, key.version.model, key);
    return found.ok ? found : err(this.#resolutionError(found.error));
  }

  /** Every schema of a list, looked up one by one (Resolver `fetchSchemas`). */
  async fetchSchemas(
    vendor: string,
    name: string,
    model: number,
  ): Promise<Result<KeyedSchema[], ResolutionError>> {
    const list = await this.listSchemas(vendor, name, model);
    if (!list.ok) return list;
    const out: KeyedSchema[] = [];
    for (const key of list.value) {
      const schema = await this.lookupSchema(key);
      if (!schema.ok) return schema;
      out.push({ key, schema: schema.value });
    }
    return ok(out);
  }

  /**
   * The schemas of `maxKey`'s MODEL up to `maxKey`, for registries without list endpoints
   * (Resolver `lookupSchemasUntil`): starting at `M-0-0`, it asks for each ADDITION in turn and
   * moves to the next REVISION on a NotFound (one that every registry agrees on, see
   * {@link Resolver.isNotFound}); a missing `M-R-0`, or any other failure, ends the search.
   */
  async lookupSchemasUntil(maxKey: SchemaKey): Promise<Result<NonEmpty<KeyedSchema>, SchemaResolutionError>> {
    const store = this.#contentLists;
    const cacheKey = formatSchemaKey(maxKey);
    const fail = (e: { schemaKey: SchemaKey; failures: FailureMap }) =>
      err({ schemaKey: e.schemaKey, error: this.#resolutionError(e.failures) });
    if (store === null) {
      const probed = await this.#probe(maxKey);
      return probed.ok ? probed : fail(probed.error);
    }
    const hit = store.cache.get(cacheKey, this.#clock.now());
    if (hit?.value.ok) return hit.value;
    // A cached failure is always retried (the per-schema caches carry the backoff).
    return store.mutex.run(cacheKey, async () => {
      const again = store.cache.get(cacheKey, this.#clock.now());
      if (again?.value.ok) return again.value;
      const probed = await this.#probe(maxKey);
      const stored = store.cache.put(
        cacheKey,
        probed.ok ? probed : err(probed.error.failures),
        this.#clock.now(),
      );
      if (stored.ok) return ok(stored.value.value);
      return fail({ schemaKey: probed.ok ? maxKey : probed.error.schemaKey, failures: stored.error });
    });
  }

  /**
   * Whether a ResolutionError means "no registry has it" (Resolver `isNotFound`): every custom
   * registry answered NotFound or a ClientFailure, and so did at least one Iglu Central mirror (if
   * any is configured), whose outages are tolerated while another mirror answers.
   */
  isNotFound(error: ResolutionError): boolean {
    const centralNames = new Set([...this.#igluCentral].map((r) => r.name));
    const absent = (e: RegistryError) => e.kind === "NotFound" || e.kind === "ClientFailure";
    const central = error.lookupHistory.filter((h) => centralNames.has(h.repository));
    const custom = error.lookupHistory.filter((h) => !centralNames.has(h.repository));
    return (
      (central.length === 0 || central.some((h) => h.errors.some(absent))) &&
      custom.every((h) => h.errors.every(absent))
    );
  }

  #check(entry: ValidationEntry, data: unknown): Result<Validated, ClientError> {
    let compiled = entry.compiled;
    if (compiled === undefined) {
      compiled = this.#compile(entry);
      entry.compiled = compiled;
    }
    if (!compiled.ok) return err(invalidSchema(compiled.error.schemaIssues, entry.supersededByText));
    const checked = compiled.value(data);
    return checked.ok ? entry.accepted : err(invalidData(checked.error.dataReports, entry.supersededByText));
  }

  #compile(entry: ValidationEntry): Result<CompiledSchema, InvalidSchemaError> {
    const { schema, schemaKey } = entry;
    if (!isObject(schema)) {
      const found = schema === null ? "null" : Array.isArray(schema) ? "array" : typeof schema;
      return err({
        kind: "InvalidSchema",
        schemaIssues: [{ path: "$", message: `$: ${found} found, object expected` }],
      });
    }
    // Each entry is a fresh fetch: drop whatever the validator compiled for this key before, which
    // may be an older text of a patched schema (iglu-scala-client keys compiled schemas by the
    // cache timestamp for the same reason, issue #207).
    this.#validator.forget(schemaKey);
    return this.#validator.compile(schemaKey, schema);
  }

  #lookupSchema(key: SchemaKey): Promise<Lookup<SchemaEntry>> {
    return this.#resolve(this.#schemas, formatSchemaKey(key), key.vendor, null, async (repo) => {
      const found = await repo.lookup(key);
      return found.ok ? ok({ schema: freeze(found.value), text: JSON.stringify(found.value) ?? "" }) : found;
    });
  }

  #lookupForValidation(key: SchemaKey): Promise<Lookup<ValidationEntry>> {
    return this.#resolve(this.#validation, this.#uris.uri(key), key.vendor, null, async (repo) => {
      const found = await repo.lookup(key);
      if (!found.ok) return found;
      const successor = supersededByOf(found.value);
      if (!successor.ok) return successor;
      const version = successor.value;
      if (version === null) return ok(validationEntry(key, found.value, null));
      if (compareSchemaVer(version, key.version) <= 0) {
        return err(
          clientFailure(
            `Superseding version ${formatSchemaVer(version)} isn't greater than the version of schema ${schemaKeyPath(key)}`,
          ),
        );
      }
      // The successor comes from the same registry (Resolver `lookupSchemaResult`).
      const successorKey = { ...key, version };
      const replacement = await repo.lookup(successorKey);
      return replacement.ok ? ok(validationEntry(successorKey, replacement.value, version)) : replacement;
    });
  }

  #list(
    vendor: string,
    name: string,
    model: number,
    mustInclude: SchemaKey | null,
  ): Promise<Lookup<SchemaList>> {
    const includes = (list: SchemaList) =>
      mustInclude === null || list.some((k) => sameSchemaKey(k, mustInclude));
    return this.#resolve(this.#lists, `${vendor}/${name}/${model}`, vendor, includes, async (repo) => {
      const list = await repo.list(vendor, name, model);
      if (!list.ok) return list;
      // A list without the key is stale, or from a registry that does not have it.
      return includes(list.value) ? list : err({ kind: "NotFound" });
    });
  }

  /**
   * One cached lookup (Resolver `lookupSchemaResult` and `listSchemasResult`): a fresh success is
   * returned at once; a cached failure is returned at once unless some registry is due a retry;
   * otherwise, one caller per key at a time, the due registries (all, on a miss) are asked in
   * priority order and the result is merged into the cache.
   */
  async #resolve<T>(
    store: Store<T> | null,
    cacheKey: string,
    vendor: string,
    usable: ((value: T) => boolean) | null,
    get: (repo: Registry) => Promise<Result<T, RegistryError>>,
  ): Promise<Lookup<T>> {
    if (store === null) return this.#traverse(get, this.prioritize(vendor), noRegistries());
    const hit = store.cache.get(cacheKey, this.#clock.now());
    if (hit !== undefined) {
      if (hit.value.ok) {
        if (usable === null || usable(hit.value.value)) return hit.value;
      } else if (reposForRetry(hit.value.error, this.#clock.now()).length === 0) {
        return hit.value;
      }
    }
    return store.mutex.run(cacheKey, async () => {
      const now = this.#clock.now();
      const again = store.cache.get(cacheKey, now);
      let result: Lookup<T>;
      if (again?.value.ok && (usable === null || usable(again.value.value))) return again.value;
      if (again !== undefined && !again.value.ok) {
        const due = reposForRetry(again.value.error, now);
        result = await this.#traverse(get, this.prioritize(vendor, due), again.value.error);
      } else {
        result = await this.#traverse(get, this.prioritize(vendor), noRegistries());
      }
      const stored = store.cache.put(cacheKey, result, this.#clock.now());
      return stored.ok ? ok(stored.value.value) : stored;
    });
  }

  /**
   * Asks registries in order until one succeeds (Resolver `traverseRepos`). Each failure joins the
   * registry's history: its error, one more attempt, and the time of this one.
   */
  async #traverse<T>(
    get: (repo: Registry) => Promise<Result<T, RegistryError>>,
    remaining: readonly Registry[],
    tried: FailureMap,
  ): Promise<Lookup<T>> {
    let failures = tried;
    for (const repo of remaining) {
      const result = await get(repo);
      if (result.ok) return result;
      const fresh: LookupHistory = {
        repository: repo.name,
        errors: [result.error],
        attempts: 0,
        lastAttempt: new Date(this.#clock.now()),
      };
      const prior = failures.get(repo);
      const combined = prior === undefined ? fresh : combineHistory(fresh, prior);
      const history = { ...combined, attempts: combined.attempts + 1 };
      failures = new Map(failures).set(repo, history);
    }
    return err(failures);
  }

  async #probe(
    maxKey: SchemaKey,
  ): Promise<Result<NonEmpty<KeyedSchema>, { schemaKey: SchemaKey; failures: FailureMap }>> {
    const max = maxKey.version;
    const found: KeyedSchema[] = [];
    let current: SchemaVer = { model: max.model, revision: 0, addition: 0 };
    for (;;) {
      const key = { ...maxKey, version: current };
      const result = await this.#lookupSchema(key);
      if (!result.ok) {
        const nextRevision =
          current.addition !== 0 &&
          current.revision < max.revision &&
          this.isNotFound(this.#resolutionError(result.error));
        if (!nextRevision) return err({ schemaKey: key, failures: result.error });
        current = { model: current.model, revision: current.revision + 1, addition: 0 };
        continue;
      }
      found.push({ key, schema: result.value.schema });
      if (current.revision >= max.revision && current.addition >= max.addition) {
        return ok(found as unknown as NonEmpty<KeyedSchema>);
      }
      current = { ...current, addition: current.addition + 1 };
    }
  }

  /** The ResolutionError for a failure map, repositories sorted by name (Snowplow's SortedMap). */
  #resolutionError(failures: FailureMap): ResolutionError {
    const histories = [...failures.values()].sort((a, b) =>
      a.repository < b.repository ? -1 : a.repository > b.repository ? 1 : 0,
    );
    return resolutionError(histories) as ResolutionError;
  }
}

function validationEntry(key: SchemaKey, schema: unknown, supersededBy: SchemaVer | null): ValidationEntry {
  const accepted: Result<Validated, ClientError> = Object.freeze(
    ok(Object.freeze({ schemaKey: key, supersededBy })),
  );
  return {
    schemaKey: key,
    schema: freeze(schema),
    supersededBy,
    supersededByText: supersededBy === null ? null : formatSchemaVer(supersededBy),
    text: JSON.stringify(schema) ?? "",
    accepted,
    compiled: undefined,
  };
}

/** What a resolver built from a config runs on. */
export interface ResolverDependencies {
  /** Reads embedded repositories; required when the config has any. */
  readonly staticSource?: StaticSource;
  /** Defaults to the global `fetch`. */
  readonly fetch?: Fetch;
  readonly clock?: Clock;
  readonly validator?: SchemaValidator;
  readonly bootstrap?: Registry;
  /** Per-attempt deadline of HTTP registries (default 5000 ms). */
  readonly httpTimeoutMs?: number;
  /** Retries of HTTP requests that may succeed later (default none). */
  readonly httpRetry?: HttpRetry;
}

/**
 * Builds a resolver from a parsed config. Fails only when the config has embedded repositories and
 * no StaticSource was given to read them.
 */
export function resolverFromConfig(
  config: ResolverConfig,
  dependencies: ResolverDependencies = {},
): Result<Resolver, ResolverConfigError> {
  const clock = dependencies.clock ?? systemClock;
  const issues: ResolverConfigIssue[] = [];
  const registries: Registry[] = [];
  config.repositories.forEach((repo, i) => {
    const { connection } = repo;
    if (connection.kind === "http") {
      registries.push(
        new HttpRegistry(repo, connection, {
          fetch: dependencies.fetch,
          timeoutMs: dependencies.httpTimeoutMs,
          retry: dependencies.httpRetry,
          clock,
        }),
      );
    } else if (dependencies.staticSource === undefined) {
      issues.push({
        path: `$.data.repositories[${i}].connection.embedded`,
        message: "embedded repositories need a StaticSource to read them, and none was given",
      });
    } else {
      registries.push(new EmbeddedRegistry(repo, connection.path, dependencies.staticSource));
    }
  });
  const [first, ...rest] = issues;
  if (first !== undefined) return err({ kind: "InvalidResolverConfig", issues: [first, ...rest] });
  return ok(
    new Resolver(registries, {
      cacheSize: config.cacheSize,
      cacheTtlSeconds: config.cacheTtl,
      clock,
      validator: dependencies.validator,
      bootstrap: dependencies.bootstrap,
    }),
  );
}
