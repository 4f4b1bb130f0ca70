/**
 * @module
 * SendGrid event webhooks (`com.sendgrid/v3`, Enrich's `SendgridAdapter`): a JSON array of events,
 * each with an `event` type mapped to a `com.sendgrid/*` 3-0-0 schema. Events repeating an
 * `sg_event_id` are sent once (the last copy is kept); whole-second `timestamp`s become date-times
 * and the `event` member is removed. Any event with an unknown type fails the whole payload.
 *
 * Deviation: Enrich de-duplicates through a map keyed by the optional id, so of the events without
 * an `sg_event_id` only the last survives; here each of them is kept.
 */
import { type AdapterFailure, inputData, notJson } from "../../badrows/failure-message.ts";
import type { RawEvent } from "../../badrows/payload.ts";
import { err, ok, type Result } from "../../result.ts";
import { isJsonObject, parseJsonText } from "../json-text.ts";
import { type Adapter, one, queryParameters, rawEvent } from "./adapter.ts";
import {
  cleanupJsonEventValues,
  collectRawEvents,
  lookupEventSchema,
  schemaKeyOf,
  unstructEventParameters,
} from "./webhook.ts";

const TRACKER_VERSION = "com.sendgrid-v3";
const CONTENT_TYPE = "application/json";

/** Event types and their schemas (Enrich's `adaptersSchemas.sendgrid`). */
export const SENDGRID_SCHEMAS = Object.fromEntries(
  [
    "processed",
    "dropped",
    "delivered",
    "deferred",
    "bounce",
    "open",
    "click",
    "spamreport",
    "unsubscribe",
    "group_unsubscribe",
    "group_resubscribe",
  ].map((type) => [type, schemaKeyOf(`iglu:com.sendgrid/${type}/jsonschema/3-0-0`)]),
);

export const sendgridAdapter: Adapter = {
  vendor: "com.sendgrid",
  version: "v3",
  toRawEvents(payload, context) {
    const { body, contentType } = payload;
    if (body === null) return err(one(inputData("body", null, "empty body: no events to process")));
    if (contentType === null)
      return err(one(inputData("contentType", null, `no content type: expected ${CONTENT_TYPE}`)));
    if (!contentType.includes(CONTENT_TYPE)) {
      return err(one(inputData("contentType", contentType, `expected ${CONTENT_TYPE}`)));
    }
    const json = parseJsonText(body, context.maxJsonDepth);
    if (!json.ok) return err(one(notJson("body", body, json.error)));
    if (!Array.isArray(json.value)) return err(one(inputData("body", body, "body is not a json array")));
    // The last event of each sg_event_id, at the position of its first occurrence.
    const kept = new Map<unknown, [unknown, number]>();
    json.value.forEach((item, index) => {
      const id =
        isJsonObject(item) && typeof item["sg_event_id"] === "string" ? item["sg_event_id"] : Symbol();
      kept.set(id, [item, index]);
    });
    const query = queryParameters(payload);
    const results: Result<RawEvent, AdapterFailure[]>[] = [];
    for (const [item, index] of kept.values()) {
      const type = isJsonObject(item) && typeof item["event"] === "string" ? item["event"] : null;
      const schema = lookupEventSchema(type, SENDGRID_SCHEMAS, index);
      if (!schema.ok) {
        results.push(err([schema.error]));
        continue;
      }
      const data = cleanupJsonEventValues(item, type === null ? null : ["event", type], ["timestamp"]);
      results.push(
        ok(rawEvent(payload, unstructEventParameters(TRACKER_VERSION, query, schema.value, data, "srv"))),
      );
    }
    return collectRawEvents(results);
  },
};
