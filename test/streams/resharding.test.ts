/**
 * @module
 * Split a shard while records flow and two workers consume: every record is still handled, and for
 * every partition key the records of the parent shard are handled before those of its children
 * (KCL: children wait until their parents are checkpointed at SHARD_END). Then the finished
 * parent's lease is cleaned up.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { SplitShardCommand } from "@aws-sdk/client-kinesis";
import { type Produced, StreamFleet, sleep } from "./fleet.ts";

let fleet: StreamFleet;
beforeAll(async () => {
  fleet = await StreamFleet.start("resharding", 2);
});
afterAll(async () => {
  await fleet.close();
});

const PARENT = "shardId-000000000000";

test("a split while producing loses nothing and keeps parents before children per partition key", async () => {
  await Promise.all(["w1", "w2"].map((w) => fleet.spawn(w)));
  // 30 partition keys, each with its own counter: record "k7/12" is the 12th of key k7.
  const produced: Produced[] = [];
  const next = new Map<string, number>();
  let producing = true;
  let i = 0;
  const producer = (async () => {
    while (producing) {
      const batch = Array.from({ length: 30 }, () => {
        const pk = `k${i++ % 30}`;
        const n = next.get(pk) ?? 0;
        next.set(pk, n + 1);
        return { id: `${pk}/${n}`, pk };
      });
      produced.push(...(await fleet.produce(batch)));
      await sleep(50);
    }
  })();
  await sleep(1_500);
  const [shard0] = await fleet.leases();
  const range = shard0?.hashKeyRange;
  if (!range) throw new Error("no hash key range on the lease");
  const middle = (BigInt(range.startingHashKey) + BigInt(range.endingHashKey)) / 2n;
  const splitAt = Date.now();
  await fleet.kinesis.send(
    new SplitShardCommand({
      StreamName: fleet.streamName,
      ShardToSplit: PARENT,
      NewStartingHashKey: middle.toString(),
    }),
  );
  await sleep(2_500);
  producing = false;
  await producer;
  await fleet.waitFor("every produced record to be handled", () => {
    const seen = new Set(fleet.handled().map((h) => h.id));
    return produced.every((p) => seen.has(p.id));
  });
  const children = produced.filter((p) => p.shardId !== PARENT && p.shardId !== "shardId-000000000001");
  // Cleanup: the parent lease goes once both children have checkpointed past TRIM_HORIZON.
  await fleet.waitFor(
    "the parent lease to be cleaned up",
    async () => !(await fleet.leases()).some((l) => l.leaseKey === PARENT),
  );
  await fleet.stopAll();

  // First handling of each record, across both workers.
  const first = new Map<string, { at: number; shardId: string }>();
  for (const h of fleet.handled()) {
    const seen = first.get(h.id);
    if (!seen || h.at < seen.at) first.set(h.id, { at: h.at, shardId: h.shardId });
  }
  expect(produced.filter((p) => !first.has(p.id))).toEqual([]);
  const outOfOrder: string[] = [];
  let keysAcrossTheSplit = 0;
  for (const [pk, count] of next) {
    const times = Array.from({ length: count }, (_, n) => first.get(`${pk}/${n}`)?.at ?? Number.NaN);
    for (let n = 1; n < count; n++)
      if (!((times[n] ?? 0) >= (times[n - 1] ?? 0))) outOfOrder.push(`${pk}/${n}`);
    const shards = new Set(Array.from({ length: count }, (_, n) => first.get(`${pk}/${n}`)?.shardId));
    if (shards.has(PARENT) && shards.size > 1) keysAcrossTheSplit++;
  }
  const ends = ["w1", "w2"].flatMap((w) => fleet.events(w, "shard-end"));
  const childStarts = ["w1", "w2"].flatMap((w) =>
    fleet
      .events(w, "shard-started")
      .filter((e) => e.shardId !== PARENT && e.shardId !== "shardId-000000000001"),
  );
  const parentEnd = Math.min(...ends.filter((e) => e.shardId === PARENT).map((e) => e.at));
  const duplicates = fleet.handled().length - first.size;
  console.log(
    `resharding: split ${PARENT} into ${String(ends.find((e) => e.shardId === PARENT)?.childShardIds)}; ` +
      `${produced.length} produced (${children.length} into the children), all handled, ${duplicates} duplicates; ` +
      `${keysAcrossTheSplit} partition keys crossed the split in order; parent at SHARD_END ${Math.round(parentEnd - splitAt)} ms ` +
      `after the split, children started ${childStarts.map((e) => Math.round(e.at - parentEnd)).join(", ")} ms after that`,
  );
  expect(outOfOrder).toEqual([]);
  expect(keysAcrossTheSplit).toBeGreaterThan(10);
  expect(children.length).toBeGreaterThan(100);
  expect(childStarts.length).toBeGreaterThanOrEqual(2);
  expect(childStarts.every((e) => e.at > parentEnd)).toBe(true);
  const leases = await fleet.leases();
  expect(leases.map((l) => [l.leaseKey, l.parentShardIds])).toEqual([
    ["shardId-000000000001", []],
    ["shardId-000000000002", [PARENT]],
    ["shardId-000000000003", [PARENT]],
  ]);
}, 60_000);
