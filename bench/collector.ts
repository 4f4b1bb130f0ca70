/**
 * @module
 * Requests per second and p99 latency of the collector against a bare `Bun.serve` answering the
 * same pixel with the same headers, measured with wrk in the same run. Every server runs in its own
 * child process (bench/collector/servers.ts), so wrk, the server under test and the Kinesis engine
 * never share a JavaScript thread; on a 2-core machine wrk takes one core and the server the other.
 *
 * Rows:
 * - `GET /i`: a browser tracker's page view (830-byte query string, cookies, Origin, Referer); the
 *   collector asks Bun for the socket's address (`server.requestIP`), as it must without a proxy;
 * - `GET /i + XFF`: the same behind a load balancer (`X-Forwarded-For`), which skips that lookup;
 * - `POST tp2`: a 1.2 KB payload_data batch;
 * - the GET and POST again with the collector's Kinesis sinks on kinesalite (another child
 *   process, whose CPU per request is printed too). These rows measure the Kinesis path, not the
 *   collector's own code: the AWS SDK's PutRecords serialization runs on the collector's thread,
 *   and kinesalite (about 7k records/s at best here, pitfalls.md) competes for the same two cores.
 *   Should the producer's 64 MiB buffer fill, the collector answers 503 (back-pressure), counted.
 * - the same two against kinesalite with `backPressure.acknowledgeAfterWrite` on: `furrow
 *   collector --acknowledge-after-write` itself (src/cli/main.ts, JSON logs), so each request is
 *   answered only once the stream acknowledged its record; then a line compares these rows with
 *   the rows above (requests/s, CPU per request and p50 latency, on ÷ off). A 503 here is a
 *   request whose record was not acknowledged within `acknowledgeTimeout` (10 s).
 * The children's stderr (the collector's back-pressure warnings under load, say) is counted, not
 * shown, so it does not drown the table; the summary gives each child's line count and last line.
 * Also printed: the collector's peak RSS during each run (VmRSS from /proc), and where its time
 * goes in the GET run, from `bun --cpu-prof` (a separate run, since profiling slows it down).
 * JSC's sampler catches a thread more readily while it is in a system call, so the profile
 * over-weights `server.requestIP` (a getpeername): calling it 50 times per request in a bare server
 * costs about 2.4 µs per call, well below its share of the samples.
 *
 * Target: the collector at 0.5× bare or better for `GET /i`. Other sessions' work on the same
 * machine moves both columns; the load average is printed before and after.
 *
 * Besides requests per second, each server's CPU time per request is read from /proc (utime +
 * stime over the run, divided by the requests wrk counted). It includes the kernel's share of
 * each request and moves much less than throughput when other processes compete for the cores,
 * so the bare/collector ratio of CPU per request is the steadier figure on a shared machine.
 * `--rounds N` alternates the bare and collector runs N times and prints medians.
 *
 * Run: `bun bench/collector.ts [--duration 10s] [--warmup 2s] [--connections 64] [--threads 1]
 *   [--rounds 1] [--no-kinesis] [--no-profile] [--top 20]`
 */
import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { Subprocess } from "bun";
import { type CpuProfile, type ProfileEntry, summarizeProfile } from "./collector/cpu-profile.ts";
import { BENCH_STREAMS, type ServerReady } from "./collector/servers.ts";

const { values: args } = parseArgs({
  args: process.argv.slice(2),
  options: {
    duration: { type: "string", default: "10s" },
    warmup: { type: "string", default: "2s" },
    connections: { type: "string", default: "64" },
    threads: { type: "string", default: "1" },
    "no-kinesis": { type: "boolean", default: false },
    "no-profile": { type: "boolean", default: false },
    rounds: { type: "string", default: "1" },
    top: { type: "string", default: "20" },
  },
});

const ROOT = join(import.meta.dir, "..");
const SERVERS = join(import.meta.dir, "collector/servers.ts");
const PIXEL_LUA = join(import.meta.dir, "collector/pixel.lua");
const TP2_LUA = join(import.meta.dir, "collector/tp2.lua");

/** What a child wrote to stderr: counted, with its last lines kept for error reports. */
interface StderrLog {
  lines: number;
  tail: string;
}

/** A server in a child process. */
interface Child {
  readonly url: string;
  readonly pid: number;
  readonly stderr: StderrLog;
  /** Closes its stdin (it shuts down and exits), waits up to 10 s, then kills it. */
  stop(): Promise<void>;
}

/** Children whose stderr was counted, by name, so the summary can say how much they logged. */
const stderrLogs: { readonly name: string; readonly log: StderrLog }[] = [];

/**
 * Drains `stream` into a line count and a short tail, so a child's log lines (the collector's
 * back-pressure warnings, say) neither flood the bench's output nor block the child on a full pipe.
 */
function countStderr(
  name: string,
  stream: ReadableStream<Uint8Array>,
  log: StderrLog = { lines: 0, tail: "" },
) {
  stderrLogs.push({ name, log });
  void (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) {
      const text = decoder.decode(chunk, { stream: true });
      for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) log.lines++;
      log.tail = (log.tail + text).slice(-2000);
    }
  })();
  return log;
}

async function spawnServer(serverArgs: readonly string[], bunFlags: readonly string[] = []): Promise<Child> {
  const proc: Subprocess<"pipe", "pipe", "pipe"> = Bun.spawn(
    [process.execPath, ...bunFlags, SERVERS, ...serverArgs],
    { stdin: "pipe", stdout: "pipe", stderr: "pipe", cwd: ROOT },
  );
  const stderr = countStderr(serverArgs.join(" "), proc.stderr);
  const reader = proc.stdout.getReader();
  const decoder = new TextDecoder();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) {
      await proc.exited;
      throw new Error(`server ${serverArgs.join(" ")} exited before it listened:\n${stderr.tail}`);
    }
    text += decoder.decode(value, { stream: true });
  }
  reader.releaseLock();
  const ready = JSON.parse(text.slice(0, text.indexOf("\n"))) as ServerReady;
  return {
    url: ready.url,
    pid: proc.pid,
    stderr,
    async stop() {
      proc.stdin.end();
      const exited = await Promise.race([proc.exited.then(() => true), Bun.sleep(10_000).then(() => false)]);
      if (!exited) {
        proc.kill();
        await proc.exited;
      }
    },
  };
}

/**
 * `furrow collector` itself (the CLI, JSON logs) on the Kinesis engine at `endpoint`, with `flags`
 * added; its URL is read from the `started` log record. Stopped with SIGTERM, killed after 10 s.
 */
async function spawnCliCollector(endpoint: string, flags: readonly string[], dir: string): Promise<Child> {
  const config = join(dir, "collector.json");
  await Bun.write(config, JSON.stringify({ preTerminationPeriod: 0 }));
  const proc = Bun.spawn(
    [
      process.execPath,
      "src/cli/main.ts",
      "collector",
      ...flags,
      "--config",
      config,
      "--sink",
      "kinesis",
      "--kinesis-endpoint",
      endpoint,
      "--good",
      BENCH_STREAMS.good,
      "--bad",
      BENCH_STREAMS.bad,
      "--interface",
      "127.0.0.1",
      "--port",
      "0",
      "--log-format",
      "json",
    ],
    { stdin: "ignore", stdout: "ignore", stderr: "pipe", cwd: ROOT },
  );
  const reader = proc.stderr.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let url: string | undefined;
  while (url === undefined) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`furrow collector ${flags.join(" ")} exited before it listened:\n${text}`);
    text += decoder.decode(value, { stream: true });
    for (const line of text.split("\n").slice(0, -1)) {
      const record = JSON.parse(line) as { event?: string; url?: string };
      if (record.event === "started") url = record.url;
    }
  }
  reader.releaseLock();
  // Keep reading (counted), so a full pipe never blocks the collector's logging.
  const stderr = countStderr(`furrow collector ${flags.join(" ")}`, proc.stderr);
  return {
    url,
    pid: proc.pid,
    stderr,
    async stop() {
      proc.kill("SIGTERM");
      const exited = await Promise.race([proc.exited.then(() => true), Bun.sleep(10_000).then(() => false)]);
      if (!exited) {
        proc.kill("SIGKILL");
        await proc.exited;
      }
    },
  };
}

interface WrkResult {
  readonly rps: number;
  readonly requests: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Answers other than 2xx/3xx (503s under back-pressure). */
  readonly non2xx: number;
  readonly socketErrors: string | undefined;
}

/** `631.00us`, `1.23ms`, `2.01s` → milliseconds. */
function durationMs(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text.trim());
  if (!m) throw new Error(`unreadable wrk duration ${text}`);
  const n = Number(m[1]);
  return m[2] === "us" ? n / 1000 : m[2] === "ms" ? n : m[2] === "s" ? n * 1000 : n * 60_000;
}

/** Reads wrk's report (run with --latency). */
function parseWrk(out: string): WrkResult {
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
  const requests = /(\d+) requests in/.exec(out);
  const p50 = /^\s+50%\s+(\S+)/m.exec(out);
  const p99 = /^\s+99%\s+(\S+)/m.exec(out);
  if (!rps || !requests || !p50 || !p99) throw new Error(`unreadable wrk output:\n${out}`);
  return {
    rps: Number(rps[1]),
    requests: Number(requests[1]),
    p50Ms: durationMs(p50[1]!),
    p99Ms: durationMs(p99[1]!),
    non2xx: Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0),
    socketErrors: /Socket errors: (.*)/.exec(out)?.[1],
  };
}

async function wrk(url: string, script: string, duration: string, scriptArgs: readonly string[]) {
  const proc = Bun.spawn(
    [
      "wrk",
      `-t${args.threads}`,
      `-c${args.connections}`,
      `-d${duration}`,
      "--latency",
      "-s",
      script,
      url,
      ...(scriptArgs.length > 0 ? ["--", ...scriptArgs] : []),
    ],
    { stdout: "pipe", stderr: "pipe" },
  );
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  if (code !== 0) throw new Error(`wrk failed (${code}): ${err}${out}`);
  return parseWrk(out);
}

/** Clock ticks per second of /proc/<pid>/stat times (`getconf CLK_TCK`, 100 on Linux). */
const CLOCK_TICKS = Number(Bun.spawnSync(["getconf", "CLK_TCK"]).stdout.toString().trim()) || 100;

/** User + system CPU time of a process so far, in microseconds. */
function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may hold spaces) start at state, field 3; utime and stime are 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLOCK_TICKS;
}

/** VmRSS of a process in MiB, or NaN once it is gone. */
function rssMiB(pid: number): number {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return kb === undefined ? Number.NaN : Number(kb) / 1024;
  } catch {
    return Number.NaN;
  }
}

interface Measurement {
  readonly wrk: WrkResult;
  /** The server's CPU time (user + system) per request wrk counted. */
  readonly cpuMicrosPerRequest: number;
  /** The same for a helper process (the Kinesis engine), when one is given. */
  readonly helperCpuMicrosPerRequest?: number;
  readonly rssPeakMiB: number;
}

/**
 * The measured run, after a warm-up run (discarded) when `warm`, with the server's RSS sampled
 * every 200 ms and its CPU time read before and after.
 */
async function measure(
  child: Child,
  script: string,
  scriptArgs: readonly string[] = [],
  warm = true,
  helper?: Child,
): Promise<Measurement> {
  if (warm && args.warmup !== "0" && args.warmup !== "0s") {
    await wrk(child.url, script, args.warmup, scriptArgs);
  }
  let peak = rssMiB(child.pid);
  const timer = setInterval(() => {
    const now = rssMiB(child.pid);
    if (now > peak) peak = now;
  }, 200);
  try {
    const cpuBefore = cpuMicros(child.pid);
    const helperBefore = helper === undefined ? 0 : cpuMicros(helper.pid);
    const result = await wrk(child.url, script, args.duration, scriptArgs);
    const cpu = cpuMicros(child.pid) - cpuBefore;
    const requests = Math.max(1, result.requests);
    return {
      wrk: result,
      cpuMicrosPerRequest: cpu / requests,
      helperCpuMicrosPerRequest:
        helper === undefined ? undefined : (cpuMicros(helper.pid) - helperBefore) / requests,
      rssPeakMiB: Math.max(peak, rssMiB(child.pid)),
    };
  } finally {
    clearInterval(timer);
  }
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** Per-figure medians of several runs (the run itself when there is one). */
function medianOf(runs: readonly Measurement[]): Measurement {
  if (runs.length === 1) return runs[0]!;
  const m = (pick: (r: Measurement) => number) => median(runs.map(pick));
  return {
    wrk: {
      rps: m((r) => r.wrk.rps),
      requests: m((r) => r.wrk.requests),
      p50Ms: m((r) => r.wrk.p50Ms),
      p99Ms: m((r) => r.wrk.p99Ms),
      non2xx: m((r) => r.wrk.non2xx),
      socketErrors: runs.map((r) => r.wrk.socketErrors).find((e) => e !== undefined),
    },
    cpuMicrosPerRequest: m((r) => r.cpuMicrosPerRequest),
    rssPeakMiB: Math.max(...runs.map((r) => r.rssPeakMiB)),
  };
}

interface Row {
  readonly name: string;
  readonly bare: Measurement;
  readonly collector: Measurement;
}

const fmtInt = (n: number) => Math.round(n).toLocaleString("en-US");
const fmtMs = (n: number) => (n < 10 ? n.toFixed(2) : n.toFixed(1));
const pad = (s: string, n: number) => s.padStart(n);

function printTable(rows: readonly Row[]): void {
  const header = [
    "".padEnd(24),
    pad("bare rps", 9),
    pad("coll. rps", 9),
    pad("ratio", 6),
    pad("bare CPU", 9),
    pad("coll. CPU", 10),
    pad("ratio", 6),
    pad("bare p99", 9),
    pad("coll. p99", 10),
    pad("coll. p50", 10),
    pad("RSS MiB", 8),
    pad("503s", 5),
  ].join(" ");
  console.log(`${"".padEnd(24)} ${"".padEnd(26)} ${pad("CPU µs per request", 27)} ${pad("latency ms", 31)}`);
  console.log(header);
  console.log("-".repeat(header.length));
  for (const r of rows) {
    const c = r.collector.wrk;
    const share = c.requests === 0 ? 0 : c.non2xx / c.requests;
    console.log(
      [
        r.name.padEnd(24),
        pad(fmtInt(r.bare.wrk.rps), 9),
        pad(fmtInt(c.rps), 9),
        pad((c.rps / r.bare.wrk.rps).toFixed(2), 6),
        pad(r.bare.cpuMicrosPerRequest.toFixed(1), 9),
        pad(r.collector.cpuMicrosPerRequest.toFixed(1), 10),
        pad((r.bare.cpuMicrosPerRequest / r.collector.cpuMicrosPerRequest).toFixed(2), 6),
        pad(fmtMs(r.bare.wrk.p99Ms), 9),
        pad(fmtMs(c.p99Ms), 10),
        pad(fmtMs(c.p50Ms), 10),
        pad(r.collector.rssPeakMiB.toFixed(0), 8),
        pad(c.non2xx === 0 ? "0" : `${(share * 100).toFixed(0)}%`, 5),
      ].join(" "),
    );
    if (c.socketErrors) console.log(`${"".padEnd(24)} socket errors: ${c.socketErrors}`);
    const helper = r.collector.helperCpuMicrosPerRequest;
    if (helper !== undefined) {
      console.log(`${"".padEnd(24)} + kinesalite's own process: ${helper.toFixed(1)} µs CPU per request`);
    }
  }
}

function printProfile(title: string, profile: CpuProfile, top: number): void {
  // From the first request on: start-up (module loading) is not the hot path.
  const s = summarizeProfile(profile, ROOT, { from: "trackGet" });
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`.padStart(6);
  console.log(`\n${title}: ${s.samples} samples from the first request on; shares of samples`);
  console.log(
    "(Sampling favours calls that enter the kernel: requestIP, a getpeername(), weighs more here than the " +
      "~2.4 µs per call it measures when repeated 50 times per request.)",
  );
  console.log("\nSelf samples by area:");
  for (const a of s.byArea.slice(0, 12)) console.log(`  ${pct(a.share)}  ${a.area}`);
  const list = (entries: readonly ProfileEntry[], pick: (e: ProfileEntry) => number) => {
    for (const e of entries.slice(0, top)) console.log(`  ${pct(pick(e))}  ${e.label}`);
  };
  console.log(`\nTop ${top} functions by self samples:`);
  list(s.bySelf, (e) => e.selfShare);
  console.log(`\nTop ${top} functions by total samples (self + callees):`);
  list(s.byTotal, (e) => e.totalShare);
}

async function main(): Promise<void> {
  const top = Number(args.top);
  console.log(
    `collector bench: wrk -t${args.threads} -c${args.connections} -d${args.duration} (warm-up ${args.warmup}, ` +
      `${args.rounds} round(s)); ` +
      `Bun ${Bun.version}; ${availableParallelism()} cores; load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}`,
  );

  const rounds = Math.max(1, Number(args.rounds));
  const bare = await spawnServer(["bare"]);
  const collector = await spawnServer(["collector", "memory"]);
  const runs = { bareGet: [], get: [], getXff: [], barePost: [], post: [] } as Record<string, Measurement[]>;
  for (let round = 0; round < rounds; round++) {
    // Alternating, so a burst of load from elsewhere hits both sides alike.
    const warm = round === 0;
    runs.bareGet!.push(await measure(bare, PIXEL_LUA, [], warm));
    runs.get!.push(await measure(collector, PIXEL_LUA, [], warm));
    runs.getXff!.push(await measure(collector, PIXEL_LUA, ["xff"], warm));
    runs.barePost!.push(await measure(bare, TP2_LUA, [], warm));
    runs.post!.push(await measure(collector, TP2_LUA, [], warm));
  }
  await bare.stop();
  await collector.stop();
  const [bareGet, get, getXff, barePost, post] = [
    runs.bareGet!,
    runs.get!,
    runs.getXff!,
    runs.barePost!,
    runs.post!,
  ].map(medianOf) as [Measurement, Measurement, Measurement, Measurement, Measurement];

  const rows: Row[] = [
    { name: "GET /i (socket IP)", bare: bareGet, collector: get },
    { name: "GET /i + X-Forwarded-For", bare: bareGet, collector: getXff },
    { name: "POST tp2 (1.2 KB)", bare: barePost, collector: post },
  ];

  if (!args["no-kinesis"]) {
    const engine = await spawnServer(["kinesis"]);
    // A fresh collector per run, so what one run left buffered does not weigh on the next.
    for (const [name, script, bareRun] of [
      ["GET /i → kinesalite", PIXEL_LUA, bareGet],
      ["POST tp2 → kinesalite", TP2_LUA, barePost],
    ] as const) {
      const c = await spawnServer(["collector", "kinesis", engine.url]);
      rows.push({ name, bare: bareRun, collector: await measure(c, script, [], true, engine) });
      await c.stop();
    }
    const dir = await mkdtemp(join(tmpdir(), "furrow-collector-ack-"));
    try {
      for (const [name, script, bareRun] of [
        ["GET /i → kin. + ack", PIXEL_LUA, bareGet],
        ["POST tp2 → kin. + ack", TP2_LUA, barePost],
      ] as const) {
        const c = await spawnCliCollector(engine.url, ["--acknowledge-after-write"], dir);
        rows.push({ name, bare: bareRun, collector: await measure(c, script, [], true, engine) });
        await c.stop();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    await engine.stop();
  }

  console.log();
  printTable(rows);
  const ratio = get.wrk.rps / bareGet.wrk.rps;
  const cpuRatio = bareGet.cpuMicrosPerRequest / get.cpuMicrosPerRequest;
  console.log(
    `\nGET /i: collector at ${ratio.toFixed(2)}× bare in requests/s, ${cpuRatio.toFixed(2)}× in CPU per request ` +
      `(target ≥ 0.50: ${ratio >= 0.5 ? "met" : "NOT met"} / ${cpuRatio >= 0.5 ? "met" : "NOT met"}); ` +
      `with X-Forwarded-For ${(getXff.wrk.rps / bareGet.wrk.rps).toFixed(2)}× / ` +
      `${(bareGet.cpuMicrosPerRequest / getXff.cpuMicrosPerRequest).toFixed(2)}×` +
      (rounds > 1 ? ` (medians of ${rounds} rounds)` : ""),
  );
  for (const kind of ["GET /i", "POST tp2"]) {
    const off = rows.find((r) => r.name === `${kind} → kinesalite`)?.collector;
    const on = rows.find((r) => r.name === `${kind} → kin. + ack`)?.collector;
    if (off === undefined || on === undefined) continue;
    console.log(
      `${kind} → kinesalite, acknowledgeAfterWrite on ÷ off: ${(on.wrk.rps / off.wrk.rps).toFixed(2)}× requests/s, ` +
        `${(on.cpuMicrosPerRequest / off.cpuMicrosPerRequest).toFixed(2)}× CPU per request, ` +
        `p50 ${fmtMs(on.wrk.p50Ms)} ms vs ${fmtMs(off.wrk.p50Ms)} ms, p99 ${fmtMs(on.wrk.p99Ms)} ms vs ${fmtMs(off.wrk.p99Ms)} ms`,
    );
  }

  if (!args["no-profile"]) {
    const dir = await mkdtemp(join(tmpdir(), "furrow-collector-prof-"));
    try {
      const profiled = await spawnServer(
        ["collector", "memory"],
        ["--cpu-prof", `--cpu-prof-dir=${dir}`, "--cpu-prof-name=collector.cpuprofile"],
      );
      const run = await measure(profiled, PIXEL_LUA);
      await profiled.stop();
      const profile = JSON.parse(await readFile(join(dir, "collector.cpuprofile"), "utf8")) as CpuProfile;
      printProfile(
        `CPU profile of the collector under GET /i (${fmtInt(run.wrk.rps)} rps while profiled)`,
        profile,
        top,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  const logged = stderrLogs.filter((l) => l.log.lines > 0);
  if (logged.length > 0) {
    console.log("\nstderr of the children (counted, not shown):");
    for (const { name, log } of logged) {
      const last = log.tail.trimEnd().split("\n").at(-1) ?? "";
      console.log(`  ${name}: ${fmtInt(log.lines)} line(s); last: ${last.slice(0, 160)}`);
    }
  }
  console.log(
    `\nload average after: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
}

await main();
