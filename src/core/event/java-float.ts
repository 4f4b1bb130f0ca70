/**
 * @module
 * geo_latitude and geo_longitude are Java `float`s that Enrich writes with `Float.toString`. Enrich
 * runs on JDK 21, whose `Float.toString` (JDK 19+, javadoc of `Double.toString(double)`, applied
 * to float) is specified as:
 *
 * 1. Of all decimals that round to the float (IEEE round-to-nearest-even), take those of minimal
 *    length m; if m = 1, take those of length 1 or 2. Pick the one closest to the float.
 * 2. With the selected decimal d, 10^i ≤ |d| < 10^(i+1): for 0 ≤ i < 7 print it plainly with at
 *    least one fraction digit (`100.0`, `53.3331`); for -3 ≤ i < 0 print `0.00…`; otherwise print
 *    computerized scientific notation with at least one fraction digit (`1.0E7`, `1.0E-4`).
 *
 * JDK 17 and older used a different digit generator that sometimes printed one digit more; the
 * tests note where the two disagree.
 *
 * The digit search uses the engine's correctly rounded `toExponential` and compares candidates
 * against the float's rounding interval in double arithmetic, which is exact except when a
 * candidate's double equals an interval bound; only then does it compare exactly with BigInt.
 */
import { err, ok, type Result } from "../result.ts";

const view = new DataView(new ArrayBuffer(8));

/** Sign of `digits × 10^q − v` for a finite `v > 0`, computed exactly. */
function compareExactly(digits: string, q: number, v: number): number {
  view.setFloat64(0, v);
  const high = view.getUint32(0);
  const biased = (high >>> 20) & 0x7ff;
  let mantissa = (BigInt(high & 0xfffff) << 32n) | BigInt(view.getUint32(4));
  let e = -1074;
  if (biased !== 0) {
    mantissa |= 1n << 52n;
    e = biased - 1075;
  }
  let left = BigInt(digits);
  let right = mantissa;
  if (q >= 0) left *= 10n ** BigInt(q);
  else right *= 10n ** BigInt(-q);
  if (e >= 0) right <<= BigInt(e);
  else left <<= BigInt(-e);
  return left < right ? -1 : left > right ? 1 : 0;
}

/** The decimals that round to a positive finite float32 `a`: (lo, hi), or [lo, hi] when closed. */
interface RoundingInterval {
  readonly lo: number;
  readonly hi: number;
  readonly closed: boolean;
}

function roundingInterval(a: number): RoundingInterval {
  view.setFloat32(0, a);
  const bits = view.getUint32(0);
  const exponent = (bits >>> 23) & 0xff;
  const fraction = bits & 0x7fffff;
  const ulp = exponent === 0 ? 2 ** -149 : 2 ** (exponent - 150);
  // Just above a power of two the gap below is half the gap above. Both bounds are exact doubles.
  const lo = fraction === 0 && exponent > 1 ? a - ulp / 4 : a - ulp / 2;
  // Ties go to the even significand, so an even float owns both of its midpoints.
  return { lo, hi: a + ulp / 2, closed: (fraction & 1) === 0 };
}

/** Whether `digits × 10^exponent10 / 10^(digits.length-1)` rounds to the float of `interval`. */
function rounds(digits: string, exponent10: number, interval: RoundingInterval): boolean {
  const q = exponent10 - (digits.length - 1);
  const d = Number(`${digits}e${q}`);
  // Rounding is monotonic and the bounds are doubles, so a strict comparison of the rounded value
  // decides for the exact one; only equality with a bound needs exact arithmetic.
  if (d > interval.lo && d < interval.hi) return true;
  if (d < interval.lo || d > interval.hi) return false;
  const c = compareExactly(digits, q, d);
  if (c === 0) return interval.closed;
  return d === interval.lo ? c > 0 : c < 0;
}

interface Decimal {
  /** Significant digits, the first non-zero. */
  readonly digits: string;
  /** Decimal exponent of the first digit: the value is d.ddd × 10^exponent10. */
  readonly exponent10: number;
}

/** The p-digit decimal nearest to `a` that rounds to it, if any p-digit decimal does. */
function candidate(a: number, p: number, interval: RoundingInterval): Decimal | null {
  const text = a.toExponential(p - 1);
  const e = text.indexOf("e");
  const digits = p === 1 ? text.slice(0, 1) : text.slice(0, 1) + text.slice(2, e);
  const exponent10 = Number(text.slice(e + 1));
  if (rounds(digits, exponent10, interval)) {
    // `toExponential` breaks an exact tie upwards; Java takes the even digit (-2234752.25 prints
    // as -2234752.2). A tie needs an odd last digit and `a` to have exactly p+1 digits, ending in 5.
    if ((digits.charCodeAt(p - 1) & 1) === 1) {
      const finer = a.toExponential(p);
      const fe = finer.indexOf("e");
      if (finer.charCodeAt(fe - 1) === 53 /* 5 */) {
        const finerDigits = finer.slice(0, 1) + finer.slice(2, fe);
        if (compareExactly(finerDigits, Number(finer.slice(fe + 1)) - p, a) === 0) {
          const below = String(Number(digits) - 1);
          const shift = below.length - p;
          if (rounds(below, exponent10 + shift, interval))
            return { digits: below, exponent10: exponent10 + shift };
        }
      }
    }
    return { digits, exponent10 };
  }
  // The nearest p-digit decimal lies outside the interval on its side of `a`, so only its
  // neighbour on the other side can still be inside.
  const near = Number(text);
  const other = String(Number(digits) + (near < a ? 1 : -1));
  const shift = other.length - p;
  const otherDigits = shift > 0 ? other.slice(0, p) : other;
  if (rounds(otherDigits, exponent10 + shift, interval))
    return { digits: otherDigits, exponent10: exponent10 + shift };
  return null;
}

/** The slow, always-exact search: bisection over lengths with `candidate`. */
function shortestExactly(a: number, interval: RoundingInterval): Decimal {
  // Nine digits always identify a float32. If some p-digit decimal rounds to `a`, so does a
  // (p+1)-digit one, so the minimal length can be found by bisection. Starting at 2 implements
  // the "length 1 or 2" rule: the nearest 2-digit decimal is at least as close as any 1-digit one.
  let found = candidate(a, 9, interval);
  if (found === null) throw new Error(`no 9-digit decimal rounds to float ${a}`);
  let low = 2;
  let high = 9;
  while (low < high) {
    const mid = (low + high) >> 1;
    const c = candidate(a, mid, interval);
    if (c === null) {
      low = mid + 1;
    } else {
      high = mid;
      found = c;
    }
  }
  return found;
}

const powersOf10 = Array.from({ length: 121 }, (_, i) => Number(`1e${i - 60}`));
const pow10 = (n: number): number => powersOf10[n + 60]!;

/**
 * A fast search in double arithmetic: scale the interval to units of the p-th digit and look for
 * an integer inside. The scaled values carry an error far below `margin`; whenever a bound, a tie
 * or the decade of `a` is closer than that to call, it gives up (null) and the exact search runs.
 */
function shortestQuickly(a: number, interval: RoundingInterval): Decimal | null {
  const margin = 1e-5;
  let e = Math.floor(Math.log10(a));
  if (a < pow10(e)) e--;
  else if (a >= pow10(e + 1)) e++;
  if (Math.abs(a / pow10(e) - 1) < 1e-12 || Math.abs(a / pow10(e + 1) - 1) < 1e-12) return null;
  for (let p = 2; p <= 9; p++) {
    const k = e - p + 1;
    const unit = pow10(k < 0 ? -k : k);
    const lo = k < 0 ? interval.lo * unit : interval.lo / unit;
    const hi = k < 0 ? interval.hi * unit : interval.hi / unit;
    const cLow = Math.ceil(lo);
    const cHigh = Math.floor(hi);
    if (cLow - lo < margin || hi - cHigh < margin) return null;
    if (cLow > cHigh) continue;
    const scaled = k < 0 ? a * unit : a / unit;
    const fraction = scaled - Math.floor(scaled);
    if (Math.abs(fraction - 0.5) < margin) return null;
    const nearest = Math.min(Math.max(Math.round(scaled), cLow), cHigh);
    const digits = String(nearest);
    return { digits, exponent10: k + digits.length - 1 };
  }
  return null;
}

function shortest(a: number): Decimal {
  const interval = roundingInterval(a);
  const found = shortestQuickly(a, interval) ?? shortestExactly(a, interval);
  return { digits: found.digits.replace(/0+$/, ""), exponent10: found.exponent10 };
}

function layout({ digits, exponent10: i }: Decimal): string {
  if (i >= 0 && i < 7) {
    if (digits.length <= i + 1) return `${digits}${"0".repeat(i + 1 - digits.length)}.0`;
    return `${digits.slice(0, i + 1)}.${digits.slice(i + 1)}`;
  }
  if (i < 0 && i >= -3) return `0.${"0".repeat(-i - 1)}${digits}`;
  return `${digits[0]}.${digits.length > 1 ? digits.slice(1) : "0"}E${i}`;
}

/**
 * Java's `Float.toString((float) x)` (JDK 19+).
 *
 * @example javaFloatToString(53.3331) // "53.3331"
 * @example javaFloatToString(1e7) // "1.0E7"
 */
export function javaFloatToString(x: number): string {
  const f = Math.fround(x);
  if (Number.isNaN(f)) return "NaN";
  if (f === Number.POSITIVE_INFINITY) return "Infinity";
  if (f === Number.NEGATIVE_INFINITY) return "-Infinity";
  if (f === 0) return Object.is(f, -0) ? "-0.0" : "0.0";
  const text = layout(shortest(Math.abs(f)));
  return f < 0 ? `-${text}` : text;
}

// Java's FloatingDecimal also takes hex floats, surrounding whitespace and an f/d suffix; Enrich
// never writes those, so a column holding one is treated as corrupt.
const floatSyntax = /^([+-]?)(?:(NaN|Infinity)|([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?)$/;

/** The float32 next to the positive-or-zero float32 `f`, away from zero (`up`) or towards it. */
function adjacentFloat(f: number, up: boolean): number {
  view.setFloat32(0, f);
  view.setUint32(0, view.getUint32(0) + (up ? 1 : -1));
  return view.getFloat32(0);
}

const overflowThreshold = 2 ** 128 - 2 ** 103;

/**
 * Parses a decimal (or `NaN`/`Infinity`) to the nearest float32, as `Float.parseFloat` does.
 * Going through a double can round twice; when the double lands exactly on the midpoint between
 * two floats, the text is compared with that midpoint exactly.
 */
export function parseJavaFloat(text: string): Result<number, string> {
  const m = floatSyntax.exec(text);
  if (m === null) return err(`'${text}' is not a decimal number`);
  const [, sign, special, integerPart = "", fractionPart = "", exponentText] = m;
  const negative = sign === "-";
  if (special !== undefined) {
    if (special === "NaN") return ok(Number.NaN);
    return ok(negative ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY);
  }
  if (integerPart.length === 0 && fractionPart.length === 0) return err(`'${text}' has no digits`);
  const d = Math.abs(Number(text));
  let f = Math.fround(d);
  if (f !== d && d !== 0) {
    const isFiniteFloat = f !== Number.POSITIVE_INFINITY;
    const lower = isFiniteFloat ? (f < d ? f : adjacentFloat(f, false)) : 3.4028234663852886e38;
    const upper = isFiniteFloat ? (f < d ? adjacentFloat(f, true) : f) : Number.POSITIVE_INFINITY;
    const midpoint = upper === Number.POSITIVE_INFINITY ? overflowThreshold : (lower + upper) / 2;
    if (d === midpoint) {
      const digits = (integerPart + fractionPart).replace(/^0+/, "") || "0";
      const q = Number(exponentText ?? "0") - fractionPart.length;
      const c = compareExactly(digits, q, d);
      if (c !== 0) f = c > 0 ? upper : lower;
    }
  }
  return ok(negative ? -f : f);
}

/**
 * The number an event holds for a float column: the double nearest to `Float.toString(x)`, which
 * is what reading the TSV column gives. Should that double sit exactly between two floats (so that
 * `Math.fround` could pick the other one), the float32 value itself is kept instead.
 */
export function canonicalFloat(x: number): number {
  const f = Math.fround(x);
  const d = Number(javaFloatToString(f));
  return Object.is(Math.fround(d), f) ? d : f;
}
