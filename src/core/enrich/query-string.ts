/**
 * @module
 * Query strings and form bodies as Snowplow Enrich reads them: `URLEncodedUtils.parse` (Apache
 * HttpClient 4.5) over `URI.create("http://localhost/?" + text)`. That means:
 * - the text must be a valid Java URI query first: a space, `"`, `<`, `>`, `\`, `^`, `` ` ``, `{`,
 *   `|`, `}`, a control character or a bad `%` escape is an error, reported with Java's message;
 * - a `#` ends the query (what follows is a fragment and is not read);
 * - pairs are separated by `&` or `;`; a pair without `=` has a null value, one with an empty
 *   name is skipped; `+` is a space and `%XX` a byte, decoded with the payload's charset; a `%`
 *   not followed by two hex digits stays as it is;
 * - any other character is taken as one byte (its low 8 bits), as HttpClient's `urlDecode` does,
 *   so a raw non-ASCII character in UTF-8 input decodes to U+FFFD. Browsers never send one.
 */
import type { NVP } from "../badrows/payload.ts";
import { err, ok, type Result } from "../result.ts";

/** What Enrich prepends to make a query string into a URI it can parse. */
const URI_PREFIX = "http://localhost/?";

// Java URI (RFC 2396) `uric`: reserved, unreserved and `%`; one flag per ASCII code.
const URIC = (() => {
  const allowed = new Uint8Array(128);
  const chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789;/?:@&=+$,[]-_.!~*'()%";
  for (const c of chars) allowed[c.charCodeAt(0)] = 1;
  return allowed;
})();

const HEX = /^[0-9a-fA-F]{2}$/;

/** Java's `Character.isISOControl` or `isSpaceChar` for a non-ASCII UTF-16 unit. */
function illegalOther(code: number): boolean {
  return (
    (code >= 0x80 && code <= 0x9f) ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000
  );
}

/**
 * Why Java's `URI.create("http://localhost/?" + text)` would reject `text`, in Java's words
 * (`Illegal character in query at index 19: http://localhost/?a b`), or null when it is accepted.
 */
export function javaUriQueryProblem(text: string): string | null {
  let component = "query";
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const at = URI_PREFIX.length + i;
    if (code === 0x23 /* # */ && component === "query") {
      component = "fragment";
      continue;
    }
    if (code === 0x25 /* % */) {
      if (!HEX.test(text.slice(i + 1, i + 3)))
        return `Malformed escape pair at index ${at}: ${URI_PREFIX}${text}`;
      i += 2;
      continue;
    }
    if (code < 128 ? URIC[code] === 0 : illegalOther(code)) {
      return `Illegal character in ${component} at index ${at}: ${URI_PREFIX}${text}`;
    }
  }
  return null;
}

const NEEDS_DECODING = /[%+\u0080-\uffff]/;
const NON_ASCII = /[\u0080-\uffff]/;

/** HttpClient's `urlDecode` with `+` as a blank, then the charset's decoding of the bytes. */
export function decodeFormField(text: string, decoder: TextDecoder): string {
  if (!NEEDS_DECODING.test(text)) return text;
  // ASCII with well-formed UTF-8 escapes (what browsers send) decodes natively to the same text.
  if (decoder.encoding === "utf-8" && !NON_ASCII.test(text)) {
    try {
      return decodeURIComponent(text.includes("+") ? text.replaceAll("+", " ") : text);
    } catch {
      // A stray `%` or invalid UTF-8: byte by byte, as HttpClient does.
    }
  }
  const bytes = new Uint8Array(text.length);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x25 && i + 2 < text.length) {
      const u = parseInt(text[i + 1]!, 16);
      const l = parseInt(text[i + 2]!, 16);
      if (!Number.isNaN(u) && !Number.isNaN(l)) {
        bytes[n++] = (u << 4) + l;
      } else {
        bytes[n++] = 0x25;
        bytes[n++] = text.charCodeAt(i + 1) & 0xff;
        bytes[n++] = text.charCodeAt(i + 2) & 0xff;
      }
      i += 2;
    } else if (c === 0x2b) {
      bytes[n++] = 0x20;
    } else {
      bytes[n++] = c & 0xff;
    }
  }
  return decoder.decode(bytes.subarray(0, n));
}

/**
 * Splits a raw query (already known to be valid) into pairs, as `URLEncodedUtils.parse` does: the
 * part before any `#`, `&` and `;` as separators, empty names skipped.
 */
export function splitQuery(text: string, decoder: TextDecoder): NVP[] {
  const hash = text.indexOf("#");
  const query = hash >= 0 ? text.slice(0, hash) : text;
  const out: NVP[] = [];
  let start = 0;
  while (start <= query.length) {
    let end = start;
    for (; end < query.length; end++) {
      const c = query.charCodeAt(end);
      if (c === 0x26 /* & */ || c === 0x3b /* ; */) break;
    }
    const pair = query.slice(start, end);
    const eq = pair.indexOf("=");
    const name = eq >= 0 ? pair.slice(0, eq) : pair;
    if (name.length > 0) {
      out.push({
        name: decodeFormField(name, decoder),
        value: eq >= 0 ? decodeFormField(pair.slice(eq + 1), decoder) : null,
      });
    }
    start = end + 1;
  }
  return out;
}

/**
 * Parses a query string or form body as Enrich does, or returns Java's reason for refusing it.
 *
 * @example parseQueryString("e=pv&page=Home%20page&x", utf8) // ok([{e, pv}, {page, "Home page"}, {x, null}])
 */
export function parseQueryString(text: string, decoder: TextDecoder): Result<NVP[], string> {
  const problem = javaUriQueryProblem(text);
  return problem === null ? ok(splitQuery(text, decoder)) : err(problem);
}

/** The pairs as a map, a later pair winning over an earlier one of the same name (Scala's `toMap`). */
export function parameterMap(pairs: readonly NVP[]): Map<string, string | null> {
  const map = new Map<string, string | null>();
  for (const p of pairs) map.set(p.name, p.value);
  return map;
}
