/**
 * @module
 * Creates a stage's resources from its topology on whichever endpoints the clients point at (local
 * engines or AWS): the four streams (waiting until ACTIVE), one KCL lease table per consumer, and
 * the bucket. Idempotent: what exists is left as it is, so a second run changes nothing and the
 * report says nothing was created. The Postgres database is not created here: locally it is
 * PGlite's one database or the one named by the given URL, and the loaders create their tables.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { KinesisClient } from "@aws-sdk/client-kinesis";
import type { S3Client } from "@aws-sdk/client-s3";
import { STREAM_ROLES, type Topology } from "../core/topology.ts";
import { type EnsuredLeaseTable, ensureLeaseTable } from "./dynamodb/lease-table.ts";
import { type EnsuredStream, ensureStream } from "./kinesis/streams.ts";
import { type EnsuredBucket, ensureBucket } from "./s3/bucket.ts";

export interface ProvisionClients {
  readonly kinesis: KinesisClient;
  readonly dynamodb: DynamoDBClient;
  readonly s3: S3Client;
  /** The region buckets are created in. */
  readonly region: string;
}

export interface ProvisionReport {
  /** In `STREAM_ROLES` order. */
  readonly streams: readonly EnsuredStream[];
  /** In the topology's `leaseTables` order. */
  readonly leaseTables: readonly EnsuredLeaseTable[];
  readonly bucket: EnsuredBucket;
}

/** Ensures every resource of `topology` exists; the three services are provisioned concurrently. */
export async function provisionTopology(
  topology: Topology,
  clients: ProvisionClients,
  options: { readonly timeoutMs?: number } = {},
): Promise<ProvisionReport> {
  const [streams, leaseTables, bucket] = await Promise.all([
    Promise.all(STREAM_ROLES.map((r) => ensureStream(clients.kinesis, topology.streams[r], options))),
    Promise.all(topology.leaseTables.map((t) => ensureLeaseTable(clients.dynamodb, t.name, options))),
    ensureBucket(clients.s3, topology.bucket.name, clients.region),
  ]);
  return { streams, leaseTables, bucket };
}
