/**
 * @module
 * The long-running loader end to end on the local engines (kinesalite and dynalite in this process,
 * PGlite behind its socket): enriched TSV put on a two-shard enriched stream, duplicates included,
 * ends up in Postgres once each; the lines that are not events become bad rows on the failures
 * stream; and once the loader stops, each shard's lease is checkpointed at its last record.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { PutRecordsCommand } from "@aws-sdk/client-kinesis";
import { dynamodbClient } from "../../src/adapters/dynamodb/client.ts";
import { DynamoDBLeaseStore } from "../../src/adapters/dynamodb/lease-store.ts";
import { startDynalite } from "../../src/adapters/engines/dynalite.ts";
import { startKinesalite } from "../../src/adapters/engines/kinesalite.ts";
import { startPglite } from "../../src/adapters/engines/pglite.ts";
import type { RunningEngine } from "../../src/adapters/engines/running-engine.ts";
import { kinesisClient } from "../../src/adapters/kinesis/client.ts";
import { ensureStream } from "../../src/adapters/kinesis/streams.ts";
import { postgresLoaderConfig } from "../../src/apps/postgres-loader/config.ts";
import { LoaderDatabase } from "../../src/apps/postgres-loader/database.ts";
import { buildLoader, startPostgresLoaderStream } from "../../src/apps/postgres-loader/main.ts";
import { readStreamText } from "../support/kinesis-stream-contents.ts";
import { fixtureResolver, pageViewLines } from "./fixtures.ts";
import { counts } from "./loader-suite.ts";

const names = { enriched: "pgl-enriched", failures: "pgl-bad-1", app: "pgl-postgres-loader" };
let engines: RunningEngine[] = [];
let kinesis: ReturnType<typeof kinesisClient>;

beforeAll(async () => {
  engines = await Promise.all([startKinesalite(), startDynalite(), startPglite()]);
  kinesis = kinesisClient({ endpoint: engines[0]!.url, region: "us-east-1" });
  await ensureStream(kinesis, { name: names.enriched, shards: 2 });
  await ensureStream(kinesis, { name: names.failures, shards: 1 });
}, 60_000);

afterAll(async () => {
  kinesis?.destroy();
  await Promise.all(engines.map((e) => e.stop()));
});

test("loads the enriched stream into Postgres once each, bad rows to the failures stream, and checkpoints", async () => {
  const lines = pageViewLines(400, 51);
  // At-least-once: 40 events are on the stream twice.
  const records = [...lines, "not an event", ...lines.slice(100, 140), "neither\tis\tthis"];
  const encoder = new TextEncoder();
  const lastSequence = new Map<string, string>();
  for (let at = 0; at < records.length; at += 200) {
    const put = await kinesis.send(
      new PutRecordsCommand({
        StreamName: names.enriched,
        Records: records
          .slice(at, at + 200)
          .map((line, i) => ({ Data: encoder.encode(line), PartitionKey: `k${at + i}` })),
      }),
    );
    expect(put.FailedRecordCount ?? 0).toBe(0);
    for (const r of put.Records ?? []) lastSequence.set(r.ShardId!, r.SequenceNumber!);
  }

  const config = postgresLoaderConfig({
    databaseUrl: engines[2]!.url,
    igluConfig: "unused: the resolver is given",
    stream: names.enriched,
    appName: names.app,
    failuresStream: names.failures,
    kinesisEndpoint: engines[0]!.url,
    dynamodbEndpoint: engines[1]!.url,
  });
  if (!config.ok) throw new Error(config.error.join("; "));
  const built = await buildLoader(config.value, { resolver: fixtureResolver() });
  const running = await startPostgresLoaderStream(built, config.value, {
    consumer: {
      leaseDurationMs: 1_000,
      idleTimeBetweenReadsMs: 100,
      checkpointDebounceMs: 200,
      shardSyncIntervalMs: 1_000,
    },
  });
  const deadline = Date.now() + 30_000;
  while (running.totals.records < records.length && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 100));
  await running.stop();
  expect(running.totals).toMatchObject({ records: records.length, loaded: 400, duplicates: 40, bad: 2 });

  const failures = await readStreamText(kinesis, names.failures);
  expect(failures.map((f) => JSON.parse(f).schema)).toEqual([
    "iglu:com.snowplowanalytics.snowplow.badrows/loader_parsing_error/jsonschema/2-0-0",
    "iglu:com.snowplowanalytics.snowplow.badrows/loader_parsing_error/jsonschema/2-0-0",
  ]);

  const db = await LoaderDatabase.connect({ url: engines[2]!.url, embedded: true });
  try {
    expect(await counts(db, "atomic")).toEqual({
      events: 400,
      keys: 400,
      pages: 400,
      products: 400,
      orphans: 0,
    });
  } finally {
    await db.close();
  }

  const dynamodb = dynamodbClient({ endpoint: engines[1]!.url, region: "us-east-1" });
  try {
    const leases = await new DynamoDBLeaseStore(dynamodb, names.app).listLeases();
    const checkpoints = new Map(leases.map((l) => [l.leaseKey, l.checkpoint]));
    for (const [shard, sequenceNumber] of lastSequence) {
      expect(checkpoints.get(shard)).toEqual(expect.objectContaining({ sequenceNumber }));
    }
  } finally {
    dynamodb.destroy();
  }
}, 60_000);
