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
 * lower-case name → `Canonical-Name: `, cached since the same few names recur on every request;
 * bounded so odd names from clients cannot grow it forever.
 */
const prefixes = new Map<string, string>();
const MAX_CACHED_NAMES = 1024;

function headerPrefix(name: string): string {
  let prefix = prefixes.get(name);
  if (prefix === undefined) {
    prefix = `${canonicalHeaderName(name)}: `;
    if (prefixes.size < MAX_CACHED_NAMES) prefixes.set(name, prefix);
  }
  return prefix;
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
    list.push(headerPrefix(name) + value);
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
