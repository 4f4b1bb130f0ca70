/** @module The committed tiny MaxMind databases are what the writer makes from `mmdb-fixtures.ts`. */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { openMaxMind } from "../../src/adapters/maxmind/reader.ts";
import { mmdbFixtures } from "./mmdb-fixtures.ts";
import { encodeValue, writeMmdb } from "./mmdb-writer.ts";
import { assetsDir } from "./support.ts";

describe("tiny MaxMind fixtures", () => {
  for (const [file, { type, records }] of Object.entries(mmdbFixtures)) {
    test(`${file} matches its description (regenerate with write-mmdb-fixtures.ts)`, () => {
      const committed = new Uint8Array(readFileSync(join(assetsDir, "maxmind", file)));
      expect([...committed]).toEqual([...writeMmdb(type, records)]);
    });

    test(`${file} reads back every record through the maxmind package`, () => {
      const reader = openMaxMind(writeMmdb(type, records));
      for (const [cidr, record] of Object.entries(records)) {
        const first = cidr.split("/")[0]!;
        expect(reader.get(first.endsWith("::") ? `${first}1` : first)).toEqual(record as never);
      }
    });
  }
});

describe("writeMmdb", () => {
  test("sizes past one byte use the extended size forms", () => {
    // 29 + n in one extra byte, 285 + n in two.
    expect(encodeValue("x".repeat(40)).slice(0, 2)).toEqual(new Uint8Array([(2 << 5) | 29, 11]));
    expect(encodeValue("x".repeat(300)).slice(0, 3)).toEqual(new Uint8Array([(2 << 5) | 30, 0, 15]));
  });

  test("doubles, booleans, arrays and nested maps read back", () => {
    const record = { a: -6.2489, b: true, c: ["x", "y"], d: { e: 0, f: 4294967295 } };
    const reader = openMaxMind(writeMmdb("Test", { "10.0.0.0/8": record }));
    expect(reader.get("10.1.2.3")).toEqual(record);
    expect(reader.get("11.0.0.0")).toBeNull();
  });

  test("overlapping networks are refused", () => {
    expect(() => writeMmdb("Test", { "10.0.0.0/8": { a: 1 }, "10.1.0.0/16": { a: 2 } })).toThrow("overlaps");
  });
});
