/**
 * @module
 * Shard lineage in the lease table: which leases to create for the shards a stream lists, when a
 * child shard may start, and when a finished parent's lease may go. The rules are KCL's
 * (amazon-kinesis-client `HierarchicalShardSyncer`, `BlockOnParentShardTask`, `ShutdownTask`,
 * `LeaseCleanupManager`), simplified where noted; together they make resharding lossless: a child
 * is read only after each parent still in the table has been read to its end, so for any partition
 * key the records of the parent come before those of the child.
 */
import type { Checkpoint, Lease } from "../../ports/lease-store.ts";
import type { InitialPosition, Shard } from "../../ports/shard-reader.ts";
import { checkpointAt, initialCheckpoint, isShardEnd, TRIM_HORIZON } from "./checkpoint.ts";

/** A new, unowned lease for `shard` at `checkpoint` (KCL `newKCLLease`: counter 0, no owner). */
export function newLease(shard: Shard, checkpoint: Checkpoint): Lease {
  return {
    leaseKey: shard.shardId,
    leaseOwner: null,
    leaseCounter: 0,
    checkpoint,
    pendingCheckpoint: null,
    pendingCheckpointState: null,
    ownerSwitchesSinceCheckpoint: 0,
    parentShardIds: [...shard.parentShardIds],
    childShardIds: [],
    hashKeyRange: shard.hashKeyRange,
  };
}

/** Shards ordered so that every parent comes before its children. */
function parentsFirst(shards: readonly Shard[]): Shard[] {
  const byId = new Map(shards.map((s) => [s.shardId, s]));
  const ordered: Shard[] = [];
  const visited = new Set<string>();
  const visit = (shard: Shard): void => {
    if (visited.has(shard.shardId)) return;
    visited.add(shard.shardId);
    for (const parent of shard.parentShardIds) {
      const p = byId.get(parent);
      if (p) visit(p);
    }
    ordered.push(shard);
  };
  for (const shard of shards) visit(shard);
  return ordered;
}

/**
 * The leases to create for `shards` given the `leases` that exist:
 * - Empty table: every listed shard for TRIM_HORIZON and AT_TIMESTAMP (ancestors too, so history is
 *   read parents first), only the open shards for LATEST; each at the initial position. KCL asks
 *   Kinesis for the shards at the position with a ShardFilter instead, which kinesalite lacks; the
 *   outcome is the same, as the descendants of those shards are leased later anyway.
 * - Otherwise, any shard without a lease whose parent has one (or gets one in this pass): at
 *   TRIM_HORIZON, or AT_TIMESTAMP when that is the initial position (KCL's checkpoint for
 *   descendants). And an open shard none of whose parents has a lease (a stream read from LATEST,
 *   or shards that appeared while the table was cleared): at the initial position.
 * Closed shards without a leased parent are never recreated: they were finished and cleaned up.
 */
export function leasesToCreate(
  shards: readonly Shard[],
  leases: readonly Lease[],
  initial: InitialPosition,
): Lease[] {
  const start = initialCheckpoint(initial);
  if (leases.length === 0) {
    const wanted = initial.type === "LATEST" ? shards.filter((s) => s.endingSequenceNumber === null) : shards;
    return parentsFirst(wanted).map((s) => newLease(s, start));
  }
  const descendantStart = initial.type === "AT_TIMESTAMP" ? checkpointAt("AT_TIMESTAMP") : TRIM_HORIZON;
  const leased = new Set(leases.map((l) => l.leaseKey));
  const created: Lease[] = [];
  for (const shard of parentsFirst(shards)) {
    if (leased.has(shard.shardId)) continue;
    const leasedParent = shard.parentShardIds.some((p) => leased.has(p));
    let lease: Lease | null = null;
    if (leasedParent) lease = newLease(shard, descendantStart);
    else if (shard.endingSequenceNumber === null) lease = newLease(shard, start);
    if (lease) {
      created.push(lease);
      leased.add(shard.shardId);
    }
  }
  return created;
}

/**
 * The leases for the children of `shardId` when it ends, at TRIM_HORIZON (KCL ShutdownTask
 * `createLeaseForChildShard`): the child's every record comes after the parent's.
 */
export function childLeases(shardId: string, shards: readonly Shard[]): Lease[] {
  return shards.filter((s) => s.parentShardIds.includes(shardId)).map((s) => newLease(s, TRIM_HORIZON));
}

/**
 * Whether a child may start: every parent lease that still exists is at SHARD_END (KCL
 * `BlockOnParentShardTask`). A parent without a lease was finished and cleaned up, or predates a
 * LATEST start; either way there is nothing to wait for.
 */
export function parentsCompleted(parents: readonly (Lease | null)[]): boolean {
  return parents.every((p) => p === null || isShardEnd(p.checkpoint));
}

/**
 * Leases of `owner` that are done with and may be deleted (KCL `LeaseCleanupManager`, with
 * `cleanupLeasesUponShardCompletion`): at SHARD_END, with every child leased and started (checkpoint
 * past TRIM_HORIZON/AT_TIMESTAMP), and no parent lease left. Until then a parent lease must stay,
 * because children decide whether to wait by looking at it.
 */
export function completedLeasesToDelete(leases: readonly Lease[], owner: string): Lease[] {
  const byKey = new Map(leases.map((l) => [l.leaseKey, l]));
  return leases.filter((lease) => {
    if (lease.leaseOwner !== owner || !isShardEnd(lease.checkpoint) || lease.childShardIds.length === 0) {
      return false;
    }
    const childrenStarted = lease.childShardIds.every((id) => {
      const child = byKey.get(id);
      const at = child?.checkpoint.sequenceNumber;
      return child !== undefined && at !== "TRIM_HORIZON" && at !== "AT_TIMESTAMP";
    });
    return childrenStarted && lease.parentShardIds.every((p) => !byKey.has(p));
  });
}
