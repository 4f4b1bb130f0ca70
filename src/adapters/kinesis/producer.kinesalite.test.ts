/**
 * @module
 * The Kinesis producer against kinesalite, through the fault proxy: the RecordSink conformance
 * suite (holding the target = taking the proxy down), then the throttling test of the issue —
 * 30 % of PutRecords entries and some whole calls refused for throughput, some answers lost — and
 * an outage of the engine. Every record is read back with GetRecords: none may be lost; duplicates
 * may only come from lost answers, and are counted and printed.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { KinesisClient } from "@aws-sdk/client-kinesis";
import { readStream } from "../../../test/support/kinesis-stream-contents.ts";
import { recordSinkConformance } from "../../ports/record-sink.conformance.ts";
import type { OutboundRecord } from "../../ports/record-sink.ts";
import { type FaultProxy, startFaultProxy } from "../engines/fault-proxy.ts";
import { startKinesalite } from "../engines/kinesalite.ts";
import type { RunningEngine } from "../engines/running-engine.ts";
import { kinesisClient } from "./client.ts";
import { KinesisProducer, type KinesisProducerOptions } from "./producer.ts";
import { ensureStream } from "./streams.ts";

/** `maxAttempts: 1`, as the producer wants: it retries itself and counts every fault. */
const clientOf = (endpoint: string) => kinesisClient({ region: "us-east-1", endpoint }, { maxAttempts: 1 });

/** Short waits, so outages and throttling resolve in test time; the shape is Snowplow's. */
const FAST: Partial<KinesisProducerOptions> = {
  backoff: { minMs: 10, maxMs: 40, unhealthyAfterFailures: 3 },
  healthCheckIntervalMs: 100,
  requestTimeoutMs: 5_000,
};

const newStreamName = (prefix: string) => `${prefix}-${crypto.randomUUID().slice(0, 8)}`;

recordSinkConformance("KinesisProducer on kinesalite (through the fault proxy)", async () => {
  const engine = await startKinesalite();
  const direct = clientOf(engine.url);
  return {
    async open(settings) {
      const proxy = await startFaultProxy({ target: engine.url });
      const client = clientOf(proxy.url);
      const streamName = newStreamName("conformance");
      await ensureStream(direct, { name: streamName, shards: 2 });
      const sink = new KinesisProducer({
        client,
        streamName,
        maxBufferedBytes: settings.maxBufferedBytes,
        ...FAST,
        // The suite does not call flush() after every write: a short time limit sends on its own.
        flush: { recordLimit: 500, byteLimit: 3_145_728, timeLimitMs: 50 },
      });
      return {
        sink,
        stored: async () =>
          (await readStream(direct, streamName)).map(
            (r): OutboundRecord => ({ data: r.Data!, partitionKey: r.PartitionKey! }),
          ),
        hold: () => proxy.down("unavailable"),
        release: () => proxy.up(),
        async dispose() {
          await proxy.up();
          await sink.close();
          client.destroy();
          await proxy.stop();
        },
      };
    },
    async stop() {
      direct.destroy();
      await engine.stop();
    },
  };
});

describe("KinesisProducer under faults", () => {
  let engine: RunningEngine;
  let proxy: FaultProxy;
  let direct: KinesisClient;
  let viaProxy: KinesisClient;

  beforeAll(async () => {
    engine = await startKinesalite();
    proxy = await startFaultProxy({ target: engine.url });
    direct = clientOf(engine.url);
    viaProxy = clientOf(proxy.url);
  });

  afterAll(async () => {
    viaProxy?.destroy();
    direct?.destroy();
    await proxy?.stop();
    await engine?.stop();
  });

  const encoder = new TextEncoder();
  const decoder = new TextDecoder();

  /** `n` records with distinct ids, 1–5 per partition key as the collector writes them. */
  const events = (n: number, prefix: string): OutboundRecord[] => {
    const out: OutboundRecord[] = [];
    let key = crypto.randomUUID();
    for (let i = 0; i < n; i++) {
      if (i % 5 === 0 || Math.random() < 0.3) key = crypto.randomUUID();
      out.push({ data: encoder.encode(`${prefix}-${i}:${"x".repeat(120 + (i % 200))}`), partitionKey: key });
    }
    return out;
  };

  /** Reads the stream back and compares ids: returns how many ids came twice or more. */
  async function expectAllStored(stream: string, written: readonly OutboundRecord[]): Promise<number> {
    const ids = (r: { data?: Uint8Array; Data?: Uint8Array }) =>
      decoder.decode(r.data ?? r.Data).split(":")[0]!;
    const stored = (await readStream(direct, stream)).map((r) => ids(r));
    const counts = new Map<string, number>();
    for (const id of stored) counts.set(id, (counts.get(id) ?? 0) + 1);
    const missing = written.map((r) => ids(r)).filter((id) => !counts.has(id));
    expect(missing).toEqual([]);
    expect(counts.size).toBe(written.length);
    return stored.length - counts.size;
  }

  test("30% of entries and some calls throttled, some answers lost: nothing is lost, back-pressure shows", async () => {
    const stream = newStreamName("throttled");
    await ensureStream(direct, { name: stream, shards: 4 });
    proxy.rules = {
      throttleEntries: 0.3,
      rejectCalls: {
        share: 0.1,
        operations: ["PutRecords"],
        errorType: "ProvisionedThroughputExceededException",
      },
      loseResponses: 0.02,
      loseResponsesOf: ["PutRecords"],
    };
    const producer = new KinesisProducer({
      client: viaProxy,
      streamName: stream,
      ...FAST,
      // Smaller requests than the collector's 500, so the run makes enough calls to throttle.
      flush: { recordLimit: 100, byteLimit: 3_145_728, timeLimitMs: 20 },
      maxBufferedBytes: 64 * 1024,
    });
    const written = events(5_000, "evt");
    const started = performance.now();
    let noRoom = 0;
    let healthyThroughout = true;
    const writes: Promise<void>[] = [];
    let switched = false;
    for (let i = 0; i < written.length; ) {
      if (!switched && i >= written.length / 2) {
        // Half way, whole calls are refused as LimitExceededException instead.
        switched = true;
        proxy.rules = {
          ...proxy.rules,
          rejectCalls: { share: 0.1, operations: ["PutRecords"], errorType: "LimitExceededException" },
        };
      }
      const batch = written.slice(i, i + 1 + (i % 3));
      const bytes = batch.reduce((n, r) => n + r.data.byteLength + r.partitionKey.length, 0);
      // The collector answers 503 here; this writer waits for room instead, as a retrying tracker would.
      if (!producer.hasRoom(bytes)) {
        noRoom++;
        healthyThroughout &&= producer.isHealthy();
        await new Promise((resolve) => setTimeout(resolve, 2));
        continue;
      }
      writes.push(producer.write(batch));
      i += batch.length;
    }
    await producer.close();
    await Promise.all(writes);
    const seconds = (performance.now() - started) / 1000;
    proxy.rules = {};
    const metrics = producer.metrics();
    const duplicates = await expectAllStored(stream, written);
    console.log(
      `throttled run: ${written.length} records in ${seconds.toFixed(2)} s (${Math.round(written.length / seconds)} records/s); ` +
        `hasRoom false ${noRoom}×; duplicates read back ${duplicates} (possible: ${metrics.recordsPossiblyDuplicated}); ` +
        `proxy ${JSON.stringify(proxy.stats)}; producer ${JSON.stringify(metrics)}`,
    );
    expect(noRoom).toBeGreaterThan(0);
    expect(metrics.recordsThrottled).toBeGreaterThan(1_000);
    expect(metrics.callsThrottled).toBeGreaterThan(0);
    expect(metrics.recordsRetried).toBeGreaterThanOrEqual(metrics.recordsThrottled);
    expect(duplicates).toBeLessThanOrEqual(metrics.recordsPossiblyDuplicated);
    expect(metrics.recordsWritten).toBe(written.length);
    expect(metrics.bufferedBytes).toBe(0);
    expect(healthyThroughout).toBe(true);
  }, 60_000);

  for (const mode of ["refuse", "unavailable"] as const) {
    test(`the engine going away (${mode}): writes wait, the sink turns unhealthy, then all complete`, async () => {
      const stream = newStreamName(`outage-${mode}`);
      await ensureStream(direct, { name: stream, shards: 2 });
      proxy.rules = {};
      const producer = new KinesisProducer({
        client: viaProxy,
        streamName: stream,
        ...FAST,
        flush: { recordLimit: 500, byteLimit: 3_145_728, timeLimitMs: 10 },
      });
      const before = events(500, "before");
      const during = events(1_000, "during");
      try {
        await producer.write(before);
        expect(producer.isHealthy()).toBe(true);

        await proxy.down(mode);
        let settled = false;
        const write = producer.write(during).then(() => {
          settled = true;
        });
        // Either the failed writes (3 in a row) or the stream check (every 100 ms here) notices.
        const deadline = performance.now() + 10_000;
        while (producer.isHealthy() && performance.now() < deadline)
          await new Promise((r) => setTimeout(r, 10));
        expect(producer.isHealthy()).toBe(false);
        const turnedUnhealthy = producer.metrics();
        // Stay down a while: the producer keeps retrying, holds every record, and stays unhealthy.
        await new Promise((r) => setTimeout(r, 300));
        const outage = producer.metrics();
        expect(settled).toBe(false);
        expect(producer.isHealthy()).toBe(false);
        expect(outage.failedAttempts).toBeGreaterThan(turnedUnhealthy.failedAttempts);
        expect(outage.bufferedRecords).toBe(1_000);

        await proxy.up();
        await write;
        expect(producer.isHealthy()).toBe(true);
      } finally {
        await proxy.up();
        await producer.close();
      }
      const duplicates = await expectAllStored(stream, [...before, ...during]);
      const metrics = producer.metrics();
      console.log(
        `outage (${mode}): ${metrics.failedAttempts} failed attempts, ${metrics.recordsRetried} records retried, ` +
          `duplicates read back ${duplicates} (possible: ${metrics.recordsPossiblyDuplicated})`,
      );
      expect(duplicates).toBeLessThanOrEqual(metrics.recordsPossiblyDuplicated);
    }, 30_000);
  }
});
