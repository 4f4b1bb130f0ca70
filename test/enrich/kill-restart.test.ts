/**
 * @module
 * At-least-once delivery across a crash: `furrow enrich --input-stream` runs as a real child process
 * against kinesalite and dynalite (started in the test process), is SIGKILLed in the middle of a
 * backlog of raw records, and a new process takes its leases over once they expire. In the end
 * every raw record's events must be on the enriched (or bad) stream at least once, matched by event
 * id; duplicates, from batches written after the last checkpoint the dead process flushed, are
 * allowed and counted.
 *
 * Short leases, small batches and a short checkpoint debounce (the CLI's `--lease-duration`,
 * `--max-records`, `--idle-time-between-reads`, `--debounce-checkpoints`) keep it quick and put
 * the kill between checkpoints.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type KinesisClient, PutRecordsCommand } from "@aws-sdk/client-kinesis";
import type { Subprocess } from "bun";
import { startDynalite } from "../../src/adapters/engines/dynalite.ts";
import { startKinesalite } from "../../src/adapters/engines/kinesalite.ts";
import type { RunningEngine } from "../../src/adapters/engines/running-engine.ts";
import { kinesisClient } from "../../src/adapters/kinesis/client.ts";
import { ensureStream } from "../../src/adapters/kinesis/streams.ts";
import { type EnrichSettingsFiles, writeEnrichSettings } from "./six-enrichments.ts";
import { StreamTail, waitFor } from "./stream-contents.ts";
import { trafficRecords } from "./traffic.ts";

const REGION = "us-east-1";
const RECORDS = 3_000;
const STREAMS = { raw: "kr-raw", enriched: "kr-enriched", bad: "kr-bad-1" };
const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

let engines: RunningEngine[] = [];
let kinesis: KinesisClient;
let scratch: string;
let settings: EnrichSettingsFiles;
const children: Subprocess<"ignore", "ignore", "pipe">[] = [];
/** Reading each child's standard error; done once the child has exited. */
const readers: Promise<void>[] = [];
/** What each child wrote to standard error, by its name. */
const logs = new Map<string, string>();
const logText = () =>
  [...logs]
    .flatMap(([name, text]) =>
      text
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => `[${name}] ${l}`),
    )
    .join("\n");

beforeAll(async () => {
  engines = await Promise.all([startKinesalite(), startDynalite()]);
  kinesis = kinesisClient({ endpoint: engines[0]!.url, region: REGION });
  await ensureStream(kinesis, { name: STREAMS.raw, shards: 2 });
  await ensureStream(kinesis, { name: STREAMS.enriched, shards: 1 });
  await ensureStream(kinesis, { name: STREAMS.bad, shards: 1 });
  scratch = mkdtempSync(join(tmpdir(), "furrow-kill-restart-"));
  settings = writeEnrichSettings(scratch);
}, 30_000);

afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  await Promise.all(children.map((c) => c.exited));
  kinesis?.destroy();
  await Promise.all(engines.map((e) => e.stop()));
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
});

/** Starts `furrow enrich` on the raw stream as a child process; its standard error goes to `logs`. */
function startEnrich(name: string): Subprocess<"ignore", "ignore", "pipe"> {
  const child = Bun.spawn(
    [
      process.execPath,
      "src/cli/main.ts",
      "enrich",
      "--iglu-config",
      settings.igluConfig,
      "--enrichments",
      settings.enrichmentsDir,
      "--input-stream",
      STREAMS.raw,
      "--good-stream",
      STREAMS.enriched,
      "--bad-stream",
      STREAMS.bad,
      "--app-name",
      "kr-enrich",
      "--kinesis-endpoint",
      engines[0]!.url,
      "--dynamodb-endpoint",
      engines[1]!.url,
      "--region",
      REGION,
      "--max-records",
      "500",
      "--idle-time-between-reads",
      "200",
      "--lease-duration",
      "3 seconds",
      "--debounce-checkpoints",
      "500",
    ],
    { cwd: repoRoot, stdin: "ignore", stdout: "ignore", stderr: "pipe" },
  );
  children.push(child);
  logs.set(name, "");
  readers.push(
    (async () => {
      for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream()))
        logs.set(name, logs.get(name) + chunk);
    })(),
  );
  return child;
}

/** The event ids on the enriched and bad streams, one per line written (so repeated ids are duplicates). */
const written: string[] = [];
let tails: { enriched: StreamTail; bad: StreamTail };

/** Adds what was written since the last call to `written`; returns how many lines that makes. */
async function readWritten(): Promise<number> {
  tails ??= {
    enriched: new StreamTail(kinesis, STREAMS.enriched),
    bad: new StreamTail(kinesis, STREAMS.bad),
  };
  // event_id is the TSV's seventh column.
  for (const line of await tails.enriched.read()) written.push(line.split("\t", 7)[6]!);
  for (const line of await tails.bad.read()) {
    const row = JSON.parse(line) as { data: { payload?: { enriched?: { event_id?: string } } } };
    written.push(row.data.payload?.enriched?.event_id ?? "(a bad row without an event)");
  }
  return written.length;
}

describe("furrow enrich, killed and restarted", () => {
  test("every raw record's events end on the enriched or bad stream at least once", async () => {
    const traffic = trafficRecords(RECORDS, { seed: 42 });
    const sentIds = traffic.flatMap((t) => t.eventIds);
    expect(new Set(sentIds).size).toBe(sentIds.length);
    for (let i = 0; i < traffic.length; i += 500) {
      let entries = traffic
        .slice(i, i + 500)
        .map((t, j) => ({ Data: t.record, PartitionKey: `visitor-${i + j}` }));
      while (entries.length > 0) {
        const out = await kinesis.send(new PutRecordsCommand({ StreamName: STREAMS.raw, Records: entries }));
        entries = entries.filter((_, j) => out.Records?.[j]?.ErrorCode !== undefined);
      }
    }

    const first = startEnrich("first");
    // Kill it once a quarter of the events are out: mid-backlog, most likely between checkpoints.
    let beforeKill = 0;
    const started = await waitFor(async () => {
      beforeKill = await readWritten();
      return beforeKill >= sentIds.length / 4;
    }, 60_000);
    first.kill("SIGKILL");
    expect(await first.exited).not.toBe(0);
    if (!started) throw new Error(`the first enrich wrote nothing in time:\n${logText()}`);

    const second = startEnrich("second");
    const wanted = new Set(sentIds);
    const seen = new Set(written);
    const done = await waitFor(async () => {
      const before = written.length;
      await readWritten();
      for (let i = before; i < written.length; i++) seen.add(written[i]!);
      return seen.size >= wanted.size && [...wanted].every((id) => seen.has(id));
    }, 90_000);
    second.kill("SIGTERM");
    expect(await second.exited).toBe(0);
    await Promise.all(readers);

    const lost = sentIds.filter((id) => !seen.has(id));
    const duplicates = written.length - seen.size;
    console.log(
      `kill-restart: ${RECORDS} raw records, ${sentIds.length} events; ${beforeKill} written before the SIGKILL; ` +
        `after the restart ${written.length} written: ${lost.length} lost, ${duplicates} duplicates`,
    );
    if (!done) console.log(logText());
    expect(lost).toEqual([]);
    // Nothing but the events sent: no bad rows without an event, no unknown ids.
    expect([...seen].filter((id) => !wanted.has(id))).toEqual([]);
    // The second process logs its takeover and its clean stop.
    expect(logs.get("second")).toContain("furrow enrich: took the lease of");
    expect(logs.get("second")).toMatch(/furrow enrich: stopped after \d+ batches/);
  }, 180_000);
});
