import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import {
  formatIsoTimestamp,
  formatTimestamp,
  maxTimestamp,
  minTimestamp,
  parseTimestamp,
} from "./timestamp.ts";

describe("formatTimestamp", () => {
  test("writes yyyy-MM-dd HH:mm:ss.SSS in UTC", () => {
    expect(formatTimestamp(0)).toBe("1970-01-01 00:00:00.000");
    expect(formatTimestamp(1385424125123)).toBe("2013-11-26 00:02:05.123");
    expect(formatTimestamp(-1)).toBe("1969-12-31 23:59:59.999");
    expect(formatTimestamp(951782400000)).toBe("2000-02-29 00:00:00.000");
  });

  test("covers years 0000 to 9999", () => {
    expect(formatTimestamp(minTimestamp)).toBe("0000-01-01 00:00:00.000");
    expect(formatTimestamp(-62135596800000)).toBe("0001-01-01 00:00:00.000");
    expect(formatTimestamp(maxTimestamp)).toBe("9999-12-31 23:59:59.999");
    expect(formatIsoTimestamp(minTimestamp)).toBe("0000-01-01T00:00:00.000Z");
    expect(formatIsoTimestamp(maxTimestamp)).toBe("9999-12-31T23:59:59.999Z");
  });

  test("agrees with Date#toISOString across the whole range", () => {
    fc.assert(
      fc.property(fc.integer({ min: minTimestamp, max: maxTimestamp }), (ms) => {
        const iso = new Date(ms).toISOString();
        expect(formatTimestamp(ms)).toBe(`${iso.slice(0, 10)} ${iso.slice(11, 23)}`);
        expect(formatIsoTimestamp(ms)).toBe(iso);
      }),
      { numRuns: 5000 },
    );
    for (const ms of [
      minTimestamp,
      minTimestamp + 86399999,
      -62135596800001,
      -1,
      0,
      951782400000 - 1,
      maxTimestamp,
    ]) {
      const iso = new Date(ms).toISOString();
      expect(formatTimestamp(ms)).toBe(`${iso.slice(0, 10)} ${iso.slice(11, 23)}`);
    }
  });

  test("refuses what Enrich could never have parsed", () => {
    for (const bad of [minTimestamp - 1, maxTimestamp + 1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => formatTimestamp(bad)).toThrow(RangeError);
      expect(() => formatIsoTimestamp(bad)).toThrow(RangeError);
    }
  });
});

describe("parseTimestamp", () => {
  test("reads Enrich's format", () => {
    expect(parseTimestamp("2013-11-26 00:02:05.123")).toEqual({ ok: true, value: 1385424125123 });
    expect(parseTimestamp("0000-01-01 00:00:00.000")).toEqual({ ok: true, value: minTimestamp });
    expect(parseTimestamp("0001-01-01 00:00:00.000")).toEqual({ ok: true, value: -62135596800000 });
    expect(parseTimestamp("9999-12-31 23:59:59.999")).toEqual({ ok: true, value: maxTimestamp });
  });

  test("accepts 0 to 9 fraction digits, as Instant.parse does, keeping milliseconds", () => {
    expect(parseTimestamp("2013-11-26 00:02:05")).toEqual({ ok: true, value: 1385424125000 });
    expect(parseTimestamp("2013-11-26 00:02:05.1")).toEqual({ ok: true, value: 1385424125100 });
    expect(parseTimestamp("2013-11-26 00:02:05.12")).toEqual({ ok: true, value: 1385424125120 });
    expect(parseTimestamp("2013-11-26 00:02:05.123999999")).toEqual({ ok: true, value: 1385424125123 });
    expect(parseTimestamp("1969-12-31 23:59:59.9999")).toEqual({ ok: true, value: -1 });
  });

  test("knows the proleptic Gregorian leap years", () => {
    expect(parseTimestamp("2000-02-29 00:00:00.000").ok).toBe(true);
    expect(parseTimestamp("2024-02-29 00:00:00.000").ok).toBe(true);
    expect(parseTimestamp("0000-02-29 00:00:00.000").ok).toBe(true);
    expect(parseTimestamp("1900-02-29 00:00:00.000").ok).toBe(false);
    expect(parseTimestamp("2023-02-29 00:00:00.000").ok).toBe(false);
  });

  test("rejects anything else", () => {
    for (const bad of [
      "",
      "2013-11-26",
      "2013-11-26T00:02:05.123",
      "2013-11-26 00:02:05.123Z",
      "2013-11-26 00:02:05.",
      "2013-11-26 00:02:05.1234567890",
      "2013-11-26 00:02:05,123",
      "2013-13-01 00:00:00.000",
      "2013-00-01 00:00:00.000",
      "2013-04-31 00:00:00.000",
      "2013-04-00 00:00:00.000",
      "2013-04-01 24:00:00.000",
      "2013-04-01 23:60:00.000",
      "2013-04-01 23:59:60.000",
      "10000-01-01 00:00:00.000",
      "-001-01-01 00:00:00.000",
      "+2013-11-26 00:02:05.123",
      "2013-1a-26 00:02:05.123",
      "2013-11-26 00:02:05.1x3",
      "1385424125123",
      " 2013-11-26 00:02:05.123",
    ]) {
      const r = parseTimestamp(bad);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toContain("'");
    }
  });

  test("reads back whatever it formats", () => {
    fc.assert(
      fc.property(fc.integer({ min: minTimestamp, max: maxTimestamp }), (ms) => {
        const text = formatTimestamp(ms);
        expect(text).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/);
        expect(parseTimestamp(text)).toEqual({ ok: true, value: ms });
      }),
      { numRuns: 2000 },
    );
  });

  test("agrees with Date.parse on every valid calendar date", () => {
    const date = fc.record({
      y: fc.integer({ min: 0, max: 9999 }),
      m: fc.integer({ min: 1, max: 12 }),
      d: fc.integer({ min: 1, max: 31 }),
      h: fc.integer({ min: 0, max: 23 }),
      mi: fc.integer({ min: 0, max: 59 }),
      s: fc.integer({ min: 0, max: 59 }),
      ms: fc.integer({ min: 0, max: 999 }),
    });
    const pad = (n: number, w: number) => String(n).padStart(w, "0");
    fc.assert(
      fc.property(date, ({ y, m, d, h, mi, s, ms }) => {
        const body = `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
        const time = `${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}.${pad(ms, 3)}`;
        const expected = Date.parse(`${body}T${time}Z`);
        // Date.parse rolls 31 April over to 1 May; Enrich (Joda) rejects it.
        const real = !Number.isNaN(expected) && new Date(expected).getUTCDate() === d;
        const parsed = parseTimestamp(`${body} ${time}`);
        expect(parsed.ok).toBe(real);
        if (parsed.ok) expect(parsed.value).toBe(expected);
      }),
      { numRuns: 3000 },
    );
  });
});
