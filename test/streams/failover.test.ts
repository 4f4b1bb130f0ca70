/**
 * @module
 * SIGKILL one of three workers while records flow: its leases expire and the others take them;
 * every produced record is handled at least once; every record handled twice was first handled in
 * an un-checkpointed window (after the last checkpoint its worker wrote before losing the lease).
 * Prints the failover time and the number of duplicates.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { isBalanced, type Produced, type RecordLine, StreamFleet, sleep, TEST_CONSUMER } from "./fleet.ts";

const LEASE_MS = TEST_CONSUMER.leaseDurationMs ?? 1_000;
const TAKER_MS = (LEASE_MS + 25) * 2;
let fleet: StreamFleet;

beforeAll(async () => {
  fleet = await StreamFleet.start("failover", 4);
});
afterAll(async () => {
  await fleet.close();
});

const bigger = (a: string, b: string): boolean => BigInt(a) > BigInt(b);

test("a SIGKILLed worker's shards are taken over; no record is lost; duplicates come only from the un-checkpointed window", async () => {
  const workers = ["w1", "w2", "w3"];
  await Promise.all(workers.map((w) => fleet.spawn(w)));
  await fleet.waitFor("2/1/1", async () => isBalanced(await fleet.ownerCounts(), 3, 4), 10 * TAKER_MS);

  // Produce 40 records every 50 ms for 6 s (about 3000 on a 2-core machine), and kill the worker holding two leases
  // 2 s in, mid-stream.
  const produced: Produced[] = [];
  let n = 0;
  let producing = true;
  const producer = (async () => {
    while (producing) {
      const batch = Array.from({ length: 40 }, () => ({ id: `e${n}`, pk: `pk-${n++ % 97}` }));
      produced.push(...(await fleet.produce(batch)));
      await sleep(50);
    }
  })();
  await sleep(2_000);
  const victim = Object.entries(await fleet.ownerCounts()).find(([, count]) => count === 2)?.[0] ?? "w1";
  const victimShards = (await fleet.leases()).filter((l) => l.leaseOwner === victim).map((l) => l.leaseKey);
  const killedAt = Date.now();
  await fleet.kill(victim, "SIGKILL");
  // Nobody can take its leases for a lease duration, so this is the checkpoint it left.
  const leftBehind = new Map((await fleet.leases()).map((l) => [l.leaseKey, l.checkpoint.sequenceNumber]));
  await sleep(4_000);
  producing = false;
  await producer;

  await fleet.waitFor("every produced record to be handled", () => {
    const seen = new Set(fleet.handled().map((h) => h.id));
    return produced.every((p) => seen.has(p.id));
  });
  await fleet.stopAll();

  const survivors = workers.filter((w) => w !== victim);
  const takeovers = survivors.flatMap((w) =>
    fleet
      .events(w, "lease-taken")
      .filter((e) => victimShards.includes(String(e.leaseKey)) && e.at > killedAt),
  );
  // Failover: from the kill to the first and the last of its shards taken by a survivor.
  const takenAt = victimShards.map((s) =>
    Math.min(...takeovers.filter((e) => e.leaseKey === s).map((e) => e.at)),
  );
  const firstTaken = Math.min(...takenAt) - killedAt;
  const allTaken = Math.max(...takenAt) - killedAt;

  // Duplicates, and where each first came from.
  const byId = new Map<string, RecordLine[]>();
  for (const h of fleet.handled()) byId.set(h.id, [...(byId.get(h.id) ?? []), h]);
  const duplicates = [...byId.values()].filter((hs) => hs.length > 1);
  // A holding of a lease ends when its worker notices the loss (a lease-lost event) or is killed.
  // A duplicate is explained if its first handling came after the last checkpoint its worker wrote
  // before that holding ended: the un-checkpointed window.
  const holdingEnd = (worker: string, shardId: string, after: number): number => {
    const ends = fleet
      .events(worker, "lease-lost")
      .filter((e) => e.leaseKey === shardId && e.at >= after)
      .map((e) => e.at);
    if (worker === victim && victimShards.includes(shardId)) ends.push(killedAt);
    return Math.min(...ends);
  };
  const lastCheckpointBefore = (worker: string, shardId: string, end: number): string => {
    const written = fleet
      .events(worker, "checkpoint")
      .filter((e) => e.shardId === shardId && e.at <= end && /^\d+$/.test(String(e.sequenceNumber)))
      .map((e) => String(e.sequenceNumber));
    const left = leftBehind.get(shardId) ?? "";
    if (worker === victim && end === killedAt && /^\d+$/.test(left)) written.push(left);
    return written.reduce((a, b) => (bigger(b, a) ? b : a), "0");
  };
  const firstOf = (hs: readonly RecordLine[]) => hs.reduce((a, b) => (b.at < a.at ? b : a));
  const unexplained = duplicates.filter((hs) => {
    const first = firstOf(hs);
    const end = holdingEnd(first.worker, first.shardId, first.at);
    return !(
      Number.isFinite(end) && bigger(first.seq, lastCheckpointBefore(first.worker, first.shardId, end))
    );
  });
  const fromVictim = duplicates.filter((hs) => {
    const first = firstOf(hs);
    return first.worker === victim && victimShards.includes(first.shardId);
  }).length;
  console.log(
    `failover: killed ${victim} (${victimShards.join(", ")}) mid-stream; first shard taken after ${Math.round(firstTaken)} ms, ` +
      `all after ${Math.round(allTaken)} ms (lease ${LEASE_MS} ms, taker ${TAKER_MS} ms); ${produced.length} produced, ` +
      `${byId.size} handled, 0 lost; ${duplicates.length} duplicates (${fromVictim} first handled by ${victim} ` +
      `on its shards after their last checkpoint, ${duplicates.length - fromVictim} from leases that ` +
      `changed hands otherwise, also after their holder's last checkpoint)`,
  );

  expect(produced.length).toBeGreaterThan(1_000);
  expect(produced.filter((p) => !byId.has(p.id))).toEqual([]);
  // A duplicate the checkpoints do not explain can still be genuine at-least-once delivery: on a
  // loaded machine a renewal can come later than the (1 s, test-sized) lease, so another worker
  // takes the lease while the holder finishes its batch, exactly as KCL allows. Such a duplicate is
  // always handled by two different workers; one worker handling a record twice would be a bug.
  if (unexplained.length > 0) {
    console.log(`failover: ${unexplained.length} duplicates from leases taken while their holder was busy`);
  }
  expect(
    unexplained
      .filter((hs) => new Set(hs.map((h) => h.worker)).size < 2)
      .map((hs) => hs.map((h) => `${h.id}@${h.worker}/${h.shardId}`)),
  ).toEqual([]);
  // Expiry is observed by scans: a lease period plus at most two taker intervals (and a second of
  // slack for a loaded machine).
  expect(takenAt.every(Number.isFinite)).toBe(true);
  expect(firstTaken).toBeGreaterThan(LEASE_MS);
  expect(allTaken).toBeLessThanOrEqual(LEASE_MS + 2 * TAKER_MS + 1_000);

  // After the graceful stop, every shard's checkpoint is its last record, and nobody owns it.
  const lastSeq = new Map<string, string>();
  for (const p of produced)
    if (!lastSeq.has(p.shardId) || bigger(p.seq, lastSeq.get(p.shardId) ?? "0"))
      lastSeq.set(p.shardId, p.seq);
  for (const lease of await fleet.leases()) {
    expect(lease.checkpoint.sequenceNumber).toBe(lastSeq.get(lease.leaseKey) ?? "");
    expect(lease.leaseOwner).toBeNull();
  }
}, 60_000);
