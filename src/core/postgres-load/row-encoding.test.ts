import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import type { Cells } from "./cell.ts";
import { INTEGER, JSONB, TIMESTAMP, UUID, varchar } from "./column-type.ts";
import {
  copyBytes,
  copySql,
  copyText,
  copyValue,
  escapeMask,
  insertFromJsonSql,
  jsonRowsText,
} from "./row-encoding.ts";

/** COPY text format as the server reads it (PostgreSQL docs, COPY, Text Format), for round trips. */
function parseCopyText(text: string): Cells[] {
  const rows: Cells[] = [];
  for (const line of text.split("\n").slice(0, -1)) {
    rows.push(
      line.split("\t").map((field) => {
        if (field === "\\N") return null;
        return field.replace(/\\(.)/g, (_, c: string) => ({ t: "\t", n: "\n", r: "\r", "\\": "\\" })[c] ?? c);
      }),
    );
  }
  return rows;
}

describe("COPY text format", () => {
  test("escapes backslash, tab, newline and carriage return; NULL is \\N", () => {
    expect(copyValue(null)).toBe("\\N");
    expect(copyValue("plain")).toBe("plain");
    expect(copyValue("a\tb\nc\rd\\e")).toBe("a\\tb\\nc\\rd\\\\e");
    expect(copyValue("\\N")).toBe("\\\\N");
  });

  test("writes rows with tabs and newlines", () => {
    expect(
      copyText([
        ["a", null, ""],
        ["b\tc", "d", "e"],
      ]),
    ).toBe("a\t\\N\t\nb\\tc\td\te\n");
    expect(copyText([["a"], ["b"], ["c"]], 1, 2)).toBe("b\n");
  });

  test("a mask skips the check on columns that never need escaping", () => {
    const mask = escapeMask([
      { name: "n", type: INTEGER },
      { name: "s", type: varchar(10) },
    ]);
    expect([...mask]).toEqual([0, 1]);
    expect(copyText([["12", "a\\b"]], 0, 1, mask)).toBe("12\ta\\\\b\n");
  });

  test("every row reads back as it was written", () => {
    const cell = fc.option(fc.string({ unit: "binary" }), { nil: null });
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 1, maxLength: 6 }), { maxLength: 5 }), (rows) => {
        expect(parseCopyText(copyText(rows))).toEqual(rows);
      }),
    );
  });

  test("the bytes are the UTF-8 of the text, whatever the cells hold", () => {
    const utf8 = new TextEncoder();
    expect(copyBytes([["é\tx", null, "a\\b"]])).toEqual(utf8.encode("é\\tx\t\\N\ta\\\\b\n"));
    expect(copyBytes([["a"], ["b"], ["c"]], 1, 2)).toEqual(utf8.encode("b\n"));
    // Long values and many rows grow the buffer; lone surrogates become U+FFFD as in the encoder.
    const long = [
      ["x".repeat(300_000), "\u00ff".repeat(100_000)],
      ["\ud800\t", "😀\\"],
    ];
    expect(copyBytes(long)).toEqual(utf8.encode(copyText(long)));
    const cell = fc.option(
      fc.string({ unit: fc.constantFrom("a", "\\", "\t", "\n", "\r", "é", "😀", "\ud800", "\u0001") }),
      {
        nil: null,
      },
    );
    const anyCell = fc.option(fc.string({ unit: "binary" }), { nil: null });
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.oneof(cell, anyCell), { minLength: 1, maxLength: 6 }), { maxLength: 5 }),
        (rows) => {
          expect(copyBytes(rows)).toEqual(utf8.encode(copyText(rows)));
        },
      ),
      { numRuns: 500 },
    );
  });

  test("the statement names the columns, quoted", () => {
    expect(copySql("atomic", "com_acme_link_click_1", ["root_id", "target.url"])).toBe(
      'COPY "atomic"."com_acme_link_click_1" ("root_id", "target.url") FROM STDIN',
    );
  });
});

describe("JSON insert (PGlite)", () => {
  test("casts non-string columns explicitly and leaves strings to the assignment's length check", () => {
    const sql = insertFromJsonSql("atomic", "t", [
      { name: "root_id", type: UUID },
      { name: "root_tstamp", type: TIMESTAMP },
      { name: "a.b", type: varchar(10) },
      { name: "n", type: INTEGER },
      { name: "j", type: JSONB },
    ]);
    expect(sql).toBe(
      'INSERT INTO "atomic"."t" ("root_id", "root_tstamp", "a.b", "n", "j") SELECT (r ->> 0)::UUID, (r ->> 1)::TIMESTAMP, (r ->> 2), (r ->> 3)::INTEGER, (r ->> 4)::JSONB FROM jsonb_array_elements($1::text::jsonb) AS r',
    );
  });

  test("rows are one JSON array of arrays of strings and nulls", () => {
    expect(
      jsonRowsText([
        ["a", null],
        ['{"x":1}', "b\tc"],
      ]),
    ).toBe('[["a",null],["{\\"x\\":1}","b\\tc"]]');
  });
});
