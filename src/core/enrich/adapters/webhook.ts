/**
 * @module
 * What webhook adapters share (Enrich's `Adapter` trait): every webhook request becomes Snowplow
 * self-describing events (`e=ue`) whose `ue_pr` wraps the vendor's payload in the schema mapped
 * from its event type, tagged with the webhook's tracker version and a default platform. From the
 * querystring only `nuid`, `aid`, `cv`, `eid`, `ttm` and `url` are kept as event parameters.
 */
import { type AdapterFailure, inputData, schemaMapping } from "../../badrows/failure-message.ts";
import type { RawEvent } from "../../badrows/payload.ts";
import { formatIsoTimestamp, maxTimestamp, minTimestamp } from "../../event/timestamp.ts";
import type { NonEmpty } from "../../iglu/client-error.ts";
import { formatSchemaKey, parseSchemaKey, type SchemaKey } from "../../iglu/schema-key.ts";
import { err, ok, type Result } from "../../result.ts";
import { isJsonObject, setMember } from "../json-text.ts";
import type { Adapted, RawParameters } from "./adapter.ts";

const UNSTRUCT_EVENT = "iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0";

/** The querystring parameters a webhook event keeps (`AcceptedQueryParameters`). */
export const ACCEPTED_QUERY_PARAMETERS = ["nuid", "aid", "cv", "eid", "ttm", "url"] as const;

/** A schema key written in a webhook's mapping; the URIs are constants, so a bad one is a bug. */
export function schemaKeyOf(uri: string): SchemaKey {
  const key = parseSchemaKey(uri);
  if (!key.ok) throw new Error(`invalid schema URI in an adapter mapping: ${uri}`);
  return key.value;
}

/**
 * The parameters of a self-describing event built from a webhook payload (Enrich's
 * `buildUnstructEventParams`): `tv`, `e=ue`, `p` (the querystring's, else `platform`), `ue_pr`,
 * then the accepted querystring parameters.
 */
export function unstructEventParameters(
  trackerVersion: string,
  query: RawParameters,
  schema: SchemaKey,
  data: unknown,
  platform: string,
): RawParameters {
  const params: RawParameters = new Map();
  params.set("tv", trackerVersion);
  params.set("e", "ue");
  params.set("p", query.has("p") ? (query.get("p") ?? null) : platform);
  params.set(
    "ue_pr",
    JSON.stringify({ schema: UNSTRUCT_EVENT, data: { schema: formatSchemaKey(schema), data } }),
  );
  for (const name of ACCEPTED_QUERY_PARAMETERS)
    if (query.has(name)) params.set(name, query.get(name) ?? null);
  return params;
}

/**
 * The default formatter (`buildFormatter()`): parameters as a JSON object of strings, an empty or
 * missing value as null, without `nuid`, `aid`, `cv` and `p`, which are event parameters.
 */
export function formatParameters(params: RawParameters): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const [name, value] of params) {
    if (name === "nuid" || name === "aid" || name === "cv" || name === "p") continue;
    setMember(out, name, value === null || value === "" ? null : value);
  }
  return out;
}

/**
 * The schema an event type maps to (`lookupSchema`), or Enrich's SchemaMapping failure. `index` is
 * given for payloads of many events, and named in the message.
 */
export function lookupEventSchema(
  eventType: string | null,
  mapping: Readonly<Record<string, SchemaKey>>,
  index?: number,
): Result<SchemaKey, AdapterFailure> {
  const at = index === undefined ? "" : ` at index ${index}`;
  if (eventType === null) {
    return err(schemaMapping(null, mapping, `cannot determine event type: type parameter not provided${at}`));
  }
  const schema = Object.hasOwn(mapping, eventType) ? mapping[eventType] : undefined;
  if (schema !== undefined) return ok(schema);
  if (eventType === "") {
    return err(schemaMapping(eventType, mapping, `cannot determine event type: type parameter empty${at}`));
  }
  return err(schemaMapping(eventType, mapping, `no schema associated with the provided type parameter${at}`));
}

/** `X-Mailgun-Sid` or `x_mailgun_sid` to `xMailgunSid` (Enrich's `camelCase`). */
export function camelCase(name: string): string {
  if (name.length === 0) return name;
  return (name[0]!.toLowerCase() + name.slice(1)).replace(/[_-](\w)/g, (_, c: string) => c.toUpperCase());
}

/** Object keys camel-cased at every depth (Enrich's `camelize`). */
export function camelize(json: unknown): unknown {
  if (Array.isArray(json)) return json.map(camelize);
  if (!isJsonObject(json)) return json;
  const out: Record<string, unknown> = {};
  for (const key in json) setMember(out, camelCase(key), camelize(json[key]));
  return out;
}

/** Seconds since the epoch as `yyyy-MM-ddTHH:mm:ss.SSSZ`, or null when out of range. */
function secondsToDateTime(seconds: number): string | null {
  const ms = seconds * 1000;
  return Number.isSafeInteger(ms) && ms >= minTimestamp && ms <= maxTimestamp ? formatIsoTimestamp(ms) : null;
}

/**
 * Enrich's `cleanupJsonEventValues`: at every depth, whole-number `timestampKeys` values (numbers
 * or numeric strings, in seconds) become JSON Schema date-times, and an `event` member equal to the
 * event type (`eventField`) is removed.
 */
export function cleanupJsonEventValues(
  json: unknown,
  eventField: readonly [string, string] | null,
  timestampKeys: readonly string[],
): unknown {
  if (Array.isArray(json)) return json.map((v) => cleanupJsonEventValues(v, eventField, timestampKeys));
  if (!isJsonObject(json)) return json;
  const out: Record<string, unknown> = {};
  for (const key in json) {
    let value = json[key];
    if (eventField !== null && key === eventField[0] && value === eventField[1]) continue;
    if (timestampKeys.includes(key)) {
      if (typeof value === "string" && /^[+-]?[0-9]+$/.test(value))
        value = secondsToDateTime(Number(value)) ?? value;
      else if (typeof value === "number" && Number.isInteger(value))
        value = secondsToDateTime(value) ?? value;
    } else if (typeof value === "object" && value !== null) {
      value = cleanupJsonEventValues(value, eventField, timestampKeys);
    }
    setMember(out, key, value);
  }
  return out;
}

/**
 * The events of a payload of many (Enrich's `rawEventsListProcessor`): all of them when each
 * succeeded, otherwise every failure; an empty payload is a failure of its own.
 */
export function collectRawEvents(results: readonly Result<RawEvent, readonly AdapterFailure[]>[]): Adapted {
  const events: RawEvent[] = [];
  const failures: AdapterFailure[] = [];
  for (const r of results) {
    if (r.ok) events.push(r.value);
    else failures.push(...r.error);
  }
  if (failures.length > 0) return err(failures as unknown as NonEmpty<AdapterFailure>);
  if (events.length === 0) return err([inputData("", null, "empty list of events")]);
  return ok(events as unknown as NonEmpty<RawEvent>);
}
