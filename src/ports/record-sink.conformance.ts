/**
 * @module
 * One conformance suite for the `RecordSink` port, run against every sink (the Kinesis producer on
 * kinesalite, the in-memory sink). It checks the promises apps build on: a write settles only
 * once its records are stored, records of one partition key stay in order, `hasRoom` bounds the
 * buffer and frees up on acknowledgement, oversized records are refused whole-call, and `close()`
 * flushes and then refuses. A consumer may checkpoint only what the sink acknowledged
 * (snowplow/snowplow#1418), so acknowledgement is checked against what the target really holds.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type OutboundRecord, type RecordSink, RecordSinkError } from "./record-sink.ts";

/** A sink over a fresh, empty target, with the controls the suite needs. */
export interface SinkUnderTest {
  readonly sink: RecordSink;
  /** Every record the target holds, in the order it keeps them (at least per partition key). */
  stored(): Promise<OutboundRecord[]>;
  /** Makes the target stop taking writes (unreachable, or stalled) until `release()`. */
  hold(): Promise<void>;
  release(): Promise<void>;
  /** Closes the sink if still open, and frees what `open` made. */
  dispose(): Promise<void>;
}

export interface SinkSettings {
  /** The bound behind `hasRoom`, in bytes (data + partition keys). */
  readonly maxBufferedBytes: number;
}

export interface RecordSinkHarness {
  open(settings: SinkSettings): Promise<SinkUnderTest>;
  /** Stops what the harness started (engines). */
  stop(): Promise<void>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const record = (text: string, partitionKey: string): OutboundRecord => ({
  data: encoder.encode(text),
  partitionKey,
});
const texts = (records: readonly OutboundRecord[]) => records.map((r) => decoder.decode(r.data));

/** Long enough for a sink to try and fail against a held target (integration only; units use fake clocks). */
const SETTLE_MS = 150;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether `promise` settled within `ms`. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let settled = false;
  promise.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  await pause(ms);
  return settled;
}

/** Registers the suite as `describe(label)`. `start` runs once, before the first test. */
export function recordSinkConformance(label: string, start: () => Promise<RecordSinkHarness>): void {
  describe(label, () => {
    let harness: RecordSinkHarness;
    const opened: SinkUnderTest[] = [];
    const open = async (settings: SinkSettings = { maxBufferedBytes: 1024 * 1024 }) => {
      const under = await harness.open(settings);
      opened.push(under);
      return under;
    };

    beforeAll(async () => {
      harness = await start();
    }, 60_000);

    afterAll(async () => {
      for (const under of opened) await under.dispose();
      await harness?.stop();
    }, 60_000);

    test("a write settles only after its records are stored", async () => {
      const { sink, stored, hold, release } = await open();
      await hold();
      const written = [record("held-1", "p"), record("held-2", "p")];
      const write = sink.write(written);
      void sink.flush();
      expect(await settlesWithin(write, SETTLE_MS)).toBe(false);
      expect(texts(await stored())).toEqual([]);
      await release();
      await write;
      expect(texts(await stored())).toEqual(["held-1", "held-2"]);
    });

    test("each write settles once its own records are stored", async () => {
      const { sink, stored } = await open();
      const batches = Array.from({ length: 5 }, (_, b) =>
        Array.from({ length: 4 }, (_, i) => record(`w${b}-${i}`, crypto.randomUUID())),
      );
      await Promise.all(
        batches.map(async (batch) => {
          await sink.write(batch);
          const now = new Set(texts(await stored()));
          for (const text of texts(batch)) expect(now.has(text)).toBe(true);
        }),
      );
    });

    test("records of one partition key are stored in write order", async () => {
      const { sink, stored } = await open();
      const keys = ["alpha", "beta", "gamma"];
      const written = Array.from({ length: 240 }, (_, i) => record(`o${i}`, keys[i % 3]!));
      const writes: Promise<void>[] = [];
      for (let i = 0; i < written.length; i += 8) writes.push(sink.write(written.slice(i, i + 8)));
      await sink.flush();
      await Promise.all(writes);
      const all = await stored();
      for (const key of keys) {
        expect(texts(all.filter((r) => r.partitionKey === key))).toEqual(
          texts(written.filter((r) => r.partitionKey === key)),
        );
      }
    });

    test("hasRoom is false once the buffer is full, writes wait, and room returns on acknowledgement", async () => {
      const { sink, stored, hold, release } = await open({ maxBufferedBytes: 4096 });
      expect(sink.hasRoom(4096)).toBe(true);
      await hold();
      // 10 records of 391 bytes + 9-byte key: 4000 bytes buffered.
      const first = sink.write(
        Array.from({ length: 10 }, (_, i) => record(`${i}`.padEnd(391, "."), "room-key1")),
      );
      expect(sink.hasRoom(96)).toBe(true);
      expect(sink.hasRoom(97)).toBe(false);
      const second = sink.write([record("waits".padEnd(491, "."), "room-key2")]);
      void sink.flush();
      expect(sink.hasRoom(1)).toBe(false);
      expect(await settlesWithin(second, SETTLE_MS)).toBe(false);
      await release();
      await Promise.all([first, second]);
      expect(sink.hasRoom(4096)).toBe(true);
      expect((await stored()).length).toBe(11);
    });

    test("a record over maxRecordBytes is refused with record-too-large, and none of its call is written", async () => {
      const { sink, stored } = await open();
      const key = "big";
      const tooBig = { data: new Uint8Array(sink.maxRecordBytes - key.length + 1), partitionKey: key };
      const error = await sink.write([record("companion", key), tooBig]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RecordSinkError);
      expect((error as RecordSinkError).kind).toBe("record-too-large");
      const largest = { data: new Uint8Array(sink.maxRecordBytes - key.length).fill(7), partitionKey: key };
      await sink.write([largest]);
      await sink.flush();
      const all = await stored();
      expect(all.length).toBe(1);
      expect(all[0]!.data.byteLength).toBe(sink.maxRecordBytes - key.length);
    });

    test("close flushes what is buffered and waits for it", async () => {
      const { sink, stored } = await open();
      const write = sink.write([record("c1", "close"), record("c2", "close")]);
      await sink.close();
      expect(await settlesWithin(write, 0)).toBe(true);
      expect(texts(await stored())).toEqual(["c1", "c2"]);
    });

    test("after close, writes are refused with kind closed; flush and close still resolve", async () => {
      const { sink } = await open();
      await sink.close();
      const error = await sink.write([record("late", "k")]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RecordSinkError);
      expect((error as RecordSinkError).kind).toBe("closed");
      expect(sink.hasRoom(1)).toBe(false);
      await sink.flush();
      await sink.close();
    });

    test("is healthy on a reachable target", async () => {
      const { sink } = await open();
      await sink.write([record("h", "k")]);
      expect(sink.isHealthy()).toBe(true);
    });
  });
}
