/**
 * @module
 * Integer columns (txn_id, ports, pixel sizes, …) hold a Java `int`. Enrich writes them with
 * `Integer.toString`, so `tid=028288` becomes `28288`; the Scala Analytics SDK reads them back with
 * `String.toInt` (`Integer.parseInt`), which is what `parseJavaInt` mirrors.
 */
import { err, ok, type Result } from "../result.ts";

const intSyntax = /^[+-]?[0-9]+$/;

/**
 * Parses text as `Integer.parseInt` does: an optional sign and decimal digits, within
 * -2147483648…2147483647. (Java also accepts non-ASCII Unicode digits; no tracker sends them, and
 * this reads ASCII only.)
 *
 * @example parseJavaInt("028288") // ok(28288)
 */
export function parseJavaInt(text: string): Result<number, string> {
  if (!intSyntax.test(text)) return err(`'${text}' is not an integer`);
  const n = Number(text);
  if (n < -2147483648 || n > 2147483647) return err(`'${text}' is outside the range of a 32-bit integer`);
  // Number("-0") is -0; Java has no negative zero.
  return ok(n === 0 ? 0 : n);
}
