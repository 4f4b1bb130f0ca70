/**
 * @module
 * A lease store in memory, with the same conditional semantics as the DynamoDB one (both pass
 * `ports/lease-store.conformance.ts`). It lets lease coordination be tested in microseconds, and
 * several workers of one test share a table by sharing the instance.
 */
import type { Result } from "../../core/result.ts";
import {
  type Checkpoint,
  type Lease,
  type LeaseLost,
  type LeaseStore,
  type LeaseWrite,
  leaseLost,
} from "../../ports/lease-store.ts";

const copy = (lease: Lease): Lease => structuredClone(lease);

export class MemoryLeaseStore implements LeaseStore {
  readonly #leases = new Map<string, Lease>();

  /** Writes that succeeded, by kind; tests use it to count DynamoDB traffic. */
  readonly writes = { create: 0, renew: 0, take: 0, evict: 0, checkpoint: 0, childShards: 0, delete: 0 };

  async listLeases(): Promise<Lease[]> {
    return [...this.#leases.values()].map(copy);
  }

  async getLease(leaseKey: string): Promise<Lease | null> {
    const lease = this.#leases.get(leaseKey);
    return lease ? copy(lease) : null;
  }

  async createLeaseIfNotExists(lease: Lease): Promise<boolean> {
    if (this.#leases.has(lease.leaseKey)) return false;
    this.#leases.set(lease.leaseKey, copy(lease));
    this.writes.create++;
    return true;
  }

  /** Applies `change` if the stored lease satisfies `expect`. */
  #update(
    lease: Lease,
    expect: (stored: Lease) => boolean,
    change: (stored: Lease) => Lease,
    kind: keyof MemoryLeaseStore["writes"],
  ): LeaseWrite {
    const stored = this.#leases.get(lease.leaseKey);
    if (!stored || !expect(stored)) return leaseLost(lease.leaseKey);
    const next = change(stored);
    this.#leases.set(lease.leaseKey, next);
    this.writes[kind]++;
    return { ok: true, value: copy(next) };
  }

  async renewLease(lease: Lease): Promise<LeaseWrite> {
    return this.#update(
      lease,
      (s) => s.leaseCounter === lease.leaseCounter,
      (s) => ({ ...s, leaseCounter: s.leaseCounter + 1 }),
      "renew",
    );
  }

  async takeLease(lease: Lease, owner: string): Promise<LeaseWrite> {
    const switched = lease.leaseOwner !== null && lease.leaseOwner !== owner;
    return this.#update(
      lease,
      (s) => s.leaseCounter === lease.leaseCounter,
      (s) => ({
        ...s,
        leaseCounter: s.leaseCounter + 1,
        leaseOwner: owner,
        ownerSwitchesSinceCheckpoint: s.ownerSwitchesSinceCheckpoint + (switched ? 1 : 0),
      }),
      "take",
    );
  }

  async evictLease(lease: Lease): Promise<LeaseWrite> {
    return this.#update(
      lease,
      (s) =>
        s.leaseOwner !== null && s.leaseOwner === lease.leaseOwner && s.leaseCounter === lease.leaseCounter,
      (s) => ({ ...s, leaseOwner: null, leaseCounter: s.leaseCounter + 1 }),
      "evict",
    );
  }

  async checkpointLease(lease: Lease, checkpoint: Checkpoint): Promise<LeaseWrite> {
    return this.#update(
      lease,
      (s) => s.leaseCounter === lease.leaseCounter,
      (s) => ({
        ...s,
        leaseCounter: s.leaseCounter + 1,
        checkpoint: { ...checkpoint },
        ownerSwitchesSinceCheckpoint: 0,
        pendingCheckpoint: null,
        pendingCheckpointState: null,
      }),
      "checkpoint",
    );
  }

  async recordChildShards(leaseKey: string, childShardIds: readonly string[]): Promise<boolean> {
    const stored = this.#leases.get(leaseKey);
    if (!stored) return false;
    this.#leases.set(leaseKey, { ...stored, childShardIds: [...new Set(childShardIds)] });
    this.writes.childShards++;
    return true;
  }

  async deleteLease(lease: Lease): Promise<Result<void, LeaseLost>> {
    const stored = this.#leases.get(lease.leaseKey);
    if (!stored || stored.leaseCounter !== lease.leaseCounter) return leaseLost(lease.leaseKey);
    this.#leases.delete(lease.leaseKey);
    this.writes.delete++;
    return { ok: true, value: undefined };
  }
}
