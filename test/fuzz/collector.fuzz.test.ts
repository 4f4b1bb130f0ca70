/**
 * @module
 * Fuzzing the collector with hostile HTTP, for the budget of `budget.ts`: random paths, methods,
 * headers, bodies and query strings (see `http-input.ts`), against two configurations (Snowplow's
 * defaults, and every optional feature on). In process through the Hono app, then over real
 * sockets through `Bun.serve` (Bun's native routes), then as malformed HTTP/1.1 bytes on raw TCP.
 *
 * Every request must end as an HTTP response below 500 (the sinks stay healthy, so not even 503),
 * with nothing logged and no sink write refused; every record on the raw stream must be Thrift
 * that our decoder and the `thrift` package read alike; every record on the bad stream must be a
 * bad row valid against Iglu Central. Every accepted record then goes through enrich, record by
 * record and again in batches through `EnrichApp`, and must end as good events or valid bad rows.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { connect } from "node:net";
import fc from "fast-check";
import { MemorySink } from "../../src/adapters/memory/memory-sink.ts";
import { type CollectorApp, createCollectorApp } from "../../src/apps/collector/app.ts";
import { type CollectorConfig, defaultCollectorConfig } from "../../src/apps/collector/config.ts";
import { EnrichApp } from "../../src/apps/enrich/app.ts";
import { FURROW_VERSION } from "../../src/apps/furrow-version.ts";
import { ETL_TSTAMP } from "../../src/core/enrich/test-records.test-support.ts";
import type { Logger, LogLevel } from "../../src/core/ops/log.ts";
import { type CollectorPayload, decodeCollectorPayload } from "../../src/core/thrift/collector-payload.ts";
import { referenceDecode } from "../../src/core/thrift/reference-codec.test-support.ts";
import { type CollectorUnderTest, startCollectorUnderTest } from "../collector/collector-under-test.ts";
import { sharedDir, sharedMissing } from "../support/shared.ts";
import { fuzzBudget, fuzzTimeout, runFuzz } from "./budget.ts";
import { checkBadRowText, enrichAndCheck, fuzzPipeline, OutcomeTally } from "./enrich-outcome.ts";
import { describeRequest, type FuzzRequest, fuzzRequest, toRequest } from "./http-input.ts";

const DAY = 24 * 3600 * 1000;

/** Snowplow's defaults, and every optional behaviour switched on. */
const CONFIGS: Record<string, (c: CollectorConfig) => CollectorConfig> = {
  defaults: (c) => c,
  "every feature on": (c) => ({
    ...c,
    paths: { "/acme/t": "/com.snowplowanalytics.snowplow/tp2", "/acme/r": "/r/tp2" },
    crossDomain: { enabled: true, domains: ["*.example", "shop.example"], secure: false },
    cookie: { ...c.cookie, domains: ["example", "collector.test"], fallbackDomain: "collector.test" },
    doNotTrackCookie: { enabled: true, name: "dnt", value: "1|yes" },
    cookieBounce: { ...c.cookieBounce, enabled: true, forwardedProtocolHeader: "X-Forwarded-Proto" },
    rootResponse: { enabled: true, statusCode: 200, headers: { "X-Root": "1" }, body: "root" },
    hsts: { enable: true, maxAge: 365 * DAY },
    enableDefaultRedirect: true,
    redirectDomains: ["shop.example"],
    streams: { ...c.streams, useIpAddressAsPartitionKey: true },
  }),
};

const base = () => defaultCollectorConfig({ good: "raw", bad: "bad-1" });
const pipeline = fuzzPipeline();
const SERVER = { requestIP: () => ({ address: "198.51.100.4" }) };
/** Accepted raw records kept for the batch pass through `EnrichApp`. */
const MAX_KEPT = 3000;

/** What one collector did with the fuzzer's requests. */
class Tally {
  requests = 0;
  readonly statuses = new Map<number, number>();
  goodRecords = 0;
  badRecords = 0;
  readonly kept: Uint8Array[] = [];
  readonly enrich = new OutcomeTally();

  toString(): string {
    const statuses = [...this.statuses]
      .sort(([a], [b]) => a - b)
      .map(([s, n]) => `${s}×${n}`)
      .join(" ");
    return `${this.requests} requests (${statuses}); ${this.goodRecords} raw records, ${this.badRecords} collector bad rows; ${this.enrich}`;
  }
}

/** Checks what one request left on the streams; enriches the raw records. */
async function checkRecords(
  r: FuzzRequest,
  status: number,
  good: Uint8Array[],
  bad: Uint8Array[],
  tally: Tally,
): Promise<void> {
  tally.requests++;
  tally.statuses.set(status, (tally.statuses.get(status) ?? 0) + 1);
  const request = describeRequest(r);
  expect({ request, status: status < 500 ? "below 500" : status }).toEqual({ request, status: "below 500" });
  const paths: string[] = [];
  for (const record of good) {
    tally.goodRecords++;
    const ours = decodeCollectorPayload(record);
    if (!ours.ok) throw new Error(`${request}: raw record does not decode: ${ours.error.message}`);
    const ref = referenceDecode(record);
    if (!ref.ok) throw new Error(`${request}: the thrift package cannot read the record: ${ref.error}`);
    expect(canonical(ref.payload)).toEqual(canonical(ours.value));
    paths.push(ours.value.path ?? "");
    tally.enrich.add(await enrichAndCheck(pipeline, record));
    if (tally.kept.length < MAX_KEPT) tally.kept.push(record);
  }
  // Records mean the request was accepted: 200 or a redirect's 302, or Snowplow's 400 for a
  // redirect without an allowed `u`, which is recorded all the same.
  if (good.length + bad.length > 0) {
    const pathname = new URL(`http://collector.test${r.target}`).pathname;
    const redirect =
      pathname.startsWith("/r/") || pathname === "/acme/r" || paths.some((p) => p.startsWith("/r/"));
    const accepted = status === 200 || status === 302 || (redirect && status === 400);
    expect({ request, status, accepted }).toEqual({ request, status, accepted: true });
  }
  for (const row of bad) {
    tally.badRecords++;
    expect(checkBadRowText(new TextDecoder().decode(row))).toBe("size_violation");
  }
}

/** A logger keeping the records of `levels` in `lines`, dropping the rest. */
function problemLog(lines: string[], levels: readonly LogLevel[]): Logger {
  const keep = (level: LogLevel) => (msg: string) => {
    if (levels.includes(level)) lines.push(`${level}: ${msg}`);
  };
  const logger: Logger = {
    debug: keep("debug"),
    info: keep("info"),
    warn: keep("warn"),
    error: keep("error"),
    with: () => logger,
  };
  return logger;
}

/** The warnings and errors among a started collector's text log lines. */
const problems = (lines: readonly string[]) => lines.filter((l) => /^furrow [^:]+: (warn|error): /.test(l));

const canonical = (p: CollectorPayload) => JSON.stringify(p, Object.keys(p).sort());

/** Every kept record through `EnrichApp` in batches: at least one output each, all valid. */
async function enrichInBatches(records: readonly Uint8Array[]): Promise<void> {
  const good = new MemorySink();
  const bad = new MemorySink();
  const app = new EnrichApp({ pipeline, sinks: { good, bad }, now: () => ETL_TSTAMP });
  let outputs = 0;
  for (let i = 0; i < records.length; i += 500) {
    const batch = records.slice(i, i + 500);
    const summary = await app.processBatch(batch);
    outputs += summary.good + summary.bad;
  }
  expect(outputs).toBeGreaterThanOrEqual(records.length);
  expect(good.records.length + bad.records.length).toBe(outputs);
  for (const row of bad.records) checkBadRowText(new TextDecoder().decode(row.data));
  console.log(
    `  EnrichApp: ${records.length} raw records → ${good.records.length} good, ${bad.records.length} bad`,
  );
}

describe("collector fuzzing, in process", () => {
  for (const [name, patch] of Object.entries(CONFIGS)) {
    test(
      `hostile requests (${name}): a response below 500, decodable records, enriched to good or bad`,
      async () => {
        const good = new MemorySink();
        const bad = new MemorySink();
        const log: string[] = [];
        const app: CollectorApp = createCollectorApp({
          config: patch(base()),
          goodSink: good,
          badSink: bad,
          version: FURROW_VERSION,
          sinkName: "memory",
          logger: problemLog(log, ["warn", "error"]),
        });
        const tally = new Tally();
        await runFuzz(
          `collector in process (${name})`,
          fc.asyncProperty(fuzzRequest, async (r) => {
            const [g, b] = [good.records.length, bad.records.length];
            const res = await app.hono.fetch(toRequest(r, "http://collector.test"), SERVER);
            await res.arrayBuffer();
            expect(log.splice(0)).toEqual([]);
            await checkRecords(
              r,
              res.status,
              good.records.slice(g).map((x) => x.data),
              bad.records.slice(b).map((x) => x.data),
              tally,
            );
          }),
        );
        console.log(`  ${tally}`);
        expect(app.metrics.writeFailures).toEqual({ good: 0, bad: 0 });
        await enrichInBatches(tally.kept);
      },
      fuzzTimeout(),
    );
  }
});

describe("collector fuzzing, sinks down", () => {
  test(
    "hostile requests while both sinks are unhealthy: 503 with Retry-After or a non-tracking answer, never 500",
    async () => {
      const good = new MemorySink();
      const bad = new MemorySink();
      good.healthy = false;
      bad.healthy = false;
      const log: string[] = [];
      const app = createCollectorApp({
        config: CONFIGS["every feature on"]!(base()),
        goodSink: good,
        badSink: bad,
        version: FURROW_VERSION,
        sinkName: "memory",
        // Back-pressure warnings are expected here; errors are not.
        logger: problemLog(log, ["error"]),
      });
      const statuses = new Map<number, number>();
      await runFuzz(
        "collector with sinks down",
        fc.asyncProperty(fuzzRequest, async (r) => {
          const res = await app.hono.fetch(toRequest(r, "http://collector.test"), SERVER);
          await res.arrayBuffer();
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          const request = describeRequest(r);
          // 503 for back-pressure carries Retry-After; /sink-health's 503 is the report itself.
          const sinkHealth = new URL(`http://collector.test${r.target}`).pathname === "/sink-health";
          const fine =
            res.status < 500 ||
            (res.status === 503 && (sinkHealth || res.headers.get("retry-after") === "5"));
          expect({ request, status: res.status, fine, log: log.splice(0) }).toEqual({
            request,
            status: res.status,
            fine: true,
            log: [],
          });
          expect(good.records.length + bad.records.length).toBe(0);
        }),
      );
      console.log(`  statuses: ${[...statuses].map(([s, n]) => `${s}×${n}`).join(" ")}`);
    },
    fuzzTimeout(),
  );
});

describe("collector fuzzing, over real sockets", () => {
  let collector: CollectorUnderTest;
  beforeAll(async () => {
    collector = await startCollectorUnderTest(CONFIGS["every feature on"]!);
  });
  afterAll(() => collector.stop());

  test(
    "hostile requests through Bun.serve: a response below 500, decodable records",
    async () => {
      const tally = new Tally();
      // Sockets cost more than in-process calls: a fifth of the budget's cases, at most 400 in CI.
      const budget = { ...fuzzBudget, runs: fuzzBudget.runs ?? (fuzzBudget.seconds <= 5 ? 400 : undefined) };
      await runFuzz(
        "collector over sockets",
        fc.asyncProperty(fuzzRequest, async (r) => {
          const [g, b] = [collector.good.records.length, collector.bad.records.length];
          const res = await fetch(toRequest(r, collector.url), { redirect: "manual" });
          await res.arrayBuffer();
          expect(problems(collector.log.splice(0))).toEqual([]);
          await checkRecords(
            r,
            res.status,
            collector.good.records.slice(g).map((x) => x.data),
            collector.bad.records.slice(b).map((x) => x.data),
            tally,
          );
        }),
        budget,
      );
      console.log(`  ${tally}`);
      expect(collector.collector.metrics.writeFailures).toEqual({ good: 0, bad: 0 });
    },
    fuzzTimeout(),
  );

  test(
    "malformed HTTP/1.1 on raw TCP: always an HTTP status below 500",
    async () => {
      const statuses = new Map<string, number>();
      await runFuzz(
        "collector raw HTTP",
        fc.asyncProperty(rawRequest, async (bytes) => {
          const answer = await exchange(collector.port, bytes);
          const status =
            /^HTTP\/1\.[01] (\d{3})/.exec(answer)?.[1] ??
            (answer === ""
              ? "closed without an answer"
              : `no status: ${JSON.stringify(answer.slice(0, 60))}`);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          const sent = new TextDecoder().decode(bytes.subarray(0, 200));
          // Bun's parser answers 505 for a request line it cannot split into method, target
          // and HTTP/1.x (an empty or unknown version, a tab as separator), and closes the
          // connection without a word on a method it does not know (even a bare Bun.serve
          // does): Bun's, not ours.
          const known = /^(GET|HEAD|POST|PUT|DELETE|CONNECT|OPTIONS|TRACE|PATCH) /.test(sent);
          const fine = /^[1-4]\d\d$/.test(status) || status === "505" || (!known && answer === "");
          expect({ sent, status: fine ? "below 500" : status }).toEqual({
            sent,
            status: "below 500",
          });
          expect(problems(collector.log.splice(0))).toEqual([]);
        }),
        { ...fuzzBudget, runs: fuzzBudget.runs ?? (fuzzBudget.seconds <= 5 ? 200 : undefined) },
      );
      console.log(`  raw HTTP statuses: ${[...statuses].map(([s, n]) => `${s}×${n}`).join(" ")}`);
    },
    fuzzTimeout(),
  );

  if (!sharedDir)
    test.skip(sharedMissing("bad rows validated against Iglu Central (collector fuzz)"), () => {});
});

const latin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);

/** Request-line and header syntax a client should not send, and bodies framed wrongly. */
const rawRequest: fc.Arbitrary<Uint8Array> = fc
  .record({
    method: fc.constantFrom("GET", "POST", "get", "G ET", "", "GET\t", "\u00c9", "X".repeat(300)),
    target: fc.oneof(
      fc.constantFrom(
        "/i",
        "/com.snowplowanalytics.snowplow/tp2",
        "*",
        "",
        "i",
        "http://collector.test/i",
        "/i?e=pv",
      ),
      fc.string({ unit: "binary-ascii", maxLength: 40 }).map((s) => `/${s}`),
      fc
        .string({
          unit: fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)),
          maxLength: 10,
        })
        .map((s) => `/i?${s}`),
      fc.constant(`/i?${"q".repeat(70_000)}`),
    ),
    version: fc.constantFrom("HTTP/1.1", "HTTP/1.0", "HTTP/2", "HTTP/1.1 extra", "", "http/1.1", "HTTP/9.9"),
    headers: fc.array(
      fc.oneof(
        fc.constantFrom(
          "Host: collector.test",
          "Host:",
          "Host: a\u00ff",
          "Content-Length: 5",
          "Content-Length: -1",
          "Content-Length: 99999999999999999999",
          "Content-Length: 3\r\nContent-Length: 4",
          "Transfer-Encoding: chunked",
          "Transfer-Encoding: gzip, chunked",
          "Transfer-Encoding: chunked\r\nContent-Length: 3",
          "Content-Type: application/json",
          " folded: continuation",
          "NoColon",
          ": empty-name",
          "Bad Name: x",
          "Cookie: sp=\u00ff\u00fe",
          `X-Big: ${"b".repeat(20_000)}`,
        ),
        fc
          .tuple(
            fc.string({ unit: "binary-ascii", maxLength: 10 }),
            fc.string({ unit: "binary-ascii", maxLength: 20 }),
          )
          .map(([k, v]) => `${k}: ${v}`.replace(/[\r\n]/g, "")),
      ),
      { maxLength: 4 },
    ),
    body: fc.oneof(
      fc.constant(""),
      fc.constantFrom(
        "hello",
        "5\r\nhello\r\n0\r\n\r\n",
        "zz\r\nhello\r\n0\r\n\r\n",
        "5\r\nhel",
        '{"schema":',
      ),
      fc.string({ unit: "binary-ascii", maxLength: 60 }),
    ),
  })
  .map(({ method, target, version, headers, body }) =>
    latin1(
      `${method} ${target} ${version}\r\n${[...headers, "Connection: close"].join("\r\n")}\r\n\r\n${body}`,
    ),
  );

/** Sends `bytes`, half-closes, and reads until the server closes; a guard ends a silent hang. */
function exchange(port: number, bytes: Uint8Array): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, "127.0.0.1");
    const done = () => {
      clearTimeout(guard);
      resolve(Buffer.concat(chunks).toString("latin1"));
    };
    // Not a timing assertion: a server that never answers shows as "no status" instead of a hang.
    const guard = setTimeout(() => socket.destroy(), 10_000);
    socket.on("connect", () => socket.end(bytes));
    socket.on("data", (d: Buffer) => chunks.push(d));
    socket.on("error", () => {});
    socket.on("close", done);
  });
}
