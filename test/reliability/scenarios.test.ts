/**
 * @module
 * Proof under fire (issue #9): the whole pipeline as separate `furrow` processes (see
 * `pipeline.ts`), Node-tracker traffic with known event ids (see `traffic.ts`), one fault per
 * scenario, and at the end of each an account of every event (see `ledger.ts`): every event the
 * collector acknowledged is in `atomic.events` and the enriched bucket, or in a bad-row table and
 * the bad bucket, as what it was meant to be, and never as both. Each scenario prints one line:
 * sent, accepted, good, bad, lost, duplicated (copies before dedup) and recovery time, the time
 * from the end of the fault (a process started again, an engine back; for the baseline, the end of
 * the traffic) until every event accepted before then was delivered.
 *
 * Scenarios run one after the other on one pipeline, each with its own app_id. Short by default;
 * `FURROW_RELIABILITY_SECONDS=60` sends for a minute per scenario (and scales the outages).
 * `FURROW_RELIABILITY_RATE` sets events per second (100 by default).
 *
 * The one exception to "nothing accepted is lost" is the collector's SIGKILL in its default mode:
 * like Snowplow's collector, it answers a request before the raw stream acknowledges its record, so
 * what sits in its buffer when it is killed is gone. That scenario checks that the loss is confined
 * to that buffer: every lost event was accepted within the buffer's time limit (plus one PutRecords
 * round) before the kill. The next one runs the collector with `--acknowledge-after-write` (as
 * `furrow up` does) and checks that a SIGKILL then loses nothing.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { realPostgresProblem } from "../support/real-postgres.ts";
import { type Holdings, Ledger, outcome, type Reckoning, reckon } from "./ledger.ts";
import { type Pipeline, startPipeline } from "./pipeline.ts";
import { startTraffic, type Traffic } from "./traffic.ts";

const env = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  return Number.isFinite(value) && value > 0 ? value : fallback;
};
/** Seconds of traffic per scenario. */
const SECONDS = env("FURROW_RELIABILITY_SECONDS", 3);
const RATE = env("FURROW_RELIABILITY_RATE", 100);
const TRAFFIC_MS = SECONDS * 1000;
/** A scenario's time limit: its traffic, the tracker's retries and the drain, scaled with the traffic. */
const budget = (ms: number) => ms + 4 * TRAFFIC_MS;
const COLLECTOR_BUFFER_MS = 100;
const ENRICH_LEASE_MS = 3_000;
/** The loaders' lease: a killed loader's shard is taken over after about twice this. */
const LOADER_LEASE_MS = 3_000;
/** Every stream worker's --shutdown-timeout, below the 15 s after which `pipeline.stop()` kills. */
const SHUTDOWN_TIMEOUT_MS = 10_000;
/** Poll of the bucket and the tables while a scenario drains. */
const POLL_MS = 500;

const postgresProblem = await realPostgresProblem();
if (postgresProblem !== null)
  console.warn(`skipped: the reliability suite needs PostgreSQL at 127.0.0.1:5432 (${postgresProblem})`);

let pipeline: Pipeline;
let ledger: Ledger;
const table: string[] = [];

/** What a scenario reports, for the table in docs/reliability.md. */
interface Row {
  readonly scenario: string;
  readonly figures: Reckoning;
  readonly recoveryMs: number | null;
  readonly traffic: Traffic;
  /** What the fault did (calls throttled, connections cut…), for the printed line. */
  readonly note?: string;
}

/**
 * Watches the bucket and the tables, from now on: when each accepted event was first seen
 * delivered. Once `sending` has settled (no event will be accepted any more), it stops when every
 * accepted event was seen, when nothing new arrived for `quietMs`, or after `hardMs`.
 */
async function drain(
  traffic: Traffic,
  quietMs: number,
  hardMs: number,
  sending: Promise<unknown> = Promise.resolve(),
): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  let sent = false;
  sending.then(
    () => (sent = true),
    () => (sent = true),
  );
  let sentAt: number | undefined;
  let lastProgress = performance.now();
  for (;;) {
    const h = await ledger.read();
    const now = performance.now();
    for (const id of traffic.accepted.keys()) {
      if (!seen.has(id) && outcome(h, id) !== null) {
        seen.set(id, now);
        lastProgress = now;
      }
    }
    if (!sent) lastProgress = now;
    else {
      sentAt ??= now;
      if (seen.size === traffic.accepted.size) return seen;
      if (now - lastProgress > quietMs || now - sentAt > hardMs) return seen;
    }
    await Bun.sleep(POLL_MS);
  }
}

/** The recovery time: until the last event accepted before `faultEnd` was seen delivered. */
function recovery(traffic: Traffic, seen: Map<string, number>, faultEnd: number): number | null {
  let last = faultEnd;
  let any = false;
  for (const [id, at] of traffic.accepted) {
    if (at > faultEnd) continue;
    const delivered = seen.get(id);
    if (delivered === undefined) continue;
    any = true;
    last = Math.max(last, delivered);
  }
  return any ? last - faultEnd : null;
}

const secondsText = (ms: number | null) => (ms === null ? "n/a" : `${(ms / 1000).toFixed(1)} s`);

function report(row: Row): void {
  const f = row.figures;
  const line =
    `reliability ${row.scenario}: sent ${f.sent}, accepted ${f.accepted}, good ${f.good}, bad ${f.bad}, ` +
    `lost ${f.lost.length}, duplicated-before-dedup ${f.duplicated}, recovery ${secondsText(row.recoveryMs)}` +
    (f.unacknowledgedDelivered > 0
      ? `, delivered without acknowledgement ${f.unacknowledgedDelivered}`
      : "") +
    `, tracker request failures ${row.traffic.failedRequests}` +
    (row.note ? `; ${row.note}` : "");
  console.log(line);
  table.push(
    `| ${row.scenario} | ${f.sent} | ${f.accepted} | ${f.good} | ${f.bad} | ${f.lost.length} | ${f.duplicated} | ${secondsText(row.recoveryMs)} |`,
  );
}

interface Plan {
  readonly name: string;
  /** When the fault starts, from the start of the traffic; a third of it by default. */
  readonly leadMs?: number;
  /** Runs at `leadMs`. */
  readonly fault?: () => Promise<void>;
  /** Runs at two thirds of the traffic (right after the fault when absent). */
  readonly heal?: () => Promise<void>;
  /**
   * Whether the fault has hit the pipeline yet (a call refused, a connection cut): the heal waits
   * for it, up to 30 s, so a short run cannot lift the fault before anything met it.
   */
  readonly bitten?: (traffic: Traffic) => boolean;
  /** How long the drain waits without progress before calling what is missing lost. */
  readonly quietMs?: number;
  /** Loss is part of what the scenario measures: do not dump the logs for it. */
  readonly lossExpected?: boolean;
  /** Describes what the fault did, once the scenario is over. */
  readonly note?: () => string;
}

/** Traffic with a fault in its middle third, then the account. */
async function runScenario(plan: Plan): Promise<Row> {
  const traffic = startTraffic({ appId: plan.name, collectorPort: pipeline.collectorPort, rate: RATE });
  const sending = traffic.run(TRAFFIC_MS);
  let faultEnd: number;
  if (plan.fault) {
    await Bun.sleep(plan.leadMs ?? TRAFFIC_MS / 3);
    await plan.fault();
    if (plan.heal) {
      await Bun.sleep(TRAFFIC_MS / 3);
      const deadline = performance.now() + 30_000;
      while (plan.bitten && !plan.bitten(traffic) && performance.now() < deadline) await Bun.sleep(100);
      await plan.heal();
    }
    faultEnd = performance.now();
  } else {
    await sending;
    faultEnd = performance.now();
  }
  // Watch from the end of the fault on, while the rest of the traffic and the retries go out.
  const finishing = sending.then(() => traffic.finish(60_000));
  const seen = await drain(traffic, plan.quietMs ?? 20_000, 120_000, finishing);
  const allAccepted = await finishing;
  const figures = reckon(await ledger.read(), traffic.sent, traffic.accepted);
  const row: Row = {
    scenario: plan.name,
    figures,
    recoveryMs: recovery(traffic, seen, faultEnd),
    traffic,
    ...(plan.note ? { note: plan.note() } : {}),
  };
  report(row);
  if (!allAccepted) {
    const health = await fetch(`${pipeline.collectorUrl}/sink-health`)
      .then(async (r) => `${r.status} ${await r.text()}`)
      .catch((e: unknown) => String(e));
    console.log(
      `${plan.name}: the tracker could not deliver every event within 60 s; collector /sink-health: ${health}\n` +
        pipeline.logs().slice(-20_000),
    );
  }
  if ((figures.lost.length > 0 && !plan.lossExpected) || figures.misfiled.length > 0)
    console.log(pipeline.logs().slice(-20_000));
  return row;
}

/** The promise: nothing accepted lost, everything what it was meant to be, nothing both good and bad. */
function expectAccounted(row: Row): void {
  expect(row.traffic.accepted.size).toBe(row.traffic.sent.size);
  expect(row.figures.lost).toEqual([]);
  expect(row.figures.misfiled).toEqual([]);
  expect(row.figures.both).toEqual([]);
  expect(row.figures.good + row.figures.bad).toBe(row.figures.accepted);
  expect(row.figures.bad).toBeGreaterThan(0);
}

const suite = postgresProblem === null ? describe : describe.skip;

suite("reliability: every accepted event accounted for under faults", () => {
  beforeAll(async () => {
    pipeline = await startPipeline({
      stage: "rel",
      rawShards: 4,
      enrichLeaseMs: ENRICH_LEASE_MS,
      loaderLeaseMs: LOADER_LEASE_MS,
      shutdownTimeoutMs: SHUTDOWN_TIMEOUT_MS,
      collectorBufferMs: COLLECTOR_BUFFER_MS,
      s3TimeLimitMs: 1_000,
    });
    ledger = new Ledger(pipeline.s3, pipeline.topology.bucket.name, pipeline.sql);
    // Warm-up: every app has taken its leases, created its tables and cached the schemas in use.
    const warm = startTraffic({ appId: "warm-up", collectorPort: pipeline.collectorPort, rate: RATE });
    warm.send(20);
    warm.send(5, "broken_button_click");
    if (!(await warm.finish(30_000))) throw new Error(`warm-up not accepted:\n${pipeline.logs()}`);
    const seen = await drain(warm, 60_000, 90_000);
    if (seen.size !== warm.accepted.size) throw new Error(`warm-up not delivered:\n${pipeline.logs()}`);
  }, budget(150_000));

  afterAll(async () => {
    await pipeline?.stop();
    if (table.length > 0) {
      console.log(
        [
          `reliability table (${SECONDS} s of traffic per scenario at ${RATE} events/s):`,
          "| scenario | sent | accepted | good | bad | lost | duplicated | recovery |",
          "|---|---|---|---|---|---|---|---|",
          ...table,
        ].join("\n"),
      );
    }
  }, budget(60_000));

  test(
    "baseline",
    async () => {
      expectAccounted(await runScenario({ name: "baseline" }));
    },
    budget(120_000),
  );

  test(
    "SIGKILL of enrich, started again",
    async () => {
      const row = await runScenario({
        name: "enrich-sigkill",
        fault: async () => {
          await pipeline.restart("enrich", "SIGKILL");
        },
      });
      expectAccounted(row);
    },
    budget(180_000),
  );

  test(
    "SIGKILL of the enriched loaders (S3 and Postgres), started again",
    async () => {
      const row = await runScenario({
        name: "loaders-sigkill",
        fault: async () => {
          await Promise.all([
            pipeline.restart("s3-loader-enriched", "SIGKILL"),
            pipeline.restart("postgres-loader-enriched", "SIGKILL"),
          ]);
        },
        // The new processes take the shards over once the dead ones' leases (3 s) expire; the
        // default quiet time of the drain covers that.
      });
      expectAccounted(row);
    },
    budget(180_000),
  );

  test(
    "SIGKILL of the collector with back-pressure on: loss confined to its unflushed buffer",
    async () => {
      // What a killed collector may have acknowledged but not yet handed to Kinesis: its buffer's time
      // limit, plus a PutRecords round on a loaded machine.
      const window = COLLECTOR_BUFFER_MS + 1_000;
      let killedAt = 0;
      const row = await runScenario({
        name: "collector-sigkill",
        // Late enough that more than the window's worth of traffic precedes the kill.
        leadMs: Math.max(TRAFFIC_MS / 3, 2_500),
        lossExpected: true,
        fault: async () => {
          killedAt = performance.now();
          await pipeline.kill("collector", "SIGKILL");
          await Bun.sleep(1_000);
          pipeline.start("collector");
          expect(await pipeline.collectorReady(30_000)).toBe(true);
        },
        quietMs: 10_000,
      });
      expect(row.traffic.accepted.size).toBe(row.traffic.sent.size);
      expect(row.figures.misfiled).toEqual([]);
      expect(row.figures.both).toEqual([]);
      const acceptedBeforeWindow = [...row.traffic.accepted.values()].filter((at) => at < killedAt - window);
      expect(acceptedBeforeWindow.length).toBeGreaterThan(0);
      const outside = row.figures.lost.filter((id) => {
        const at = row.traffic.accepted.get(id)!;
        return at < killedAt - window || at > killedAt;
      });
      console.log(
        `collector-sigkill: ${row.figures.lost.length} lost, all acknowledged within ${window} ms before the kill: ${outside.length === 0}`,
      );
      expect(outside).toEqual([]);
    },
    budget(180_000),
  );

  test(
    "SIGKILL of a collector that acknowledges after the write: nothing accepted is lost",
    async () => {
      const acknowledging = ["--acknowledge-after-write"];
      await pipeline.kill("collector", "SIGTERM");
      pipeline.start("collector", acknowledging);
      expect(await pipeline.collectorReady(30_000)).toBe(true);
      try {
        const row = await runScenario({
          name: "collector-sigkill-ack",
          leadMs: Math.max(TRAFFIC_MS / 3, 2_500),
          fault: async () => {
            await pipeline.kill("collector", "SIGKILL");
            await Bun.sleep(1_000);
            pipeline.start("collector", acknowledging);
            expect(await pipeline.collectorReady(30_000)).toBe(true);
          },
          quietMs: 10_000,
        });
        expectAccounted(row);
      } finally {
        // The scenarios after this one run the collector in its default mode again.
        await pipeline.kill("collector", "SIGTERM");
        pipeline.start("collector");
        expect(await pipeline.collectorReady(30_000)).toBe(true);
      }
    },
    budget(180_000),
  );

  test(
    "the Kinesis engine down (connections refused), then back",
    async () => {
      const row = await runScenario({
        name: "kinesis-down",
        fault: () => pipeline.kinesisProxy.down("refuse"),
        heal: () => pipeline.kinesisProxy.up(),
        // The collector's producer turned unhealthy and back-pressure refused requests.
        bitten: (traffic) => traffic.failedRequests > 0,
      });
      expectAccounted(row);
      expect(row.traffic.failedRequests).toBeGreaterThan(0);
    },
    budget(180_000),
  );

  test(
    "throttling on Kinesis and DynamoDB",
    async () => {
      const row = await runScenario({
        name: "throttling",
        fault: async () => {
          pipeline.kinesisProxy.rules = {
            throttleEntries: 0.3,
            rejectCalls: { share: 0.1 },
            loseResponses: 0.02,
            loseResponsesOf: ["PutRecords"],
          };
          pipeline.dynamodbProxy.rules = { rejectCalls: { share: 0.2 } };
        },
        heal: async () => {
          pipeline.kinesisProxy.rules = {};
          pipeline.dynamodbProxy.rules = {};
        },
        bitten: () =>
          pipeline.kinesisProxy.stats.throttledEntries > 0 && pipeline.dynamodbProxy.stats.rejectedCalls > 0,
        note: () => {
          const k = pipeline.kinesisProxy.stats;
          const d = pipeline.dynamodbProxy.stats;
          return `Kinesis: ${k.throttledEntries} entries throttled, ${k.rejectedCalls} calls refused, ${k.lostResponses} answers lost; DynamoDB: ${d.rejectedCalls} calls refused`;
        },
      });
      expectAccounted(row);
      expect(pipeline.kinesisProxy.stats.throttledEntries).toBeGreaterThan(0);
      expect(pipeline.dynamodbProxy.stats.rejectedCalls).toBeGreaterThan(0);
    },
    budget(180_000),
  );

  test(
    "Postgres connections cut, then allowed again",
    async () => {
      const cutsBefore = pipeline.postgresProxy.cuts;
      const row = await runScenario({
        name: "postgres-cut",
        fault: async () => {
          pipeline.postgresProxy.onMessage = () => "cut";
        },
        heal: async () => {
          pipeline.postgresProxy.onMessage = () => "pass";
        },
        bitten: () => pipeline.postgresProxy.cuts > cutsBefore,
        note: () => `${pipeline.postgresProxy.cuts - cutsBefore} connections cut`,
      });
      expectAccounted(row);
      expect(pipeline.postgresProxy.cuts).toBeGreaterThan(cutsBefore);
    },
    budget(180_000),
  );

  test(
    "S3 unavailable (503) for a while",
    async () => {
      const row = await runScenario({
        name: "s3-unavailable",
        fault: () => pipeline.s3Proxy.down("unavailable"),
        heal: () => pipeline.s3Proxy.up(),
        bitten: () => pipeline.s3Proxy.stats.unavailableCalls > 0,
        note: () => `${pipeline.s3Proxy.stats.unavailableCalls} S3 calls answered 503`,
      });
      expectAccounted(row);
      expect(pipeline.s3Proxy.stats.unavailableCalls).toBeGreaterThan(0);
    },
    budget(180_000),
  );

  test(
    "Iglu Server unreachable: cached schemas keep working, uncached ones wait (never dropped)",
    async () => {
      const name = "iglu-down";
      const traffic = startTraffic({ appId: name, collectorPort: pipeline.collectorPort, rate: RATE });
      await pipeline.iglu.down();
      // Events whose schemas every app has cached (button_click 1-0-2 since the warm-up).
      const sending = traffic.run(TRAFFIC_MS).then(() => traffic.finish(60_000));
      const cached = await drain(traffic, 20_000, 60_000, sending);
      expect(await sending).toBe(true);
      expect(cached.size).toBe(traffic.accepted.size);
      // A schema nobody has cached: enrich cannot validate it and must not guess. The batch is
      // retried without a checkpoint: neither an enriched event nor a bad row, until Iglu is back.
      const enrichLogBefore = pipeline.processes.get("enrich")!.log.length;
      traffic.send(20, "checkout");
      expect(await traffic.finish(30_000)).toBe(true);
      const uncached = [...traffic.sent]
        .filter(([, e]) => e === "good")
        .map(([id]) => id)
        .slice(-20);
      await Bun.sleep(Math.max(3_000, TRAFFIC_MS / 3));
      const during: Holdings = await ledger.read();
      const delivered = uncached.filter((id) =>
        [during.s3Good, during.s3Bad, during.pgGood, during.pgBad].some((c) => c.has(id)),
      );
      expect(delivered).toEqual([]);
      const enrichLog = pipeline.processes.get("enrich")!.log.slice(enrichLogBefore);
      pipeline.iglu.up();
      const faultEnd = performance.now();
      const seen = await drain(traffic, 70_000, 120_000);
      const figures = reckon(await ledger.read(), traffic.sent, traffic.accepted);
      const row = { scenario: name, figures, recoveryMs: recovery(traffic, seen, faultEnd), traffic };
      report(row);
      console.log(
        `iglu-down: while unreachable, enrich logged: ${enrichLog.split("\n").find((l) => /iglu/i.test(l)) ?? "(nothing about Iglu)"}`,
      );
      expect(enrichLog).toMatch(/iglu/i);
      expectAccounted(row);
    },
    budget(300_000),
  );

  test(
    "lease contention: two more enrich workers join, then leave",
    async () => {
      const extras: string[] = [];
      const row = await runScenario({
        name: "lease-contention",
        fault: async () => {
          pipeline.startExtraEnrich("enrich-extra-1");
          pipeline.startExtraEnrich("enrich-extra-2");
          extras.push("enrich-extra-1", "enrich-extra-2");
        },
        heal: async () => {
          // Hold on until both extra workers run (a SIGTERM while a process still loads its modules
          // ends it with 143 before it can stop cleanly) and one has taken a lease (KCL's taker runs
          // every lease duration).
          const deadline = performance.now() + 10 * ENRICH_LEASE_MS;
          const logOf = (n: string) => pipeline.extras.get(n)?.log ?? "";
          while (
            performance.now() < deadline &&
            !(
              extras.every((n) => logOf(n).includes("consuming")) &&
              extras.some((n) => logOf(n).includes("took the lease"))
            )
          )
            await Bun.sleep(200);
          const procs = extras.map((n) => pipeline.extras.get(n)!);
          for (const p of procs) p.child.kill("SIGTERM");
          const codes = await Promise.all(procs.map((p) => p.child.exited));
          for (const p of procs) pipeline.extras.delete(p.name);
          expect(codes).toEqual([0, 0]);
        },
      });
      expectAccounted(row);
      const took = pipeline.history
        .filter((p) => p.name.startsWith("enrich-extra"))
        .some((p) => p.log.includes("took the lease"));
      expect(took).toBe(true);
    },
    budget(180_000),
  );
});
