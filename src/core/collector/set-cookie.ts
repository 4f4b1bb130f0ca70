/**
 * @module
 * The collector's `Set-Cookie` header: the network user id cookie (`sp` by default) and its
 * optional client-readable twin. Rendering follows http4s `ResponseCookie` as the Snowplow Stream
 * Collector 3.x sets it (core/Service.scala `cookieHeader`):
 * `sp=<nuid>; Expires=<IMF-fixdate>; Domain=<d>; Path=/; SameSite=None; Secure; HttpOnly`, where
 * Secure is forced whenever SameSite=None (browsers drop `SameSite=None` cookies that are not
 * Secure) and Expires is whole seconds after now plus the expiration.
 *
 * Everything after the value depends only on the current second and the chosen domain, so the
 * writer formats the date once per second and reuses the attribute text: no date formatting per
 * request on the hot path.
 */
import { type OriginHost, originHosts } from "./origin.ts";

/** Snowplow's `SameSite` values; absent means no attribute. */
export type SameSite = "None" | "Lax" | "Strict";

/** Snowplow's `cookie` settings (the names of its HOCON config). */
export interface CookieSettings {
  /** Set a cookie at all; true by default. */
  readonly enabled: boolean;
  /** Cookie name; `sp` by default. */
  readonly name: string;
  /** Lifetime in milliseconds; 365 days by default. */
  readonly expiration: number;
  /** Domains to scope the cookie to, chosen by the request's Origin; none by default. */
  readonly domains: readonly string[];
  /** The domain when no configured domain matches the Origin; none by default (host-only cookie). */
  readonly fallbackDomain?: string;
  readonly secure: boolean;
  readonly httpOnly: boolean;
  /** `None` by default; undefined writes no SameSite attribute. */
  readonly sameSite?: SameSite;
  /** A second cookie with the same value under this name, readable by scripts (HttpOnly off). */
  readonly clientCookieName?: string;
}

/** Snowplow's defaults (core/src/main/resources/reference.conf). */
export const DEFAULT_COOKIE_SETTINGS: CookieSettings = {
  enabled: true,
  name: "sp",
  expiration: 365 * 24 * 3600 * 1000,
  domains: [],
  secure: true,
  httpOnly: true,
  sameSite: "None",
};

/** Whether `host` is `domain` or one of its subdomains (not merely ending with its text). */
export function domainMatches(host: string, domain: string): boolean {
  return (
    host === domain || (host.endsWith(domain) && host.charCodeAt(host.length - domain.length - 1) === 0x2e)
  );
}

/**
 * The cookie's Domain attribute: the first configured domain that some Origin host equals or is a
 * subdomain of, else the fallback domain, else none (a host-only cookie).
 *
 * @example
 * cookieDomain(originHosts("https://shop.acme.com"), ["acme.com", "acme.net"], "fallback.com") // "acme.com"
 */
export function cookieDomain(
  origins: readonly OriginHost[],
  domains: readonly string[],
  fallbackDomain: string | undefined,
): string | undefined {
  for (const domain of domains) {
    for (const o of origins) if (domainMatches(o.host, domain)) return domain;
  }
  return fallbackDomain;
}

/** An HTTP date (RFC 9110 §5.6.7 IMF-fixdate) of whole epoch seconds. */
export function httpDate(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toUTCString();
}

/** Writes `Set-Cookie` values for one cookie configuration. */
export class SetCookieWriter {
  readonly #settings: CookieSettings;
  /** The attributes without Domain/Expires, fixed by the configuration. */
  readonly #tail: string;
  #second = Number.NaN;
  #withoutDomain = "";
  #byDomain = new Map<string, string>();

  constructor(settings: CookieSettings) {
    this.#settings = settings;
    const s = settings;
    this.#tail =
      "; Path=/" +
      (s.sameSite === undefined ? "" : `; SameSite=${s.sameSite}`) +
      (s.secure || s.sameSite === "None" ? "; Secure" : "") +
      (s.httpOnly ? "; HttpOnly" : "");
  }

  get name(): string {
    return this.#settings.name;
  }

  /** The domain for a request with this `Origin` header (parsed only when domains are configured). */
  domainFor(origin: string | undefined): string | undefined {
    const s = this.#settings;
    if (s.domains.length === 0 || origin === undefined) return s.fallbackDomain;
    return cookieDomain(originHosts(origin), s.domains, s.fallbackDomain);
  }

  /** `name=value` with Expires `now + expiration`, whole seconds. */
  value(value: string, domain: string | undefined, nowMs: number): string {
    const second = Math.floor((nowMs + this.#settings.expiration) / 1000);
    if (second !== this.#second) {
      this.#second = second;
      this.#withoutDomain = `; Expires=${httpDate(second)}`;
      this.#byDomain = new Map();
    }
    let attributes: string;
    if (domain === undefined) {
      attributes = this.#withoutDomain;
    } else {
      attributes = this.#byDomain.get(domain) ?? "";
      if (attributes === "") {
        attributes = `${this.#withoutDomain}; Domain=${domain}`;
        // Domains come from the configuration, so this map holds a handful of entries at most.
        this.#byDomain.set(domain, attributes);
      }
    }
    return `${this.#settings.name}=${value}${attributes}${this.#tail}`;
  }

  /**
   * An empty cookie that expired `expiration` ago: how the collector removes the cookie of a
   * request tracked anonymously (SP-Anonymous) that still carried one.
   */
  cleared(domain: string | undefined, nowMs: number): string {
    const second = Math.floor((nowMs - this.#settings.expiration) / 1000);
    const d = domain === undefined ? "" : `; Domain=${domain}`;
    return `${this.#settings.name}=; Expires=${httpDate(second)}${d}${this.#tail}`;
  }
}
