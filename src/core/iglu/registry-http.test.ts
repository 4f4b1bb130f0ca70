/**
 * @module
 * Tests for the HTTP registry against real servers on loopback (Bun.serve or Deno.serve): URLs,
 * the apikey header, the status-to-RegistryError mapping, timeouts, refused connections and retries.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { HttpRegistry, retryDelayMs } from "./registry-http.ts";
import { type Loopback, refusedUrl, serveLoopback } from "./registry-loopback.test-support.ts";
import { ManualClock } from "./resolver-clock.ts";
import { formatSchemaKey, parseSchemaKey, type SchemaKey } from "./schema-key.ts";

const key = (uri: string): SchemaKey => {
  const r = parseSchemaKey(uri);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};
const ref = { name: "HTTP", priority: 0, vendorPrefixes: [] };
const schema = {
  self: { vendor: "com.acme", name: "ok", format: "jsonschema", version: "1-0-0" },
  type: "object",
};

/** Answers by schema name, so one server covers every status. */
function respond(request: Request): Response | Promise<Response> {
  const parts = new URL(request.url).pathname.split("/");
  const name = parts[parts.indexOf("schemas") + 2] ?? "";
  switch (name) {
    case "ok":
      return Response.json(schema);
    case "missing":
      return new Response('{"message":"The schema is not found"}', { status: 404 });
    case "broken":
      return new Response("Internal error: database is down", { status: 500 });
    case "forbidden":
      return new Response("forbidden", { status: 403 });
    case "teapot":
      return new Response(null, { status: 304 });
    case "garbage":
      return new Response("<html>not json</html>");
    case "slow":
      return new Promise((resolve) => setTimeout(() => resolve(Response.json(schema)), 500));
    case "listed":
      return Response.json([
        "iglu:com.acme/listed/jsonschema/1-0-0",
        "iglu:com.acme/listed/jsonschema/1-0-1",
      ]);
    case "badlist":
      return Response.json(["iglu:com.acme/badlist/jsonschema/1-0-1"]);
    default:
      return new Response("no", { status: 404 });
  }
}

let server: Loopback;
beforeAll(() => {
  server = serveLoopback(respond);
});
afterAll(async () => {
  await server.close();
});

describe("HttpRegistry", () => {
  test("requests {uri}/schemas/{path}, stripping one trailing slash, with the apikey header", async () => {
    const registry = new HttpRegistry(ref, { uri: `${server.url}/api/`, apikey: "8b4b4d5c-key" });
    const result = await registry.lookup(key("iglu:com.acme/ok/jsonschema/1-0-0"));
    expect(result).toEqual({ ok: true, value: schema });
    const request = server.requests.at(-1)!;
    expect(request.path).toBe("/api/schemas/com.acme/ok/jsonschema/1-0-0");
    expect(request.headers.get("apikey")).toBe("8b4b4d5c-key");
  });

  test("sends no apikey header when none is configured", async () => {
    const registry = new HttpRegistry(ref, { uri: server.url, apikey: null });
    await registry.lookup(key("iglu:com.acme/ok/jsonschema/1-0-0"));
    expect(server.requests.at(-1)!.headers.has("apikey")).toBe(false);
  });

  test("maps statuses as iglu-scala-client's http4s lookup does", async () => {
    const registry = new HttpRegistry(ref, { uri: server.url, apikey: null });
    const lookup = (name: string) => registry.lookup(key(`iglu:com.acme/${name}/jsonschema/1-0-0`));
    expect(await lookup("missing")).toEqual({ ok: false, error: { kind: "NotFound" } });
    expect(await lookup("broken")).toEqual({
      ok: false,
      error: { kind: "RepoFailure", message: "Unexpected server response: Internal error: database is down" },
    });
    expect(await lookup("forbidden")).toEqual({
      ok: false,
      error: { kind: "ClientFailure", message: "Unexpected response code: 403" },
    });
    expect(await lookup("teapot")).toEqual({
      ok: false,
      error: { kind: "ClientFailure", message: "Unexpected response: " },
    });
    const garbage = await lookup("garbage");
    expect(!garbage.ok && garbage.error.kind).toBe("ClientFailure");
    expect(!garbage.ok && garbage.error.kind !== "NotFound" && garbage.error.message).toMatch(
      /^Could not decode server response\. /,
    );
  });

  test("a timeout is a RepoFailure", async () => {
    const registry = new HttpRegistry(ref, { uri: server.url, apikey: null }, { timeoutMs: 50 });
    expect(await registry.lookup(key("iglu:com.acme/slow/jsonschema/1-0-0"))).toEqual({
      ok: false,
      error: { kind: "RepoFailure", message: "Request timed out after 50 ms" },
    });
  });

  test("a refused connection is a RepoFailure", async () => {
    const registry = new HttpRegistry(ref, { uri: await refusedUrl(), apikey: null });
    const result = await registry.lookup(key("iglu:com.acme/ok/jsonschema/1-0-0"));
    expect(!result.ok && result.error.kind).toBe("RepoFailure");
  });

  test("lists from {uri}/schemas/{vendor}/{name}/jsonschema/{model}", async () => {
    const registry = new HttpRegistry(ref, { uri: server.url, apikey: null });
    const list = await registry.list("com.acme", "listed", 1);
    expect(list.ok && list.value.map(formatSchemaKey)).toEqual([
      "iglu:com.acme/listed/jsonschema/1-0-0",
      "iglu:com.acme/listed/jsonschema/1-0-1",
    ]);
    expect(server.requests.at(-1)!.path).toBe("/schemas/com.acme/listed/jsonschema/1");
    expect(await registry.list("com.acme", "missing", 1)).toEqual({ ok: false, error: { kind: "NotFound" } });
    expect(await registry.list("com.acme", "badlist", 1)).toEqual({
      ok: false,
      error: {
        kind: "ClientFailure",
        message:
          "Could not decode server response. Cannot parse list of strings into SchemaList. " +
          "Init schema iglu:com.acme/badlist/jsonschema/1-0-1 is not 1-0-0",
      },
    });
  });
});

describe("HttpRegistry retries", () => {
  test("follow http4s's exponential backoff, capped by maxWait", () => {
    expect([1, 2, 3, 4].map((k) => retryDelayMs(k, 5000))).toEqual([1000, 3000, 5000, 5000]);
    expect(retryDelayMs(1, 1000)).toBe(1000);
  });

  test("repeat requests that may succeed later, waiting on the injected clock", async () => {
    let calls = 0;
    const flaky = serveLoopback(() => {
      calls += 1;
      return calls < 3 ? new Response("busy", { status: 503 }) : Response.json(schema);
    });
    try {
      const clock = new ManualClock();
      const registry = new HttpRegistry(
        ref,
        { uri: flaky.url, apikey: null },
        { retry: { maxRetry: 2, maxWaitMs: 1000 }, clock },
      );
      expect(await registry.lookup(key("iglu:com.acme/ok/jsonschema/1-0-0"))).toEqual({
        ok: true,
        value: schema,
      });
      expect(calls).toBe(3);
      expect(clock.slept).toEqual([1000, 1000]);
    } finally {
      await flaky.close();
    }
  });

  test("give up after maxRetry, and never retry a 404 or a 500", async () => {
    const clock = new ManualClock();
    const registry = new HttpRegistry(
      ref,
      { uri: server.url, apikey: null },
      { retry: { maxRetry: 2, maxWaitMs: 1000 }, clock },
    );
    const before = server.requests.length;
    await registry.lookup(key("iglu:com.acme/missing/jsonschema/1-0-0"));
    await registry.lookup(key("iglu:com.acme/broken/jsonschema/1-0-0"));
    expect(server.requests.length - before).toBe(2);
    expect(clock.slept).toEqual([]);
    const down = new HttpRegistry(
      ref,
      { uri: await refusedUrl(), apikey: null },
      { retry: { maxRetry: 2, maxWaitMs: 1000 }, clock },
    );
    const result = await down.lookup(key("iglu:com.acme/ok/jsonschema/1-0-0"));
    expect(!result.ok && result.error.kind).toBe("RepoFailure");
    expect(clock.slept).toEqual([1000, 1000]);
  });
});
