/**
 * @module
 * Tracker Protocol 2 (`com.snowplowanalytics.snowplow/tp2`, Enrich's `Tp2Adapter`): a GET with the
 * event on the querystring, or a POST whose JSON body is a `payload_data` 1-0-* self-describing
 * JSON holding many events. Querystring parameters are merged into every event and win on a clash.
 *
 * The checks, in Enrich's order, each a tracker_protocol_violations message:
 * - no body and no querystring: both are reported;
 * - a Content-Type other than `application/json` (optionally `; charset=utf-8`/`UTF-8`), even
 *   without a body; a body without a Content-Type; a JSON Content-Type without a body;
 * - the body must be JSON (NotJson), self-describing (NotIglu), valid against its schema through
 *   Iglu (IgluError), and its schema must be `payload_data` 1-0-* (CriterionMismatch); when no
 *   registry can be asked, `IgluUnavailableError` is thrown instead (see the note in `finish`);
 * - its data must be an array of objects whose values are all strings.
 */
import {
  criterionMismatch,
  igluError,
  inputData,
  notIglu,
  notJson,
  type TrackerProtocolViolation,
} from "../../badrows/failure-message.ts";
import type { RawEvent } from "../../badrows/payload.ts";
import type { ClientError, NonEmpty } from "../../iglu/client-error.ts";
import { criterionMatches, schemaCriterion } from "../../iglu/schema-criterion.ts";
import { formatSchemaKey } from "../../iglu/schema-key.ts";
import { parseSelfDescribingData } from "../../iglu/self-describing-data.ts";
import { err, ok, type Result } from "../../result.ts";
import { IgluUnavailableError, isSystemError } from "../iglu-validation.ts";
import { compactJson, isJsonObject, parseJsonText } from "../json-text.ts";
import {
  type Adapted,
  type Adapter,
  nonEmpty,
  one,
  queryParameters,
  type RawParameters,
  rawEvent,
} from "./adapter.ts";

/** The Content-Types tp2 accepts for a body. */
export const TP2_CONTENT_TYPES = [
  "application/json",
  "application/json; charset=utf-8",
  "application/json; charset=UTF-8",
] as const;

/** The schema a tp2 body must have. */
export const PAYLOAD_DATA_CRITERION = schemaCriterion(
  "com.snowplowanalytics.snowplow",
  "payload_data",
  "jsonschema",
  1,
  0,
);

const EXPECTED = `expected one of ${TP2_CONTENT_TYPES.join(", ")}`;

/** The events of a validated `payload_data` array, each merged with `query` (which wins). */
function toParameters(
  data: unknown,
  query: RawParameters,
): Result<RawParameters[], NonEmpty<TrackerProtocolViolation>> {
  if (!Array.isArray(data) || !data.every(isJsonObject)) {
    return err(one(inputData("body", compactJson(data), "json is not an array")));
  }
  const failures: TrackerProtocolViolation[] = [];
  const events: RawParameters[] = [];
  for (const object of data as Record<string, unknown>[]) {
    const params: RawParameters = new Map();
    for (const key in object) {
      const value = object[key];
      if (typeof value === "string") params.set(key, value);
      else if (value === null) failures.push(inputData(key, null, "value cannot be null"));
      else failures.push(inputData(key, compactJson(value), "value is not a string"));
    }
    for (const [key, value] of query) params.set(key, value);
    events.push(params);
  }
  if (events.length === 0) return err(one(inputData("body", compactJson(data), "empty list of events")));
  const failed = nonEmpty(failures);
  return failed === null ? ok(events) : err(failed);
}

export const tp2Adapter: Adapter = {
  vendor: "com.snowplowanalytics.snowplow",
  version: "tp2",
  toRawEvents(payload, context) {
    const query = queryParameters(payload);
    const { body, contentType } = payload;
    if (body === null && query.size === 0) {
      return err([
        inputData("body", null, "empty body: not a valid tracker protocol event"),
        inputData("querystring", null, "empty querystring: not a valid tracker protocol event"),
      ]);
    }
    if (contentType !== null && !(TP2_CONTENT_TYPES as readonly string[]).includes(contentType)) {
      return err(one(inputData("contentType", contentType, EXPECTED)));
    }
    if (body !== null && contentType === null) return err(one(inputData("contentType", null, EXPECTED)));
    // Enrich's wording, typo included: bad rows are matched on these strings.
    if (body === null && contentType !== null) {
      return err(one(inputData("body", null, "empty body: not a valid track protocol event")));
    }
    if (body === null) return ok(one(rawEvent(payload, query)));

    const json = parseJsonText(body, context.maxJsonDepth);
    if (!json.ok) return err(one(notJson("body", body, json.error)));
    const sdd = parseSelfDescribingData(json.value);
    if (!sdd.ok) return err(one(notIglu(json.value, sdd.error)));
    const schema = sdd.value.schema;
    const finish = (checked: Result<unknown, ClientError>): Adapted => {
      if (!checked.ok) {
        // Deviation: Enrich writes a tracker_protocol_violations row here even when no registry
        // could be asked; that turns an Iglu outage into lost events, so it is thrown instead.
        if (isSystemError(checked.error)) {
          throw new IgluUnavailableError(
            `Could not reach Iglu Server for schema '${formatSchemaKey(schema)}'.`,
          );
        }
        return err(one(igluError(schema, checked.error)));
      }
      if (!criterionMatches(PAYLOAD_DATA_CRITERION, schema)) {
        return err(one(criterionMismatch(schema, PAYLOAD_DATA_CRITERION)));
      }
      const events = toParameters(sdd.value.data, query);
      if (!events.ok) return events;
      return ok(events.value.map((params) => rawEvent(payload, params)) as unknown as NonEmpty<RawEvent>);
    };
    const cached = context.resolver.validateCached(sdd.value);
    return cached !== undefined ? finish(cached) : context.resolver.validate(sdd.value).then(finish);
  },
};
