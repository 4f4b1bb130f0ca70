/**
 * @module
 * CollectorPayload encode and decode rates, ours against the Apache `thrift` package in the same
 * process, on a realistic 2.5 KB record (fixtures/thrift/tp2-post: a tp2 POST with headers).
 * The collector encodes once per request, so encoding is the figure that matters most.
 *
 * Run: `bun bench/thrift.ts [seconds per side and operation, default 2]`
 */
import { readFileSync } from "node:fs";
import { decodeBase64 } from "../src/core/thrift/base64.ts";
import {
  type CollectorPayload,
  decodeCollectorPayload,
  encodeCollectorPayload,
} from "../src/core/thrift/collector-payload.ts";
import { referenceDecode, referenceEncode } from "../src/core/thrift/reference-codec.test-support.ts";

const fixture = new URL("../fixtures/thrift/tp2-post", import.meta.url);
const payload = JSON.parse(
  readFileSync(new URL(`${fixture.pathname}.json`, fixture), "utf8"),
) as CollectorPayload;
const decoded = decodeBase64(readFileSync(new URL(`${fixture.pathname}.b64`, fixture), "utf8").trim());
if (!decoded.ok) throw new Error(decoded.error.message);
const bytes = decoded.value;

const seconds = Number(process.argv[2] ?? 2);

const ROUNDS = 5;

/** Calls per second of `fn` over about `ms` milliseconds. */
function rate(fn: () => number, ms: number): number {
  let sink = 0;
  let calls = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 256; i++) sink += fn();
    calls += 256;
    now = performance.now();
  }
  if (sink === 0) throw new Error("the benchmark did no work");
  return calls / ((now - start) / 1000);
}

/**
 * Best rate of each side over interleaved rounds, after a warm-up: alternating the two keeps a
 * burst of load on a shared machine from landing on one side only.
 */
function compare(ours: () => number, thrift: () => number): { ours: number; thrift: number } {
  rate(ours, seconds * 100);
  rate(thrift, seconds * 100);
  const best = { ours: 0, thrift: 0 };
  for (let round = 0; round < ROUNDS; round++) {
    best.ours = Math.max(best.ours, rate(ours, (seconds * 1000) / ROUNDS));
    best.thrift = Math.max(best.thrift, rate(thrift, (seconds * 1000) / ROUNDS));
  }
  return best;
}

// Both sides must agree before their speed means anything.
if (encodeCollectorPayload(payload).join() !== referenceEncode(payload).join())
  throw new Error("encoders differ");
const [theirs, ours] = [referenceDecode(bytes), decodeCollectorPayload(bytes)];
if (!theirs.ok || !ours.ok || JSON.stringify(theirs.payload) !== JSON.stringify(ours.value)) {
  throw new Error("decoders differ");
}

const rows = [
  {
    op: "encode",
    ...compare(
      () => encodeCollectorPayload(payload).length,
      () => referenceEncode(payload).length,
    ),
  },
  {
    op: "decode",
    ...compare(
      () => {
        const r = decodeCollectorPayload(bytes);
        return r.ok ? r.value.timestamp : 0;
      },
      () => {
        const r = referenceDecode(bytes);
        return r.ok ? r.payload.timestamp : 0;
      },
    ),
  },
];

const runtime = typeof Bun !== "undefined" ? `Bun ${Bun.version}` : `Node ${process.versions.node}`;
console.log(
  `CollectorPayload, ${bytes.length}-byte tp2 POST, ${runtime}: best of ${ROUNDS} interleaved rounds, ${seconds} s per side`,
);
console.log("");
console.log("| operation | ours (records/s) | thrift 0.24 (records/s) | ours/thrift |");
console.log("|---|---:|---:|---:|");
for (const r of rows) {
  const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
  console.log(`| ${r.op} | ${fmt(r.ours)} | ${fmt(r.thrift)} | ${(r.ours / r.thrift).toFixed(1)}× |`);
}
