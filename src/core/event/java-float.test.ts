import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { canonicalFloat, javaFloatToString, parseJavaFloat } from "./java-float.ts";

const view = new DataView(new ArrayBuffer(4));
const fromBits = (bits: number): number => {
  view.setUint32(0, bits >>> 0);
  return view.getFloat32(0);
};
const toBits = (f: number): number => {
  view.setFloat32(0, f);
  return view.getUint32(0);
};

/**
 * An independent, slow reading of the JDK 19+ specification in exact rational arithmetic:
 * R = decimals rounding to f; m = minimal length in R (lengths 1 and 2 together when m = 1);
 * the member of R of that length closest to f, ties to an even digit; then Java's layout.
 */
function specFloatToString(f: number): string {
  if (Number.isNaN(f)) return "NaN";
  if (!Number.isFinite(f)) return f > 0 ? "Infinity" : "-Infinity";
  if (f === 0) return Object.is(f, -0) ? "-0.0" : "0.0";
  const bits = toBits(Math.abs(f));
  const exponentField = (bits >>> 23) & 0xff;
  const fraction = bits & 0x7fffff;
  const significand = BigInt(exponentField === 0 ? fraction : fraction | 0x800000);
  const e2 = (exponentField === 0 ? 1 : exponentField) - 150; // |f| = significand × 2^e2
  // In units of 2^(e2-2): f = 4s, the bounds 4s ± 2 (or 4s - 1 just above a power of two).
  const four = significand * 4n;
  const lo = fraction === 0 && exponentField > 1 ? four - 1n : four - 2n;
  const hi = four + 2n;
  const closed = (fraction & 1) === 0;
  const pow2 = (n: number) => 2n ** BigInt(n);
  const pow10 = (n: number) => 10n ** BigInt(n);
  // x (in units of 2^(e2-2)) divided by 10^q, as numerator/denominator.
  const ratio = (x: bigint, q: number): [bigint, bigint] => {
    const shift = e2 - 2;
    const num = x * (shift > 0 ? pow2(shift) : 1n) * (q < 0 ? pow10(-q) : 1n);
    const den = (shift < 0 ? pow2(-shift) : 1n) * (q > 0 ? pow10(q) : 1n);
    return [num, den];
  };
  const floorDiv = (n: bigint, d: bigint) => n / d; // both positive
  const ceilDiv = (n: bigint, d: bigint) => (n + d - 1n) / d;
  let e10 = Math.floor(Math.log10(Math.abs(f)));
  for (;;) {
    const [n, d] = ratio(four, e10);
    if (n < d) e10--;
    else if (n >= d * 10n) e10++;
    else break;
  }
  const range = (p: number): [bigint, bigint, number] => {
    const q = e10 - p + 1;
    const [ln, ld] = ratio(lo, q);
    const [hn, hd] = ratio(hi, q);
    const cLow = closed ? ceilDiv(ln, ld) : floorDiv(ln, ld) + 1n;
    const cHigh = closed ? floorDiv(hn, hd) : ceilDiv(hn, hd) - 1n;
    return [cLow, cHigh, q];
  };
  let p = 1;
  while (range(p)[0] > range(p)[1]) p++;
  if (p === 1) p = 2;
  const [cLow, cHigh, q] = range(p);
  const [tn, td] = ratio(four, q);
  let c = floorDiv(tn, td);
  const twice = (tn - c * td) * 2n;
  if (twice > td || (twice === td && c % 2n === 1n)) c += 1n;
  if (c < cLow) c = cLow;
  if (c > cHigh) c = cHigh;
  const digits = c.toString().replace(/0+$/, "");
  const i = q + c.toString().length - 1;
  let text: string;
  if (i >= 0 && i < 7) {
    text =
      digits.length <= i + 1
        ? `${digits}${"0".repeat(i + 1 - digits.length)}.0`
        : `${digits.slice(0, i + 1)}.${digits.slice(i + 1)}`;
  } else if (i < 0 && i >= -3) {
    text = `0.${"0".repeat(-i - 1)}${digits}`;
  } else {
    text = `${digits[0]}.${digits.length > 1 ? digits.slice(1) : "0"}E${i}`;
  }
  return f < 0 ? `-${text}` : text;
}

/** `bits<TAB>JDK 17 Float.toString<TAB>JDK 19+ Float.toString`. */
const vectors = readFileSync(new URL("../../../fixtures/enriched/java-float.tsv", import.meta.url), "utf8")
  .split("\n")
  .filter((line) => line.length > 0 && !line.startsWith("#"))
  .map((line) => line.split("\t") as [string, string, string]);

const significantDigits = (text: string) =>
  text
    .replace(/E.*$/, "")
    .replace(/[^0-9]/g, "")
    .replace(/^0+|0+$/g, "").length;

const finiteFloatBits = fc
  .integer({ min: 0, max: 0xffffffff })
  .filter((bits) => Number.isFinite(fromBits(bits)));

describe("javaFloatToString", () => {
  test("prints like Java", () => {
    expect(javaFloatToString(53.3331)).toBe("53.3331");
    expect(javaFloatToString(-6.2603)).toBe("-6.2603");
    expect(javaFloatToString(100)).toBe("100.0");
    expect(javaFloatToString(0.1)).toBe("0.1");
    expect(javaFloatToString(1 / 3)).toBe("0.33333334");
    expect(javaFloatToString(123456.7)).toBe("123456.7");
  });

  test("switches to scientific notation below 1E-3 and from 1E7", () => {
    expect(javaFloatToString(9999999)).toBe("9999999.0");
    expect(javaFloatToString(1e7)).toBe("1.0E7");
    expect(javaFloatToString(12345678)).toBe("1.2345678E7");
    expect(javaFloatToString(0.001)).toBe("0.001");
    expect(javaFloatToString(0.00099999994)).toBe("9.999999E-4");
    expect(javaFloatToString(1e-4)).toBe("1.0E-4");
  });

  test("handles zeros, infinities, NaN and the extremes", () => {
    expect(javaFloatToString(0)).toBe("0.0");
    expect(javaFloatToString(-0)).toBe("-0.0");
    expect(javaFloatToString(Number.NaN)).toBe("NaN");
    expect(javaFloatToString(Number.POSITIVE_INFINITY)).toBe("Infinity");
    expect(javaFloatToString(Number.NEGATIVE_INFINITY)).toBe("-Infinity");
    expect(javaFloatToString(1e39)).toBe("Infinity");
    expect(javaFloatToString(1e-46)).toBe("0.0");
    expect(javaFloatToString(fromBits(1))).toBe("1.4E-45");
    expect(javaFloatToString(fromBits(0x7f7fffff))).toBe("3.4028235E38");
    expect(javaFloatToString(fromBits(0x00800000))).toBe("1.1754944E-38");
  });

  test("prefers the closest of the 1- and 2-digit decimals (JDK 19+)", () => {
    // 71 × 2^-149 ≈ 9.949E-44: both 1.0E-43 and 9.9E-44 round to it; 9.9E-44 is closer.
    expect(javaFloatToString(fromBits(0x47))).toBe("9.9E-44");
  });

  test("breaks an exact tie towards the even digit", () => {
    // -2234752.25 lies exactly between -2234752.2 and -2234752.3, both of which round to it.
    expect(javaFloatToString(-2234752.25)).toBe("-2234752.2");
  });

  test(`agrees with the fixture on ${vectors.length} floats`, () => {
    expect(vectors.length).toBeGreaterThan(1000);
    for (const [hex, , expected] of vectors) {
      expect({ hex, text: javaFloatToString(fromBits(Number.parseInt(hex, 16))) }).toEqual({
        hex,
        text: expected,
      });
    }
  });

  test("differs from JDK 17 only where JDK 17 printed a longer decimal (JDK-4511638)", () => {
    let differences = 0;
    for (const [hex, jdk17, expected] of vectors) {
      if (jdk17 === expected) continue;
      differences++;
      const shorter = significantDigits(expected) < significantDigits(jdk17);
      expect({ hex, jdk17, expected, ok: shorter || significantDigits(expected) <= 2 }).toEqual({
        hex,
        jdk17,
        expected,
        ok: true,
      });
    }
    expect(differences).toBeLessThan(vectors.length / 10);
  });

  test("matches an exact reading of the specification", () => {
    for (const [hex] of vectors) {
      const f = fromBits(Number.parseInt(hex, 16));
      expect({ hex, text: javaFloatToString(f) }).toEqual({ hex, text: specFloatToString(f) });
    }
    fc.assert(
      fc.property(finiteFloatBits, (bits) => {
        const f = fromBits(bits);
        expect(javaFloatToString(f)).toBe(specFloatToString(f));
      }),
      { numRuns: 3000 },
    );
  });

  test("always reads back as the same float", () => {
    fc.assert(
      fc.property(finiteFloatBits, (bits) => {
        const text = javaFloatToString(fromBits(bits));
        const back = parseJavaFloat(text);
        expect(back.ok && toBits(back.value)).toBe(bits);
        expect(text).toMatch(/^-?(?:[0-9]+\.[0-9]+|[1-9]\.[0-9]+E-?[0-9]+)$/);
      }),
      { numRuns: 5000 },
    );
  });
});

describe("parseJavaFloat", () => {
  const parsed = (text: string) => {
    const r = parseJavaFloat(text);
    return r.ok ? r.value : null;
  };

  test("reads decimals to the nearest float32", () => {
    expect(parsed("53.3331")).toBe(Math.fround(53.3331));
    expect(parsed("1.0E7")).toBe(1e7);
    expect(parsed("-0.0")).toBe(-0);
    expect(parsed("1.4E-45")).toBe(fromBits(1));
    expect(parsed("3.4028235E38")).toBe(fromBits(0x7f7fffff));
    expect(parsed("1e39")).toBe(Number.POSITIVE_INFINITY);
    expect(parsed("1e-50")).toBe(0);
    expect(parsed(".5")).toBe(0.5);
    expect(parsed("5.")).toBe(5);
    expect(parsed("+5")).toBe(5);
  });

  test("reads Java's special values", () => {
    expect(parsed("NaN")).toBeNaN();
    expect(parsed("Infinity")).toBe(Number.POSITIVE_INFINITY);
    expect(parsed("-Infinity")).toBe(Number.NEGATIVE_INFINITY);
  });

  test("rounds correctly where a detour through double would round twice", () => {
    // 1 + 2^-24 is the midpoint between 1 and the next float; it goes to the even one, 1.
    expect(parsed("1.000000059604644775390625")).toBe(1);
    // A hair above or below the midpoint rounds to the same double, yet to different floats.
    expect(parsed("1.0000000596046447753906251")).toBe(fromBits(0x3f800001));
    expect(parsed("1.0000000596046447753906249")).toBe(1);
    // Half the smallest subnormal, and a hair above it.
    expect(
      parsed(
        "7.00649232162408535461864791644958065640130970938257885878534141944895541342930300743319094181060791015625E-46",
      ),
    ).toBe(0);
    expect(
      parsed(
        "7.006492321624085354618647916449580656401309709382578858785341419448955413429303007433190941810607910156251E-46",
      ),
    ).toBe(fromBits(1));
  });

  test("rejects what Enrich never writes", () => {
    for (const bad of ["", ".", "-", "1,5", " 1", "1 ", "1f", "1.0d", "0x1p3", "nan", "inf", "1e", "--1"]) {
      expect(parseJavaFloat(bad).ok).toBe(false);
    }
  });

  test("agrees with rounding through double on short decimals", () => {
    const decimal = fc
      .tuple(
        fc.stringMatching(/^-?[0-9]{1,9}$/),
        fc.stringMatching(/^[0-9]{0,6}$/),
        fc.integer({ min: -50, max: 40 }),
      )
      .map(([i, f, e]) => `${i}.${f}e${e}`);
    fc.assert(
      fc.property(decimal, (text) => {
        expect(Object.is(parsed(text), Math.fround(Number(text)))).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});

describe("canonicalFloat", () => {
  test("is the double nearest to Float.toString", () => {
    expect(canonicalFloat(53.3331)).toBe(53.3331);
    expect(canonicalFloat(Math.fround(53.3331))).toBe(53.3331);
    expect(canonicalFloat(1e7)).toBe(1e7);
    expect(canonicalFloat(-0)).toBe(-0);
    expect(canonicalFloat(Number.NaN)).toBeNaN();
  });

  test("keeps the float and is stable", () => {
    fc.assert(
      fc.property(finiteFloatBits, (bits) => {
        const f = fromBits(bits);
        const c = canonicalFloat(f);
        expect(Object.is(Math.fround(c), f)).toBe(true);
        expect(Object.is(canonicalFloat(c), c)).toBe(true);
        expect(javaFloatToString(c)).toBe(javaFloatToString(f));
      }),
      { numRuns: 3000 },
    );
  });
});
