/**
 * @module
 * The JavaScript enrichment's runtime-free parts: config parsing, the bean runtime's source (which
 * must stand alone, since it is evaluated in another realm; here it is evaluated against a stand-in
 * global), the bean's field values, and the decoding of the sandbox's answer. The enrichment in
 * the real sandbox, and the sandbox's walls, are tested in `src/adapters/javascript/`.
 */
import { describe, expect, test } from "bun:test";
import { emptyEnrichedEvent } from "../../event/enriched-event.ts";
import { enrichmentInput, testDeps } from "./enrichment-input.test-support.ts";
import { beanFields, decodeScriptAnswer, EVENT_BEAN_SOURCE, SCRIPT_ENTRY } from "./javascript-event-bean.ts";
import { javascriptScriptEnrichment } from "./javascript-script.ts";

const base64Url = (text: string) =>
  btoa(String.fromCharCode(...new TextEncoder().encode(text)))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");

function config(parameters: Record<string, unknown>, version = "1-0-1") {
  return {
    schema: `iglu:com.snowplowanalytics.snowplow/javascript_script_config/jsonschema/${version}`,
    data: {
      vendor: "com.snowplowanalytics.snowplow",
      name: "javascript_script_config",
      enabled: true,
      parameters,
    },
  };
}

describe("config", () => {
  test("decodes the base64url script and keeps config as params", () => {
    const parsed = javascriptScriptEnrichment.parse(
      config({ script: base64Url("function process() { return []; } // é"), config: { a: 1 } }),
    );
    expect(parsed.ok && parsed.value).toMatchObject({
      script: "function process() { return []; } // é",
      params: { a: 1 },
    });
  });

  test("1-0-0 has no config: params are {}", () => {
    const parsed = javascriptScriptEnrichment.parse(config({ script: base64Url("x") }, "1-0-0"));
    expect(parsed.ok && (parsed.value as { params: unknown }).params).toEqual({});
  });

  test("an empty script is refused, as in Enrich", () => {
    const parsed = javascriptScriptEnrichment.parse(config({ script: "" }));
    expect(parsed.ok ? "" : parsed.error.message).toBe("Provided script for JS enrichment is empty");
  });

  test("without a sandbox service the enrichment cannot be built", async () => {
    const parsed = javascriptScriptEnrichment.parse(config({ script: base64Url("function process() {}") }));
    if (!parsed.ok) throw new Error(parsed.error.message);
    expect((await javascriptScriptEnrichment.create(parsed.value, testDeps())).ok).toBe(false);
  });
});

describe("the bean runtime's source", () => {
  /** Evaluates the runtime against a stand-in global, as the sandbox evaluates it against its own. */
  function install(): Record<string, (process: unknown, input: string) => string> {
    const global: Record<string, unknown> = {};
    new Function("globalThis", EVENT_BEAN_SOURCE)(global);
    return global as Record<string, (process: unknown, input: string) => string>;
  }

  const input = (event: Record<string, unknown>) =>
    JSON.stringify({ event, params: { p: 1 }, headers: ["H: v"] });

  test("stands alone and answers in the JSON protocol", () => {
    const entry = install()[SCRIPT_ENTRY]!;
    const fields = beanFields(Object.assign(emptyEnrichedEvent(), { app_id: "shop", txn_id: 3 }), []);
    const answer = entry(
      (event: Record<string, (v?: unknown) => unknown>, params: unknown, headers: unknown) => {
        event["setApp_id"]!(`${event["getApp_id"]!()}-${(params as { p: number }).p}`);
        return [{ schema: "iglu:com.acme/h/jsonschema/1-0-0", data: { headers } }];
      },
      input(fields),
    );
    const decoded = decodeScriptAnswer(answer, 50);
    expect(decoded.kind === "ok" && decoded.event["app_id"]).toBe("shop-1");
    expect(decoded.kind === "ok" && decoded.contexts).toEqual([
      { schema: "iglu:com.acme/h/jsonschema/1-0-0", data: { headers: ["H: v"] } },
    ]);
  });

  test("drop, erase, and a missing process", () => {
    const entry = install()[SCRIPT_ENTRY]!;
    const fields = beanFields(emptyEnrichedEvent(), []);
    expect(
      decodeScriptAnswer(
        entry((e: { drop(): void }) => e.drop(), input(fields)),
        50,
      ),
    ).toMatchObject({ dropped: true });
    expect(
      decodeScriptAnswer(
        entry((e: { eraseDerived_contexts(): void }) => e.eraseDerived_contexts(), input(fields)),
        50,
      ),
    ).toMatchObject({
      erasedDerivedContexts: true,
      contexts: null,
    });
    expect(decodeScriptAnswer(entry(undefined, input(fields)), 50)).toEqual({
      kind: "error",
      message: "Error during execution of JavaScript function: [process is not a function]",
    });
  });
});

describe("beanFields", () => {
  test("Java-typed values and JSON envelopes", () => {
    const input = enrichmentInput({
      event: {
        collector_tstamp: Date.UTC(2024, 0, 1),
        br_cookies: false,
        contexts: [{ schema: "iglu:com.acme/a/jsonschema/1-0-0", data: {} }],
        unstruct_event: { schema: "iglu:com.acme/u/jsonschema/1-0-0", data: { x: 1 } },
      },
    });
    const fields = beanFields(input.event, []);
    expect(fields["collector_tstamp"]).toBe("2024-01-01 00:00:00.000");
    expect(fields["br_cookies"]).toBe(0);
    expect(JSON.parse(fields["contexts"] as string).schema).toBe(
      "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1",
    );
    expect(JSON.parse(fields["unstruct_event"] as string)).toEqual({
      schema: "iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0",
      data: { schema: "iglu:com.acme/u/jsonschema/1-0-0", data: { x: 1 } },
    });
    expect(fields["derived_contexts"]).toBeNull();
  });
});

describe("decodeScriptAnswer", () => {
  test("anything but the protocol's JSON string is an error, never an exception", () => {
    for (const answer of [undefined, 42, {}, "not json", "null", '{"kind":"ok","event":[]}']) {
      expect(decodeScriptAnswer(answer, 50).kind).toBe("error");
    }
  });
  test("contexts that are not an array, or too deep", () => {
    const answer = (contexts: string) => JSON.stringify({ kind: "ok", contexts, event: {}, erased: false });
    expect(decodeScriptAnswer(answer('"x"'), 50)).toEqual({
      kind: "error",
      message: 'Output of JavaScript function ["x"] could be parsed as JSON but is not read as an array',
    });
    expect(decodeScriptAnswer(answer("[[[1]]]"), 2).kind).toBe("error");
  });
});
