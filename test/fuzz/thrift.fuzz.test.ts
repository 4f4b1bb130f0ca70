/**
 * @module
 * Fuzzing the Thrift decoder for the budget of `budget.ts`, beside the fixed 100 000-case corpus
 * fuzz of `src/core/thrift/collector-payload.fuzz.test.ts` (random bytes, structures, truncations,
 * bit flips, huge lengths and deep nesting around the fixtures). This one grows its inputs from
 * generated payloads instead of the fixtures, so every field is exercised with any text:
 *
 * - any CollectorPayload round-trips through our codec, and each side reads the other's bytes
 *   (the `thrift` package as the oracle);
 * - generated records mutated (bytes set, inserted, deleted, duplicated, cut, glued) never make
 *   the decoder throw, get the oracle's verdict, and report errors inside the input;
 * - every mutated record enrich can read still ends as good events or valid bad rows.
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import {
  COLLECTOR_PAYLOAD_SCHEMA,
  type CollectorPayload,
  decodeCollectorPayload,
  encodeCollectorPayload,
} from "../../src/core/thrift/collector-payload.ts";
import {
  canonicalPayload,
  referenceDecode,
  referenceEncode,
  verdictAgainstReference,
} from "../../src/core/thrift/reference-codec.test-support.ts";
import { fuzzTimeout, runFuzz } from "./budget.ts";
import { enrichAndCheck, fuzzPipeline, OutcomeTally } from "./enrich-outcome.ts";
import { tp2Body } from "./tracker-input.ts";

const pipeline = fuzzPipeline();

/** Any text a field may hold, well-formed (UTF-8 cannot carry a lone surrogate). */
const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.string({ unit: "binary", maxLength: 20 }).map((s) => s.toWellFormed()),
  fc.constantFrom("", "\u0000", "/i", "/com.snowplowanalytics.snowplow/tp2", "e=pv&p=web&tv=js", "UTF-8"),
);

/** A payload with any subset of the optional fields; the schema most of the time. */
const payload: fc.Arbitrary<CollectorPayload> = fc
  .record(
    {
      schema: fc.oneof(fc.constant(COLLECTOR_PAYLOAD_SCHEMA), text),
      ipAddress: fc.oneof(fc.ipV4(), fc.ipV6(), text),
      timestamp: fc.oneof(fc.maxSafeInteger(), fc.constantFrom(0, -1, 1718000000500)),
      encoding: fc.constantFrom("UTF-8", "ISO-8859-1", "utf-16", ""),
      collector: text,
      userAgent: text,
      refererUri: text,
      path: fc.oneof(
        fc.constantFrom("/i", "/com.snowplowanalytics.snowplow/tp2", "/r/tp2", "/com.mailgun/v1"),
        text,
      ),
      querystring: text,
      body: fc.oneof(tp2Body, text),
      headers: fc.array(text, { maxLength: 5 }),
      contentType: fc.constantFrom("application/json", "application/json; charset=utf-8", "text/plain", ""),
      hostname: text,
      networkUserId: fc.oneof(fc.uuid(), text),
    },
    { requiredKeys: ["timestamp"] },
  )
  .map((p) => ({ ...p }));

const canonical = canonicalPayload;

/** One edit of a record's bytes. */
type Mutation =
  | { readonly op: "set"; readonly at: number; readonly value: number }
  | { readonly op: "insert"; readonly at: number; readonly bytes: Uint8Array }
  | { readonly op: "delete"; readonly at: number; readonly length: number }
  | { readonly op: "duplicate"; readonly at: number; readonly length: number }
  | { readonly op: "cut"; readonly at: number }
  | { readonly op: "glue"; readonly other: Uint8Array };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    op: fc.constant("set" as const),
    at: fc.nat(),
    value: fc.oneof(fc.nat(255), fc.constantFrom(0, 0x7f, 0x80, 0xff, 11, 15)),
  }),
  fc.record({
    op: fc.constant("insert" as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
  }),
  fc.record({ op: fc.constant("delete" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ op: fc.constant("duplicate" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ op: fc.constant("cut" as const), at: fc.nat() }),
  fc.record({ op: fc.constant("glue" as const), other: payload.map(encodeCollectorPayload) }),
);

function mutate(record: Uint8Array, m: Mutation): Uint8Array {
  const n = record.length;
  const at = "at" in m ? m.at % (n + 1) : 0;
  switch (m.op) {
    case "set": {
      const out = record.slice();
      if (n > 0) out[at % n] = m.value;
      return out;
    }
    case "insert":
      return concat(record.subarray(0, at), m.bytes, record.subarray(at));
    case "delete":
      return concat(record.subarray(0, at), record.subarray(at + m.length));
    case "duplicate":
      return concat(record.subarray(0, at + m.length), record.subarray(at));
    case "cut":
      return record.slice(0, at);
    case "glue":
      return concat(record, m.other);
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((k, p) => k + p.length, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

/** Our verdict against the oracle's, as the corpus fuzz judges it; undefined when they agree. */
function disagreement(input: Uint8Array): string | undefined {
  const verdict = verdictAgainstReference(input);
  return verdict === "ok" ? undefined : verdict;
}

describe("Thrift decoder fuzzing", () => {
  test(
    "any payload round-trips, and our codec and the thrift package read each other",
    async () => {
      await runFuzz(
        "thrift round trip",
        fc.property(payload, (p) => {
          const ours = encodeCollectorPayload(p);
          const back = decodeCollectorPayload(ours);
          if (!back.ok) throw new Error(back.error.message);
          expect(canonical(back.value)).toBe(canonical(p));
          const ref = referenceDecode(ours);
          if (!ref.ok) throw new Error(`thrift cannot read ours: ${ref.error}`);
          expect(canonical(ref.payload)).toBe(canonical(p));
          const theirs = decodeCollectorPayload(referenceEncode(p));
          if (!theirs.ok) throw new Error(`we cannot read thrift's: ${theirs.error.message}`);
          expect(canonical(theirs.value)).toBe(canonical(p));
        }),
      );
    },
    fuzzTimeout(),
  );

  test(
    "mutated records: no throw, the thrift package's verdict, and enrich ends each in good or bad",
    async () => {
      const tally = new OutcomeTally();
      let decoded = 0;
      await runFuzz(
        "thrift mutations",
        fc.asyncProperty(payload, fc.array(mutation, { minLength: 1, maxLength: 2 }), async (p, ms) => {
          const input = ms.reduce(mutate, encodeCollectorPayload(p));
          expect(disagreement(input)).toBeUndefined();
          if (decodeCollectorPayload(input).ok) decoded++;
          tally.add(await enrichAndCheck(pipeline, input));
        }),
      );
      console.log(`  ${decoded} mutated records still decoded; ${tally}`);
    },
    fuzzTimeout(),
  );
});
