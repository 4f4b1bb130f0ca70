/**
 * @module
 * The loader app on an in-memory store and sink with a manual clock: when held batches are
 * written, that a batch resolves only after its file and its bad rows are stored, retries under
 * the same key while the store fails, and giving up at close.
 */
import { describe, expect, test } from "bun:test";
import { MemorySink } from "../../adapters/memory/memory-sink.ts";
import { MemoryObjectStore } from "../../adapters/memory/object-store.ts";
import { processor } from "../../core/badrows/processor.ts";
import type { FileLayout } from "../../core/loading/file-plan.ts";
import { lineRecord, splitLines } from "../../core/loading/framing.ts";
import { gunzip } from "../../core/loading/gzip.ts";
import { parsePartitionFormat } from "../../core/loading/partition-format.ts";
import type { ObjectStore, PutObjectInput } from "../../ports/object-store.ts";
import type { ShardRecord } from "../../ports/shard-reader.ts";
import {
  type LoaderBatch,
  type LoaderClock,
  type LoaderEvent,
  LoaderStoppedError,
  S3LoaderApp,
} from "./app.ts";

/** Time that moves only when told; timers fire in order as it passes them. */
class ManualClock implements LoaderClock {
  time = Date.parse("2024-02-09T07:05:03Z");
  #timers: { at: number; id: number; callback: () => void }[] = [];
  #ids = 0;

  now(): number {
    return this.time;
  }

  schedule(callback: () => void, ms: number): () => void {
    const id = ++this.#ids;
    this.#timers.push({ at: this.time + ms, id, callback });
    return () => {
      this.#timers = this.#timers.filter((t) => t.id !== id);
    };
  }

  /** Moves time forward by `ms`, firing due timers and letting promises settle after each. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      await settle();
      const next = this.#timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!next) break;
      this.#timers = this.#timers.filter((t) => t !== next);
      this.time = next.at;
      next.callback();
    }
    this.time = end;
    await settle();
  }
}

/** Lets pending promise callbacks (and gzip streams) run. */
const settle = async () => {
  for (let i = 0; i < 20; i++) await new Promise((r) => setTimeout(r, 0));
};

/** A store that fails while `down` is set, like S3 unreachable. */
class FlakyStore implements ObjectStore {
  down = false;
  /** Puts store nothing and never answer, like a connection that went silent. */
  hang = false;
  attempts: string[] = [];
  constructor(readonly inner = new MemoryObjectStore("bucket-one")) {}
  get bucket() {
    return this.inner.bucket;
  }
  async put(object: PutObjectInput): Promise<void> {
    this.attempts.push(object.key);
    if (this.hang) return new Promise(() => {});
    if (this.down)
      throw Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" });
    return this.inner.put(object);
  }
  get(key: string) {
    return this.inner.get(key);
  }
  list(prefix: string) {
    return this.inner.list(prefix);
  }
}

const utf8 = new TextEncoder();
const text = new TextDecoder();
let sequence = 0;

function batch(
  lines: readonly string[],
  shardId = "shardId-000000000000",
  millisBehindLatest = 0,
): LoaderBatch {
  const records: ShardRecord[] = lines.map((line) => ({
    data: utf8.encode(line),
    partitionKey: "pk",
    sequenceNumber: String(49_000 + ++sequence),
    approximateArrivalTimestamp: new Date("2024-02-09T07:00:00Z"),
  }));
  return { shardId, records, millisBehindLatest };
}

function layout(overrides: Partial<FileLayout> = {}): FileLayout {
  return {
    purpose: "enriched",
    format: "gzip",
    output: { bucket: "bucket-one", directory: "enriched" },
    partition: null,
    filenamePrefix: "",
    naming: "uuid",
    maxRecordsPerFile: 1000,
    maxBytesPerFile: 1 << 20,
    ...overrides,
  };
}

function setup(
  options: {
    layout?: Partial<FileLayout>;
    recordLimit?: number;
    byteLimit?: number;
    sink?: MemorySink;
    putTimeoutMs?: number;
  } = {},
) {
  const clock = new ManualClock();
  const store = new FlakyStore();
  const sink = options.sink ?? new MemorySink();
  const events: LoaderEvent[] = [];
  const app = new S3LoaderApp({
    layout: layout(options.layout),
    store,
    failures: sink,
    processor: processor("furrow-s3-loader", "0.1.0"),
    buffer: {
      recordLimit: options.recordLimit ?? 100,
      byteLimit: options.byteLimit ?? 1 << 20,
      timeLimitMs: 60_000,
    },
    fullBatchRecords: 10,
    retry: { initialMs: 1_000, maxMs: 8_000 },
    putTimeoutMs: options.putTimeoutMs,
    clock,
    onEvent: (e) => events.push(e),
  });
  return { clock, store, sink, app, events };
}

/** The lines of every stored file, file by file, in key order. */
async function storedLines(
  store: FlakyStore,
  purpose: "raw" | "enriched" | "bad" = "enriched",
): Promise<string[][]> {
  const out: string[][] = [];
  for await (const o of store.list("")) {
    const object = (await store.get(o.key))!;
    const lines = splitLines(text.decode(await gunzip(object.body)));
    out.push(
      lines.map((line) => {
        const r = lineRecord(purpose, line);
        return r.ok ? text.decode(r.value) : `!${line}`;
      }),
    );
  }
  return out;
}

/** Tracks whether a promise has settled, and how. */
function watch(p: Promise<void>) {
  const state = { settled: false, error: undefined as unknown };
  p.then(
    () => {
      state.settled = true;
    },
    (e) => {
      state.settled = true;
      state.error = e;
    },
  );
  return state;
}

describe("S3LoaderApp", () => {
  test("holds a batch until the time limit, then resolves it once its file is stored", async () => {
    const { clock, store, app, events } = setup();
    const done = watch(app.handle(batch(["a\t1", "b\t2"])));
    await clock.advance(59_999);
    expect(done.settled).toBe(false);
    expect(store.inner.keys()).toEqual([]);
    expect(app.metrics().heldRecords).toBe(2);
    await clock.advance(1);
    expect(done).toEqual({ settled: true, error: undefined });
    expect(await storedLines(store)).toEqual([["a\t1", "b\t2"]]);
    const key = store.inner.keys()[0]!;
    expect(key).toMatch(/^enriched\/2024-02-09-070603-[0-9a-f-]{36}\.gz$/);
    const object = (await store.get(key))!;
    expect(object.contentEncoding).toBe("gzip");
    expect(object.contentType).toBe("text/tab-separated-values; charset=utf-8");
    expect(object.metadata["furrow-records"]).toBe("2");
    expect(events.find((e) => e.type === "flush")).toMatchObject({ reason: "time", batches: 1, records: 2 });
  });

  test("batches of several shards held together go into one file (uuid naming)", async () => {
    const { clock, store, app } = setup();
    const a = watch(app.handle(batch(["a"], "shardId-000000000000")));
    await clock.advance(30_000);
    const b = watch(app.handle(batch(["b"], "shardId-000000000001")));
    await clock.advance(30_000);
    expect(a.settled && b.settled).toBe(true);
    expect(await storedLines(store)).toEqual([["a", "b"]]);
  });

  test("with sequence naming each shard gets its own file, named by its first record", async () => {
    const { clock, store, app } = setup({ layout: { naming: "sequence" } });
    void app.handle(batch(["a"], "shardId-000000000000"));
    void app.handle(batch(["b"], "shardId-000000000001"));
    await clock.advance(60_000);
    expect(store.inner.keys().map((k) => k.replace(/-\d+\.gz$/, ""))).toEqual([
      "enriched/2024-02-09-070000-shardId-000000000000",
      "enriched/2024-02-09-070000-shardId-000000000001",
    ]);
  });

  test("writes at once when the held records reach the record or byte limit", async () => {
    const byRecords = setup({ recordLimit: 3 });
    const first = watch(byRecords.app.handle(batch(["a", "b"])));
    await byRecords.clock.advance(0);
    expect(first.settled).toBe(false);
    const second = watch(byRecords.app.handle(batch(["c"], "shardId-000000000001")));
    await byRecords.clock.advance(0);
    expect(first.settled && second.settled).toBe(true);
    expect(byRecords.events.find((e) => e.type === "flush")).toMatchObject({ reason: "records" });

    const byBytes = setup({ byteLimit: 10 });
    const big = watch(byBytes.app.handle(batch(["0123456789"])));
    await byBytes.clock.advance(0);
    expect(big.settled).toBe(true);
    expect(byBytes.events.find((e) => e.type === "flush")).toMatchObject({ reason: "bytes" });
  });

  test("writes at once a batch whose shard has more to read (a full page, or behind the tip)", async () => {
    const full = setup();
    const page = watch(full.app.handle(batch(Array.from({ length: 10 }, (_, i) => `r${i}`))));
    await full.clock.advance(0);
    expect(page.settled).toBe(true);
    const behind = setup();
    const late = watch(behind.app.handle(batch(["x"], "shardId-000000000000", 5_000)));
    await behind.clock.advance(0);
    expect(late.settled).toBe(true);
    expect(behind.events.find((e) => e.type === "flush")).toMatchObject({ reason: "behind" });
  });

  test("a file over the per-file limits is cut, and the batch waits for every part", async () => {
    const { clock, store, app } = setup({ layout: { maxRecordsPerFile: 2 } });
    const done = watch(app.handle(batch(["a", "b", "c", "d", "e"])));
    await clock.advance(60_000);
    expect(done.settled).toBe(true);
    expect((await storedLines(store)).flat().sort()).toEqual(["a", "b", "c", "d", "e"]);
    expect(store.inner.keys()).toHaveLength(3);
  });

  test("while the store fails, the batch stays held and the same key is retried with backoff", async () => {
    const { clock, store, app, events } = setup();
    store.down = true;
    const done = watch(app.handle(batch(["a"])));
    await clock.advance(60_000);
    expect(store.attempts).toHaveLength(1);
    expect(app.isHealthy()).toBe(false);
    await clock.advance(1_000 + 2_000 + 4_000 + 8_000 + 8_000);
    expect(store.attempts).toHaveLength(6);
    expect(new Set(store.attempts).size).toBe(1);
    expect(done.settled).toBe(false);
    expect(
      events.filter((e) => e.type === "put-failed").map((e) => (e as { retryInMs: number }).retryInMs),
    ).toEqual([1_000, 2_000, 4_000, 8_000, 8_000, 8_000]);
    store.down = false;
    await clock.advance(8_000);
    expect(done).toEqual({ settled: true, error: undefined });
    expect(store.inner.keys()).toEqual([store.attempts[0]!]);
    expect(app.isHealthy()).toBe(true);
    expect(events.find((e) => e.type === "file-written")).toMatchObject({ attempts: 7 });
  });

  test("a put that never answers times out and is tried again under the same key", async () => {
    const { clock, store, app, events } = setup({ putTimeoutMs: 5_000 });
    store.hang = true;
    const done = watch(app.handle(batch(["a"])));
    await clock.advance(60_000 + 5_000);
    expect(events.find((e) => e.type === "put-failed")).toMatchObject({
      error: expect.objectContaining({ message: expect.stringContaining("no answer") }),
    });
    store.hang = false;
    await clock.advance(1_000);
    expect(done.settled).toBe(true);
    expect(store.attempts).toEqual([store.attempts[0]!, store.attempts[0]!]);
  });

  test("giving up rejects held batches at once, even while a put hangs", async () => {
    const { clock, store, app } = setup();
    store.hang = true;
    const done = watch(app.handle(batch(["a"])));
    await clock.advance(60_000);
    expect(app.metrics().abandonedBatches).toBe(0);
    app.abandon();
    await clock.advance(0);
    expect(done.settled).toBe(true);
    expect(done.error).toBeInstanceOf(LoaderStoppedError);
    expect(app.metrics().abandonedBatches).toBe(1);
  });

  test("bad rows: files per schema, the loader's own bad rows written before the batch resolves", async () => {
    const sink = new MemorySink();
    const { clock, store, app } = setup({
      sink,
      layout: {
        purpose: "bad",
        output: { bucket: "bucket-one", directory: "bad" },
        partition: (() => {
          const p = parsePartitionFormat("{vendor}.{schema}", "bad");
          if (!p.ok) throw new Error(p.error);
          return p.value;
        })(),
      },
    });
    sink.pause();
    const row = JSON.stringify({ schema: "iglu:com.acme/thing/jsonschema/1-0-0", data: {} });
    const done = watch(app.handle(batch([row, "not json"])));
    await clock.advance(60_000);
    expect(store.inner.keys()).toHaveLength(1);
    expect(store.inner.keys()[0]).toMatch(/^bad\/com\.acme\.thing\//);
    expect(done.settled).toBe(false);
    sink.resume();
    await clock.advance(0);
    expect(done.settled).toBe(true);
    expect(sink.records.map((r) => JSON.parse(text.decode(r.data)).schema)).toEqual([
      "iglu:com.snowplowanalytics.snowplow.badrows/generic_error/jsonschema/1-0-0",
    ]);
    expect(app.metrics()).toMatchObject({ recordsLoaded: 1, badRows: 1, filesWritten: 1 });
  });

  test("a bad row too large for the failures stream becomes a size_violation", async () => {
    const sink = new MemorySink({ maxRecordBytes: 2_000 });
    const { clock, app } = setup({
      sink,
      layout: { purpose: "bad", output: { bucket: "bucket-one", directory: "bad" } },
    });
    const done = watch(app.handle(batch(["x".repeat(5_000)])));
    await clock.advance(60_000);
    expect(done.settled).toBe(true);
    const written = JSON.parse(text.decode(sink.records[0]!.data));
    expect(written.schema).toBe(
      "iglu:com.snowplowanalytics.snowplow.badrows/size_violation/jsonschema/1-0-0",
    );
    expect(written.data.failure.maximumAllowedSizeBytes).toBe(2_000 - 36);
  });

  test("raw records are base64 lines that read back to the same bytes", async () => {
    const { clock, store, app } = setup({
      layout: { purpose: "raw", output: { bucket: "bucket-one", directory: "raw" } },
    });
    const records: ShardRecord[] = [new Uint8Array([0x0b, 0x0a, 0x00, 0xff]), new Uint8Array([0x0a])].map(
      (data, i) => ({
        data,
        partitionKey: "pk",
        sequenceNumber: String(i + 1),
        approximateArrivalTimestamp: new Date(0),
      }),
    );
    void app.handle({ shardId: "shardId-000000000000", records, millisBehindLatest: 0 });
    await clock.advance(60_000);
    const object = (await store.get(store.inner.keys()[0]!))!;
    const lines = splitLines(text.decode(await gunzip(object.body)));
    expect(lines).toEqual(["CwoA/w==", "Cg=="]);
    expect(object.contentType).toBe("text/plain; charset=utf-8");
  });

  test("close writes what is held at once", async () => {
    const { clock, store, app } = setup();
    const done = watch(app.handle(batch(["a"])));
    const closing = app.close(10_000);
    await clock.advance(0);
    await closing;
    expect(done.settled).toBe(true);
    expect(store.inner.keys()).toHaveLength(1);
    // Draining: a batch arriving now is written at once too.
    const late = watch(app.handle(batch(["b"])));
    await clock.advance(0);
    expect(late.settled).toBe(true);
  });

  test("close past its deadline with the store down rejects the held batches, unacknowledged", async () => {
    const { clock, store, app } = setup();
    store.down = true;
    const done = watch(app.handle(batch(["a"])));
    const closing = watch(app.close(10_000));
    await clock.advance(9_999);
    expect(done.settled).toBe(false);
    await clock.advance(1);
    expect(done.settled).toBe(true);
    expect(done.error).toBeInstanceOf(LoaderStoppedError);
    expect(closing).toEqual({ settled: true, error: undefined });
    expect(store.inner.keys()).toEqual([]);
    await expect(app.handle(batch(["b"]))).rejects.toBeInstanceOf(LoaderStoppedError);
  });
});
