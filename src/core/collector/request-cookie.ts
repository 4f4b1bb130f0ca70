/**
 * @module
 * Reading one cookie from a request's `Cookie` header (RFC 6265 §4.2.1: `name=value` pairs
 * separated by `; `). The collector looks up at most two per request, its own (`sp` by default)
 * and the do-not-track cookie, so it scans the header instead of parsing every pair into a map.
 */

/**
 * The value of the first cookie called `name` in a `Cookie` header, or `undefined`. Whitespace
 * around pairs is ignored; the value is returned as sent (RFC 6265 gives it no escaping).
 *
 * @example
 * cookieValue("_ga=GA1.1; sp=4b1c-…", "sp") // "4b1c-…"
 * cookieValue("xsp=1", "sp")                // undefined
 */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  const n = header.length;
  let i = 0;
  while (i < n) {
    // Skip the separators and optional whitespace before a pair.
    let c = header.charCodeAt(i);
    while (i < n && (c === 0x20 || c === 0x09 || c === 0x3b)) c = header.charCodeAt(++i);
    let end = header.indexOf(";", i);
    if (end < 0) end = n;
    if (header.startsWith(name, i) && header.charCodeAt(i + name.length) === 0x3d /* = */) {
      let valueEnd = end;
      while (
        valueEnd > i &&
        (header.charCodeAt(valueEnd - 1) === 0x20 || header.charCodeAt(valueEnd - 1) === 0x09)
      ) {
        valueEnd--;
      }
      return header.slice(i + name.length + 1, valueEnd);
    }
    i = end + 1;
  }
  return undefined;
}

/** Whether the header holds a cookie called `name` (with any value). */
export function hasCookie(header: string | undefined, name: string): boolean {
  return cookieValue(header, name) !== undefined;
}
