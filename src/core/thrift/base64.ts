/**
 * @module
 * Base64 forms of raw records. Snowplow's SQS sink writes padded base64 and its stdout sink
 * unpadded base64 (RFC 4648 §4); tools also meet the URL-safe alphabet (§5). Encoding writes the
 * standard alphabet; decoding accepts either alphabet, with or without padding.
 */
import { err, ok, type Result } from "../result.ts";

/** Why a text is not base64. */
export interface Base64Error {
  readonly kind: "invalid-base64";
  /** Index of the offending character in the text. */
  readonly offset: number;
  readonly message: string;
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const ENCODE = Uint8Array.from(ALPHABET, (ch) => ch.charCodeAt(0));

/** Sextet per character code, or -1; both `+/` (RFC 4648 §4) and `-_` (§5) map to 62 and 63. */
const DECODE = (() => {
  const t = new Int8Array(128).fill(-1);
  for (let i = 0; i < 64; i++) t[ALPHABET.charCodeAt(i)] = i;
  t["-".charCodeAt(0)] = 62;
  t["_".charCodeAt(0)] = 63;
  return t;
})();

const ascii = new TextDecoder();

/** Standard-alphabet base64 of `bytes`, padded with `=` unless `padding` is false. */
export function encodeBase64(bytes: Uint8Array, { padding = true }: { padding?: boolean } = {}): string {
  const n = bytes.length;
  const full = n - (n % 3);
  const out = new Uint8Array(Math.ceil(n / 3) * 4);
  let o = 0;
  for (let i = 0; i < full; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o++] = ENCODE[v >>> 18]!;
    out[o++] = ENCODE[(v >>> 12) & 63]!;
    out[o++] = ENCODE[(v >>> 6) & 63]!;
    out[o++] = ENCODE[v & 63]!;
  }
  const rest = n - full;
  if (rest > 0) {
    const v = (bytes[full]! << 16) | (rest === 2 ? bytes[full + 1]! << 8 : 0);
    out[o++] = ENCODE[v >>> 18]!;
    out[o++] = ENCODE[(v >>> 12) & 63]!;
    if (rest === 2) out[o++] = ENCODE[(v >>> 6) & 63]!;
    if (padding) {
      out[o++] = 61; // "="
      if (rest === 1) out[o++] = 61;
    }
  }
  return ascii.decode(out.subarray(0, o));
}

function invalid(offset: number, message: string): Result<Uint8Array, Base64Error> {
  return err({ kind: "invalid-base64", offset, message });
}

/**
 * Bytes of a base64 text in either alphabet, padded or not. Whitespace is not skipped: callers
 * that read lines trim them. Unused low bits of the last character are ignored, as Java's
 * `Base64.getDecoder()` ignores them.
 */
export function decodeBase64(text: string): Result<Uint8Array, Base64Error> {
  let end = text.length;
  while (end > 0 && text.length - end < 2 && text.charCodeAt(end - 1) === 61) end--;
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  let o = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < end; i++) {
    const code = text.charCodeAt(i);
    const v = code < 128 ? DECODE[code]! : -1;
    if (v < 0) {
      const shown = code === 61 ? "'=' before the end" : JSON.stringify(text[i]);
      return invalid(i, `invalid base64 character ${shown} at position ${i}`);
    }
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >>> bits) & 0xff;
    }
  }
  if (end < text.length && text.length % 4 !== 0) {
    return invalid(end, `padded base64 must be a multiple of 4 characters long, got ${text.length}`);
  }
  if (end % 4 === 1)
    return invalid(end - 1, `base64 of ${end} characters is cut short: one character is left over`);
  return ok(out);
}
