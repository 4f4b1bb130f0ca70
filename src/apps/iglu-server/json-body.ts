/**
 * @module
 * Reading JSON request bodies as Iglu Server does (`Utils.jsonDecoderWithDepthCheck` over http4s'
 * circe decoder), and keeping numbers exactly as they were written.
 *
 * - A body over the payload limit is 413 `{"message":"The payload is too large"}`.
 * - Text that is not JSON is http4s' MalformedMessageBodyFailure: 400 "The request body was malformed.".
 * - JSON nested too deep, or JSON of the wrong shape, is InvalidMessageBodyFailure: 422
 *   "The request body was invalid.".
 *
 * Schemas carry integers such as 9223372036854775807 (123 of them in Iglu Central), which a
 * JavaScript number cannot hold; circe keeps them, so a registry must serve them back unchanged.
 * {@link parseLosslessJson} keeps any number whose text a double would change as `JSON.rawJSON`,
 * which `JSON.stringify` writes back verbatim.
 */
import { err, ok, type Result } from "../../core/result.ts";

/** The reference's defaults: `repoServer.maxPayloadSize` and `maxJsonDepth`. */
export const DEFAULT_MAX_PAYLOAD_SIZE = 100_000;
export const DEFAULT_MAX_JSON_DEPTH = 40;

export type BodyProblem =
  | { readonly kind: "TooLarge" }
  | { readonly kind: "Malformed" }
  | { readonly kind: "TooDeep" };

/** The status and message each problem answers with. */
export function bodyProblemResponse(p: BodyProblem): { status: 400 | 413 | 422; message: string } {
  switch (p.kind) {
    case "TooLarge":
      return { status: 413, message: "The payload is too large" };
    case "Malformed":
      return { status: 400, message: "The request body was malformed." };
    case "TooDeep":
      return { status: 422, message: "The request body was invalid." };
  }
}

/**
 * Reads a request body of at most `limit` bytes without buffering more than that: a declared
 * Content-Length over the limit fails before reading, and a streamed body stops at the limit.
 */
export async function readBodyText(request: Request, limit: number): Promise<Result<string, BodyProblem>> {
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (declared > limit) return err({ kind: "TooLarge" });
  if (request.body === null) return ok("");
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return err({ kind: "TooLarge" });
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  // Invalid UTF-8 is malformed input, not something to replace silently.
  try {
    return ok(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    return err({ kind: "Malformed" });
  }
}

/**
 * True when some value sits `maxDepth` or more containers deep. The reference's check fails as
 * soon as its remaining depth reaches zero at any value, so with the default of 40 a value may be
 * nested in at most 39 arrays or objects. Iterative, so deep input cannot overflow the stack.
 */
export function exceedsDepth(json: unknown, maxDepth: number): boolean {
  if (maxDepth <= 0) return true;
  const stack: Array<[unknown, number]> = [[json, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (depth >= maxDepth) return true;
    if (typeof value !== "object" || value === null) continue;
    const children = Array.isArray(value) ? value : Object.values(value);
    for (const child of children) stack.push([child, depth + 1]);
  }
  return false;
}

/** A parsed body: `json` for checks (plain numbers), `text` for re-parsing losslessly. */
export interface JsonBody {
  readonly json: unknown;
  readonly text: string;
}

// A number a double cannot hold (1e400) parses as Infinity, which no JSON Schema checker calls a
// number; circe keeps it as a BigDecimal. Such text is rare, so it is looked for first.
const HUGE_NUMBER = /[eE][+-]?\d{3}|\d{309}/;
const clampInfinity = (_key: string, value: unknown): unknown =>
  value === Number.POSITIVE_INFINITY
    ? Number.MAX_VALUE
    : value === Number.NEGATIVE_INFINITY
      ? -Number.MAX_VALUE
      : value;

/**
 * Parses and depth-checks a body's text. Empty text is malformed, as in http4s' circe decoder.
 * Numbers beyond a double's range become ±Number.MAX_VALUE in `json` (the checks' copy); the
 * text keeps them exactly.
 */
export function parseJsonBody(text: string, maxDepth: number): Result<JsonBody, BodyProblem> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return err({ kind: "Malformed" });
  }
  if (exceedsDepth(json, maxDepth)) return err({ kind: "TooDeep" });
  // Only now is the reviver's recursion safe: the depth is bounded.
  if (HUGE_NUMBER.test(text)) json = JSON.parse(text, clampInfinity);
  return ok({ json, text });
}

// `JSON.parse` source-text access and `JSON.rawJSON` (TC39 stage 3; in Bun and V8).
type Reviver = (key: string, value: unknown, context?: { source?: string }) => unknown;
const rawJSON = (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON;

/**
 * Parses JSON keeping every number's text when a double would change it (9223372036854775807,
 * 1.50, 1e400): such numbers become `JSON.rawJSON` values, so `JSON.stringify` writes them back
 * exactly. Use the result only for storing and serving; checks want plain numbers.
 * Call it only on text {@link parseJsonBody} accepted: the reviver recurses.
 */
export function parseLosslessJson(text: string): unknown {
  const reviver: Reviver = (_key, value, context) => {
    if (typeof value !== "number" || context?.source === undefined) return value;
    return JSON.stringify(value) === context.source ? value : rawJSON(context.source);
  };
  return JSON.parse(text, reviver as (this: unknown, key: string, value: unknown) => unknown);
}

/** A JSON object (not an array or null). */
export function isJsonObject(json: unknown): json is Record<string, unknown> {
  return typeof json === "object" && json !== null && !Array.isArray(json);
}
