/**
 * @module
 * Operations of the stream workers, as a deployment sees them: `furrow enrich` and `furrow
 * s3-loader` run as child processes against kinesalite, dynalite and s3rver (started here) with
 * `--ops-port 0 --log-format json`. Each test scrapes `/health` and `/metrics` (parsed as
 * Prometheus parses the text format), sends SIGTERM, and checks that the process exits 0, that
 * every line of its standard error is a JSON log record, and that its last checkpoint reached the
 * lease table (the checkpoint debounce, or the S3 loader's buffer, hold it back until the stop),
 * with the lease released.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type KinesisClient, PutRecordsCommand } from "@aws-sdk/client-kinesis";
import { ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { type Engines, startEngines } from "../../src/adapters/engines/launcher.ts";
import { kinesisClient } from "../../src/adapters/kinesis/client.ts";
import { ensureStream } from "../../src/adapters/kinesis/streams.ts";
import { pollUntil } from "../../src/adapters/poll-until.ts";
import { ensureBucket } from "../../src/adapters/s3/bucket.ts";
import { s3Client } from "../../src/adapters/s3/client.ts";
import { type Exposition, parseExposition, sampleValue } from "../../src/core/ops/exposition.ts";
import { writeEnrichSettings } from "../enrich/six-enrichments.ts";
import { trafficRecords } from "../enrich/traffic.ts";
import {
  exitAndStderrLines,
  FurrowProcesses,
  lastSequenceNumber,
  localWorkerFlags,
  loggedField,
  onlyLease,
  terminate,
} from "../support/furrow-process.ts";

const REGION = "us-east-1";
const RECORDS = 120;
const STREAMS = { raw: "ops-raw", enriched: "ops-enriched", bad: "ops-bad-1", bad2: "ops-bad-2" };
const BUCKET = "ops-pipeline";

let engines: Engines;
let kinesis: KinesisClient;
let s3: S3Client;
let scratch: string;
let igluConfig: string;
/** The sequence number of the last raw record: where a worker that handled them all checkpoints. */
let lastSequence: string;
/** Raw records on the stream so far. */
let totalRecords = 0;

/** Puts `count` raw records; returns the last one's sequence number. */
async function putRaw(count: number, seed: number): Promise<string> {
  const traffic = trafficRecords(count, { seed });
  const out = await kinesis.send(
    new PutRecordsCommand({
      StreamName: STREAMS.raw,
      Records: traffic.map((t, i) => ({ Data: t.record, PartitionKey: `visitor-${seed}-${i}` })),
    }),
  );
  expect(out.FailedRecordCount ?? 0).toBe(0);
  totalRecords += count;
  lastSequence = lastSequenceNumber(out);
  return lastSequence;
}
const furrow = new FurrowProcesses();

beforeAll(async () => {
  // PostgreSQL is not needed: a given URL means it is not started.
  engines = await startEngines({ databaseUrl: "postgres://unused@127.0.0.1:1/unused" });
  kinesis = kinesisClient({ endpoint: engines.endpoints.kinesis, region: REGION });
  s3 = s3Client({ endpoint: engines.endpoints.s3, region: REGION });
  for (const name of Object.values(STREAMS)) await ensureStream(kinesis, { name, shards: 1 });
  await ensureBucket(s3, BUCKET, REGION);
  scratch = mkdtempSync(join(tmpdir(), "furrow-worker-ops-"));
  igluConfig = writeEnrichSettings(scratch).igluConfig;
}, 60_000);

afterAll(async () => {
  await furrow.killAll();
  kinesis?.destroy();
  s3?.destroy();
  await engines?.stop();
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
});

async function scrape(url: string): Promise<Exposition> {
  const response = await fetch(`${url}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toStartWith("text/plain; version=0.0.4");
  return parseExposition(await response.text());
}

async function health(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${url}/health`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const leaseOf = (table: string) => onlyLease(engines.endpoints.dynamodb, REGION, table);

const common = () => localWorkerFlags(engines.endpoints, REGION);

describe("furrow enrich --ops-port", () => {
  test("health and metrics while consuming; SIGTERM flushes the checkpoint and exits 0", async () => {
    const firstLast = await putRaw(RECORDS, 8);
    const worker = furrow.spawn([
      "enrich",
      "--iglu-config",
      igluConfig,
      "--input-stream",
      STREAMS.raw,
      "--good-stream",
      STREAMS.enriched,
      "--bad-stream",
      STREAMS.bad,
      "--app-name",
      "ops-enrich",
      "--idle-time-between-reads",
      "100",
      // The first batch is checkpointed at once, later ones not before the stop.
      "--debounce-checkpoints",
      "10 minutes",
      ...common(),
    ]);
    const url = await loggedField(worker, "ops-listening", "opsUrl", "the ops server");
    const readAtLeast = async (n: number, checkpoints = 0) => {
      let metrics: Exposition | undefined;
      await pollUntil(
        async () => {
          metrics = await scrape(url);
          return (
            (sampleValue(metrics, "furrow_enrich_records_read_total") ?? 0) >= n &&
            (sampleValue(metrics, "furrow_enrich_checkpoints_total") ?? 0) >= checkpoints
          );
        },
        { what: `${n} raw records read and ${checkpoints} checkpoints written`, timeoutMs: 45_000 },
      );
      return metrics!;
    };
    // A record counts as read once handled; its checkpoint is written just after.
    let m = await readAtLeast(RECORDS, 1);
    expect(sampleValue(m, "furrow_enrich_checkpoints_total")).toBe(1);
    expect((await leaseOf("ops-enrich")).checkpoint.sequenceNumber).toBe(firstLast);

    // A second round: handled, but its checkpoint waits for the debounce, or the stop.
    await putRaw(RECORDS, 9);
    m = await readAtLeast(2 * RECORDS);
    expect(m.types.get("furrow_enrich_records_read_total")).toBe("counter");
    expect(m.types.get("furrow_enrich_batch_duration_seconds")).toBe("histogram");
    expect(sampleValue(m, "furrow_enrich_records_read_total")).toBe(2 * RECORDS);
    const good = sampleValue(m, "furrow_enrich_records_written_total", { output: "good" }) ?? 0;
    const bad = sampleValue(m, "furrow_enrich_records_written_total", { output: "bad" }) ?? 0;
    expect(good).toBeGreaterThan(0);
    expect(good + bad).toBeGreaterThanOrEqual(2 * RECORDS);
    expect(sampleValue(m, "furrow_enrich_leases_held")).toBe(1);
    expect(sampleValue(m, "furrow_enrich_batches_total", { outcome: "ok" })).toBeGreaterThanOrEqual(2);
    expect(sampleValue(m, "furrow_enrich_batches_total", { outcome: "failed" })).toBe(0);
    expect(sampleValue(m, "furrow_enrich_records_failed_total")).toBe(0);
    expect(sampleValue(m, "furrow_enrich_batch_duration_seconds_count")).toBeGreaterThanOrEqual(2);
    const shard = { shard: "shardId-000000000000" };
    expect(sampleValue(m, "furrow_enrich_millis_behind_latest", shard)).toBe(0);
    expect(sampleValue(m, "furrow_enrich_checkpoint_age_seconds", shard)).toBeGreaterThanOrEqual(0);
    expect(sampleValue(m, "furrow_enrich_checkpoints_total")).toBe(1);
    expect(sampleValue(m, "furrow_enrich_sink_healthy", { sink: "good" })).toBe(1);
    expect(sampleValue(m, "furrow_enrich_sink_healthy", { sink: "bad" })).toBe(1);
    expect(sampleValue(m, "furrow_enrich_lease_table_reachable")).toBe(1);
    expect(sampleValue(m, "furrow_enrich_healthy")).toBe(1);
    expect(sampleValue(m, "furrow_enrich_lease_changes_total", { change: "taken" })).toBe(1);
    expect(sampleValue(m, "process_resident_memory_bytes")).toBeGreaterThan(0);
    expect((await leaseOf("ops-enrich")).checkpoint.sequenceNumber).toBe(firstLast);

    const h = await health(url);
    expect(h.status).toBe(200);
    expect(h.body).toMatchObject({ status: "ok", app: "enrich", state: "running" });
    expect(h.body["leasesHeld"]).toEqual(["shardId-000000000000"]);

    const { code, records: logs } = await terminate(worker);
    expect(code).toBe(0);
    expect(logs.every((r) => r["app"] === "enrich")).toBe(true);
    const events = logs.map((r) => r["event"]);
    for (const e of ["ops-listening", "lease-taken", "started", "stopping", "leases-released", "stopped"]) {
      expect(events).toContain(e);
    }
    expect(logs.find((r) => r["event"] === "stopped")).toMatchObject({ level: "info", records: 2 * RECORDS });
    const lease = await leaseOf("ops-enrich");
    expect(lease.checkpoint.sequenceNumber).toBe(lastSequence);
    expect(lease.checkpoint.sequenceNumber).not.toBe(firstLast);
    expect(lease.leaseOwner).toBeNull();
    // The ops server went with the process.
    expect(await fetch(`${url}/health`).catch(() => "refused")).toBe("refused");
  }, 90_000);
});

describe("furrow s3-loader --ops-port", () => {
  test("health and metrics while holding a file; SIGTERM writes it, checkpoints and exits 0", async () => {
    await putRaw(RECORDS, 10);
    const worker = furrow.spawn([
      "s3-loader",
      "--purpose",
      "raw",
      "--input-stream",
      STREAMS.raw,
      "--app-name",
      "ops-s3-raw",
      "--path",
      `s3://${BUCKET}/raw`,
      "--bad-stream",
      STREAMS.bad,
      "--s3-endpoint",
      engines.endpoints.s3,
      // Held until the stop: no limit is reached before it.
      "--time-limit",
      "10 minutes",
      ...common(),
    ]);
    const url = await loggedField(worker, "ops-listening", "opsUrl", "the ops server");
    let metrics: Exposition | undefined;
    await pollUntil(
      async () => {
        metrics = await scrape(url);
        // Set when a batch is delivered; the batch stays unacknowledged while its file is held.
        return (
          sampleValue(metrics, "furrow_s3_loader_millis_behind_latest", { shard: "shardId-000000000000" }) !==
          undefined
        );
      },
      { what: "a batch delivered", timeoutMs: 45_000 },
    );
    const m = metrics!;
    const raw = { purpose: "raw" };
    expect(sampleValue(m, "furrow_s3_loader_leases_held", raw)).toBe(1);
    expect(sampleValue(m, "furrow_s3_loader_records_read_total", raw)).toBe(0);
    expect(sampleValue(m, "furrow_s3_loader_records_written_total", { ...raw, output: "loaded" })).toBe(0);
    expect(sampleValue(m, "furrow_s3_loader_sink_healthy", { ...raw, sink: "s3" })).toBe(1);
    const h = await health(url);
    expect(h.status).toBe(200);
    expect(h.body).toMatchObject({ status: "ok", app: "s3-loader", leasesHeld: ["shardId-000000000000"] });

    const { code, records: logs } = await terminate(worker);
    expect(code).toBe(0);
    expect(logs.every((r) => r["app"] === "s3-loader" && r["purpose"] === "raw")).toBe(true);
    expect(logs.find((r) => r["event"] === "file-written")).toMatchObject({ records: totalRecords });
    expect(logs.find((r) => r["event"] === "stopped")).toMatchObject({ records: totalRecords, files: 1 });
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: "raw/" }));
    expect(listed.Contents ?? []).toHaveLength(1);
    const lease = await leaseOf("ops-s3-raw");
    expect(lease.checkpoint.sequenceNumber).toBe(lastSequence);
    expect(lease.leaseOwner).toBeNull();
  }, 90_000);
});

describe("configuration problems", () => {
  test("every flag problem is listed before anything starts, exit code 2", async () => {
    const worker = furrow.spawn([
      "enrich",
      "--iglu-config",
      igluConfig,
      "--input-stream",
      STREAMS.raw,
      "--ops-port",
      "http",
      "--log-format",
      "xml",
      "--max-records",
      "0",
    ]);
    const { code, lines } = await exitAndStderrLines(worker);
    expect(code).toBe(2);
    expect(lines).toHaveLength(3);
    expect(lines.every((l) => l.startsWith("furrow enrich: "))).toBe(true);
    expect(worker.stderr()).toContain("--ops-port");
    expect(worker.stderr()).toContain("--log-format");
    expect(worker.stderr()).toContain("--max-records");
  }, 30_000);
});
