/**
 * @module
 * The enriched event: Snowplow's 131 atomic fields, in the order of the enriched TSV
 * (`tabSeparatedEnrichedEvent` in Enrich's `ConversionUtils.scala`). The field table is the single
 * source of truth: the `EnrichedEvent` type, the TSV codec and the analytics JSON all derive from it.
 *
 * Value representation, by kind (null means "empty column"):
 * - `string`: the text, never `""` (an empty column is null).
 * - `int`: a Java `int` (32-bit) as a number.
 * - `decimal`: the canonical text of Java `BigDecimal.toString()` after Enrich resets a negative
 *   scale to 0 (see `java-decimal.ts`), e.g. `"28.50"`, `"10000000"`, `"1E-7"`. A string keeps the
 *   exact value and its scale (`28.50` is not `28.5`), which a binary double cannot.
 * - `float`: geo_latitude/longitude are Java `float`s; the number held is the double nearest to
 *   the column's `Float.toString` text (what every SDK yields when it reads the column), so
 *   `53.3331` stays `53.3331` rather than its float32 expansion `53.33309936523438`.
 * - `boolean`: `0`/`1` in the TSV.
 * - `timestamp`: milliseconds since the Unix epoch (UTC), years 0000–9999.
 * - `contexts`: a list of self-describing JSONs; the empty list is the empty column.
 * - `unstruct`: one self-describing JSON (the inner event, without the unstruct_event envelope).
 */

import type { SelfDescribingDataJson } from "../iglu/self-describing-data.ts";

/** How a column is typed and formatted. */
export type FieldKind =
  | "string"
  | "int"
  | "decimal"
  | "float"
  | "boolean"
  | "timestamp"
  | "contexts"
  | "unstruct";

/** One column of the enriched TSV. */
export interface EnrichedField {
  readonly name: string;
  readonly kind: FieldKind;
}

/**
 * A self-describing JSON (SDJ): an Iglu schema URI and the data it describes. The Iglu module's
 * JSON form, under the name Snowplow's event docs use.
 */
export type SelfDescribingJson = SelfDescribingDataJson;

/** The 131 columns, in TSV order (1 app_id … 131 true_tstamp). */
export const enrichedFields = [
  { name: "app_id", kind: "string" },
  { name: "platform", kind: "string" },
  { name: "etl_tstamp", kind: "timestamp" },
  { name: "collector_tstamp", kind: "timestamp" },
  { name: "dvce_created_tstamp", kind: "timestamp" },
  { name: "event", kind: "string" },
  { name: "event_id", kind: "string" },
  { name: "txn_id", kind: "int" },
  { name: "name_tracker", kind: "string" },
  { name: "v_tracker", kind: "string" },
  { name: "v_collector", kind: "string" },
  { name: "v_etl", kind: "string" },
  { name: "user_id", kind: "string" },
  { name: "user_ipaddress", kind: "string" },
  { name: "user_fingerprint", kind: "string" },
  { name: "domain_userid", kind: "string" },
  { name: "domain_sessionidx", kind: "int" },
  { name: "network_userid", kind: "string" },
  { name: "geo_country", kind: "string" },
  { name: "geo_region", kind: "string" },
  { name: "geo_city", kind: "string" },
  { name: "geo_zipcode", kind: "string" },
  { name: "geo_latitude", kind: "float" },
  { name: "geo_longitude", kind: "float" },
  { name: "geo_region_name", kind: "string" },
  { name: "ip_isp", kind: "string" },
  { name: "ip_organization", kind: "string" },
  { name: "ip_domain", kind: "string" },
  { name: "ip_netspeed", kind: "string" },
  { name: "page_url", kind: "string" },
  { name: "page_title", kind: "string" },
  { name: "page_referrer", kind: "string" },
  { name: "page_urlscheme", kind: "string" },
  { name: "page_urlhost", kind: "string" },
  { name: "page_urlport", kind: "int" },
  { name: "page_urlpath", kind: "string" },
  { name: "page_urlquery", kind: "string" },
  { name: "page_urlfragment", kind: "string" },
  { name: "refr_urlscheme", kind: "string" },
  { name: "refr_urlhost", kind: "string" },
  { name: "refr_urlport", kind: "int" },
  { name: "refr_urlpath", kind: "string" },
  { name: "refr_urlquery", kind: "string" },
  { name: "refr_urlfragment", kind: "string" },
  { name: "refr_medium", kind: "string" },
  { name: "refr_source", kind: "string" },
  { name: "refr_term", kind: "string" },
  { name: "mkt_medium", kind: "string" },
  { name: "mkt_source", kind: "string" },
  { name: "mkt_term", kind: "string" },
  { name: "mkt_content", kind: "string" },
  { name: "mkt_campaign", kind: "string" },
  { name: "contexts", kind: "contexts" },
  { name: "se_category", kind: "string" },
  { name: "se_action", kind: "string" },
  { name: "se_label", kind: "string" },
  { name: "se_property", kind: "string" },
  { name: "se_value", kind: "decimal" },
  { name: "unstruct_event", kind: "unstruct" },
  { name: "tr_orderid", kind: "string" },
  { name: "tr_affiliation", kind: "string" },
  { name: "tr_total", kind: "decimal" },
  { name: "tr_tax", kind: "decimal" },
  { name: "tr_shipping", kind: "decimal" },
  { name: "tr_city", kind: "string" },
  { name: "tr_state", kind: "string" },
  { name: "tr_country", kind: "string" },
  { name: "ti_orderid", kind: "string" },
  { name: "ti_sku", kind: "string" },
  { name: "ti_name", kind: "string" },
  { name: "ti_category", kind: "string" },
  { name: "ti_price", kind: "decimal" },
  { name: "ti_quantity", kind: "int" },
  { name: "pp_xoffset_min", kind: "int" },
  { name: "pp_xoffset_max", kind: "int" },
  { name: "pp_yoffset_min", kind: "int" },
  { name: "pp_yoffset_max", kind: "int" },
  { name: "useragent", kind: "string" },
  { name: "br_name", kind: "string" },
  { name: "br_family", kind: "string" },
  { name: "br_version", kind: "string" },
  { name: "br_type", kind: "string" },
  { name: "br_renderengine", kind: "string" },
  { name: "br_lang", kind: "string" },
  { name: "br_features_pdf", kind: "boolean" },
  { name: "br_features_flash", kind: "boolean" },
  { name: "br_features_java", kind: "boolean" },
  { name: "br_features_director", kind: "boolean" },
  { name: "br_features_quicktime", kind: "boolean" },
  { name: "br_features_realplayer", kind: "boolean" },
  { name: "br_features_windowsmedia", kind: "boolean" },
  { name: "br_features_gears", kind: "boolean" },
  { name: "br_features_silverlight", kind: "boolean" },
  { name: "br_cookies", kind: "boolean" },
  { name: "br_colordepth", kind: "string" },
  { name: "br_viewwidth", kind: "int" },
  { name: "br_viewheight", kind: "int" },
  { name: "os_name", kind: "string" },
  { name: "os_family", kind: "string" },
  { name: "os_manufacturer", kind: "string" },
  { name: "os_timezone", kind: "string" },
  { name: "dvce_type", kind: "string" },
  { name: "dvce_ismobile", kind: "boolean" },
  { name: "dvce_screenwidth", kind: "int" },
  { name: "dvce_screenheight", kind: "int" },
  { name: "doc_charset", kind: "string" },
  { name: "doc_width", kind: "int" },
  { name: "doc_height", kind: "int" },
  { name: "tr_currency", kind: "string" },
  { name: "tr_total_base", kind: "decimal" },
  { name: "tr_tax_base", kind: "decimal" },
  { name: "tr_shipping_base", kind: "decimal" },
  { name: "ti_currency", kind: "string" },
  { name: "ti_price_base", kind: "decimal" },
  { name: "base_currency", kind: "string" },
  { name: "geo_timezone", kind: "string" },
  { name: "mkt_clickid", kind: "string" },
  { name: "mkt_network", kind: "string" },
  { name: "etl_tags", kind: "string" },
  { name: "dvce_sent_tstamp", kind: "timestamp" },
  { name: "refr_domain_userid", kind: "string" },
  { name: "refr_dvce_tstamp", kind: "timestamp" },
  { name: "derived_contexts", kind: "contexts" },
  { name: "domain_sessionid", kind: "string" },
  { name: "derived_tstamp", kind: "timestamp" },
  { name: "event_vendor", kind: "string" },
  { name: "event_name", kind: "string" },
  { name: "event_format", kind: "string" },
  { name: "event_version", kind: "string" },
  { name: "event_fingerprint", kind: "string" },
  { name: "true_tstamp", kind: "timestamp" },
] as const satisfies readonly EnrichedField[];

/** Enrich writes exactly this many columns, and the analytics SDKs reject any other count. */
export const enrichedFieldCount = enrichedFields.length;

/** The TypeScript type of each kind's value. */
export interface FieldValue {
  string: string | null;
  int: number | null;
  decimal: string | null;
  float: number | null;
  boolean: boolean | null;
  timestamp: number | null;
  contexts: SelfDescribingJson[];
  unstruct: SelfDescribingJson | null;
}

type FieldTable = (typeof enrichedFields)[number];

/** The name of one of the 131 fields. */
export type EnrichedFieldName = FieldTable["name"];

/** A Snowplow enriched event, one property per TSV column. */
export type EnrichedEvent = { [F in FieldTable as F["name"]]: FieldValue[F["kind"]] };

/**
 * A new event with every column empty (nulls, and no contexts).
 *
 * Spelled out as one object literal, which the type checker holds to the field table: engines
 * give a literal a fixed shape, whereas an object grown key by key (or spread from a template)
 * past a few dozen properties becomes a hash table, about 20 times slower to fill in.
 */
export function emptyEnrichedEvent(): EnrichedEvent {
  return {
    app_id: null,
    platform: null,
    etl_tstamp: null,
    collector_tstamp: null,
    dvce_created_tstamp: null,
    event: null,
    event_id: null,
    txn_id: null,
    name_tracker: null,
    v_tracker: null,
    v_collector: null,
    v_etl: null,
    user_id: null,
    user_ipaddress: null,
    user_fingerprint: null,
    domain_userid: null,
    domain_sessionidx: null,
    network_userid: null,
    geo_country: null,
    geo_region: null,
    geo_city: null,
    geo_zipcode: null,
    geo_latitude: null,
    geo_longitude: null,
    geo_region_name: null,
    ip_isp: null,
    ip_organization: null,
    ip_domain: null,
    ip_netspeed: null,
    page_url: null,
    page_title: null,
    page_referrer: null,
    page_urlscheme: null,
    page_urlhost: null,
    page_urlport: null,
    page_urlpath: null,
    page_urlquery: null,
    page_urlfragment: null,
    refr_urlscheme: null,
    refr_urlhost: null,
    refr_urlport: null,
    refr_urlpath: null,
    refr_urlquery: null,
    refr_urlfragment: null,
    refr_medium: null,
    refr_source: null,
    refr_term: null,
    mkt_medium: null,
    mkt_source: null,
    mkt_term: null,
    mkt_content: null,
    mkt_campaign: null,
    contexts: [],
    se_category: null,
    se_action: null,
    se_label: null,
    se_property: null,
    se_value: null,
    unstruct_event: null,
    tr_orderid: null,
    tr_affiliation: null,
    tr_total: null,
    tr_tax: null,
    tr_shipping: null,
    tr_city: null,
    tr_state: null,
    tr_country: null,
    ti_orderid: null,
    ti_sku: null,
    ti_name: null,
    ti_category: null,
    ti_price: null,
    ti_quantity: null,
    pp_xoffset_min: null,
    pp_xoffset_max: null,
    pp_yoffset_min: null,
    pp_yoffset_max: null,
    useragent: null,
    br_name: null,
    br_family: null,
    br_version: null,
    br_type: null,
    br_renderengine: null,
    br_lang: null,
    br_features_pdf: null,
    br_features_flash: null,
    br_features_java: null,
    br_features_director: null,
    br_features_quicktime: null,
    br_features_realplayer: null,
    br_features_windowsmedia: null,
    br_features_gears: null,
    br_features_silverlight: null,
    br_cookies: null,
    br_colordepth: null,
    br_viewwidth: null,
    br_viewheight: null,
    os_name: null,
    os_family: null,
    os_manufacturer: null,
    os_timezone: null,
    dvce_type: null,
    dvce_ismobile: null,
    dvce_screenwidth: null,
    dvce_screenheight: null,
    doc_charset: null,
    doc_width: null,
    doc_height: null,
    tr_currency: null,
    tr_total_base: null,
    tr_tax_base: null,
    tr_shipping_base: null,
    ti_currency: null,
    ti_price_base: null,
    base_currency: null,
    geo_timezone: null,
    mkt_clickid: null,
    mkt_network: null,
    etl_tags: null,
    dvce_sent_tstamp: null,
    refr_domain_userid: null,
    refr_dvce_tstamp: null,
    derived_contexts: [],
    domain_sessionid: null,
    derived_tstamp: null,
    event_vendor: null,
    event_name: null,
    event_format: null,
    event_version: null,
    event_fingerprint: null,
    true_tstamp: null,
  };
}
