import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { canonicalDecimal, maxDecimalDigits } from "./java-decimal.ts";

/** Lines of `input<TAB>output` written by JDK 17's BigDecimal (`!` marks NumberFormatException). */
const vectors = readFileSync(new URL("../../../fixtures/enriched/java-decimal.tsv", import.meta.url), "utf8")
  .split("\n")
  .filter((line) => line.length > 0 && !line.startsWith("#"))
  .map((line) => line.split("\t") as [string, string]);

const value = (text: string) => {
  const r = canonicalDecimal(text);
  return r.ok ? r.value : `!${r.error}`;
};

describe("canonicalDecimal", () => {
  test("follows Enrich's examples", () => {
    expect(value("8000")).toBe("8000");
    expect(value("1E7")).toBe("10000000");
    expect(value("0.0000001")).toBe("1E-7");
    expect(value("28.50")).toBe("28.50");
  });

  test("keeps the scale and the plain form down to 1E-6", () => {
    expect(value("0.000001")).toBe("0.000001");
    expect(value("0.0000010")).toBe("0.0000010");
    expect(value("0.00000100")).toBe("0.00000100");
    expect(value("123E-10")).toBe("1.23E-8");
    expect(value("-1.5E-10")).toBe("-1.5E-10");
    expect(value("0.0000000")).toBe("0E-7");
    expect(value("1.23E+5")).toBe("123000");
  });

  test("normalises signs, leading zeros and bare points like Java", () => {
    expect(value("-0")).toBe("0");
    expect(value("-0.00")).toBe("0.00");
    expect(value("+7")).toBe("7");
    expect(value("00012.300")).toBe("12.300");
    expect(value(".5")).toBe("0.5");
    expect(value("5.")).toBe("5");
    expect(value("0E+7")).toBe("0");
  });

  test("has no precision limit", () => {
    expect(value("12345678901234567890.123456789")).toBe("12345678901234567890.123456789");
    expect(value("-99999999999999999999999999")).toBe("-99999999999999999999999999");
    expect(value("1E-2147483647")).toBe("1E-2147483647");
  });

  test("rejects what BigDecimal rejects", () => {
    for (const bad of [
      "",
      ".",
      "+",
      "-",
      "e5",
      "1e",
      "1e+",
      "1.2.3",
      "1,5",
      " 1",
      "1 ",
      "0x10",
      "NaN",
      "Infinity",
    ]) {
      expect(canonicalDecimal(bad).ok).toBe(false);
    }
    // The scale (fraction digits minus exponent) must fit in an int.
    expect(canonicalDecimal("1E-2147483648").ok).toBe(false);
    expect(canonicalDecimal("0.1E-2147483647").ok).toBe(false);
    expect(canonicalDecimal("1e99999999999").ok).toBe(false);
  });

  test("refuses plain forms longer than maxDecimalDigits, where Java would build them", () => {
    expect(value(`1E${maxDecimalDigits - 1}`)).toHaveLength(maxDecimalDigits);
    expect(canonicalDecimal(`1E${maxDecimalDigits}`).ok).toBe(false);
    expect(canonicalDecimal("1E2147483647").ok).toBe(false);
  });

  test("reads ASCII digits only (Java would also take other Unicode digits)", () => {
    expect(canonicalDecimal("١٢").ok).toBe(false);
  });

  test(`agrees with JDK BigDecimal on ${vectors.length} vectors`, () => {
    expect(vectors.length).toBeGreaterThan(400);
    for (const [input, expected] of vectors) {
      const r = canonicalDecimal(input);
      expect({ input, output: r.ok ? r.value : "!NumberFormatException" }).toEqual({
        input,
        output: expected,
      });
    }
  });

  const decimalInput = fc
    .tuple(
      fc.constantFrom("", "-", "+"),
      fc.stringMatching(/^[0-9]{0,20}$/),
      fc.option(fc.stringMatching(/^[0-9]{0,20}$/), { nil: undefined }),
      fc.option(fc.integer({ min: -30, max: 30 }), { nil: undefined }),
    )
    .filter(([, int, frac]) => int.length + (frac?.length ?? 0) > 0)
    .map(([s, i, f, e]) => `${s}${i}${f === undefined ? "" : `.${f}`}${e === undefined ? "" : `e${e}`}`);

  test("is idempotent: the canonical text reads back as itself", () => {
    fc.assert(
      fc.property(decimalInput, (text) => {
        const once = canonicalDecimal(text);
        expect(once.ok).toBe(true);
        if (once.ok) expect(canonicalDecimal(once.value)).toEqual(once);
      }),
      { numRuns: 2000 },
    );
  });

  test("keeps the numeric value", () => {
    fc.assert(
      fc.property(decimalInput, (text) => {
        const once = canonicalDecimal(text);
        // Both texts denote the same real number, so both round to the same double.
        if (once.ok) expect(Number(once.value) === Number(text)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  test("uses scientific notation exactly when Java does: scale > 0 and adjusted exponent < -6", () => {
    fc.assert(
      fc.property(decimalInput, (text) => {
        const once = canonicalDecimal(text);
        if (!once.ok) return;
        expect(once.value).toMatch(/^-?(?:[0-9]+(?:\.[0-9]+)?|[0-9](?:\.[0-9]+)?E-[0-9]+)$/);
        if (once.value.includes("E")) expect(Math.abs(Number(once.value)) < 1e-6).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
