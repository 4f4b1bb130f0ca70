/**
 * @module
 * Iglu Server's response cache (`middleware/CachingMiddleware.scala`): GETs whose URI contains
 * `/schemas` are cached by URI and `apikey` header, only when the answer is 2xx, at most 1000
 * entries, for 60 s (5 s under `/api/schemas`). Any successful PUT, POST or DELETE empties it.
 * A cached answer skips authentication and storage entirely, which is what makes resolvers cheap
 * to serve.
 */

/** What is kept of a response. */
export interface CachedResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

export interface ResponseCacheOptions {
  /** 1000 in the reference. */
  readonly maxEntries?: number;
  /** 60 s in the reference. */
  readonly ttlMs?: number;
  /** 5 s in the reference (a twelfth of the TTL), for URIs under `/api/schemas`. */
  readonly schemasTtlMs?: number;
  /** The clock, for tests. */
  readonly now?: () => number;
}

/** True when a request is one the reference caches. */
export function isCacheable(method: string, pathAndQuery: string): boolean {
  return method === "GET" && pathAndQuery.includes("/schemas");
}

/** True when a request empties the cache once it succeeds. */
export function clearsCache(method: string): boolean {
  return method === "PUT" || method === "POST" || method === "DELETE";
}

/** A least-recently-used map with a time limit per entry. */
export class ResponseCache {
  readonly #entries = new Map<string, { response: CachedResponse; expires: number }>();
  readonly #maxEntries: number;
  readonly #ttlMs: number;
  readonly #schemasTtlMs: number;
  readonly #now: () => number;

  constructor(options: ResponseCacheOptions = {}) {
    this.#maxEntries = options.maxEntries ?? 1000;
    this.#ttlMs = options.ttlMs ?? 60_000;
    this.#schemasTtlMs = options.schemasTtlMs ?? this.#ttlMs / 12;
    this.#now = options.now ?? Date.now;
  }

  /** The key the reference uses: the request URI, then the raw `apikey` header. */
  static key(pathAndQuery: string, apikey: string | null): string {
    return `${pathAndQuery}:${apikey ?? ""}`;
  }

  get(key: string): CachedResponse | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    // Re-insert: a Map iterates in insertion order, so the first entry is the least recently used.
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.response;
  }

  /** Stores a 2xx response for `pathAndQuery`; anything else is not kept. */
  set(key: string, pathAndQuery: string, response: CachedResponse): void {
    if (response.status < 200 || response.status > 299) return;
    const path = pathAndQuery.split("?")[0]!.replace(/\/$/, "");
    const ttl = path.includes("/api/schemas") ? this.#schemasTtlMs : this.#ttlMs;
    this.#entries.delete(key);
    this.#entries.set(key, { response, expires: this.#now() + ttl });
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
  }

  clear(): void {
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }
}
