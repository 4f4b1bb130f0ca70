/**
 * @module
 * The partially enriched event inside `schema_violations` and `enrichment_failures` bad rows: all
 * 131 enriched-event fields, in TSV order, as far as Enrich got before failing. snowplow-badrows
 * types most fields as strings, but a few as JSON numbers, and the bad-row schemas check those types,
 * so values given as TSV-style strings are converted here.
 */

/** The 131 enriched-event field names, in TSV column order (the order bad rows write them). */
export const PARTIALLY_ENRICHED_EVENT_FIELDS = [
  "app_id",
  "platform",
  "etl_tstamp",
  "collector_tstamp",
  "dvce_created_tstamp",
  "event",
  "event_id",
  "txn_id",
  "name_tracker",
  "v_tracker",
  "v_collector",
  "v_etl",
  "user_id",
  "user_ipaddress",
  "user_fingerprint",
  "domain_userid",
  "domain_sessionidx",
  "network_userid",
  "geo_country",
  "geo_region",
  "geo_city",
  "geo_zipcode",
  "geo_latitude",
  "geo_longitude",
  "geo_region_name",
  "ip_isp",
  "ip_organization",
  "ip_domain",
  "ip_netspeed",
  "page_url",
  "page_title",
  "page_referrer",
  "page_urlscheme",
  "page_urlhost",
  "page_urlport",
  "page_urlpath",
  "page_urlquery",
  "page_urlfragment",
  "refr_urlscheme",
  "refr_urlhost",
  "refr_urlport",
  "refr_urlpath",
  "refr_urlquery",
  "refr_urlfragment",
  "refr_medium",
  "refr_source",
  "refr_term",
  "mkt_medium",
  "mkt_source",
  "mkt_term",
  "mkt_content",
  "mkt_campaign",
  "contexts",
  "se_category",
  "se_action",
  "se_label",
  "se_property",
  "se_value",
  "unstruct_event",
  "tr_orderid",
  "tr_affiliation",
  "tr_total",
  "tr_tax",
  "tr_shipping",
  "tr_city",
  "tr_state",
  "tr_country",
  "ti_orderid",
  "ti_sku",
  "ti_name",
  "ti_category",
  "ti_price",
  "ti_quantity",
  "pp_xoffset_min",
  "pp_xoffset_max",
  "pp_yoffset_min",
  "pp_yoffset_max",
  "useragent",
  "br_name",
  "br_family",
  "br_version",
  "br_type",
  "br_renderengine",
  "br_lang",
  "br_features_pdf",
  "br_features_flash",
  "br_features_java",
  "br_features_director",
  "br_features_quicktime",
  "br_features_realplayer",
  "br_features_windowsmedia",
  "br_features_gears",
  "br_features_silverlight",
  "br_cookies",
  "br_colordepth",
  "br_viewwidth",
  "br_viewheight",
  "os_name",
  "os_family",
  "os_manufacturer",
  "os_timezone",
  "dvce_type",
  "dvce_ismobile",
  "dvce_screenwidth",
  "dvce_screenheight",
  "doc_charset",
  "doc_width",
  "doc_height",
  "tr_currency",
  "tr_total_base",
  "tr_tax_base",
  "tr_shipping_base",
  "ti_currency",
  "ti_price_base",
  "base_currency",
  "geo_timezone",
  "mkt_clickid",
  "mkt_network",
  "etl_tags",
  "dvce_sent_tstamp",
  "refr_domain_userid",
  "refr_dvce_tstamp",
  "derived_contexts",
  "domain_sessionid",
  "derived_tstamp",
  "event_vendor",
  "event_name",
  "event_format",
  "event_version",
  "event_fingerprint",
  "true_tstamp",
] as const;

/** One of the 131 field names. */
export type PartiallyEnrichedEventField = (typeof PARTIALLY_ENRICHED_EVENT_FIELDS)[number];

/**
 * Field values by name, as the event module holds them (strings, `null` or absent for unset).
 * Numbers are accepted too. Names outside the 131 are ignored.
 */
export type PartiallyEnrichedEvent = Readonly<Record<string, string | number | null | undefined>>;

// snowplow-badrows `Payload.PartiallyEnrichedEvent`: these are Option[Int] (or Option[Byte], 0/1
// flags) and Option[Float]; every other field is Option[String].
const integerFields: ReadonlySet<string> = new Set([
  "domain_sessionidx",
  "page_urlport",
  "refr_urlport",
  "ti_quantity",
  "pp_xoffset_min",
  "pp_xoffset_max",
  "pp_yoffset_min",
  "pp_yoffset_max",
  "br_viewwidth",
  "br_viewheight",
  "dvce_screenwidth",
  "dvce_screenheight",
  "doc_width",
  "doc_height",
]);
const byteFields: ReadonlySet<string> = new Set([
  "br_features_pdf",
  "br_features_flash",
  "br_features_java",
  "br_features_director",
  "br_features_quicktime",
  "br_features_realplayer",
  "br_features_windowsmedia",
  "br_features_gears",
  "br_features_silverlight",
  "br_cookies",
  "dvce_ismobile",
]);
const floatFields: ReadonlySet<string> = new Set(["geo_latitude", "geo_longitude"]);

/** The JSON type snowplow-badrows gives a field: most are strings, a few integers or numbers. */
export function partiallyEnrichedFieldType(field: string): "string" | "integer" | "number" {
  if (integerFields.has(field) || byteFields.has(field)) return "integer";
  return floatFields.has(field) ? "number" : "string";
}

function integerIn(value: string | number, min: number, max: number): number | null {
  const n =
    typeof value === "number" ? value : /^[+-]?[0-9]+$/.test(value.trim()) ? Number(value) : Number.NaN;
  return Number.isInteger(n) && n >= min && n <= max ? n : null;
}

function float(value: string | number): number | null {
  const n = typeof value === "number" ? value : value.trim() === "" ? Number.NaN : Number(value);
  return Number.isFinite(n) ? n : null;
}

/**
 * The `enriched` object of an EnrichmentPayload: all 131 fields in order, unset ones as `null`.
 * Integer fields (JVM Int; Byte for the 0/1 flags) and the two coordinates become JSON numbers. A
 * value that cannot be one (Enrich would never have stored it in a typed field) becomes `null`.
 */
export function partiallyEnrichedEventJson(
  event: PartiallyEnrichedEvent,
): Record<string, string | number | null> {
  const out: Record<string, string | number | null> = {};
  for (const field of PARTIALLY_ENRICHED_EVENT_FIELDS) {
    const value = Object.hasOwn(event, field) ? event[field] : undefined;
    if (value === undefined || value === null) out[field] = null;
    else if (integerFields.has(field)) out[field] = integerIn(value, -2147483648, 2147483647);
    else if (byteFields.has(field)) out[field] = integerIn(value, -128, 127);
    else if (floatFields.has(field)) out[field] = float(value);
    else out[field] = String(value);
  }
  return out;
}
