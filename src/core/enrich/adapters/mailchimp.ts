/**
 * @module
 * Mailchimp webhooks (`com.mailchimp/v1`, Enrich's `MailchimpAdapter`): one form-encoded event per
 * request whose `type` (`subscribe`, `unsubscribe`, `campaign`, `cleaned`, `upemail`, `profile`)
 * picks a `com.mailchimp/*` 1-0-0 schema. PHP-style nested keys (`data[merges][EMAIL]`) become
 * nested objects, and `fired_at` (`2014-10-22 13:10:40`, UTC) a JSON Schema date-time. Querystring
 * parameters other than `nuid`, `aid`, `cv` and `p` end up in the data too, as in Enrich.
 */
import { inputData } from "../../badrows/failure-message.ts";
import { err, ok } from "../../result.ts";
import { isJsonObject, setMember } from "../json-text.ts";
import { parameterMap, parseQueryString } from "../query-string.ts";
import { type Adapter, one, queryParameters, type RawParameters, rawEvent } from "./adapter.ts";
import { lookupEventSchema, schemaKeyOf, unstructEventParameters } from "./webhook.ts";

const TRACKER_VERSION = "com.mailchimp-v1";
const CONTENT_TYPE = "application/x-www-form-urlencoded";
const utf8 = new TextDecoder();

/** Event types and their schemas (Enrich's `adaptersSchemas.mailchimp`). */
export const MAILCHIMP_SCHEMAS = {
  subscribe: schemaKeyOf("iglu:com.mailchimp/subscribe/jsonschema/1-0-0"),
  unsubscribe: schemaKeyOf("iglu:com.mailchimp/unsubscribe/jsonschema/1-0-0"),
  campaign: schemaKeyOf("iglu:com.mailchimp/campaign_sending_status/jsonschema/1-0-0"),
  cleaned: schemaKeyOf("iglu:com.mailchimp/cleaned_email/jsonschema/1-0-0"),
  upemail: schemaKeyOf("iglu:com.mailchimp/email_address_change/jsonschema/1-0-0"),
  profile: schemaKeyOf("iglu:com.mailchimp/profile_update/jsonschema/1-0-0"),
} as const;

/** `data[merges][EMAIL]` → `["data", "merges", "EMAIL"]`, split as Java's `String.split` does. */
export function formKeys(key: string): string[] {
  const parts = key.split(/\]?(?:\[|\])/);
  while (parts.length > 1 && parts[parts.length - 1] === "") parts.pop();
  return parts;
}

/** circe's `deepMerge`: objects merged member by member, anything else replaced. */
function deepMerge(into: Record<string, unknown>, from: Record<string, unknown>): Record<string, unknown> {
  for (const key in from) {
    const a = Object.hasOwn(into, key) ? into[key] : undefined;
    const b = from[key];
    setMember(into, key, isJsonObject(a) && isJsonObject(b) ? deepMerge({ ...a }, b) : b);
  }
  return into;
}

/** Mailchimp's form fields as one nested JSON object (null when there are none). */
export function nestFormFields(params: RawParameters): Record<string, unknown> | null {
  let out: Record<string, unknown> | null = null;
  for (const [key, value] of params) {
    if (value === null || key === "nuid" || key === "aid" || key === "cv" || key === "p") continue;
    const keys = formKeys(key);
    let nested: unknown = value;
    for (let i = keys.length - 1; i >= 0; i--) {
      const level: Record<string, unknown> = {};
      setMember(level, keys[i]!, nested);
      nested = level;
    }
    out = deepMerge(out ?? {}, nested as Record<string, unknown>);
  }
  return out;
}

/** `yyyy-MM-dd HH:mm:ss` (UTC) to `yyyy-MM-ddTHH:mm:ss.000Z`; anything else unchanged. */
export function mailchimpDateTime(text: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (m === null) return text;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  const date = new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!));
  if (date.getUTCMonth() !== mo! - 1 || date.getUTCDate() !== d! || h! > 23 || mi! > 59 || s! > 59)
    return text;
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.000Z`;
}

export const mailchimpAdapter: Adapter = {
  vendor: "com.mailchimp",
  version: "v1",
  toRawEvents(payload) {
    const { body, contentType } = payload;
    if (body === null) return err(one(inputData("body", null, "empty body: no events to process")));
    if (contentType === null)
      return err(one(inputData("contentType", null, `no content type: expected ${CONTENT_TYPE}`)));
    if (contentType !== CONTENT_TYPE)
      return err(one(inputData("contentType", contentType, `expected ${CONTENT_TYPE}`)));
    const pairs = parseQueryString(body, utf8);
    if (!pairs.ok) return err(one(inputData("body", body, pairs.error)));
    const fields = parameterMap(pairs.value);
    const type = fields.get("type");
    if (typeof type !== "string") {
      return err(one(inputData("body", body, "no `type` parameter provided: cannot determine event type")));
    }
    const schema = lookupEventSchema(type, MAILCHIMP_SCHEMAS);
    if (!schema.ok) return err(one(schema.error));
    const firedAt = fields.get("fired_at");
    if (typeof firedAt === "string") fields.set("fired_at", mailchimpDateTime(firedAt));
    const all: RawParameters = queryParameters(payload);
    for (const [k, v] of fields) all.set(k, v);
    const params = unstructEventParameters(TRACKER_VERSION, all, schema.value, nestFormFields(all), "srv");
    return ok(one(rawEvent(payload, params)));
  },
};
