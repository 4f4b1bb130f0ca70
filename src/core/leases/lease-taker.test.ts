/**
 * @module
 * The lease taker's decisions (KCL `DynamoDBLeaseTaker.computeLeasesToTake` and
 * `chooseLeasesToSteal`), expiry as observed across scans, and whole-fleet behaviour: workers on a
 * shared in-memory table and a manual clock balance, fail over and then stay put.
 */
import { describe, expect, test } from "bun:test";
import { MemoryLeaseStore } from "../../adapters/memory/lease-store.ts";
import { leaseFixture } from "../../ports/lease-store.conformance.ts";
import type { Lease } from "../../ports/lease-store.ts";
import { ManualClock } from "./clock.ts";
import { LeaseExpiryTracker, type ObservedLease } from "./lease-expiry.ts";
import { LeaseRenewer } from "./lease-renewer.ts";
import { LeaseTaker, type LeaseTakerOptions, planLeaseTaking } from "./lease-taker.ts";
import { leaseTiming } from "./lease-timing.ts";

const DURATION = 10_000;
const NOW = 1_000_000;
const options = (workerId = "me", extra: Partial<LeaseTakerOptions> = {}): LeaseTakerOptions => ({
  workerId,
  leaseDurationMs: DURATION,
  random: () => 0.5,
  ...extra,
});

/** A lease owned by `owner` whose counter last moved `ageMs` ago. */
const observed = (key: string, owner: string | null, ageMs = 0): ObservedLease => ({
  lease: leaseFixture(key, { leaseOwner: owner }),
  lastCounterIncrement: NOW - ageMs,
});
const keys = (leases: readonly Lease[]) => leases.map((l) => l.leaseKey).sort();

describe("planLeaseTaking", () => {
  test("an empty table gives nothing to take", () => {
    expect(planLeaseTaking([], NOW, options())).toMatchObject({ take: [], steal: [] });
  });

  test("never-renewed leases are very old: one worker takes them all, up to maxLeasesForWorker", () => {
    const fresh = ["a", "b", "c", "d"].map((k) => ({
      lease: leaseFixture(k),
      lastCounterIncrement: Number.NEGATIVE_INFINITY,
    }));
    expect(planLeaseTaking(fresh, NOW, options()).take).toHaveLength(4);
    expect(planLeaseTaking(fresh, NOW, options("me", { maxLeasesForWorker: 3 })).take).toHaveLength(3);
    // Without priority assignment the target applies: 4 leases, 1 worker: still 4.
    expect(planLeaseTaking(fresh, NOW, options("me", { priorityLeaseAssignment: false })).take).toHaveLength(
      4,
    );
  });

  test("available leases are taken up to the target only", () => {
    // Workers a (2 live leases) and me: 4 leases, target 2; 2 unowned recently created leases.
    const table = [observed("1", "a"), observed("2", "a"), observed("3", null), observed("4", null)];
    const plan = planLeaseTaking(table, NOW, options());
    expect(plan).toMatchObject({ target: 2, workers: 2, steal: [] });
    expect(keys(plan.take)).toEqual(["3", "4"]);
    const three = [...table, observed("5", null)];
    // 5 leases, 2 workers: target 3, so all 3 available ones.
    expect(planLeaseTaking(three, NOW, options()).take).toHaveLength(3);
  });

  test("an expired lease is available and does not count for its owner", () => {
    const table = [
      observed("1", "dead", DURATION + 1),
      observed("2", "dead", DURATION + 1),
      observed("3", "me"),
    ];
    const plan = planLeaseTaking(table, NOW, options());
    // Only "me" is a live worker: target = 3, need 2, both expired leases are available.
    expect(plan).toMatchObject({ workers: 1, target: 3 });
    expect(keys(plan.take)).toEqual(["1", "2"]);
    // Exactly one lease duration is not expired yet (KCL: age > duration).
    expect(
      planLeaseTaking([observed("1", "dead", DURATION), observed("3", "me")], NOW, options()).take,
    ).toEqual([]);
  });

  test("very old leases are taken first and beyond the target, up to maxLeasesForWorker", () => {
    const old = 3 * DURATION + 1;
    const table = [
      observed("1", "a"),
      observed("2", "a"),
      observed("3", "me"),
      observed("4", "me"),
      observed("5", "dead", old),
      observed("6", "dead", old),
    ];
    // Target 3 (6 leases, 2 live workers), I hold 2: the target alone would give 1 lease.
    expect(keys(planLeaseTaking(table, NOW, options()).take)).toEqual(["5", "6"]);
    expect(planLeaseTaking(table, NOW, options("me", { maxLeasesForWorker: 3 })).take).toHaveLength(1);
    // Merely expired (not very old): the target applies.
    const expired = table.map((o) =>
      o.lease.leaseOwner === "dead" ? observed(o.lease.leaseKey, "dead", DURATION + 1) : o,
    );
    expect(planLeaseTaking(expired, NOW, options()).take).toHaveLength(1);
  });

  test("with nothing available it steals one lease from the most-loaded worker", () => {
    const table = [observed("1", "a"), observed("2", "a"), observed("3", "a"), observed("4", "a")];
    const plan = planLeaseTaking(table, NOW, options());
    // 2 workers, target 2, need 2, a's surplus 2: min(2, 2) = 2, capped by maxLeasesToStealAtOneTime 1.
    expect(plan).toMatchObject({ target: 2, take: [] });
    expect(plan.steal).toHaveLength(1);
    expect(plan.steal[0]?.leaseOwner).toBe("a");
    expect(planLeaseTaking(table, NOW, options("me", { maxLeasesToStealAtOneTime: 5 })).steal).toHaveLength(
      2,
    );
  });

  test("it steals 1 from a worker exactly at target only when it needs more than 1", () => {
    // 4 leases, workers a:2, b:2, me:0 → target 2; a is at target; I need 2 → steal 1.
    const needTwo = [observed("1", "a"), observed("2", "a"), observed("3", "b"), observed("4", "b")];
    expect(planLeaseTaking(needTwo, NOW, options()).steal).toHaveLength(1);
    // 5 leases, a:2, b:2, me:1 → target 2; I need 1 and a is at target → no steal (2/2/1 is balanced).
    const needOne = [...needTwo, observed("5", "me")];
    expect(planLeaseTaking(needOne, NOW, options())).toMatchObject({ take: [], steal: [], target: 2 });
  });

  test("no steal from a worker below target", () => {
    // 7 leases, a:3, b:3, me:1 → target 3; a holds 3 → surplus 0, need 2 → steal 1.
    const table = [
      ...["1", "2", "3"].map((k) => observed(k, "a")),
      ...["4", "5", "6"].map((k) => observed(k, "b")),
      observed("7", "me"),
    ];
    expect(planLeaseTaking(table, NOW, options()).steal).toHaveLength(1);
    // 3 leases: a:1, b:1, me:1 → target 1, satisfied.
    expect(
      planLeaseTaking([observed("1", "a"), observed("2", "b"), observed("3", "me")], NOW, options()),
    ).toMatchObject({
      take: [],
      steal: [],
    });
  });

  test("with more workers than leases the target is 1", () => {
    const table = [observed("1", "a"), observed("2", "b")];
    const plan = planLeaseTaking(table, NOW, options("me"));
    expect(plan.target).toBe(1);
    // a holds 1 = target, I need 1: no steal.
    expect(plan.steal).toEqual([]);
  });
});

describe("LeaseExpiryTracker", () => {
  test("new leases: owned ones count as just renewed, unowned ones as never renewed", () => {
    const t = new LeaseExpiryTracker();
    t.observe([leaseFixture("a", { leaseOwner: "w" }), leaseFixture("b")], 100);
    const byKey = Object.fromEntries(t.leases().map((o) => [o.lease.leaseKey, o.lastCounterIncrement]));
    expect(byKey).toEqual({ a: 100, b: Number.NEGATIVE_INFINITY });
  });

  test("a counter that moved resets the time; an unchanged one keeps it; deleted leases are forgotten", () => {
    const t = new LeaseExpiryTracker();
    t.observe(
      [leaseFixture("a", { leaseOwner: "w", leaseCounter: 1 }), leaseFixture("b", { leaseOwner: "w" })],
      100,
    );
    t.observe(
      [leaseFixture("a", { leaseOwner: "w", leaseCounter: 2 }), leaseFixture("b", { leaseOwner: "w" })],
      200,
    );
    expect(t.leases().map((o) => [o.lease.leaseKey, o.lastCounterIncrement])).toEqual([
      ["a", 200],
      ["b", 100],
    ]);
    t.observe([leaseFixture("b", { leaseOwner: "w" })], 300);
    expect(t.leases().map((o) => o.lease.leaseKey)).toEqual(["b"]);
  });
});

/**
 * Workers on one in-memory table, each with a taker and a renewer on its KCL schedule, driven by a
 * manual clock in 25 ms steps. Removing a worker from `alive` is a SIGKILL: it stops writing.
 */
class Fleet {
  readonly clock = new ManualClock(0);
  readonly store = new MemoryLeaseStore();
  readonly timing = leaseTiming();
  readonly alive = new Set<string>();
  readonly #workers = new Map<
    string,
    { taker: LeaseTaker; renewer: LeaseRenewer; nextTake: number; nextRenew: number }
  >();
  #seed = 1;

  /** A deterministic random source, so every run of the test is the same. */
  readonly random = () => {
    this.#seed = (this.#seed * 16807) % 2147483647;
    return (this.#seed - 1) / 2147483646;
  };

  async createLeases(count: number): Promise<void> {
    for (let i = 0; i < count; i++) await this.store.createLeaseIfNotExists(leaseFixture(`shard-${i}`));
  }

  add(workerId: string, offsetMs = 0): void {
    const taker = new LeaseTaker(
      this.store,
      { workerId, leaseDurationMs: this.timing.leaseDurationMs, random: this.random },
      this.clock.now,
    );
    const renewer = new LeaseRenewer(
      this.store,
      { workerId, leaseDurationMs: this.timing.leaseDurationMs },
      this.clock.now,
    );
    const now = this.clock.now();
    this.#workers.set(workerId, { taker, renewer, nextTake: now + offsetMs, nextRenew: now + offsetMs });
    this.alive.add(workerId);
  }

  async runFor(ms: number, until?: () => Promise<boolean>): Promise<number | null> {
    const end = this.clock.now() + ms;
    while (this.clock.now() < end) {
      for (const [id, w] of this.#workers) {
        if (!this.alive.has(id)) continue;
        const now = this.clock.now();
        if (now >= w.nextRenew) {
          await w.renewer.renewLeases();
          w.nextRenew += this.timing.renewerIntervalMs;
        }
        if (now >= w.nextTake) {
          const { taken } = await w.taker.takeLeases();
          w.renewer.addLeases(taken);
          w.nextTake += this.timing.takerIntervalMs;
        }
      }
      if (until && (await until())) return this.clock.now();
      this.clock.advance(25);
    }
    return null;
  }

  async counts(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const lease of await this.store.listLeases()) {
      const owner = lease.leaseOwner ?? "(none)";
      counts[owner] = (counts[owner] ?? 0) + 1;
    }
    return counts;
  }

  /** Leases held, per worker, by the workers' own account (local view). */
  held(workerId: string): string[] {
    return (
      this.#workers
        .get(workerId)
        ?.renewer.heldLeases()
        .map((h) => h.lease.leaseKey) ?? []
    );
  }
}

const balanced = (counts: Record<string, number>, workers: number, leases: number): boolean => {
  const values = Object.entries(counts)
    .filter(([owner]) => owner !== "(none)")
    .map(([, n]) => n);
  return (
    values.length === workers &&
    values.reduce((a, b) => a + b, 0) === leases &&
    Math.max(...values) - Math.min(...values) <= 1
  );
};

describe("a fleet of workers on KCL's default timing", () => {
  test("three workers on four leases balance to 2/1/1 within three taker intervals", async () => {
    const fleet = new Fleet();
    await fleet.createLeases(4);
    fleet.add("w1", 0);
    fleet.add("w2", 5);
    fleet.add("w3", 10);
    const at = await fleet.runFor(10 * fleet.timing.takerIntervalMs, async () =>
      balanced(await fleet.counts(), 3, 4),
    );
    expect(at).not.toBeNull();
    expect(at ?? Number.POSITIVE_INFINITY).toBeLessThanOrEqual(3 * fleet.timing.takerIntervalMs);
    // And it stays put: no lease changes hands once balanced.
    const before = fleet.store.writes.take;
    await fleet.runFor(5 * fleet.timing.takerIntervalMs);
    expect(fleet.store.writes.take).toBe(before);
    expect(balanced(await fleet.counts(), 3, 4)).toBe(true);
  });

  test("a late worker steals its share one lease per taker interval", async () => {
    const fleet = new Fleet();
    await fleet.createLeases(6);
    fleet.add("w1");
    await fleet.runFor(fleet.timing.takerIntervalMs);
    expect(await fleet.counts()).toEqual({ w1: 6 });
    fleet.add("w2");
    const at = await fleet.runFor(10 * fleet.timing.takerIntervalMs, async () =>
      balanced(await fleet.counts(), 2, 6),
    );
    // 3 steals at maxLeasesToStealAtOneTime = 1: the third happens two intervals after the first.
    expect(at).not.toBeNull();
    expect((at ?? 0) - fleet.timing.takerIntervalMs).toBeLessThanOrEqual(3 * fleet.timing.takerIntervalMs);
  });

  test("a killed worker's leases are taken after they expire, and only then", async () => {
    const fleet = new Fleet();
    await fleet.createLeases(4);
    fleet.add("w1");
    fleet.add("w2", 7);
    await fleet.runFor(6 * fleet.timing.takerIntervalMs, async () => balanced(await fleet.counts(), 2, 4));
    const killedAt = fleet.clock.now();
    fleet.alive.delete("w1");
    const recovered = await fleet.runFor(
      10 * fleet.timing.takerIntervalMs,
      async () => (await fleet.counts()).w2 === 4,
    );
    expect(recovered).not.toBeNull();
    const failover = (recovered ?? 0) - killedAt;
    // Not before the lease duration; at most a duration plus two taker intervals (expiry is seen
    // from scans), the bound KCL's design gives.
    expect(failover).toBeGreaterThan(fleet.timing.leaseDurationMs);
    expect(failover).toBeLessThanOrEqual(fleet.timing.leaseDurationMs + 2 * fleet.timing.takerIntervalMs);
    expect(fleet.held("w2").sort()).toEqual(["shard-0", "shard-1", "shard-2", "shard-3"]);
  });
});
