/**
 * @module
 * A bounded, approximately least-recently-used cache, for enrichments whose per-event work depends
 * only on one string (a user agent, an IP address). Enrich keeps the same kind of cache: `LruMap` of
 * 5,000 user agents in ua_parser, 20,000 addresses in scala-maxmind-iplookups.
 *
 * It keeps two generations of at most `capacity` entries each: new entries go into the young one;
 * a hit in the old one is copied into the young one; when the young one is full it becomes the old
 * one and the previous old one is dropped. So an entry used at least once per `capacity` insertions
 * stays, and at most `2 × capacity` entries are held. The obvious exact LRU on one `Map` (delete and
 * re-insert on every hit) is avoided on purpose: with tens of thousands of entries, Bun's and V8's
 * ordered hash tables compact on such churn and a hit costs some 100 µs instead of 100 ns.
 */

export class LruCache<K, V> {
  #young = new Map<K, V>();
  #old = new Map<K, V>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`capacity must be ≥ 1, got ${capacity}`);
  }

  /** The cached value; undefined on a miss. */
  get(key: K): V | undefined {
    const young = this.#young.get(key);
    if (young !== undefined) return young;
    const old = this.#old.get(key);
    if (old !== undefined) this.#insert(key, old);
    return old;
  }

  /** Caches a value. */
  set(key: K, value: V): void {
    if (this.#young.has(key)) this.#young.set(key, value);
    else this.#insert(key, value);
  }

  #insert(key: K, value: V): void {
    if (this.#young.size >= this.capacity) {
      this.#old = this.#young;
      this.#young = new Map();
    }
    this.#young.set(key, value);
  }

  /** The cached value for `key`, computing and caching it on a miss. */
  getOrCompute(key: K, compute: (key: K) => V): V {
    const hit = this.get(key);
    if (hit !== undefined) return hit;
    const value = compute(key);
    this.set(key, value);
    return value;
  }

  /** How many entries are held, both generations counted (a key may be in both). */
  get size(): number {
    return this.#young.size + this.#old.size;
  }
}
