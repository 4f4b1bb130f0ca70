/**
 * @module
 * A worker whose handler throws for one batch: the batch is retried unchanged until it succeeds,
 * and while it fails no checkpoint moves to or past its first record, though the batches before it
 * are checkpointed. Observed from outside, through the lease table.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { type Produced, StreamFleet, sleep } from "./fleet.ts";

let fleet: StreamFleet;
beforeAll(async () => {
  fleet = await StreamFleet.start("handler-failure", 1);
});
afterAll(async () => {
  await fleet.close();
});

const SHARD = "shardId-000000000000";

test("a throwing handler gets the same batch again, and nothing after the failed batch is checkpointed", async () => {
  const produced: Produced[] = await fleet.produce(
    Array.from({ length: 300 }, (_, i) => ({ id: `r${i}`, pk: `pk${i % 7}` })),
  );
  // Batches of 100: r0–r99, r100–r199, r200–r299. The second fails six times.
  await fleet.spawn("w1", { failBatchContaining: "r150", failAttempts: 6, consumer: { maxRecords: 100 } });
  const failedFirst = produced[100]?.seq ?? "";
  // The lease table as read from outside, stamped with when each read began.
  const observed: { at: number; checkpoint: string }[] = [];
  let recovered = false;
  const watcher = (async () => {
    while (!recovered) {
      const at = Date.now();
      const lease = (await fleet.leases())[0];
      if (lease) observed.push({ at, checkpoint: lease.checkpoint.sequenceNumber });
      await sleep(20);
    }
  })();
  await fleet.waitFor("the failed batch to be handled", () => fleet.handled().some((h) => h.id === "r150"));
  recovered = true;
  await watcher;
  await fleet.waitFor("all 300", () => fleet.handled().length >= 300);
  await fleet.stopAll();

  const attempts = fleet.lines("w1").filter((l) => l.kind === "attempt");
  const ofFailed = attempts.filter((a) => a.kind === "attempt" && a.first === failedFirst);
  // Reads begun before the successful attempt: the batch was failing throughout them.
  const successAt = ofFailed.find((a) => a.kind === "attempt" && !a.failing)?.at ?? 0;
  const whileFailing = observed.filter((o) => o.at < successAt).map((o) => o.checkpoint);
  const numeric = whileFailing.filter((s) => /^\d+$/.test(s));
  console.log(
    `handler failure: batch ${failedFirst.slice(-6)}… attempted ${ofFailed.length} times ` +
      `(${ofFailed.filter((a) => a.kind === "attempt" && a.failing).length} failed); the lease table, read ${whileFailing.length} times ` +
      `while it failed, never showed a checkpoint beyond r${produced.findIndex((p) => p.seq === numeric.at(-1))}`,
  );
  // Retried as it was: same first and last record, six failures, then success.
  expect(ofFailed.filter((a) => a.kind === "attempt" && a.failing)).toHaveLength(6);
  expect(ofFailed.at(-1)).toMatchObject({ failing: false });
  expect(
    new Set(ofFailed.map((a) => (a.kind === "attempt" ? `${a.first}-${a.last}-${a.count}` : ""))),
  ).toEqual(new Set([`${failedFirst}-${produced[199]?.seq}-100`]));
  // Never checkpointed at or past the failed batch while it failed; the batch before it was.
  expect(numeric.every((s) => BigInt(s) < BigInt(failedFirst))).toBe(true);
  expect(numeric).toContain(produced[99]?.seq ?? "");
  // Handled once each: a failed attempt hands nothing on. (Unless a renewal came so late on a
  // starved machine that the 1 s lease expired: then the window since the checkpoint is read again.)
  const handledIds = fleet.handled().map((h) => h.id);
  expect(new Set(handledIds)).toEqual(new Set(produced.map((p) => p.id)));
  if (fleet.events("w1", "lease-lost").length === 0) expect(handledIds).toHaveLength(produced.length);
  const [lease] = await fleet.leases();
  expect(lease).toMatchObject({
    leaseKey: SHARD,
    leaseOwner: null,
    checkpoint: { sequenceNumber: produced[299]?.seq },
  });
}, 60_000);
