/**
 * @module
 * Shared by the Postgres loader's tests and benchmark: enriched events with our own contexts
 * (fixtures/iglu-resolver: `page_context` and `product_context`), a resolver over that registry,
 * and the real PostgreSQL server of the test machine (127.0.0.1:5432, database `test`), which every
 * run shares with other tests, so each works in a schema of its own.
 */
import { fileURLToPath } from "node:url";
import { fileSystemSource } from "../../src/adapters/iglu/file-system-source.ts";
import { connectPostgres } from "../../src/adapters/postgres/connect.ts";
import { type EnrichedEvent, emptyEnrichedEvent } from "../../src/core/event/enriched-event.ts";
import { encodeEnrichedTsv } from "../../src/core/event/tsv.ts";
import { EmbeddedRegistry } from "../../src/core/iglu/registry-embedded.ts";
import { Resolver } from "../../src/core/iglu/resolver.ts";

export const REAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/test";

/** Null if the real server answers, else why not. */
export async function realPostgresProblem(): Promise<string | null> {
  const sql = connectPostgres({ url: REAL_POSTGRES, embedded: false }, { connect_timeout: 3, max: 1 });
  try {
    await sql`select 1`;
    return null;
  } catch (e) {
    return (e as Error).message;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/** A schema name no other run uses. */
export function uniqueSchema(prefix: string): string {
  return `${prefix}_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
}

export const FIXTURE_REGISTRY = fileURLToPath(
  new URL("../../fixtures/iglu-resolver/registry", import.meta.url),
);

/** A resolver over fixtures/iglu-resolver/registry (vendor `com.furrow.example`). */
export function fixtureResolver(): Resolver {
  const registry = new EmbeddedRegistry(
    { name: "Furrow examples", priority: 0, vendorPrefixes: ["com.furrow"] },
    FIXTURE_REGISTRY,
    fileSystemSource(),
  );
  return new Resolver([registry], { cacheSize: 500, cacheTtlSeconds: 600 });
}

export const PAGE_CONTEXT = "iglu:com.furrow.example/page_context/jsonschema/1-0-0";
export const PRODUCT_CONTEXT = "iglu:com.furrow.example/product_context/jsonschema/1-0-0";

const BASE = Date.parse("2024-06-01T12:00:00.000Z");

/** The n-th event id: a valid UUID, unique per `n` and `run`. */
export function eventId(n: number, run = 0): string {
  const hex = (n + run * 1_000_000_000).toString(16).padStart(12, "0");
  return `0d1e2f3a-4b5c-4d6e-8f70-${hex}`;
}

/**
 * A page view from a browser with about 60 atomic fields set (1.3 KB of TSV) and two contexts:
 * `page_context` and `product_context` (ten fields of the usual kinds).
 */
export function pageView(n: number, run = 0, fields: Partial<EnrichedEvent> = {}): EnrichedEvent {
  const collected = BASE + n * 37;
  return Object.assign(emptyEnrichedEvent(), {
    app_id: "shop",
    platform: "web",
    etl_tstamp: collected + 1500,
    collector_tstamp: collected,
    dvce_created_tstamp: collected - 120,
    event: "page_view",
    event_id: eventId(n, run),
    txn_id: n % 100_000,
    name_tracker: "sp1",
    v_tracker: "js-3.23.0",
    v_collector: "furrow-collector-0.1.0",
    v_etl: "furrow-enrich-0.1.0",
    user_id: `user${n % 5000}@example.com`,
    user_ipaddress: `92.231.${n % 250}.${(n * 7) % 250}`,
    domain_userid: "bc2e92ec6c204a14",
    domain_sessionidx: 1 + (n % 40),
    network_userid: "ecdff4d0-9175-40ac-a8bb-325c49733607",
    geo_country: "IE",
    geo_region: "L",
    geo_city: "Dublin",
    geo_zipcode: "D02",
    geo_latitude: 53.3331,
    geo_longitude: -6.2489,
    geo_region_name: "Leinster",
    page_url: `https://shop.example.com/products/${n % 900}?utm_source=news&utm_medium=email`,
    page_title: "Waxed cotton jacket | Shop",
    page_referrer: "https://www.google.com/search?q=jacket",
    page_urlscheme: "https",
    page_urlhost: "shop.example.com",
    page_urlport: 443,
    page_urlpath: `/products/${n % 900}`,
    page_urlquery: "utm_source=news&utm_medium=email",
    refr_urlscheme: "https",
    refr_urlhost: "www.google.com",
    refr_urlport: 443,
    refr_urlpath: "/search",
    refr_urlquery: "q=jacket",
    refr_medium: "search",
    refr_source: "Google",
    refr_term: "jacket",
    mkt_medium: "email",
    mkt_source: "news",
    contexts: [
      {
        schema: PAGE_CONTEXT,
        data: { id: `a86c42e5-b831-45c8-b706-${(n % 1e12).toString(16).padStart(12, "0")}` },
      },
      {
        schema: PRODUCT_CONTEXT,
        data: {
          sku: `SKU-${n % 900}-XL`,
          name: "Waxed cotton jacket",
          category: "outerwear",
          price: 189.5,
          currency: "EUR",
          quantity: 1 + (n % 3),
          in_stock: n % 10 !== 0,
          tags: ["new", "autumn", "waterproof"],
          variant: "large",
          added_at: "2024-06-01T12:34:56.789Z",
        },
      },
    ],
    useragent:
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0 Safari/537.36",
    br_name: "Chrome 122",
    br_family: "Chrome",
    br_version: "122.0",
    br_type: "Browser",
    br_renderengine: "WEBKIT",
    br_lang: "en-IE",
    br_features_pdf: true,
    br_cookies: true,
    br_colordepth: "24",
    br_viewwidth: 1440,
    br_viewheight: 900,
    os_name: "Linux",
    os_family: "Linux",
    os_manufacturer: "Other",
    os_timezone: "Europe/Dublin",
    dvce_type: "Computer",
    dvce_ismobile: false,
    dvce_screenwidth: 2560,
    dvce_screenheight: 1440,
    doc_charset: "UTF-8",
    doc_width: 1440,
    doc_height: 5200,
    geo_timezone: "Europe/Dublin",
    dvce_sent_tstamp: collected - 20,
    domain_sessionid: "7a5c7e1f-8d3b-4f0a-9c2e-1b6d5f4a3c2b",
    derived_tstamp: collected - 100,
    event_vendor: "com.snowplowanalytics.snowplow",
    event_name: "page_view",
    event_format: "jsonschema",
    event_version: "1-0-0",
    event_fingerprint: "e3dbfa39ca9c9e5a8e3f5c0b5b3a2a1f",
    ...fields,
  });
}

/** `count` page views as enriched TSV lines. */
export function pageViewLines(count: number, run = 0, from = 0): string[] {
  return Array.from({ length: count }, (_, i) => encodeEnrichedTsv(pageView(from + i, run)));
}
