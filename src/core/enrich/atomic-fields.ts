/**
 * @module
 * Atomic-field errors (Enrich's `AtomicError`, `AtomicFields`, `AtomicFieldsLengthValidator`): a
 * tracker parameter that does not parse into its column (`atomic_field_parse_error`), or a column
 * longer than its limit (`atomic_field_length_exceeded`). Either way the event's errors become one
 * schema violation: an Iglu ValidationError against `com.snowplowanalytics.snowplow/atomic`
 * 1-0-0 whose reports name the field as `path`. The value itself never goes in a report; it goes in
 * the failure entity's data.
 */
import { igluError, type SchemaViolation } from "../badrows/failure-message.ts";
import type { EnrichedEvent } from "../event/enriched-event.ts";
import { invalidData, type NonEmpty, validatorReport } from "../iglu/client-error.ts";
import type { SchemaKey } from "../iglu/schema-key.ts";

/** The schema atomic-field errors are reported against. */
export const ATOMIC_SCHEMA: SchemaKey = {
  vendor: "com.snowplowanalytics.snowplow",
  name: "atomic",
  format: "jsonschema",
  version: { model: 1, revision: 0, addition: 0 },
};

/** Keyword of a parameter that does not parse. */
export const PARSE_ERROR = "atomic_field_parse_error";
/** Keyword of a column over its length limit. */
export const LENGTH_EXCEEDED = "atomic_field_length_exceeded";

/** One atomic-field error. `field` is the parameter (parse) or column (length) name. */
export interface AtomicError {
  readonly message: string;
  readonly field: string;
  readonly value: string | null;
  readonly keyword: typeof PARSE_ERROR | typeof LENGTH_EXCEEDED;
}

export const parseError = (message: string, field: string, value: string | null): AtomicError => ({
  message,
  field,
  value,
  keyword: PARSE_ERROR,
});

/**
 * Enrich's default limits (`validation.atomicFieldsLimits` in common's reference.conf), in UTF-16
 * units as Java's `String.length` counts. Fields absent here are not checked.
 */
export const DEFAULT_ATOMIC_FIELD_LIMITS: Readonly<Record<string, number>> = {
  app_id: 255,
  platform: 255,
  event: 128,
  event_id: 36,
  name_tracker: 128,
  v_tracker: 100,
  v_collector: 100,
  v_etl: 100,
  user_id: 255,
  user_ipaddress: 128,
  user_fingerprint: 128,
  domain_userid: 128,
  network_userid: 128,
  geo_country: 2,
  geo_region: 3,
  geo_city: 75,
  geo_zipcode: 15,
  geo_region_name: 100,
  ip_isp: 100,
  ip_organization: 128,
  ip_domain: 128,
  ip_netspeed: 100,
  page_url: 10000,
  page_title: 2000,
  page_referrer: 10000,
  page_urlscheme: 16,
  page_urlhost: 255,
  page_urlpath: 3000,
  page_urlquery: 6000,
  page_urlfragment: 3000,
  refr_urlscheme: 16,
  refr_urlhost: 255,
  refr_urlpath: 6000,
  refr_urlquery: 6000,
  refr_urlfragment: 3000,
  refr_medium: 25,
  refr_source: 50,
  refr_term: 255,
  mkt_clickid: 1000,
  mkt_network: 64,
  mkt_medium: 255,
  mkt_source: 255,
  mkt_term: 255,
  mkt_content: 500,
  mkt_campaign: 255,
  se_category: 1000,
  se_action: 1000,
  se_label: 4096,
  se_property: 1000,
  tr_orderid: 255,
  tr_affiliation: 255,
  tr_city: 255,
  tr_state: 255,
  tr_country: 255,
  ti_orderid: 255,
  ti_sku: 255,
  ti_name: 255,
  ti_category: 255,
  useragent: 1000,
  br_name: 50,
  br_family: 50,
  br_version: 50,
  br_type: 50,
  br_renderengine: 50,
  br_lang: 255,
  br_colordepth: 12,
  os_name: 50,
  os_family: 50,
  os_manufacturer: 50,
  os_timezone: 255,
  dvce_type: 50,
  doc_charset: 128,
  tr_currency: 3,
  ti_currency: 3,
  base_currency: 3,
  geo_timezone: 64,
  etl_tags: 500,
  refr_domain_userid: 128,
  domain_sessionid: 128,
  event_vendor: 1000,
  event_name: 1000,
  event_format: 128,
  event_version: 128,
  event_fingerprint: 128,
};

/** The string columns Enrich can check (`AtomicFields.supportedFields`), in its order. */
export const LIMITED_FIELDS = [
  "app_id",
  "platform",
  "event",
  "event_id",
  "name_tracker",
  "v_tracker",
  "v_collector",
  "v_etl",
  "user_id",
  "user_ipaddress",
  "user_fingerprint",
  "domain_userid",
  "network_userid",
  "geo_country",
  "geo_region",
  "geo_city",
  "geo_zipcode",
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
  "page_urlpath",
  "page_urlquery",
  "page_urlfragment",
  "refr_urlscheme",
  "refr_urlhost",
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
  "se_category",
  "se_action",
  "se_label",
  "se_property",
  "tr_orderid",
  "tr_affiliation",
  "tr_city",
  "tr_state",
  "tr_country",
  "ti_orderid",
  "ti_sku",
  "ti_name",
  "ti_category",
  "useragent",
  "br_name",
  "br_family",
  "br_version",
  "br_type",
  "br_renderengine",
  "br_lang",
  "br_colordepth",
  "os_name",
  "os_family",
  "os_manufacturer",
  "os_timezone",
  "dvce_type",
  "doc_charset",
  "tr_currency",
  "ti_currency",
  "base_currency",
  "geo_timezone",
  "mkt_clickid",
  "mkt_network",
  "etl_tags",
  "refr_domain_userid",
  "domain_sessionid",
  "event_vendor",
  "event_name",
  "event_format",
  "event_version",
  "event_fingerprint",
] as const satisfies readonly (keyof EnrichedEvent)[];

/** Columns loaders require, which Enrich never nulls even when too long. */
const NEVER_NULLED = new Set<string>(["event_id", "v_collector", "v_etl"]);

/** A field list with limits, compiled once. */
export type AtomicFieldLimits = readonly (readonly [(typeof LIMITED_FIELDS)[number], number])[];

/** Compiles limits: the given ones over Enrich's defaults. Unknown names are ignored, as in Enrich. */
export function atomicFieldLimits(overrides: Readonly<Record<string, number>> = {}): AtomicFieldLimits {
  const limits = { ...DEFAULT_ATOMIC_FIELD_LIMITS, ...overrides };
  return LIMITED_FIELDS.filter((f) => Object.hasOwn(limits, f)).map((f) => [f, limits[f]!] as const);
}

/**
 * The columns longer than their limit. With `nullify` (failed events are emitted), each is also set
 * to null on the event, except the three loaders require.
 */
export function checkFieldLengths(
  event: EnrichedEvent,
  limits: AtomicFieldLimits,
  nullify: boolean,
): AtomicError[] {
  const fields = event as unknown as Record<string, string | null>;
  let errors: AtomicError[] | undefined;
  for (let i = 0; i < limits.length; i++) {
    const [field, limit] = limits[i]!;
    const value = fields[field];
    if (value == null || value.length <= limit) continue;
    if (errors === undefined) errors = [];
    errors.push({
      message: `Field is longer than maximum allowed size ${limit}`,
      field,
      value,
      keyword: LENGTH_EXCEEDED,
    });
    if (nullify && !NEVER_NULLED.has(field)) fields[field] = null;
  }
  return errors ?? [];
}

/** Atomic errors as the one schema violation Enrich reports for them, and the failure entity's data. */
export function atomicViolation(errors: NonEmpty<AtomicError>): {
  violation: SchemaViolation;
  data: Record<string, string | null>;
} {
  const reports = errors.map((e) => validatorReport(e.message, e.field, e.keyword)) as unknown as Parameters<
    typeof invalidData
  >[0];
  const data: Record<string, string | null> = {};
  for (const e of errors) data[e.field] = e.value;
  return { violation: igluError(ATOMIC_SCHEMA, invalidData(reports)), data };
}
