/**
 * @module
 * The DynamoDB lease store on dynalite: the conformance suite, then the item layout itself, which is
 * what makes a table shareable with KCL applications. The raw items below are what KCL 2.x's
 * `DynamoDBLeaseSerializer` writes (and KCL 3.x, with `entityType`).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type AttributeValue, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { describeLeaseStore, leaseFixture } from "../../ports/lease-store.conformance.ts";
import { startDynalite } from "../engines/dynalite.ts";
import type { RunningEngine } from "../engines/running-engine.ts";
import { dynamodbClient } from "./client.ts";
import { DynamoDBLeaseStore, leaseFromItem, leaseToItem } from "./lease-store.ts";
import { ensureLeaseTable } from "./lease-table.ts";

let engine: RunningEngine;
let tables = 0;

beforeAll(async () => {
  engine = await startDynalite();
});
afterAll(async () => {
  await engine.stop();
});

async function openStore() {
  const client = dynamodbClient({ endpoint: engine.url, region: "us-east-1" });
  const table = `leases-${++tables}`;
  await ensureLeaseTable(client, table);
  return { client, store: new DynamoDBLeaseStore(client, table), table };
}

describeLeaseStore("DynamoDB (dynalite)", async () => {
  const { client, store } = await openStore();
  return { store, close: async () => client.destroy() };
});

describe("DynamoDB lease items are KCL's", () => {
  const kclItem: Record<string, AttributeValue> = {
    leaseKey: { S: "shardId-000000000003" },
    leaseOwner: { S: "ip-10-0-0-1.ec2.internal:1c2d1e3f-0000-4000-8000-000000000000" },
    leaseCounter: { N: "42" },
    ownerSwitchesSinceCheckpoint: { N: "1" },
    checkpoint: { S: "49590338271490256608559692538361571095921575989136588898" },
    checkpointSubSequenceNumber: { N: "0" },
    parentShardId: { SS: ["shardId-000000000001"] },
    startingHashKey: { S: "170141183460469231731687303715884105728" },
    endingHashKey: { S: "340282366920938463463374607431768211455" },
  };

  test("a KCL item reads as a lease, and writes back as the same item", () => {
    const lease = leaseFromItem(kclItem);
    expect(lease).toEqual({
      leaseKey: "shardId-000000000003",
      leaseOwner: "ip-10-0-0-1.ec2.internal:1c2d1e3f-0000-4000-8000-000000000000",
      leaseCounter: 42,
      checkpoint: {
        sequenceNumber: "49590338271490256608559692538361571095921575989136588898",
        subSequenceNumber: 0,
      },
      pendingCheckpoint: null,
      pendingCheckpointState: null,
      ownerSwitchesSinceCheckpoint: 1,
      parentShardIds: ["shardId-000000000001"],
      childShardIds: [],
      hashKeyRange: {
        startingHashKey: "170141183460469231731687303715884105728",
        endingHashKey: "340282366920938463463374607431768211455",
      },
    });
    expect(lease && leaseToItem(lease)).toEqual(kclItem);
  });

  test("KCL 3.x items: LEASE entities read, other entities are skipped", () => {
    expect(
      leaseFromItem({ ...kclItem, entityType: { S: "LEASE" }, throughputKBps: { N: "1.5" } })?.leaseCounter,
    ).toBe(42);
    expect(leaseFromItem({ leaseKey: { S: "worker-x" }, entityType: { S: "WORKER_METRICS" } })).toBeNull();
  });

  test("writes keep KCL's attribute types and leave attributes they do not own", async () => {
    const { client, store, table } = await openStore();
    try {
      await client.send(
        new PutItemCommand({ TableName: table, Item: { ...kclItem, throughputKBps: { N: "12.5" } } }),
      );
      const [lease] = await store.listLeases();
      if (!lease) throw new Error("no lease listed");
      const stolen = await store.takeLease(lease, "furrow-worker");
      if (!stolen.ok) throw new Error("take failed");
      const done = await store.checkpointLease(stolen.value, {
        sequenceNumber: "SHARD_END",
        subSequenceNumber: 0,
      });
      if (!done.ok) throw new Error("checkpoint failed");
      await store.recordChildShards(lease.leaseKey, ["shardId-000000000005", "shardId-000000000006"]);
      const raw = (
        await client.send(
          new GetItemCommand({ TableName: table, Key: { leaseKey: kclItem.leaseKey as AttributeValue } }),
        )
      ).Item;
      expect(raw).toEqual({
        ...kclItem,
        leaseOwner: { S: "furrow-worker" },
        leaseCounter: { N: "44" },
        ownerSwitchesSinceCheckpoint: { N: "0" },
        checkpoint: { S: "SHARD_END" },
        childShardIds: { SS: expect.arrayContaining(["shardId-000000000005", "shardId-000000000006"]) },
        throughputKBps: { N: "12.5" },
      });
      const evicted = await store.evictLease(done.value);
      expect(evicted.ok).toBe(true);
      const after = (
        await client.send(
          new GetItemCommand({ TableName: table, Key: { leaseKey: kclItem.leaseKey as AttributeValue } }),
        )
      ).Item;
      expect(after?.leaseOwner).toBeUndefined();
      expect(after?.leaseCounter).toEqual({ N: "45" });
    } finally {
      client.destroy();
    }
  });

  test("a new lease is written as KCL writes one: no owner, counter 0, no empty sets", () => {
    expect(leaseToItem(leaseFixture("shardId-000000000000"))).toEqual({
      leaseKey: { S: "shardId-000000000000" },
      leaseCounter: { N: "0" },
      ownerSwitchesSinceCheckpoint: { N: "0" },
      checkpoint: { S: "TRIM_HORIZON" },
      checkpointSubSequenceNumber: { N: "0" },
    });
  });
});
