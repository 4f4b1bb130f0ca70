/**
 * @module
 * Mailgun webhooks (`com.mailgun/v1`, Enrich's `MailgunAdapter`): one JSON event per request,
 * `{"signature": {timestamp, token, signature}, "event-data": {event, …}}`. The event type maps to a
 * `com.mailgun/message_*` 1-0-0 schema; the data is the signature merged with the event data (whose
 * `timestamp` becomes the signature's), keys camel-cased, `bodyPlain` dropped, `attachmentCount`
 * kept only as an integer, whole-second timestamps as date-times and the `event` member removed.
 */
import { type AdapterFailure, inputData } from "../../badrows/failure-message.ts";
import { err, ok, type Result } from "../../result.ts";
import { isJsonObject, parseJsonText } from "../json-text.ts";
import { type Adapter, one, queryParameters, rawEvent } from "./adapter.ts";
import {
  camelize,
  cleanupJsonEventValues,
  lookupEventSchema,
  schemaKeyOf,
  unstructEventParameters,
} from "./webhook.ts";

const TRACKER_VERSION = "com.mailgun-v1";
const CONTENT_TYPE = "application/json";

/** Event types and their schemas (Enrich's `adaptersSchemas.mailgun`). */
export const MAILGUN_SCHEMAS = {
  bounced: schemaKeyOf("iglu:com.mailgun/message_bounced/jsonschema/1-0-0"),
  clicked: schemaKeyOf("iglu:com.mailgun/message_clicked/jsonschema/1-0-0"),
  complained: schemaKeyOf("iglu:com.mailgun/message_complained/jsonschema/1-0-0"),
  delivered: schemaKeyOf("iglu:com.mailgun/message_delivered/jsonschema/1-0-0"),
  dropped: schemaKeyOf("iglu:com.mailgun/message_dropped/jsonschema/1-0-0"),
  opened: schemaKeyOf("iglu:com.mailgun/message_opened/jsonschema/1-0-0"),
  unsubscribed: schemaKeyOf("iglu:com.mailgun/recipient_unsubscribed/jsonschema/1-0-0"),
} as const;

/** The signature with the event data merged over it, the data's timestamp replaced by the signature's. */
function mergeSignature(body: Record<string, unknown>): Result<Record<string, unknown>, AdapterFailure> {
  const signature = isJsonObject(body["signature"]) ? body["signature"] : {};
  for (const field of ["timestamp", "token", "signature"] as const) {
    if (!Object.hasOwn(signature, field)) return err(inputData(field, null, `missing '${field}'`));
  }
  const data = body["event-data"];
  // Enrich rewrites `event-data.timestamp` through a cursor, which fails when there is none.
  if (!isJsonObject(data) || !Object.hasOwn(data, "timestamp")) {
    return err(inputData("event-data", null, "missing 'event-data'"));
  }
  return ok({ ...signature, ...data, timestamp: signature["timestamp"] });
}

/** camel-cased, without `bodyPlain`, and `attachmentCount` only when it is an integer. */
function mutate(event: Record<string, unknown>): Record<string, unknown> {
  const camel = camelize(event) as Record<string, unknown>;
  const { bodyPlain: _, attachmentCount, ...rest } = camel;
  const count = attachmentCount;
  return typeof count === "number" && Number.isInteger(count) && Math.abs(count) <= 2147483647
    ? { ...rest, attachmentCount: count }
    : rest;
}

export const mailgunAdapter: Adapter = {
  vendor: "com.mailgun",
  version: "v1",
  toRawEvents(payload, context) {
    const { body, contentType } = payload;
    if (body === null || body === "")
      return err(one(inputData("body", null, "empty body: no events to process")));
    if (contentType === null)
      return err(one(inputData("contentType", null, `no content type: expected ${CONTENT_TYPE}`)));
    if (contentType !== CONTENT_TYPE)
      return err(one(inputData("contentType", contentType, `expected ${CONTENT_TYPE}`)));
    const json = parseJsonText(body, context.maxJsonDepth);
    if (!json.ok) return err(one(inputData("body", body, `could not parse body: ${json.error}`)));
    const root = json.value;
    const eventData = isJsonObject(root) ? root["event-data"] : undefined;
    if (!isJsonObject(eventData) || !Object.hasOwn(eventData, "event")) {
      return err(one(inputData("body", body, "no `event` parameter provided: cannot determine event type")));
    }
    const eventType = typeof eventData["event"] === "string" ? eventData["event"] : null;
    const schema = lookupEventSchema(eventType, MAILGUN_SCHEMAS);
    if (!schema.ok) return err(one(schema.error));
    const merged = mergeSignature(root as Record<string, unknown>);
    if (!merged.ok) return err(one(merged.error));
    const data = cleanupJsonEventValues(
      mutate(merged.value),
      eventType === null ? null : ["event", eventType],
      ["timestamp"],
    );
    const params = unstructEventParameters(
      TRACKER_VERSION,
      queryParameters(payload),
      schema.value,
      data,
      "srv",
    );
    return ok(one(rawEvent(payload, params)));
  },
};
