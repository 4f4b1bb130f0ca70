/**
 * @module
 * URI redirects (`r/tp2`, Enrich's `RedirectAdapter`): a click-tracking GET whose `u` parameter is
 * the destination. The destination becomes a `uri_redirect` 1-0-0 entity: the event itself (`e=ue`)
 * when the request names no event, otherwise an extra context prepended to `co` (or to the
 * base64url `cx`, re-encoded). `tv` is set to `r-tp2` and `p` defaults to `web`. Failures are
 * tracker_protocol_violations.
 *
 * Deviation: Enrich throws (a Scala MatchError) on `co` or `cx` given without a value; here such a
 * parameter counts as absent and a fresh `co` is written.
 */
import { inputData, notJson, type TrackerProtocolViolation } from "../../badrows/failure-message.ts";
import { err, ok, type Result } from "../../result.ts";
import { decodeBase64UrlText, encodeBase64UrlText } from "../base64url.ts";
import { isJsonObject, parseJsonText } from "../json-text.ts";
import { type Adapter, one, queryParameters, type RawParameters, rawEvent } from "./adapter.ts";

export const URI_REDIRECT_SCHEMA = "iglu:com.snowplowanalytics.snowplow/uri_redirect/jsonschema/1-0-0";
export const CONTEXTS_SCHEMA = "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1";
export const UNSTRUCT_EVENT_SCHEMA = "iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0";

/** Prepends `entity` to the `data` array of a contexts JSON text (left alone when data is no array). */
function prependToCo(
  entity: unknown,
  existing: string,
  maxJsonDepth: number,
): Result<string, TrackerProtocolViolation> {
  const json = parseJsonText(existing, maxJsonDepth);
  if (!json.ok) return err(notJson("co|cx", existing, json.error));
  const value = json.value;
  if (isJsonObject(value) && Array.isArray(value["data"])) {
    return ok(JSON.stringify({ ...value, data: [entity, ...value["data"]] }));
  }
  return ok(JSON.stringify(value));
}

export const redirectAdapter: Adapter = {
  vendor: "r",
  version: "tp2",
  toRawEvents(payload, context) {
    const original = queryParameters(payload);
    if (original.size === 0) {
      return err(one(inputData("querystring", null, "empty querystring: not a valid URI redirect")));
    }
    const u = original.get("u");
    if (u === undefined || u === null) {
      const qs = [...original].map(([k, v]) => `${k}=${v ?? "null"}`).join("&");
      return err(one(inputData("querystring", qs, "missing `u` parameter: not a valid URI redirect")));
    }
    const entity = { schema: URI_REDIRECT_SCHEMA, data: { uri: u } };
    const added: RawParameters = new Map();
    if (original.has("e")) {
      const cx = original.get("cx");
      const co = original.get("co");
      if (typeof cx === "string") {
        const merged = prependToCo(entity, decodeBase64UrlText(cx), context.maxJsonDepth);
        if (!merged.ok) return err(one(merged.error));
        added.set("cx", encodeBase64UrlText(merged.value));
      } else if (typeof co === "string" && co !== "") {
        const merged = prependToCo(entity, co, context.maxJsonDepth);
        if (!merged.ok) return err(one(merged.error));
        added.set("co", merged.value);
      } else {
        added.set("co", JSON.stringify({ schema: CONTEXTS_SCHEMA, data: [entity] }));
      }
    } else {
      added.set("e", "ue");
      added.set("ue_pr", JSON.stringify({ schema: UNSTRUCT_EVENT_SCHEMA, data: entity }));
    }
    const params: RawParameters = new Map(original);
    params.delete("u");
    for (const [k, v] of added) params.set(k, v);
    params.set("tv", "r-tp2");
    params.set("p", original.has("p") ? (original.get("p") ?? null) : "web");
    return ok(one(rawEvent(payload, params)));
  },
};
