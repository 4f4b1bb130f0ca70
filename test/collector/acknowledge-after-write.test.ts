/**
 * @module
 * `furrow collector --acknowledge-after-write` as a real process against kinesalite, killed with
 * SIGKILL the moment Snowplow's Node tracker has its answers: every event answered 2xx must
 * already be on the raw stream. The collector keeps Snowplow's 5 s buffer time limit, so without
 * the option the events answered just before the kill would still sit in its memory and be lost
 * (the reliability suite's finding, `docs/reliability.md`).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KinesisClient } from "@aws-sdk/client-kinesis";
import { buildPageView, buildStructEvent, newTracker, type Tracker } from "@snowplow/node-tracker";
import { type Engines, startEngines } from "../../src/adapters/engines/launcher.ts";
import { kinesisClient } from "../../src/adapters/kinesis/client.ts";
import { ensureStream } from "../../src/adapters/kinesis/streams.ts";
import { pollUntil } from "../../src/adapters/poll-until.ts";
import { decodeCollectorPayload } from "../../src/core/thrift/collector-payload.ts";
import { FurrowProcesses, loggedField } from "../support/furrow-process.ts";
import { readStream } from "../support/kinesis-stream-contents.ts";

const REGION = "us-east-1";
const STREAMS = { good: "ack-raw", bad: "ack-bad-1" };
/** Events per emitter: GET sends one per request, POST batches of five. */
const EVENTS = 40;

let engines: Engines;
let kinesis: KinesisClient;
let scratch: string;
const furrow = new FurrowProcesses();

beforeAll(async () => {
  // Only kinesalite: the other engines are given endpoints, so they are not started.
  engines = await startEngines({
    dynamodbEndpoint: "http://127.0.0.1:1",
    s3Endpoint: "http://127.0.0.1:1",
    databaseUrl: "postgres://unused@127.0.0.1:1/unused",
  });
  kinesis = kinesisClient({ endpoint: engines.endpoints.kinesis, region: REGION });
  await ensureStream(kinesis, { name: STREAMS.good, shards: 2 });
  await ensureStream(kinesis, { name: STREAMS.bad, shards: 1 });
  scratch = mkdtempSync(join(tmpdir(), "furrow-ack-"));
}, 60_000);

afterAll(async () => {
  await furrow.killAll();
  kinesis?.destroy();
  await engines?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** Every event id on the raw stream: GET payloads carry one in the query, POST bodies several. */
async function eventIdsOnStream(): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const record of await readStream(kinesis, STREAMS.good)) {
    const decoded = decodeCollectorPayload(record.Data!);
    if (!decoded.ok) throw new Error(decoded.error.message);
    const payload = decoded.value;
    if (payload.body !== undefined) {
      for (const e of (JSON.parse(payload.body) as { data: { eid: string }[] }).data) ids.add(e.eid);
    }
    const eid = new URLSearchParams(payload.querystring ?? "").get("eid");
    if (eid !== null) ids.add(eid);
  }
  return ids;
}

test("SIGKILL right after the answers: every event answered 2xx is on the raw stream", async () => {
  const config = join(scratch, "collector.json");
  // Snowplow's buffer defaults (5 s, 500 records): without the option records wait that long.
  writeFileSync(config, JSON.stringify({ preTerminationPeriod: 0 }));
  const collector = furrow.spawn([
    "collector",
    "--acknowledge-after-write",
    "--config",
    config,
    "--sink",
    "kinesis",
    "--kinesis-endpoint",
    engines.endpoints.kinesis,
    "--region",
    REGION,
    "--good",
    STREAMS.good,
    "--bad",
    STREAMS.bad,
    "--interface",
    "127.0.0.1",
    "--port",
    "0",
    "--log-format",
    "json",
  ]);
  const url = new URL(await loggedField(collector, "started", "url", "the collector's start"));

  const accepted = new Set<string>();
  let answered = 0;
  let failed = 0;
  const tracker = (method: "get" | "post"): Tracker =>
    newTracker(
      { namespace: `ack-${method}`, appId: "ack-after-write", encodeBase64: false },
      {
        endpoint: url.hostname,
        port: Number(url.port),
        protocol: "http",
        eventMethod: method,
        bufferSize: method === "post" ? 5 : 1,
        retryFailedRequests: false,
        onRequestSuccess: (events) => {
          answered += events.length;
          for (const e of events) accepted.add(String(e["eid"]));
        },
        onRequestFailure: (failure) => {
          answered += failure.events.length;
          failed += failure.events.length;
        },
      },
    );
  const get = tracker("get");
  const post = tracker("post");
  for (let i = 0; i < EVENTS; i++) {
    get.track(buildPageView({ pageUrl: `https://shop.example/p/${i}`, pageTitle: "Acknowledged" }));
    post.track(buildStructEvent({ category: "ack", action: "after-write", label: String(i) }));
  }
  await pollUntil(async () => answered === 2 * EVENTS, { what: "every request answered", timeoutMs: 45_000 });
  collector.child.kill("SIGKILL");
  expect(await collector.child.exited).not.toBe(0);

  expect(failed).toBe(0);
  expect(accepted.size).toBe(2 * EVENTS);
  const onStream = await eventIdsOnStream();
  const lost = [...accepted].filter((id) => !onStream.has(id));
  expect(lost).toEqual([]);
}, 60_000);
