/**
 * @module
 * Fuzzing the decoder with 100 000 seeded inputs: random bytes, random Thrift structures, every
 * truncation of the fixtures, bit flips, huge length prefixes, deep nesting and spliced bytes.
 * No exception may escape, nothing may hang (the test has a deadline), every error must point
 * inside the input, and on every input our verdict must agree with the `thrift` package's.
 */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { decodeBase64 } from "./base64.ts";
import { verdictAgainstReference } from "./reference-codec.test-support.ts";

const fixturesDir = fileURLToPath(new URL("../../../fixtures/thrift/", import.meta.url));
const corpus = readdirSync(fixturesDir)
  .filter((f) => f.endsWith(".b64"))
  .sort()
  .map((f) => {
    const r = decodeBase64(readFileSync(`${fixturesDir}${f}`, "utf8").trim());
    if (!r.ok) throw new Error(`${f}: ${r.error.message}`);
    return r.value;
  });

/** mulberry32: a tiny seeded PRNG, so every run feeds the same 100 000 inputs. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = prng(0x5eed_f00d);
const int = (n: number) => Math.floor(random() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;

const TYPES = [2, 3, 4, 6, 8, 10, 11, 12, 13, 14, 15, 16];
const KNOWN_IDS = [100, 200, 210, 220, 300, 310, 320, 330, 340, 350, 360, 400, 410, 31337];

/** Growable byte writer for building structured inputs. */
class Bytes {
  private buf = new Uint8Array(64);
  length = 0;
  byte(b: number): this {
    if (this.length === this.buf.length) {
      const next = new Uint8Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.length++] = b & 0xff;
    return this;
  }
  i16(v: number): this {
    return this.byte(v >>> 8).byte(v);
  }
  i32(v: number): this {
    return this.byte(v >>> 24)
      .byte(v >>> 16)
      .byte(v >>> 8)
      .byte(v);
  }
  raw(n: number): this {
    for (let i = 0; i < n; i++) this.byte(int(256));
    return this;
  }
  done(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** Writes a random, well-formed value of `type`, nesting at most `depth` more levels. */
function writeValue(out: Bytes, type: number, depth: number): void {
  switch (type) {
    case 2:
    case 3:
      out.raw(1);
      return;
    case 6:
      out.raw(2);
      return;
    case 8:
      out.raw(4);
      return;
    case 4:
    case 10:
      out.raw(8);
      return;
    case 16:
      out.raw(16);
      return;
    case 11: {
      const n = int(12);
      out.i32(n);
      for (let i = 0; i < n; i++) out.byte(random() < 0.9 ? 0x20 + int(0x5f) : int(256));
      return;
    }
    case 12:
      writeFields(out, depth - 1, int(depth > 0 ? 4 : 1));
      out.byte(0);
      return;
    case 13: {
      const [k, v, n] = [pick(TYPES), pick(TYPES), depth > 0 ? int(4) : 0];
      out.byte(k).byte(v).i32(n);
      for (let i = 0; i < n; i++) {
        writeValue(out, k, depth - 1);
        writeValue(out, v, depth - 1);
      }
      return;
    }
    default: {
      const [e, n] = [pick(TYPES), depth > 0 ? int(4) : 0];
      out.byte(e).i32(n);
      for (let i = 0; i < n; i++) writeValue(out, e, depth - 1);
    }
  }
}

function writeFields(out: Bytes, depth: number, count: number): void {
  for (let i = 0; i < count; i++) {
    const id = random() < 0.5 ? pick(KNOWN_IDS) : int(0x10000);
    const type = random() < 0.3 && id !== 200 && id !== 350 ? 11 : pick(TYPES);
    out.byte(type).i16(id);
    writeValue(out, type, depth);
  }
}

/** Offsets of every i32 length or count in a record our encoder wrote. */
function lengthOffsets(rec: Uint8Array): number[] {
  const view = new DataView(rec.buffer, rec.byteOffset, rec.byteLength);
  const found: number[] = [];
  let pos = 0;
  while (rec[pos] !== 0) {
    const type = rec[pos]!;
    pos += 3;
    if (type === 10) {
      pos += 8;
      continue;
    }
    let strings = 1;
    if (type === 15) {
      found.push(pos + 1);
      strings = view.getInt32(pos + 1);
      pos += 5;
    }
    for (let i = 0; i < strings; i++) {
      found.push(pos);
      pos += 4 + view.getInt32(pos);
    }
  }
  return found;
}

const HUGE = [0x7fffffff, 0x80000000, 0xffffffff, 0x40000000, 0x10000000, 0xfffffffe];

/** A record from the corpus with one length replaced by a huge, negative or off-by-one value. */
function hugeLength(): Uint8Array {
  const rec = pick(corpus).slice();
  const offsets = lengthOffsets(rec);
  if (offsets.length === 0) return rec;
  const at = pick(offsets);
  const left = rec.length - at - 4;
  const value = random() < 0.7 ? pick(HUGE) : pick([left + 1, left, left - 1, int(2 ** 32)]);
  new DataView(rec.buffer).setUint32(at, value >>> 0);
  return rec;
}

/** Writes a container of `type` holding one container per level, `levels` deep, then empty. */
function writeNested(out: Bytes, type: number, levels: number): void {
  if (levels === 0) {
    if (type === 12) out.byte(0);
    else if (type === 13) out.byte(11).byte(11).i32(0);
    else out.byte(11).i32(0);
    return;
  }
  const child = pick([12, 13, 14, 15]);
  if (type === 12) {
    out.byte(child).i16(int(0x10000));
    writeNested(out, child, levels - 1);
    out.byte(0);
  } else if (type === 13) {
    out.byte(11).byte(child).i32(1).i32(1).byte(0x6b); // one entry, key "k"
    writeNested(out, child, levels - 1);
  } else {
    out.byte(child).i32(1);
    writeNested(out, child, levels - 1);
  }
}

/** An unknown field nesting containers 1 to 150 deep (the limit is 64), sometimes cut short. */
function deepNesting(): Uint8Array {
  const type = pick([12, 13, 14, 15]);
  const out = new Bytes();
  out.byte(11).i16(100).i32(2).byte(0x31).byte(0x32);
  out.byte(type).i16(7777);
  writeNested(out, type, int(150));
  out.byte(0);
  const full = out.done();
  return random() < 0.2 ? full.subarray(0, int(full.length)) : full;
}

function randomBytes(): Uint8Array {
  const n = int(129);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = int(256);
  if (n > 0 && random() < 0.5) out[0] = pick(TYPES);
  return out;
}

function randomStructure(): Uint8Array {
  const out = new Bytes();
  writeFields(out, 1 + int(4), int(8));
  out.byte(0);
  const rec = out.done();
  if (random() < 0.5) return rec;
  // Corrupt one byte, so the structure is almost right.
  if (rec.length > 0) rec[int(rec.length)] = int(256);
  return rec;
}

function bitFlips(): Uint8Array {
  const rec = pick(corpus).slice();
  const flips = 1 + int(4);
  for (let i = 0; i < flips; i++) rec[int(rec.length)]! ^= 1 << int(8);
  return rec;
}

function splice(): Uint8Array {
  const rec = pick(corpus);
  const a = int(rec.length);
  const b = a + int(rec.length - a + 1);
  const c = int(rec.length);
  const parts = [
    rec.subarray(0, a),
    random() < 0.5 ? new Uint8Array() : rec.subarray(c, c + int(16)),
    rec.subarray(b),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

const TOTAL = 100_000;

describe("decoder fuzzing", () => {
  test(`${TOTAL} corrupted and random inputs: no throw, no hang, same verdict as the thrift package`, () => {
    const counts: Record<string, number> = {};
    const truncations = corpus.reduce((n, rec) => n + rec.length, 0);
    const plan: [string, number, () => Iterable<Uint8Array>][] = [
      ["random bytes", 20_000, () => repeat(20_000, randomBytes)],
      ["random structures", 15_000, () => repeat(15_000, randomStructure)],
      [
        "truncations",
        truncations,
        () => corpus.flatMap((rec) => Array.from(rec, (_, n) => rec.subarray(0, n))),
      ],
      ["bit flips", 30_000, () => repeat(30_000, bitFlips)],
      ["huge lengths", 10_000, () => repeat(10_000, hugeLength)],
      ["deep nesting", 5_000, () => repeat(5_000, deepNesting)],
    ];
    const spliced = TOTAL - plan.reduce((n, [, k]) => n + k, 0);
    plan.push(["splices", spliced, () => repeat(spliced, splice)]);

    const thrown: string[] = [];
    const disagreements: string[] = [];
    let decoded = 0;
    const started = performance.now();
    for (const [category, expected, inputs] of plan) {
      let n = 0;
      for (const input of inputs()) {
        n++;
        const problem = verdictAgainstReference(input);
        if (problem === "threw") thrown.push(`${category}: ${hex(input)}`);
        else if (problem === "ok") decoded++;
        else if (problem !== undefined) disagreements.push(`${category}: ${problem}: ${hex(input)}`);
      }
      counts[category] = n;
      expect(n).toBe(expected);
    }
    const seconds = (performance.now() - started) / 1000;
    console.log(`fuzzed ${TOTAL} inputs in ${seconds.toFixed(2)} s (${decoded} decoded to a struct)`, counts);

    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(TOTAL);
    expect(thrown.slice(0, 5)).toEqual([]);
    expect(disagreements.slice(0, 5)).toEqual([]);
    // The inputs are not all rejected: random structures and flipped text bytes still decode.
    expect(decoded).toBeGreaterThan(1_000);
  }, 120_000);
});

function* repeat(n: number, make: () => Uint8Array): Iterable<Uint8Array> {
  for (let i = 0; i < n; i++) yield make();
}

const hex = (b: Uint8Array) => Array.from(b.subarray(0, 48), (x) => x.toString(16).padStart(2, "0")).join("");
