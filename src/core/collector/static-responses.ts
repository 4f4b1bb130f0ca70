/**
 * @module
 * Bodies of the collector's fixed answers: `/robots.txt` and the Flash `/crossdomain.xml` policy.
 * Texts are the Snowplow Stream Collector 3.x's (core/Routes.scala, core/Service.scala
 * `crossdomainResponse`), so crawlers and old Flash trackers see the same thing.
 */

/** `/robots.txt`: keeps crawlers (and Google's ad bots) away from the tracking endpoints. */
export const ROBOTS_TXT =
  "User-agent: *\nDisallow: /\n\nUser-agent: Googlebot\nDisallow: /\n\nUser-agent: AdsBot-Google\nDisallow: /";

/** Snowplow's `crossDomain` settings. */
export interface CrossDomainSettings {
  /** Serve `/crossdomain.xml` at all; off by default, so the path is a 404. */
  readonly enabled: boolean;
  /** One `<allow-access-from>` per domain; `["*"]` by default. */
  readonly domains: readonly string[];
  /** The `secure` attribute of each entry; true by default. */
  readonly secure: boolean;
}

/**
 * The policy document, one line per domain between the root element's tags.
 *
 * @example
 * crossDomainPolicy({ enabled: true, domains: ["*"], secure: true });
 * // <?xml version="1.0"?>\n<cross-domain-policy>\n<allow-access-from domain="*" secure="true" />\n</cross-domain-policy>
 */
export function crossDomainPolicy(settings: CrossDomainSettings): string {
  const entries = settings.domains
    .map((d) => `<allow-access-from domain="${d}" secure="${settings.secure}" />`)
    .join("\n");
  return `<?xml version="1.0"?>\n<cross-domain-policy>\n${entries}\n</cross-domain-policy>`;
}
