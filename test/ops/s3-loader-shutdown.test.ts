/**
 * @module
 * `furrow s3-loader --shutdown-timeout`, as a deployment sees it: the loader runs as a child
 * process against kinesalite, dynalite and s3rver, with S3 (and, in the second test, every engine)
 * behind a `startFaultProxy`. SIGTERM while S3 is down must end the process, exit 1 with an error
 * logged, instead of retrying forever, and its checkpoint must not pass the records it could not
 * write. With S3 back, a new loader of the same lease table writes them: nothing is lost.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type KinesisClient, PutRecordsCommand } from "@aws-sdk/client-kinesis";
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { type FaultProxy, startFaultProxy } from "../../src/adapters/engines/fault-proxy.ts";
import { type Engines, startEngines } from "../../src/adapters/engines/launcher.ts";
import { kinesisClient } from "../../src/adapters/kinesis/client.ts";
import { ensureStream } from "../../src/adapters/kinesis/streams.ts";
import { pollUntil } from "../../src/adapters/poll-until.ts";
import { ensureBucket } from "../../src/adapters/s3/bucket.ts";
import { s3Client } from "../../src/adapters/s3/client.ts";
import {
  type FurrowProcess,
  FurrowProcesses,
  type LogRecord,
  lastSequenceNumber,
  loggedField,
  logRecords,
  onlyLease,
  terminate,
} from "../support/furrow-process.ts";

const REGION = "us-east-1";
const BUCKET = "shutdown-pipeline";
const BAD_STREAM = "shutdown-bad-1";
/** The loaders' `--shutdown-timeout`. */
const SHUTDOWN_TIMEOUT_MS = 3_000;
/**
 * How long past its deadline a process may take to be gone: Bun's exit and the scheduling of a
 * loaded machine. Generous on purpose; without the deadline the process would never exit.
 */
const EXIT_SLACK_MS = 20_000;

let engines: Engines;
let kinesis: KinesisClient;
let s3: S3Client;
let proxies: { kinesis: FaultProxy; dynamodb: FaultProxy; s3: FaultProxy };
const furrow = new FurrowProcesses();

beforeAll(async () => {
  // PostgreSQL is not needed: a given URL means it is not started.
  engines = await startEngines({ databaseUrl: "postgres://unused@127.0.0.1:1/unused" });
  kinesis = kinesisClient({ endpoint: engines.endpoints.kinesis, region: REGION });
  s3 = s3Client({ endpoint: engines.endpoints.s3, region: REGION });
  await ensureStream(kinesis, { name: BAD_STREAM, shards: 1 });
  await ensureBucket(s3, BUCKET, REGION);
  proxies = {
    kinesis: await startFaultProxy({ target: engines.endpoints.kinesis }),
    dynamodb: await startFaultProxy({ target: engines.endpoints.dynamodb }),
    s3: await startFaultProxy({ target: engines.endpoints.s3 }),
  };
}, 60_000);

afterAll(async () => {
  await furrow.killAll();
  for (const proxy of Object.values(proxies ?? {})) await proxy.stop();
  kinesis?.destroy();
  s3?.destroy();
  await engines?.stop();
});

/** Puts `rec-<from>` … `rec-<to - 1>` on `stream`; returns the last sequence number. */
async function putRecords(stream: string, from: number, to: number): Promise<string> {
  const out = await kinesis.send(
    new PutRecordsCommand({
      StreamName: stream,
      Records: Array.from({ length: to - from }, (_, i) => ({
        Data: new TextEncoder().encode(`rec-${from + i}`),
        PartitionKey: `k-${from + i}`,
      })),
    }),
  );
  expect(out.FailedRecordCount ?? 0).toBe(0);
  return lastSequenceNumber(out);
}

/** Every record in the raw files under `raw/<folder>/`, decoded (each line is base64). */
async function storedRecords(folder: string): Promise<string[]> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `raw/${folder}/` }));
  const records: string[] = [];
  for (const { Key } of listed.Contents ?? []) {
    const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key }));
    const text = new TextDecoder().decode(
      Bun.gunzipSync(new Uint8Array(await object.Body!.transformToByteArray())),
    );
    for (const line of text.split("\n")) if (line !== "") records.push(atob(line));
  }
  return records.sort();
}

const leaseOf = (table: string) => onlyLease(engines.endpoints.dynamodb, REGION, table);

/** A raw S3 loader of `stream` through the proxies, writing a file as soon as it has records. */
function spawnLoader(stream: string, folder: string): FurrowProcess {
  return furrow.spawn([
    "s3-loader",
    "--purpose",
    "raw",
    "--input-stream",
    stream,
    "--app-name",
    `${stream}-loader`,
    "--path",
    `s3://${BUCKET}/raw/${folder}`,
    "--bad-stream",
    BAD_STREAM,
    "--naming",
    "sequence",
    "--time-limit",
    "100",
    "--lease-duration",
    "2 seconds",
    "--shutdown-timeout",
    `${SHUTDOWN_TIMEOUT_MS}`,
    "--kinesis-endpoint",
    proxies.kinesis.url,
    "--dynamodb-endpoint",
    proxies.dynamodb.url,
    "--s3-endpoint",
    proxies.s3.url,
    "--region",
    REGION,
    "--log-format",
    "json",
  ]);
}

/** Waits for a log record of `event`; throws if the process exits first. */
async function loggedEvent(p: FurrowProcess, event: string, what: string): Promise<LogRecord> {
  let found: LogRecord | undefined;
  await pollUntil(
    async () => {
      if (p.child.exitCode !== null) throw new Error(`furrow exited before ${what}:\n${p.stderr()}`);
      found = logRecords(p).find((r) => r["event"] === event);
      return found !== undefined;
    },
    { what, timeoutMs: 45_000 },
  );
  return found!;
}

/** SIGTERM; the exit code, every log record and how long the process took to end. */
async function terminateTimed(p: FurrowProcess) {
  const started = performance.now();
  const { code, records } = await terminate(p);
  return { code, records, ms: performance.now() - started };
}

describe("furrow s3-loader --shutdown-timeout", () => {
  test("SIGTERM while S3 is down: exits 1 within the deadline, checkpoint held; a new loader writes the rest", async () => {
    const stream = "shutdown-s3-down";
    await ensureStream(kinesis, { name: stream, shards: 1 });
    const written = await putRecords(stream, 0, 20);
    const first = spawnLoader(stream, "s3-down");
    await loggedField(first, "started", "msg", "the loader started");
    await pollUntil(async () => (await leaseOf(`${stream}-loader`)).checkpoint.sequenceNumber === written, {
      what: "the first records written and checkpointed",
      timeoutMs: 45_000,
    });

    await proxies.s3.down("unavailable");
    try {
      const last = await putRecords(stream, 20, 50);
      await loggedEvent(first, "put-failed", "a put refused by S3");
      const { code, records, ms } = await terminateTimed(first);
      expect(code).toBe(1);
      expect(ms).toBeLessThan(SHUTDOWN_TIMEOUT_MS + EXIT_SLACK_MS);
      const errors = records.filter((r) => r["level"] === "error").map((r) => r["event"]);
      // Given up inside the loader (leases released) or at the life cycle's deadline.
      expect(errors.some((e) => e === "stop-failed" || e === "stop-timed-out")).toBe(true);
      expect(errors).toContain("abandoned");
      expect(records.map((r) => r["event"])).not.toContain("stopped");
      // The checkpoint did not pass what S3 refused.
      const lease = await leaseOf(`${stream}-loader`);
      expect(lease.checkpoint.sequenceNumber).toBe(written);
      expect(lease.checkpoint.sequenceNumber).not.toBe(last);
      expect(await storedRecords("s3-down")).toHaveLength(20);

      await proxies.s3.up();
      const second = spawnLoader(stream, "s3-down");
      await pollUntil(async () => (await leaseOf(`${stream}-loader`)).checkpoint.sequenceNumber === last, {
        what: "the held records written by a new loader",
        timeoutMs: 45_000,
      });
      const stopped = await terminate(second);
      expect(stopped.code).toBe(0);
      const expected = Array.from({ length: 50 }, (_, i) => `rec-${i}`).sort();
      expect(await storedRecords("s3-down")).toEqual(expected);
    } finally {
      await proxies.s3.up();
    }
  }, 120_000);

  test("SIGTERM with every engine gone: exits 1 at the deadline instead of retrying forever", async () => {
    const stream = "shutdown-all-down";
    await ensureStream(kinesis, { name: stream, shards: 1 });
    const written = await putRecords(stream, 0, 10);
    const loader = spawnLoader(stream, "all-down");
    await loggedField(loader, "started", "msg", "the loader started");
    await pollUntil(async () => (await leaseOf(`${stream}-loader`)).checkpoint.sequenceNumber === written, {
      what: "the first records checkpointed",
      timeoutMs: 45_000,
    });
    await proxies.s3.down("refuse");
    try {
      await putRecords(stream, 10, 30);
      await loggedEvent(loader, "put-failed", "a put refused by S3");
      await proxies.kinesis.down("refuse");
      await proxies.dynamodb.down("refuse");
      const { code, records, ms } = await terminateTimed(loader);
      expect(code).toBe(1);
      expect(ms).toBeLessThan(SHUTDOWN_TIMEOUT_MS + EXIT_SLACK_MS);
      expect(records.filter((r) => r["level"] === "error").length).toBeGreaterThan(0);
      expect(records.map((r) => r["event"])).not.toContain("stopped");
    } finally {
      for (const proxy of Object.values(proxies)) await proxy.up();
    }
    // Nothing held was checkpointed: the ten records written first are all the lease table knows.
    expect((await leaseOf(`${stream}-loader`)).checkpoint.sequenceNumber).toBe(written);
    expect(await storedRecords("all-down")).toHaveLength(10);
  }, 120_000);
});
