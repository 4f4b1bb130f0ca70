/**
 * @module
 * The JavaScript enrichment end to end in the vm sandbox: Snowplow's bean API (getters, setters,
 * bean properties, JSON columns, drop, eraseDerived_contexts), Enrich's failure messages, and the
 * sandbox's walls: every escape attempt below must fail while the host stays untouched, and
 * runaway scripts must be stopped by the time limit.
 */
import { describe, expect, test } from "bun:test";
import type { Enrichment, EnrichmentOutcome } from "../../core/enrich/enrichment.ts";
import { enrichmentInput, testDeps } from "../../core/enrich/enrichments/enrichment-input.test-support.ts";
import { javascriptScriptEnrichmentWith } from "../../core/enrich/enrichments/javascript-script.ts";
import type { EnrichedEvent, SelfDescribingJson } from "../../core/event/enriched-event.ts";
import { compileScriptInSandbox } from "./vm-sandbox.ts";

const TIMEOUT_MS = 200;
const factory = javascriptScriptEnrichmentWith({ timeoutMs: TIMEOUT_MS });

function base64Url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function config(script: string, params?: Record<string, unknown>) {
  return {
    schema: "iglu:com.snowplowanalytics.snowplow/javascript_script_config/jsonschema/1-0-1",
    data: {
      vendor: "com.snowplowanalytics.snowplow",
      name: "javascript_script_config",
      enabled: true,
      parameters: { script: base64Url(script), ...(params ? { config: params } : {}) },
    },
  };
}

async function build(script: string, params?: Record<string, unknown>) {
  const parsed = factory.parse(config(script, params));
  if (!parsed.ok) throw new Error(parsed.error.message);
  return factory.create(parsed.value, testDeps({ services: { compileScript: compileScriptInSandbox } }));
}

async function compiled(script: string, params?: Record<string, unknown>): Promise<Enrichment> {
  const built = await build(script, params);
  if (!built.ok) throw new Error(built.error.message);
  return built.value;
}

const clientSide: SelfDescribingJson = { schema: "iglu:com.acme/ctx/jsonschema/1-0-0", data: { a: 1 } };

async function run(script: string, event: Partial<EnrichedEvent> = {}, derived: SelfDescribingJson[] = []) {
  const enrichment = await compiled(script);
  const input = enrichmentInput({
    event,
    derivedContexts: derived,
    headers: ["Host: collector.acme.com", "SP-Anonymous: *"],
  });
  const outcome = await enrichment.enrich(input);
  return { outcome, event: input.event };
}

/** The single context's data of an enriched outcome. */
function onlyData(outcome: EnrichmentOutcome): unknown {
  if (outcome.kind !== "enriched" || outcome.contexts.length !== 1) throw new Error(JSON.stringify(outcome));
  return outcome.contexts[0]!.data;
}

const report = (expr: string) => `function process(event, params, headers) {
  return [{ schema: "iglu:com.acme/report/jsonschema/1-0-0", data: { value: ${expr} } }];
}`;

describe("the event bean", () => {
  test("getters give Java-typed values; params and headers come through", async () => {
    const { outcome } = await run(
      report(`[event.getApp_id(), event.getTxn_id(), event.getBr_cookies(), event.getCollector_tstamp(),
               event.getTr_total(), event.getGeo_latitude(), event.getUser_id(), event.platform, headers[1]]`),
      {
        app_id: "shop",
        txn_id: 42,
        br_cookies: true,
        collector_tstamp: Date.UTC(2024, 0, 15, 10, 20, 30, 5),
        tr_total: "28.50",
        geo_latitude: 53.3331,
        platform: "web",
      },
    );
    expect(onlyData(outcome)).toEqual({
      value: ["shop", 42, 1, "2024-01-15 10:20:30.005", "28.50", 53.3331, null, "web", "SP-Anonymous: *"],
    });
  });

  test("setters and bean properties change atomic fields", async () => {
    const { outcome, event } = await run(
      `function process(event) {
        event.setApp_id("rewritten");
        event.user_id = 12345;
        event.setTxn_id("7");
        event.setBr_cookies(false);
        event.setTr_total(12.5);
        event.setDvce_created_tstamp("2024-02-01 00:00:00.000");
        event.setMkt_source("");
        return null;
      }`,
      { app_id: "shop", mkt_source: "google" },
    );
    expect(outcome).toEqual({ kind: "enriched", contexts: [] });
    expect([
      event.app_id,
      event.user_id,
      event.txn_id,
      event.br_cookies,
      event.tr_total,
      event.dvce_created_tstamp,
      event.mkt_source,
    ]).toEqual(["rewritten", "12345", 7, false, "12.5", Date.UTC(2024, 1, 1), null]);
  });

  test("a value the Java type cannot take fails the event, and nothing is applied", async () => {
    const { outcome, event } = await run(
      `function process(event) { event.setApp_id("x"); event.setTxn_id("many"); }`,
      { app_id: "shop" },
    );
    expect(outcome).toEqual({
      kind: "failed",
      messages: [
        {
          kind: "Simple",
          error:
            'Error during execution of JavaScript function: [TypeError: setTxn_id: cannot convert "many" to a int]',
        },
      ],
    });
    expect(event.app_id).toBe("shop");
  });

  test("JSON columns: read as envelopes, contexts and unstruct_event replaceable, derived contexts read-only", async () => {
    const { outcome, event } = await run(
      `function process(event) {
        const contexts = JSON.parse(event.getContexts());
        const derived = JSON.parse(event.getDerived_contexts());
        contexts.data.push({ schema: "iglu:com.acme/added/jsonschema/1-0-0", data: {} });
        event.setContexts(JSON.stringify(contexts));
        event.setUnstruct_event(JSON.stringify({ schema: "iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0",
          data: { schema: "iglu:com.acme/click/jsonschema/1-0-0", data: { id: 1 } } }));
        event.setDerived_contexts("ignored");
        return [{ schema: "iglu:com.acme/seen/jsonschema/1-0-0", data: { schemas: [contexts.schema, derived.data[0].schema] } }];
      }`,
      { contexts: [clientSide] },
      [{ schema: "iglu:com.acme/derived/jsonschema/1-0-0", data: {} }],
    );
    expect(onlyData(outcome)).toEqual({
      schemas: [
        "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1",
        "iglu:com.acme/derived/jsonschema/1-0-0",
      ],
    });
    expect(event.contexts).toEqual([
      clientSide,
      { schema: "iglu:com.acme/added/jsonschema/1-0-0", data: {} },
    ]);
    expect(event.unstruct_event).toEqual({ schema: "iglu:com.acme/click/jsonschema/1-0-0", data: { id: 1 } });
  });

  test("an invalid contexts JSON thrown by the setter", async () => {
    const { outcome } = await run(`function process(event) { event.setContexts("{}"); }`);
    expect(outcome).toEqual({
      kind: "failed",
      messages: [
        {
          kind: "Simple",
          error: "Error during execution of JavaScript function: [TypeError: invalid contexts json]",
        },
      ],
    });
  });

  test("drop() discards the event; a caught drop does not", async () => {
    expect((await run(`function process(event) { event.drop(); }`)).outcome).toEqual({ kind: "dropped" });
    const caught = await run(`function process(event) { try { event.drop(); } catch (e) {} return []; }`);
    expect(caught.outcome).toEqual({ kind: "enriched", contexts: [] });
  });

  test("eraseDerived_contexts() keeps only the script's contexts", async () => {
    const { outcome } = await run(`function process(event) {
      event.eraseDerived_contexts();
      return [{ schema: "iglu:com.acme/only/jsonschema/1-0-0", data: {} }];
    }`);
    expect(outcome).toEqual({
      kind: "enriched",
      contexts: [{ schema: "iglu:com.acme/only/jsonschema/1-0-0", data: {} }],
      replacesDerivedContexts: true,
    });
  });

  test("params from parameters.config; process may be a const; state persists across events", async () => {
    const enrichment = await compiled(
      `let calls = 0;
       const process = (event, params) => [{ schema: "iglu:com.acme/n/jsonschema/1-0-0", data: { n: ++calls, env: params.env } }];`,
      { env: "prod" },
    );
    await enrichment.enrich(enrichmentInput());
    expect(onlyData(await enrichment.enrich(enrichmentInput()))).toEqual({ n: 2, env: "prod" });
  });
});

describe("Enrich's failures", () => {
  const error = async (script: string) => {
    const { outcome } = await run(script);
    if (outcome.kind !== "failed") throw new Error(JSON.stringify(outcome));
    return (outcome.messages[0] as { error: string }).error;
  };

  test("an exception", async () => {
    expect(await error(`function process() { throw new Error("boom"); }`)).toBe(
      "Error during execution of JavaScript function: [Error: boom]",
    );
  });

  test("a result that is not an array", async () => {
    expect(await error(`function process() { return { schema: "x" }; }`)).toBe(
      'Output of JavaScript function [{"schema":"x"}] could be parsed as JSON but is not read as an array',
    );
  });

  test("contexts that are not self-describing", async () => {
    expect(
      await error(
        `function process() { return [{ data: 1 }, { schema: "iglu:com.acme/ok/jsonschema/1-0-0", data: 1 }]; }`,
      ),
    ).toBe(
      'Resulting contexts are not self-desribing. Error(s): [error code:[INVALID_DATA_PAYLOAD],json:[{"data":1}]]',
    );
  });

  test("JSON deeper than maxJsonDepth", async () => {
    expect(
      await error(`function process() { let x = 1; for (let i = 0; i < 60; i++) x = [x]; return [x]; }`),
    ).toContain("maximum allowed JSON depth exceeded");
  });

  test("compile errors, a missing process and a throwing top level fail start-up", async () => {
    for (const script of [
      "function process( {",
      "var x = 1;",
      "throw new Error('top');",
      "while (true) {}",
    ]) {
      const built = await build(script);
      expect(built.ok).toBe(false);
      expect(built.ok ? "" : built.error.message).toStartWith("Error compiling JavaScript function: [");
    }
  });
});

describe("the sandbox's walls", () => {
  const probe = async (expr: string) => {
    const { outcome } = await run(
      report(`(() => { try { return String(${expr}); } catch (e) { return "threw " + (e && e.name); } })()`),
    );
    return (onlyData(outcome) as { value: string }).value;
  };

  test("no host globals: require, module, fetch, Bun, Deno, Buffer, setTimeout, WebAssembly, ShadowRealm", async () => {
    for (const name of [
      "require",
      "module",
      "exports",
      "fetch",
      "Bun",
      "Deno",
      "Buffer",
      "setTimeout",
      "WebAssembly",
      "ShadowRealm",
      "SharedArrayBuffer",
      "Atomics",
    ]) {
      expect(await probe(`typeof ${name}`)).toBe("undefined");
    }
  });

  test("Node's process is out of reach (the script's own process is all there is)", async () => {
    expect(await probe(`typeof globalThis.process`)).toBe("function");
    expect(await probe(`globalThis.process.pid`)).toBe("undefined");
  });

  test("constructor chains cannot compile code", async () => {
    expect(await probe(`globalThis.constructor.constructor("return process")()`)).toBe("threw EvalError");
    expect(await probe(`this.constructor.constructor("return process")()`)).toBe("threw EvalError");
    expect(await probe(`event.getApp_id.constructor("return process")()`)).toBe("threw EvalError");
    expect(await probe(`headers.constructor.constructor("return process")()`)).toBe("threw EvalError");
    expect(await probe(`eval("1 + 1")`)).toBe("threw EvalError");
    expect(await probe(`new Function("return 1")()`)).toBe("threw EvalError");
  });

  test("stack frames expose no host functions", async () => {
    const seen = await probe(`(() => {
      let found = "none";
      Error.prepareStackTrace = (e, frames) => {
        for (const f of frames) {
          const fn = typeof f.getFunction === "function" ? f.getFunction() : undefined;
          if (fn && fn.constructor !== Function) found = "host function";
        }
        return "";
      };
      new Error().stack;
      Error.prepareStackTrace = undefined;
      return found;
    })()`);
    expect(seen).toBe("none");
  });

  test("dynamic import is refused", async () => {
    const enrichment = await compiled(`let got = "pending";
      import("node:fs").then(() => { got = "loaded"; }, (e) => { got = "refused"; });
      function process() { return [{ schema: "iglu:com.acme/r/jsonschema/1-0-0", data: { got } }]; }`);
    expect(onlyData(await enrichment.enrich(enrichmentInput()))).toEqual({ got: "refused" });
  });

  test("console writes nowhere; host globals are not shared", async () => {
    const hostBun = (globalThis as { Bun?: unknown }).Bun;
    const { outcome } = await run(
      `function process() { console.log("leak"); globalThis.Bun = 1; globalThis.Object.prototype.polluted = 1; return []; }`,
    );
    expect(outcome).toEqual({ kind: "enriched", contexts: [] });
    expect((globalThis as { Bun?: unknown }).Bun).toBe(hostBun);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  test("an infinite loop is stopped by the time limit, and the next event runs", async () => {
    const enrichment = await compiled(`function process(event) {
      if (event.getApp_id() === "loop") { for (;;) {} }
      return [];
    }`);
    const started = Date.now();
    const looped = await enrichment.enrich(enrichmentInput({ event: { app_id: "loop" } }));
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 1500);
    expect(looped).toEqual({
      kind: "failed",
      messages: [
        {
          kind: "Simple",
          error: `Error during execution of JavaScript function: [Script execution timed out after ${TIMEOUT_MS}ms]`,
        },
      ],
    });
    expect(await enrichment.enrich(enrichmentInput({ event: { app_id: "fine" } }))).toEqual({
      kind: "enriched",
      contexts: [],
    });
  });

  test("a loop in a microtask or a catch block is stopped too", async () => {
    for (const body of [
      "Promise.resolve().then(() => { for (;;) {} }); return [];",
      "for (;;) { try { for (;;) {} } catch (e) {} }",
    ]) {
      const { outcome } = await run(`function process() { ${body} }`);
      expect(outcome.kind).toBe("failed");
    }
  });

  test("runaway recursion is an ordinary failure", async () => {
    const { outcome } = await run(`function process() { const f = () => f(); return f(); }`);
    expect(outcome.kind).toBe("failed");
  });

  test("replacing the runtime's entry point only breaks the script's own answer", async () => {
    const { outcome } = await run(`globalThis.__furrowProcess = () => ({ toString() { for (;;) {} } });
      function process() { return []; }`);
    expect(outcome).toEqual({
      kind: "failed",
      messages: [
        {
          kind: "Simple",
          error: "Error during execution of JavaScript function: [the script's runtime returned no answer]",
        },
      ],
    });
  });

  test("a thrown proxy is not touched", async () => {
    const { outcome } = await run(`function process() {
      throw new Proxy({}, { get() { for (;;) {} }, getPrototypeOf() { for (;;) {} } });
    }`);
    expect(outcome.kind).toBe("failed");
  });
});
