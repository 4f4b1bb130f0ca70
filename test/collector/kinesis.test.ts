/**
 * @module
 * `furrow collector --sink kinesis` against kinesalite: trackers' requests become records on the
 * raw stream (read back with GetRecords and decoded with our Thrift codec), oversized payloads
 * become size_violation rows on the bad stream, and a stop flushes what the producer buffered.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { KinesisClient } from "@aws-sdk/client-kinesis";
import { startKinesalite } from "../../src/adapters/engines/kinesalite.ts";
import type { RunningEngine } from "../../src/adapters/engines/running-engine.ts";
import { kinesisClient } from "../../src/adapters/kinesis/client.ts";
import { ensureStream } from "../../src/adapters/kinesis/streams.ts";
import { defaultCollectorConfig } from "../../src/apps/collector/config.ts";
import { type RunningCollector, startCollector } from "../../src/apps/collector/main.ts";
import { furrowTopology } from "../../src/core/topology.ts";
import { readStream as readStreamOf } from "../support/kinesis-stream-contents.ts";
import { decodeRecord } from "./collector-under-test.ts";

const topology = furrowTopology({ stage: "collector-test" });
const RAW = topology.streams.raw.name;
const BAD = topology.streams["bad-1"].name;
const TP2 = "/com.snowplowanalytics.snowplow/tp2";

let engine: RunningEngine;
let client: KinesisClient;

beforeAll(async () => {
  engine = await startKinesalite();
  client = kinesisClient({ region: "us-east-1", endpoint: engine.url });
  await ensureStream(client, { name: RAW, shards: 2 });
  await ensureStream(client, { name: BAD, shards: 1 });
});

afterAll(async () => {
  client?.destroy();
  await engine?.stop();
});

/** Every record of every shard of `stream`, read from the start. */
const readStream = (stream: string) => readStreamOf(client, stream);

async function start(): Promise<RunningCollector> {
  const base = defaultCollectorConfig({ good: RAW, bad: BAD, sink: "kinesis" });
  const stream = (s: typeof base.streams.good) => ({
    ...s,
    customEndpoint: engine.url,
    // A long time limit: records reach the stream only because the stop flushes them.
    buffer: { ...s.buffer, timeLimit: 60_000 },
  });
  return startCollector({
    config: {
      ...base,
      interface: "127.0.0.1",
      port: 0,
      preTerminationPeriod: 0,
      streams: {
        ...base.streams,
        good: { ...stream(base.streams.good), maxBytes: 10_000 },
        bad: stream(base.streams.bad),
      },
    },
    stdout: () => {},
    stderr: () => {},
  });
}

describe("collector → Kinesis", () => {
  test("records land on the raw stream, bad rows on the bad stream, all flushed by the stop", async () => {
    const collector = await start();
    expect(collector.sinks.name).toBe("kinesis");
    const url = collector.url;
    const pixel = await fetch(`${url}/i?e=pv&url=http%3A%2F%2Fshop.example%2F&tv=js-4.0.0`, {
      headers: { Cookie: "sp=8a5e4c2b-1d3f-4e6a-9b7c-0d1e2f3a4b5c", "X-Forwarded-For": "203.0.113.5" },
    });
    expect(pixel.status).toBe(200);
    await pixel.arrayBuffer();
    const body = JSON.stringify({
      schema: "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4",
      data: [{ e: "se", se_ca: "c", se_ac: "a", tv: "node", p: "srv" }],
    });
    const posted = await fetch(`${url}${TP2}`, {
      method: "POST",
      headers: { "Content-Type": "application/json; charset=UTF-8" },
      body,
    });
    expect(await posted.text()).toBe("ok");
    const oversized = await fetch(`${url}/i?e=pv&big=${"x".repeat(12_000)}`);
    expect(oversized.status).toBe(200);
    await oversized.arrayBuffer();
    // Nothing sent yet (the time limit is 60 s); the stop flushes and waits for the acknowledgement.
    expect((await fetch(`${url}/sink-health`)).status).toBe(200);
    expect((await readStream(RAW)).length).toBe(0);
    await collector.stop();

    const raw = (await readStream(RAW)).map((r) => decodeRecord(r.Data!));
    expect(raw.length).toBe(2);
    const byPath = new Map(raw.map((p) => [p.path, p]));
    const get = byPath.get("/i")!;
    expect(get.collector).toBe("furrow-0.1.0-kinesis");
    expect(get.ipAddress).toBe("203.0.113.5");
    expect(get.networkUserId).toBe("8a5e4c2b-1d3f-4e6a-9b7c-0d1e2f3a4b5c");
    expect(new URLSearchParams(get.querystring).get("url")).toBe("http://shop.example/");
    const post = byPath.get(TP2)!;
    expect(post.body).toBe(body);
    expect(post.contentType).toBe("application/json; charset=utf-8");

    const bad = await readStream(BAD);
    expect(bad.length).toBe(1);
    const row = JSON.parse(new TextDecoder().decode(bad[0]!.Data!));
    expect(row.schema).toBe("iglu:com.snowplowanalytics.snowplow.badrows/size_violation/jsonschema/1-0-0");
    expect(row.data.failure.expectation).toBe("oversized collector payload: GET requests cannot be split");
    expect(row.data.failure.maximumAllowedSizeBytes).toBe(10_000);
  });

  test("start-up fails when a stream does not exist", async () => {
    const base = defaultCollectorConfig({ good: "no-such-stream", bad: BAD, sink: "kinesis" });
    const config = {
      ...base,
      port: 0,
      streams: {
        ...base.streams,
        good: { ...base.streams.good, customEndpoint: engine.url },
        bad: { ...base.streams.bad, customEndpoint: engine.url },
      },
    };
    await expect(startCollector({ config, stdout: () => {}, stderr: () => {} })).rejects.toThrow(
      "Kinesis stream no-such-stream does not exist",
    );
  });
});
