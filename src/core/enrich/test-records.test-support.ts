/**
 * @module
 * Raw records for the enrich tests, built with our Thrift encoder the way a Snowplow collector
 * writes them: a pixel GET, a tp2 POST, a webhook POST. Defaults describe one ordinary browser
 * request; each builder takes overrides.
 */
import type { Processor } from "../badrows/processor.ts";
import {
  COLLECTOR_PAYLOAD_SCHEMA,
  type CollectorPayload,
  encodeCollectorPayload,
} from "../thrift/collector-payload.ts";
import type { RawCollectorPayload } from "./thrift-loader.ts";

export const TEST_PROCESSOR: Processor = { artifact: "furrow-enrich", version: "0.1.0" };
export const NUID = "4f1c7a52-9d0e-4b8a-a5c3-2e6f8b1d9c07";
export const UA =
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";
/** 2024-06-10 06:13:20.500 UTC. */
export const COLLECTOR_TSTAMP = 1718000000500;
/** 2024-06-10 06:15:00.000 UTC. */
export const ETL_TSTAMP = 1718000100000;

/** A collector payload with a browser's defaults. */
export function collectorPayload(overrides: Partial<CollectorPayload> = {}): CollectorPayload {
  return {
    schema: COLLECTOR_PAYLOAD_SCHEMA,
    ipAddress: "203.0.113.7",
    timestamp: COLLECTOR_TSTAMP,
    encoding: "UTF-8",
    collector: "ssc-3.4.0-kinesis",
    userAgent: UA,
    refererUri: "https://shop.example.com/products/linen-shirt?colour=blue",
    path: "/i",
    hostname: "collector.example.com",
    networkUserId: NUID,
    headers: [
      "Host: collector.example.com",
      `User-Agent: ${UA}`,
      "Referer: https://shop.example.com/products/linen-shirt?colour=blue",
      `Cookie: sp=${NUID}`,
    ],
    ...overrides,
  };
}

/** The query string of `params`, each value `encodeURIComponent`-ed as the JS tracker does. */
export function queryString(params: Record<string, string>): string {
  return Object.entries(params)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join("&");
}

/** A GET to `/i` carrying one event. */
export function pixel(params: Record<string, string>, overrides: Partial<CollectorPayload> = {}): Uint8Array {
  return encodeCollectorPayload(
    collectorPayload({ path: "/i", querystring: queryString(params), ...overrides }),
  );
}

/** A tp2 POST of `events` (a payload_data 1-0-4 body). */
export function tp2Post(
  events: readonly Record<string, string>[],
  overrides: Partial<CollectorPayload> = {},
): Uint8Array {
  const body = JSON.stringify({
    schema: "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4",
    data: events,
  });
  return encodeCollectorPayload(
    collectorPayload({
      path: "/com.snowplowanalytics.snowplow/tp2",
      body,
      contentType: "application/json; charset=utf-8",
      ...overrides,
    }),
  );
}

/** A POST to `/<vendor>/<version>` with a body. */
export function webhook(
  vendorVersion: string,
  body: string | undefined,
  contentType: string | undefined,
  overrides: Partial<CollectorPayload> = {},
): Uint8Array {
  return encodeCollectorPayload(
    collectorPayload({
      path: `/${vendorVersion}`,
      body,
      contentType,
      userAgent: "webhook/1.0",
      ...overrides,
    }),
  );
}

/** `{"schema":"…/contexts/1-0-0","data":[…]}` as `co` carries it. */
export function contexts(...entities: { schema: string; data: unknown }[]): string {
  return JSON.stringify({
    schema: "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0",
    data: entities,
  });
}

/** `{"schema":"…/unstruct_event/1-0-0","data":entity}` as `ue_pr` carries it. */
export function unstruct(entity: { schema: string; data: unknown }): string {
  return JSON.stringify({
    schema: "iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0",
    data: entity,
  });
}

/** URL-safe base64 of UTF-8 text, as the JS tracker writes `cx` and `ue_px`. */
export function base64url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** A loaded collector payload (what adapters read), with a browser's defaults. */
export function adapterPayload(overrides: Partial<RawCollectorPayload> = {}) {
  const payload: RawCollectorPayload = {
    vendor: "com.snowplowanalytics.snowplow",
    version: "tp1",
    querystring: [],
    contentType: null,
    body: null,
    collector: "ssc-3.4.0-kinesis",
    encoding: "UTF-8",
    hostname: "collector.example.com",
    timestamp: new Date(COLLECTOR_TSTAMP),
    ipAddress: "203.0.113.7",
    useragent: UA,
    refererUri: null,
    headers: [],
    networkUserId: NUID,
    ...overrides,
  };
  return payload;
}

/** `[name, value]` pairs as NVPs. */
export function nvps(pairs: Record<string, string | null>) {
  return Object.entries(pairs).map(([name, value]) => ({ name, value }));
}

/** A raw event's parameters as an object (later pairs win, as they never repeat). */
export function paramsOf(event: { parameters: readonly { name: string; value: string | null }[] }) {
  return Object.fromEntries(event.parameters.map((p) => [p.name, p.value]));
}
