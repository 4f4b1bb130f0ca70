/**
 * @module
 * The client's IP address behind proxies (Enrich's `IpAddressExtractor`): the first address of an
 * `X-Forwarded-For` header, else the `for=` address of a `Forwarded` header, else the address the
 * collector saw. Header names are matched case-insensitively and the address must start the value.
 *
 * Deviation: Enrich forgets a `Forwarded` address when any other header follows it in the list (a
 * slip in its recursion), so there it only counts when it comes last; here it counts wherever it is.
 */

// Enrich's pattern: an IPv4 address, or an IPv6-ish run of hex groups, dots and colons, optionally
// quoted or bracketed.
const IP = String.raw`"?\[?(?:(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})|((?:(?:\b[0-9a-f]{1,4}\b)|\.|:){1,15}))`;
const X_FORWARDED_FOR = new RegExp(`^x-forwarded-for: ${IP}`);
const FORWARDED_FOR = new RegExp(`^forwarded: for=${IP}`);

/**
 * The client IP for a request with these headers (`Name: value` strings) and this peer address.
 *
 * @example clientIp(["X-Forwarded-For: 203.0.113.7, 10.0.0.1"], "10.0.0.1") // "203.0.113.7"
 */
export function clientIp(headers: readonly string[], ipAddress: string | null): string | null {
  let forwarded: string | null = null;
  for (const header of headers) {
    const first = header.charCodeAt(0) | 0x20;
    if (first !== 0x78 /* x */ && first !== 0x66 /* f */) continue;
    const lower = header.toLowerCase();
    const xff = X_FORWARDED_FOR.exec(lower);
    if (xff !== null) return xff[1] ?? xff[2] ?? null;
    if (forwarded === null) {
      const fwd = FORWARDED_FOR.exec(lower);
      if (fwd !== null) forwarded = fwd[1] ?? fwd[2] ?? null;
    }
  }
  return forwarded ?? ipAddress;
}
