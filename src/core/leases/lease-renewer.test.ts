/**
 * @module
 * The renewer (KCL `DynamoDBLeaseRenewer`): renewals, losing a lease to a thief or to local
 * expiry, concurrency tokens on checkpoints, serialized writes, and release on shutdown.
 */
import { describe, expect, test } from "bun:test";
import { MemoryLeaseStore } from "../../adapters/memory/lease-store.ts";
import { leaseFixture } from "../../ports/lease-store.conformance.ts";
import type { Lease, LeaseWrite } from "../../ports/lease-store.ts";
import { checkpointAt } from "./checkpoint.ts";
import { ManualClock } from "./clock.ts";
import { LeaseRenewer } from "./lease-renewer.ts";

class UnreachableStore extends MemoryLeaseStore {
  unreachable = false;
  override async renewLease(lease: Lease): Promise<LeaseWrite> {
    if (this.unreachable) throw new Error("connect ECONNREFUSED");
    return super.renewLease(lease);
  }
}

async function setup(keys = ["s1", "s2"]) {
  const store = new UnreachableStore();
  const clock = new ManualClock(1_000);
  let n = 0;
  const renewer = new LeaseRenewer(
    store,
    { workerId: "me", leaseDurationMs: 10_000, newToken: () => `token-${++n}` },
    clock.now,
  );
  const taken = [];
  for (const key of keys) {
    await store.createLeaseIfNotExists(leaseFixture(key));
    const r = await store.takeLease(leaseFixture(key), "me");
    if (r.ok) taken.push({ lease: r.value, takenAt: clock.now() });
  }
  renewer.addLeases(taken);
  return { store, clock, renewer };
}

describe("LeaseRenewer", () => {
  test("renews every held lease, each under its own token", async () => {
    const { store, renewer } = await setup();
    expect(renewer.heldLeases().map((h) => h.concurrencyToken)).toEqual(["token-1", "token-2"]);
    expect(await renewer.renewLeases()).toEqual({ renewed: ["s1", "s2"], lost: [], failed: [] });
    expect((await store.getLease("s1"))?.leaseCounter).toBe(2);
    expect(renewer.heldLease("s1")?.lease.leaseCounter).toBe(2);
  });

  test("a lease taken by another worker is lost at the next renewal", async () => {
    const { store, renewer } = await setup();
    const seen = await store.getLease("s1");
    if (!seen) throw new Error("missing");
    await store.takeLease(seen, "thief");
    const round = await renewer.renewLeases();
    expect(round.lost).toEqual(["s1"]);
    expect(renewer.heldLease("s1")).toBeNull();
    expect(renewer.heldLeases().map((h) => h.lease.leaseKey)).toEqual(["s2"]);
  });

  test("failing renewals keep the lease until a lease duration has passed, then it counts as lost", async () => {
    const { store, clock, renewer } = await setup(["s1"]);
    store.unreachable = true;
    clock.advance(3_308);
    const failed = await renewer.renewLeases();
    expect(failed.failed.map((f) => f.leaseKey)).toEqual(["s1"]);
    expect(renewer.heldLease("s1")).not.toBeNull();
    clock.advance(6_693);
    // 10001 ms since the last successful write: other workers may take it now.
    expect(renewer.heldLease("s1")).toBeNull();
    expect(renewer.heldLeases()).toEqual([]);
    store.unreachable = false;
    expect((await renewer.renewLeases()).lost).toEqual(["s1"]);
    // It was not renewed again, so other workers' view of its expiry stands.
    expect((await store.getLease("s1"))?.leaseCounter).toBe(1);
  });

  test("a checkpoint needs the holding's token, and then counts as a renewal", async () => {
    const { store, clock, renewer } = await setup(["s1"]);
    expect(await renewer.checkpoint("s1", "token-9", checkpointAt("5"))).toEqual({
      ok: false,
      error: { kind: "lease-lost", leaseKey: "s1" },
    });
    expect((await store.getLease("s1"))?.checkpoint.sequenceNumber).toBe("TRIM_HORIZON");
    clock.advance(9_000);
    const written = await renewer.checkpoint("s1", "token-1", checkpointAt("5"));
    expect(written.ok).toBe(true);
    clock.advance(9_000);
    // 18 s after the take but 9 s after the checkpoint: still held.
    expect(renewer.heldLease("s1", "token-1")?.lease.checkpoint.sequenceNumber).toBe("5");
  });

  test("a renewal and a checkpoint racing on one lease are serialized, so neither looks like a theft", async () => {
    const { store, renewer } = await setup(["s1"]);
    const [round, written] = await Promise.all([
      renewer.renewLeases(),
      renewer.checkpoint("s1", "token-1", checkpointAt("7")),
    ]);
    expect(round.lost).toEqual([]);
    expect(written.ok).toBe(true);
    expect((await store.getLease("s1"))?.leaseCounter).toBe(3);
  });

  test("a checkpoint on a stolen lease fails and drops it", async () => {
    const { store, renewer } = await setup(["s1"]);
    const seen = await store.getLease("s1");
    if (seen) await store.takeLease(seen, "thief");
    expect((await renewer.checkpoint("s1", "token-1", checkpointAt("7"))).ok).toBe(false);
    expect(renewer.heldLease("s1")).toBeNull();
    expect((await store.getLease("s1"))?.checkpoint.sequenceNumber).toBe("TRIM_HORIZON");
  });

  test("evicting gives every lease back", async () => {
    const { store, renewer } = await setup();
    expect((await renewer.evictLeases()).sort()).toEqual(["s1", "s2"]);
    expect(renewer.heldLeases()).toEqual([]);
    expect((await store.listLeases()).map((l) => l.leaseOwner)).toEqual([null, null]);
  });

  test("a restarted worker adopts the leases it still owns", async () => {
    const { store, clock } = await setup();
    const again = new LeaseRenewer(store, { workerId: "me", leaseDurationMs: 10_000 }, clock.now);
    await store.createLeaseIfNotExists(leaseFixture("other", { leaseOwner: "someone" }));
    const adopted = await again.initialize(await store.listLeases());
    expect(adopted.map((h) => h.lease.leaseKey).sort()).toEqual(["s1", "s2"]);
  });

  test("deleting a finished lease stops holding it", async () => {
    const { store, renewer } = await setup(["s1"]);
    expect(await renewer.deleteLease("s1", "token-1")).toBe(true);
    expect(await store.getLease("s1")).toBeNull();
    expect(renewer.heldLease("s1")).toBeNull();
  });
});
