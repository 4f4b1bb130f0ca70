import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { formatTimestamp, maxTimestamp } from "../event/timestamp.ts";
import {
  cellText,
  dateText,
  fitsText,
  jsonbText,
  MIN_POSTGRES_TIMESTAMP,
  timestampText,
  utcTimestampText,
} from "./cell.ts";
import {
  BIGINT,
  BOOLEAN,
  char,
  DATE,
  DOUBLE,
  INTEGER,
  JSONB,
  TIMESTAMP,
  UUID,
  varchar,
} from "./column-type.ts";

describe("cellText (transform.cast)", () => {
  test("null and absent values are SQL NULL for every type", () => {
    for (const type of [varchar(3), UUID, TIMESTAMP, INTEGER, JSONB]) {
      expect(cellText(null, type)).toBeNull();
      expect(cellText(undefined, type)).toBeNull();
    }
  });

  test("VARCHAR keeps strings whole, writes other values as compact JSON, refuses what is too long", () => {
    expect(cellText("abc", varchar(3))).toBe("abc");
    expect(cellText("abcd", varchar(3))).toBeUndefined();
    expect(cellText("😀😀😀", varchar(3))).toBe("😀😀😀");
    expect(cellText({ a: [1, 2] }, varchar(null))).toBe('{"a":[1,2]}');
    expect(cellText(12, varchar(10))).toBe("12");
    expect(cellText("x".repeat(5000), varchar(4096))).toBeUndefined();
    expect(cellText("x".repeat(5000), varchar(null))).toBe("x".repeat(5000));
  });

  test("text holding U+0000 is refused: Postgres cannot store it", () => {
    expect(cellText("a\u0000b", varchar(10))).toBeUndefined();
    expect(cellText("a\u0000", char(2))).toBeUndefined();
  });

  test("CHAR takes strings up to its length", () => {
    expect(cellText("IE", char(2))).toBe("IE");
    expect(cellText("I", char(2))).toBe("I");
    expect(cellText("IRL", char(2))).toBeUndefined();
    expect(cellText(12, char(2))).toBeUndefined();
  });

  test("UUID takes the hyphenated form only", () => {
    expect(cellText("c6ef3124-b53a-4b13-a233-0088f79dcbcb", UUID)).toBe(
      "c6ef3124-b53a-4b13-a233-0088f79dcbcb",
    );
    expect(cellText("C6EF3124-B53A-4B13-A233-0088F79DCBCB", UUID)).toBe(
      "C6EF3124-B53A-4B13-A233-0088F79DCBCB",
    );
    expect(cellText("c6ef3124b53a4b13a2330088f79dcbcb", UUID)).toBeUndefined();
    expect(cellText("nope", UUID)).toBeUndefined();
  });

  test("TIMESTAMP takes RFC 3339 date-times, in UTC", () => {
    expect(cellText("2024-05-06T10:00:00Z", TIMESTAMP)).toBe("2024-05-06 10:00:00");
    expect(cellText("2024-05-06T10:00:00.123456789+02:00", TIMESTAMP)).toBe("2024-05-06 08:00:00.123456");
    expect(cellText("2024-05-06", TIMESTAMP)).toBeUndefined();
    expect(cellText(1715000000000, TIMESTAMP)).toBeUndefined();
  });

  test("DATE takes full dates (Snowplow refuses every one)", () => {
    expect(cellText("2024-02-29", DATE)).toBe("2024-02-29");
    expect(cellText("2023-02-29", DATE)).toBeUndefined();
    expect(cellText("0000-01-01", DATE)).toBeUndefined();
    expect(cellText("2024-13-01", DATE)).toBeUndefined();
  });

  test("INTEGER and BIGINT take integers in range", () => {
    expect(cellText(2147483647, INTEGER)).toBe("2147483647");
    expect(cellText(2147483648, INTEGER)).toBeUndefined();
    expect(cellText(-2147483648, INTEGER)).toBe("-2147483648");
    expect(cellText(1.5, INTEGER)).toBeUndefined();
    expect(cellText(1.0, INTEGER)).toBe("1");
    expect(cellText("1", INTEGER)).toBeUndefined();
    expect(cellText(1e21, BIGINT)).toBeUndefined();
    expect(cellText(9007199254740992, BIGINT)).toBe("9007199254740992");
    expect(cellText(-(2 ** 63), BIGINT)).toBe("-9223372036854775808");
    expect(cellText(2 ** 63, BIGINT)).toBeUndefined();
  });

  test("DOUBLE takes numbers, BOOLEAN booleans", () => {
    expect(cellText(189.5, DOUBLE)).toBe("189.5");
    expect(cellText(1e21, DOUBLE)).toBe("1e+21");
    expect(cellText("189.5", DOUBLE)).toBeUndefined();
    expect(cellText(true, BOOLEAN)).toBe("t");
    expect(cellText(false, BOOLEAN)).toBe("f");
    expect(cellText(0, BOOLEAN)).toBeUndefined();
  });

  test("JSONB takes any JSON but U+0000 and lone surrogates", () => {
    expect(cellText(["new", "autumn"], JSONB)).toBe('["new","autumn"]');
    expect(cellText("plain", JSONB)).toBe('"plain"');
    expect(cellText({ a: "\u0000" }, JSONB)).toBeUndefined();
    expect(cellText({ a: "\ud800" }, JSONB)).toBeUndefined();
    expect(cellText({ a: "😀" }, JSONB)).toBe('{"a":"😀"}');
    // An escaped backslash before "u0000" is text, not an escape.
    expect(cellText({ a: "\\u0000" }, JSONB)).toBe('{"a":"\\\\u0000"}');
  });
});

describe("utcTimestampText", () => {
  test("the toISOString form reads as the time it names, to the millisecond", () => {
    fc.assert(
      fc.property(fc.integer({ min: MIN_POSTGRES_TIMESTAMP, max: maxTimestamp }), (ms) => {
        expect(utcTimestampText(new Date(ms).toISOString())).toBe(formatTimestamp(ms));
      }),
      { numRuns: 2000 },
    );
    expect(utcTimestampText("2016-12-31T23:59:60.250Z")).toBe("2017-01-01 00:00:00.250");
    expect(utcTimestampText("2024-02-30T00:00:00.000Z")).toBeNull();
    expect(utcTimestampText("2023-02-29T00:00:00.000Z")).toBeNull();
    expect(utcTimestampText("2024-02-29T23:59:59.999Z")).toBe("2024-02-29 23:59:59.999");
    expect(utcTimestampText("0000-12-31T00:00:00.000Z")).toBeNull();
    expect(utcTimestampText("2024-01-01T24:00:00.000Z")).toBeNull();
    expect(utcTimestampText("2024-01-01T00:60:00.000Z")).toBeNull();
    expect(utcTimestampText("2024-01-01T00:00:00.0a0Z")).toBeNull();
    expect(utcTimestampText("2024-13-01T00:00:00.000Z")).toBeNull();
  });

  test("applies offsets, keeps up to microseconds, accepts a lower-case t and z", () => {
    expect(utcTimestampText("2024-01-01T00:30:00-01:30")).toBe("2024-01-01 02:00:00");
    expect(utcTimestampText("2024-01-01t00:00:00.5z")).toBe("2024-01-01 00:00:00.5");
    expect(utcTimestampText("2023-12-31T23:00:00-02:00")).toBe("2024-01-01 01:00:00");
    expect(utcTimestampText("2016-12-31T23:59:60Z")).toBe("2017-01-01 00:00:00");
  });

  test("refuses what is not a date-time, and years Postgres cannot store", () => {
    expect(utcTimestampText("2024-01-01T00:00:00")).toBeNull();
    expect(utcTimestampText("2024-02-30T00:00:00Z")).toBeNull();
    expect(utcTimestampText("0001-01-01T00:30:00+01:00")).toBeNull();
    expect(utcTimestampText("9999-12-31T23:30:00-01:00")).toBeNull();
    expect(utcTimestampText("2024-01-01T24:00:00Z")).toBeNull();
  });
});

describe("other helpers", () => {
  test("timestampText refuses years before 1 (Postgres has no year 0)", () => {
    expect(timestampText(0)).toBe("1970-01-01 00:00:00.000");
    expect(timestampText(-62167219200000)).toBeNull();
    expect(timestampText(-62135596800000)).toBe("0001-01-01 00:00:00.000");
  });

  test("dateText and fitsText", () => {
    expect(dateText("1999-12-31")).toBe("1999-12-31");
    expect(dateText("1999-12-31T00:00:00Z")).toBeNull();
    expect(fitsText("abc", null)).toBe(true);
    expect(fitsText("abc", 2)).toBe(false);
  });

  test("jsonbText of undefined is null", () => {
    expect(jsonbText(undefined)).toBeNull();
  });
});
