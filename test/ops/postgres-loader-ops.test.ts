/**
 * @module
 * Operations of `furrow postgres-loader` as a child process against kinesalite, dynalite and
 * embedded PGlite (started here): `/health` and `/metrics` on `--ops-port 0`, JSON log records,
 * and SIGTERM ending in exit 0 with the last batch's checkpoint in the lease table and the lease
 * released.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type KinesisClient, PutRecordsCommand } from "@aws-sdk/client-kinesis";
import { dynamodbClient } from "../../src/adapters/dynamodb/client.ts";
import { DynamoDBLeaseStore } from "../../src/adapters/dynamodb/lease-store.ts";
import { type Engines, startEngines } from "../../src/adapters/engines/launcher.ts";
import { kinesisClient } from "../../src/adapters/kinesis/client.ts";
import { ensureStream } from "../../src/adapters/kinesis/streams.ts";
import { pollUntil } from "../../src/adapters/poll-until.ts";
import { parseExposition, sampleValue } from "../../src/core/ops/exposition.ts";
import { FIXTURE_REGISTRY, pageViewLines } from "../postgres-loader/fixtures.ts";
import {
  FurrowProcesses,
  lastSequenceNumber,
  localWorkerFlags,
  loggedField,
  terminate,
} from "../support/furrow-process.ts";

const REGION = "us-east-1";
const EVENTS = 150;
const STREAMS = { enriched: "pgo-enriched", bad: "pgo-bad-1" };
const APP = "pgo-postgres-loader";

let engines: Engines;
let kinesis: KinesisClient;
let scratch: string;
let igluConfig: string;
const furrow = new FurrowProcesses();

beforeAll(async () => {
  engines = await startEngines({ s3Endpoint: "http://127.0.0.1:1" });
  kinesis = kinesisClient({ endpoint: engines.endpoints.kinesis, region: REGION });
  for (const name of Object.values(STREAMS)) await ensureStream(kinesis, { name, shards: 1 });
  scratch = mkdtempSync(join(tmpdir(), "furrow-pg-ops-"));
  igluConfig = join(scratch, "resolver.json");
  writeFileSync(
    igluConfig,
    JSON.stringify({
      schema: "iglu:com.snowplowanalytics.iglu/resolver-config/jsonschema/1-0-3",
      data: {
        cacheSize: 500,
        cacheTtl: 600,
        repositories: [
          {
            name: "Furrow examples",
            priority: 0,
            vendorPrefixes: ["com.furrow"],
            connection: { embedded: { path: FIXTURE_REGISTRY } },
          },
        ],
      },
    }),
  );
}, 60_000);

afterAll(async () => {
  await furrow.killAll();
  kinesis?.destroy();
  await engines?.stop();
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
});

describe("furrow postgres-loader --ops-port", () => {
  test("health and metrics while loading; SIGTERM checkpoints, releases and exits 0", async () => {
    const encoder = new TextEncoder();
    const put = await kinesis.send(
      new PutRecordsCommand({
        StreamName: STREAMS.enriched,
        Records: pageViewLines(EVENTS, 77).map((line, i) => ({
          Data: encoder.encode(line),
          PartitionKey: `p${i}`,
        })),
      }),
    );
    expect(put.FailedRecordCount ?? 0).toBe(0);
    const last = lastSequenceNumber(put);

    const loader = furrow.spawn([
      "postgres-loader",
      "--database-url",
      engines.endpoints.postgresUrl,
      "--iglu-config",
      igluConfig,
      "--stream",
      STREAMS.enriched,
      "--failures-stream",
      STREAMS.bad,
      "--app-name",
      APP,
      ...localWorkerFlags(engines.endpoints, REGION),
    ]);
    const url = await loggedField(loader, "ops-listening", "opsUrl", "the ops server");
    const labels = { purpose: "enriched" };
    let scrape = parseExposition("");
    await pollUntil(
      async () => {
        scrape = parseExposition(await (await fetch(`${url}/metrics`)).text());
        return (sampleValue(scrape, "furrow_postgres_loader_records_read_total", labels) ?? 0) >= EVENTS;
      },
      { what: "every event loaded", timeoutMs: 45_000 },
    );
    expect(sampleValue(scrape, "furrow_postgres_loader_records_read_total", labels)).toBe(EVENTS);
    expect(
      sampleValue(scrape, "furrow_postgres_loader_records_written_total", { ...labels, output: "loaded" }),
    ).toBe(EVENTS);
    expect(sampleValue(scrape, "furrow_postgres_loader_leases_held", labels)).toBe(1);
    expect(
      sampleValue(scrape, "furrow_postgres_loader_batch_duration_seconds_count", labels),
    ).toBeGreaterThan(0);
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "ok", app: "postgres-loader" });

    const { code, records: logs } = await terminate(loader);
    expect(code).toBe(0);
    expect(logs.every((r) => r["app"] === "postgres-loader")).toBe(true);
    expect(logs.find((r) => r["event"] === "stopped")).toMatchObject({ loaded: EVENTS, purpose: "enriched" });
    const client = dynamodbClient({ endpoint: engines.endpoints.dynamodb, region: REGION });
    try {
      const [lease] = await new DynamoDBLeaseStore(client, APP).listLeases();
      expect(lease?.checkpoint.sequenceNumber).toBe(last);
      expect(lease?.leaseOwner).toBeNull();
    } finally {
      client.destroy();
    }
  }, 120_000);
});
