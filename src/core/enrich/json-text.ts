/**
 * @module
 * JSON read from tracker and webhook input: parsed, then checked against Enrich's depth limit
 * (`validation.maxJsonDepth`, 50 by default), so a hostile payload cannot make later stages recurse
 * without bound. Errors are values with Enrich's `invalid json: …` prefix (`JsonUtils.extractJson`).
 */
import { err, ok, type Result } from "../result.ts";

/** Enrich 6.x's default `validation.maxJsonDepth`. */
export const DEFAULT_MAX_JSON_DEPTH = 50;

/**
 * True when `json` nests deeper than `maxDepth` levels, counting the top value as level 1, as
 * `JsonUtils.checkIfExceedMaxDepth` counts. Iterative, so depth itself cannot overflow the stack.
 * Only containers are stacked (with their depth alongside, not in a pair per node): a tracker's
 * JSON is mostly strings, and this runs on every `co`, `ue_pr` and tp2 body.
 */
export function exceedsJsonDepth(json: unknown, maxDepth: number): boolean {
  if (maxDepth <= 0) return true;
  const containers: object[] = [];
  const depths: number[] = [];
  if (typeof json === "object" && json !== null) {
    containers.push(json);
    depths.push(1);
  }
  while (containers.length > 0) {
    const value = containers.pop()!;
    const depth = depths.pop()!;
    const children: readonly unknown[] = Array.isArray(value) ? value : Object.values(value);
    if (children.length === 0) continue;
    // Any child, even a scalar, sits one level below its container.
    if (depth + 1 > maxDepth) return true;
    for (let i = 0; i < children.length; i++) {
      const child = children[i];
      if (typeof child === "object" && child !== null) {
        containers.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}

/**
 * Parses `text` as JSON and checks its depth.
 *
 * @example parseJsonText('{"a":1}', 50) // ok({a: 1})
 * @example parseJsonText("{", 50) // err("invalid json: …")
 */
export function parseJsonText(text: string, maxDepth: number): Result<unknown, string> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    // A RangeError (nesting too deep for the engine's parser) lands here too.
    return err(`invalid json: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (exceedsJsonDepth(json, maxDepth)) return err("invalid json: maximum allowed JSON depth exceeded");
  return ok(json);
}

/** Compact JSON for a message or a parameter; never throws (a value JSON cannot hold is `null`). */
export function compactJson(json: unknown): string {
  try {
    return JSON.stringify(json) ?? "null";
  } catch {
    return "null";
  }
}

/** A plain JSON object (not an array, not null). */
export function isJsonObject(json: unknown): json is Record<string, unknown> {
  return typeof json === "object" && json !== null && !Array.isArray(json);
}

/**
 * Sets `obj[key]` as an own, enumerable member, even for the key `__proto__`, which a plain
 * assignment would turn into a prototype change (and lose from the JSON) when keys come from input.
 */
export function setMember(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    obj[key] = value;
  }
}
