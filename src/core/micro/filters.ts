/**
 * @module
 * The filters of Micro's `POST /micro/good` and `POST /micro/bad` (snowplow-micro `FiltersGood`,
 * `FiltersBad` and `ValidationCache.keepGoodEvent`/`keepBadEvent`):
 * - good: `event_type` equals the event's type, `schema` equals its Iglu URI, every URI of
 *   `contexts` is among the event's contexts, and at most `limit` events (newest first);
 * - bad: `vendor` and `version` equal the request's API; a bad event without a collector payload
 *   passes both, as in Micro; at most `limit`.
 * Every member is optional; an absent or empty body means no filter. Unknown members are ignored,
 * as circe's derived decoders ignore them.
 */
import { err, ok, type Result } from "../result.ts";
import type { BadEvent, GoodEvent } from "./micro-event.ts";

export interface GoodFilters {
  readonly event_type?: string;
  readonly schema?: string;
  readonly contexts?: readonly string[];
  readonly limit?: number;
}

export interface BadFilters {
  readonly vendor?: string;
  readonly version?: string;
  readonly limit?: number;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

type Reader<T> = (value: unknown, name: string) => Result<T | undefined, string>;

const optionalString: Reader<string> = (v, name) =>
  v === undefined || v === null
    ? ok(undefined)
    : typeof v === "string"
      ? ok(v)
      : err(`${name} must be a string`);

const optionalLimit: Reader<number> = (v, name) =>
  v === undefined || v === null
    ? ok(undefined)
    : typeof v === "number" && Number.isInteger(v) && v >= 0
      ? ok(v)
      : err(`${name} must be a non-negative integer`);

const optionalStrings: Reader<readonly string[]> = (v, name) =>
  v === undefined || v === null
    ? ok(undefined)
    : Array.isArray(v) && v.every((s) => typeof s === "string")
      ? ok(v as string[])
      : err(`${name} must be an array of strings`);

/** Parses a filter body (the request's text; empty means no filter). */
function parseBody(text: string): Result<Record<string, unknown>, string> {
  if (text.trim() === "") return ok({});
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return err(`the body is not JSON: ${(e as Error).message}`);
  }
  return isObject(json) ? ok(json) : err("the body must be a JSON object");
}

/** The good filters of a request body, or why it is not one. */
export function parseGoodFilters(text: string): Result<GoodFilters, string> {
  const body = parseBody(text);
  if (!body.ok) return body;
  const b = body.value;
  const eventType = optionalString(b["event_type"], "event_type");
  if (!eventType.ok) return eventType;
  const schema = optionalString(b["schema"], "schema");
  if (!schema.ok) return schema;
  const contexts = optionalStrings(b["contexts"], "contexts");
  if (!contexts.ok) return contexts;
  const limit = optionalLimit(b["limit"], "limit");
  if (!limit.ok) return limit;
  const out: { -readonly [K in keyof GoodFilters]: GoodFilters[K] } = {};
  if (eventType.value !== undefined) out.event_type = eventType.value;
  if (schema.value !== undefined) out.schema = schema.value;
  if (contexts.value !== undefined) out.contexts = contexts.value;
  if (limit.value !== undefined) out.limit = limit.value;
  return ok(out);
}

/** The bad filters of a request body, or why it is not one. */
export function parseBadFilters(text: string): Result<BadFilters, string> {
  const body = parseBody(text);
  if (!body.ok) return body;
  const b = body.value;
  const vendor = optionalString(b["vendor"], "vendor");
  if (!vendor.ok) return vendor;
  const version = optionalString(b["version"], "version");
  if (!version.ok) return version;
  const limit = optionalLimit(b["limit"], "limit");
  if (!limit.ok) return limit;
  const out: { -readonly [K in keyof BadFilters]: BadFilters[K] } = {};
  if (vendor.value !== undefined) out.vendor = vendor.value;
  if (version.value !== undefined) out.version = version.value;
  if (limit.value !== undefined) out.limit = limit.value;
  return ok(out);
}

/** Whether a good event passes the filters (the limit aside). */
export function keepGoodEvent(
  e: Pick<GoodEvent, "eventType" | "schema" | "contexts">,
  f: GoodFilters,
): boolean {
  if (f.event_type !== undefined && e.eventType !== f.event_type) return false;
  if (f.schema !== undefined && e.schema !== f.schema) return false;
  if (f.contexts !== undefined && !f.contexts.every((c) => e.contexts.includes(c))) return false;
  return true;
}

/** Whether a bad event passes the filters (the limit aside). */
export function keepBadEvent(e: Pick<BadEvent, "collectorPayload">, f: BadFilters): boolean {
  const api = e.collectorPayload?.api;
  if (api === undefined) return true;
  if (f.vendor !== undefined && api.vendor !== f.vendor) return false;
  if (f.version !== undefined && api.version !== f.version) return false;
  return true;
}
