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
import { fileURLToPath } from "node:url";
import { type KinesisClient, PutRecordsCommand } from "@aws-sdk/client-kinesis";
import type { Subprocess } from "bun";
import { dynamodbClient } from "../../src/adapters/dynamodb/client.ts";
import { DynamoDBLeaseStore } from "../../src/adapters/dynamodb/lease-store.ts";
import { type Engines, startEngines } from "../../src/adapters/engines/launcher.ts";
import { kinesisClient } from "../../src/adapters/kinesis/client.ts";
import { ensureStream } from "../../src/adapters/kinesis/streams.ts";
import { pollUntil } from "../../src/adapters/poll-until.ts";
import { parseExposition, sampleValue } from "../../src/core/ops/exposition.ts";
import { FIXTURE_REGISTRY, pageViewLines } from "../postgres-loader/fixtures.ts";

const REGION = "us-east-1";
const EVENTS = 150;
const STREAMS = { enriched: "pgo-enriched", bad: "pgo-bad-1" };
const APP = "pgo-postgres-loader";
const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

let engines: Engines;
let kinesis: KinesisClient;
let scratch: string;
let igluConfig: string;
let child: Subprocess<"ignore", "ignore", "pipe"> | undefined;

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
  child?.kill("SIGKILL");
  await child?.exited;
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
    const last = put
      .Records!.map((r) => BigInt(r.SequenceNumber!))
      .sort((a, b) => Number(a - b))
      .at(-1)!
      .toString();

    child = Bun.spawn(
      [
        process.execPath,
        "src/cli/main.ts",
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
        "--kinesis-endpoint",
        engines.endpoints.kinesis,
        "--dynamodb-endpoint",
        engines.endpoints.dynamodb,
        "--region",
        REGION,
        "--ops-port",
        "0",
        "--ops-host",
        "127.0.0.1",
        "--log-format",
        "json",
      ],
      { cwd: repoRoot, stdin: "ignore", stdout: "ignore", stderr: "pipe" },
    );
    const proc = child;
    let text = "";
    const drained = (async () => {
      for await (const chunk of proc.stderr.pipeThrough(new TextDecoderStream())) text += chunk;
    })();
    const records = () =>
      text
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => {
          try {
            return JSON.parse(l) as Record<string, unknown>;
          } catch {
            throw new Error(`not a JSON log line: ${l}`);
          }
        });

    let url: string | undefined;
    await pollUntil(
      async () => {
        if (proc.exitCode !== null) throw new Error(`the loader exited:\n${text}`);
        url = records().find((r) => r["event"] === "ops-listening")?.["opsUrl"] as string | undefined;
        return url !== undefined;
      },
      { what: "the ops server", timeoutMs: 45_000 },
    );
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

    proc.kill("SIGTERM");
    expect(await proc.exited).toBe(0);
    await drained;
    const logs = records();
    expect(logs.every((r) => r["app"] === "postgres-loader" && typeof r["ts"] === "string")).toBe(true);
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
