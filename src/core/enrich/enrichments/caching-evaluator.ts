/**
 * @module
 * The lookup cache of the api_request and sql_query enrichments, with Enrich's semantics
 * (`CachingEvaluator.scala`):
 * - an LRU map of `size` entries (0 disables caching);
 * - a success is reused for `ttl` seconds, a failure for `ttl / 10` (integer division);
 * - times are whole seconds, and an entry expires when `now - storedAt > ttl`;
 * - when a refresh fails, the last known success for that key is served instead of the error,
 *   and kept as the fallback for later refreshes.
 *
 * One addition: lookups for a key already in flight share that one request, where Enrich's
 * parallel outputs would each start their own.
 */
import type { Result } from "../../result.ts";

/** Sizes and lifetimes, as the enrichment configs give them (`cache.size`, `cache.ttl`). */
export interface CacheConfig {
  readonly size: number;
  /** Seconds a success is reused. */
  readonly ttl: number;
}

type Stored<V> =
  | { readonly kind: "success"; readonly value: V; readonly storedAt: number }
  | {
      readonly kind: "error";
      readonly error: string;
      readonly lastSuccess: V | undefined;
      readonly storedAt: number;
    };

/** Computes values by key, through the cache. */
export class CachingEvaluator<V> {
  readonly #entries = new Map<string, Stored<V>>();
  readonly #inFlight = new Map<string, Promise<Result<V, string>>>();
  readonly #size: number;
  readonly #successTtl: number;
  readonly #errorTtl: number;
  readonly #now: () => number;

  /** `now` gives milliseconds since the epoch. */
  constructor(config: CacheConfig, now: () => number) {
    this.#size = config.size;
    this.#successTtl = config.ttl;
    this.#errorTtl = Math.floor(config.ttl / 10);
    this.#now = now;
  }

  #seconds(): number {
    return Math.floor(this.#now() / 1000);
  }

  /** The cached value for `key` if it is fresh, else the result of `compute` (then cached). */
  evaluate(key: string, compute: () => Promise<Result<V, string>>): Promise<Result<V, string>> {
    const cached = this.#entries.get(key);
    if (cached !== undefined) {
      const ttl = cached.kind === "success" ? this.#successTtl : this.#errorTtl;
      if (this.#seconds() - cached.storedAt <= ttl) {
        // Refresh its place in the LRU order.
        this.#entries.delete(key);
        this.#entries.set(key, cached);
        return Promise.resolve(served(cached));
      }
    }
    const pending = this.#inFlight.get(key);
    if (pending !== undefined) return pending;
    const lastSuccess =
      cached === undefined ? undefined : cached.kind === "success" ? cached.value : cached.lastSuccess;
    const run = compute().then((fresh) => {
      const stored: Stored<V> = fresh.ok
        ? { kind: "success", value: fresh.value, storedAt: this.#seconds() }
        : { kind: "error", error: fresh.error, lastSuccess, storedAt: this.#seconds() };
      this.#store(key, stored);
      return served(stored);
    });
    const settled = run.finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, settled);
    return settled;
  }

  #store(key: string, stored: Stored<V>): void {
    if (this.#size <= 0) return;
    this.#entries.delete(key);
    this.#entries.set(key, stored);
    // A Map iterates in insertion order, so the first key is the least recently used.
    while (this.#entries.size > this.#size) this.#entries.delete(this.#entries.keys().next().value as string);
  }
}

function served<V>(stored: Stored<V>): Result<V, string> {
  if (stored.kind === "success") return { ok: true, value: stored.value };
  return stored.lastSuccess !== undefined
    ? { ok: true, value: stored.lastSuccess }
    : { ok: false, error: stored.error };
}
