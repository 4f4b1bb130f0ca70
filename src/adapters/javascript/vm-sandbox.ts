/**
 * @module
 * The JavaScript enrichment's sandbox (`EnrichmentServices.compileScript`): each script runs in its
 * own `node:vm` context (a separate realm with its own globals), under a time limit per call.
 *
 * Why `node:vm` rather than a Worker: a Worker is a full Bun/Node environment (`require`,
 * `process`, `fetch`, `Bun`, dynamic `import()`), which would have to be taken apart, and its
 * message round trip costs tens of microseconds per event. A fresh vm context starts with nothing
 * but the ECMAScript built-ins, runs on the calling thread (a few microseconds per event), and Bun
 * implements what the isolation needs: a watchdog that terminates a call after `timeout` (even an
 * infinite loop, or one in a microtask, with `microtaskMode: "afterEvaluate"`), code generation
 * from strings off (`eval`, `new Function`, so the classic
 * `this.constructor.constructor("return process")()` throws), no WebAssembly, and `import()`
 * rejected for want of a module loader.
 *
 * Hardening on top of that:
 * - The context's global object is a null-prototype object, and no host object is ever put in it:
 *   the host passes one JSON string in (defined as a data property, so no setter of the script
 *   runs) and reads one string back, checked with `typeof` only. Host functions never enter the
 *   realm, so constructor chains lead to the context's own (string-compiling-disabled) Function.
 * - Every global that is not an ECMAScript built-in is deleted before the script runs. In Bun that
 *   matters: `ShadowRealm` exists in a vm context, and a realm it creates gets Bun's full global
 *   (`process`, `Bun`, `fetch`), a complete escape, which the tests prove is closed. `console` is
 *   replaced by no-ops, so a script cannot write into the enriched output on stdout.
 * - An exception escaping the realm is described without touching it beyond own data properties
 *   (a thrown Proxy or getter could otherwise run the script's code outside the time limit).
 *
 * Not covered: memory. A script can allocate until the process runs out; V8/JSC offer no per-context
 * heap limit. Run untrusted scripts with the process's memory capped by the platform.
 */

import { isNativeError, isProxy } from "node:util/types";
import vm from "node:vm";
import type { ScriptResult, ScriptRunner } from "../../core/enrich/enrichment.ts";
import {
  decodeScriptAnswer,
  EVENT_BEAN_SOURCE,
  SCRIPT_CALL_SOURCE,
  SCRIPT_ENTRY,
  SCRIPT_INPUT,
  scriptRunError,
} from "../../core/enrich/enrichments/javascript-event-bean.ts";
import { DEFAULT_MAX_JSON_DEPTH } from "../../core/enrich/json-text.ts";

/** The ECMAScript (and ECMA-402) globals a script keeps; everything else is deleted. */
const ALLOWED_GLOBALS = new Set([
  "globalThis",
  "Infinity",
  "NaN",
  "undefined",
  "eval",
  "isFinite",
  "isNaN",
  "parseFloat",
  "parseInt",
  "decodeURI",
  "decodeURIComponent",
  "encodeURI",
  "encodeURIComponent",
  "escape",
  "unescape",
  "Object",
  "Function",
  "Boolean",
  "Symbol",
  "Error",
  "AggregateError",
  "EvalError",
  "RangeError",
  "ReferenceError",
  "SyntaxError",
  "TypeError",
  "URIError",
  "Number",
  "BigInt",
  "Math",
  "Date",
  "String",
  "RegExp",
  "Array",
  "Int8Array",
  "Uint8Array",
  "Uint8ClampedArray",
  "Int16Array",
  "Uint16Array",
  "Int32Array",
  "Uint32Array",
  "Float16Array",
  "Float32Array",
  "Float64Array",
  "BigInt64Array",
  "BigUint64Array",
  "Map",
  "Set",
  "WeakMap",
  "WeakSet",
  "WeakRef",
  "FinalizationRegistry",
  "ArrayBuffer",
  "DataView",
  "JSON",
  "Promise",
  "Reflect",
  "Proxy",
  "Iterator",
  "Intl",
  SCRIPT_ENTRY,
]);

const HARDEN_SOURCE = `(() => {
  const allowed = new Set(${JSON.stringify([...ALLOWED_GLOBALS])});
  for (const name of Reflect.ownKeys(globalThis)) {
    if (typeof name === "string" && !allowed.has(name)) delete globalThis[name];
  }
  const quiet = () => undefined;
  globalThis.console = Object.freeze({ log: quiet, info: quiet, warn: quiet, error: quiet, debug: quiet, trace: quiet });
})();`;

/** What a thrown value says about itself, read without running any of the script's code. */
function describeThrown(e: unknown): string {
  if (typeof e !== "object" && typeof e !== "function")
    return typeof e === "symbol" ? e.toString() : String(e);
  if (e === null) return "null";
  if (isProxy(e)) return "a proxy object was thrown";
  const message = Object.getOwnPropertyDescriptor(e, "message");
  const code = Object.getOwnPropertyDescriptor(e, "code");
  if (isNativeError(e) && code !== undefined && code.value === "ERR_SCRIPT_EXECUTION_TIMEOUT") {
    return String(message?.value);
  }
  return message !== undefined && typeof message.value === "string"
    ? message.value
    : "a non-error object was thrown";
}

/** Whether `e` is the host's time-out error (never the script's own object). */
function isTimeout(e: unknown): boolean {
  if (typeof e !== "object" || e === null || isProxy(e) || !isNativeError(e)) return false;
  return Object.getOwnPropertyDescriptor(e, "code")?.value === "ERR_SCRIPT_EXECUTION_TIMEOUT";
}

export interface SandboxOptions {
  /** Enrich's `validation.maxJsonDepth` for the script's output. */
  readonly maxJsonDepth?: number;
}

/**
 * Compiles a JavaScript enrichment script in a new sandbox. Rejects when the script does not
 * compile, throws or times out at its top level, or defines no `process` function.
 *
 * @example deps.services.compileScript = compileScriptInSandbox;
 */
export async function compileScriptInSandbox(
  source: string,
  options: { readonly timeoutMs: number } & SandboxOptions,
): Promise<ScriptRunner> {
  const timeout = options.timeoutMs;
  const maxJsonDepth = options.maxJsonDepth ?? DEFAULT_MAX_JSON_DEPTH;
  const sandbox: Record<string, unknown> = Object.create(null);
  const context = vm.createContext(sandbox, {
    name: "javascript_script_config",
    codeGeneration: { strings: false, wasm: false },
    microtaskMode: "afterEvaluate",
  });
  new vm.Script(HARDEN_SOURCE).runInContext(context);
  new vm.Script(EVENT_BEAN_SOURCE).runInContext(context);

  let script: vm.Script;
  try {
    script = new vm.Script(source, { filename: "javascript_script_config.js" });
  } catch (e) {
    // A compile error is the host's own SyntaxError: safe to read.
    throw new Error(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
  }
  try {
    script.runInContext(context, { timeout });
  } catch (e) {
    throw new Error(
      isTimeout(e) ? `the script's top level ran for more than ${timeout} ms` : describeThrown(e),
    );
  }
  const hasProcess = new vm.Script('typeof process === "function"').runInContext(context, { timeout });
  if (hasProcess !== true) throw new Error("the script defines no function process(event, params, headers)");

  const call = new vm.Script(SCRIPT_CALL_SOURCE);
  let closed = false;

  const run = (event: Record<string, unknown>, params: unknown, headers: readonly string[]): ScriptResult => {
    if (closed) return scriptRunError("the script's sandbox is closed");
    const input = JSON.stringify({ event, params, headers });
    // A data property: defining it runs no setter the script may have put on its global.
    if (
      !Reflect.defineProperty(sandbox, SCRIPT_INPUT, { value: input, writable: true, configurable: true })
    ) {
      return scriptRunError("the script made its input unwritable");
    }
    let answer: unknown;
    try {
      answer = call.runInContext(context, { timeout });
    } catch (e) {
      return scriptRunError(
        isTimeout(e) ? `Script execution timed out after ${timeout}ms` : describeThrown(e),
      );
    }
    return decodeScriptAnswer(answer, maxJsonDepth);
  };

  return {
    run: async (event, params, headers) => run(event, params, headers),
    close: async () => {
      closed = true;
    },
  };
}
