import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { makeTsvSafe } from "./tsv-safe.ts";

// Any code point but lone surrogates, weighted towards the ASCII controls.
const anyCodePoint = fc
  .oneof(
    fc.integer({ min: 0, max: 0x7f }),
    fc.integer({ min: 0x80, max: 0x10ffff }).filter((c) => c < 0xd800 || c > 0xdfff),
  )
  .map((c) => String.fromCodePoint(c));

describe("makeTsvSafe", () => {
  test("leaves ordinary text alone", () => {
    expect(makeTsvSafe("Hello, world")).toBe("Hello, world");
    expect(makeTsvSafe("naïve 😀 日本語")).toBe("naïve 😀 日本語");
    expect(makeTsvSafe(" ")).toBe(" ");
  });

  test("turns a tab into four spaces", () => {
    expect(makeTsvSafe("a\tb")).toBe("a    b");
    expect(makeTsvSafe("\t")).toBe("    ");
    expect(makeTsvSafe("\t\t")).toBe("        ");
  });

  test("removes CR, LF and the other ASCII controls, and DEL", () => {
    expect(makeTsvSafe("line1\r\nline2\n")).toBe("line1line2");
    expect(makeTsvSafe("a\x00b\x01c\x1fd\x7fe")).toBe("abcde");
    expect(makeTsvSafe("\x0b\x0c")).toBeNull();
  });

  test("keeps C1 controls and other Unicode format characters, as Java's POSIX \\p{Cntrl} does", () => {
    expect(makeTsvSafe("a\u0085b\u009fc")).toBe("a\u0085b\u009fc");
    expect(makeTsvSafe("zero\u200bwidth\u2028sep")).toBe("zero\u200bwidth\u2028sep");
  });

  test("an empty result is null", () => {
    expect(makeTsvSafe("")).toBeNull();
    expect(makeTsvSafe("\r\n")).toBeNull();
    expect(makeTsvSafe("\x00\x7f")).toBeNull();
  });

  test("the result never holds a control character and is idempotent", () => {
    fc.assert(
      fc.property(fc.string({ unit: anyCodePoint, maxLength: 40 }), (text) => {
        const safe = makeTsvSafe(text);
        if (safe === null) return;
        expect(/[\x00-\x1f\x7f]/.test(safe)).toBe(false);
        expect(makeTsvSafe(safe)).toBe(safe);
      }),
    );
  });

  test("matches the definition: tabs to spaces, then drop [\\x00-\\x1F\\x7F]", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom("a", "\t", "\n", "\r", "\x00", "\x7f", "é", " ") }),
        (text) => {
          const expected = text.replace(/\t/g, "    ").replace(/[\x00-\x1f\x7f]/g, "");
          expect(makeTsvSafe(text)).toBe(expected === "" ? null : expected);
        },
      ),
    );
  });
});
