/**
 * @module
 * The lease store on DynamoDB, in KCL's table layout (create it with `ensureLeaseTable`). Items are
 * what amazon-kinesis-client's `DynamoDBLeaseSerializer` writes, attribute for attribute:
 *
 * | attribute | type | |
 * |---|---|---|
 * | `leaseKey` | S | hash key: the shard id |
 * | `leaseOwner` | S | absent when unowned |
 * | `leaseCounter`, `ownerSwitchesSinceCheckpoint`, `checkpointSubSequenceNumber` | N | |
 * | `checkpoint` | S | sequence number, or TRIM_HORIZON / LATEST / AT_TIMESTAMP / SHARD_END |
 * | `pendingCheckpoint` S, `pendingCheckpointSubSequenceNumber` N, `pendingCheckpointState` B | | two-phase checkpoints; kept, cleared by a checkpoint |
 * | `parentShardId`, `childShardIds` | SS | absent when empty (DynamoDB has no empty sets) |
 * | `startingHashKey`, `endingHashKey` | S | decimal |
 *
 * Writes are UpdateItems that touch only these attributes, so attributes KCL 3.x adds
 * (`throughputKBps`, `checkpointOwner`, `entityType`) survive them. Items of another `entityType`
 * than LEASE (KCL 3.x) are not leases and are skipped.
 *
 * Conditions are KCL's (`DynamoDBLeaseRefresher`): create expects no item; renew, take and
 * checkpoint expect the counter; evict expects the owner (and, stricter than KCL, the counter);
 * delete expects the counter (KCL deletes unconditionally). When a renewal, take or checkpoint
 * reports a failed condition, the item is read back: if it shows that very write (the SDK retried a
 * request that had succeeded), the write succeeded (KCL does the same for renewals).
 */
import {
  type AttributeValue,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import type { Result } from "../../core/result.ts";
import {
  type Checkpoint,
  type Lease,
  type LeaseLost,
  type LeaseStore,
  type LeaseWrite,
  leaseLost,
} from "../../ports/lease-store.ts";

type Item = Record<string, AttributeValue>;

const S = (value: string): AttributeValue => ({ S: value });
const N = (value: number): AttributeValue => ({ N: String(value) });

const str = (item: Item, name: string): string | null => item[name]?.S ?? null;
const num = (item: Item, name: string): number => {
  const n = item[name]?.N;
  return n === undefined ? 0 : Number(n);
};

/** The DynamoDB item KCL would write for `lease`. */
export function leaseToItem(lease: Lease): Item {
  const item: Item = {
    leaseKey: S(lease.leaseKey),
    leaseCounter: N(lease.leaseCounter),
    ownerSwitchesSinceCheckpoint: N(lease.ownerSwitchesSinceCheckpoint),
    checkpoint: S(lease.checkpoint.sequenceNumber),
    checkpointSubSequenceNumber: N(lease.checkpoint.subSequenceNumber),
  };
  if (lease.leaseOwner !== null) item.leaseOwner = S(lease.leaseOwner);
  if (lease.parentShardIds.length > 0) item.parentShardId = { SS: [...new Set(lease.parentShardIds)] };
  if (lease.childShardIds.length > 0) item.childShardIds = { SS: [...new Set(lease.childShardIds)] };
  if (lease.pendingCheckpoint !== null && lease.pendingCheckpoint.sequenceNumber !== "") {
    item.pendingCheckpoint = S(lease.pendingCheckpoint.sequenceNumber);
    item.pendingCheckpointSubSequenceNumber = N(lease.pendingCheckpoint.subSequenceNumber);
  }
  if (lease.pendingCheckpointState !== null)
    item.pendingCheckpointState = { B: lease.pendingCheckpointState };
  if (lease.hashKeyRange !== null) {
    item.startingHashKey = S(lease.hashKeyRange.startingHashKey);
    item.endingHashKey = S(lease.hashKeyRange.endingHashKey);
  }
  return item;
}

/** The lease in a KCL item, or null for an item that is not a lease (KCL 3.x `entityType`). */
export function leaseFromItem(item: Item): Lease | null {
  const entityType = str(item, "entityType");
  const leaseKey = str(item, "leaseKey");
  if ((entityType !== null && entityType !== "LEASE") || leaseKey === null) return null;
  const pending = str(item, "pendingCheckpoint");
  const start = str(item, "startingHashKey");
  const end = str(item, "endingHashKey");
  return {
    leaseKey,
    leaseOwner: str(item, "leaseOwner"),
    leaseCounter: num(item, "leaseCounter"),
    checkpoint: {
      // KCL reads a missing checkpoint as null; a lease always has one once created.
      sequenceNumber: str(item, "checkpoint") ?? "TRIM_HORIZON",
      subSequenceNumber: num(item, "checkpointSubSequenceNumber"),
    },
    pendingCheckpoint:
      pending === null || pending === ""
        ? null
        : { sequenceNumber: pending, subSequenceNumber: num(item, "pendingCheckpointSubSequenceNumber") },
    pendingCheckpointState: item.pendingCheckpointState?.B ?? null,
    ownerSwitchesSinceCheckpoint: num(item, "ownerSwitchesSinceCheckpoint"),
    parentShardIds: item.parentShardId?.SS ?? [],
    childShardIds: item.childShardIds?.SS ?? [],
    hashKeyRange: start && end ? { startingHashKey: start, endingHashKey: end } : null,
  };
}

const conditionFailed = (e: unknown): boolean =>
  e instanceof Error && e.name === "ConditionalCheckFailedException";

/** One conditional UpdateItem, as expression parts. */
interface Update {
  readonly set: Readonly<Record<string, AttributeValue>>;
  readonly add?: Readonly<Record<string, AttributeValue>>;
  readonly remove?: readonly string[];
  /** Attribute = value conditions, joined with AND. */
  readonly expect: Readonly<Record<string, AttributeValue>>;
}

export class DynamoDBLeaseStore implements LeaseStore {
  constructor(
    private readonly client: DynamoDBClient,
    /** The lease table; KCL names it after the application. */
    readonly tableName: string,
  ) {}

  async listLeases(): Promise<Lease[]> {
    const leases: Lease[] = [];
    let start: Item | undefined;
    do {
      const out = await this.client.send(
        new ScanCommand({ TableName: this.tableName, ConsistentRead: true, ExclusiveStartKey: start }),
      );
      for (const item of out.Items ?? []) {
        const lease = leaseFromItem(item);
        if (lease) leases.push(lease);
      }
      start = out.LastEvaluatedKey;
    } while (start !== undefined);
    return leases;
  }

  async getLease(leaseKey: string): Promise<Lease | null> {
    const out = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: { leaseKey: S(leaseKey) }, ConsistentRead: true }),
    );
    return out.Item ? leaseFromItem(out.Item) : null;
  }

  async createLeaseIfNotExists(lease: Lease): Promise<boolean> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: leaseToItem(lease),
          ConditionExpression: "attribute_not_exists(#k)",
          ExpressionAttributeNames: { "#k": "leaseKey" },
        }),
      );
      return true;
    } catch (e) {
      if (conditionFailed(e)) return false;
      throw e;
    }
  }

  /**
   * Runs `update` on `leaseKey`. On a failed condition, `ours` decides from a fresh read whether
   * the item already shows this very write (a retried request that had succeeded).
   */
  async #update(leaseKey: string, update: Update, ours: (now: Lease) => boolean): Promise<LeaseWrite> {
    const names: Record<string, string> = {};
    const values: Record<string, AttributeValue> = {};
    let n = 0;
    const name = (attr: string): string => {
      const alias = `#a${n++}`;
      names[alias] = attr;
      return alias;
    };
    const value = (v: AttributeValue): string => {
      const alias = `:v${n++}`;
      values[alias] = v;
      return alias;
    };
    const sets = Object.entries(update.set).map(([a, v]) => `${name(a)} = ${value(v)}`);
    const adds = Object.entries(update.add ?? {}).map(([a, v]) => `${name(a)} ${value(v)}`);
    const removes = (update.remove ?? []).map(name);
    const conditions = Object.entries(update.expect).map(([a, v]) => `${name(a)} = ${value(v)}`);
    const expression = [
      sets.length > 0 ? `SET ${sets.join(", ")}` : "",
      adds.length > 0 ? `ADD ${adds.join(", ")}` : "",
      removes.length > 0 ? `REMOVE ${removes.join(", ")}` : "",
    ]
      .filter((part) => part !== "")
      .join(" ");
    try {
      const out = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { leaseKey: S(leaseKey) },
          UpdateExpression: expression,
          ConditionExpression: conditions.join(" AND "),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: "ALL_NEW",
        }),
      );
      const lease = out.Attributes ? leaseFromItem(out.Attributes) : null;
      return lease ? { ok: true, value: lease } : leaseLost(leaseKey);
    } catch (e) {
      if (!conditionFailed(e)) throw e;
      const now = await this.getLease(leaseKey);
      return now !== null && ours(now) ? { ok: true, value: now } : leaseLost(leaseKey);
    }
  }

  renewLease(lease: Lease): Promise<LeaseWrite> {
    return this.#update(
      lease.leaseKey,
      { set: { leaseCounter: N(lease.leaseCounter + 1) }, expect: { leaseCounter: N(lease.leaseCounter) } },
      (now) => now.leaseOwner === lease.leaseOwner && now.leaseCounter === lease.leaseCounter + 1,
    );
  }

  takeLease(lease: Lease, owner: string): Promise<LeaseWrite> {
    const switched = lease.leaseOwner !== null && lease.leaseOwner !== owner;
    return this.#update(
      lease.leaseKey,
      {
        set: { leaseCounter: N(lease.leaseCounter + 1), leaseOwner: S(owner) },
        add: switched ? { ownerSwitchesSinceCheckpoint: N(1) } : {},
        // KCL 3.x removes a pending hand-off on take; harmless on a 2.x table.
        remove: ["checkpointOwner"],
        expect: { leaseCounter: N(lease.leaseCounter) },
      },
      (now) => now.leaseOwner === owner && now.leaseCounter === lease.leaseCounter + 1,
    );
  }

  evictLease(lease: Lease): Promise<LeaseWrite> {
    if (lease.leaseOwner === null) return Promise.resolve(leaseLost(lease.leaseKey));
    return this.#update(
      lease.leaseKey,
      {
        set: { leaseCounter: N(lease.leaseCounter + 1) },
        remove: ["leaseOwner", "checkpointOwner"],
        expect: { leaseOwner: S(lease.leaseOwner), leaseCounter: N(lease.leaseCounter) },
      },
      // Not read back: a second eviction of the same holding must stay refused.
      () => false,
    );
  }

  checkpointLease(lease: Lease, checkpoint: Checkpoint): Promise<LeaseWrite> {
    return this.#update(
      lease.leaseKey,
      {
        set: {
          leaseCounter: N(lease.leaseCounter + 1),
          checkpoint: S(checkpoint.sequenceNumber),
          checkpointSubSequenceNumber: N(checkpoint.subSequenceNumber),
          ownerSwitchesSinceCheckpoint: N(0),
        },
        remove: ["pendingCheckpoint", "pendingCheckpointSubSequenceNumber", "pendingCheckpointState"],
        expect: { leaseCounter: N(lease.leaseCounter) },
      },
      (now) =>
        now.leaseOwner === lease.leaseOwner &&
        now.leaseCounter === lease.leaseCounter + 1 &&
        now.checkpoint.sequenceNumber === checkpoint.sequenceNumber &&
        now.checkpoint.subSequenceNumber === checkpoint.subSequenceNumber,
    );
  }

  async recordChildShards(leaseKey: string, childShardIds: readonly string[]): Promise<boolean> {
    if (childShardIds.length === 0) return (await this.getLease(leaseKey)) !== null;
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { leaseKey: S(leaseKey) },
          UpdateExpression: "SET #c = :c",
          ConditionExpression: "attribute_exists(#k)",
          ExpressionAttributeNames: { "#c": "childShardIds", "#k": "leaseKey" },
          ExpressionAttributeValues: { ":c": { SS: [...new Set(childShardIds)] } },
        }),
      );
      return true;
    } catch (e) {
      if (conditionFailed(e)) return false;
      throw e;
    }
  }

  async deleteLease(lease: Lease): Promise<Result<void, LeaseLost>> {
    try {
      await this.client.send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: { leaseKey: S(lease.leaseKey) },
          ConditionExpression: "#c = :c",
          ExpressionAttributeNames: { "#c": "leaseCounter" },
          ExpressionAttributeValues: { ":c": N(lease.leaseCounter) },
        }),
      );
      return { ok: true, value: undefined };
    } catch (e) {
      if (conditionFailed(e)) return leaseLost(lease.leaseKey);
      throw e;
    }
  }
}
