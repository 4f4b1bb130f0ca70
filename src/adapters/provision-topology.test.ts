/**
 * @module
 * Provisioning against the real local engines: it creates exactly the topology (four ACTIVE
 * streams, KCL lease tables, one bucket), and a second run finds everything and changes nothing.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from "@aws-sdk/client-dynamodb";
import { DescribeStreamSummaryCommand, type KinesisClient } from "@aws-sdk/client-kinesis";
import {
  ListBucketsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { furrowTopology, LEASE_KEY, STREAM_ROLES } from "../core/topology.ts";
import { dynamodbClient } from "./dynamodb/client.ts";
import { listTableNames } from "./dynamodb/lease-table.ts";
import { type Engines, startEngines } from "./engines/launcher.ts";
import { kinesisClient } from "./kinesis/client.ts";
import { listStreamNames } from "./kinesis/streams.ts";
import { provisionTopology } from "./provision-topology.ts";
import { s3Client } from "./s3/client.ts";

const REGION = "eu-west-1";

describe("provisionTopology", () => {
  let engines: Engines;
  let kinesis: KinesisClient;
  let dynamodb: DynamoDBClient;
  let s3: S3Client;
  const topology = furrowTopology({ stage: "test", shards: { raw: 2 } });

  beforeAll(async () => {
    // Postgres is not provisioned: point it elsewhere so PGlite is not started.
    engines = await startEngines({ databaseUrl: "postgres://unused@127.0.0.1:1/none" });
    kinesis = kinesisClient({ endpoint: engines.endpoints.kinesis, region: REGION });
    dynamodb = dynamodbClient({ endpoint: engines.endpoints.dynamodb, region: REGION });
    s3 = s3Client({ endpoint: engines.endpoints.s3, region: REGION });
  });

  afterAll(async () => {
    kinesis.destroy();
    dynamodb.destroy();
    s3.destroy();
    await engines.stop();
  });

  const clients = () => ({ kinesis, dynamodb, s3, region: REGION });

  test("creates exactly the topology's streams, lease tables and bucket", async () => {
    const report = await provisionTopology(topology, clients());
    expect(report.streams.map((s) => [s.name, s.created, s.openShards])).toEqual([
      ["furrow-test-raw-stream", true, 2],
      ["furrow-test-enriched-stream", true, 1],
      ["furrow-test-bad-1-stream", true, 1],
      ["furrow-test-bad-2-stream", true, 1],
    ]);
    expect(report.leaseTables.every((t) => t.created)).toBe(true);
    expect(report.bucket).toEqual({ name: "furrow-test-pipeline", created: true });

    expect((await listStreamNames(kinesis)).sort()).toEqual(
      STREAM_ROLES.map((r) => topology.streams[r].name).sort(),
    );
    for (const role of STREAM_ROLES) {
      const summary = await kinesis.send(
        new DescribeStreamSummaryCommand({ StreamName: topology.streams[role].name }),
      );
      expect(summary.StreamDescriptionSummary?.StreamStatus).toBe("ACTIVE");
    }
    expect((await listTableNames(dynamodb)).sort()).toEqual(topology.leaseTables.map((t) => t.name).sort());
    for (const t of topology.leaseTables) {
      const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: t.name }));
      expect(Table?.TableStatus).toBe("ACTIVE");
      expect(Table?.KeySchema).toEqual([{ AttributeName: LEASE_KEY, KeyType: "HASH" }]);
      expect(Table?.AttributeDefinitions).toEqual([{ AttributeName: LEASE_KEY, AttributeType: "S" }]);
      expect(Table?.BillingModeSummary?.BillingMode).toBe("PAY_PER_REQUEST");
    }
    expect((await s3.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name)).toEqual([
      "furrow-test-pipeline",
    ]);
  });

  test("a second run finds everything and changes nothing: leases and objects survive", async () => {
    const table = topology.leaseTables[0]!.name;
    const lease = {
      leaseKey: { S: "shardId-000000000000" },
      checkpoint: { S: "49590338271490256608559692538361571095921575989136588898" },
    };
    await dynamodb.send(new PutItemCommand({ TableName: table, Item: lease }));
    await s3.send(new PutObjectCommand({ Bucket: topology.bucket.name, Key: "raw/kept.gz", Body: "x" }));
    const before = await kinesis.send(
      new DescribeStreamSummaryCommand({ StreamName: topology.streams.raw.name }),
    );

    const report = await provisionTopology(topology, clients());
    expect([...report.streams, ...report.leaseTables, report.bucket].some((r) => r.created)).toBe(false);
    expect(report.streams[0]?.openShards).toBe(2);

    const after = await kinesis.send(
      new DescribeStreamSummaryCommand({ StreamName: topology.streams.raw.name }),
    );
    expect(after.StreamDescriptionSummary?.StreamCreationTimestamp).toEqual(
      before.StreamDescriptionSummary?.StreamCreationTimestamp,
    );
    expect(
      (await dynamodb.send(new GetItemCommand({ TableName: table, Key: { leaseKey: lease.leaseKey } }))).Item,
    ).toEqual(lease);
    const objects = await s3.send(new ListObjectsV2Command({ Bucket: topology.bucket.name }));
    expect(objects.Contents?.map((o) => o.Key)).toEqual(["raw/kept.gz"]);
    expect((await listStreamNames(kinesis)).length).toBe(4);
    expect((await listTableNames(dynamodb)).length).toBe(topology.leaseTables.length);
  });

  test("other stages' resources sit beside this one's (and listing pages past kinesalite's 10)", async () => {
    for (const stage of ["other", "third"]) {
      const report = await provisionTopology(furrowTopology({ stage }), clients());
      expect(report.streams.every((s) => s.created)).toBe(true);
    }
    expect((await listStreamNames(kinesis)).length).toBe(12);
    expect((await listTableNames(dynamodb)).length).toBe(3 * topology.leaseTables.length);
    expect((await s3.send(new ListBucketsCommand({}))).Buckets?.length).toBe(3);
  });

  test("refuses a table of a lease table's name whose key is not KCL's", async () => {
    const wrong = furrowTopology({ stage: "wrong" });
    await dynamodb.send(
      new CreateTableCommand({
        TableName: wrong.leaseTables[0]!.name,
        AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    await expect(provisionTopology(wrong, clients())).rejects.toThrow(
      `DynamoDB table ${wrong.leaseTables[0]!.name} exists but its key is not KCL's leaseKey (S)`,
    );
  });
});
