/**
 * @module
 * What every route of the Iglu Server shares: its settings and collaborators ({@link Api}), and
 * the steps each handler takes first, in the reference's order (authentication, path and query
 * parameters, body). Each step returns either its value or the Response that ends the request,
 * so handlers read as a list of checks.
 */
import type { Context } from "hono";
import type { SchemaValidator } from "../../core/iglu/schema-validator.ts";
import { parseSchemaVer, type SchemaVer } from "../../core/iglu/schema-ver.ts";
import { bodyProblemResponse, type JsonBody, parseJsonBody, readBodyText } from "./json-body.ts";
import { ANONYMOUS, type Permission, parseApiKey, SUPER } from "./permission.ts";
import type { ResponseCache } from "./response-cache.ts";
import { MESSAGES, message, parseRepresentation, type Representation } from "./responses.ts";
import type { SchemaStore } from "./storage/schema-store.ts";
import type { SchemaPublishedWebhook } from "./webhooks.ts";

/** Settings with every default applied. */
export interface ApiSettings {
  /** Lower-case UUID, or null when there is no super key. */
  readonly superApiKey: string | null;
  readonly patchesAllowed: boolean;
  readonly debug: boolean;
  readonly maxPayloadSize: number;
  readonly maxJsonDepth: number;
  readonly webhooks: readonly SchemaPublishedWebhook[];
  /** The version `GET /api/meta/server` reports. */
  readonly version: string;
}

/** The collaborators every route uses. */
export interface Api {
  readonly store: SchemaStore;
  readonly settings: ApiSettings;
  readonly cache: ResponseCache | null;
  readonly validator: SchemaValidator;
  /** Sends webhook requests. */
  readonly send: typeof fetch;
  /** Where unexpected failures and webhook problems are reported. */
  readonly log: (line: string) => void;
}

/** The JSON error every 4xx of the app carries. */
export const fail = (c: Context, status: 400 | 401 | 403 | 404 | 405 | 409 | 413 | 422, text: string) =>
  c.json(message(text), status);

/**
 * `PermissionMiddleware`: no `apikey` header is the anonymous user; a header that is not a UUID
 * is 400; the configured super key is Super; any other key is looked up, and an unknown one is
 * anonymous too, so that which keys exist never leaks.
 */
export async function authenticate(c: Context, api: Api): Promise<Permission | Response> {
  const header = c.req.header("apikey");
  if (header === undefined) return ANONYMOUS;
  const key = parseApiKey(header);
  if (key === null) return fail(c, 400, MESSAGES.invalidApiKey);
  if (key === api.settings.superApiKey) return SUPER;
  return (await api.store.getPermission(key)) ?? ANONYMOUS;
}

/** A SchemaVer path segment, or 400 with the reference's text. */
export function schemaVerParam(c: Context, text: string): SchemaVer | Response {
  const parsed = parseSchemaVer(text);
  return parsed.ok
    ? parsed.value
    : fail(c, 400, `Cannot parse version part '${text}' as SchemaVer, INVALID_SCHEMAVER`);
}

const MAX_INT = 2147483647;

/**
 * A JVM `Int` path segment as `String.toInt` reads it (an optional sign, decimal digits, in
 * range), or null.
 */
export function intSegment(text: string): number | null {
  if (!/^[+-]?\d+$/.test(text)) return null;
  const n = Number(text);
  return n >= -MAX_INT - 1 && n <= MAX_INT ? n : null;
}

/** A draft version: a non-negative Int, or 400 as the reference's refined parser words it. */
export function draftVersionParam(c: Context, text: string): number | Response {
  const n = intSegment(text);
  if (n === null) return fail(c, 400, `${text} is not an integer`);
  return n >= 0 ? n : fail(c, 400, `Predicate failed: (${n} >= 0).`);
}

/** A boolean query parameter (`isPublic`): absent is `fallback`, else `true` or `false` exactly. */
export function booleanQuery(c: Context, name: string, fallback: boolean): boolean | Response {
  const text = c.req.query(name);
  if (text === undefined) return fallback;
  if (text === "true") return true;
  if (text === "false") return false;
  return fail(c, 400, `Invalid boolean format: '${text}'`);
}

/** The `repr` query parameter, or 400 for an unknown one. */
export function representationQuery(c: Context, fallback: Representation): Representation | Response {
  const text = c.req.query("repr");
  if (text === undefined) return fallback;
  return parseRepresentation(text) ?? fail(c, 400, `Unknown schema representation format: '${text}'`);
}

/** The request body as JSON within the payload and depth limits, or the 413/400/422 answer. */
export async function jsonBody(c: Context, api: Api): Promise<JsonBody | Response> {
  const text = await readBodyText(c.req.raw, api.settings.maxPayloadSize);
  const parsed = text.ok ? parseJsonBody(text.value, api.settings.maxJsonDepth) : text;
  if (parsed.ok) return parsed.value;
  const { status, message: why } = bodyProblemResponse(parsed.error);
  return fail(c, status, why);
}
