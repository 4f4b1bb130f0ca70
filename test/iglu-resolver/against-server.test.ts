/**
 * @module
 * The resolver against our own Iglu Server (src/apps/iglu-server, in-memory storage) on loopback,
 * configured as Snowplow users configure an Iglu Server: `http://host/api` with an apikey. Schemas
 * are published through the server's API first. Covers private schemas and the apikey, priority
 * against a static registry, cache TTL, superseding declared with `$supersedes`, and schema lists.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { fileSystemSource } from "../../src/adapters/iglu/file-system-source.ts";
import { createIgluServerApp } from "../../src/apps/iglu-server/app.ts";
import { MemorySchemaStore } from "../../src/apps/iglu-server/storage/memory-store.ts";
import type { Registry } from "../../src/core/iglu/registry.ts";
import { EmbeddedRegistry } from "../../src/core/iglu/registry-embedded.ts";
import { HttpRegistry } from "../../src/core/iglu/registry-http.ts";
import { Resolver } from "../../src/core/iglu/resolver.ts";
import { ManualClock } from "../../src/core/iglu/resolver-clock.ts";
import { formatSchemaKey, parseSchemaKey, type SchemaKey } from "../../src/core/iglu/schema-key.ts";
import { SELF_DESCRIBING_METASCHEMA_URI } from "../../src/core/iglu/self-describing-schema.ts";

const SUPER_KEY = "5c2f3a9e-8a47-4f0e-bb0e-1f7a2c3d4e5f";
const fixtures = fileURLToPath(new URL("../../fixtures/iglu-resolver", import.meta.url));

const key = (uri: string): SchemaKey => {
  const r = parseSchemaKey(uri);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

let server: ReturnType<typeof Bun.serve>;
let base: string;
const requests: { path: string; apikey: string | null }[] = [];

async function publish(
  vendor: string,
  name: string,
  version: string,
  body: Record<string, unknown>,
  isPublic = true,
): Promise<void> {
  const schema = {
    $schema: SELF_DESCRIBING_METASCHEMA_URI,
    self: { vendor, name, format: "jsonschema", version },
    description: `${name} ${version}, published for the resolver tests`,
    ...body,
  };
  const response = await fetch(
    `${base}/api/schemas/${vendor}/${name}/jsonschema/${version}?isPublic=${isPublic}`,
    {
      method: "PUT",
      headers: { apikey: SUPER_KEY, "content-type": "application/json" },
      body: JSON.stringify(schema),
    },
  );
  if (response.status !== 201)
    throw new Error(`publishing ${name} ${version}: ${response.status} ${await response.text()}`);
}

const object = (properties: Record<string, unknown>, required: string[]) => ({
  type: "object",
  properties,
  required,
  additionalProperties: false,
});

beforeAll(async () => {
  const app = createIgluServerApp({ store: new MemorySchemaStore(), superApiKey: SUPER_KEY, cache: false });
  server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch(request) {
      requests.push({ path: new URL(request.url).pathname, apikey: request.headers.get("apikey") });
      return app.fetch(request);
    },
  });
  base = `http://127.0.0.1:${server.port}`;
  const v = "com.furrow.served";
  await publish(v, "page", "1-0-0", object({ id: { type: "string", format: "uuid" } }, ["id"]));
  await publish(v, "secret", "1-0-0", object({ code: { type: "string" } }, ["code"]), false);
  await publish(v, "order", "1-0-0", object({ total: { type: "number" } }, ["total"]));
  await publish(
    v,
    "order",
    "1-0-1",
    object({ total: { type: "number" }, note: { type: "string" } }, ["total"]),
  );
  await publish(v, "order", "1-1-0", {
    ...object({ total: { type: "number" }, note: { type: ["string", "null"] } }, ["total"]),
    $supersedes: ["1-0-0", "1-0-1"],
  });
  // The server also holds the fixtures' page_context, with a different body, for priority tests.
  await publish("com.furrow.example", "page_context", "1-0-0", object({ id: { type: "boolean" } }, ["id"]));
});

afterAll(async () => {
  await server.stop(true);
});

function resolverWith(
  registries: Registry[],
  options: { cacheTtlSeconds?: number; clock?: ManualClock } = {},
) {
  return new Resolver(registries, {
    cacheSize: 100,
    cacheTtlSeconds: options.cacheTtlSeconds ?? null,
    clock: options.clock ?? new ManualClock(Date.UTC(2024, 0, 1)),
  });
}

const igluServer = (apikey: string | null, priority = 0, vendorPrefixes: string[] = []) =>
  new HttpRegistry({ name: "Iglu Server", priority, vendorPrefixes }, { uri: `${base}/api`, apikey });

describe("the resolver against our Iglu Server", () => {
  test("resolves and validates public schemas at {uri}/schemas/…", async () => {
    const resolver = resolverWith([igluServer(null)]);
    const page = key("iglu:com.furrow.served/page/jsonschema/1-0-0");
    expect(
      await resolver.validate({ schema: page, data: { id: "0a1b2c3d-4e5f-4a7b-8c9d-0e1f2a3b4c5d" } }),
    ).toEqual({
      ok: true,
      value: { schemaKey: page, supersededBy: null },
    });
    expect(requests.at(-1)?.path).toBe("/api/schemas/com.furrow.served/page/jsonschema/1-0-0");
    const bad = await resolver.validate({ schema: page, data: { id: 5 } });
    expect(!bad.ok && bad.error.kind).toBe("ValidationError");
  });

  test("a private schema is NotFound without a key and found with one, sent as the apikey header", async () => {
    const secret = key("iglu:com.furrow.served/secret/jsonschema/1-0-0");
    const anonymous = await resolverWith([igluServer(null)]).validate({
      schema: secret,
      data: { code: "x" },
    });
    const history =
      !anonymous.ok && anonymous.error.kind === "ResolutionError" ? anonymous.error.lookupHistory : [];
    expect(history.find((h) => h.repository === "Iglu Server")?.errors).toEqual([{ kind: "NotFound" }]);
    const keyed = await resolverWith([igluServer(SUPER_KEY)]).validate({
      schema: secret,
      data: { code: "x" },
    });
    expect(keyed.ok).toBe(true);
    expect(requests.at(-1)).toEqual({
      path: "/api/schemas/com.furrow.served/secret/jsonschema/1-0-0",
      apikey: SUPER_KEY,
    });
  });

  test("priority and vendor prefixes choose between the server and a static registry", async () => {
    const files = new EmbeddedRegistry(
      { name: "Files", priority: 0, vendorPrefixes: [] },
      join(fixtures, "registry"),
      fileSystemSource(),
    );
    const pageKey = key("iglu:com.furrow.example/page_context/jsonschema/1-0-0");
    const fromFiles = { schema: pageKey, data: { id: "0a1b2c3d-4e5f-4a7b-8c9d-0e1f2a3b4c5d" } };
    const fromServer = { schema: pageKey, data: { id: true } };
    // An embedded registry sorts before HTTP ones…
    expect((await resolverWith([igluServer(null), files]).validate(fromFiles)).ok).toBe(true);
    // …unless the HTTP one matches the vendor prefix.
    const preferred = resolverWith([igluServer(null, 50, ["com.furrow.example"]), files]);
    expect((await preferred.validate(fromServer)).ok).toBe(true);
  });

  test("caches for cacheTtl", async () => {
    const clock = new ManualClock(Date.UTC(2024, 0, 1));
    const resolver = resolverWith([igluServer(null)], { cacheTtlSeconds: 30, clock });
    const page = {
      schema: key("iglu:com.furrow.served/page/jsonschema/1-0-0"),
      data: { id: "0a1b2c3d-4e5f-4a7b-8c9d-0e1f2a3b4c5d" },
    };
    const path = "/api/schemas/com.furrow.served/page/jsonschema/1-0-0";
    const count = () => requests.filter((r) => r.path === path).length;
    const before = count();
    await resolver.validate(page);
    await resolver.validate(page);
    clock.advance(29_999);
    await resolver.validate(page);
    expect(count() - before).toBe(1);
    clock.advance(1);
    await resolver.validate(page);
    expect(count() - before).toBe(2);
  });

  test("follows the $supersededBy the server derives from $supersedes", async () => {
    const resolver = resolverWith([igluServer(null)]);
    const old = key("iglu:com.furrow.served/order/jsonschema/1-0-0");
    const checked = await resolver.validate({ schema: old, data: { total: 10, note: null } });
    expect(checked.ok && formatSchemaKey(checked.value.schemaKey)).toBe(
      "iglu:com.furrow.served/order/jsonschema/1-1-0",
    );
    const invalid = await resolver.validate({ schema: old, data: { note: "no total" } });
    expect(!invalid.ok && invalid.error.kind === "ValidationError" && invalid.error.supersededBy).toBe(
      "1-1-0",
    );
  });

  test("lists a model from the server's list endpoint", async () => {
    const resolver = resolverWith([igluServer(null)]);
    const list = await resolver.listSchemas("com.furrow.served", "order", 1);
    expect(list.ok && list.value.map(formatSchemaKey)).toEqual(
      ["1-0-0", "1-0-1", "1-1-0"].map((v) => `iglu:com.furrow.served/order/jsonschema/${v}`),
    );
    expect(requests.at(-1)?.path).toBe("/api/schemas/com.furrow.served/order/jsonschema/1");
    const until = await resolver.lookupSchemasUntil(key("iglu:com.furrow.served/order/jsonschema/1-1-0"));
    expect(until.ok && until.value.length).toBe(3);
    expect((await resolver.listSchemas("com.furrow.served", "nothing", 1)).ok).toBe(false);
  });
});
