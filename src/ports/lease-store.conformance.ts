/**
 * @module
 * The one conformance suite every `LeaseStore` passes: the in-memory store and DynamoDB (on
 * dynalite, or a real table). It pins the KCL semantics the lease coordination relies on: what each
 * write changes, what it expects, and that a failed expectation is a `LeaseLost` value, never an
 * exception. Each adapter's test file calls `describeLeaseStore` with a factory for an empty store.
 *
 * @example
 * describeLeaseStore("memory", async () => ({ store: new MemoryLeaseStore(), close: async () => {} }));
 */
import { describe, expect, test } from "bun:test";
import { type Lease, type LeaseStore, leaseLost } from "./lease-store.ts";

export interface OpenedLeaseStore {
  readonly store: LeaseStore;
  close(): Promise<void>;
}

/** A fresh, unowned lease at TRIM_HORIZON. */
export function leaseFixture(leaseKey: string, overrides: Partial<Lease> = {}): Lease {
  return {
    leaseKey,
    leaseOwner: null,
    leaseCounter: 0,
    checkpoint: { sequenceNumber: "TRIM_HORIZON", subSequenceNumber: 0 },
    pendingCheckpoint: null,
    pendingCheckpointState: null,
    ownerSwitchesSinceCheckpoint: 0,
    parentShardIds: [],
    childShardIds: [],
    hashKeyRange: null,
    ...overrides,
  };
}

/** Sets have no order in DynamoDB: compare leases with sorted shard id lists. */
const normalized = (lease: Lease | null): unknown =>
  lease && {
    ...lease,
    parentShardIds: [...lease.parentShardIds].sort(),
    childShardIds: [...lease.childShardIds].sort(),
    pendingCheckpointState: lease.pendingCheckpointState && [...lease.pendingCheckpointState],
  };

/** Registers the suite. `open` gives an empty store; `close` releases it. */
export function describeLeaseStore(name: string, open: () => Promise<OpenedLeaseStore>): void {
  const withStore = (fn: (store: LeaseStore) => Promise<void>) => async () => {
    const opened = await open();
    try {
      await fn(opened.store);
    } finally {
      await opened.close();
    }
  };

  describe(`LeaseStore conformance: ${name}`, () => {
    test(
      "create writes every attribute once; a second create of the same key is refused",
      withStore(async (store) => {
        const full = leaseFixture("shardId-000000000002", {
          leaseOwner: "worker-a",
          leaseCounter: 7,
          checkpoint: {
            sequenceNumber: "49590338271490256608559692538361571095921575989136588802",
            subSequenceNumber: 3,
          },
          pendingCheckpoint: {
            sequenceNumber: "49590338271490256608559692538361571095921575989136588899",
            subSequenceNumber: 0,
          },
          pendingCheckpointState: new Uint8Array([1, 2, 3]),
          ownerSwitchesSinceCheckpoint: 2,
          parentShardIds: ["shardId-000000000000", "shardId-000000000001"],
          childShardIds: ["shardId-000000000004"],
          hashKeyRange: { startingHashKey: "0", endingHashKey: "340282366920938463463374607431768211455" },
        });
        expect(await store.createLeaseIfNotExists(full)).toBe(true);
        expect(normalized(await store.getLease(full.leaseKey))).toEqual(normalized(full));
        expect(await store.createLeaseIfNotExists(leaseFixture(full.leaseKey))).toBe(false);
        expect((await store.getLease(full.leaseKey))?.leaseCounter).toBe(7);
        expect(await store.getLease("shardId-000000000009")).toBeNull();
      }),
    );

    test(
      "every sentinel checkpoint round-trips; list returns every lease",
      withStore(async (store) => {
        const sentinels = ["TRIM_HORIZON", "LATEST", "AT_TIMESTAMP", "SHARD_END"];
        for (const [i, s] of sentinels.entries()) {
          await store.createLeaseIfNotExists(
            leaseFixture(`shardId-00000000000${i}`, {
              checkpoint: { sequenceNumber: s, subSequenceNumber: 0 },
            }),
          );
        }
        const listed = (await store.listLeases()).sort((a, b) => a.leaseKey.localeCompare(b.leaseKey));
        expect(listed.map((l) => l.checkpoint.sequenceNumber)).toEqual(sentinels);
      }),
    );

    test(
      "take sets the owner and increments the counter; owner switches count only changes of owner",
      withStore(async (store) => {
        await store.createLeaseIfNotExists(leaseFixture("s"));
        const first = await store.takeLease(leaseFixture("s"), "worker-a");
        expect(first.ok && first.value).toMatchObject({
          leaseOwner: "worker-a",
          leaseCounter: 1,
          ownerSwitchesSinceCheckpoint: 0,
        });
        if (!first.ok) return;
        const again = await store.takeLease(first.value, "worker-a");
        expect(again.ok && again.value).toMatchObject({ leaseCounter: 2, ownerSwitchesSinceCheckpoint: 0 });
        if (!again.ok) return;
        const stolen = await store.takeLease(again.value, "worker-b");
        expect(stolen.ok && stolen.value).toMatchObject({
          leaseOwner: "worker-b",
          leaseCounter: 3,
          ownerSwitchesSinceCheckpoint: 1,
        });
      }),
    );

    test(
      "a take, renew, checkpoint or delete with a stale counter is a lost lease and changes nothing",
      withStore(async (store) => {
        await store.createLeaseIfNotExists(leaseFixture("s"));
        const stale = leaseFixture("s");
        const taken = await store.takeLease(stale, "worker-a");
        expect(taken.ok).toBe(true);
        const lost = leaseLost("s");
        expect(await store.takeLease(stale, "worker-b")).toEqual(lost);
        expect(await store.renewLease({ ...stale, leaseOwner: "worker-b" })).toEqual(lost);
        expect(await store.checkpointLease(stale, { sequenceNumber: "1", subSequenceNumber: 0 })).toEqual(
          lost,
        );
        expect(await store.deleteLease(stale)).toEqual(lost);
        expect(await store.getLease("s")).toMatchObject({
          leaseOwner: "worker-a",
          leaseCounter: 1,
          checkpoint: { sequenceNumber: "TRIM_HORIZON" },
        });
      }),
    );

    test(
      "renew increments only the counter",
      withStore(async (store) => {
        await store.createLeaseIfNotExists(leaseFixture("s"));
        const taken = await store.takeLease(leaseFixture("s"), "worker-a");
        if (!taken.ok) throw new Error("take failed");
        const renewed = await store.renewLease(taken.value);
        expect(renewed).toEqual({ ok: true, value: { ...taken.value, leaseCounter: 2 } });
      }),
    );

    test(
      "checkpoint sets the checkpoint, resets owner switches, clears the pending checkpoint",
      withStore(async (store) => {
        const lease = leaseFixture("s", {
          leaseOwner: "worker-a",
          leaseCounter: 4,
          ownerSwitchesSinceCheckpoint: 3,
          pendingCheckpoint: { sequenceNumber: "99", subSequenceNumber: 0 },
          pendingCheckpointState: new Uint8Array([9]),
        });
        await store.createLeaseIfNotExists(lease);
        const written = await store.checkpointLease(lease, { sequenceNumber: "12345", subSequenceNumber: 2 });
        expect(written.ok && normalized(written.value)).toEqual(
          normalized({
            ...lease,
            leaseCounter: 5,
            checkpoint: { sequenceNumber: "12345", subSequenceNumber: 2 },
            ownerSwitchesSinceCheckpoint: 0,
            pendingCheckpoint: null,
            pendingCheckpointState: null,
          }),
        );
        expect(normalized(await store.getLease("s"))).toEqual(written.ok ? normalized(written.value) : null);
      }),
    );

    test(
      "evict removes the owner and increments the counter; it expects the owner",
      withStore(async (store) => {
        const lease = leaseFixture("s", { leaseOwner: "worker-a", leaseCounter: 2 });
        await store.createLeaseIfNotExists(lease);
        expect((await store.evictLease({ ...lease, leaseOwner: "worker-b" })).ok).toBe(false);
        const evicted = await store.evictLease(lease);
        expect(evicted.ok && evicted.value).toMatchObject({ leaseOwner: null, leaseCounter: 3 });
        expect((await store.getLease("s"))?.leaseOwner).toBeNull();
        expect((await store.evictLease(lease)).ok).toBe(false);
      }),
    );

    test(
      "child shards are recorded without touching the counter, only on an existing lease",
      withStore(async (store) => {
        await store.createLeaseIfNotExists(leaseFixture("p", { leaseCounter: 5 }));
        expect(await store.recordChildShards("p", ["c1", "c2"])).toBe(true);
        const parent = await store.getLease("p");
        expect(parent?.leaseCounter).toBe(5);
        expect([...(parent?.childShardIds ?? [])].sort()).toEqual(["c1", "c2"]);
        expect(await store.recordChildShards("absent", ["c1"])).toBe(false);
        expect(await store.getLease("absent")).toBeNull();
      }),
    );

    test(
      "delete expects the counter; operations on a deleted lease are lost",
      withStore(async (store) => {
        const lease = leaseFixture("s", { leaseOwner: "worker-a", leaseCounter: 1 });
        await store.createLeaseIfNotExists(lease);
        expect(await store.deleteLease(lease)).toEqual({ ok: true, value: undefined });
        expect(await store.getLease("s")).toBeNull();
        expect((await store.renewLease(lease)).ok).toBe(false);
        expect((await store.takeLease(lease, "worker-b")).ok).toBe(false);
        expect((await store.checkpointLease(lease, { sequenceNumber: "1", subSequenceNumber: 0 })).ok).toBe(
          false,
        );
        expect(await store.listLeases()).toEqual([]);
      }),
    );

    test(
      "of two workers taking the same lease at once, exactly one wins",
      withStore(async (store) => {
        await store.createLeaseIfNotExists(leaseFixture("s"));
        const seen = leaseFixture("s");
        const results = await Promise.all(
          ["a", "b", "c", "d"].map((w) => store.takeLease(seen, `worker-${w}`)),
        );
        expect(results.filter((r) => r.ok)).toHaveLength(1);
        const winner = results.find((r) => r.ok);
        expect((await store.getLease("s"))?.leaseOwner).toBe(winner?.ok ? winner.value.leaseOwner : "none");
      }),
    );

    test(
      "lists a table of many leases",
      withStore(async (store) => {
        const keys = Array.from({ length: 120 }, (_, i) => `shardId-${String(i).padStart(12, "0")}`);
        await Promise.all(keys.map((k) => store.createLeaseIfNotExists(leaseFixture(k))));
        expect((await store.listLeases()).map((l) => l.leaseKey).sort()).toEqual(keys);
      }),
    );
  });
}
