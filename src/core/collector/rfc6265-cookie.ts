/**
 * @module
 * The `Cookie` header as the collector records it in a CollectorPayload's `headers`. Snowplow
 * keeps only the parts made entirely of RFC 6265 cookie octets (§4.1.1 `cookie-octet`: 0x21,
 * 0x23–0x2B, 0x2D–0x3A, 0x3C–0x5B, 0x5D–0x7E) after removing spaces, so enrich's cookie extractor
 * never meets characters it cannot store (core/Rfc6265Cookie.scala). Name and `=` are in the same
 * octet set, so a whole `name=value` part survives or is dropped as one.
 *
 * This runs on every request that carries cookies, so it is one pass over the text instead of
 * Snowplow's replace, split, filter and join.
 */

/** 1 at each cookie-octet below 0x80 (RFC 6265 §4.1.1): one load instead of five comparisons. */
const COOKIE_OCTETS = new Uint8Array(128);
for (let c = 0x21; c <= 0x7e; c++) {
  if (c !== 0x22 && c !== 0x2c && c !== 0x3b && c !== 0x5c) COOKIE_OCTETS[c] = 1;
}

/** Whether UTF-16 unit `c` is a cookie-octet (RFC 6265 §4.1.1). */
function isCookieOctet(c: number): boolean {
  return c < 0x80 && COOKIE_OCTETS[c] === 1;
}

/**
 * Whether `value` can be a cookie's value as it stands (RFC 6265 §4.1.1 `cookie-value`, unquoted):
 * only cookie-octets, so no `;` to start an attribute and nothing a header cannot carry.
 */
export function isCookieValue(value: string): boolean {
  for (let i = 0; i < value.length; i++) if (!isCookieOctet(value.charCodeAt(i))) return false;
  return true;
}

/**
 * The cleaned header value: spaces removed, split on `;`, parts with any other character dropped,
 * rejoined with `;`; `undefined` when nothing is left (the collector then records no `Cookie`).
 * Empty parts are kept except trailing ones, as Java's `String.split` does.
 *
 * @example
 * rfc6265Cookie("a=b; sp=4b1c; bad=\"q\"") // "a=b;sp=4b1c"
 */
export function rfc6265Cookie(raw: string): string | undefined {
  // Java's split drops trailing empty parts: stop after the last character that is not a space or `;`.
  let limit = raw.length;
  while (limit > 0 && (raw.charCodeAt(limit - 1) === 0x20 || raw.charCodeAt(limit - 1) === 0x3b)) limit--;
  let out = "";
  let first = true;
  let start = 0;
  while (start < limit) {
    let end = raw.indexOf(";", start);
    if (end < 0) end = raw.length;
    // One part: drop its spaces, and drop it whole if anything else is not a cookie-octet. Spaces
    // are nearly always only around the part ("a=b; c=d"), so trim those by index and copy once.
    let from = start;
    let to = end;
    while (from < to && raw.charCodeAt(from) === 0x20) from++;
    while (to > from && raw.charCodeAt(to - 1) === 0x20) to--;
    let clean = true;
    let innerSpaces = false;
    for (let i = from; i < to; i++) {
      const c = raw.charCodeAt(i);
      if (c === 0x20) innerSpaces = true;
      else if (!isCookieOctet(c)) {
        clean = false;
        break;
      }
    }
    if (clean) {
      const part = innerSpaces ? raw.slice(from, to).replaceAll(" ", "") : raw.slice(from, to);
      out = first ? part : `${out};${part}`;
      first = false;
    }
    start = end + 1;
  }
  return out === "" ? undefined : out;
}
