/**
 * @module
 * Shard lineage: leases for new shards (KCL `HierarchicalShardSyncer`), children blocked on their
 * parents (`BlockOnParentShardTask`), child leases at shard end (`ShutdownTask`) and cleanup of
 * finished parents (`LeaseCleanupManager`).
 */
import { describe, expect, test } from "bun:test";
import { leaseFixture } from "../../ports/lease-store.conformance.ts";
import type { Lease } from "../../ports/lease-store.ts";
import type { Shard } from "../../ports/shard-reader.ts";
import { checkpointAt, SHARD_END, TRIM_HORIZON } from "./checkpoint.ts";
import { childLeases, completedLeasesToDelete, leasesToCreate, parentsCompleted } from "./shard-sync.ts";

const MAX = "340282366920938463463374607431768211455";
const MID = "170141183460469231731687303715884105728";
const shard = (shardId: string, parents: string[] = [], closed = false, range = ["0", MAX]): Shard => ({
  shardId,
  parentShardIds: parents,
  hashKeyRange: { startingHashKey: range[0] ?? "0", endingHashKey: range[1] ?? MAX },
  endingSequenceNumber: closed ? "49590338271490256608559692538361571095921575989136588802" : null,
});

// shard 0 split into 1 and 2; 1 and 2 merged into 3.
const SPLIT = [
  shard("s0", [], true),
  shard("s1", ["s0"], false, ["0", MID]),
  shard("s2", ["s0"], false, [MID, MAX]),
];
const MERGED = [
  shard("s0", [], true),
  shard("s1", ["s0"], true, ["0", MID]),
  shard("s2", ["s0"], true, [MID, MAX]),
  shard("s3", ["s1", "s2"]),
];
const at = (leases: readonly Lease[]) =>
  Object.fromEntries(leases.map((l) => [l.leaseKey, l.checkpoint.sequenceNumber]));

describe("leasesToCreate", () => {
  test("empty table, TRIM_HORIZON: every shard, parents first, with their lineage", () => {
    const created = leasesToCreate([...SPLIT].reverse(), [], { type: "TRIM_HORIZON" });
    expect(created.map((l) => l.leaseKey)).toEqual(["s0", "s2", "s1"]);
    expect(at(created)).toEqual({ s0: "TRIM_HORIZON", s1: "TRIM_HORIZON", s2: "TRIM_HORIZON" });
    expect(created.find((l) => l.leaseKey === "s1")).toMatchObject({
      leaseOwner: null,
      leaseCounter: 0,
      parentShardIds: ["s0"],
      hashKeyRange: { startingHashKey: "0", endingHashKey: MID },
    });
  });

  test("empty table, LATEST: only open shards", () => {
    expect(at(leasesToCreate(SPLIT, [], { type: "LATEST" }))).toEqual({ s1: "LATEST", s2: "LATEST" });
  });

  test("empty table, AT_TIMESTAMP: every shard at AT_TIMESTAMP", () => {
    const created = leasesToCreate(MERGED, [], { type: "AT_TIMESTAMP", timestamp: new Date(0) });
    expect(Object.values(at(created))).toEqual([
      "AT_TIMESTAMP",
      "AT_TIMESTAMP",
      "AT_TIMESTAMP",
      "AT_TIMESTAMP",
    ]);
  });

  test("children of a leased shard get leases at TRIM_HORIZON, grandchildren too", () => {
    const created = leasesToCreate(MERGED, [leaseFixture("s0", { checkpoint: checkpointAt("123") })], {
      type: "LATEST",
    });
    expect(at(created)).toEqual({ s1: "TRIM_HORIZON", s2: "TRIM_HORIZON", s3: "TRIM_HORIZON" });
    expect(created.find((l) => l.leaseKey === "s3")?.parentShardIds).toEqual(["s1", "s2"]);
  });

  test("with AT_TIMESTAMP, descendants start at AT_TIMESTAMP", () => {
    const created = leasesToCreate(SPLIT, [leaseFixture("s0")], {
      type: "AT_TIMESTAMP",
      timestamp: new Date(0),
    });
    expect(at(created)).toEqual({ s1: "AT_TIMESTAMP", s2: "AT_TIMESTAMP" });
  });

  test("finished and cleaned-up shards are not leased again; nothing new, nothing created", () => {
    // s0 was deleted after s1 and s2 started.
    const leases = [leaseFixture("s1", { checkpoint: checkpointAt("9") }), leaseFixture("s2")];
    expect(leasesToCreate(SPLIT, leases, { type: "TRIM_HORIZON" })).toEqual([]);
  });

  test("an open shard with no leased parent starts at the initial position", () => {
    const leases = [leaseFixture("s9")];
    expect(at(leasesToCreate(SPLIT, leases, { type: "LATEST" }))).toEqual({ s1: "LATEST", s2: "LATEST" });
  });
});

describe("parentsCompleted", () => {
  test("a child waits for every parent lease still in the table to be at SHARD_END", () => {
    expect(parentsCompleted([])).toBe(true);
    expect(parentsCompleted([null])).toBe(true);
    expect(parentsCompleted([leaseFixture("s1", { checkpoint: SHARD_END }), null])).toBe(true);
    expect(parentsCompleted([leaseFixture("s1", { checkpoint: SHARD_END }), leaseFixture("s2")])).toBe(false);
    expect(parentsCompleted([leaseFixture("s1", { checkpoint: checkpointAt("5") })])).toBe(false);
  });
});

describe("childLeases", () => {
  test("the children of a shard, at TRIM_HORIZON, with both parents after a merge", () => {
    expect(childLeases("s0", SPLIT).map((l) => [l.leaseKey, l.checkpoint])).toEqual([
      ["s1", TRIM_HORIZON],
      ["s2", TRIM_HORIZON],
    ]);
    expect(childLeases("s2", MERGED).map((l) => [l.leaseKey, l.parentShardIds])).toEqual([
      ["s3", ["s1", "s2"]],
    ]);
  });
});

describe("completedLeasesToDelete", () => {
  const parent = leaseFixture("s0", { leaseOwner: "me", checkpoint: SHARD_END, childShardIds: ["s1", "s2"] });
  test("a finished lease goes once every child has started", () => {
    const started = [
      parent,
      leaseFixture("s1", { checkpoint: checkpointAt("3") }),
      leaseFixture("s2", { checkpoint: SHARD_END }),
    ];
    expect(completedLeasesToDelete(started, "me").map((l) => l.leaseKey)).toEqual(["s0"]);
    // Only the owner cleans up.
    expect(completedLeasesToDelete(started, "other")).toEqual([]);
  });

  test("it stays while a child has not started, has no lease, or a parent of its own remains", () => {
    expect(
      completedLeasesToDelete(
        [parent, leaseFixture("s1", { checkpoint: checkpointAt("3") }), leaseFixture("s2")],
        "me",
      ),
    ).toEqual([]);
    expect(
      completedLeasesToDelete([parent, leaseFixture("s1", { checkpoint: checkpointAt("3") })], "me"),
    ).toEqual([]);
    const withGrandparent = [
      { ...parent, parentShardIds: ["g"] },
      leaseFixture("g"),
      leaseFixture("s1", { checkpoint: checkpointAt("3") }),
      leaseFixture("s2", { checkpoint: checkpointAt("3") }),
    ];
    expect(completedLeasesToDelete(withGrandparent, "me")).toEqual([]);
  });
});
