/**
 * @module
 * PagerDuty webhooks, v1 (`com.pagerduty/v1`, Enrich's `PagerdutyAdapter`): a JSON body whose
 * `messages` array holds incident events (`incident.trigger`, `incident.resolve`, …), all mapped to
 * `com.pagerduty/incident` 1-0-0. Each message is cleaned as Enrich does: the string `"null"`
 * becomes null, `type` loses its `incident.` prefix, and `created_on`/`last_status_change_on` get
 * the `+` PagerDuty drops from `+00:00` (at every object depth, arrays left alone).
 */
import { type AdapterFailure, inputData, notJson } from "../../badrows/failure-message.ts";
import type { RawEvent } from "../../badrows/payload.ts";
import { err, ok, type Result } from "../../result.ts";
import { isJsonObject, parseJsonText, setMember } from "../json-text.ts";
import { type Adapter, one, queryParameters, rawEvent } from "./adapter.ts";
import { collectRawEvents, lookupEventSchema, schemaKeyOf, unstructEventParameters } from "./webhook.ts";

const TRACKER_VERSION = "com.pagerduty-v1";
const CONTENT_TYPE = "application/json";
const INCIDENT = schemaKeyOf("iglu:com.pagerduty/incident/jsonschema/1-0-0");

/** Event types and their schema (Enrich's `adaptersSchemas.pagerduty`). */
export const PAGERDUTY_SCHEMAS = Object.fromEntries(
  ["trigger", "acknowledge", "unacknowledge", "resolve", "assign", "escalate", "delegate"].map((t) => [
    `incident.${t}`,
    INCIDENT,
  ]),
);

/** Enrich's `reformatParameters`. */
export function reformatIncident(json: unknown): unknown {
  if (!isJsonObject(json)) return json;
  const out: Record<string, unknown> = {};
  for (const key in json) {
    const value = json[key];
    let cleaned = value;
    if (value === "null") cleaned = null;
    else if (key === "type" && typeof value === "string") cleaned = value.replaceAll("incident.", "");
    else if ((key === "created_on" || key === "last_status_change_on") && typeof value === "string") {
      cleaned = value.replace(/ 00:00$/, "+00:00");
    } else if (isJsonObject(value)) cleaned = reformatIncident(value);
    setMember(out, key, cleaned);
  }
  return out;
}

export const pagerdutyAdapter: Adapter = {
  vendor: "com.pagerduty",
  version: "v1",
  toRawEvents(payload, context) {
    const { body, contentType } = payload;
    if (body === null) return err(one(inputData("body", null, "empty body: no events to process")));
    if (contentType === null)
      return err(one(inputData("contentType", null, `no content type: expected ${CONTENT_TYPE}`)));
    if (contentType !== CONTENT_TYPE)
      return err(one(inputData("contentType", contentType, `expected ${CONTENT_TYPE}`)));
    const json = parseJsonText(body, context.maxJsonDepth);
    if (!json.ok) return err(one(notJson("body", body, json.error)));
    const messages = isJsonObject(json.value) ? json.value["messages"] : undefined;
    if (!Array.isArray(messages))
      return err(one(inputData("messages", body, "field `messages` is not an array")));
    const query = queryParameters(payload);
    const results: Result<RawEvent, AdapterFailure[]>[] = messages.map((message, index) => {
      const type = isJsonObject(message) && typeof message["type"] === "string" ? message["type"] : null;
      const schema = lookupEventSchema(type, PAGERDUTY_SCHEMAS, index);
      if (!schema.ok) return err([schema.error]);
      const params = unstructEventParameters(
        TRACKER_VERSION,
        query,
        schema.value,
        reformatIncident(message),
        "srv",
      );
      return ok(rawEvent(payload, params));
    });
    return collectRawEvents(results);
  },
};
