/** @module Tests for SchemaVer: parsing, formatting, ordering, partial versions. */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import {
  compareSchemaVer,
  formatPartialSchemaVer,
  formatSchemaVer,
  isFullSchemaVer,
  parsePartialSchemaVer,
  parseSchemaVer,
  type SchemaVer,
  sameSchemaVer,
} from "./schema-ver.ts";

const maxInt = 2147483647;
const schemaVerArb: fc.Arbitrary<SchemaVer> = fc.record({
  model: fc.integer({ min: 1, max: maxInt }),
  revision: fc.integer({ min: 0, max: maxInt }),
  addition: fc.integer({ min: 0, max: maxInt }),
});

describe("parseSchemaVer", () => {
  test("reads MODEL-REVISION-ADDITION", () => {
    expect(parseSchemaVer("1-0-0")).toEqual({ ok: true, value: { model: 1, revision: 0, addition: 0 } });
    expect(parseSchemaVer("12-34-560")).toEqual({
      ok: true,
      value: { model: 12, revision: 34, addition: 560 },
    });
  });

  for (const text of [
    "0-0-0", // MODEL starts at 1
    "01-0-0", // no leading zeros
    "1-01-0",
    "1-0-00",
    "1-0",
    "1-0-0-0",
    "1.0.0",
    "a-b-c",
    " 1-0-0",
    "1-0-0\n",
    "1-?-?",
    "",
    "2147483648-0-0", // a JVM Int overflows
    "1-0-2147483648",
  ]) {
    test(`rejects ${JSON.stringify(text)} with INVALID_SCHEMAVER and iglu-core's message`, () => {
      const r = parseSchemaVer(text);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.code).toBe("INVALID_SCHEMAVER");
        expect(r.error.message).toBe(`Invalid schema version: ${text}, code: INVALID_SCHEMAVER`);
      }
    });
  }

  test("accepts the largest JVM Int", () => {
    expect(parseSchemaVer("2147483647-0-0").ok).toBe(true);
  });

  test("property: parse ∘ format is the identity", () => {
    fc.assert(
      fc.property(schemaVerArb, (v) =>
        expect(parseSchemaVer(formatSchemaVer(v))).toEqual({ ok: true, value: v }),
      ),
    );
  });

  test("property: whatever parses formats back to the same text", () => {
    const text = fc.oneof(fc.string(), fc.stringMatching(/^[0-9?]{1,3}-[0-9?]{1,3}-[0-9?]{1,3}$/));
    fc.assert(
      fc.property(text, (s) => {
        const r = parseSchemaVer(s);
        if (r.ok) expect(formatSchemaVer(r.value)).toBe(s);
      }),
    );
  });
});

describe("partial SchemaVer", () => {
  test("reads unknown parts as null", () => {
    expect(parsePartialSchemaVer("1-?-?")).toEqual({
      ok: true,
      value: { model: 1, revision: null, addition: null },
    });
    expect(parsePartialSchemaVer("?-?-?")).toEqual({
      ok: true,
      value: { model: null, revision: null, addition: null },
    });
    expect(parsePartialSchemaVer("1-0-?")).toEqual({
      ok: true,
      value: { model: 1, revision: 0, addition: null },
    });
  });

  test("also reads full versions, and tells them apart", () => {
    const full = parsePartialSchemaVer("2-1-0");
    expect(full.ok && isFullSchemaVer(full.value)).toBe(true);
    const partial = parsePartialSchemaVer("2-?-0");
    expect(partial.ok && isFullSchemaVer(partial.value)).toBe(false);
  });

  test("rejects wildcards and bad numbers", () => {
    for (const text of ["1-*-*", "0-?-?", "?-01-?", "1-?", "?"])
      expect(parsePartialSchemaVer(text).ok).toBe(false);
  });

  test("property: format ∘ parse round-trips", () => {
    const part = fc.option(fc.integer({ min: 0, max: maxInt }), { nil: null });
    const arb = fc.record({
      model: fc.option(fc.integer({ min: 1, max: maxInt }), { nil: null }),
      revision: part,
      addition: part,
    });
    fc.assert(
      fc.property(arb, (v) =>
        expect(parsePartialSchemaVer(formatPartialSchemaVer(v))).toEqual({ ok: true, value: v }),
      ),
    );
  });
});

describe("compareSchemaVer", () => {
  test("orders by MODEL, then REVISION, then ADDITION", () => {
    const texts = ["2-0-0", "1-0-10", "1-1-0", "1-0-2", "10-0-0"];
    const sorted = texts.map((t) => parseSchemaVer(t)).flatMap((r) => (r.ok ? [r.value] : []));
    sorted.sort(compareSchemaVer);
    expect(sorted.map(formatSchemaVer)).toEqual(["1-0-2", "1-0-10", "1-1-0", "2-0-0", "10-0-0"]);
  });

  test("property: agrees with tuple order, is antisymmetric, and is zero only for equal versions", () => {
    fc.assert(
      fc.property(schemaVerArb, schemaVerArb, (a, b) => {
        const tuple = Math.sign(a.model - b.model || a.revision - b.revision || a.addition - b.addition);
        expect(Math.sign(compareSchemaVer(a, b))).toBe(tuple);
        expect(Math.sign(compareSchemaVer(b, a))).toBe(-tuple || 0);
        expect(sameSchemaVer(a, b)).toBe(
          a.model === b.model && a.revision === b.revision && a.addition === b.addition,
        );
      }),
    );
  });
});
