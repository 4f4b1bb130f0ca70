/**
 * @module
 * The JSON shapes of Snowplow Micro's API (snowplow-micro `model.scala`, encoded with circe's derived
 * encoders in `Routing.scala`), built from Furrow's own types:
 * - `GoodEvent` `{rawEvent, eventType, schema, contexts, event, incomplete}`: `event` is the Analytics
 *   SDK's `Event` as its JSON encoder writes it (all 131 fields, null when empty, the JSON fields in
 *   their envelopes), `schema` the event's Iglu URI, `contexts` the URIs of the attached (not
 *   derived) contexts;
 * - `BadEvent` `{collectorPayload, rawEvent, errors}`;
 * - `ValidationSummary` `{total, good, bad}`.
 * `rawEvent` and `collectorPayload` are Enrich's case classes (`adapters.RawEvent`,
 * `loaders.CollectorPayload`), nested as `api`, `source` and `context`, which differs from the flat
 * shape bad rows carry (`core/badrows/payload.ts`): a query-string pair is the text `name=value`,
 * a raw event's parameters are an object, timestamps are ISO instants.
 */
import type { CollectorPayload, NVP, RawEvent } from "../badrows/payload.ts";
import type { AnalyticsJson } from "../event/analytics-json.ts";
import { toAnalyticsJson } from "../event/analytics-json.ts";
import type { EnrichedEvent } from "../event/enriched-event.ts";
import { loaderPayloadOf } from "../postgres-load/loader-payload.ts";

/** Enrich's `CollectorPayload.Api`. */
export interface ApiJson {
  readonly vendor: string;
  readonly version: string;
}

/** Enrich's `CollectorPayload.Source`. */
export interface SourceJson {
  readonly name: string;
  readonly encoding: string;
  readonly hostname: string | null;
}

/** Enrich's `CollectorPayload.Context`. */
export interface ContextJson {
  readonly timestamp: string | null;
  readonly ipAddress: string | null;
  readonly useragent: string | null;
  readonly refererUri: string | null;
  readonly headers: readonly string[];
  readonly userId: string | null;
}

/** Enrich's `adapters.RawEvent`: one event's tracker parameters and where they came from. */
export interface RawEventJson {
  readonly api: ApiJson;
  readonly parameters: Readonly<Record<string, string | null>>;
  readonly contentType: string | null;
  readonly source: SourceJson;
  readonly context: ContextJson;
}

/** Enrich's `loaders.CollectorPayload`: one HTTP request as the collector recorded it. */
export interface CollectorPayloadJson {
  readonly api: ApiJson;
  readonly querystring: readonly string[];
  readonly contentType: string | null;
  readonly body: string | null;
  readonly source: SourceJson;
  readonly context: ContextJson;
}

/** An event that went through enrich. */
export interface GoodEvent {
  readonly rawEvent: RawEventJson | null;
  readonly eventType: string | null;
  readonly schema: string | null;
  readonly contexts: readonly string[];
  readonly event: Readonly<Record<string, unknown>>;
  /** Micro 2.x+ marks events kept despite a failure; Furrow's enriched stream holds none. */
  readonly incomplete: boolean;
}

/** An event, or a whole request, that failed. */
export interface BadEvent {
  readonly collectorPayload: CollectorPayloadJson | null;
  readonly rawEvent: RawEventJson | null;
  readonly errors: readonly string[];
}

export interface ValidationSummary {
  readonly total: number;
  readonly good: number;
  readonly bad: number;
}

const instant = (d: Date | null): string | null => (d === null ? null : d.toISOString());

function contextOf(
  c: Pick<RawEvent, "timestamp" | "ipAddress" | "useragent" | "refererUri" | "headers">,
  userId: string | null,
): ContextJson {
  return {
    timestamp: instant(c.timestamp),
    ipAddress: c.ipAddress,
    useragent: c.useragent,
    refererUri: c.refererUri,
    headers: [...c.headers],
    userId,
  };
}

/** A raw event (bad-row shape) in Enrich's shape. A repeated parameter keeps its last value. */
export function rawEventJson(e: RawEvent): RawEventJson {
  const parameters: Record<string, string | null> = {};
  for (const p of e.parameters) parameters[p.name] = p.value;
  return {
    api: { vendor: e.vendor, version: e.version },
    parameters,
    contentType: e.contentType,
    source: { name: e.loaderName, encoding: e.encoding, hostname: e.hostname },
    context: contextOf(e, e.userId),
  };
}

/** Java's `NameValuePair` as Micro prints it, `name=value` (a pair without `=` prints `name`). */
const pairText = (p: NVP): string => (p.value === null ? p.name : `${p.name}=${p.value}`);

/** A collector payload (bad-row shape) in Enrich's shape. */
export function collectorPayloadJson(p: CollectorPayload): CollectorPayloadJson {
  return {
    api: { vendor: p.vendor, version: p.version },
    querystring: p.querystring.map(pairText),
    contentType: p.contentType,
    body: p.body,
    source: { name: p.collector, encoding: p.encoding, hostname: p.hostname },
    context: contextOf(p, p.networkUserId),
  };
}

/** The event's Iglu URI, when all four event_* fields are set (Micro's `getEnrichedSchema`). */
export function eventSchemaOf(e: EnrichedEvent): string | null {
  const { event_vendor, event_name, event_format, event_version } = e;
  if (event_vendor === null || event_name === null || event_format === null || event_version === null)
    return null;
  return `iglu:${event_vendor}/${event_name}/${event_format}/${event_version}`;
}

/** The schemas of the contexts the tracker attached, in order (derived contexts are not listed). */
export function contextSchemasOf(e: EnrichedEvent): string[] {
  return e.contexts.map((c) => c.schema);
}

/** The GoodEvent of an enriched event and, when known, the raw event it came from. */
export function goodEventOf(e: EnrichedEvent, raw: RawEvent | null): GoodEvent {
  return {
    rawEvent: raw === null ? null : rawEventJson(raw),
    eventType: e.event,
    schema: eventSchemaOf(e),
    contexts: contextSchemasOf(e),
    event: loaderPayloadOf(e),
    incomplete: false,
  };
}

/** The flat "lossy" JSON of an event, which Micro's `/micro/events` lists. */
export function lossyEventOf(e: EnrichedEvent): AnalyticsJson {
  return toAnalyticsJson(e);
}
