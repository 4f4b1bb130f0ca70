/**
 * @module
 * The Iglu Server API conformance suite: one case per row of behaviour in the reference digest
 * (../shared/reference/iglu-and-loaders.md §1, from Snowplow's Iglu Server 0.14.0 and its specs),
 * each checking status and body. `api-conformance.test.ts` runs it on every storage.
 * Requests go through the app in process (`app.request`), a fresh store per case.
 */
import { test as bunTest, describe, expect } from "bun:test";
import { createIgluServerApp, type IgluServerOptions } from "../../src/apps/iglu-server/app.ts";
import { parseVendorScope } from "../../src/apps/iglu-server/permission.ts";
import type { SchemaStore } from "../../src/apps/iglu-server/storage/schema-store.ts";
import type { StoreUnderTest } from "../../src/apps/iglu-server/storage/store-conformance.ts";

export const SUPER_KEY = "3f1d0a4e-2b6c-4c8e-9a7d-5e2f1b0c9d8a";
const META = "http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#";

export interface Reply {
  readonly status: number;
  readonly text: string;
  /** The body as JSON, or undefined when it is not JSON. */
  readonly json: unknown;
  readonly headers: Headers;
}

export interface Harness {
  readonly store: SchemaStore;
  call(
    method: string,
    path: string,
    options?: { key?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<Reply>;
}

/** A self-describing schema for `uri`'s parts with the given body members. */
export function selfDescribing(
  vendor: string,
  name: string,
  version: string,
  body: Record<string, unknown> = {},
) {
  return {
    $schema: META,
    self: { vendor, name, format: "jsonschema", version },
    type: "object",
    properties: {},
    ...body,
  };
}

/** A body that lints without errors. */
const BODY = { type: "object", properties: { a: { type: "string", maxLength: 10 } }, description: "x" };

function harness(store: SchemaStore, options: Partial<IgluServerOptions> = {}): Harness {
  const app = createIgluServerApp({ store, superApiKey: SUPER_KEY, log: () => {}, ...options });
  return {
    store,
    async call(method, path, { key, body, headers = {} } = {}) {
      const h: Record<string, string> = { ...headers };
      if (key !== undefined) h["apikey"] = key;
      const init: RequestInit = { method, headers: h };
      if (body !== undefined) init.body = typeof body === "string" ? body : JSON.stringify(body);
      const res = await app.request(path, init);
      const text = await res.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {}
      return { status: res.status, text, json, headers: res.headers };
    },
  };
}

/** Registers the suite; `fresh` gives an empty store per case. */
export function igluApiConformance(label: string, fresh: () => Promise<StoreUnderTest>): void {
  const test = (
    name: string,
    body: (fresh: (o?: Partial<IgluServerOptions>) => Promise<Harness>) => Promise<void>,
  ) =>
    bunTest(
      name,
      async () => {
        const opened: StoreUnderTest[] = [];
        try {
          await body(async (options) => {
            const under = await fresh();
            opened.push(under);
            return harness(under.store, options);
          });
        } finally {
          for (const u of opened) await u.close();
        }
      },
      60_000,
    );

  /** PUTs a schema with the super key; expects success. */
  const put = async (h: Harness, path: string, body: unknown = BODY, query = "") => {
    const r = await h.call("PUT", `/api/schemas/${path}${query}`, { key: SUPER_KEY, body });
    if (r.status !== 201 && r.status !== 200) throw new Error(`PUT ${path}: ${r.status} ${r.text}`);
    return r;
  };

  /** Adds a key with a permission straight into the store. */
  const keyWith = async (
    h: Harness,
    vendor: string,
    schema: "READ" | "CREATE" | null,
    key: ("CREATE" | "DELETE")[] = [],
  ) => {
    const id = crypto.randomUUID();
    await h.store.addPermission(id, { vendor: parseVendorScope(vendor), schema, key });
    return id;
  };

  describe(label, () => {
    describe("every route", () => {
      test("an unknown endpoint is 404 The endpoint does not exist", async (fresh) => {
        const h = await fresh();
        for (const path of ["/boom", "/api/boom", "/api/schemas/a/b/c", "/static/swagger-ui/index.html"]) {
          const r = await h.call("GET", path);
          expect({ path, status: r.status, json: r.json }).toEqual({
            path,
            status: 404,
            json: { message: "The endpoint does not exist" },
          });
        }
      });

      test("no apikey header is anonymous: public schemas readable, private ones 404", async (fresh) => {
        const h = await fresh();
        await put(h, "com.acme/pub/jsonschema/1-0-0", BODY, "?isPublic=true");
        await put(h, "com.acme/priv/jsonschema/1-0-0");
        expect((await h.call("GET", "/api/schemas/com.acme/pub/jsonschema/1-0-0")).status).toBe(200);
        const hidden = await h.call("GET", "/api/schemas/com.acme/priv/jsonschema/1-0-0");
        expect([hidden.status, hidden.json]).toEqual([404, { message: "The schema is not found" }]);
        expect((await h.call("GET", "/api/schemas")).json).toEqual(["iglu:com.acme/pub/jsonschema/1-0-0"]);
      });

      test("an unknown UUID key is anonymous too (key existence never leaks)", async (fresh) => {
        const h = await fresh();
        await put(h, "com.acme/priv/jsonschema/1-0-0");
        const r = await h.call("GET", "/api/schemas/com.acme/priv/jsonschema/1-0-0", {
          key: crypto.randomUUID(),
        });
        expect([r.status, r.json]).toEqual([404, { message: "The schema is not found" }]);
      });

      test("a non-UUID apikey is 400 Invalid UUID for ApiKey", async (fresh) => {
        const h = await fresh();
        for (const path of [
          "/api/schemas",
          "/api/meta/health",
          "/api/drafts",
          "/schemas/a/b/jsonschema/1-0-0",
        ]) {
          const r = await h.call("GET", path, { key: "not-a-uuid" });
          expect([path, r.status, r.json]).toEqual([path, 400, { message: "Invalid UUID for ApiKey" }]);
        }
      });

      test("the configured super key may do anything", async (fresh) => {
        const h = await fresh();
        await put(h, "com.acme/priv/jsonschema/1-0-0");
        expect(
          (await h.call("GET", "/api/schemas/com.acme/priv/jsonschema/1-0-0", { key: SUPER_KEY })).status,
        ).toBe(200);
        const server = await h.call("GET", "/api/meta/server", { key: SUPER_KEY.toUpperCase() });
        expect((server.json as { authInfo: unknown }).authInfo).toEqual({
          vendor: "",
          schema: "CREATE_VENDOR",
          key: ["CREATE", "DELETE"],
        });
      });

      test("a body over 100000 bytes is 413 The payload is too large", async (fresh) => {
        const h = await fresh();
        const huge = selfDescribing("com.acme", "first", "1-0-0", {
          properties: { ["a".repeat(100_000)]: { type: "string" } },
        });
        for (const path of ["/api/schemas", "/api/validation/validate/schema/jsonschema"]) {
          const r = await h.call("POST", path, { key: SUPER_KEY, body: huge });
          expect([path, r.status, r.json]).toEqual([path, 413, { message: "The payload is too large" }]);
        }
        const atLimit = await fresh({ maxPayloadSize: 20 });
        expect(
          (await atLimit.call("POST", "/api/auth/keygen", { key: SUPER_KEY, body: '{"vendorPrefix":"c"}' }))
            .status,
        ).toBe(200);
        expect(
          (await atLimit.call("POST", "/api/auth/keygen", { key: SUPER_KEY, body: '{"vendorPrefix":"co"}' }))
            .status,
        ).toBe(413);
        expect(await h.store.listSchemaKeys()).toEqual([]);
      });

      test("JSON nested 40 deep is 422 The request body was invalid., 39 is fine", async (fresh) => {
        const h = await fresh();
        const nest = (depth: number): unknown => (depth === 0 ? 1 : { a: nest(depth - 1) });
        const deepArray = `${"[".repeat(45)}${"]".repeat(45)}`;
        const cases: [string, string, unknown][] = [
          [
            "PUT",
            "/api/schemas/com.acme/deep/jsonschema/1-0-0",
            { type: "object", properties: {}, x: nest(40) },
          ],
          ["PUT", "/api/schemas/com.acme/deep/jsonschema/1-0-0", deepArray],
          ["POST", "/api/schemas", selfDescribing("com.acme", "deep", "1-0-0", { x: nest(40) })],
          ["POST", "/api/schemas/validate/com.acme/deep/jsonschema/1-0-0", deepArray],
          [
            "POST",
            "/api/validation/validate/instance",
            { schema: "iglu:com.acme/deep/jsonschema/1-0-0", data: nest(40) },
          ],
        ];
        for (const [method, path, body] of cases) {
          const r = await h.call(method, path, { key: SUPER_KEY, body });
          expect([method, path, r.status, r.json]).toEqual([
            method,
            path,
            422,
            { message: "The request body was invalid." },
          ]);
        }
        const ok = await h.call("PUT", "/api/schemas/com.acme/deep/jsonschema/1-0-0", {
          key: SUPER_KEY,
          body: { type: "object", properties: {}, x: nest(38) },
        });
        expect(ok.status).toBe(201);
      });

      test("malformed JSON is 400 The request body was malformed.", async (fresh) => {
        const h = await fresh();
        for (const body of ["{", "", "vendorPrefix=com.acme", '{"a":1}x']) {
          const r = await h.call("PUT", "/api/schemas/com.acme/x/jsonschema/1-0-0", { key: SUPER_KEY, body });
          expect([body, r.status, r.json]).toEqual([
            body,
            400,
            { message: "The request body was malformed." },
          ]);
        }
      });

      test("CORS: any origin is echoed; a preflight allows the reference's methods and headers for a day", async (fresh) => {
        const h = await fresh();
        const r = await h.call("GET", "/api/meta/health", { headers: { origin: "https://ui.example" } });
        expect(r.headers.get("access-control-allow-origin")).toBe("https://ui.example");
        // A cached answer carries the same headers as the first one.
        const first = await h.call("GET", "/api/schemas", { headers: { origin: "https://ui.example" } });
        const cached = await h.call("GET", "/api/schemas", { headers: { origin: "https://ui.example" } });
        expect([...cached.headers].sort()).toEqual([...first.headers].sort());
        expect(cached.headers.get("access-control-allow-origin")).toBe("https://ui.example");
        const pre = await h.call("OPTIONS", "/api/schemas/com.acme/x/jsonschema/1-0-0", {
          headers: {
            origin: "https://ui.example",
            "access-control-request-method": "PUT",
            "access-control-request-headers": "apikey, content-type",
          },
        });
        expect(pre.status).toBeLessThan(300);
        expect(pre.headers.get("access-control-allow-origin")).toBe("https://ui.example");
        expect(pre.headers.get("access-control-allow-methods")?.split(",")).toEqual([
          "GET",
          "POST",
          "PUT",
          "OPTIONS",
          "DELETE",
        ]);
        expect(pre.headers.get("access-control-allow-headers")?.split(",")).toEqual([
          "content-type",
          "apikey",
        ]);
        expect(pre.headers.get("access-control-max-age")).toBe("86400");
      });

      test("cache: 2xx GETs under /schemas are kept per URI and apikey, 5 s under /api/schemas, 60 s elsewhere", async (fresh) => {
        let now = 1_000_000;
        const h = await fresh({ cache: { now: () => now } });
        await put(h, "com.acme/c/jsonschema/1-0-0", BODY, "?isPublic=true");
        const uri = "/api/schemas/com.acme/c/jsonschema/1-0-0";
        const staticUri = "/schemas/com.acme/c/jsonschema/1-0-0";
        expect((await h.call("GET", uri)).status).toBe(200);
        expect((await h.call("GET", staticUri)).status).toBe(200);
        // Removed behind the cache's back: cached answers stay until they expire.
        await h.store.deleteSchema({
          vendor: "com.acme",
          name: "c",
          format: "jsonschema",
          version: { model: 1, revision: 0, addition: 0 },
        });
        expect((await h.call("GET", uri)).status).toBe(200);
        expect((await h.call("GET", uri, { key: SUPER_KEY })).status).toBe(404);
        now += 5_001;
        expect((await h.call("GET", uri)).status).toBe(404);
        expect((await h.call("GET", staticUri)).status).toBe(200);
        now += 55_000;
        expect((await h.call("GET", staticUri)).status).toBe(404);
      });

      test("cache: a successful PUT, POST or DELETE empties it; a failed one does not", async (fresh) => {
        const h = await fresh({ patchesAllowed: true });
        await put(h, "com.acme/c/jsonschema/1-0-0", BODY, "?isPublic=true");
        expect((await h.call("GET", "/api/schemas")).json).toEqual(["iglu:com.acme/c/jsonschema/1-0-0"]);
        await h.store.deleteSchema({
          vendor: "com.acme",
          name: "c",
          format: "jsonschema",
          version: { model: 1, revision: 0, addition: 0 },
        });
        expect((await h.call("PUT", "/api/schemas/com.acme/x/jsonschema/1-0-0", { body: BODY })).status).toBe(
          403,
        );
        expect((await h.call("GET", "/api/schemas")).json).toEqual(["iglu:com.acme/c/jsonschema/1-0-0"]);
        expect(
          (await h.call("POST", "/api/auth/keygen", { key: SUPER_KEY, body: { vendorPrefix: "x" } })).status,
        ).toBe(200);
        expect((await h.call("GET", "/api/schemas")).json).toEqual([]);
      });

      test("webhooks: create and update call every matching hook with {schemaKey, updated}", async (fresh) => {
        const calls: { url: string; method: string; body: string | null }[] = [];
        const send = (async (url: string, init: RequestInit) => {
          calls.push({ url, method: init.method ?? "GET", body: (init.body as string | undefined) ?? null });
          return new Response("ok");
        }) as unknown as typeof fetch;
        const h = await fresh({
          patchesAllowed: true,
          send,
          webhooks: [
            { uri: "http://hooks/all", usePost: true },
            { uri: "http://hooks/acme", vendorPrefixes: ["com.acme"], usePost: true },
            { uri: "http://hooks/other", vendorPrefixes: ["com.other"] },
            { uri: "http://hooks/get", vendorPrefixes: ["com."] },
          ],
        });
        await put(h, "com.acme.shop/a/jsonschema/1-0-0");
        await put(h, "com.acme.shop/a/jsonschema/1-0-0");
        expect(calls).toEqual([
          {
            url: "http://hooks/all",
            method: "POST",
            body: '{"schemaKey":"iglu:com.acme.shop/a/jsonschema/1-0-0","updated":false}',
          },
          {
            url: "http://hooks/acme",
            method: "POST",
            body: '{"schemaKey":"iglu:com.acme.shop/a/jsonschema/1-0-0","updated":false}',
          },
          { url: "http://hooks/get", method: "GET", body: null },
          {
            url: "http://hooks/all",
            method: "POST",
            body: '{"schemaKey":"iglu:com.acme.shop/a/jsonschema/1-0-0","updated":true}',
          },
          {
            url: "http://hooks/acme",
            method: "POST",
            body: '{"schemaKey":"iglu:com.acme.shop/a/jsonschema/1-0-0","updated":true}',
          },
          { url: "http://hooks/get", method: "GET", body: null },
        ]);
        // A refused publish calls nothing; a failing hook does not fail the publish.
        calls.length = 0;
        expect(
          (await h.call("PUT", "/api/schemas/com.acme/b/jsonschema/1-0-1", { key: SUPER_KEY, body: BODY }))
            .status,
        ).toBe(409);
        expect(calls).toEqual([]);
        const failing = await fresh({
          send: (async () => {
            throw new Error("connection refused");
          }) as unknown as typeof fetch,
          webhooks: [{ uri: "http://down/" }],
        });
        expect((await put(failing, "com.acme/a/jsonschema/1-0-0")).status).toBe(201);
      });

      test("HSTS, when configured, is on every response", async (fresh) => {
        const h = await fresh({ hstsMaxAgeSeconds: 15552000 });
        for (const path of ["/api/schemas", "/api/schemas", "/nonExistingEndpoint"]) {
          expect((await h.call("GET", path)).headers.get("strict-transport-security")).toBe(
            "max-age=15552000; includeSubDomains",
          );
        }
        const off = await fresh();
        expect((await off.call("GET", "/api/schemas")).headers.get("strict-transport-security")).toBeNull();
      });

      test("paths answer with a trailing slash too, and each service has a swagger.json", async (fresh) => {
        const h = await fresh();
        expect((await h.call("GET", "/api/schemas/")).json).toEqual([]);
        expect((await h.call("GET", "/api/meta/health/")).text).toBe("OK");
        for (const service of ["meta", "schemas", "auth", "validation", "drafts"]) {
          const r = await h.call("GET", `/api/${service}/swagger.json`);
          expect(r.status).toBe(200);
          expect(r.json).toMatchObject({ swagger: "2.0", basePath: `/api/${service}` });
        }
      });
    });

    describe("permission model", () => {
      test("a vendor prefix covers whole dot segments: com.acme covers com.acme.x, not com.acmeinc", async (fresh) => {
        const h = await fresh();
        for (const v of ["com.acme", "com.acme.shop", "com.acmeinc", "com"])
          await put(h, `${v}/s/jsonschema/1-0-0`);
        const read = await keyWith(h, "com.acme", "READ");
        const visible = (await h.call("GET", "/api/schemas", { key: read })).json;
        expect(visible).toEqual([
          "iglu:com.acme/s/jsonschema/1-0-0",
          "iglu:com.acme.shop/s/jsonschema/1-0-0",
        ]);
        const all = await keyWith(h, "*", "READ");
        expect((await h.call("GET", "/api/schemas", { key: all })).json).toHaveLength(4);
        const blank = await keyWith(h, " ", "READ");
        expect((await h.call("GET", "/api/schemas", { key: blank })).json).toHaveLength(4);
      });

      test("reading needs a schema or key action; an unreadable schema is 404, never 403", async (fresh) => {
        const h = await fresh();
        await put(h, "com.acme/s/jsonschema/1-0-0");
        const none = await keyWith(h, "com.acme", null);
        const keysOnly = await keyWith(h, "com.acme", null, ["DELETE"]);
        const other = await keyWith(h, "com.other", "CREATE");
        const uri = "/api/schemas/com.acme/s/jsonschema/1-0-0";
        expect((await h.call("GET", uri, { key: none })).status).toBe(404);
        expect((await h.call("GET", uri, { key: keysOnly })).status).toBe(200);
        const r = await h.call("GET", uri, { key: other });
        expect([r.status, r.json]).toEqual([404, { message: "The schema is not found" }]);
      });

      test("publishing needs an action above READ (or a key action) within the vendor scope, else 403", async (fresh) => {
        const h = await fresh();
        const read = await keyWith(h, "com.acme", "READ");
        const create = await keyWith(h, "com.acme", "CREATE");
        const keyAction = await keyWith(h, "com.acme", null, ["CREATE"]);
        const path = "/api/schemas/com.acme/s/jsonschema/1-0-0";
        for (const key of [undefined, read]) {
          const r = await h.call("PUT", path, { key, body: BODY });
          expect([r.status, r.json]).toEqual([403, { message: "Authentication error: not authorized" }]);
        }
        expect(
          (await h.call("PUT", "/api/schemas/com.acmeinc/s/jsonschema/1-0-0", { key: create, body: BODY }))
            .status,
        ).toBe(403);
        expect((await h.call("PUT", path, { key: create, body: BODY })).status).toBe(201);
        expect(
          (await h.call("PUT", "/api/schemas/com.acme.x/s/jsonschema/1-0-0", { key: keyAction, body: BODY }))
            .status,
        ).toBe(201);
      });
    });

    describe("schema reads", () => {
      test("repr=canonical (the default for one schema), meta and uri; an unknown repr is 400", async (fresh) => {
        const h = await fresh();
        await put(h, "com.acme/r/jsonschema/1-0-0", { description: "d", type: "object", properties: {} });
        const path = "/api/schemas/com.acme/r/jsonschema/1-0-0";
        const self = { vendor: "com.acme", name: "r", format: "jsonschema", version: "1-0-0" };
        const canonical = await h.call("GET", path, { key: SUPER_KEY });
        expect(canonical.text).toBe(
          JSON.stringify({ $schema: META, self, description: "d", type: "object", properties: {} }),
        );
        expect((await h.call("GET", `${path}?repr=CANONICAL`, { key: SUPER_KEY })).text).toBe(canonical.text);
        const meta = (await h.call("GET", `${path}?repr=meta`, { key: SUPER_KEY })).json as Record<
          string,
          unknown
        >;
        expect(Object.keys(meta)).toEqual(["self", "metadata", "description", "type", "properties"]);
        expect(meta["metadata"]).toEqual({
          createdAt: expect.stringMatching(/Z$/),
          updatedAt: expect.stringMatching(/Z$/),
          isPublic: false,
        });
        expect((await h.call("GET", `${path}?repr=uri`, { key: SUPER_KEY })).json).toBe(
          "iglu:com.acme/r/jsonschema/1-0-0",
        );
        const bad = await h.call("GET", `${path}?repr=xml`, { key: SUPER_KEY });
        expect([bad.status, bad.json]).toEqual([
          400,
          { message: "Unknown schema representation format: 'xml'" },
        ]);
      });

      test("GET one schema: 404 The schema is not found; a bad version is 400 with the reference's text", async (fresh) => {
        const h = await fresh();
        const missing = await h.call("GET", "/api/schemas/com.acme/nonexistent/jsonschema/1-0-0");
        expect([missing.status, missing.json]).toEqual([404, { message: "The schema is not found" }]);
        const bad = await h.call("GET", "/api/schemas/com.acme/nonexistent/jsonschema/boom");
        expect([bad.status, bad.json]).toEqual([
          400,
          { message: "Cannot parse version part 'boom' as SchemaVer, INVALID_SCHEMAVER" },
        ]);
        expect((await h.call("GET", "/api/schemas/com.acme/nonexistent/jsonschema/0-1-0")).status).toBe(400);
      });

      test("GET /api/schemas lists readable schemas in creation order (uri by default), possibly []", async (fresh) => {
        const h = await fresh();
        expect((await h.call("GET", "/api/schemas")).json).toEqual([]);
        const order = ["1-0-0", "1-0-1", "2-0-0", "1-0-2", "1-1-0"];
        for (const v of order) await put(h, `com.acme/nonexistent/jsonschema/${v}`);
        const uris = order.map((v) => `iglu:com.acme/nonexistent/jsonschema/${v}`);
        expect((await h.call("GET", "/api/schemas", { key: SUPER_KEY })).json).toEqual(uris);
        const canonical = (await h.call("GET", "/api/schemas?repr=canonical", { key: SUPER_KEY })).json as {
          self: { version: string };
        }[];
        expect(canonical.map((s) => s.self.version)).toEqual(order);
        // SchemaServiceSpec e15: the model list keeps creation order too.
        expect(
          (await h.call("GET", "/api/schemas/com.acme/nonexistent/jsonschema/1", { key: SUPER_KEY })).text,
        ).toBe(JSON.stringify(uris.filter((u) => !u.endsWith("2-0-0"))));
      });

      test("vendor, name and model lists: non-empty, or 404 No schemas available", async (fresh) => {
        const h = await fresh();
        await put(h, "com.acme/a/jsonschema/1-0-0", BODY, "?isPublic=true");
        await put(h, "com.acme/b/jsonschema/1-0-0");
        expect((await h.call("GET", "/api/schemas/com.acme")).json).toEqual([
          "iglu:com.acme/a/jsonschema/1-0-0",
        ]);
        expect((await h.call("GET", "/api/schemas/com.acme", { key: SUPER_KEY })).json).toHaveLength(2);
        expect((await h.call("GET", "/api/schemas/com.acme/b", { key: SUPER_KEY })).json).toEqual([
          "iglu:com.acme/b/jsonschema/1-0-0",
        ]);
        const meta = (await h.call("GET", "/api/schemas/com.acme/a?repr=meta")).json as {
          metadata: unknown;
        }[];
        expect(meta[0]?.metadata).toBeDefined();
        for (const path of [
          "/api/schemas/com.acme/b",
          "/api/schemas/com.none",
          "/api/schemas/com.acme/a/jsonschema/2",
        ]) {
          const r = await h.call("GET", path);
          expect([path, r.status, r.json]).toEqual([path, 404, { message: "No schemas available" }]);
        }
      });

      test("the static layout serves the same schemas and lists under /schemas", async (fresh) => {
        const h = await fresh();
        await put(h, "com.acme/st/jsonschema/1-0-0", BODY, "?isPublic=true");
        await put(h, "com.acme/st/jsonschema/1-0-1", BODY, "?isPublic=true");
        const api = await h.call("GET", "/api/schemas/com.acme/st/jsonschema/1-0-1");
        const plain = await h.call("GET", "/schemas/com.acme/st/jsonschema/1-0-1");
        expect([plain.status, plain.text]).toEqual([200, api.text]);
        expect((await h.call("GET", "/schemas/com.acme/st/jsonschema/1")).json).toEqual([
          "iglu:com.acme/st/jsonschema/1-0-0",
          "iglu:com.acme/st/jsonschema/1-0-1",
        ]);
        expect((await h.call("GET", "/schemas/com.acme/st/jsonschema/1-0-2")).status).toBe(404);
      });
    });

    describe("publishing", () => {
      test("PUT of a bare body: the server adds self (ServerSpec e3, SchemaServiceSpec e17)", async (fresh) => {
        const h = await fresh();
        const r = await h.call("PUT", "/api/schemas/com.acme/first/jsonschema/1-0-0", {
          key: SUPER_KEY,
          body: { properties: {} },
        });
        expect([r.status, r.json]).toEqual([
          201,
          {
            message: "Schema created",
            updated: false,
            location: "iglu:com.acme/first/jsonschema/1-0-0",
            status: 201,
          },
        ]);
        expect(
          (await h.call("GET", "/api/schemas/com.acme/first/jsonschema/1-0-0", { key: SUPER_KEY })).json,
        ).toEqual({
          $schema: META,
          self: { vendor: "com.acme", name: "first", format: "jsonschema", version: "1-0-0" },
          properties: {},
        });
      });

      test("PUT of a self-describing body whose self is not the URI is 400 Mismatch", async (fresh) => {
        const h = await fresh();
        const r = await h.call("PUT", "/api/schemas/com.acme/first/jsonschema/1-0-0", {
          key: SUPER_KEY,
          body: selfDescribing("com.acme", "second", "1-0-0"),
        });
        expect([r.status, r.json]).toEqual([
          400,
          {
            uriSchemaKey: "iglu:com.acme/first/jsonschema/1-0-0",
            payloadSchemaKey: "iglu:com.acme/second/jsonschema/1-0-0",
            message: "Mismatch: the schema metadata does not match the payload and URI",
          },
        ]);
        expect(await h.store.listSchemaKeys()).toEqual([]);
      });

      test("POST needs a self-describing body (else 400 Cannot decode JSON schema); isPublic applies", async (fresh) => {
        const h = await fresh();
        const bare = await h.call("POST", "/api/schemas", { key: SUPER_KEY, body: BODY });
        expect([bare.status, bare.json]).toEqual([400, { message: "Cannot decode JSON schema" }]);
        const r = await h.call("POST", "/api/schemas?isPublic=true", {
          key: SUPER_KEY,
          body: selfDescribing("com.acme", "first", "1-0-0"),
        });
        expect([r.status, r.json]).toEqual([
          201,
          {
            message: "Schema created",
            updated: false,
            location: "iglu:com.acme/first/jsonschema/1-0-0",
            status: 201,
          },
        ]);
        expect((await h.call("GET", "/api/schemas/com.acme/first/jsonschema/1-0-0")).status).toBe(200);
        const badFlag = await h.call("POST", "/api/schemas?isPublic=yes", { key: SUPER_KEY, body: BODY });
        expect([badFlag.status, badFlag.json]).toEqual([400, { message: "Invalid boolean format: 'yes'" }]);
      });

      test("$supersedes and $supersededBy are taken out of the body; $supersededBy is ignored", async (fresh) => {
        const h = await fresh();
        await put(h, "com.acme/s/jsonschema/1-0-0", { ...BODY, $supersededBy: "1-0-1" });
        await put(h, "com.acme/s/jsonschema/1-0-1", { ...BODY, $supersedes: ["1-0-0"] });
        const first = (await h.call("GET", "/api/schemas/com.acme/s/jsonschema/1-0-0", { key: SUPER_KEY }))
          .json;
        const second = (await h.call("GET", "/api/schemas/com.acme/s/jsonschema/1-0-1", { key: SUPER_KEY }))
          .text;
        expect(Object.keys(first as object)).toEqual([
          "$schema",
          "$supersededBy",
          "self",
          ...Object.keys(BODY),
        ]);
        expect((first as Record<string, unknown>)["$supersededBy"]).toBe("1-0-1");
        expect(second).toStartWith(`{"$schema":"${META}","$supersedes":["1-0-0"],"self":`);
        const stored = await h.store.getSchema({
          vendor: "com.acme",
          name: "s",
          format: "jsonschema",
          version: { model: 1, revision: 0, addition: 1 },
        });
        expect(stored?.body).not.toContain("supersede");
        // A $supersedes that is not a list of versions cannot be decoded.
        const bad = await h.call("PUT", "/api/schemas/com.acme/s/jsonschema/1-0-2", {
          key: SUPER_KEY,
          body: { ...BODY, $supersedes: ["one"] },
        });
        expect([bad.status, bad.json]).toEqual([422, { message: "The request body was invalid." }]);
      });

      test("lint errors are 400 with the report; warnings do not block (SchemaServiceSpec e16)", async (fresh) => {
        const h = await fresh();
        const r = await h.call("PUT", "/api/schemas/com.acme/nonexistent/jsonschema/1-0-0", {
          key: SUPER_KEY,
          body: selfDescribing("com.acme", "nonexistent", "1-0-0", {
            additionalProperties: false,
            required: ["xyz"],
          }),
        });
        expect(r.status).toBe(400);
        const body = r.json as {
          message: string;
          report: { message: string; level: string; pointer: string }[];
        };
        expect(body.message).toBe("The schema does not conform to a JSON Schema v4 specification");
        expect(body.report).toContainEqual({
          message: "Elements specified as required [xyz] don't exist in schema properties",
          level: "ERROR",
          pointer: "/",
        });
        for (const m of body.report) expect(Object.keys(m)).toEqual(["message", "level", "pointer"]);
        const badType = await h.call("PUT", "/api/schemas/com.acme/t/jsonschema/1-0-0", {
          key: SUPER_KEY,
          body: { type: "object", properties: { a: { type: "strin" } } },
        });
        expect(badType.status).toBe(400);
        // Only warnings (no description, no maxLength): accepted.
        const warned = await h.call("PUT", "/api/schemas/com.acme/w/jsonschema/1-0-0", {
          key: SUPER_KEY,
          body: { properties: { a: { type: "string" } } },
        });
        expect(warned.status).toBe(201);
        expect((await h.store.listSchemaKeys()).length).toBe(1);
      });

      test("409 when availability differs from the group's (private after public)", async (fresh) => {
        const h = await fresh();
        await put(h, "com.acme/a/jsonschema/1-0-0", BODY, "?isPublic=true");
        const r = await h.call("PUT", "/api/schemas/com.acme/a/jsonschema/1-0-1", {
          key: SUPER_KEY,
          body: BODY,
        });
        expect([r.status, r.json]).toEqual([
          409,
          {
            message:
              "Inconsistent schema availability. Cannot add private schema, previous versions are public",
          },
        ]);
      });

      test("409 Schema already exists without patches", async (fresh) => {
        const h = await fresh();
        await put(h, "com.acme/a/jsonschema/1-0-0");
        const r = await h.call("PUT", "/api/schemas/com.acme/a/jsonschema/1-0-0", {
          key: SUPER_KEY,
          body: BODY,
        });
        expect([r.status, r.json]).toEqual([409, { message: "Schema already exists" }]);
      });

      test("409 when a preceding SchemaVer is missing (M-0-0, M-R-0, M-R-A)", async (fresh) => {
        const h = await fresh();
        await put(h, "com.acme/a/jsonschema/1-0-0");
        const expected = {
          message:
            "Preceding SchemaVer in the group is missing, check that schemas published in proper order",
        };
        for (const v of ["3-0-0", "1-2-0", "1-0-2", "2-0-1"]) {
          const r = await h.call("PUT", `/api/schemas/com.acme/a/jsonschema/${v}`, {
            key: SUPER_KEY,
            body: BODY,
          });
          expect([v, r.status, r.json]).toEqual([v, 409, expected]);
        }
        // A group may start at 1-0-0 only; 1-0-0 of a new name is always allowed.
        expect(
          (await h.call("PUT", "/api/schemas/com.acme/b/jsonschema/2-0-0", { key: SUPER_KEY, body: BODY }))
            .status,
        ).toBe(409);
        expect(
          (await h.call("PUT", "/api/schemas/com.acme/b/jsonschema/1-0-0", { key: SUPER_KEY, body: BODY }))
            .status,
        ).toBe(201);
      });

      test("409 The schema version is not sequential when the next revision exists", async (fresh) => {
        const h = await fresh();
        await put(h, "com.acme/a/jsonschema/1-0-0");
        await put(h, "com.acme/a/jsonschema/1-1-0");
        const r = await h.call("PUT", "/api/schemas/com.acme/a/jsonschema/1-0-1", {
          key: SUPER_KEY,
          body: BODY,
        });
        expect([r.status, r.json]).toEqual([409, { message: "The schema version is not sequential" }]);
      });

      test("409 for $supersedes naming missing versions or versions above the new one (SchemaServiceSpec e20)", async (fresh) => {
        const h = await fresh();
        await put(h, "com.acme/a/jsonschema/1-0-0");
        await put(h, "com.acme/a/jsonschema/2-0-0");
        const above = await h.call("PUT", "/api/schemas/com.acme/a/jsonschema/1-0-1", {
          key: SUPER_KEY,
          body: { ...BODY, $supersedes: ["2-0-0"] },
        });
        expect([above.status, above.json]).toEqual([
          409,
          { message: "Superseded schema version(s) must be below the superseding version" },
        ]);
        const missing = await h.call("PUT", "/api/schemas/com.acme/a/jsonschema/2-0-1", {
          key: SUPER_KEY,
          body: { ...BODY, $supersedes: ["1-0-2"] },
        });
        expect([missing.status, missing.json]).toEqual([
          409,
          { message: "Superseded schema version(s) do not exist" },
        ]);
      });

      test("a patch (patchesAllowed) is 200 Schema updated, sets both times to now and moves it last", async (fresh) => {
        const h = await fresh({ patchesAllowed: true });
        await put(h, "com.acme/a/jsonschema/1-0-0");
        await put(h, "com.acme/a/jsonschema/1-0-1");
        const before = (
          await h.call("GET", "/api/schemas/com.acme/a/jsonschema/1-0-0?repr=meta", { key: SUPER_KEY })
        ).json as {
          metadata: { createdAt: string };
        };
        const r = await h.call("PUT", "/api/schemas/com.acme/a/jsonschema/1-0-0", {
          key: SUPER_KEY,
          body: { type: "object", additionalProperties: true, properties: {} },
        });
        expect([r.status, r.json]).toEqual([
          200,
          {
            message: "Schema updated",
            updated: true,
            location: "iglu:com.acme/a/jsonschema/1-0-0",
            status: 200,
          },
        ]);
        const after = (
          await h.call("GET", "/api/schemas/com.acme/a/jsonschema/1-0-0?repr=meta", { key: SUPER_KEY })
        ).json as {
          metadata: { createdAt: string; updatedAt: string };
          additionalProperties: boolean;
        };
        expect(after.additionalProperties).toBe(true);
        expect(after.metadata.updatedAt).toBe(after.metadata.createdAt);
        expect(Date.parse(after.metadata.createdAt)).toBeGreaterThanOrEqual(
          Date.parse(before.metadata.createdAt),
        );
        expect((await h.call("GET", "/api/schemas", { key: SUPER_KEY })).json).toEqual([
          "iglu:com.acme/a/jsonschema/1-0-1",
          "iglu:com.acme/a/jsonschema/1-0-0",
        ]);
      });

      test("superseding: chains are transitive, the highest superseder wins, a patch changes nothing", async (fresh) => {
        const h = await fresh({ patchesAllowed: true });
        await put(h, "com.acme/s/jsonschema/1-0-0");
        await put(h, "com.acme/s/jsonschema/1-0-1", { ...BODY, $supersedes: ["1-0-0"] });
        await put(h, "com.acme/s/jsonschema/1-0-2", { ...BODY, $supersedes: ["1-0-1"] });
        await put(h, "com.acme/s/jsonschema/1-0-3", BODY);
        await put(h, "com.acme/s/jsonschema/1-0-3", { ...BODY, $supersedes: ["1-0-2"] });
        const by = async (v: string) =>
          (
            (await h.call("GET", `/api/schemas/com.acme/s/jsonschema/${v}`, { key: SUPER_KEY }))
              .json as Record<string, unknown>
          )["$supersededBy"];
        expect([await by("1-0-0"), await by("1-0-1"), await by("1-0-2"), await by("1-0-3")]).toEqual([
          "1-0-2",
          "1-0-2",
          undefined,
          undefined,
        ]);
      });

      test("DELETE: super key with patches 200, without 405, anyone else 401", async (fresh) => {
        const prod = await fresh();
        await put(prod, "com.acme/d/jsonschema/1-0-0");
        const forbidden = await prod.call("DELETE", "/api/schemas/com.acme/d/jsonschema/1-0-0", {
          key: SUPER_KEY,
        });
        expect([forbidden.status, forbidden.json]).toEqual([
          405,
          { message: "DELETE is forbidden on production registry" },
        ]);
        const writer = await keyWith(prod, "com.acme", "CREATE", ["CREATE"]);
        const denied = await prod.call("DELETE", "/api/schemas/com.acme/d/jsonschema/1-0-0", { key: writer });
        expect([denied.status, denied.json]).toEqual([401, { message: "Not enough permissions" }]);
        const dev = await fresh({ patchesAllowed: true });
        await dev.call("POST", "/api/schemas?isPublic=true", {
          key: SUPER_KEY,
          body: selfDescribing("com.acme", "first", "1-0-0"),
        });
        const deleted = await dev.call("DELETE", "/api/schemas/com.acme/first/jsonschema/1-0-0", {
          key: SUPER_KEY,
        });
        expect([deleted.status, deleted.json]).toEqual([200, { message: "Schema deleted" }]);
        expect((await dev.call("GET", "/api/schemas")).json).toEqual([]);
      });

      test("the deprecated POST /api/schemas/validate/… lints the body", async (fresh) => {
        const h = await fresh();
        const r = await h.call("POST", "/api/schemas/validate/com.acme/a/jsonschema/1-0-0", {
          key: SUPER_KEY,
          body: { type: "object", properties: {}, maxLength: "x" },
        });
        expect(r.status).toBe(200);
        expect((r.json as { message: string }).message).toBe(
          "The schema does not conform to a JSON Schema v4 specification",
        );
      });
    });

    describe("validation, auth, meta and drafts", () => {
      test("validate schema: 403 without any action; 200 with a message or a report", async (fresh) => {
        const h = await fresh();
        const path = "/api/validation/validate/schema/jsonschema";
        const anon = await h.call("POST", path, { body: BODY });
        expect([anon.status, anon.json]).toEqual([403, { message: "" }]);
        const valid = selfDescribing("com.acme", "v", "1-0-0", {
          description: "d",
          properties: { a: { description: "a", type: "string", enum: ["x"] } },
          required: ["a"],
          additionalProperties: false,
        });
        const ok = await h.call("POST", path, { key: SUPER_KEY, body: valid });
        expect([ok.status, ok.json]).toEqual([
          200,
          {
            message: "The schema provided is a valid self-describing iglu:com.acme/v/jsonschema/1-0-0 schema",
          },
        ]);
        const report = await h.call("POST", path, { key: SUPER_KEY, body: BODY });
        expect(report.status).toBe(200);
        expect((report.json as { report: unknown[] }).report).toContainEqual({
          message: "JSON Schema is not self-describing",
          level: "ERROR",
          pointer: "/",
        });
        expect(
          (await h.call("POST", "/api/validation/validate/schema/avro", { key: SUPER_KEY, body: BODY }))
            .status,
        ).toBe(400);
      });

      test("validate instance: 404 without actions or schema, 400 not self-describing, 200 report or valid", async (fresh) => {
        const h = await fresh();
        await put(h, "com.acme/i/jsonschema/1-0-0", {
          type: "object",
          properties: { id: { type: "string" } },
          required: ["id"],
        });
        const path = "/api/validation/validate/instance";
        const datum = (data: unknown) => ({ schema: "iglu:com.acme/i/jsonschema/1-0-0", data });
        expect((await h.call("POST", path, { body: datum({ id: "x" }) })).json).toEqual({
          message: "The schema is not found",
        });
        const notSd = await h.call("POST", path, { key: SUPER_KEY, body: { data: {} } });
        expect([notSd.status, notSd.json]).toEqual([
          400,
          { message: "JSON payload is not self-describing, INVALID_DATA_PAYLOAD" },
        ]);
        const badUri = await h.call("POST", path, { key: SUPER_KEY, body: { schema: "iglu:x", data: {} } });
        expect(badUri.json).toEqual({ message: "JSON payload is not self-describing, INVALID_IGLUURI" });
        const missing = await h.call("POST", path, {
          key: SUPER_KEY,
          body: { schema: "iglu:com.acme/i/jsonschema/1-0-9", data: {} },
        });
        expect(missing.status).toBe(404);
        const reader = await keyWith(h, "com.other", "READ");
        expect((await h.call("POST", path, { key: reader, body: datum({ id: "x" }) })).status).toBe(404);
        const valid = await h.call("POST", path, { key: SUPER_KEY, body: datum({ id: "x" }) });
        expect([valid.status, valid.json]).toEqual([
          200,
          { message: "Instance is valid iglu:com.acme/i/jsonschema/1-0-0" },
        ]);
        const invalid = await h.call("POST", path, { key: SUPER_KEY, body: datum({ id: 1 }) });
        expect([invalid.status, invalid.json]).toEqual([
          200,
          {
            message: "The data for a field instance is invalid against its schema",
            report: [
              {
                message: "$.id: integer found, string expected",
                path: "$.id",
                keyword: "type",
                targets: ["integer", "string"],
              },
            ],
          },
        ]);
      });

      test("keygen: a READ and a CREATE_VENDOR key for the prefix; 403 without CREATE or outside the scope", async (fresh) => {
        const h = await fresh();
        const r = await h.call("POST", "/api/auth/keygen", {
          key: SUPER_KEY,
          body: { vendorPrefix: "com.acme" },
        });
        expect(r.status).toBe(200);
        const { read, write } = r.json as { read: string; write: string };
        expect(Object.keys(r.json as object)).toEqual(["read", "write"]);
        expect(await h.store.getPermission(read)).toEqual({
          vendor: parseVendorScope("com.acme"),
          schema: "READ",
          key: [],
        });
        expect(await h.store.getPermission(write)).toEqual({
          vendor: parseVendorScope("com.acme"),
          schema: "CREATE_VENDOR",
          key: [],
        });
        const noCreate = await h.call("POST", "/api/auth/keygen", {
          key: write,
          body: { vendorPrefix: "com.acme" },
        });
        expect([noCreate.status, noCreate.json]).toEqual([
          403,
          { message: "Not sufficient privileges to create keys" },
        ]);
        const creator = await keyWith(h, "com.acme", null, ["CREATE"]);
        const outside = await h.call("POST", "/api/auth/keygen", {
          key: creator,
          body: { vendorPrefix: "com.other" },
        });
        expect([outside.status, outside.json]).toEqual([
          403,
          { message: "Cannot create com.other using your permissions" },
        ]);
        const wildcard = await h.call("POST", "/api/auth/keygen", {
          key: creator,
          body: { vendorPrefix: "*" },
        });
        expect(wildcard.json).toEqual({ message: "Cannot create 'wildcard vendor' using your permissions" });
        expect(
          (await h.call("POST", "/api/auth/keygen", { key: creator, body: { vendorPrefix: "com.acme.sub" } }))
            .status,
        ).toBe(200);
      });

      test("keygen rejects form bodies (400) and bodies without vendorPrefix (422)", async (fresh) => {
        const h = await fresh();
        const form = await h.call("POST", "/api/auth/keygen", {
          key: SUPER_KEY,
          body: "vendor_prefix=com.acme",
          headers: { "content-type": "application/x-www-form-urlencoded" },
        });
        expect([form.status, form.json]).toEqual([400, { message: "The request body was malformed." }]);
        const empty = await h.call("POST", "/api/auth/keygen", { key: SUPER_KEY, body: {} });
        expect([empty.status, empty.json]).toEqual([422, { message: "The request body was invalid." }]);
      });

      test("DELETE keygen: needs key action DELETE; 200 Keys have been deleted even for an unknown key", async (fresh) => {
        const h = await fresh();
        const { read } = (
          await h.call("POST", "/api/auth/keygen", { key: SUPER_KEY, body: { vendorPrefix: "com.acme" } })
        ).json as {
          read: string;
        };
        const denied = await h.call("DELETE", `/api/auth/keygen?key=${read}`, { key: read });
        expect([denied.status, denied.json]).toEqual([
          403,
          { message: "Not sufficient privileges to delete key" },
        ]);
        const ok = await h.call("DELETE", `/api/auth/keygen?key=${read}`, { key: SUPER_KEY });
        expect([ok.status, ok.json]).toEqual([200, { message: "Keys have been deleted" }]);
        expect(await h.store.getPermission(read)).toBeNull();
        expect(
          (await h.call("DELETE", `/api/auth/keygen?key=${crypto.randomUUID()}`, { key: SUPER_KEY })).status,
        ).toBe(200);
        expect((await h.call("DELETE", "/api/auth/keygen", { key: SUPER_KEY })).status).toBe(400);
        expect((await h.call("DELETE", "/api/auth/keygen?key=nope", { key: SUPER_KEY })).status).toBe(400);
      });

      test("meta: health is OK, health/db is OK, server reports what the key can read", async (fresh) => {
        const h = await fresh({ patchesAllowed: true });
        const health = await h.call("GET", "/api/meta/health");
        expect([health.status, health.text, health.headers.get("content-type")]).toEqual([
          200,
          "OK",
          "text/plain; charset=UTF-8",
        ]);
        expect((await h.call("GET", "/api/meta/health/db")).text).toBe("OK");
        await put(h, "com.acme/a/jsonschema/1-0-0", BODY, "?isPublic=true");
        await put(h, "com.other/a/jsonschema/1-0-0");
        const anon = (await h.call("GET", "/api/meta/server")).json as Record<string, unknown>;
        expect(anon).toEqual({
          version: "0.14.0",
          authInfo: { vendor: "", schema: null, key: [] },
          database: h.store.kind,
          schemaCount: 0,
          debug: false,
          patchesAllowed: true,
        });
        const reader = await keyWith(h, "com.acme", "READ");
        expect(
          ((await h.call("GET", "/api/meta/server", { key: reader })).json as Record<string, unknown>)[
            "schemaCount"
          ],
        ).toBe(1);
        expect(
          ((await h.call("GET", "/api/meta/server", { key: SUPER_KEY })).json as Record<string, unknown>)[
            "schemaCount"
          ],
        ).toBe(2);
      });

      test("drafts: a working PUT (201 then 200), GET {schemaMap, metadata, body}, list by readability", async (fresh) => {
        const h = await fresh();
        const path = "/api/drafts/com.acme/d/jsonschema/1";
        const created = await h.call("PUT", path, {
          key: SUPER_KEY,
          body: { type: "object", n: 9223372036854775807n.toString() },
        });
        expect([created.status, created.json]).toEqual([
          201,
          {
            message: "Draft created",
            updated: false,
            schemaMap: { vendor: "com.acme", name: "d", format: "jsonschema", version: 1 },
          },
        ]);
        const updated = await h.call("PUT", `${path}?isPublic=true`, {
          key: SUPER_KEY,
          body: '{"big":9223372036854775807}',
        });
        expect([updated.status, (updated.json as { message: string }).message]).toEqual([
          200,
          "Draft updated",
        ]);
        const got = await h.call("GET", path, { key: SUPER_KEY });
        expect(got.text).toStartWith(
          '{"schemaMap":{"vendor":"com.acme","name":"d","format":"jsonschema","version":1},"metadata":{',
        );
        expect(got.text).toEndWith('"isPublic":true},"body":{"big":9223372036854775807}}');
        // GET checks only the key, not isPublic; the list shows public drafts to anyone.
        expect((await h.call("GET", path)).status).toBe(404);
        expect((await h.call("GET", "/api/drafts")).json).toHaveLength(1);
        await h.call("PUT", "/api/drafts/com.acme/secret/jsonschema/0", { key: SUPER_KEY, body: {} });
        expect((await h.call("GET", "/api/drafts")).json).toHaveLength(1);
        expect((await h.call("GET", "/api/drafts", { key: SUPER_KEY })).json).toHaveLength(2);
        expect(
          (await h.call("GET", "/api/drafts/com.acme/none/jsonschema/0", { key: SUPER_KEY })).status,
        ).toBe(404);
        expect((await h.call("PUT", path, { body: {} })).json).toEqual({
          message: "Authentication error: not authorized",
        });
        const badVersion = await h.call("GET", "/api/drafts/com.acme/d/jsonschema/x", { key: SUPER_KEY });
        expect([badVersion.status, badVersion.json]).toEqual([400, { message: "x is not an integer" }]);
        expect(
          (await h.call("GET", "/api/drafts/com.acme/d/jsonschema/-1", { key: SUPER_KEY })).json,
        ).toEqual({
          message: "Predicate failed: (-1 >= 0).",
        });
      });
    });
  });
}
