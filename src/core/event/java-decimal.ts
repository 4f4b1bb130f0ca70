/**
 * @module
 * Decimal columns (se_value, tr_total/tax/shipping, ti_price and the `*_base` fields) are Java
 * `BigDecimal`s. Enrich builds them with `new BigDecimal(String)`, resets a negative scale to 0
 * (`setScale(0)`, so `1E7` prints as `10000000`) and writes `BigDecimal.toString()`. This module
 * produces that exact text, without ever going through a binary double.
 *
 * `BigDecimal.toString()` (Java SE javadoc): with unscaled value `u` and scale `s`, and
 * `adjusted = -s + (digits(u) - 1)`, the plain form is used when `s >= 0 && adjusted >= -6`,
 * otherwise `d.dddE±n`. After the reset `s >= 0`, so scientific form only appears for small
 * magnitudes: `0.0000001` → `1E-7`, `0.0000000` → `0E-7`.
 */
import { err, ok, type Result } from "../result.ts";

// BigDecimal(String): Sign? (Digits ('.' Digits?)? | '.' Digits) (('e'|'E') Sign? Digits)?
const decimalSyntax = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?$/;

const alreadyCanonical = /^-?[1-9][0-9]*(?:\.[0-9]+)?$/;

const intMax = 2147483647;
const intMin = -2147483648;

/**
 * Java throws nothing but builds an arbitrarily long number for `1E2000000000`; Enrich would then
 * write a column of two billion zeros. We refuse plain forms longer than this instead.
 */
export const maxDecimalDigits = 10000;

/**
 * The text Enrich writes for a decimal parameter: `new BigDecimal(text)`, a negative scale reset to
 * 0, then `toString()`. A string Java rejects (`NumberFormatException`) is an error value.
 *
 * @example canonicalDecimal("1E7") // ok("10000000")
 * @example canonicalDecimal("0.0000001") // ok("1E-7")
 * @example canonicalDecimal("28.50") // ok("28.50")
 */
export function canonicalDecimal(text: string): Result<string, string> {
  // Most values (`28.50`, `-4.75`, `8000`) already are canonical: no sign but '-', no exponent, no
  // leading zero, so the scale is the fraction length and the adjusted exponent is at least 0.
  if (alreadyCanonical.test(text)) return ok(text);
  const m = decimalSyntax.exec(text);
  if (m === null) return err(`'${text}' is not a decimal number`);
  const [, sign, integerPart = "", fractionPart = "", exponentText] = m;
  if (integerPart.length === 0 && fractionPart.length === 0) return err(`'${text}' has no digits`);

  let exponent = 0;
  if (exponentText !== undefined) {
    // Java allows at most 10 significant exponent digits, and the scale must fit in an int.
    const significant = exponentText.replace(/^[+-]?0*/, "");
    if (significant.length > 10) return err(`'${text}' has an exponent out of range`);
    exponent = Number(exponentText);
  }
  const scale = fractionPart.length - exponent;
  if (scale > intMax || scale < intMin) return err(`'${text}' has a scale out of range`);

  let unscaled = (integerPart + fractionPart).replace(/^0+/, "");
  if (unscaled.length === 0) unscaled = "0";
  const negative = sign === "-" && unscaled !== "0";

  if (scale <= 0) {
    // setScale(0) multiplies the unscaled value by 10^-scale (zero stays "0").
    if (unscaled === "0") return ok("0");
    if (unscaled.length - scale > maxDecimalDigits) {
      return err(`'${text}' would have more than ${maxDecimalDigits} digits`);
    }
    return ok((negative ? "-" : "") + unscaled + "0".repeat(-scale));
  }

  const adjusted = unscaled.length - 1 - scale;
  let body: string;
  if (adjusted >= -6) {
    body =
      unscaled.length > scale
        ? `${unscaled.slice(0, unscaled.length - scale)}.${unscaled.slice(unscaled.length - scale)}`
        : `0.${"0".repeat(scale - unscaled.length)}${unscaled}`;
  } else {
    const rest = unscaled.length > 1 ? `.${unscaled.slice(1)}` : "";
    body = `${unscaled[0]}${rest}E${adjusted}`;
  }
  return ok(negative ? `-${body}` : body);
}
