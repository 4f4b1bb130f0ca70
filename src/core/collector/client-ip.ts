/**
 * @module
 * The `ipAddress` of a CollectorPayload. Snowplow 3.x takes http4s `Request.from`: the first
 * `X-Forwarded-For` entry when that header parses, else the socket's remote address, else
 * `unknown` (core/Service.scala `extractIp`). The header parses only when every entry is an IP
 * address or `unknown` (RFC 7239 §6.3 obfuscation aside); a first entry of `unknown` yields no
 * address. IPv6 addresses are written in brackets (ip4s `toUriString`), and an IPv4-mapped IPv6
 * socket address (`::ffff:1.2.3.4`, what a dual-stack listener reports) as plain IPv4, as the JVM
 * reports it.
 */

/** What the collector records when it has no address (and for SP-Anonymous requests). */
export const UNKNOWN_IP = "unknown";

/** Whether `s` is a dotted-quad IPv4 address (each part 0–255, no empty parts). */
export function isIpv4(s: string): boolean {
  let parts = 0;
  let digits = 0;
  let value = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 0x2e;
    if (c === 0x2e) {
      if (digits === 0 || value > 255) return false;
      parts++;
      digits = 0;
      value = 0;
    } else if (c >= 0x30 && c <= 0x39) {
      if (++digits > 3) return false;
      value = value * 10 + (c - 0x30);
    } else {
      return false;
    }
  }
  return parts === 4;
}

/** Whether `s` is an IPv6 address in text form (RFC 4291 §2.2), without brackets or zone. */
export function isIpv6(s: string): boolean {
  if (s.length < 2 || s.indexOf(":") < 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ok =
      (c >= 0x30 && c <= 0x39) ||
      (c >= 0x61 && c <= 0x66) ||
      (c >= 0x41 && c <= 0x46) ||
      c === 0x3a ||
      c === 0x2e;
    if (!ok) return false;
  }
  // The URL parser implements the full grammar (groups, `::` once, embedded IPv4); this runs only
  // for IPv6 text, which is rare in forwarding headers.
  try {
    new URL(`http://[${s}]/`);
    return true;
  } catch {
    return false;
  }
}

/** An address as ip4s writes it in a URI: IPv6 bracketed, IPv4-mapped IPv6 as IPv4. */
export function uriAddress(address: string): string {
  if (address.indexOf(":") < 0) return address;
  if (address.startsWith("::ffff:") && isIpv4(address.slice(7))) return address.slice(7);
  return address.charCodeAt(0) === 0x5b ? address : `[${address}]`;
}

/**
 * The first address of an `X-Forwarded-For` value: a string when the header parses and starts with
 * an address, `null` when it parses but starts with `unknown`, `undefined` when it does not parse.
 */
export function forwardedFor(header: string): string | null | undefined {
  let first: string | null | undefined;
  let start = 0;
  while (start <= header.length) {
    let end = header.indexOf(",", start);
    if (end < 0) end = header.length;
    const entry = header.slice(start, end).trim();
    let value: string | null;
    if (entry.toLowerCase() === "unknown") value = null;
    else if (isIpv4(entry) || isIpv6(entry)) value = entry;
    else return undefined;
    if (first === undefined) first = value;
    start = end + 1;
  }
  return first;
}

/**
 * The collector's `ipAddress`: from `X-Forwarded-For` when it parses, else the remote address,
 * else `unknown`. The remote address may be given as a function, called only when needed.
 *
 * @example
 * clientIp("203.0.113.9, 10.0.0.1", "10.0.0.2") // "203.0.113.9"
 * clientIp(undefined, "::ffff:127.0.0.1")       // "127.0.0.1"
 * clientIp(undefined, "::1")                    // "[::1]"
 */
export function clientIp(
  xForwardedFor: string | undefined,
  remoteAddress: string | undefined | (() => string | undefined),
): string {
  if (xForwardedFor !== undefined) {
    const forwarded = forwardedFor(xForwardedFor);
    if (forwarded === null) return UNKNOWN_IP;
    if (forwarded !== undefined) return uriAddress(forwarded);
  }
  // Asked only now: behind a load balancer the header always answers, and the socket lookup is not free.
  const remote = typeof remoteAddress === "function" ? remoteAddress() : remoteAddress;
  return remote === undefined || remote === "" ? UNKNOWN_IP : uriAddress(remote);
}
