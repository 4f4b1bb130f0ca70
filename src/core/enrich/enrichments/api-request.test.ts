/**
 * @module
 * The API request enrichment against a real HTTP server on loopback: templating and encoding,
 * methods and bodies, basic authentication, outputs, caching, errors, timeouts and ignoreOnError.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { simple } from "../../badrows/failure-message.ts";
import type { EnrichedEvent, SelfDescribingJson } from "../../event/enriched-event.ts";
import { apiRequestEnrichment, buildUrl, javaUrlEncode, stringifyJson } from "./api-request.ts";
import { enrichmentInput, testDeps } from "./enrichment-input.test-support.ts";
import { type LoopbackServer, startLoopbackServer } from "./loopback-http.test-support.ts";

let server: LoopbackServer;

/** `expect(…).toStartWith`, which Jest's `expect` (used under Deno) lacks. */
function expectPrefix(actual: unknown, prefix: string): void {
  expect(String(actual).slice(0, prefix.length)).toBe(prefix);
}

beforeAll(() => {
  server = startLoopbackServer(async ({ url, method, headers }) => {
    if (url.pathname === "/slow") {
      await new Promise((r) => setTimeout(r, 500));
      return Response.json({});
    }
    if (url.pathname === "/broken") return new Response("oops", { status: 503 });
    if (url.pathname === "/text") return new Response("not json at all");
    if (url.pathname.startsWith("/users/")) {
      const id = decodeURIComponent(url.pathname.slice("/users/".length));
      return Response.json({
        record: { id, method, auth: headers.get("authorization"), accept: headers.get("accept") },
        tags: ["a", "b"],
        score: 0.93,
      });
    }
    return new Response("not found", { status: 404 });
  });
});
afterAll(() => server.stop());

const clientContext: SelfDescribingJson = {
  schema: "iglu:com.acme/client/jsonschema/1-0-2",
  data: { clientId: "c 42/é", ids: [1, "x", true], nested: { a: 1 } },
};

function config(parameters: Record<string, unknown>) {
  return {
    schema: "iglu:com.snowplowanalytics.snowplow.enrichments/api_request_enrichment_config/jsonschema/1-0-2",
    data: {
      vendor: "com.snowplowanalytics.snowplow.enrichments",
      name: "api_request_enrichment_config",
      enabled: true,
      parameters: {
        inputs: [
          { key: "user", pojo: { field: "user_id" } },
          {
            key: "client",
            json: {
              field: "contexts",
              schemaCriterion: "iglu:com.acme/client/jsonschema/1-*-*",
              jsonPath: "$.clientId",
            },
          },
        ],
        api: {
          http: {
            method: "GET",
            uri: `${server.origin}/users/{{user}}?client={{ client }}`,
            timeout: 2000,
            authentication: {},
          },
        },
        outputs: [
          { schema: "iglu:com.acme/user/jsonschema/1-0-0", json: { jsonPath: "$.record" } },
          { schema: "iglu:com.acme/tags/jsonschema/1-0-0", json: { jsonPath: "$.tags[*]" } },
        ],
        cache: { size: 10, ttl: 60 },
        ...parameters,
      },
    },
  };
}

async function build(parameters: Record<string, unknown> = {}, now = () => 1_700_000_000_000) {
  const parsed = apiRequestEnrichment.parse(config(parameters));
  if (!parsed.ok) throw new Error(`${parsed.error.path}: ${parsed.error.message}`);
  const built = await apiRequestEnrichment.create(parsed.value, testDeps({ fetch, now }));
  if (!built.ok) throw new Error(built.error.message);
  return built.value;
}

const event = (e: Partial<EnrichedEvent> = {}) =>
  enrichmentInput({ event: { user_id: "u-1", contexts: [clientContext], ...e } });

describe("api_request", () => {
  test("GET with templated, form-encoded inputs; one context per output", async () => {
    const enrichment = await build();
    server.requests.length = 0;
    const outcome = await enrichment.enrich(event());
    expect(server.requests.map((r) => `${r.method} ${r.url.pathname}${r.url.search}`)).toEqual([
      "GET /users/u-1?client=c+42%2F%C3%A9",
    ]);
    expect(server.requests[0]!.headers.get("content-type")).toBe("application/json");
    expect(outcome).toEqual({
      kind: "enriched",
      contexts: [
        {
          schema: "iglu:com.acme/user/jsonschema/1-0-0",
          data: { id: "u-1", method: "GET", auth: null, accept: "*/*" },
        },
        { schema: "iglu:com.acme/tags/jsonschema/1-0-0", data: ["a", "b"] },
      ],
    });
  });

  test("POST and PUT send the inputs as a JSON body; basic authentication", async () => {
    for (const method of ["POST", "PUT"]) {
      const enrichment = await build({
        api: {
          http: {
            method,
            uri: `${server.origin}/users/{{user}}`,
            timeout: 2000,
            authentication: { httpBasic: { username: "enrich", password: "s3cret" } },
          },
        },
      });
      server.requests.length = 0;
      const outcome = await enrichment.enrich(event());
      expect(server.requests[0]!.method).toBe(method);
      expect(JSON.parse(server.requests[0]!.body)).toEqual({ user: "u-1", client: "c 42/é" });
      expect(outcome.kind === "enriched" && (outcome.contexts[0]!.data as { auth: string }).auth).toBe(
        `Basic ${btoa("enrich:s3cret")}`,
      );
    }
  });

  test("a missing input or an unfilled placeholder skips the lookup", async () => {
    const enrichment = await build();
    server.requests.length = 0;
    expect(await enrichment.enrich(event({ user_id: null }))).toEqual({ kind: "enriched", contexts: [] });
    expect(await enrichment.enrich(event({ contexts: [] }))).toEqual({ kind: "enriched", contexts: [] });
    const unfilled = await build({
      api: {
        http: {
          method: "GET",
          uri: `${server.origin}/users/{{user}}/{{other}}`,
          timeout: 2000,
          authentication: {},
        },
      },
    });
    expect(await unfilled.enrich(event())).toEqual({ kind: "enriched", contexts: [] });
    expect(server.requests).toHaveLength(0);
  });

  test("answers are cached by URL for ttl seconds", async () => {
    let now = 1_700_000_000_000;
    const enrichment = await build({}, () => now);
    server.requests.length = 0;
    await enrichment.enrich(event());
    await enrichment.enrich(event());
    expect(server.requests).toHaveLength(1);
    now += 61_000;
    await enrichment.enrich(event());
    expect(server.requests).toHaveLength(2);
    await enrichment.enrich(event({ user_id: "u-2" }));
    expect(server.requests).toHaveLength(3);
  });

  test("errors fail the event, once per output, unless ignoreOnError", async () => {
    const uri = `${server.origin}/broken?u={{user}}`;
    const failing = await build({ api: { http: { method: "GET", uri, timeout: 2000, authentication: {} } } });
    const m = simple("Request failed with status 503");
    expect(await failing.enrich(event())).toEqual({ kind: "failed", messages: [m, m] });
    const ignoring = await build({
      api: { http: { method: "GET", uri, timeout: 2000, authentication: {} } },
      ignoreOnError: true,
    });
    expect(await ignoring.enrich(event())).toEqual({ kind: "enriched", contexts: [] });
  });

  test("a JSONPath that finds nothing", async () => {
    const enrichment = await build({
      outputs: [{ schema: "iglu:com.acme/user/jsonschema/1-0-0", json: { jsonPath: "$.nothing" } }],
    });
    const outcome = await enrichment.enrich(event());
    expect(outcome.kind).toBe("failed");
    const message = outcome.kind === "failed" ? (outcome.messages[0] as { error: string }).error : "";
    expectPrefix(
      message,
      "API Request enrichment:Value not found Error: no values were found by JSON Path [$.nothing] in [{",
    );
  });

  test("a body that is not JSON, a timeout, a closed port", async () => {
    const at = (uri: string, timeout = 2000) =>
      build({
        api: { http: { method: "GET", uri: `${uri}?u={{user}}`, timeout, authentication: {} } },
        outputs: [config({}).data.parameters.outputs[0]],
      });
    const text = await (await at(`${server.origin}/text`)).enrich(event());
    expectPrefix(
      text.kind === "failed" && (text.messages[0] as { error: string }).error,
      "API response is not JSON",
    );
    const slow = await (await at(`${server.origin}/slow`, 50)).enrich(event());
    expectPrefix(
      slow.kind === "failed" && (slow.messages[0] as { error: string }).error,
      "Request timed out after 50 ms",
    );
    const closed = await (await at("http://127.0.0.1:9")).enrich(event());
    expect(closed.kind).toBe("failed");
  });
});

describe("helpers", () => {
  test("stringifyJson, as Enrich writes JSON values into URLs", () => {
    expect(stringifyJson("a b")).toBe("a b");
    expect(stringifyJson([1, "x", [true, null]])).toBe("1,x,true,null");
    expect(stringifyJson({ a: 1 })).toBe('{"a":1}');
    expect(stringifyJson([])).toBe("");
  });

  test("javaUrlEncode", () => {
    expect(javaUrlEncode("a b*c.d-e_f~g/h?é")).toBe("a+b*c.d-e_f%7Eg%2Fh%3F%C3%A9");
  });

  test("buildUrl", () => {
    const values = new Map([["id", "1 2"]]);
    expect(buildUrl("http://x/{{id}}/{{ id }}", values)).toBe("http://x/1+2/1+2");
    expect(buildUrl("http://x/{{id}}/{{other}}", values)).toBeNull();
    expect(buildUrl("http://x/{{id}}", new Map([["id", "$1{}"]]))).toBe("http://x/%241%7B%7D");
  });

  test("config refusals", () => {
    const refused = (p: Record<string, unknown>) =>
      expect(apiRequestEnrichment.parse(config(p)).ok).toBe(false);
    refused({ inputs: [{ key: "a b", pojo: { field: "user_id" } }] });
    refused({ inputs: [{ key: "a", pojo: { field: "no_such_field" } }] });
    refused({ inputs: [{ key: "a", pojo: { field: "contexts" } }] });
    refused({ outputs: [{ schema: "iglu:com.acme/x/jsonschema/1-0", json: { jsonPath: "$.a" } }] });
    refused({ outputs: [{ schema: "iglu:com.acme/x/jsonschema/1-0-0", json: { jsonPath: "a" } }] });
    refused({ api: { http: { method: "DELETE", uri: "http://x", timeout: 1, authentication: {} } } });
    refused({ cache: { size: -1, ttl: 0 } });
  });
});
