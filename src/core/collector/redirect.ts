/**
 * @module
 * Click redirects (`/r/tp2?u=…`, core/Service.scala `buildRedirectHttpResponse`): after recording
 * the event the collector answers 302 to the `u` parameter, if it is a URI and, when
 * `redirectDomains` is set, its host is one of them; otherwise 400. The allow-list keeps the
 * collector from serving as an open redirect for phishing links under the company's domain.
 */
import { queryParam } from "./query-string.ts";

/**
 * Whether `s` is made only of characters a URI may hold (RFC 3986 §2: unreserved, reserved and
 * `%`); http4s refuses anything else, and it keeps CR/LF out of the Location header.
 */
function isUriText(s: string): boolean {
  if (s === "") return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f) return false;
    // " < > \ ^ ` { | } are outside RFC 3986's character set.
    if (c === 0x22 || c === 0x3c || c === 0x3e || c === 0x5c || c === 0x5e || c === 0x60) return false;
    if (c === 0x7b || c === 0x7c || c === 0x7d) return false;
  }
  return true;
}

/** The lower-cased host of an absolute URI, or undefined when it has none. */
function hostOf(uri: string): string | undefined {
  try {
    const host = new URL(uri).hostname;
    return host === "" ? undefined : host.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * Where a redirect request should go: the decoded `u` parameter when allowed, else undefined
 * (answer 400). `allowedHosts` holds lower-cased host names; empty allows any URI.
 *
 * @example
 * redirectTarget("u=https%3A%2F%2Facme.com%2Fsale", new Set(["acme.com"])) // "https://acme.com/sale"
 * redirectTarget("u=https://evil.example/", new Set(["acme.com"]))           // undefined
 */
export function redirectTarget(query: string, allowedHosts: ReadonlySet<string>): string | undefined {
  const u = queryParam(query, "u");
  if (u === undefined || !isUriText(u)) return undefined;
  if (allowedHosts.size === 0) return u;
  const host = hostOf(u);
  return host !== undefined && allowedHosts.has(host) ? u : undefined;
}
