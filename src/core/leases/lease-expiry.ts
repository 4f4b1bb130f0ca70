/**
 * @module
 * Expiry as another worker sees it. Workers share no clock, so a lease carries no expiry time:
 * a worker watches each lease's `leaseCounter` across its own scans and calls a lease expired once
 * the counter has not moved for longer than the lease duration on its own clock (KCL
 * `DynamoDBLeaseTaker.updateAllLeases` and `Lease.isExpired`).
 */
import type { Lease } from "../../ports/lease-store.ts";

/** A lease with the local time its counter was last seen to change. */
export interface ObservedLease {
  readonly lease: Lease;
  /** −Infinity for a lease first seen unowned: it has never been renewed as far as we know. */
  readonly lastCounterIncrement: number;
}

export class LeaseExpiryTracker {
  readonly #leases = new Map<string, ObservedLease>();

  /**
   * Takes in a fresh scan made at `scanTime`. A lease whose counter changed since the previous scan
   * counts as renewed at `scanTime`; an unchanged one keeps its time. A lease seen for the first
   * time counts as renewed now if owned (its owner may be alive), never if unowned. Leases missing
   * from the scan are forgotten (deleted).
   */
  observe(fresh: readonly Lease[], scanTime: number): void {
    const seen = new Set<string>();
    for (const lease of fresh) {
      seen.add(lease.leaseKey);
      const old = this.#leases.get(lease.leaseKey);
      let lastCounterIncrement: number;
      if (old) {
        lastCounterIncrement =
          old.lease.leaseCounter === lease.leaseCounter ? old.lastCounterIncrement : scanTime;
      } else {
        lastCounterIncrement = lease.leaseOwner === null ? Number.NEGATIVE_INFINITY : scanTime;
      }
      this.#leases.set(lease.leaseKey, { lease, lastCounterIncrement });
    }
    for (const key of [...this.#leases.keys()]) if (!seen.has(key)) this.#leases.delete(key);
  }

  /** Records that this worker itself just changed `lease` (took it), at `at`. */
  touched(lease: Lease, at: number): void {
    this.#leases.set(lease.leaseKey, { lease, lastCounterIncrement: at });
  }

  /** Every lease of the last scan. */
  leases(): ObservedLease[] {
    return [...this.#leases.values()];
  }
}

/** KCL `Lease.isExpired`: the counter has not moved for longer than the lease duration. */
export function isExpired(observed: ObservedLease, now: number, leaseDurationMs: number): boolean {
  return now - observed.lastCounterIncrement > leaseDurationMs;
}

/** KCL `Lease.isAvailable`: unowned, or expired. */
export function isAvailable(observed: ObservedLease, now: number, leaseDurationMs: number): boolean {
  return observed.lease.leaseOwner === null || isExpired(observed, now, leaseDurationMs);
}
