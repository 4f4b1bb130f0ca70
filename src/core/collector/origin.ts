/**
 * @module
 * The request's `Origin` header (RFC 6454 §7): a space-separated list of `scheme://host[:port]`
 * serializations, or `null`. The collector echoes the first origin in
 * `Access-Control-Allow-Origin` (so browsers accept credentialed responses) and matches the hosts
 * against its cookie domains (core/Service.scala `extractHostsFromOrigin`). Items that do not parse
 * are skipped, as http4s skips them.
 */

/** One origin: its serialization, and its host without port (lowercase, IPv6 in brackets). */
export interface OriginHost {
  readonly origin: string;
  readonly host: string;
}

const isAlpha = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

/** Parses one serialized origin, or returns undefined. */
function parseOne(token: string): OriginHost | undefined {
  const sep = token.indexOf("://");
  if (sep <= 0) return undefined;
  // RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
  if (!isAlpha(token.charCodeAt(0))) return undefined;
  for (let i = 1; i < sep; i++) {
    const c = token.charCodeAt(i);
    if (!(isAlpha(c) || isDigit(c) || c === 0x2b || c === 0x2d || c === 0x2e)) return undefined;
  }
  const authority = token.slice(sep + 3);
  if (authority === "") return undefined;
  let host = authority;
  let portAt = -1;
  if (authority.charCodeAt(0) === 0x5b /* [ */) {
    const close = authority.indexOf("]");
    if (close < 0) return undefined;
    host = authority.slice(0, close + 1);
    if (close + 1 < authority.length) {
      if (authority.charCodeAt(close + 1) !== 0x3a) return undefined;
      portAt = close + 2;
    }
  } else {
    const colon = authority.indexOf(":");
    if (colon >= 0) {
      host = authority.slice(0, colon);
      portAt = colon + 1;
    }
  }
  if (host === "") return undefined;
  for (let i = 0; i < host.length; i++) {
    const c = host.charCodeAt(i);
    // No path, query, userinfo or whitespace may follow the host of an origin.
    if (c === 0x2f || c === 0x3f || c === 0x23 || c === 0x40 || c <= 0x20 || c === 0x2c) return undefined;
  }
  if (portAt >= 0) {
    if (portAt >= authority.length) return undefined;
    for (let i = portAt; i < authority.length; i++) if (!isDigit(authority.charCodeAt(i))) return undefined;
  }
  return { origin: token, host: host.toLowerCase() };
}

/**
 * Every origin of an `Origin` header that parses, in order; `null` and malformed items are left out.
 *
 * @example
 * originHosts("http://shop.acme.com https://acme.com:8443") // [{origin: "http://shop.acme.com", host: "shop.acme.com"}, …]
 */
export function originHosts(header: string | undefined): OriginHost[] {
  if (header === undefined) return [];
  const out: OriginHost[] = [];
  for (const token of header.split(" ")) {
    const parsed = parseOne(token);
    if (parsed !== undefined) out.push(parsed);
  }
  return out;
}

/**
 * The `Access-Control-Allow-Origin` value: the first origin of the header that parses, else `*`
 * (core/Service.scala `accessControlAllowOriginHeader`).
 */
export function allowedOrigin(header: string | undefined): string {
  if (header === undefined) return "*";
  // Browsers send exactly one origin; only a list needs splitting.
  if (header.indexOf(" ") < 0) return parseOne(header)?.origin ?? "*";
  for (const token of header.split(" ")) {
    const parsed = parseOne(token);
    if (parsed !== undefined) return parsed.origin;
  }
  return "*";
}
