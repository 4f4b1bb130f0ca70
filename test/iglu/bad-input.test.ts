/**
 * @module
 * Hostile and broken input against the Iglu Server, on every storage: malformed JSON, keys that
 * are not UUIDs, SQL-looking and oversized vendor names, NUL, invalid UTF-8, deep JSON, huge
 * bodies (declared and streamed). Each must get a clear 4xx, never a 500, and write nothing; then
 * a property test throws random requests at it with the same expectations.
 */
import { test as bunTest, describe, expect } from "bun:test";
import fc from "fast-check";
import { createIgluServerApp } from "../../src/apps/iglu-server/app.ts";
import type { SchemaStore } from "../../src/apps/iglu-server/storage/schema-store.ts";
import type { StoreUnderTest } from "../../src/apps/iglu-server/storage/store-conformance.ts";
import { onEveryStore } from "./postgres-under-test.ts";

const SUPER_KEY = "9a0f4b8e-6c2d-4e1a-8b3f-7d5c0e9a1b2c";
const META = "http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#";

const INJECTIONS = [
  "com.acme'; DROP TABLE iglu_schemas; --",
  'com.acme" OR ""="',
  "com.acme' OR '1'='1",
  "com.acme\\'; select pg_sleep(10); --",
  "$$; drop table iglu_permissions; $$",
  "com.acme\u0000",
  "x".repeat(300),
  "../../etc/passwd",
  "com.acme%2Fslash",
  "😀.ünïcode",
];

interface Probe {
  readonly method: string;
  readonly path: string;
  readonly body?: BodyInit;
  readonly headers?: Record<string, string>;
}

/** Every body route, with a given body. */
function everyBodyRoute(body: BodyInit, headers: Record<string, string> = {}): Probe[] {
  return [
    ["PUT", "/api/schemas/com.acme/bad/jsonschema/1-0-0"],
    ["POST", "/api/schemas"],
    ["POST", "/api/schemas/validate/com.acme/bad/jsonschema/1-0-0"],
    ["POST", "/api/validation/validate/schema/jsonschema"],
    ["POST", "/api/validation/validate/instance"],
    ["POST", "/api/auth/keygen"],
    ["PUT", "/api/drafts/com.acme/bad/jsonschema/0"],
  ].map(([method, path]) => ({
    method: method!,
    path: path!,
    body,
    headers: { apikey: SUPER_KEY, ...headers },
  }));
}

/** What must hold after bad input: nothing written. */
async function nothingWritten(store: SchemaStore): Promise<void> {
  expect(await store.listSchemaKeys()).toEqual([]);
  expect(await store.listDrafts()).toEqual([]);
}

function badInputSuite(label: string, fresh: () => Promise<StoreUnderTest>, fuzzRuns: number): void {
  const test = (
    name: string,
    body: (store: SchemaStore, app: ReturnType<typeof createIgluServerApp>) => Promise<void>,
  ) =>
    bunTest(
      name,
      async () => {
        const under = await fresh();
        try {
          const app = createIgluServerApp({ store: under.store, superApiKey: SUPER_KEY, log: () => {} });
          await body(under.store, app);
        } finally {
          await under.close();
        }
      },
      120_000,
    );

  /** Sends each probe; each must be a JSON 4xx (or a 2xx read), never 5xx. */
  const expect4xx = async (
    app: ReturnType<typeof createIgluServerApp>,
    probes: Probe[],
    allowed = [400, 404, 413, 422],
  ) => {
    for (const p of probes) {
      const res = await app.request(p.path, { method: p.method, body: p.body, headers: p.headers });
      const text = await res.text();
      const probe = `${p.method} ${p.path.slice(0, 120)}`;
      expect({ probe, status: allowed.includes(res.status) ? "allowed" : res.status }).toEqual({
        probe,
        status: "allowed",
      });
      expect(JSON.parse(text)).toHaveProperty("message");
    }
  };

  describe(label, () => {
    test("malformed JSON: 400 on every body route", async (store, app) => {
      for (const body of ["{", "{'a': 1}", "[1,]", "nul", '{"a":1}{"b":2}', "\u0000", '"unterminated']) {
        await expect4xx(app, everyBodyRoute(body), [400]);
      }
      await nothingWritten(store);
    });

    test("invalid UTF-8 is malformed (400)", async (store, app) => {
      const bytes = new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
      await expect4xx(app, everyBodyRoute(bytes), [400]);
      await nothingWritten(store);
    });

    test("keys that are not UUIDs: 400 everywhere, before anything else", async (store, app) => {
      const keys = [
        "nope",
        "' OR 1=1 --",
        "{3f1d0a4e-2b6c-4c8e-9a7d-5e2f1b0c9d8a}",
        "3f1d0a4e2b6c4c8e9a7d5e2f1b0c9d8a",
        "z".repeat(36),
      ];
      for (const apikey of keys) {
        const probes: Probe[] = [
          { method: "GET", path: "/api/schemas", headers: { apikey } },
          { method: "GET", path: "/api/meta/server", headers: { apikey } },
          {
            method: "PUT",
            path: "/api/schemas/com.acme/a/jsonschema/1-0-0",
            body: "{}",
            headers: { apikey },
          },
          { method: "POST", path: "/api/auth/keygen", body: '{"vendorPrefix":"*"}', headers: { apikey } },
          { method: "DELETE", path: `/api/auth/keygen?key=${SUPER_KEY}`, headers: { apikey } },
        ];
        await expect4xx(app, probes, [400]);
      }
      const badParam = await app.request("/api/auth/keygen?key=' OR 1=1 --", {
        method: "DELETE",
        headers: { apikey: SUPER_KEY },
      });
      expect(badParam.status).toBe(400);
      await nothingWritten(store);
      expect(await store.getPermission(SUPER_KEY)).toBeNull();
    });

    test("SQL-looking, NUL and oversized vendor names: reads find nothing, writes are 400", async (store, app) => {
      for (const vendor of INJECTIONS) {
        const v = encodeURIComponent(vendor);
        const reads: Probe[] = [
          { method: "GET", path: `/api/schemas/${v}`, headers: { apikey: SUPER_KEY } },
          { method: "GET", path: `/api/schemas/${v}/n`, headers: { apikey: SUPER_KEY } },
          { method: "GET", path: `/api/schemas/${v}/n/jsonschema/1`, headers: { apikey: SUPER_KEY } },
          { method: "GET", path: `/api/schemas/${v}/n/jsonschema/1-0-0`, headers: { apikey: SUPER_KEY } },
          { method: "GET", path: `/schemas/${v}/n/${v}/1-0-0` },
          { method: "GET", path: `/api/drafts/${v}/n/jsonschema/0`, headers: { apikey: SUPER_KEY } },
          {
            method: "POST",
            path: "/api/validation/validate/instance",
            headers: { apikey: SUPER_KEY },
            body: JSON.stringify({ schema: `iglu:${vendor}/n/jsonschema/1-0-0`, data: {} }),
          },
        ];
        await expect4xx(app, reads, [400, 404]);
        const writes: Probe[] = [
          {
            method: "PUT",
            path: `/api/schemas/${v}/n/jsonschema/1-0-0`,
            headers: { apikey: SUPER_KEY },
            body: '{"type":"object","properties":{}}',
          },
          {
            method: "PUT",
            path: `/api/schemas/com.acme/${v}/jsonschema/1-0-0`,
            headers: { apikey: SUPER_KEY },
            body: '{"type":"object","properties":{}}',
          },
          {
            method: "POST",
            path: "/api/schemas",
            headers: { apikey: SUPER_KEY },
            body: JSON.stringify({
              $schema: META,
              self: { vendor, name: "n", format: "jsonschema", version: "1-0-0" },
              type: "object",
              properties: {},
            }),
          },
          {
            method: "PUT",
            path: `/api/drafts/${v}/n/jsonschema/0`,
            headers: { apikey: SUPER_KEY },
            body: "{}",
          },
          { method: "DELETE", path: `/api/schemas/${v}/n/jsonschema/1-0-0`, headers: { apikey: SUPER_KEY } },
        ];
        await expect4xx(app, writes, [400, 404, 405]);
      }
      await nothingWritten(store);
      // The tables are still there and work.
      const ok = await app.request("/api/schemas/com.acme/after/jsonschema/1-0-0", {
        method: "PUT",
        headers: { apikey: SUPER_KEY },
        body: '{"type":"object","properties":{}}',
      });
      expect(ok.status).toBe(201);
    });

    test("keygen with a hostile prefix: a long or NUL one is 400; an odd one is stored as data", async (store, app) => {
      for (const vendorPrefix of ["x".repeat(129), "com.acme\u0000"]) {
        const res = await app.request("/api/auth/keygen", {
          method: "POST",
          headers: { apikey: SUPER_KEY },
          body: JSON.stringify({ vendorPrefix }),
        });
        expect(res.status).toBe(400);
      }
      const odd = await app.request("/api/auth/keygen", {
        method: "POST",
        headers: { apikey: SUPER_KEY },
        body: JSON.stringify({ vendorPrefix: "com.acme'; DROP TABLE iglu_permissions; --" }),
      });
      expect(odd.status).toBe(200);
      const { read } = (await odd.json()) as { read: string };
      expect((await store.getPermission(read))?.vendor.parts).toEqual([
        "com",
        "acme'; DROP TABLE iglu_permissions; --",
      ]);
    });

    test("deep JSON: 422 on every body route, even 15000 levels", async (store, app) => {
      for (const depth of [41, 1000, 15_000]) {
        await expect4xx(app, everyBodyRoute(`${"[".repeat(depth)}${"]".repeat(depth)}`), [422]);
        await expect4xx(app, everyBodyRoute(`${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`), [422]);
      }
      await nothingWritten(store);
    });

    test("huge bodies: 413, declared or streamed without a length", async (store, app) => {
      const big = `{"a":"${"x".repeat(2_000_000)}"}`;
      await expect4xx(app, everyBodyRoute(big), [413]);
      const streamed = () =>
        new ReadableStream<Uint8Array>({
          start(controller) {
            const chunk = new TextEncoder().encode("x".repeat(65_536));
            for (let i = 0; i < 40; i++) controller.enqueue(chunk);
            controller.close();
          },
        });
      for (const p of everyBodyRoute("")) {
        const res = await app.request(p.path, {
          method: p.method,
          headers: p.headers,
          body: streamed(),
          duplex: "half",
        } as RequestInit);
        expect([p.path, res.status]).toEqual([p.path, 413]);
      }
      await nothingWritten(store);
    });

    test("odd but valid input is stored faithfully: NUL and lone surrogate escapes, huge numbers", async (store, app) => {
      const body =
        '{"type":"object","properties":{"n":{"type":"number","maximum":1e400}},"description":"a\\u0000b\\ud800c","x":-0}';
      const res = await app.request("/api/schemas/com.acme/odd/jsonschema/1-0-0", {
        method: "PUT",
        headers: { apikey: SUPER_KEY },
        body,
      });
      expect(res.status).toBe(201);
      const back = await app.request("/api/schemas/com.acme/odd/jsonschema/1-0-0", {
        headers: { apikey: SUPER_KEY },
      });
      const text = await back.text();
      expect(text).toContain(
        '"properties":{"n":{"type":"number","maximum":1e400}},"description":"a\\u0000b\\ud800c","x":-0}',
      );
      expect((await store.listSchemaKeys()).length).toBe(1);
    });

    test("versions out of range, draft versions and repr values: 400, never 500", async (store, app) => {
      const probes: Probe[] = [
        {
          method: "GET",
          path: "/api/schemas/com.acme/a/jsonschema/1-0-99999999999",
          headers: { apikey: SUPER_KEY },
        },
        {
          method: "GET",
          path: "/api/schemas/com.acme/a/jsonschema/99999999999",
          headers: { apikey: SUPER_KEY },
        },
        {
          method: "GET",
          path: "/api/schemas/com.acme/a/jsonschema/1-0-0?repr=%00",
          headers: { apikey: SUPER_KEY },
        },
        {
          method: "GET",
          path: "/api/drafts/com.acme/a/jsonschema/99999999999",
          headers: { apikey: SUPER_KEY },
        },
        {
          method: "PUT",
          path: "/api/drafts/com.acme/a/jsonschema/1.5",
          headers: { apikey: SUPER_KEY },
          body: "{}",
        },
        {
          method: "PUT",
          path: "/api/schemas/com.acme/a/jsonschema/1-0-0?isPublic=1",
          headers: { apikey: SUPER_KEY },
          body: "{}",
        },
        {
          method: "PUT",
          path: "/api/schemas/com.acme/a/jsonschema/1-0-0",
          headers: { apikey: SUPER_KEY },
          body: "[1,2]",
        },
        {
          method: "PUT",
          path: "/api/schemas/com.acme/a/jsonschema/1-0-0",
          headers: { apikey: SUPER_KEY },
          body: '{"$supersedes":"1-0-0"}',
        },
      ];
      await expect4xx(app, probes, [400, 404, 422]);
      await nothingWritten(store);
    });

    bunTest(
      `random requests never get a 5xx (${fuzzRuns} runs)`,
      async () => {
        const under = await fresh();
        const app = createIgluServerApp({
          store: under.store,
          superApiKey: SUPER_KEY,
          patchesAllowed: true,
          log: () => {},
        });
        const segment = fc.oneof(
          fc.constantFrom(
            "api",
            "schemas",
            "drafts",
            "auth",
            "keygen",
            "meta",
            "server",
            "validation",
            "validate",
            "instance",
            "jsonschema",
            "com.acme",
            "1-0-0",
            "1",
            "0",
            "-1",
            "",
          ),
          fc.constantFrom(...INJECTIONS).map(encodeURIComponent),
          fc.string({ maxLength: 12 }).map(encodeURIComponent),
        );
        const path = fc.array(segment, { minLength: 1, maxLength: 7 }).map((s) => `/${s.join("/")}`);
        const body = fc.oneof(
          fc.constant(undefined),
          fc.json({ maxDepth: 4 }),
          fc.string({ maxLength: 64 }),
          fc
            .record({
              $schema: fc.constant(META),
              self: fc.record({
                vendor: fc.string(),
                name: fc.string(),
                format: fc.string(),
                version: fc.string(),
              }),
              type: fc.constantFrom("object", "x"),
            })
            .map((o) => JSON.stringify(o)),
          fc
            .record({ schema: fc.string().map((s) => `iglu:${s}`), data: fc.jsonValue() })
            .map((o) => JSON.stringify(o)),
        );
        const apikey = fc.oneof(
          fc.constant(undefined),
          fc.constant(SUPER_KEY),
          fc.uuid(),
          fc.string({ maxLength: 40 }),
        );
        const query = fc.constantFrom(
          "",
          "?repr=meta",
          "?repr=canonical",
          "?isPublic=true",
          "?isPublic=x",
          "?key=" + SUPER_KEY,
          "?repr=bogus",
        );
        try {
          await fc.assert(
            fc.asyncProperty(
              fc.constantFrom("GET", "PUT", "POST", "DELETE", "OPTIONS"),
              path,
              query,
              body,
              apikey,
              async (method, p, q, b, key) => {
                const headers: Record<string, string> = {};
                if (key !== undefined) headers["apikey"] = key;
                const init: RequestInit = { method, headers };
                if (b !== undefined && method !== "GET") init.body = b;
                const res = await app.request(`${p}${q}`, init);
                await res.text();
                return res.status < 500;
              },
            ),
            { numRuns: fuzzRuns },
          );
        } finally {
          await under.close();
        }
      },
      300_000,
    );
  });
}

// Postgres answers each request slower than memory: fewer fuzz runs there.
await onEveryStore("bad input", (label, fresh, storage) =>
  badInputSuite(label, fresh, storage === "memory" ? 1000 : 200),
);
