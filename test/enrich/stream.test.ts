/**
 * @module
 * The long-running enrich app end to end on the local engines (kinesalite and dynalite in this
 * process): raw records put on the raw stream come out as enriched TSV on the enriched stream and
 * bad rows on the bad stream, and once the app stops, its lease table holds a checkpoint at the
 * last raw record it handled.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { fileURLToPath } from "node:url";
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  PutRecordsCommand,
} from "@aws-sdk/client-kinesis";
import { dynamodbClient } from "../../src/adapters/dynamodb/client.ts";
import { DynamoDBLeaseStore } from "../../src/adapters/dynamodb/lease-store.ts";
import { startDynalite } from "../../src/adapters/engines/dynalite.ts";
import { startKinesalite } from "../../src/adapters/engines/kinesalite.ts";
import type { RunningEngine } from "../../src/adapters/engines/running-engine.ts";
import { kinesisClient } from "../../src/adapters/kinesis/client.ts";
import { ensureStream } from "../../src/adapters/kinesis/streams.ts";
import { buildPipeline, type RunningEnrich, startEnrichStream } from "../../src/apps/enrich/main.ts";
import type { CommandIO } from "../../src/cli/command.ts";
import { runCli } from "../../src/cli/main.ts";
import { pixel } from "../../src/core/enrich/test-records.test-support.ts";
import { decodeEnrichedTsv } from "../../src/core/event/tsv.ts";
import { trackerRequests } from "./tracker-requests.ts";

const resolverConfig = fileURLToPath(new URL("../../fixtures/enrich/resolver.json", import.meta.url));
let engines: RunningEngine[] = [];
let kinesis: ReturnType<typeof kinesisClient>;
const names = { raw: "t-raw", enriched: "t-enriched", bad: "t-bad", app: "t-enrich" };
const cliNames = { raw: "c-raw", enriched: "c-enriched", bad: "c-bad", app: "c-enrich" };

beforeAll(async () => {
  engines = await Promise.all([startKinesalite(), startDynalite()]);
  kinesis = kinesisClient({ endpoint: engines[0]!.url, region: "us-east-1" });
  for (const name of [names.raw, names.enriched, names.bad, cliNames.raw, cliNames.enriched, cliNames.bad]) {
    await ensureStream(kinesis, { name, shards: 1 });
  }
}, 30_000);

afterAll(async () => {
  kinesis?.destroy();
  await Promise.all(engines.map((e) => e.stop()));
});

async function readAll(stream: string): Promise<{ data: string; seq: string }[]> {
  const shards = await kinesis.send(new ListShardsCommand({ StreamName: stream }));
  const out: { data: string; seq: string }[] = [];
  for (const shard of shards.Shards ?? []) {
    let iterator = (
      await kinesis.send(
        new GetShardIteratorCommand({
          StreamName: stream,
          ShardId: shard.ShardId,
          ShardIteratorType: "TRIM_HORIZON",
        }),
      )
    ).ShardIterator;
    for (let i = 0; i < 5 && iterator; i++) {
      const page = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      for (const r of page.Records ?? [])
        out.push({ data: new TextDecoder().decode(r.Data), seq: r.SequenceNumber! });
      if ((page.Records ?? []).length === 0) break;
      iterator = page.NextShardIterator;
    }
  }
  return out;
}

describe("furrow enrich --input-stream", () => {
  test("enriches the raw stream into the enriched and bad streams, and checkpoints", async () => {
    const requests = trackerRequests();
    const records = [...requests.map((r) => r.record), pixel({ e: "pv", tid: "not a number" })];
    const put = await kinesis.send(
      new PutRecordsCommand({
        StreamName: names.raw,
        Records: records.map((data, i) => ({ Data: data, PartitionKey: `k${i}` })),
      }),
    );
    expect(put.FailedRecordCount ?? 0).toBe(0);
    const lastSequence = put.Records!.at(-1)!.SequenceNumber!;

    const built = await buildPipeline({ igluConfig: resolverConfig, emitFailed: false });
    if (!built.ok) throw new Error(built.error.join("\n"));
    const endpoint = (i: number) => ({ endpoint: engines[i]!.url, region: "us-east-1" });
    const running: RunningEnrich = await startEnrichStream(built.value, {
      input: { streamName: names.raw, appName: names.app, initialPosition: { type: "TRIM_HORIZON" } },
      output: { good: names.enriched, bad: names.bad },
      kinesis: endpoint(0),
      dynamodb: endpoint(1),
      consumer: {
        leaseDurationMs: 1_000,
        idleTimeBetweenReadsMs: 100,
        checkpointDebounceMs: 200,
        shardSyncIntervalMs: 1_000,
      },
    });
    const expectedGood = requests.reduce((n, r) => n + r.events, 0);
    const deadline = Date.now() + 20_000;
    while (running.totals.records < records.length && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    await running.stop();
    expect(running.totals).toMatchObject({ records: records.length, good: expectedGood, bad: 1 });

    const enriched = await readAll(names.enriched);
    expect(enriched).toHaveLength(expectedGood);
    for (const { data } of enriched) expect(decodeEnrichedTsv(data).ok).toBe(true);
    const bad = await readAll(names.bad);
    expect(bad.map((b) => JSON.parse(b.data).schema)).toEqual([
      "iglu:com.snowplowanalytics.snowplow.badrows/schema_violations/jsonschema/2-0-1",
    ]);

    const dynamodb = dynamodbClient(endpoint(1));
    try {
      const leases = await new DynamoDBLeaseStore(dynamodb, names.app).listLeases();
      expect(leases.map((l) => l.checkpoint)).toEqual([
        expect.objectContaining({ sequenceNumber: lastSequence }),
      ]);
    } finally {
      dynamodb.destroy();
    }
  }, 40_000);

  test("the command runs the app from flags until it is asked to stop", async () => {
    const records = trackerRequests().map((r) => r.record);
    await kinesis.send(
      new PutRecordsCommand({
        StreamName: cliNames.raw,
        Records: records.map((data, i) => ({ Data: data, PartitionKey: `k${i}` })),
      }),
    );
    let stop!: () => void;
    let err = "";
    const io: CommandIO = {
      stdin: new Blob([]).stream(),
      stdout: () => {},
      stderr: (t) => {
        err += t;
      },
      stopped: new Promise<void>((resolve) => {
        stop = resolve;
      }),
    };
    const exit = runCli(
      [
        "enrich",
        "--iglu-config",
        resolverConfig,
        "--input-stream",
        cliNames.raw,
        "--good-stream",
        cliNames.enriched,
        "--bad-stream",
        cliNames.bad,
        "--app-name",
        cliNames.app,
        "--kinesis-endpoint",
        engines[0]!.url,
        "--dynamodb-endpoint",
        engines[1]!.url,
        "--region",
        "us-east-1",
      ],
      io,
    );
    const expected = trackerRequests().reduce((n, r) => n + r.events, 0);
    const deadline = Date.now() + 20_000;
    while ((await readAll(cliNames.enriched)).length < expected && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
    }
    stop();
    expect(await exit).toBe(0);
    expect(await readAll(cliNames.enriched)).toHaveLength(expected);
    expect(err).toContain(`furrow enrich: consuming ${cliNames.raw}`);
    expect(err).toMatch(/stopped after \d+ batches, 9 records: 11 good, 0 bad, 0 failed/);
  }, 40_000);
});
