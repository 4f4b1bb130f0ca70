/**
 * @module
 * Cookie bounce (core/Service.scala `cookie`, `bounceLocationHeaders`): a pixel request without a
 * network user id is answered 302 to itself with `n3pc=true` added and a fresh cookie set, and
 * nothing is recorded. If the browser comes back with the cookie, the id sticks; if it comes back
 * without one (third-party cookies blocked), the event is recorded with the fallback id, so that
 * blocked browsers do not each look like a new user.
 */
import { withQueryParam } from "./query-string.ts";

/** Snowplow's `cookieBounce` settings. */
export interface CookieBounceSettings {
  readonly enabled: boolean;
  /** The query parameter that marks a bounced request; `n3pc` by default. */
  readonly name: string;
  /** The id of a request that bounced and still has no cookie. */
  readonly fallbackNetworkUserId: string;
  /**
   * A header naming the scheme the client used (e.g. `X-Forwarded-Proto` behind a TLS-terminating
   * load balancer); when set and valid, the Location is absolute with that scheme.
   */
  readonly forwardedProtocolHeader?: string;
}

export const DEFAULT_COOKIE_BOUNCE_SETTINGS: CookieBounceSettings = {
  enabled: false,
  name: "n3pc",
  fallbackNetworkUserId: "00000000-0000-4000-A000-000000000000",
};

/**
 * Whether this request is the bounced one. Snowplow tests the raw query text for the name, not a
 * parsed parameter, and so do we.
 */
export function alreadyBouncing(settings: CookieBounceSettings, query: string): boolean {
  return settings.enabled && query.includes(settings.name);
}

/**
 * The Location of a bounce: the request's own path and query plus `<name>=true`. Snowplow 3.x
 * writes it relative (the request line has no authority); with a forwarded scheme and a Host it is
 * absolute, so a browser behind a TLS-terminating proxy returns over the scheme it used.
 *
 * @example
 * bounceLocation(DEFAULT_COOKIE_BOUNCE_SETTINGS, "/i", "e=pv")                 // "/i?e=pv&n3pc=true"
 * bounceLocation(settings, "/i", "e=pv", { scheme: "https", host: "c.acme.com" }) // "https://c.acme.com/i?e=pv&n3pc=true"
 */
export function bounceLocation(
  settings: CookieBounceSettings,
  path: string,
  query: string,
  absolute?: { readonly scheme: string | undefined; readonly host: string | undefined },
): string {
  const q = withQueryParam(query, settings.name, "true");
  const scheme = absolute?.scheme?.toLowerCase();
  if ((scheme === "http" || scheme === "https") && absolute?.host) {
    return headerSafe(`${scheme}://${absolute.host}${path}?${q}`);
  }
  return headerSafe(`${path}?${q}`);
}

const UNSAFE = /[^\x21-\x7e]+/g;

/**
 * The location with every character outside visible ASCII percent-encoded as UTF-8. A runtime may
 * hand over a request target's raw UTF-8 decoded (Bun does), and a header cannot carry characters
 * past Latin-1: the response would fail (found by fuzzing).
 */
function headerSafe(location: string): string {
  return location.replace(UNSAFE, (run) => encodeURIComponent(run.toWellFormed()));
}
