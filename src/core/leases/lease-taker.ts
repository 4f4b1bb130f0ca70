/**
 * @module
 * Which leases a worker takes, and the taking itself: KCL's `DynamoDBLeaseTaker` (2.6), decision
 * for decision, so Furrow workers and KCL workers balance the same way when they share a table.
 *
 * Every taker interval a worker scans the table and then:
 * - counts, per owner, the leases that are not available (available = unowned or expired), adding
 *   itself with 0: workers holding nothing are invisible to the others, and that is fine, because
 *   they are the ones that come to take;
 * - target = 1 if there are at least as many workers as leases, else ceil(leases / workers), capped
 *   by `maxLeasesForWorker`;
 * - leases unchanged for more than 3 lease durations (dead owners, or never taken) are taken first,
 *   up to `maxLeasesForWorker` and regardless of the target ("priority lease assignment");
 * - otherwise it takes random available leases up to the target;
 * - if none are available it steals from the most-loaded worker, when that one holds at least the
 *   target: min(needed, its surplus), or 1 if that is 0 and more than 1 is needed, at most
 *   `maxLeasesToStealAtOneTime`.
 * Random choices keep workers that scan at the same moment from all reaching for the same lease;
 * the conditional take settles any collision.
 */
import type { Lease, LeaseStore } from "../../ports/lease-store.ts";
import type { Clock } from "./clock.ts";
import { isAvailable, LeaseExpiryTracker, type ObservedLease } from "./lease-expiry.ts";

export interface LeaseTakerOptions {
  readonly workerId: string;
  readonly leaseDurationMs: number;
  /** KCL default: no limit. */
  readonly maxLeasesForWorker?: number;
  /** KCL default 1 (Snowplow's common-streams sets ceil(CPUs × 2)). */
  readonly maxLeasesToStealAtOneTime?: number;
  /** Leases unchanged for this many durations are "very old"; KCL default 3. */
  readonly veryOldLeaseDurationMultiplier?: number;
  /** KCL 2.6 `enablePriorityLeaseAssignment`, on by default. */
  readonly priorityLeaseAssignment?: boolean;
  /** Source of randomness in [0, 1), for shuffling; `Math.random` by default. */
  readonly random?: () => number;
}

/** What one scan decided. */
export interface TakePlan {
  /** Available leases to take. */
  readonly take: readonly Lease[];
  /** Live leases of the most-loaded worker to take from it. */
  readonly steal: readonly Lease[];
  readonly target: number;
  /** Workers seen holding live leases, this one included. */
  readonly workers: number;
}

const shuffled = <T>(items: readonly T[], random: () => number): T[] => {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
};

/** Decides what `options.workerId` should take, given a scan observed up to `now`. Pure. */
export function planLeaseTaking(
  observed: readonly ObservedLease[],
  now: number,
  options: LeaseTakerOptions,
): TakePlan {
  const random = options.random ?? Math.random;
  const maxForWorker = options.maxLeasesForWorker ?? Number.POSITIVE_INFINITY;
  const available = observed.filter((o) => isAvailable(o, now, options.leaseDurationMs));
  const availableSet = new Set(available);
  const counts = new Map<string, number>();
  for (const o of observed) {
    if (availableSet.has(o) || o.lease.leaseOwner === null) continue;
    counts.set(o.lease.leaseOwner, (counts.get(o.lease.leaseOwner) ?? 0) + 1);
  }
  if (!counts.has(options.workerId)) counts.set(options.workerId, 0);
  const workers = counts.size;
  const none: TakePlan = { take: [], steal: [], target: 0, workers };
  if (observed.length === 0) return none;

  const target = Math.min(
    workers >= observed.length ? 1 : Math.ceil(observed.length / workers),
    maxForWorker,
  );
  const mine = counts.get(options.workerId) ?? 0;

  if (options.priorityLeaseAssignment ?? true) {
    const threshold = now - (options.veryOldLeaseDurationMultiplier ?? 3) * options.leaseDurationMs;
    const veryOld = observed.filter((o) => o.lastCounterIncrement < threshold).map((o) => o.lease);
    if (veryOld.length > 0) {
      const count = Math.max(0, Math.min(maxForWorker - mine, veryOld.length));
      return { take: shuffled(veryOld, random).slice(0, count), steal: [], target, workers };
    }
  }

  const needed = target - mine;
  if (needed <= 0) return { ...none, target };
  if (available.length > 0) {
    const take = shuffled(available, random)
      .slice(0, needed)
      .map((o) => o.lease);
    return { take, steal: [], target, workers };
  }
  return { take: [], steal: chooseLeasesToSteal(observed, counts, needed, target, options), target, workers };
}

function chooseLeasesToSteal(
  observed: readonly ObservedLease[],
  counts: ReadonlyMap<string, number>,
  needed: number,
  target: number,
  options: LeaseTakerOptions,
): Lease[] {
  let mostLoaded: [string, number] | null = null;
  for (const entry of counts) if (mostLoaded === null || entry[1] > mostLoaded[1]) mostLoaded = entry;
  if (mostLoaded === null || mostLoaded[1] < target) return [];
  const surplus = mostLoaded[1] - target;
  let count = Math.min(needed, surplus);
  if (needed > 1 && count === 0) count = 1;
  count = Math.min(count, options.maxLeasesToStealAtOneTime ?? 1);
  if (count <= 0) return [];
  const owner = mostLoaded[0];
  const candidates = observed.filter((o) => o.lease.leaseOwner === owner).map((o) => o.lease);
  return shuffled(candidates, options.random ?? Math.random).slice(0, count);
}

/** A lease this worker just took, as it is in the store now. */
export interface TakenLease {
  readonly lease: Lease;
  readonly previousOwner: string | null;
  readonly stolen: boolean;
  /** Local time of the take: the lease is fresh as of then. */
  readonly takenAt: number;
}

/** Scans, decides and takes; one instance per worker, because it remembers what it saw. */
export class LeaseTaker {
  readonly #tracker = new LeaseExpiryTracker();

  constructor(
    private readonly store: LeaseStore,
    private readonly options: LeaseTakerOptions,
    private readonly clock: Clock,
  ) {}

  /** Every lease of the last scan, with when its counter was last seen to change. */
  observedLeases(): ObservedLease[] {
    return this.#tracker.leases();
  }

  /**
   * One taker round. Leases that another worker changed between the scan and the take are simply
   * not taken (the conditional write fails). A store failure rejects; nothing was taken then.
   */
  async takeLeases(): Promise<{ readonly taken: TakenLease[]; readonly plan: TakePlan }> {
    const leases = await this.store.listLeases();
    const scanTime = this.clock();
    this.#tracker.observe(leases, scanTime);
    const plan = planLeaseTaking(this.#tracker.leases(), scanTime, this.options);
    const taken: TakenLease[] = [];
    const attempts = [
      ...plan.take.map((l) => [l, false] as const),
      ...plan.steal.map((l) => [l, true] as const),
    ];
    for (const [lease, stolen] of attempts) {
      const takenAt = this.clock();
      const result = await this.store.takeLease(lease, this.options.workerId);
      if (!result.ok) continue;
      this.#tracker.touched(result.value, takenAt);
      taken.push({ lease: result.value, previousOwner: lease.leaseOwner, stolen, takenAt });
    }
    return { taken, plan };
  }
}
