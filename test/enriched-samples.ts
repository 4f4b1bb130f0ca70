/**
 * @module
 * Hand-made enriched events that cover every kind of column and the awkward cases (every column
 * set, none set, many contexts, an unstructured event, Unicode, TSV-hostile strings, extreme
 * numbers and times). `fixtures/enriched/events.tsv` holds their TSV, one line each in this order,
 * and `events.json` what the JS Analytics SDK makes of those lines.
 */
import { type EnrichedEvent, emptyEnrichedEvent } from "../src/core/event/enriched-event.ts";

const t = (iso: string): number => Date.parse(iso);

function event(fields: Partial<EnrichedEvent>): EnrichedEvent {
  return Object.assign(emptyEnrichedEvent(), fields);
}

/** A page view from a browser, with every one of the 131 columns set. */
const full = event({
  app_id: "shop",
  platform: "web",
  etl_tstamp: t("2024-03-10T12:00:01.234Z"),
  collector_tstamp: t("2024-03-10T12:00:00.100Z"),
  dvce_created_tstamp: t("2024-03-10T11:59:59.900Z"),
  event: "page_view",
  event_id: "c6ef3124-b53a-4b13-a233-0088f79dcbcb",
  txn_id: 28288,
  name_tracker: "sp1",
  v_tracker: "js-3.23.0",
  v_collector: "furrow-collector-0.1.0",
  v_etl: "furrow-enrich-0.1.0",
  user_id: "jon.doe@example.com",
  user_ipaddress: "92.231.54.234",
  user_fingerprint: "2161814971",
  domain_userid: "bc2e92ec6c204a14",
  domain_sessionidx: 3,
  network_userid: "ecdff4d0-9175-40ac-a8bb-325c49733607",
  geo_country: "IE",
  geo_region: "L",
  geo_city: "Dublin",
  geo_zipcode: "D02",
  geo_latitude: 53.3331,
  geo_longitude: -6.2489,
  geo_region_name: "Leinster",
  ip_isp: "Eircom",
  ip_organization: "Eircom Business",
  ip_domain: "eircom.net",
  ip_netspeed: "Cable/DSL",
  page_url: "https://shop.example.com/basket?utm_source=news&utm_medium=email#top",
  page_title: "Your basket",
  page_referrer: "https://www.google.com/search?q=shoes",
  page_urlscheme: "https",
  page_urlhost: "shop.example.com",
  page_urlport: 443,
  page_urlpath: "/basket",
  page_urlquery: "utm_source=news&utm_medium=email",
  page_urlfragment: "top",
  refr_urlscheme: "https",
  refr_urlhost: "www.google.com",
  refr_urlport: 443,
  refr_urlpath: "/search",
  refr_urlquery: "q=shoes",
  refr_urlfragment: "results",
  refr_medium: "search",
  refr_source: "Google",
  refr_term: "shoes",
  mkt_medium: "email",
  mkt_source: "news",
  mkt_term: "boots",
  mkt_content: "banner",
  mkt_campaign: "spring",
  contexts: [
    {
      schema: "iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0",
      data: { id: "a86c42e5-b831-45c8-b706-e214c26b4b3d" },
    },
  ],
  se_category: "basket",
  se_action: "view",
  se_label: "items",
  se_property: "count",
  se_value: "2.0",
  unstruct_event: {
    schema: "iglu:com.snowplowanalytics.snowplow/link_click/jsonschema/1-0-1",
    data: { targetUrl: "https://shop.example.com/checkout" },
  },
  tr_orderid: "order-1",
  tr_affiliation: "web",
  tr_total: "28.50",
  tr_tax: "4.75",
  tr_shipping: "0",
  tr_city: "Dublin",
  tr_state: "Leinster",
  tr_country: "Ireland",
  ti_orderid: "order-1",
  ti_sku: "BOOT-42",
  ti_name: "Walking boot",
  ti_category: "Shoes",
  ti_price: "23.75",
  ti_quantity: 1,
  pp_xoffset_min: 0,
  pp_xoffset_max: 120,
  pp_yoffset_min: -5,
  pp_yoffset_max: 2400,
  useragent:
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0 Safari/537.36",
  br_name: "Chrome 122",
  br_family: "Chrome",
  br_version: "122.0",
  br_type: "Browser",
  br_renderengine: "WEBKIT",
  br_lang: "en-IE",
  br_features_pdf: true,
  br_features_flash: false,
  br_features_java: false,
  br_features_director: false,
  br_features_quicktime: true,
  br_features_realplayer: false,
  br_features_windowsmedia: false,
  br_features_gears: false,
  br_features_silverlight: false,
  br_cookies: true,
  br_colordepth: "24",
  br_viewwidth: 1280,
  br_viewheight: 720,
  os_name: "Linux",
  os_family: "Linux",
  os_manufacturer: "Other",
  os_timezone: "Europe/Dublin",
  dvce_type: "Computer",
  dvce_ismobile: false,
  dvce_screenwidth: 1920,
  dvce_screenheight: 1080,
  doc_charset: "UTF-8",
  doc_width: 1280,
  doc_height: 3000,
  tr_currency: "EUR",
  tr_total_base: "24.51",
  tr_tax_base: "4.08",
  tr_shipping_base: "0",
  ti_currency: "EUR",
  ti_price_base: "20.43",
  base_currency: "GBP",
  geo_timezone: "Europe/Dublin",
  mkt_clickid: "Cj0KCQ",
  mkt_network: "Google",
  etl_tags: "[]",
  dvce_sent_tstamp: t("2024-03-10T12:00:00.000Z"),
  refr_domain_userid: "aa2e92ec6c204a14",
  refr_dvce_tstamp: t("2024-03-10T11:58:00.000Z"),
  derived_contexts: [
    {
      schema: "iglu:com.snowplowanalytics.snowplow/ua_parser_context/jsonschema/1-0-0",
      data: { useragentFamily: "Chrome", useragentMajor: "122", osFamily: "Linux", deviceFamily: "Other" },
    },
  ],
  domain_sessionid: "0a3ad8f2-d0a2-4e4d-b8f5-4c23e3d7e3b1",
  derived_tstamp: t("2024-03-10T12:00:00.000Z"),
  event_vendor: "com.snowplowanalytics.snowplow",
  event_name: "page_view",
  event_format: "jsonschema",
  event_version: "1-0-0",
  event_fingerprint: "e3dbfa9e17d5ac9a4a6fe44c8d4a6b0f",
  true_tstamp: t("2024-03-10T11:59:59.950Z"),
});

/** The minimum Enrich emits, plus nothing: every other column empty. */
const empty = emptyEnrichedEvent();

/** Several entities of different schemas, two of one schema, two models of another. */
const contexts = event({
  app_id: "ctx",
  collector_tstamp: t("2024-01-01T00:00:00.000Z"),
  event: "page_view",
  event_id: "5071169f-3050-473f-b03f-9748319b1ef2",
  v_collector: "c",
  v_etl: "e",
  contexts: [
    { schema: "iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0", data: { id: "p1" } },
    {
      schema: "iglu:org.schema/WebPage/jsonschema/1-0-0",
      data: { genre: "blog", inLanguage: "en-US", keywords: ["a", "b"] },
    },
    {
      schema: "iglu:com.acme/userAccountID/jsonschema/2-1-0",
      data: { id: 1, tags: null, nested: { deep: [1.5, true] } },
    },
    { schema: "iglu:com.acme/userAccountID/jsonschema/2-0-3", data: { id: 2 } },
    { schema: "iglu:com.acme/userAccountID/jsonschema/1-0-0", data: {} },
    { schema: "iglu:com.Acme.Labs/HTTPHeader2Value/jsonschema/1-0-0", data: { name: "x", value: "y" } },
  ],
  derived_contexts: [
    { schema: "iglu:nl.basjes/yauaa_context/jsonschema/1-0-4", data: { agentClass: "Browser" } },
    { schema: "iglu:com.iab.snowplow/spiders_and_robots/jsonschema/1-0-0", data: { spiderOrRobot: false } },
    // The same key as a custom context: both SDKs let derived_contexts win.
    { schema: "iglu:com.acme/userAccountID/jsonschema/1-0-1", data: { derived: true } },
  ],
});

/** An unstructured (self-describing) event. */
const unstruct = event({
  app_id: "ue",
  platform: "srv",
  collector_tstamp: t("2024-01-01T00:00:00.000Z"),
  event: "unstruct",
  event_id: "9a3a0b05-2c52-4b74-a9c9-1b1ac2e8d8e4",
  v_collector: "c",
  v_etl: "e",
  unstruct_event: {
    schema: "iglu:com.acme.marketing/addToBasket/jsonschema/3-2-1",
    data: { sku: "BOOT-42", quantity: 2, price: 23.75, options: { size: 42, colour: "brown" } },
  },
  event_vendor: "com.acme.marketing",
  event_name: "addToBasket",
  event_format: "jsonschema",
  event_version: "3-2-1",
});

/** Text in many scripts, astral characters, combining marks and right-to-left text. */
const unicode = event({
  app_id: "ünïcödé",
  collector_tstamp: t("2024-01-01T00:00:00.000Z"),
  event_id: "0f5c8a4e-5b0c-4f4b-8d38-0b6b9a2c7f10",
  v_collector: "c",
  v_etl: "e",
  page_title: "日本語のページ — Ελληνικά — العربية — עברית",
  se_label: "emoji 😀👍🏽👨‍👩‍👧 and a combining é",
  geo_city: "Zürich",
  user_id: "\u0085 C1 control NEL stays, \u200b zero width stays",
  contexts: [{ schema: "iglu:com.acme/unicode_text/jsonschema/1-0-0", data: { text: "日本 😀 \u2028 sep" } }],
});

/** Strings a tracker might send that would break a TSV line if written raw. */
const hostile = event({
  app_id: "tab\there",
  collector_tstamp: t("2024-01-01T00:00:00.000Z"),
  event_id: "73ad7b23-e1cd-4a8b-a3e4-7ccdc9d29a2a",
  v_collector: "c",
  v_etl: "e",
  page_title: "line one\r\nline two\nline three",
  page_url: "\ttabbed\t",
  se_label: "nul\u0000 bell\u0007 del\u007f esc\u001b",
  se_property: "\r\n",
  user_id: '"quoted" \\backslash\\ {"json":1}',
  unstruct_event: {
    schema: "iglu:com.acme/form_submit/jsonschema/1-0-0",
    data: { field: 'a\tb\nc\r"d"\\e\u0000f' },
  },
});

/** Extreme numbers and times. */
const extremes = event({
  collector_tstamp: t("0001-01-01T00:00:00.000Z"),
  etl_tstamp: t("9999-12-31T23:59:59.999Z"),
  dvce_created_tstamp: t("0000-01-01T00:00:00.000Z"),
  derived_tstamp: t("1969-12-31T23:59:59.999Z"),
  true_tstamp: t("2000-02-29T12:34:56.789Z"),
  event_id: "e4c1b2a3-0000-4000-8000-000000000000",
  v_collector: "c",
  v_etl: "e",
  txn_id: -2147483648,
  domain_sessionidx: 2147483647,
  page_urlport: 0,
  se_value: "1E-7",
  tr_total: "12345678901234567890.123456789",
  tr_tax: "-99999999999999999999999999",
  tr_shipping: "0E-7",
  ti_price: "0.000001",
  tr_total_base: "10000000",
  tr_tax_base: "-1.5E-10",
  tr_shipping_base: "0.00",
  ti_price_base: "1E-2147483647",
  geo_latitude: 1e7,
  geo_longitude: 1.4e-45,
  br_features_pdf: false,
  dvce_ismobile: true,
});

/** Floats at the edges of Java's layout rules. */
const floats = event({
  collector_tstamp: t("2024-01-01T00:00:00.000Z"),
  event_id: "1b9f3c2d-1111-4222-8333-444455556666",
  v_collector: "c",
  v_etl: "e",
  geo_latitude: -0.001,
  geo_longitude: 3.4028235e38,
});

export const sampleEvents: readonly { readonly name: string; readonly event: EnrichedEvent }[] = [
  { name: "every column set", event: full },
  { name: "every column empty", event: empty },
  { name: "many contexts", event: contexts },
  { name: "unstructured event", event: unstruct },
  { name: "unicode", event: unicode },
  { name: "TSV-hostile strings", event: hostile },
  { name: "extreme numbers and times", event: extremes },
  { name: "float layout edges", event: floats },
];
