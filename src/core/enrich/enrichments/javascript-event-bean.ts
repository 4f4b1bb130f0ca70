/**
 * @module
 * The event a JavaScript enrichment script sees, as Snowplow gives it: Enrich passes its Java
 * `EnrichedEvent` bean to `process(event, params, headers)` under Nashorn, so scripts call
 * `event.getApp_id()` / `event.setApp_id("x")` (or use the bean property `event.app_id`), read
 * `getContexts()`, `getUnstruct_event()` and `getDerived_contexts()` as JSON strings (the
 * `contexts/1-0-1` and `unstruct_event/1-0-0` envelopes, or null), may replace the first two with
 * `setContexts(json)` / `setUnstruct_event(json)`, and may call `drop()` (discard the event) or
 * `eraseDerived_contexts()` (keep only the script's contexts). `setDerived_contexts` does nothing.
 *
 * Values keep their Java types: strings, Integer and Float fields as numbers, boolean fields as the
 * bytes 1/0, timestamps as `yyyy-MM-dd HH:mm:ss.SSS` strings; decimal fields (BigDecimal in Java)
 * are given as their exact decimal string. A setter given a value its Java type could not take
 * throws a TypeError inside the script, as Nashorn's conversion would fail.
 *
 * This module writes that runtime as JavaScript source, to be evaluated inside the sandbox before
 * the user's script (`src/adapters/javascript/`), and defines the JSON protocol across the sandbox
 * boundary: the host passes one JSON string in and gets one JSON string back, so no object of
 * either realm ever reaches the other.
 */
import type { EnrichedEvent, SelfDescribingJson } from "../../event/enriched-event.ts";
import { enrichedFields, type FieldKind } from "../../event/enriched-event.ts";
import { formatTimestamp } from "../../event/timestamp.ts";
import type { ScriptResult } from "../enrichment.ts";
import { exceedsJsonDepth } from "../json-text.ts";

/** The global through which the host calls into the sandbox. */
export const SCRIPT_ENTRY = "__furrowProcess";
/** The global the host sets (as a string) before each call. */
export const SCRIPT_INPUT = "__furrowInput";

/** The kinds of the atomic fields a script can get and set (the JSON columns are handled apart). */
const ATOMIC_KINDS: Readonly<Record<string, FieldKind>> = Object.fromEntries(
  enrichedFields.filter((f) => f.kind !== "contexts" && f.kind !== "unstruct").map((f) => [f.name, f.kind]),
);

/**
 * Installs the bean runtime in the sandbox's global object. Serialized with `Function#toString`,
 * so it must not refer to anything outside its own body.
 */
function installEventBean(
  global: Record<string, unknown>,
  kinds: Record<string, string>,
  entry: string,
): void {
  // Captured before the user's script runs, which may replace any global.
  const parse = JSON.parse;
  const stringify = JSON.stringify;
  const isArray = Array.isArray;
  const keys = Object.keys;
  const define = Object.defineProperty;
  const isInteger = Number.isInteger;
  const isFiniteNumber = Number.isFinite;
  const toStr = String;
  const TypeErr = TypeError;
  const timestampPattern = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{1,9})?$/;
  const decimalPattern = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
  const rejection = { rejected: true };

  const isSdj = (v: unknown): boolean =>
    v !== null &&
    typeof v === "object" &&
    !isArray(v) &&
    typeof (v as { schema: unknown }).schema === "string" &&
    "data" in v;

  const coerce = (name: string, kind: string, v: unknown): unknown => {
    if (v === null || v === undefined) return null;
    const bad = (): never => {
      throw new TypeErr(
        `set${name.charAt(0).toUpperCase()}${name.slice(1)}: cannot convert ${stringify(v) ?? toStr(v)} to a ${kind}`,
      );
    };
    switch (kind) {
      case "string":
        return typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? toStr(v) : bad();
      case "int": {
        const n = typeof v === "string" && /^[+-]?\d+$/.test(v) ? Number(v) : v;
        return typeof n === "number" && isInteger(n) && n >= -2147483648 && n <= 2147483647 ? n : bad();
      }
      case "float":
        return typeof v === "number" && isFiniteNumber(v) ? v : bad();
      case "decimal":
        if (typeof v === "number" && isFiniteNumber(v)) return toStr(v);
        return typeof v === "string" && decimalPattern.test(v) ? v : bad();
      case "boolean":
        if (v === true || v === 1) return 1;
        if (v === false || v === 0) return 0;
        return bad();
      case "timestamp":
        return typeof v === "string" && timestampPattern.test(v) ? v : bad();
      default:
        return bad();
    }
  };

  const checkedJson = (
    what: string,
    s: unknown,
    valid: (json: Record<string, unknown>) => boolean,
  ): string | null => {
    if (s === null || s === undefined) return null;
    let json: unknown;
    try {
      json = parse(toStr(s));
    } catch {
      throw new TypeErr(`invalid ${what} json`);
    }
    if (!isSdj(json) || !valid(json as Record<string, unknown>)) throw new TypeErr(`invalid ${what} json`);
    return toStr(s);
  };

  const makeEvent = (
    fields: Record<string, unknown>,
    state: { erased: boolean },
  ): Record<string, unknown> => {
    const bean: Record<string, unknown> = {};
    const accessor = (name: string, get: () => unknown, set: (v: unknown) => void) => {
      const suffix = name.charAt(0).toUpperCase() + name.slice(1);
      bean[`get${suffix}`] = get;
      bean[`set${suffix}`] = set;
      // Nashorn's bean linker also exposes getX/setX as the property `x`.
      define(bean, name, { get, set, enumerable: true });
    };
    for (const name of keys(kinds)) {
      const kind = kinds[name] as string;
      accessor(
        name,
        () => fields[name],
        (v) => {
          const coerced = coerce(name, kind, v);
          fields[name] = coerced === "" ? null : coerced;
        },
      );
    }
    accessor(
      "contexts",
      () => fields["contexts"],
      (s) => {
        fields["contexts"] = checkedJson(
          "contexts",
          s,
          (j) => isArray(j["data"]) && (j["data"] as unknown[]).every(isSdj),
        );
      },
    );
    accessor(
      "unstruct_event",
      () => fields["unstruct_event"],
      (s) => {
        fields["unstruct_event"] = checkedJson("unstruct_event", s, (j) => isSdj(j["data"]));
      },
    );
    accessor(
      "derived_contexts",
      () => fields["derived_contexts"],
      () => {},
    );
    bean["drop"] = () => {
      throw rejection;
    };
    bean["eraseDerived_contexts"] = () => {
      state.erased = true;
    };
    return bean;
  };

  const describe = (e: unknown): string => {
    try {
      if (e !== null && typeof e === "object" && "message" in e) {
        const name = (e as { name?: unknown }).name;
        return `${typeof name === "string" ? name : "Error"}: ${toStr((e as { message: unknown }).message)}`;
      }
      return toStr(e);
    } catch {
      return "an exception that cannot be described";
    }
  };

  global[entry] = (processFn: unknown, input: unknown): string => {
    try {
      if (typeof processFn !== "function")
        return stringify({ kind: "error", message: "process is not a function" });
      const { event, params, headers } = parse(toStr(input));
      const state = { erased: false };
      const bean = makeEvent(event, state);
      let result: unknown;
      try {
        result = (processFn as (e: unknown, p: unknown, h: unknown) => unknown)(bean, params, headers);
      } catch (e) {
        if (e === rejection) return stringify({ kind: "dropped" });
        return stringify({ kind: "error", message: describe(e) });
      }
      // Enrich's wrapper: null (or undefined) means no contexts, anything else is stringified.
      const contexts = result === null || result === undefined ? null : stringify(result);
      return stringify({ kind: "ok", contexts: contexts ?? null, event, erased: state.erased });
    } catch (e) {
      return stringify({ kind: "error", message: describe(e) });
    }
  };
}

/** The bean runtime's source, to evaluate in the sandbox before the user's script. */
export const EVENT_BEAN_SOURCE = `(${installEventBean.toString()})(globalThis, ${JSON.stringify(ATOMIC_KINDS)}, ${JSON.stringify(SCRIPT_ENTRY)});`;

/** The statement the host runs for each event: it reaches `process` even when declared with `const`. */
export const SCRIPT_CALL_SOURCE = `${SCRIPT_ENTRY}(typeof process === "function" ? process : undefined, globalThis.${SCRIPT_INPUT});`;

/** Enrich's message for a script that threw (or, here, ran out of time): `Error during execution …`. */
export function scriptRunError(message: string): ScriptResult {
  return { kind: "error", message: `Error during execution of JavaScript function: [${message}]` };
}

/** Snowplow's `contexts/1-0-1` envelope as a JSON string, or null when there are none. */
function contextsEnvelope(contexts: readonly SelfDescribingJson[]): string | null {
  if (contexts.length === 0) return null;
  return JSON.stringify({
    schema: "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1",
    data: contexts,
  });
}

/** The bean's field values for `event`, as the script's getters return them. */
export function beanFields(
  event: EnrichedEvent,
  derivedContexts: readonly SelfDescribingJson[],
): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [name, kind] of Object.entries(ATOMIC_KINDS)) {
    const value = event[name as keyof EnrichedEvent];
    fields[name] =
      value === null
        ? null
        : kind === "timestamp"
          ? formatTimestamp(value as number)
          : kind === "boolean"
            ? value
              ? 1
              : 0
            : value;
  }
  fields["contexts"] = contextsEnvelope(event.contexts);
  fields["unstruct_event"] =
    event.unstruct_event === null
      ? null
      : JSON.stringify({
          schema: "iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0",
          data: event.unstruct_event,
        });
  fields["derived_contexts"] = contextsEnvelope(derivedContexts);
  return fields;
}

/**
 * Reads the sandbox's answer (one JSON string) as a `ScriptResult` whose error messages are Enrich's
 * failure messages: `Error during execution …` for a throw, and Enrich's own for a result that is
 * not an array or JSON nested deeper than `maxJsonDepth`. Anything malformed
 * (the user's script may have replaced the runtime's globals) is an error, never an exception.
 */
export function decodeScriptAnswer(answer: unknown, maxJsonDepth: number): ScriptResult {
  if (typeof answer !== "string") return scriptRunError("the script's runtime returned no answer");
  let decoded: unknown;
  try {
    decoded = JSON.parse(answer);
  } catch {
    return scriptRunError("the script's runtime returned malformed JSON");
  }
  const d = decoded as Record<string, unknown> | null;
  if (d === null || typeof d !== "object")
    return scriptRunError("the script's runtime returned malformed JSON");
  if (d["kind"] === "dropped")
    return { kind: "ok", contexts: null, event: {}, dropped: true, erasedDerivedContexts: false };
  if (d["kind"] === "error") return scriptRunError(String(d["message"]));
  const event = d["event"];
  if (d["kind"] !== "ok" || event === null || typeof event !== "object" || Array.isArray(event)) {
    return scriptRunError("the script's runtime returned malformed JSON");
  }
  let contexts: SelfDescribingJson[] | null = null;
  if (typeof d["contexts"] === "string") {
    let json: unknown;
    try {
      json = JSON.parse(d["contexts"]);
    } catch (e) {
      return {
        kind: "error",
        message: `Could not parse output JSON of Javascript function. Error: [${(e as Error).message}]`,
      };
    }
    if (exceedsJsonDepth(json, maxJsonDepth)) {
      return {
        kind: "error",
        message:
          "Could not parse output JSON of Javascript function. Error: [invalid json: maximum allowed JSON depth exceeded]",
      };
    }
    if (!Array.isArray(json)) {
      return {
        kind: "error",
        message: `Output of JavaScript function [${d["contexts"]}] could be parsed as JSON but is not read as an array`,
      };
    }
    contexts = json as SelfDescribingJson[];
  }
  return {
    kind: "ok",
    contexts,
    event: event as Record<string, unknown>,
    dropped: false,
    erasedDerivedContexts: d["erased"] === true,
  };
}
