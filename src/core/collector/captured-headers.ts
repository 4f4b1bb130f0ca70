/**
 * @module
 * The request headers as a CollectorPayload records them, and the few values the collector itself
 * needs, gathered in one pass over the headers (the hot path copies them exactly once).
 *
 * Snowplow 3.x records every header as `Name: value` (core/Service.scala `headers`), with:
 * - `Cookie` rewritten to its RFC 6265 octets (rfc6265-cookie.ts), or left out when nothing is left;
 * - `X-Forwarded-For`, `X-Real-Ip` and `Cookie` left out when the request carries `SP-Anonymous`,
 *   so an anonymous event holds no IP and no identifier.
 *
 * Fetch's `Headers` (what Bun, Deno and workers hand us) lower-cases names, sorts them and joins
 * repeated headers with `, ` (`; ` for Cookie). The arrival order and spelling the JVM collector
 * keeps are gone by then, so names are written in canonical Title-Case (`User-Agent`,
 * `X-Forwarded-For`), which is what HTTP/1.1 trackers send and what Snowplow's own tests expect.
 * Enrich matches header names case-insensitively (IpAddressExtractor, HttpHeaderExtractor), so
 * the spelling changes nothing downstream.
 */
import { rfc6265Cookie } from "./rfc6265-cookie.ts";

/** Names whose usual spelling is not plain Title-Case. */
const SPELLINGS: Record<string, string> = {
  "sp-anonymous": "SP-Anonymous",
  dnt: "DNT",
  te: "TE",
};

/** `x-forwarded-for` → `X-Forwarded-For`. */
export function canonicalHeaderName(name: string): string {
  const spelled = SPELLINGS[name];
  if (spelled !== undefined) return spelled;
  let out = "";
  let upper = true;
  for (let i = 0; i < name.length; i++) {
    const ch = name[i]!;
    out += upper ? ch.toUpperCase() : ch.toLowerCase();
    upper = ch === "-";
  }
  return out;
}

/**
 * What is cached per header name: its `Canonical-Name: ` prefix, and the recorded lines of values
 * seen recently. Most headers of a site's traffic take a handful of values (Accept, Accept-Language,
 * Sec-Fetch-*, Host, Origin, the common User-Agents), and reusing the line skips a concatenation
 * the Thrift encoder would then have to flatten: about a tenth of the JavaScript time of a pixel
 * request with a dozen headers.
 */
interface RecordedName {
  readonly prefix: string;
  /** value → `Canonical-Name: value`; undefined for names whose values differ per request. */
  readonly lines: Map<string, string> | undefined;
}

/** Bounds: names (odd names from clients must not grow it forever), lines per name and in all, value length. */
const MAX_CACHED_NAMES = 1024;
const MAX_LINES_PER_NAME = 64;
const MAX_CACHED_LINES = 4096;
const MAX_CACHED_VALUE_LENGTH = 256;

/**
 * Headers whose values are (nearly) unique per request or per page: caching them would only churn.
 * Cookie never reaches the cache (it is rewritten first).
 */
const PER_REQUEST_NAMES = new Set([
  "x-forwarded-for",
  "x-real-ip",
  "forwarded",
  "referer",
  "content-length",
  "x-amzn-trace-id",
  "x-request-id",
  "x-cloud-trace-context",
  "traceparent",
  "tracestate",
  "cf-ray",
]);

const names = new Map<string, RecordedName>();
let cachedLines = 0;

function recordedName(name: string): RecordedName {
  let recorded = names.get(name);
  if (recorded === undefined) {
    const kept = names.size < MAX_CACHED_NAMES;
    // A name past the bound is not kept, so neither are its lines: they would count against the
    // budget without ever being found again.
    recorded = {
      prefix: `${canonicalHeaderName(name)}: `,
      lines: kept && !PER_REQUEST_NAMES.has(name) ? new Map() : undefined,
    };
    if (kept) names.set(name, recorded);
  }
  return recorded;
}

/** `Canonical-Name: value`, reused when this value of this header was seen recently. */
function headerLine(name: string, value: string): string {
  const recorded = recordedName(name);
  const lines = recorded.lines;
  if (lines === undefined || value.length > MAX_CACHED_VALUE_LENGTH) return recorded.prefix + value;
  let line = lines.get(value);
  if (line === undefined) {
    line = recorded.prefix + value;
    // A name whose values keep changing starts over, so it holds recent values, not the first ones.
    if (lines.size >= MAX_LINES_PER_NAME) {
      cachedLines -= lines.size;
      lines.clear();
    }
    if (cachedLines < MAX_CACHED_LINES) {
      lines.set(value, line);
      cachedLines++;
    }
  }
  return line;
}

/** What one pass over the request headers yields. Values are as received. */
export interface CapturedHeaders {
  /** The CollectorPayload `headers` list (without the trailing content type, added later). */
  readonly list: string[];
  readonly userAgent: string | undefined;
  readonly referer: string | undefined;
  /** The raw `Cookie` header, for the network user id and do-not-track lookups. */
  readonly cookie: string | undefined;
  readonly origin: string | undefined;
  readonly xForwardedFor: string | undefined;
  readonly host: string | undefined;
  readonly contentType: string | undefined;
}

/**
 * Walks `headers` once, building the recorded list and picking out the values the collector uses.
 * With `spAnonymous`, the IP and cookie headers are left out of the list (the raw cookie is still
 * returned: the collector must know whether one was sent in order to clear it).
 */
export function captureHeaders(headers: Headers, spAnonymous: boolean): CapturedHeaders {
  const list: string[] = [];
  let userAgent: string | undefined;
  let referer: string | undefined;
  let cookie: string | undefined;
  let origin: string | undefined;
  let xForwardedFor: string | undefined;
  let host: string | undefined;
  let contentType: string | undefined;
  // forEach, not for-of: it hands over name and value without an entry array per header.
  headers.forEach((value, name) => {
    switch (name) {
      case "user-agent":
        userAgent = value;
        break;
      case "referer":
        referer = value;
        break;
      case "origin":
        origin = value;
        break;
      case "host":
        host = value;
        break;
      case "content-type":
        contentType = value;
        break;
      case "cookie": {
        cookie = value;
        if (spAnonymous) return;
        const clean = rfc6265Cookie(value);
        if (clean !== undefined) list.push(`Cookie: ${clean}`);
        return;
      }
      case "x-forwarded-for":
        xForwardedFor = value;
        if (spAnonymous) return;
        break;
      case "x-real-ip":
        if (spAnonymous) return;
        break;
    }
    list.push(headerLine(name, value));
  });
  return { list, userAgent, referer, cookie, origin, xForwardedFor, host, contentType };
}

/**
 * The content type as Snowplow records it for a POST: the media type and its parameters
 * lower-cased and joined with `; ` (http4s renders the parsed header that way before Snowplow
 * lower-cases it), so `application/json;charset=UTF-8` becomes `application/json; charset=utf-8`,
 * one of the three forms enrich's tp2 adapter accepts.
 */
export function normalizedContentType(value: string): string {
  const lower = value.toLowerCase();
  if (lower.indexOf(";") < 0) return lower.trim();
  return lower
    .split(";")
    .map((p) => p.trim())
    .filter((p) => p !== "")
    .join("; ");
}

/** The host of a `Host` header without its port (`[::1]:8080` → `[::1]`). */
export function hostWithoutPort(host: string): string {
  if (host.charCodeAt(0) === 0x5b) {
    const close = host.indexOf("]");
    return close < 0 ? host : host.slice(0, close + 1);
  }
  const colon = host.indexOf(":");
  return colon < 0 ? host : host.slice(0, colon);
}
