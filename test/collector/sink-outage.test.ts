/**
 * @module
 * The collector's promise under a sink outage: an event whose request was answered 200 reaches the
 * raw stream, whatever happens to the stream in between. The collector writes through a
 * `KinesisProducer` to kinesalite behind the fault proxy, with back-pressure on and a small buffer
 * bound. Clients post a few thousand events (GET pixels with one event, tp2 POSTs with three, each
 * with its own event id) with bounded concurrency; midway the engine goes down (the proxy refuses
 * connections), so the producer's writes fail, it turns unhealthy and its buffer fills, and the
 * collector answers 503 with `Retry-After` instead of buffering without bound. Clients retry a 503
 * after a short pause, as trackers retry any status ≥ 300 but a few 4xx (they do not wait for the
 * whole Retry-After, which keeps this test short). The engine comes back, the producer drains, and
 * the stream read back with GetRecords (straight from the engine) holds every accepted event.
 * Duplicates are possible (a PutRecords call cut off as the engine goes down may have been
 * written), so they are counted and printed, not forbidden: enrich dedupes by event id.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { KinesisClient } from "@aws-sdk/client-kinesis";
import { type FaultProxy, startFaultProxy } from "../../src/adapters/engines/fault-proxy.ts";
import { startKinesalite } from "../../src/adapters/engines/kinesalite.ts";
import type { RunningEngine } from "../../src/adapters/engines/running-engine.ts";
import { kinesisClient } from "../../src/adapters/kinesis/client.ts";
import { KinesisProducer } from "../../src/adapters/kinesis/producer.ts";
import { ensureStream } from "../../src/adapters/kinesis/streams.ts";
import { MemorySink } from "../../src/adapters/memory/memory-sink.ts";
import { defaultCollectorConfig } from "../../src/apps/collector/config.ts";
import { type RunningCollector, startCollector } from "../../src/apps/collector/main.ts";
import { readStream as readStreamOf } from "../support/kinesis-stream-contents.ts";
import { decodeRecord } from "./collector-under-test.ts";

const REGION = "us-east-1";
const RAW = "outage-raw";
const TP2 = "/com.snowplowanalytics.snowplow/tp2";
const PAYLOAD_DATA = "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4";

/** Requests sent (every other one a POST of three events): 1,200 requests, 2,400 events. */
const REQUESTS = 1_200;
const EVENTS_PER_POST = 3;
const CONCURRENCY = 16;
/** The engine goes down once this many requests were accepted... */
const DOWN_AFTER_ACCEPTED = 400;
/** ...and comes back once this many 503s were answered and this long has passed. */
const UP_AFTER_REFUSALS = 100;
const UP_AFTER_MS = 500;
/** A client's pause before retrying a 503. */
const RETRY_PAUSE_MS = 20;
/** The producer's bound: about 150 GET records; the outage fills it. */
const MAX_BUFFERED_BYTES = 128 * 1024;
const RETRY_AFTER_SECONDS = 1;
/** The whole load must finish by then, or the test fails instead of hanging. */
const LOAD_DEADLINE_MS = 45_000;

let engine: RunningEngine;
let proxy: FaultProxy;
/** Straight to the engine, for reading back. */
let reader: KinesisClient;
/** Through the proxy, for the producer. */
let writer: KinesisClient;

beforeAll(async () => {
  engine = await startKinesalite();
  reader = kinesisClient({ region: REGION, endpoint: engine.url });
  await ensureStream(reader, { name: RAW, shards: 2 });
  proxy = await startFaultProxy({ target: engine.url });
  writer = kinesisClient({ region: REGION, endpoint: proxy.url }, { maxAttempts: 1 });
});

afterAll(async () => {
  writer?.destroy();
  reader?.destroy();
  await proxy?.stop();
  await engine?.stop();
});

/** Every record of every shard of `stream`, read from the start (straight from the engine). */
const readStream = (stream: string) => readStreamOf(reader, stream);

/** One tracker request and the event ids it carries. */
interface LoadRequest {
  readonly eventIds: readonly string[];
  readonly path: string;
  readonly init: RequestInit;
}

function loadRequest(i: number): LoadRequest {
  const headers = { "User-Agent": "furrow-outage-test", "X-Forwarded-For": "203.0.113.7" };
  if (i % 2 === 0) {
    const eid = crypto.randomUUID();
    return {
      eventIds: [eid],
      path: `/i?e=pv&eid=${eid}&tv=js-4.10.1&p=web&url=${encodeURIComponent(`https://shop.example/p/${i}`)}`,
      init: { headers },
    };
  }
  const events = Array.from({ length: EVENTS_PER_POST }, (_, j) => ({
    e: "se",
    eid: crypto.randomUUID(),
    tv: "node-4.8.0",
    p: "srv",
    se_ca: "outage",
    se_ac: `request-${i}`,
    se_la: String(j),
  }));
  return {
    eventIds: events.map((e) => e.eid),
    path: TP2,
    init: {
      method: "POST",
      headers: { ...headers, "Content-Type": "application/json; charset=UTF-8" },
      body: JSON.stringify({ schema: PAYLOAD_DATA, data: events }),
    },
  };
}

/** What the clients saw. */
interface LoadTally {
  requestsAccepted: number;
  readonly acceptedEventIds: string[];
  refusals: number;
  readonly retryAfterValues: Set<string | null>;
  /** Answers other than 200 and 503, and network errors: none expected. */
  readonly unexpected: string[];
  acceptedWhileDown: number;
  acceptedAfterUp: number;
}

test("an outage of the stream loses no accepted event: 503 + Retry-After while down, all delivered after", async () => {
  const config = defaultCollectorConfig({ good: RAW, bad: "outage-bad", sink: "kinesis" });
  const producer = new KinesisProducer({
    client: writer,
    streamName: RAW,
    // Send within 20 ms, so the buffer holds only what the stream has not taken.
    flush: { recordLimit: 500, byteLimit: 1_048_576, timeLimitMs: 20 },
    // Short waits, unhealthy after two failed calls in a row: the outage shows within ~100 ms.
    backoff: { minMs: 20, maxMs: 100, unhealthyAfterFailures: 2 },
    maxBufferedBytes: MAX_BUFFERED_BYTES,
    healthCheckIntervalMs: 100,
  });
  const collector: RunningCollector = await startCollector({
    config: {
      ...config,
      interface: "127.0.0.1",
      port: 0,
      preTerminationPeriod: 0,
      backPressure: {
        ...config.backPressure,
        enabled: true,
        retryAfterSeconds: RETRY_AFTER_SECONDS,
        maxBufferedBytes: MAX_BUFFERED_BYTES,
      },
    },
    stdout: () => {},
    stderr: () => {},
    sinks: { good: producer, bad: new MemorySink(), name: "kinesis" },
  });

  const requests = Array.from({ length: REQUESTS }, (_, i) => loadRequest(i));
  const allEventIds = requests.flatMap((r) => r.eventIds);
  const tally: LoadTally = {
    requestsAccepted: 0,
    acceptedEventIds: [],
    refusals: 0,
    retryAfterValues: new Set(),
    unexpected: [],
    acceptedWhileDown: 0,
    acceptedAfterUp: 0,
  };
  let phase: "before" | "down" | "after" = "before";
  let downAt = 0;
  let outageMs = 0;
  const started = performance.now();
  const deadline = started + LOAD_DEADLINE_MS;

  /** Sends one request until it is accepted, retrying 503s. */
  const deliver = async (r: LoadRequest): Promise<void> => {
    while (performance.now() < deadline) {
      let status: number;
      try {
        const res = await fetch(`${collector.url}${r.path}`, r.init);
        await res.arrayBuffer();
        status = res.status;
        if (status === 503) tally.retryAfterValues.add(res.headers.get("retry-after"));
      } catch (e) {
        tally.unexpected.push(`network error: ${(e as Error).message}`);
        await Bun.sleep(RETRY_PAUSE_MS);
        continue;
      }
      if (status === 200) {
        tally.requestsAccepted++;
        tally.acceptedEventIds.push(...r.eventIds);
        if (phase === "down") tally.acceptedWhileDown++;
        if (phase === "after") tally.acceptedAfterUp++;
        return;
      }
      if (status === 503) tally.refusals++;
      else tally.unexpected.push(`status ${status}`);
      await Bun.sleep(RETRY_PAUSE_MS);
    }
    throw new Error(`load not done within ${LOAD_DEADLINE_MS} ms`);
  };

  let next = 0;
  const worker = async () => {
    while (next < requests.length) await deliver(requests[next++]!);
  };
  /** Takes the engine down midway, and brings it back once the collector has been refusing a while. */
  const outage = async () => {
    while (tally.requestsAccepted < DOWN_AFTER_ACCEPTED) await Bun.sleep(5);
    await proxy.down("refuse");
    phase = "down";
    downAt = performance.now();
    while (tally.refusals < UP_AFTER_REFUSALS || performance.now() - downAt < UP_AFTER_MS) {
      if (performance.now() > deadline) throw new Error("the collector never refused during the outage");
      await Bun.sleep(5);
    }
    await proxy.up();
    phase = "after";
    outageMs = performance.now() - downAt;
  };
  await Promise.all([outage(), ...Array.from({ length: CONCURRENCY }, worker)]);
  const loadMs = performance.now() - started;

  // The stop flushes the producer and waits until the stream acknowledged everything accepted.
  await collector.stop();
  const stored = (await readStream(RAW)).map((record) => decodeRecord(record.Data!));
  const storedEventIds: string[] = [];
  for (const p of stored) {
    if (p.path === "/i") storedEventIds.push(new URLSearchParams(p.querystring).get("eid")!);
    else {
      const body = JSON.parse(p.body!) as { data: { eid: string }[] };
      for (const e of body.data) storedEventIds.push(e.eid);
    }
  }
  const storedSet = new Set(storedEventIds);
  const lost = tally.acceptedEventIds.filter((eid) => !storedSet.has(eid));
  const duplicates = storedEventIds.length - storedSet.size;
  const m = producer.metrics();
  console.log(
    [
      `sink outage: ${REQUESTS} requests / ${allEventIds.length} events sent in ${loadMs.toFixed(0)} ms`,
      `engine down ${outageMs.toFixed(0)} ms`,
      `accepted ${tally.acceptedEventIds.length} events (${tally.requestsAccepted} requests; ${tally.acceptedWhileDown} while down, ${tally.acceptedAfterUp} after)`,
      `503s ${tally.refusals}`,
      `stored ${storedEventIds.length} events in ${stored.length} records`,
      `duplicates ${duplicates}`,
      `lost ${lost.length}`,
      `producer: ${m.failedAttempts} failed calls, ${m.recordsRetried} records retried, ${m.recordsPossiblyDuplicated} possibly duplicated`,
    ].join("; "),
  );

  expect(tally.unexpected).toEqual([]);
  // Every request was eventually accepted, so every event was.
  expect(tally.requestsAccepted).toBe(REQUESTS);
  expect(new Set(tally.acceptedEventIds).size).toBe(allEventIds.length);
  // The outage was answered with 503 + Retry-After, and counted.
  expect(tally.refusals).toBeGreaterThanOrEqual(UP_AFTER_REFUSALS);
  expect([...tally.retryAfterValues]).toEqual([String(RETRY_AFTER_SECONDS)]);
  expect(collector.metrics.backPressureRefusals).toBe(tally.refusals);
  expect(tally.acceptedAfterUp).toBeGreaterThan(0);
  // Zero accepted events lost; nothing in the stream that was not sent.
  expect(lost).toEqual([]);
  const sentSet = new Set(allEventIds);
  expect([...storedSet].filter((eid) => !sentSet.has(eid))).toEqual([]);
  expect(m.bufferedRecords).toBe(0);
}, 60_000);
