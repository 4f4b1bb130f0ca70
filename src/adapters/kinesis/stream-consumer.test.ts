/**
 * @module
 * The stream consumer in one process against kinesalite and dynalite: initial positions, resuming
 * from checkpoints, retries of a failing batch without checkpointing past it, losing a lease, a
 * split, and the graceful stop. Timing is shortened (1 s leases) but keeps KCL's proportions.
 * Multi-process behaviour (balancing, SIGKILL failover) is tested in test/streams/.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { PutRecordsCommand, SplitShardCommand } from "@aws-sdk/client-kinesis";
import type { Lease } from "../../ports/lease-store.ts";
import { dynamodbClient } from "../dynamodb/client.ts";
import { DynamoDBLeaseStore } from "../dynamodb/lease-store.ts";
import { ensureLeaseTable } from "../dynamodb/lease-table.ts";
import { startDynalite } from "../engines/dynalite.ts";
import { startKinesalite } from "../engines/kinesalite.ts";
import type { RunningEngine } from "../engines/running-engine.ts";
import { kinesisClient } from "./client.ts";
import { KinesisShardReader } from "./shard-reader.ts";
import {
  type ConsumerEvent,
  KinesisStreamConsumer,
  type RecordBatch,
  type StreamConsumerConfig,
} from "./stream-consumer.ts";
import { ensureStream } from "./streams.ts";

const REGION = "us-east-1";
let kinesisEngine: RunningEngine;
let dynamoEngine: RunningEngine;
let kinesis: ReturnType<typeof kinesisClient>;
let dynamodb: ReturnType<typeof dynamodbClient>;
let streams = 0;

beforeAll(async () => {
  [kinesisEngine, dynamoEngine] = await Promise.all([startKinesalite(), startDynalite()]);
  kinesis = kinesisClient({ endpoint: kinesisEngine.url, region: REGION });
  dynamodb = dynamodbClient({ endpoint: dynamoEngine.url, region: REGION });
});
afterAll(async () => {
  kinesis.destroy();
  dynamodb.destroy();
  await Promise.all([kinesisEngine.stop(), dynamoEngine.stop()]);
});

/** KCL's proportions on a 1 s lease, and short polling and debounce. */
const FAST = {
  leaseDurationMs: 1_000,
  idleTimeBetweenReadsMs: 50,
  checkpointDebounceMs: 200,
  shardSyncIntervalMs: 500,
  parentShardPollIntervalMs: 100,
  handlerRetry: { initialMs: 50, maxMs: 200 },
} satisfies Partial<StreamConsumerConfig>;

const text = new TextEncoder();
const decode = (data: Uint8Array) => new TextDecoder().decode(data);

async function newStream(shards: number): Promise<{ streamName: string; appName: string }> {
  const n = ++streams;
  await ensureStream(kinesis, { name: `consumer-test-${n}`, shards });
  await ensureLeaseTable(dynamodb, `consumer-test-app-${n}`);
  return { streamName: `consumer-test-${n}`, appName: `consumer-test-app-${n}` };
}

/** Writes records `from`..`to`−1 as "r<i>" with partition key "pk<i mod keys>"; returns sequence numbers. */
async function put(streamName: string, from: number, to: number, keys = 8): Promise<Map<string, string>> {
  const ids = Array.from({ length: to - from }, (_, i) => from + i);
  const out = await kinesis.send(
    new PutRecordsCommand({
      StreamName: streamName,
      Records: ids.map((i) => ({ Data: text.encode(`r${i}`), PartitionKey: `pk${i % keys}` })),
    }),
  );
  return new Map(ids.map((id, i) => [`r${id}`, out.Records?.[i]?.SequenceNumber ?? ""]));
}

async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A consumer whose handler records every record it is given. */
function consumerFor(
  stream: { streamName: string; appName: string },
  config: Partial<StreamConsumerConfig> = {},
  handle?: (batch: RecordBatch) => Promise<void>,
) {
  const handled: { id: string; shardId: string; seq: string; pk: string }[] = [];
  const events: ConsumerEvent[] = [];
  const consumer = new KinesisStreamConsumer(
    { ...stream, ...FAST, workerId: `worker-${Math.random().toString(36).slice(2, 8)}`, ...config },
    {
      leaseStore: new DynamoDBLeaseStore(dynamodb, stream.appName),
      shardReader: new KinesisShardReader(kinesis, stream.streamName),
      onEvent: (e) => events.push(e),
    },
  );
  const handler = async (batch: RecordBatch) => {
    if (handle) await handle(batch);
    for (const r of batch.records) {
      handled.push({ id: decode(r.data), shardId: batch.shardId, seq: r.sequenceNumber, pk: r.partitionKey });
    }
  };
  return { consumer, handled, events, handler };
}

const leasesOf = async (appName: string): Promise<Map<string, Lease>> =>
  new Map((await new DynamoDBLeaseStore(dynamodb, appName).listLeases()).map((l) => [l.leaseKey, l]));

const ids = (handled: readonly { id: string }[]) => handled.map((h) => h.id).sort();
const range = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => `r${from + i}`).sort();

describe("KinesisStreamConsumer", () => {
  test("TRIM_HORIZON reads everything; stop flushes checkpoints and releases the leases", async () => {
    const stream = await newStream(2);
    const seqs = await put(stream.streamName, 0, 40);
    const a = consumerFor(stream);
    await a.consumer.start(a.handler);
    await waitFor("40 records", () => a.handled.length >= 40);
    await a.consumer.stop();
    expect(ids(a.handled)).toEqual(range(0, 40));
    const leases = await leasesOf(stream.appName);
    expect(leases.size).toBe(2);
    for (const [shardId, lease] of leases) {
      const last = a.handled.filter((h) => h.shardId === shardId).at(-1);
      expect(lease.checkpoint.sequenceNumber).toBe(last?.seq ?? "");
      expect(lease.leaseOwner).toBeNull();
    }
    expect(a.events.find((e) => e.type === "leases-released")).toMatchObject({
      leaseKeys: expect.any(Array),
    });

    // A new worker resumes after the checkpoints: no record twice.
    await put(stream.streamName, 40, 50);
    const b = consumerFor(stream);
    await b.consumer.start(b.handler);
    await waitFor("10 more records", () => b.handled.length >= 10);
    await new Promise((r) => setTimeout(r, 300));
    await b.consumer.stop();
    expect(ids(b.handled)).toEqual(range(40, 50));
    expect(seqs.size).toBe(40);
  });

  test("LATEST skips what was written before the shard started; AT_TIMESTAMP starts at the time", async () => {
    const latest = await newStream(1);
    await put(latest.streamName, 0, 5);
    const a = consumerFor(latest, { initialPosition: { type: "LATEST" } });
    await a.consumer.start(a.handler);
    await waitFor("the shard to start", () => a.events.some((e) => e.type === "shard-started"));
    await put(latest.streamName, 5, 10);
    await waitFor("5 records", () => a.handled.length >= 5);
    await a.consumer.stop();
    expect(ids(a.handled)).toEqual(range(5, 10));
    expect((await leasesOf(latest.appName)).get("shardId-000000000000")?.checkpoint.sequenceNumber).not.toBe(
      "LATEST",
    );

    const timed = await newStream(1);
    await put(timed.streamName, 0, 5);
    await new Promise((r) => setTimeout(r, 20));
    const timestamp = new Date();
    await new Promise((r) => setTimeout(r, 20));
    await put(timed.streamName, 5, 9);
    const b = consumerFor(timed, { initialPosition: { type: "AT_TIMESTAMP", timestamp } });
    await b.consumer.start(b.handler);
    await waitFor("4 records", () => b.handled.length >= 4);
    await b.consumer.stop();
    expect(ids(b.handled)).toEqual(range(5, 9));
    expect((await leasesOf(timed.appName)).get("shardId-000000000000")?.checkpoint.sequenceNumber).toMatch(
      /^\d+$/,
    );
  });

  test("a failing batch is retried as it was, and nothing from it on is checkpointed", async () => {
    const stream = await newStream(1);
    const seqs = await put(stream.streamName, 0, 20);
    let failing = true;
    const attempts: string[][] = [];
    const a = consumerFor(stream, { maxRecords: 5 }, async (batch) => {
      const batchIds = batch.records.map((r) => decode(r.data));
      attempts.push(batchIds);
      if (failing && batchIds.includes("r10")) throw new Error("sink unavailable");
    });
    await a.consumer.start(a.handler);
    await waitFor(
      "three failed attempts",
      () => a.events.filter((e) => e.type === "handler-failed").length >= 3,
    );
    // Checkpoints were written for r0..r9 meanwhile (debounce 200 ms), never beyond.
    await new Promise((r) => setTimeout(r, 400));
    const during = (await leasesOf(stream.appName)).get("shardId-000000000000");
    expect(during?.checkpoint.sequenceNumber).toBe(seqs.get("r9") ?? "");
    expect(ids(a.handled)).toEqual(range(0, 10));
    failing = false;
    await waitFor("all 20", () => a.handled.length >= 20);
    await a.consumer.stop();
    const failed = attempts.filter((batchIds) => batchIds.includes("r10"));
    expect(failed.length).toBeGreaterThanOrEqual(4);
    for (const batchIds of failed) expect(batchIds).toEqual(failed[0] ?? []);
    expect(ids(a.handled)).toEqual(range(0, 20));
    expect((await leasesOf(stream.appName)).get("shardId-000000000000")?.checkpoint.sequenceNumber).toBe(
      seqs.get("r19") ?? "",
    );
  });

  test("a graceful stop during a failing batch keeps the checkpoint before it", async () => {
    const stream = await newStream(1);
    const seqs = await put(stream.streamName, 0, 10);
    const a = consumerFor(stream, { maxRecords: 5 }, async (batch) => {
      if (batch.records.some((r) => decode(r.data) === "r5")) throw new Error("always failing");
    });
    await a.consumer.start(a.handler);
    await waitFor("a failed attempt", () => a.events.some((e) => e.type === "handler-failed"));
    await a.consumer.stop();
    const lease = (await leasesOf(stream.appName)).get("shardId-000000000000");
    expect(lease?.checkpoint.sequenceNumber).toBe(seqs.get("r4") ?? "");
    expect(lease?.leaseOwner).toBeNull();
  });

  test("a lease taken by another worker stops its shard at once, without a checkpoint", async () => {
    const stream = await newStream(1);
    await put(stream.streamName, 0, 5);
    const a = consumerFor(stream);
    await a.consumer.start(a.handler);
    await waitFor("5 records", () => a.handled.length >= 5);
    await waitFor("a checkpoint", () => a.events.some((e) => e.type === "checkpoint"));
    const store = new DynamoDBLeaseStore(dynamodb, stream.appName);
    const seen = await store.getLease("shardId-000000000000");
    if (!seen) throw new Error("no lease");
    const stolen = await store.takeLease(seen, "thief");
    expect(stolen.ok).toBe(true);
    await waitFor("the loss to be noticed", () => a.events.some((e) => e.type === "lease-lost"));
    const handledBefore = a.handled.length;
    await put(stream.streamName, 5, 10);
    await new Promise((r) => setTimeout(r, 500));
    expect(a.handled.length).toBe(handledBefore);
    expect(a.consumer.heldShardIds()).toEqual([]);
    const after = await store.getLease("shardId-000000000000");
    expect(after).toMatchObject({ leaseOwner: "thief", checkpoint: seen.checkpoint });
    await a.consumer.stop();
    // The thief's lease is not the victim's to release.
    expect((await store.getLease("shardId-000000000000"))?.leaseOwner).toBe("thief");
  });

  test("after a split, children are read only once the parent is at SHARD_END, and the parent lease goes", async () => {
    const stream = await newStream(1);
    await put(stream.streamName, 0, 30);
    const a = consumerFor(stream, { maxRecords: 7 });
    await a.consumer.start(a.handler);
    await waitFor("a first batch", () => a.handled.length > 0);
    await kinesis.send(
      new SplitShardCommand({
        StreamName: stream.streamName,
        ShardToSplit: "shardId-000000000000",
        NewStartingHashKey: "170141183460469231731687303715884105728",
      }),
    );
    await new Promise((r) => setTimeout(r, 50));
    await put(stream.streamName, 30, 60);
    await waitFor("60 records", () => a.handled.length >= 60);
    const end = a.events.find((e) => e.type === "shard-end");
    expect(end).toMatchObject({ shardId: "shardId-000000000000" });
    // Records of the parent, then of the children, for every partition key.
    const firstChild = a.handled.findIndex((h) => h.shardId !== "shardId-000000000000");
    expect(a.handled.slice(0, firstChild).every((h) => h.shardId === "shardId-000000000000")).toBe(true);
    expect(ids(a.handled.slice(0, firstChild))).toEqual(range(0, 30));
    for (let k = 0; k < 8; k++) {
      const order = a.handled.filter((h) => h.pk === `pk${k}`).map((h) => Number(h.id.slice(1)));
      expect(order).toEqual([...order].sort((x, y) => x - y));
    }
    // The children start, and then the finished parent's lease is cleaned up.
    await waitFor(
      "the parent lease to go",
      async () => !(await leasesOf(stream.appName)).has("shardId-000000000000"),
    );
    const leases = await leasesOf(stream.appName);
    expect([...leases.keys()].sort()).toEqual(["shardId-000000000001", "shardId-000000000002"]);
    expect(leases.get("shardId-000000000001")?.parentShardIds).toEqual(["shardId-000000000000"]);
    await a.consumer.stop();
    expect(ids(a.handled)).toEqual(range(0, 60));
  });

  test("a stop while starting waits for the start and releases what it took", async () => {
    const stream = await newStream(2);
    const a = consumerFor(stream);
    const starting = a.consumer.start(a.handler);
    const stopping = a.consumer.stop();
    await Promise.all([starting, stopping]);
    const leases = [...(await leasesOf(stream.appName)).values()];
    expect(leases).toHaveLength(2);
    expect(leases.map((l) => l.leaseOwner)).toEqual([null, null]);
    expect(a.consumer.heldShardIds()).toEqual([]);
    await expect(a.consumer.start(a.handler)).rejects.toThrow("already started");
  });

  test("start fails cleanly for a missing stream", async () => {
    await ensureLeaseTable(dynamodb, "consumer-test-missing");
    const a = consumerFor({ streamName: "no-such-stream", appName: "consumer-test-missing" });
    await expect(a.consumer.start(a.handler)).rejects.toThrow();
    await a.consumer.stop();
  });

  test("connect creates the lease table and stop destroys its clients", async () => {
    const stream = await newStream(1);
    await put(stream.streamName, 0, 3);
    const handled: string[] = [];
    const consumer = await KinesisStreamConsumer.connect(
      { ...stream, ...FAST, workerId: "connected" },
      {
        kinesis: { endpoint: kinesisEngine.url, region: REGION },
        dynamodb: { endpoint: dynamoEngine.url, region: REGION },
      },
    );
    expect(consumer.timing).toEqual({
      leaseDurationMs: 1_000,
      epsilonMs: 25,
      renewerIntervalMs: 308,
      takerIntervalMs: 2_050,
    });
    await consumer.start(async (batch) => {
      handled.push(...batch.records.map((r) => decode(r.data)));
    });
    await waitFor("3 records", () => handled.length >= 3);
    await consumer.stop();
    expect(handled.sort()).toEqual(range(0, 3));
  });
});
