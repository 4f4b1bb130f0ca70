/**
 * @module
 * What a bad row carries so the event can be recovered later (snowplow-badrows `Payload.scala`):
 * - a raw payload, the input as a string (base64 Thrift, a TSV line, truncated text);
 * - a collector payload, the HTTP request as the collector saw it, before any adapter ran;
 * - an enrichment payload, one raw event plus the partially enriched event;
 * - a loader payload, an enriched event as the Analytics SDK's JSON.
 * The JSON member order follows snowplow-badrows' encoders, and optional values are written as
 * `null`, never omitted.
 */
import { type PartiallyEnrichedEvent, partiallyEnrichedEventJson } from "./partially-enriched-event.ts";

/** The input as text: base64 for binary input. */
export type RawPayload = string;

/** A query-string parameter; a parameter without `=` has a null value. */
export interface NVP {
  readonly name: string;
  readonly value: string | null;
}

/**
 * What the collector saw of the request besides its parameters, the same in both payloads: Enrich's
 * `CollectorPayload.Source` hostname and its `CollectorPayload.Context`, less the network user id,
 * which the two payloads name differently.
 */
export interface RequestContext {
  readonly hostname: string | null;
  readonly timestamp: Date | null;
  readonly ipAddress: string | null;
  readonly useragent: string | null;
  readonly refererUri: string | null;
  readonly headers: readonly string[];
}

/** The HTTP request as the collector recorded it. `vendor`/`version` come from the request path. */
export interface CollectorPayload extends RequestContext {
  readonly vendor: string;
  readonly version: string;
  readonly querystring: readonly NVP[];
  readonly contentType: string | null;
  readonly body: string | null;
  readonly collector: string;
  readonly encoding: string;
  /** A UUID (the bad-row schemas check the format). */
  readonly networkUserId: string | null;
}

/** One event an adapter produced from a collector payload, with its parameters. */
export interface RawEvent extends RequestContext {
  readonly vendor: string;
  readonly version: string;
  readonly parameters: readonly NVP[];
  readonly contentType: string | null;
  readonly loaderName: string;
  readonly encoding: string;
  /** The network user id, a UUID. */
  readonly userId: string | null;
}

/** The input of the enrichments (`raw`) and what they had produced when one failed (`enriched`). */
export interface EnrichmentPayload {
  readonly enriched: PartiallyEnrichedEvent;
  readonly raw: RawEvent;
}

/**
 * An enriched event as the Analytics SDK writes it (`Event.toJson`, not lossy): typed fields,
 * instants as ISO strings, and `contexts`, `derived_contexts`, `unstruct_event` as objects. The event
 * module produces it; bad rows pass it through.
 */
export type LoaderPayload = Readonly<Record<string, unknown>>;

/**
 * Joda's `DateTime.toString()` in UTC, which is how snowplow-badrows writes payload timestamps:
 * always with milliseconds, e.g. `2024-01-02T03:04:05.000Z`. A year outside 0000–9999 (only a
 * corrupt or forged record has one) is null: the schemas' `date-time` (RFC 3339) has four-digit
 * years, so the extended form would make the row invalid (found by fuzzing).
 */
function dateTime(date: Date | null): string | null {
  if (date === null || Number.isNaN(date.getTime())) return null;
  const iso = date.toISOString();
  return iso.length === 24 ? iso : null;
}

const nvpJson = (p: NVP) => ({ name: p.name, value: p.value });

/** The request context's members, which both payloads write in this order after `encoding`. */
function requestContextJson(c: RequestContext): Record<string, unknown> {
  return {
    hostname: c.hostname,
    timestamp: dateTime(c.timestamp),
    ipAddress: c.ipAddress,
    useragent: c.useragent,
    refererUri: c.refererUri,
    headers: [...c.headers],
  };
}

/** The JSON snowplow-badrows writes for a CollectorPayload. */
export function collectorPayloadJson(p: CollectorPayload): Record<string, unknown> {
  return {
    vendor: p.vendor,
    version: p.version,
    querystring: p.querystring.map(nvpJson),
    contentType: p.contentType,
    body: p.body,
    collector: p.collector,
    encoding: p.encoding,
    ...requestContextJson(p),
    networkUserId: p.networkUserId,
  };
}

/** The JSON snowplow-badrows writes for a RawEvent. */
export function rawEventJson(e: RawEvent): Record<string, unknown> {
  return {
    vendor: e.vendor,
    version: e.version,
    parameters: e.parameters.map(nvpJson),
    contentType: e.contentType,
    loaderName: e.loaderName,
    encoding: e.encoding,
    ...requestContextJson(e),
    userId: e.userId,
  };
}

/** `{enriched, raw}`. */
export function enrichmentPayloadJson(p: EnrichmentPayload): Record<string, unknown> {
  return { enriched: partiallyEnrichedEventJson(p.enriched), raw: rawEventJson(p.raw) };
}
