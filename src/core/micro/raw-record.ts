/**
 * @module
 * What Micro needs of a raw-stream record: the request (Enrich's collector payload) and the events
 * in it, each with its event id (`eid`), so that good events and bad rows read later from the
 * enriched and bad-1 streams can be joined to the request they came from. And the other way: a
 * raw record to put back on the raw stream when a failed event is replayed.
 *
 * Splitting follows the tracker protocol without asking Iglu (the enrich adapters validate the
 * tp2 envelope against `payload_data`; Micro only needs to find the events): a JSON body whose
 * `data` is an array holds one event per object, the query-string parameters merged into each and
 * winning on a clash (Enrich's `Tp2Adapter`); any other request is one event of its query string.
 */
import type { RawEvent } from "../badrows/payload.ts";
import type { Processor } from "../badrows/processor.ts";
import { rawEvent } from "../enrich/adapters/adapter.ts";
import { loadCollectorPayload, type RawCollectorPayload } from "../enrich/thrift-loader.ts";
import { err, ok, type Result } from "../result.ts";
import {
  COLLECTOR_PAYLOAD_SCHEMA,
  encodeCollectorPayload,
  readCollectorPayload,
  type CollectorPayload as ThriftPayload,
} from "../thrift/collector-payload.ts";

/** One event of a raw record. */
export interface RawRecordEvent {
  /** The `eid` parameter, when the tracker sent one. */
  readonly eventId: string | null;
  readonly rawEvent: RawEvent;
}

/** A raw record, read. */
export interface RawRecordReading {
  readonly payload: RawCollectorPayload;
  readonly events: readonly RawRecordEvent[];
}

/** The tp2 path every rebuilt record is sent to: its parameters are tracker-protocol ones. */
export const TP2_PATH = "/com.snowplowanalytics.snowplow/tp2";
/** The envelope of a tp2 POST body. */
export const PAYLOAD_DATA_SCHEMA = "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4";

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** The event objects of a tp2 JSON body, or null when the body is not one. */
function bodyEvents(body: string | null, contentType: string | null): Record<string, unknown>[] | null {
  if (body === null || !(contentType ?? "").toLowerCase().startsWith("application/json")) return null;
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return null;
  }
  if (!isObject(json) || !Array.isArray(json["data"])) return null;
  return json["data"].filter(isObject);
}

/**
 * Reads a raw record: its request and events. A record enrich would refuse (not Thrift, a bad
 * path…) is an error listing why; enrich writes its bad row, which Micro reads from bad-1.
 */
export function readRawRecord(
  bytes: Uint8Array,
  processor: Processor,
  now: Date,
): Result<RawRecordReading, string[]> {
  const loaded = loadCollectorPayload(bytes, processor, now);
  if (!loaded.ok) return err(loaded.error.map((row) => JSON.stringify(row.failure.message)));
  const payload = loaded.value;
  const query = new Map<string, string | null>();
  for (const p of payload.querystring) query.set(p.name, p.value);
  const items = bodyEvents(payload.body, payload.contentType);
  const parameterSets: Map<string, string | null>[] = [];
  if (items === null || items.length === 0) parameterSets.push(query);
  else {
    for (const item of items) {
      const params = new Map<string, string | null>();
      for (const [k, v] of Object.entries(item)) if (typeof v === "string") params.set(k, v);
      for (const [k, v] of query) params.set(k, v);
      parameterSets.push(params);
    }
  }
  const events = parameterSets.map((params) => ({
    eventId: params.get("eid") ?? null,
    rawEvent: rawEvent(payload, params),
  }));
  return ok({ payload, events });
}

/**
 * The record to replay one event of a raw record: the record itself, or, for a tp2 batch, the
 * record with its body narrowed to the events with id `eventId` (so replaying one failed event of
 * a batch does not send its good neighbours again). Null when the bytes are not Thrift.
 */
export function narrowRawRecord(bytes: Uint8Array, eventId: string | null): Uint8Array | null {
  const read = readCollectorPayload(bytes);
  if (!read.ok) return null;
  const p = read.value.payload;
  const items = eventId === null ? null : bodyEvents(p.body ?? null, p.contentType ?? null);
  if (items === null || items.length < 2) return bytes;
  const kept = items.filter((i) => i["eid"] === eventId);
  if (kept.length === 0 || kept.length === items.length) return bytes;
  const envelope = JSON.parse(p.body!) as Record<string, unknown>;
  return encodeCollectorPayload({ ...p, body: JSON.stringify({ ...envelope, data: kept }) });
}

/** Common Thrift fields of a rebuilt record. */
function requestFields(
  r: Pick<
    RawEvent,
    "ipAddress" | "timestamp" | "encoding" | "useragent" | "refererUri" | "headers" | "hostname"
  >,
  collector: string,
  networkUserId: string | null,
  now: number,
): ThriftPayload {
  const p: ThriftPayload = {
    schema: COLLECTOR_PAYLOAD_SCHEMA,
    timestamp: r.timestamp?.getTime() ?? now,
    encoding: r.encoding || "UTF-8",
    collector,
    headers: [...r.headers],
  };
  if (r.ipAddress !== null) p.ipAddress = r.ipAddress;
  if (r.useragent !== null) p.userAgent = r.useragent;
  if (r.refererUri !== null) p.refererUri = r.refererUri;
  if (r.hostname !== null) p.hostname = r.hostname;
  if (networkUserId !== null) p.networkUserId = networkUserId;
  return p;
}

/**
 * A raw record holding one raw event (from a schema_violations or enrichment_failures row), as a
 * tp2 POST of one `payload_data` event: adapters' output is always tracker-protocol parameters,
 * whichever vendor the request came in through. Parameters without a value are left out, since
 * `payload_data` allows strings only.
 */
export function rawEventRecord(e: RawEvent, now: number): Uint8Array {
  const item: Record<string, string> = {};
  for (const p of e.parameters) if (p.value !== null) item[p.name] = p.value;
  const p = requestFields(e, e.loaderName, e.userId, now);
  p.path = TP2_PATH;
  p.contentType = "application/json; charset=UTF-8";
  p.body = JSON.stringify({ schema: PAYLOAD_DATA_SCHEMA, data: [item] });
  return encodeCollectorPayload(p);
}

/** A raw record of a whole request (from an adapter_failures or tracker_protocol_violations row). */
export function collectorPayloadRecord(c: RawCollectorPayload, now: number): Uint8Array {
  const p = requestFields(c, c.collector, c.networkUserId, now);
  p.path = `/${c.vendor}/${c.version}`;
  if (c.querystring.length > 0) {
    p.querystring = c.querystring
      .map((q) =>
        q.value === null
          ? encodeURIComponent(q.name)
          : `${encodeURIComponent(q.name)}=${encodeURIComponent(q.value)}`,
      )
      .join("&");
  }
  if (c.body !== null) p.body = c.body;
  if (c.contentType !== null) p.contentType = c.contentType;
  return encodeCollectorPayload(p);
}
