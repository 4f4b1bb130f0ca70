/**
 * @module
 * The resolver's caches and their failure semantics, after iglu-scala-client `ResolverCache.scala`
 * and the retry rules of `Resolver.scala` (reference: iglu-and-loaders.md §2, "Caching and failure
 * semantics"):
 * - an LRU map of `cacheSize` entries, each stamped with when it was stored;
 * - an entry is fresh for `cacheTtl`, or forever without one;
 * - an expired success is dropped; an expired failure keeps its errors but loses NotFound, so the
 *   repositories that did not have the schema are asked again;
 * - writing a failure over a cached success (even an expired one) keeps the success and re-stamps
 *   it, so a registry outage never evicts a schema; two failures merge (at most 32 errors per
 *   repository); a success replaces anything.
 */
import { err, ok, type Result } from "../result.ts";
import type { LookupHistory, RegistryError } from "./client-error.ts";
import { type Registry, sameRegistryError } from "./registry.ts";
import { formatSchemaKey, type SchemaKey } from "./schema-key.ts";

/** Each repository that failed, with what happened there. */
export type FailureMap = ReadonlyMap<Registry, LookupHistory>;

/** A cached lookup: the value, or the failures of every repository tried. */
export type Lookup<T> = Result<T, FailureMap>;

/** A value and when the cache stored it (epoch ms). */
export interface Timestamped<V> {
  readonly value: V;
  readonly storedAt: number;
}

/** LookupHistory's cap on remembered errors (LookupHistory.MaxErrors). */
export const MAX_ERRORS = 32;

/**
 * LookupHistory's semigroup: the union of both error sets (left first, at most 32), the larger
 * attempt count, the later attempt.
 */
export function combineHistory(a: LookupHistory, b: LookupHistory): LookupHistory {
  const errors: RegistryError[] = [...a.errors];
  for (const e of b.errors) if (!errors.some((x) => sameRegistryError(x, e))) errors.push(e);
  return {
    repository: a.repository,
    errors: errors.slice(0, MAX_ERRORS),
    attempts: Math.max(a.attempts, b.attempts),
    lastAttempt: a.lastAttempt.getTime() >= b.lastAttempt.getTime() ? a.lastAttempt : b.lastAttempt,
  };
}

/** The semigroup of failure maps: per repository, histories combine. */
export function combineFailures(a: FailureMap, b: FailureMap): FailureMap {
  const out = new Map(a);
  for (const [repo, history] of b) {
    const mine = out.get(repo);
    out.set(repo, mine === undefined ? history : combineHistory(mine, history));
  }
  return out;
}

/** What an expired failure still says: the same histories without NotFound. */
export function withoutNotFound(failures: FailureMap): FailureMap {
  const out = new Map<Registry, LookupHistory>();
  for (const [repo, h] of failures)
    out.set(repo, { ...h, errors: h.errors.filter((e) => e.kind !== "NotFound") });
  return out;
}

/**
 * How long to wait before asking an HTTP repository again after `attempts` failed attempts
 * (Resolver.scala `backoff`): 500 ms + 4^n up to 8 attempts, + 3^n up to 12, 2^n + 5 s beyond,
 * never more than a minute.
 */
export function backoffMs(attempts: number): number {
  const backoff =
    attempts > 20
      ? 1_200_000 + attempts * 100
      : attempts > 12
        ? 500 + 2 ** attempts + 5000
        : attempts > 8
          ? 500 + 3 ** attempts
          : 500 + 4 ** attempts;
  return Math.min(Math.floor(backoff), 60_000);
}

/**
 * The repositories worth asking again after a cached failure (Resolver.scala `getReposForRetry`):
 * never one that answered NotFound (until that expires); always one whose errors all expired;
 * never an embedded or in-memory one otherwise (a file does not come back); an HTTP one once its
 * backoff has passed.
 */
export function reposForRetry(failures: FailureMap, now: number): Registry[] {
  const retry: Registry[] = [];
  for (const [repo, { errors, attempts, lastAttempt }] of failures) {
    if (errors.some((e) => e.kind === "NotFound")) continue;
    if (errors.length === 0) retry.push(repo);
    else if (repo.kind === "Http" && now - lastAttempt.getTime() > backoffMs(attempts)) retry.push(repo);
  }
  return retry;
}

interface Entry<T> {
  value: Lookup<T>;
  storedAt: number;
  /** A tick of the cache's use counter: the entry with the lowest is least recently used. */
  usedAt: number;
}

/**
 * One LRU map of lookups (the resolver keeps one each for schemas, schema lists and schema content
 * lists). Recency is a counter written on each use rather than a re-insertion, so a hit on the hot
 * path costs one map read and one field write; eviction scans, which only happens when a new key
 * arrives at a full cache.
 */
export class ResolverCache<T> {
  readonly #size: number;
  readonly #ttlMs: number | null;
  readonly #same: (a: T, b: T) => boolean;
  readonly #entries = new Map<string, Entry<T>>();
  #tick = 0;

  /**
   * @param size entries kept; at least 1.
   * @param ttlMs freshness of an entry; null for forever.
   * @param same whether a fresh success equals the cached one (then the cached object is kept, with
   *   whatever was derived from it, such as a compiled validator).
   */
  constructor(size: number, ttlMs: number | null, same: (a: T, b: T) => boolean = Object.is) {
    this.#size = Math.max(1, size);
    this.#ttlMs = ttlMs;
    this.#same = same;
  }

  /** Whether entries expire; when not, `get` ignores `now` and callers may skip reading the clock. */
  get expires(): boolean {
    return this.#ttlMs !== null;
  }

  /** How many entries are held. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * The entry for `key` as of `now`: fresh as stored; expired success as absent; expired failure
   * without its NotFounds (ResolverCache `getTimestampedItem`).
   */
  get(key: string, now: number): Timestamped<Lookup<T>> | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    entry.usedAt = ++this.#tick;
    if (this.#ttlMs === null || now - entry.storedAt < this.#ttlMs) return entry;
    if (entry.value.ok) return undefined;
    return { value: err(withoutNotFound(entry.value.error)), storedAt: entry.storedAt };
  }

  /**
   * Stores a fresh result, choosing against what is cached (expired or not), and returns what the
   * caller should see (ResolverCache `putItemResult` and `chooseResult`).
   */
  put(key: string, fresh: Lookup<T>, now: number): Result<Timestamped<T>, FailureMap> {
    const cached = this.#entries.get(key)?.value;
    let stored: Lookup<T>;
    if (fresh.ok) {
      stored = cached?.ok && this.#same(cached.value, fresh.value) ? cached : fresh;
    } else if (cached === undefined) {
      stored = fresh;
    } else if (cached.ok) {
      // A failure never overwrites a success; re-stamping it spares a struggling registry.
      stored = cached;
    } else {
      stored = err(combineFailures(cached.error, fresh.error));
    }
    this.#set(key, stored, now);
    return stored.ok ? ok({ value: stored.value, storedAt: now }) : stored;
  }

  /** Forgets everything. */
  clear(): void {
    this.#entries.clear();
  }

  #set(key: string, value: Lookup<T>, now: number): void {
    const existing = this.#entries.get(key);
    if (existing !== undefined) {
      existing.value = value;
      existing.storedAt = now;
      existing.usedAt = ++this.#tick;
      return;
    }
    if (this.#entries.size >= this.#size) this.#evictOne();
    this.#entries.set(key, { value, storedAt: now, usedAt: ++this.#tick });
  }

  #evictOne(): void {
    let victim: string | undefined;
    let oldest = Number.POSITIVE_INFINITY;
    for (const [key, entry] of this.#entries) {
      if (entry.usedAt < oldest) {
        oldest = entry.usedAt;
        victim = key;
      }
    }
    if (victim !== undefined) this.#entries.delete(victim);
  }
}

// Each part of a version below 2^17 packs all three into one exact number below 2^51.
const PART = 131072;

/** The map under `key`, created when missing. */
function child<K, M extends Map<unknown, unknown>>(parent: Map<K, M>, key: K): M {
  let found = parent.get(key);
  if (found === undefined) {
    found = new Map() as M;
    parent.set(key, found);
  }
  return found;
}

/**
 * Canonical Iglu URI strings for SchemaKeys, found without building a string. A Map lookup by a
 * freshly built 60-character URI costs more than a compiled ajv validation (the string must be
 * concatenated, flattened and hashed); short vendor and name strings and a packed version number
 * cost a fraction of that, and the interned URI carries its hash from then on. The table is
 * cleared when it reaches its limit, so keys from arbitrary input cannot grow it without bound.
 */
export class SchemaUris {
  readonly #limit: number;
  #byVendor = new Map<string, Map<string, Map<string, Map<number, string>>>>();
  #size = 0;

  constructor(limit: number) {
    this.#limit = Math.max(1, limit);
  }

  /** The Iglu URI of `key`, the same string object for the same key while it is remembered. */
  uri(key: SchemaKey): string {
    const { model, revision, addition } = key.version;
    if (model >= PART || revision >= PART || addition >= PART) return formatSchemaKey(key);
    const packed = (model * PART + revision) * PART + addition;
    const known = this.#byVendor.get(key.vendor)?.get(key.name)?.get(key.format)?.get(packed);
    if (known !== undefined) return known;
    const uri = formatSchemaKey(key);
    if (this.#size >= this.#limit) {
      this.#byVendor = new Map();
      this.#size = 0;
    }
    const names = child(this.#byVendor, key.vendor);
    const versions = child(child(names, key.name), key.format);
    versions.set(packed, uri);
    this.#size += 1;
    return uri;
  }
}

/**
 * Runs tasks one at a time per key, so that concurrent lookups of one schema make one round of
 * requests (iglu-scala-client `ResolverMutex`): the second caller finds the first one's result in
 * the cache.
 */
export class KeyedMutex {
  readonly #tails = new Map<string, Promise<void>>();

  run<A>(key: string, task: () => Promise<A>): Promise<A> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }
}
