/**
 * @module
 * Pingdom alert webhooks (`com.pingdom/v1`, Enrich's `PingdomAdapter`): a GET whose `message`
 * parameter is a JSON incident; its `action` (`assign`, `notify_user`, `notify_of_close`) picks a
 * `com.pingdom/incident_*` 1-0-0 schema and is removed from the data. Values still wrapped as
 * Python unicode literals (`(u'…',)`, which old collectors let through) are refused.
 */
import { type AdapterFailure, inputData, notJson } from "../../badrows/failure-message.ts";
import { err, ok } from "../../result.ts";
import { isJsonObject, parseJsonText } from "../json-text.ts";
import { type Adapter, one, type RawParameters, rawEvent } from "./adapter.ts";
import { lookupEventSchema, schemaKeyOf, unstructEventParameters } from "./webhook.ts";

const TRACKER_VERSION = "com.pingdom-v1";
const PYTHON_UNICODE = /^\(u'([^']+)',\)$/;
const PYTHON_UNICODE_TEXT = String.raw`\(u'([^']+)',\)`;

/** Actions and their schemas (Enrich's `adaptersSchemas.pingdom`). */
export const PINGDOM_SCHEMAS = {
  assign: schemaKeyOf("iglu:com.pingdom/incident_assign/jsonschema/1-0-0"),
  notify_user: schemaKeyOf("iglu:com.pingdom/incident_notify_user/jsonschema/1-0-0"),
  notify_of_close: schemaKeyOf("iglu:com.pingdom/incident_notify_of_close/jsonschema/1-0-0"),
} as const;

export const pingdomAdapter: Adapter = {
  vendor: "com.pingdom",
  version: "v1",
  toRawEvents(payload, context) {
    if (payload.querystring.length === 0) {
      return err(one(inputData("querystring", null, "empty querystring: no events to process")));
    }
    const failures: AdapterFailure[] = [];
    const params: RawParameters = new Map();
    for (const { name, value } of payload.querystring) {
      const wrapped = value === null ? null : PYTHON_UNICODE.exec(value);
      if (wrapped)
        failures.push(inputData(name, wrapped[1]!, `should not pass regex ${PYTHON_UNICODE_TEXT}`));
      else params.set(name, value);
    }
    if (failures.length > 0) return err(failures as never);
    const message = params.get("message");
    if (typeof message !== "string") {
      const qs = [...params].map(([k, v]) => `${k}=${v ?? "null"}`).join("&");
      return err(one(inputData("querystring", qs, "no `message` parameter provided")));
    }
    const json = parseJsonText(message, context.maxJsonDepth);
    if (!json.ok) return err(one(notJson("message", message, json.error)));
    const incident = json.value;
    const action =
      isJsonObject(incident) && typeof incident["action"] === "string" ? incident["action"] : null;
    const schema = lookupEventSchema(action, PINGDOM_SCHEMAS);
    if (!schema.ok) return err(one(schema.error));
    let data = incident;
    if (isJsonObject(incident)) {
      const { action: _, ...rest } = incident;
      data = rest;
    }
    params.delete("message");
    return ok(
      one(rawEvent(payload, unstructEventParameters(TRACKER_VERSION, params, schema.value, data, "srv"))),
    );
  },
};
