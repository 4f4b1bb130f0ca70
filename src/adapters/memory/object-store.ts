/**
 * @module
 * An `ObjectStore` in this process's memory, for unit tests of the loaders and for benchmarks that
 * measure our own code without an engine. It keeps the port's contract: bodies are copied in and
 * out (a caller reusing its buffer cannot change a stored object), and listings are in UTF-8 byte
 * order, as S3 lists them.
 *
 * @example
 * const store = new MemoryObjectStore("furrow-local-pipeline");
 * await store.put({ key: "enriched/2024-01-01-000000-x.gz", body });
 * for await (const o of store.list("enriched/")) console.log(o.key, o.size);
 */
import { compareKeys } from "../../core/loading/object-key.ts";
import type { ObjectStore, ObjectSummary, PutObjectInput, StoredObject } from "../../ports/object-store.ts";

export class MemoryObjectStore implements ObjectStore {
  readonly #objects = new Map<string, StoredObject>();
  /** Puts taken so far, replacements included. */
  puts = 0;

  constructor(readonly bucket = "memory") {}

  async put(object: PutObjectInput): Promise<void> {
    this.puts++;
    this.#objects.set(object.key, {
      key: object.key,
      body: object.body.slice(),
      contentType: object.contentType,
      contentEncoding: object.contentEncoding,
      metadata: { ...object.metadata },
    });
  }

  async get(key: string): Promise<StoredObject | null> {
    const stored = this.#objects.get(key);
    return stored ? { ...stored, body: stored.body.slice(), metadata: { ...stored.metadata } } : null;
  }

  async *list(prefix: string): AsyncIterable<ObjectSummary> {
    const keys = [...this.#objects.keys()].filter((k) => k.startsWith(prefix)).sort(compareKeys);
    for (const key of keys) {
      const stored = this.#objects.get(key);
      if (stored) yield { key, size: stored.body.length };
    }
  }

  /** Every key, in listing order. */
  keys(): string[] {
    return [...this.#objects.keys()].sort(compareKeys);
  }
}
