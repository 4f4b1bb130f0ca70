/**
 * @module
 * StatusGator webhooks (`com.statusgator/v1`, Enrich's `StatusGatorAdapter`): one form-encoded
 * status change per request, mapped to `com.statusgator/status_change` 1-0-0 with its keys
 * camel-cased (`favicon_url` → `faviconUrl`).
 */
import { inputData } from "../../badrows/failure-message.ts";
import { err, ok } from "../../result.ts";
import { setMember } from "../json-text.ts";
import { parseQueryString } from "../query-string.ts";
import { type Adapter, one, queryParameters, rawEvent } from "./adapter.ts";
import { camelize, schemaKeyOf, unstructEventParameters } from "./webhook.ts";

const TRACKER_VERSION = "com.statusgator-v1";
const CONTENT_TYPE = "application/x-www-form-urlencoded";
const utf8 = new TextDecoder();

/** The one schema (Enrich's `adaptersSchemas.statusgator`). */
export const STATUSGATOR_SCHEMA = schemaKeyOf("iglu:com.statusgator/status_change/jsonschema/1-0-0");

export const statusgatorAdapter: Adapter = {
  vendor: "com.statusgator",
  version: "v1",
  toRawEvents(payload) {
    const { body, contentType } = payload;
    if (body === null || body === "")
      return err(one(inputData("body", null, "empty body: no events to process")));
    if (contentType === null)
      return err(one(inputData("contentType", null, `no content type: expected ${CONTENT_TYPE}`)));
    if (contentType !== CONTENT_TYPE)
      return err(one(inputData("contentType", contentType, `expected ${CONTENT_TYPE}`)));
    const pairs = parseQueryString(body, utf8);
    if (!pairs.ok) return err(one(inputData("body", body, `could not parse body: ${pairs.error}`)));
    const fields: Record<string, string | null> = {};
    for (const p of pairs.value) setMember(fields, p.name, p.value);
    const params = unstructEventParameters(
      TRACKER_VERSION,
      queryParameters(payload),
      STATUSGATOR_SCHEMA,
      camelize(fields),
      "srv",
    );
    return ok(one(rawEvent(payload, params)));
  },
};
