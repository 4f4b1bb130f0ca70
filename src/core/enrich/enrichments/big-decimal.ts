/**
 * @module
 * The part of Java's `BigDecimal` that currency conversion needs, exactly: a value is an unscaled
 * `bigint` and a scale (`unscaled × 10^-scale`). Snowplow's conversion goes through scala-forex and
 * joda-money, which build `new BigDecimal(double)` (the double's exact binary expansion), multiply,
 * divide to 6 places and round to the currency's scale, all `HALF_EVEN`. Doing that in binary
 * floating point would round differently on halves, so it is done here in integers.
 */

/** `unscaled × 10^-scale`. */
export interface BigDecimal {
  readonly unscaled: bigint;
  readonly scale: number;
}

const pow10 = (n: number): bigint => 10n ** BigInt(n);

/**
 * Parses decimal text such as a JSON number (`0.849587`, `1.2e-3`, `-4`), keeping its scale as
 * Java's `new BigDecimal(String)` does. Returns null for anything else.
 */
export function parseBigDecimal(text: string): BigDecimal | null {
  const m = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?$/.exec(text);
  if (m === null) return null;
  const [, sign, int = "", frac = "", exp] = m;
  if (int === "" && frac === "") return null;
  const digits = BigInt(int + frac || "0");
  const scale = frac.length - (exp === undefined ? 0 : Number(exp));
  return { unscaled: sign === "-" ? -digits : digits, scale };
}

/**
 * Java's `new BigDecimal(double)`: the exact value of the binary double, with the smallest scale
 * that represents it (`0.1` → `0.1000000000000000055511151231257827021181583404541015625`).
 */
export function bigDecimalOfDouble(x: number): BigDecimal {
  if (!Number.isFinite(x)) throw new RangeError(`${x} has no decimal value`);
  if (x === 0) return { unscaled: 0n, scale: 0 };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const negative = bits >> 63n === 1n;
  const biasedExponent = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & 0xfffffffffffffn;
  let exponent: number;
  if (biasedExponent === 0) {
    exponent = -1074; // subnormal
  } else {
    mantissa |= 1n << 52n;
    exponent = biasedExponent - 1075;
  }
  // Make the mantissa odd so that the scale comes out minimal.
  while ((mantissa & 1n) === 0n) {
    mantissa >>= 1n;
    exponent++;
  }
  const sign = negative ? -1n : 1n;
  if (exponent >= 0) return { unscaled: sign * (mantissa << BigInt(exponent)), scale: 0 };
  // m × 2^-k = m × 5^k / 10^k.
  return { unscaled: sign * mantissa * 5n ** BigInt(-exponent), scale: -exponent };
}

/** The product, with scale the sum of the scales (Java's `multiply`). */
export function multiply(a: BigDecimal, b: BigDecimal): BigDecimal {
  return { unscaled: a.unscaled * b.unscaled, scale: a.scale + b.scale };
}

/** `numerator / denominator` rounded half-even to an integer (denominator > 0 or < 0). */
function divideHalfEven(numerator: bigint, denominator: bigint): bigint {
  if (denominator < 0n) {
    numerator = -numerator;
    denominator = -denominator;
  }
  let quotient = numerator / denominator;
  const remainder = numerator - quotient * denominator;
  if (remainder === 0n) return quotient;
  const twice = (remainder < 0n ? -remainder : remainder) * 2n;
  const away = remainder < 0n ? -1n : 1n;
  if (twice > denominator || (twice === denominator && (quotient & 1n) !== 0n)) quotient += away;
  return quotient;
}

/** Java's `a.divide(b, scale, RoundingMode.HALF_EVEN)`. Throws on division by zero, as Java does. */
export function divide(a: BigDecimal, b: BigDecimal, scale: number): BigDecimal {
  if (b.unscaled === 0n) throw new RangeError("Division by zero");
  // a/b × 10^scale = a.u × 10^(scale - a.s + b.s) / b.u
  const shift = scale - a.scale + b.scale;
  const numerator = shift >= 0 ? a.unscaled * pow10(shift) : a.unscaled;
  const denominator = shift >= 0 ? b.unscaled : b.unscaled * pow10(-shift);
  return { unscaled: divideHalfEven(numerator, denominator), scale };
}

/** Java's `setScale(scale, RoundingMode.HALF_EVEN)`. */
export function setScale(a: BigDecimal, scale: number): BigDecimal {
  if (scale >= a.scale) return { unscaled: a.unscaled * pow10(scale - a.scale), scale };
  return { unscaled: divideHalfEven(a.unscaled, pow10(a.scale - scale)), scale };
}

/** The plain decimal text (`12.75`, `-0.05`, `1200`) of a value with a non-negative scale. */
export function toPlainString(a: BigDecimal): string {
  if (a.scale < 0) return (a.unscaled * pow10(-a.scale)).toString();
  const negative = a.unscaled < 0n;
  const digits = (negative ? -a.unscaled : a.unscaled).toString().padStart(a.scale + 1, "0");
  const point = digits.length - a.scale;
  const body = a.scale === 0 ? digits : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return negative ? `-${body}` : body;
}
