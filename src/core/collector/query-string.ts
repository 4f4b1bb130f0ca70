/**
 * @module
 * Reading single parameters out of a raw query string without parsing all of it. The collector
 * needs at most two (`nuid` on every request, `u` on redirects), so a scan for `name=` beats
 * building a `URLSearchParams` on the hot path.
 *
 * Semantics follow http4s `Query.params`, which Snowplow 3.x reads: pairs are separated by `&`, the
 * first occurrence of a name wins, a name without `=` has no value (so it does not count), and
 * values are form-decoded (`+` is a space, then percent-decoding).
 */

/**
 * The form-decoded value of the first `name=` parameter in `query` (the text after `?`), or
 * `undefined` when there is none. A malformed percent escape leaves the value as it was sent.
 *
 * @example
 * queryParam("e=pv&nuid=abc%2Ddef", "nuid") // "abc-def"
 * queryParam("nuid&e=pv", "nuid")           // undefined: no value
 */
export function queryParam(query: string, name: string): string | undefined {
  const [key, inner] = keysOf(name);
  let at = query.startsWith(key) ? 0 : query.indexOf(inner);
  if (at < 0) return undefined;
  if (at > 0) at += 1;
  const start = at + key.length;
  const end = query.indexOf("&", start);
  const raw = end < 0 ? query.slice(start) : query.slice(start, end);
  return formDecode(raw);
}

/** `name=` and `&name=` per parameter name, built once: this runs on every request. */
const keys = new Map<string, readonly [string, string]>();
function keysOf(name: string): readonly [string, string] {
  let k = keys.get(name);
  if (k === undefined) {
    k = [`${name}=`, `&${name}=`];
    // Callers ask for a fixed handful of names (nuid, u), so this stays tiny.
    if (keys.size < 64) keys.set(name, k);
  }
  return k;
}

/** `application/x-www-form-urlencoded` decoding of one value, forgiving malformed escapes. */
export function formDecode(raw: string): string {
  if (raw.indexOf("%") < 0 && raw.indexOf("+") < 0) return raw;
  const spaced = raw.replaceAll("+", " ");
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

/**
 * `query` with `name=value` appended, as http4s `Uri.withQueryParam` does for a name not yet
 * present (the cookie-bounce redirect adds `n3pc=true` this way).
 */
export function withQueryParam(query: string, name: string, value: string): string {
  return query === "" ? `${name}=${value}` : `${query}&${name}=${value}`;
}
