/**
 * @module
 * Enrich's `makeTsvSafe` (`ConversionUtils.scala`): a tracker string may not break the TSV, so a tab
 * becomes four spaces and every `\p{Cntrl}` character is removed. In Java regexes (without
 * `UNICODE_CHARACTER_CLASS`) `\p{Cntrl}` is the POSIX class `[\x00-\x1F\x7F]`: CR and LF go, but C1
 * controls such as U+0085 stay. A string left empty is no value at all, hence null.
 */

// One pass over the text is cheaper than two regex replaces when, as usual, nothing needs fixing.
const unsafe = /[\x00-\x1F\x7F]/;
const controls = /[\x00-\x08\x0A-\x1F\x7F]/g;

/**
 * Makes `text` safe for one TSV column, or returns null when nothing is left.
 *
 * @example makeTsvSafe("a\tb\r\n") // "a    b"
 */
export function makeTsvSafe(text: string): string | null {
  if (text.length === 0) return null;
  if (!unsafe.test(text)) return text;
  const safe = text.replace(controls, "").replaceAll("\t", "    ");
  return safe.length === 0 ? null : safe;
}
