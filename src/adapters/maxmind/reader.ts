/**
 * @module
 * `EnrichmentServices.openMaxMind` on the `maxmind` npm package (its `Reader`, from mmdb-lib, reads a
 * `.mmdb` held in memory). The core's ip_lookups enrichment loads the database bytes through
 * `deps.loadAsset` and hands them here, so this adapter does no I/O of its own.
 *
 * mmdb-lib wants a Node `Buffer`; the bytes are wrapped, not copied. Decoded records are cached by
 * their offset in the data section, which is what repeat lookups from one network share (maxmind's
 * own `open` does the same with a 10,000-entry LRU).
 */
import { Buffer } from "node:buffer";
import { Reader, validate } from "maxmind";
import type { MaxMindReader } from "../../core/enrich/enrichment.ts";

/** A bounded cache for decoded records: when full, the oldest half is dropped. */
class DecodedRecords {
  readonly #entries = new Map<string | number, unknown>();
  constructor(readonly max: number) {}
  get(key: string | number): unknown {
    return this.#entries.get(key);
  }
  set(key: string | number, value: unknown): void {
    if (this.#entries.size >= this.max) {
      let drop = this.max >> 1;
      for (const k of this.#entries.keys()) {
        if (drop-- <= 0) break;
        this.#entries.delete(k);
      }
    }
    this.#entries.set(key, value);
  }
}

/** Opens a MaxMind database held in memory. Throws if the bytes are not a MaxMind database. */
export function openMaxMind(bytes: Uint8Array, options: { readonly cacheSize?: number } = {}): MaxMindReader {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const reader = new Reader<Record<string, unknown>>(buffer, {
    cache: new DecodedRecords(options.cacheSize ?? 10_000),
  });
  return {
    get(ip: string): Record<string, unknown> | null {
      // mmdb-lib reads some malformed text as an address; the contract says invalid IPs throw.
      if (!validate(ip)) throw new Error(`'${ip}' is not an IP address`);
      return reader.get(ip);
    },
  };
}
