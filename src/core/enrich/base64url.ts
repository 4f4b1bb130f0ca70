/**
 * @module
 * The base64 Enrich reads in `cx` and `ue_px` (and the `_sp` parameter's parts): Apache Commons
 * Codec's URL-safe `Base64.decode`, which is lenient. Both alphabets are accepted, characters
 * outside them (whitespace, garbage) are skipped, the first `=` ends the input, and leftover bits
 * are dropped. It never fails: garbage decodes to bytes that then fail as JSON, which is how
 * Snowplow reports a bad `cx` (a NotJson violation, not a parse error).
 */

const SEXTETS = (() => {
  const t = new Int8Array(128).fill(-1);
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (let i = 0; i < 64; i++) t[alphabet.charCodeAt(i)] = i;
  t["-".charCodeAt(0)] = 62;
  t["_".charCodeAt(0)] = 63;
  return t;
})();

const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });

/** Decodes leniently to bytes. */
export function decodeBase64Lenient(text: string): Uint8Array {
  const out = new Uint8Array(Math.floor((text.length * 3) / 4) + 1);
  let n = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 61 /* = */) break;
    const v = code < 128 ? SEXTETS[code]! : -1;
    if (v < 0) continue;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (acc >>> bits) & 0xff;
    }
  }
  return out.subarray(0, n);
}

/** Decodes leniently and reads the bytes as UTF-8 (malformed sequences become U+FFFD, as in Java). */
export function decodeBase64UrlText(text: string): string {
  return utf8.decode(decodeBase64Lenient(text));
}

/**
 * URL-safe, unpadded base64 of UTF-8 text (what the redirect adapter writes back into `cx`). Commons
 * Codec would also break lines every 76 characters; the lenient decoder skips those anyway.
 */
export function encodeBase64UrlText(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]!);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}
