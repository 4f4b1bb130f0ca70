/**
 * @module
 * The lease store port: where stream consumers keep one lease per shard, with its owner and its
 * checkpoint. The data model is KCL's (amazon-kinesis-client, `Lease` and
 * `DynamoDBLeaseSerializer`), so a table written by Furrow is readable by a KCL 2.x application and
 * the reverse. Adapters: DynamoDB (`adapters/dynamodb/lease-store.ts`) and in memory
 * (`adapters/memory/lease-store.ts`); both pass `lease-store.conformance.ts`.
 *
 * Every mutation is conditional, like KCL's `DynamoDBLeaseRefresher`: it names the `leaseCounter`
 * (or, for eviction, the owner) it expects, and a failed condition is not an exception but a
 * `LeaseLost` value, because losing a lease to another worker is an expected event. Exceptions are
 * left for an unreachable or throttling store.
 */
import type { Result } from "../core/result.ts";

/**
 * KCL's `SentinelCheckpoint`s: checkpoints that are not sequence numbers. A new lease starts at the
 * initial position's sentinel; `SHARD_END` marks a closed shard whose every record was processed.
 */
export const SENTINEL_CHECKPOINTS = ["TRIM_HORIZON", "LATEST", "AT_TIMESTAMP", "SHARD_END"] as const;
export type SentinelCheckpoint = (typeof SENTINEL_CHECKPOINTS)[number];

/**
 * KCL's `ExtendedSequenceNumber`: a Kinesis sequence number (decimal digits, up to 128 bits) or a
 * sentinel, plus the sub-sequence number of a record inside a KPL-aggregated record (0 otherwise).
 */
export interface Checkpoint {
  readonly sequenceNumber: string;
  readonly subSequenceNumber: number;
}

/** A shard's hash key range, as decimal strings of 128-bit integers (KCL `HashKeyRangeForLease`). */
export interface HashKeyRange {
  readonly startingHashKey: string;
  readonly endingHashKey: string;
}

/**
 * One shard's lease. Attribute names follow the DynamoDB item KCL writes; see the DynamoDB adapter
 * for the attribute types.
 */
export interface Lease {
  /** The shard id (single-stream KCL applications). */
  readonly leaseKey: string;
  /** The worker holding the lease; null when nobody does (absent attribute). */
  readonly leaseOwner: string | null;
  /** Incremented by every renewal, take, eviction and checkpoint; what other workers watch. */
  readonly leaseCounter: number;
  readonly checkpoint: Checkpoint;
  /** KCL's two-phase checkpoint (`prepareCheckpoint`); kept as read, cleared by a checkpoint. */
  readonly pendingCheckpoint: Checkpoint | null;
  readonly pendingCheckpointState: Uint8Array | null;
  /** How many times the lease changed hands since the last checkpoint. */
  readonly ownerSwitchesSinceCheckpoint: number;
  /** One parent after a split, two after a merge (DynamoDB attribute `parentShardId`). */
  readonly parentShardIds: readonly string[];
  /** Recorded on the parent when its shard ends. */
  readonly childShardIds: readonly string[];
  readonly hashKeyRange: HashKeyRange | null;
}

/** A conditional write failed: somebody else took, renewed or deleted the lease since we read it. */
export interface LeaseLost {
  readonly kind: "lease-lost";
  readonly leaseKey: string;
}

/** The lease as it is after a successful write, or the news that it was lost. */
export type LeaseWrite = Result<Lease, LeaseLost>;

export const leaseLost = (leaseKey: string): { readonly ok: false; readonly error: LeaseLost } => ({
  ok: false,
  error: { kind: "lease-lost", leaseKey },
});

export interface LeaseStore {
  /** Every lease, read consistently (KCL `listLeases`). */
  listLeases(): Promise<Lease[]>;
  /** One lease, or null if there is none for `leaseKey`. */
  getLease(leaseKey: string): Promise<Lease | null>;
  /** Writes `lease` unless a lease with its key exists; true if it was written (KCL expects `leaseKey` absent). */
  createLeaseIfNotExists(lease: Lease): Promise<boolean>;
  /** Expects `lease.leaseCounter`; increments it. */
  renewLease(lease: Lease): Promise<LeaseWrite>;
  /**
   * Expects `lease.leaseCounter`; increments it and sets `leaseOwner` to `owner`, adding one to
   * `ownerSwitchesSinceCheckpoint` when the lease had another owner (KCL `getDynamoTakeLeaseUpdate`).
   */
  takeLease(lease: Lease, owner: string): Promise<LeaseWrite>;
  /** Expects `lease.leaseOwner` and `lease.leaseCounter`; removes the owner and increments the counter. */
  evictLease(lease: Lease): Promise<LeaseWrite>;
  /**
   * Expects `lease.leaseCounter`; increments it, sets the checkpoint, resets
   * `ownerSwitchesSinceCheckpoint` to 0 and clears any pending checkpoint (KCL `updateLease`).
   */
  checkpointLease(lease: Lease, checkpoint: Checkpoint): Promise<LeaseWrite>;
  /**
   * Sets `childShardIds` on an existing lease without touching its counter (KCL
   * `updateLeaseWithMetaInfo(CHILD_SHARDS)`, which expects only that the lease exists). False if absent.
   */
  recordChildShards(leaseKey: string, childShardIds: readonly string[]): Promise<boolean>;
  /** Deletes the lease if its counter is still `lease.leaseCounter`. */
  deleteLease(lease: Lease): Promise<Result<void, LeaseLost>>;
}
