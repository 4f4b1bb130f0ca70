/**
 * @module
 * The one conformance suite every `ObjectStore` passes: memory, and S3 on s3rver (or a real bucket).
 * It pins what the loaders and `furrow replay` rely on: bytes and headers come back as written, a
 * second put of a key replaces the object, a missing key is null, and listings are complete, in
 * S3's UTF-8 byte order, across pages, for keys with the characters partitions produce.
 *
 * @example
 * describeObjectStore("memory", async () => ({ store: new MemoryObjectStore(), close: async () => {} }));
 */
import { describe, expect, test } from "bun:test";
import type { ObjectStore, ObjectSummary } from "./object-store.ts";

export interface OpenedObjectStore {
  /** An empty store. */
  readonly store: ObjectStore;
  close(): Promise<void>;
}

const utf8 = new TextEncoder();

async function listAll(store: ObjectStore, prefix: string): Promise<ObjectSummary[]> {
  const out: ObjectSummary[] = [];
  for await (const o of store.list(prefix)) out.push(o);
  return out;
}

/** Orders keys by their UTF-8 bytes, independently of the adapters' own comparison. */
function byUtf8(a: string, b: string): number {
  const x = utf8.encode(a);
  const y = utf8.encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/** Registers the suite. `open` gives an empty store. */
export function describeObjectStore(name: string, open: () => Promise<OpenedObjectStore>): void {
  const withStore = (fn: (store: ObjectStore) => Promise<void>) => async () => {
    const opened = await open();
    try {
      await fn(opened.store);
    } finally {
      await opened.close();
    }
  };

  describe(`ObjectStore conformance: ${name}`, () => {
    test(
      "a put object comes back with its bytes, content type, encoding and metadata",
      withStore(async (store) => {
        const body = Uint8Array.from({ length: 256 }, (_, i) => i);
        await store.put({
          key: "raw/2024-01-02-030405-a.gz",
          body,
          contentType: "text/plain; charset=utf-8",
          contentEncoding: "gzip",
          metadata: { "first-sequence": "4959", shard: "shardId-000000000000" },
        });
        const got = await store.get("raw/2024-01-02-030405-a.gz");
        expect(got).not.toBeNull();
        expect([...got!.body]).toEqual([...body]);
        expect(got!.contentType).toBe("text/plain; charset=utf-8");
        expect(got!.contentEncoding).toBe("gzip");
        expect(got!.metadata).toEqual({ "first-sequence": "4959", shard: "shardId-000000000000" });
      }),
    );

    test(
      "a body is stored as it was at put time",
      withStore(async (store) => {
        const body = utf8.encode("first\n");
        await store.put({ key: "k", body });
        body.fill(0);
        expect(new TextDecoder().decode((await store.get("k"))!.body)).toBe("first\n");
      }),
    );

    test(
      "a missing key is null",
      withStore(async (store) => {
        expect(await store.get("nothing/here.gz")).toBeNull();
      }),
    );

    test(
      "putting a key again replaces the object: one object, the last body",
      withStore(async (store) => {
        await store.put({ key: "enriched/x.gz", body: utf8.encode("one") });
        await store.put({ key: "enriched/x.gz", body: utf8.encode("two, longer") });
        expect(new TextDecoder().decode((await store.get("enriched/x.gz"))!.body)).toBe("two, longer");
        expect(await listAll(store, "enriched/")).toEqual([{ key: "enriched/x.gz", size: 11 }]);
      }),
    );

    test(
      "empty and large bodies round-trip",
      withStore(async (store) => {
        await store.put({ key: "empty", body: new Uint8Array(0) });
        const large = new Uint8Array(6 * 1024 * 1024);
        for (let i = 0; i < large.length; i += 4096) large[i] = (i / 4096) & 0xff;
        await store.put({ key: "large", body: large });
        expect((await store.get("empty"))!.body.length).toBe(0);
        const got = (await store.get("large"))!.body;
        expect(got.length).toBe(large.length);
        expect(Buffer.from(got).equals(Buffer.from(large))).toBe(true);
      }),
    );

    test(
      "lists only the prefix, in UTF-8 byte order, with sizes, for partition-style keys",
      withStore(async (store) => {
        const keys = [
          "bad/com.snowplowanalytics.snowplow.badrows.schema_violations/model=2/year=2024/a.gz",
          "bad/com.snowplowanalytics.snowplow.badrows.generic_error/b.gz",
          "enriched/app=my%20app/2024-01-01-000000-c.gz",
          "enriched/app=caf\u00e9/d.gz",
          "enriched/app=\u65e5\u672c/e.gz",
          "enriched/app=\u{1f600}/f.gz",
          "enriched/app=\uff5e/g.gz",
          "enriched/app=Z/h.gz",
          "enriched/app=a b/i.gz",
          "enrichedX/j.gz",
        ];
        for (const [i, key] of keys.entries()) await store.put({ key, body: new Uint8Array(i + 1) });
        const listed = await listAll(store, "enriched/");
        const expected = keys.filter((k) => k.startsWith("enriched/")).sort(byUtf8);
        expect(listed.map((o) => o.key)).toEqual(expected);
        for (const o of listed) expect(o.size).toBe(keys.indexOf(o.key) + 1);
        for (const key of keys) expect((await store.get(key))?.key).toBe(key);
        expect((await listAll(store, "")).length).toBe(keys.length);
        expect(await listAll(store, "nothing/")).toEqual([]);
      }),
    );

    test(
      "lists every key past one page",
      withStore(async (store) => {
        const keys = Array.from({ length: 23 }, (_, i) => `raw/part-${String(i).padStart(3, "0")}.gz`);
        await Promise.all(keys.map((key) => store.put({ key, body: utf8.encode(key) })));
        expect((await listAll(store, "raw/")).map((o) => o.key)).toEqual(keys);
      }),
    );
  });
}
