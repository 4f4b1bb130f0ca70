/**
 * @module
 * The S3 loader's cross-component tests run on the real engines, in this process: kinesalite for
 * the streams, dynalite for the lease tables, s3rver for the bucket. This file starts them,
 * provisions a stage, writes records into a stream, and reads back what the loader stored (files
 * gunzipped and split, checkpoints from the lease table).
 */

import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { type KinesisClient, PutRecordsCommand } from "@aws-sdk/client-kinesis";
import type { S3Client } from "@aws-sdk/client-s3";
import { dynamodbClient } from "../../src/adapters/dynamodb/client.ts";
import { DynamoDBLeaseStore } from "../../src/adapters/dynamodb/lease-store.ts";
import { startDynalite } from "../../src/adapters/engines/dynalite.ts";
import { startKinesalite } from "../../src/adapters/engines/kinesalite.ts";
import type { RunningEngine } from "../../src/adapters/engines/running-engine.ts";
import { startS3rver } from "../../src/adapters/engines/s3rver.ts";
import { kinesisClient } from "../../src/adapters/kinesis/client.ts";
import { ensureStream } from "../../src/adapters/kinesis/streams.ts";
import { ensureBucket } from "../../src/adapters/s3/bucket.ts";
import { s3Client } from "../../src/adapters/s3/client.ts";
import { S3ObjectStore } from "../../src/adapters/s3/object-store.ts";
import { defaultS3LoaderConfig, type S3LoaderConfig } from "../../src/apps/s3-loader/config.ts";
import { lineRecord, splitLines } from "../../src/core/loading/framing.ts";
import { gunzip } from "../../src/core/loading/gzip.ts";
import type { LoaderPurpose } from "../../src/core/loading/purpose.ts";
import { furrowTopology, type Topology } from "../../src/core/topology.ts";
import { readStream } from "../support/kinesis-stream-contents.ts";

export const REGION = "us-east-1";

export interface Engines {
  readonly kinesis: RunningEngine;
  readonly dynamodb: RunningEngine;
  readonly s3: RunningEngine;
  readonly kinesisClient: KinesisClient;
  readonly dynamodbClient: DynamoDBClient;
  readonly s3Client: S3Client;
  stop(): Promise<void>;
}

export async function startEngines(): Promise<Engines> {
  const [kinesis, dynamodb, s3] = await Promise.all([startKinesalite(), startDynalite(), startS3rver()]);
  const clients = {
    kinesisClient: kinesisClient({ endpoint: kinesis.url, region: REGION }),
    dynamodbClient: dynamodbClient({ endpoint: dynamodb.url, region: REGION }),
    s3Client: s3Client({ endpoint: s3.url, region: REGION }),
  };
  return {
    kinesis,
    dynamodb,
    s3,
    ...clients,
    async stop() {
      clients.kinesisClient.destroy();
      clients.dynamodbClient.destroy();
      clients.s3Client.destroy();
      await Promise.all([kinesis.stop(), dynamodb.stop(), s3.stop()]);
    },
  };
}

/** Creates the stage's streams (with `shards` each) and its bucket. */
export async function provisionStage(engines: Engines, stage: string, shards = 2): Promise<Topology> {
  const topology = furrowTopology({ stage });
  for (const stream of Object.values(topology.streams)) {
    await ensureStream(engines.kinesisClient, { name: stream.name, shards });
  }
  await ensureBucket(engines.s3Client, topology.bucket.name, REGION);
  return topology;
}

/**
 * The loader of `purpose` on these engines, writing as soon as a batch has waited 300 ms, with
 * any settings of the test on top.
 */
export function loaderConfig(
  engines: Engines,
  topology: Topology,
  purpose: LoaderPurpose,
  overrides: {
    output?: Partial<S3LoaderConfig["output"]>;
    buffer?: Partial<S3LoaderConfig["buffer"]>;
    s3Endpoint?: string;
  } = {},
): S3LoaderConfig {
  const base = defaultS3LoaderConfig(purpose, topology, REGION);
  return {
    ...base,
    input: { ...base.input, kinesisEndpoint: engines.kinesis.url, dynamodbEndpoint: engines.dynamodb.url },
    output: { ...base.output, s3Endpoint: overrides.s3Endpoint ?? engines.s3.url, ...overrides.output },
    buffer: { ...base.buffer, timeLimitMs: 300, ...overrides.buffer },
  };
}

/** Writes `records` with PutRecords (random partition keys, spread over the shards), retrying refusals. */
export async function putRecords(
  client: KinesisClient,
  stream: string,
  records: readonly Uint8Array[],
): Promise<void> {
  for (let i = 0; i < records.length; i += 500) {
    let entries = records
      .slice(i, i + 500)
      .map((data) => ({ Data: data, PartitionKey: crypto.randomUUID() }));
    while (entries.length > 0) {
      const out = await client.send(new PutRecordsCommand({ StreamName: stream, Records: entries }));
      entries = entries.filter((_, j) => out.Records?.[j]?.ErrorCode);
    }
  }
}

/** Every record of every shard of `stream`, from the start. */
export { readStream };

const text = new TextDecoder();

/** The stored objects under `prefix`, straight from the engine (not through any proxy), by key. */
export async function storedObjects(engines: Engines, bucket: string, prefix: string) {
  const store = new S3ObjectStore(engines.s3Client, bucket);
  const keys: string[] = [];
  for await (const o of store.list(prefix)) keys.push(o.key);
  keys.sort();
  return Promise.all(
    keys.map(async (key) => {
      const object = await store.get(key);
      if (object === null) throw new Error(`${key} vanished`);
      return object;
    }),
  );
}

/** The records of every gzip file under `prefix`: file key → records as text (raw: base64 lines decoded). */
export async function storedRecords(
  engines: Engines,
  bucket: string,
  prefix: string,
  purpose: LoaderPurpose,
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const object of await storedObjects(engines, bucket, prefix)) {
    if (!object.key.endsWith(".gz")) continue;
    const lines = splitLines(text.decode(await gunzip(object.body)));
    out.set(
      object.key,
      lines.map((line) => {
        const record = lineRecord(purpose, line);
        if (!record.ok) throw new Error(`${object.key}: ${record.error}`);
        return purpose === "raw" ? Buffer.from(record.value).toString("hex") : text.decode(record.value);
      }),
    );
  }
  return out;
}

/** The checkpoint of every shard in the loader's lease table. */
export async function checkpoints(engines: Engines, table: string): Promise<Record<string, string>> {
  const leases = await new DynamoDBLeaseStore(engines.dynamodbClient, table).listLeases();
  return Object.fromEntries(leases.map((l) => [l.leaseKey, l.checkpoint.sequenceNumber]));
}

/** Polls `check` every 50 ms until it holds; fails with `what` after `timeoutMs`. */
export async function waitFor(
  check: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(50);
  }
}

/** Counts of each value, to compare collections where order does not matter but duplicates do. */
export function counts(values: Iterable<string>): Map<string, number> {
  const out = new Map<string, number>();
  for (const v of values) out.set(v, (out.get(v) ?? 0) + 1);
  return out;
}
