/**
 * @module
 * Boolean-like columns (br_features_*, br_cookies, dvce_ismobile): Enrich stores a Java `Byte` that is
 * `1` or `0` (`stringToBooleanLikeJByte`), and the analytics SDKs read exactly those two strings.
 */
import { err, ok, type Result } from "../result.ts";

/** `true` → `"1"`, `false` → `"0"`. */
export function formatBooleanLike(value: boolean): string {
  return value ? "1" : "0";
}

/** Parses `"1"` or `"0"`; anything else is an error. */
export function parseBooleanLike(text: string): Result<boolean, string> {
  if (text === "1") return ok(true);
  if (text === "0") return ok(false);
  return err(`'${text}' is not a boolean-like 0 or 1`);
}
