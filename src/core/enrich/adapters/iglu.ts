/**
 * @module
 * The Iglu webhook (`com.snowplowanalytics.iglu/v1`, Enrich's `IgluAdapter`): any system that can
 * make an HTTP request sends self-describing events without a tracker. The schema is named by the
 * `schema` query parameter, or the body is itself a self-describing JSON:
 * - `GET ?schema=iglu:…&a=1&b=2`: one event whose data is the other parameters (empty ones null);
 * - `POST ?schema=iglu:…` with a JSON object (one event) or array (one event per element), or a
 *   form body (one event of strings, platform `srv`);
 * - `POST` of a self-describing JSON (`{"schema": …, "data": …}`) without `schema` in the query.
 * Events get `tv=com.snowplowanalytics.iglu-v1` and platform `app` unless `p` is given.
 */
import { type AdapterFailure, inputData, notIglu, notJson } from "../../badrows/failure-message.ts";
import { parseSchemaKey, type SchemaKey } from "../../iglu/schema-key.ts";
import { parseSelfDescribingData } from "../../iglu/self-describing-data.ts";
import { err, ok } from "../../result.ts";
import { isJsonObject, parseJsonText, setMember } from "../json-text.ts";
import { parseQueryString } from "../query-string.ts";
import type { RawCollectorPayload } from "../thrift-loader.ts";
import { type Adapted, type Adapter, one, queryParameters, type RawParameters, rawEvent } from "./adapter.ts";
import { formatParameters, unstructEventParameters } from "./webhook.ts";

const TRACKER_VERSION = "com.snowplowanalytics.iglu-v1";
const JSON_TYPES = ["application/json", "application/json; charset=utf-8"] as const;
const FORM_TYPE = "application/x-www-form-urlencoded";
const ALL_TYPES = `expected one of ${[...JSON_TYPES, FORM_TYPE].join(", ")}`;
const utf8 = new TextDecoder();

function event(
  payload: RawCollectorPayload,
  params: RawParameters,
  schema: SchemaKey,
  data: unknown,
  platform: string,
) {
  return rawEvent(payload, unstructEventParameters(TRACKER_VERSION, params, schema, data, platform));
}

const fail = (failure: AdapterFailure): Adapted => err(one(failure));

function selfDescribingBody(
  payload: RawCollectorPayload,
  body: string,
  params: RawParameters,
  depth: number,
): Adapted {
  const json = parseJsonText(body, depth);
  if (!json.ok) return fail(notJson("body", body, json.error));
  const sdd = parseSelfDescribingData(json.value);
  if (!sdd.ok) return fail(notIglu(json.value, sdd.error));
  return ok(one(event(payload, params, sdd.value.schema, sdd.value.data, "app")));
}

function jsonBody(
  payload: RawCollectorPayload,
  body: string,
  schema: SchemaKey,
  params: RawParameters,
  depth: number,
): Adapted {
  const json = parseJsonText(body, depth);
  if (!json.ok) return fail(notJson("body", body, json.error));
  const value = json.value;
  if (Array.isArray(value)) {
    if (value.length === 0) return fail(inputData("body", body, "empty array of events"));
    return ok(value.map((element) => event(payload, params, schema, element, "app")) as never);
  }
  if (!isJsonObject(value) || Object.keys(value).length === 0) {
    return fail(inputData("body", body, "has no key-value pairs"));
  }
  return ok(one(event(payload, params, schema, value, "app")));
}

function formBody(
  payload: RawCollectorPayload,
  body: string,
  schema: SchemaKey,
  params: RawParameters,
): Adapted {
  const pairs = parseQueryString(body, utf8);
  if (!pairs.ok) return fail(inputData("body", body, pairs.error));
  const data: Record<string, string | null> = {};
  for (const p of pairs.value) setMember(data, p.name, p.value);
  return ok(one(event(payload, params, schema, data, "srv")));
}

export const igluAdapter: Adapter = {
  vendor: "com.snowplowanalytics.iglu",
  version: "v1",
  toRawEvents(payload, context) {
    const params = queryParameters(payload);
    const schemaUri = params.get("schema") ?? null;
    const { body, contentType } = payload;
    const depth = context.maxJsonDepth;
    if (body !== null && contentType === null) return fail(inputData("contentType", null, ALL_TYPES));
    if (schemaUri === null) {
      if (body === null) {
        return err([
          inputData("schema", null, "empty `schema` field"),
          inputData("body", null, "empty body"),
        ]);
      }
      if (!(JSON_TYPES as readonly string[]).includes(contentType!)) {
        return fail(inputData("contentType", contentType, `expected one of ${JSON_TYPES.join(", ")}`));
      }
      return selfDescribingBody(payload, body, params, depth);
    }
    const key = parseSchemaKey(schemaUri);
    if (!key.ok) return fail(inputData("schema", schemaUri, key.error.code));
    const rest: RawParameters = new Map(params);
    rest.delete("schema");
    if (body === null) return ok(one(event(payload, rest, key.value, formatParameters(rest), "app")));
    if ((JSON_TYPES as readonly string[]).includes(contentType!))
      return jsonBody(payload, body, key.value, rest, depth);
    if (contentType === FORM_TYPE) return formBody(payload, body, key.value, rest);
    return fail(inputData("contentType", contentType, ALL_TYPES));
  },
};
