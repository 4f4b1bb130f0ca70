/**
 * @module
 * Reads back what the pipeline stored, independently of the apps that wrote it: the bucket's
 * objects under a prefix (gzip files split into their records; raw records Thrift-decoded into
 * collector payloads; Parquet files read with hyparquet), and the consumers' checkpoints next to
 * the last record of each shard (`lastSequenceNumbers` in test/support/kinesis-stream-contents.ts).
 */
import { parquetReadObjects } from "hyparquet";
import { dynamodbClient } from "../../src/adapters/dynamodb/client.ts";
import { DynamoDBLeaseStore } from "../../src/adapters/dynamodb/lease-store.ts";
import { s3Client } from "../../src/adapters/s3/client.ts";
import { S3ObjectStore } from "../../src/adapters/s3/object-store.ts";
import { lineRecord, splitLines } from "../../src/core/loading/framing.ts";
import { gunzip } from "../../src/core/loading/gzip.ts";
import type { LoaderPurpose } from "../../src/core/loading/purpose.ts";
import { type CollectorPayload, decodeCollectorPayload } from "../../src/core/thrift/collector-payload.ts";
import type { StoredObject } from "../../src/ports/object-store.ts";
import { REGION } from "./pipeline-under-test.ts";

const text = new TextDecoder();

/** Every object under `prefix`, listed through ListObjectsV2 (in key order) and fetched. */
export async function storedObjects(
  endpoint: string,
  bucket: string,
  prefix: string,
): Promise<StoredObject[]> {
  const client = s3Client({ endpoint, region: REGION });
  try {
    const store = new S3ObjectStore(client, bucket);
    const keys: string[] = [];
    for await (const o of store.list(prefix)) keys.push(o.key);
    return await Promise.all(
      keys.map(async (key) => {
        const object = await store.get(key);
        if (object === null) throw new Error(`${key} was listed but cannot be read`);
        return object;
      }),
    );
  } finally {
    client.destroy();
  }
}

/** The records of each gzip file, in file order: the record's bytes (raw) or text (others). */
export async function gzipRecords(
  objects: readonly StoredObject[],
  purpose: LoaderPurpose,
): Promise<{ key: string; records: Uint8Array[] }[]> {
  return Promise.all(
    objects.map(async (object) => {
      if (object.contentEncoding !== "gzip") throw new Error(`${object.key} is not gzip`);
      const lines = splitLines(text.decode(await gunzip(object.body)));
      return {
        key: object.key,
        records: lines.map((line) => {
          const record = lineRecord(purpose, line);
          if (!record.ok) throw new Error(`${object.key}: ${record.error}`);
          return record.value;
        }),
      };
    }),
  );
}

/** Text records (enriched TSV lines, bad rows) of every gzip file, all files together. */
export async function textRecords(
  objects: readonly StoredObject[],
  purpose: LoaderPurpose,
): Promise<string[]> {
  return (await gzipRecords(objects, purpose)).flatMap((f) => f.records.map((r) => text.decode(r)));
}

/** Thrift-decodes a raw record. */
export function collectorPayload(record: Uint8Array): CollectorPayload {
  const decoded = decodeCollectorPayload(record);
  if (!decoded.ok) throw new Error(`not a CollectorPayload: ${JSON.stringify(decoded.error)}`);
  return decoded.value;
}

/** The event ids (`eid`) a tracker request carried: in its query string (GET) or tp2 body (POST). */
export function eventIdsOf(payload: CollectorPayload): string[] {
  if (payload.body !== undefined && payload.body !== "") {
    const body = JSON.parse(payload.body) as { data: { eid?: string }[] };
    return body.data.map((event) => event.eid ?? "(none)");
  }
  const eid = new URLSearchParams(payload.querystring ?? "").get("eid");
  return eid === null ? [] : [eid];
}

/** The rows of every Parquet file, read by hyparquet. */
export async function parquetRows(objects: readonly StoredObject[]): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for (const object of objects) {
    const { buffer, byteOffset, byteLength } = object.body;
    const file = buffer.slice(byteOffset, byteOffset + byteLength) as ArrayBuffer;
    rows.push(...(await parquetReadObjects({ file })));
  }
  return rows;
}

/** Each shard's checkpoint in the KCL lease table `table`, for the shards of `shards`. */
export async function checkpointsOf(
  endpoint: string,
  table: string,
  shards: Iterable<string>,
): Promise<Record<string, string | undefined>> {
  const client = dynamodbClient({ endpoint, region: REGION });
  try {
    const leases = await new DynamoDBLeaseStore(client, table).listLeases();
    const byShard = new Map(leases.map((l) => [l.leaseKey, l.checkpoint.sequenceNumber]));
    return Object.fromEntries([...shards].map((shard) => [shard, byShard.get(shard)]));
  } finally {
    client.destroy();
  }
}
