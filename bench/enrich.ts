/**
 * @module
 * Enriched events per second on one core, through the app's own batch path (`EnrichApp.processBatch`:
 * Thrift decode, adapters, validation, enrichments, TSV, bad rows, into in-memory sinks), for a
 * realistic mix (`test/enrich/traffic.ts`: page views, page pings, self-describing events with two
 * contexts, tp2 batches of ten; 500 user agents, 5,000 addresses) with six enrichments on:
 * ip_lookups, ua_parser, campaign_attribution, referer_parser, event_fingerprint and pii.
 *
 * Two baselines run on the same records in the same process:
 * - the same pipeline with no enrichments, which says what the enrichments cost;
 * - decode → encode only: the Thrift decode of each record and the TSV (and UTF-8) encode of its
 *   already-enriched events, which is the floor any enrich has to pay for its input and output.
 *
 * Sides are interleaved over rounds and the best round of each is kept, so that a burst of load on
 * a shared machine does not land on one side only. The enrichments' caches stay warm across rounds,
 * as in a long-running process.
 *
 * Run: `bun bench/enrich.ts [records, default 4000] [rounds, default 5]`
 * Profile: `bun --cpu-prof bench/enrich.ts` (writes a .cpuprofile for Chrome DevTools).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemorySink } from "../src/adapters/memory/memory-sink.ts";
import { EnrichApp } from "../src/apps/enrich/app.ts";
import { type BuiltPipeline, buildPipeline } from "../src/apps/enrich/main.ts";
import { badRowJson } from "../src/core/badrows/bad-row.ts";
import { closeEnrichments } from "../src/core/enrich/enrichment-config.ts";
import type { EnrichedEvent } from "../src/core/event/enriched-event.ts";
import { encodeEnrichedTsv } from "../src/core/event/tsv.ts";
import { decodeCollectorPayload } from "../src/core/thrift/collector-payload.ts";
import { writeEnrichSettings } from "../test/enrich/six-enrichments.ts";
import { trafficRecords } from "../test/enrich/traffic.ts";

const RECORDS = Number(process.argv[2] ?? 4000);
const ROUNDS = Number(process.argv[3] ?? 5);
/** Records per `processBatch`, as a KCL batch of the raw stream. */
const BATCH = 500;
const TARGET = 10_000;

const scratch = mkdtempSync(join(tmpdir(), "furrow-bench-enrich-"));
const settings = writeEnrichSettings(scratch);

async function build(enrichmentsDir: string | undefined): Promise<BuiltPipeline> {
  const built = await buildPipeline({ igluConfig: settings.igluConfig, enrichmentsDir, emitFailed: false });
  if (!built.ok) throw new Error(built.error.join("\n"));
  return built.value;
}

const full = await build(settings.enrichmentsDir);
const bare = await build(undefined);
const traffic = trafficRecords(RECORDS);
const records = traffic.map((t) => t.record);
const events = traffic.reduce((n, t) => n + t.eventIds.length, 0);
const kinds = new Map<string, number>();
for (const t of traffic) kinds.set(t.kind, (kinds.get(t.kind) ?? 0) + 1);

function app(built: BuiltPipeline) {
  const good = new MemorySink({ retain: false });
  const bad = new MemorySink({ retain: false });
  return { app: new EnrichApp({ pipeline: built.pipeline, sinks: { good, bad } }), good, bad };
}

/** What one pass took: wall time, this process's CPU time (ms), and what came out. */
interface PassResult {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly good: number;
  readonly bad: number;
}

const mainThreadStat = `/proc/self/task/${process.pid}/stat`;

/**
 * CPU time (user + system, ms) of the thread that runs JavaScript: on a shared machine, wall time
 * also counts the time this thread waited for a core, and process time adds the collector's and
 * the JIT's helper threads. From Linux's per-thread stat (clock ticks of 10 ms); elsewhere the
 * process's CPU time.
 */
function cpuNow(): number {
  if (existsSync(mainThreadStat)) {
    const stat = readFileSync(mainThreadStat, "utf8");
    // Fields after "pid (comm) ": state is the 1st, utime the 12th, stime the 13th.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  }
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** One pass over every record in batches. */
async function pass(target: ReturnType<typeof app>): Promise<PassResult> {
  const before = { good: target.good.recordsWritten, bad: target.bad.recordsWritten };
  const cpu = cpuNow();
  const start = performance.now();
  for (let i = 0; i < records.length; i += BATCH) await target.app.processBatch(records.slice(i, i + BATCH));
  return {
    wallMs: performance.now() - start,
    cpuMs: cpuNow() - cpu,
    good: target.good.recordsWritten - before.good,
    bad: target.bad.recordsWritten - before.bad,
  };
}

// Every event must come out good, with the enrichments' work visible, before any speed means anything.
const check = await full.pipeline.enrichRecord(records[0]!, Date.now());
const firstBad = (await Promise.all(records.map((r) => full.pipeline.enrichRecord(r, Date.now())))).flatMap(
  (o) => o.bad,
);
if (firstBad.length > 0) {
  throw new Error(
    `bad rows in the benchmark's input: ${JSON.stringify(badRowJson(firstBad[0]!)).slice(0, 600)}`,
  );
}
if (check.good[0]?.event_fingerprint === null || check.good[0]?.derived_contexts.length === 0) {
  throw new Error("the enrichments did not run");
}

// The floor: decode each record, encode its already-enriched events.
const enrichedByRecord: EnrichedEvent[][] = [];
for (const r of records) enrichedByRecord.push((await full.pipeline.enrichRecord(r, Date.now())).good);
const utf8 = new TextEncoder();
function floorPass(): PassResult {
  let bytes = 0;
  const cpu = cpuNow();
  const start = performance.now();
  for (let i = 0; i < records.length; i++) {
    const decoded = decodeCollectorPayload(records[i]!);
    if (!decoded.ok) throw new Error(decoded.error.message);
    for (const e of enrichedByRecord[i]!) bytes += utf8.encode(encodeEnrichedTsv(e)).length;
  }
  const wallMs = performance.now() - start;
  if (bytes === 0) throw new Error("the benchmark did no work");
  return { wallMs, cpuMs: cpuNow() - cpu, good: events, bad: 0 };
}

const sides = {
  "six enrichments": app(full),
  "no enrichments": app(bare),
} as const;
type Side = keyof typeof sides | "decode → encode only";
/** Best events/s of each side, by wall time and by CPU time. */
const best = new Map<Side, { wall: number; cpu: number }>();
const keep = (side: Side, r: PassResult) => {
  if (r.good !== events || r.bad !== 0) throw new Error(`${side}: ${r.good} good, ${r.bad} bad of ${events}`);
  const previous = best.get(side) ?? { wall: 0, cpu: 0 };
  best.set(side, {
    wall: Math.max(previous.wall, r.good / (r.wallMs / 1000)),
    cpu: Math.max(previous.cpu, r.good / (Math.max(r.cpuMs, 1) / 1000)),
  });
};

// Warm-up: JIT, schema compilation, the first fill of the caches.
for (const side of Object.values(sides)) await pass(side);
floorPass();
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, side] of Object.entries(sides)) keep(name as Side, await pass(side));
  keep("decode → encode only", floorPass());
}

await closeEnrichments(full.enrichments);
rmSync(scratch, { recursive: true, force: true });

const mix = [...kinds].map(([k, n]) => `${n} ${k.replaceAll("_", " ")}`).join(", ");
console.log(`enrich, one core: ${RECORDS} records (${mix}) = ${events} events; best of ${ROUNDS} rounds`);
console.log(`Bun ${Bun.version}, ${process.platform}/${process.arch}\n`);
const full6 = best.get("six enrichments")!;
const rows = (["six enrichments", "no enrichments", "decode → encode only"] as const).map((side) => ({
  side,
  ...best.get(side)!,
}));
const width = Math.max(...rows.map((r) => r.side.length));
const n = (x: number) => Math.round(x).toLocaleString("en").padStart(10);
console.log(
  `${"path".padEnd(width)}  ${"events/s".padStart(10)}  ${"per CPU-s".padStart(10)}  six enrichments ÷ this (per CPU-s)`,
);
for (const r of rows) {
  console.log(
    `${r.side.padEnd(width)}  ${n(r.wall)}  ${n(r.cpu)}  ${(full6.cpu / r.cpu).toFixed(2).padStart(6)}`,
  );
}
console.log(
  "\nevents/s is by wall time; per CPU-s divides by the CPU time of the thread running JavaScript, which is the figure for one core when other load on the machine makes this thread wait.",
);
const verdict = (x: number) => (x >= TARGET ? "met" : "NOT met");
console.log(
  `target ≥ ${TARGET.toLocaleString("en")} events/s with the six enrichments: ${verdict(full6.wall)} by wall time, ${verdict(full6.cpu)} per CPU-second`,
);
