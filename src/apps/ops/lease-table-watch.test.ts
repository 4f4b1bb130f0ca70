/** @module Tests of the lease-table watch over the in-memory lease store, made to fail on demand. */
import { describe, expect, test } from "bun:test";
import { MemoryLeaseStore } from "../../adapters/memory/lease-store.ts";
import { newLease } from "../../core/leases/shard-sync.ts";
import type { LeaseStore } from "../../ports/lease-store.ts";
import { LeaseTableWatch } from "./lease-table-watch.ts";

/** A store that throws, as an unreachable DynamoDB does, while `down` is true. */
function flakyStore(inner: LeaseStore): { store: LeaseStore; setDown: (down: boolean) => void } {
  let down = false;
  const store = new Proxy(inner, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) =>
        down ? Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:4567")) : value.apply(target, args);
    },
  });
  return { store, setDown: (d) => (down = d) };
}

describe("LeaseTableWatch", () => {
  test("answers count as reachable, lost conditions included; failures only after the tolerance", async () => {
    let now = 1_000;
    const watch = new LeaseTableWatch(10_000, () => now);
    const { store, setDown } = flakyStore(new MemoryLeaseStore());
    const observed = watch.observe(store);
    const lease = newLease(
      {
        shardId: "shardId-000000000000",
        parentShardIds: [],
        hashKeyRange: { startingHashKey: "0", endingHashKey: "1" },
        endingSequenceNumber: null,
      },
      { sequenceNumber: "TRIM_HORIZON", subSequenceNumber: 0 },
    );
    expect(await observed.createLeaseIfNotExists(lease)).toBe(true);
    // A stale counter: the write is refused, which is an answer.
    const stale = await observed.renewLease({ ...lease, leaseCounter: 41 });
    expect(stale.ok).toBe(false);
    expect(watch.state()).toMatchObject({ reachable: true, failingForMs: null, calls: 2, failures: 0 });

    setDown(true);
    await expect(observed.listLeases()).rejects.toThrow("ECONNREFUSED");
    now += 9_999;
    await expect(observed.getLease(lease.leaseKey)).rejects.toThrow();
    expect(watch.state()).toMatchObject({ reachable: true, failingForMs: 9_999, failures: 2 });
    now += 1;
    expect(watch.state()).toMatchObject({
      reachable: false,
      failingForMs: 10_000,
      lastError: "connect ECONNREFUSED 127.0.0.1:4567",
    });

    setDown(false);
    expect(await observed.listLeases()).toHaveLength(1);
    expect(watch.state()).toMatchObject({ reachable: true, failingForMs: null });
  });
});
