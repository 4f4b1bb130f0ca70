import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { parseJavaInt } from "./java-int.ts";

describe("parseJavaInt", () => {
  test("reads what Integer.parseInt reads", () => {
    expect(parseJavaInt("028288")).toEqual({ ok: true, value: 28288 });
    expect(parseJavaInt("+7")).toEqual({ ok: true, value: 7 });
    expect(parseJavaInt("-0")).toEqual({ ok: true, value: 0 });
    expect(parseJavaInt("2147483647")).toEqual({ ok: true, value: 2147483647 });
    expect(parseJavaInt("-2147483648")).toEqual({ ok: true, value: -2147483648 });
  });

  test("rejects what Integer.parseInt rejects", () => {
    for (const bad of [
      "",
      "+",
      "-",
      "1.0",
      "1e3",
      " 1",
      "1 ",
      "0x10",
      "2147483648",
      "-2147483649",
      "١٢",
      "NaN",
    ]) {
      expect(parseJavaInt(bad).ok).toBe(false);
    }
  });

  test("round-trips every 32-bit integer", () => {
    fc.assert(
      fc.property(fc.integer({ min: -2147483648, max: 2147483647 }), (n) => {
        expect(parseJavaInt(String(n))).toEqual({ ok: true, value: n });
      }),
    );
  });
});
