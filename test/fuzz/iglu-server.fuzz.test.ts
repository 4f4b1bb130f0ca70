/**
 * @module
 * Fuzzing the Iglu Server API in process (`createIgluServerApp` on the memory store) for the
 * budget of `budget.ts`, statefully: each case is a short session of requests against one
 * server that keeps what earlier cases wrote, so reads, patches, drafts and deletes meet real
 * schemas, and keys made by `keygen` join the pool of API keys. Methods, paths (the API's own
 * grammar, with hostile vendors and versions), queries, headers, keys and bodies (valid and
 * invalid schemas, random JSON, instances, keygen requests, huge and deep bodies) are random.
 * Every answer must be a 2xx, 3xx or 4xx (never 5xx, never a throw) whose body is JSON (the
 * health checks' plain "OK" and bodiless answers aside), and nothing unexpected is logged.
 * `test/iglu/bad-input.test.ts` holds the hand-written hostile cases, on every store.
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { createIgluServerApp } from "../../src/apps/iglu-server/app.ts";
import { MemorySchemaStore } from "../../src/apps/iglu-server/storage/memory-store.ts";
import { fuzzTimeout, runFuzz } from "./budget.ts";

const SUPER_KEY = "9a0f4b8e-6c2d-4e1a-8b3f-7d5c0e9a1b2c";
const META = "http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#";

const vendor = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom("com.acme", "com.acme.web", "com.other", "io.x") },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "*",
      "",
      "com",
      "com.acme'; DROP TABLE iglu_schemas; --",
      "com.acme%00",
      "x".repeat(300),
      "%2E%2E",
      "😀.ünï",
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 10 }) },
);
const name = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom("click", "page", "view_item") },
  { weight: 1, arbitrary: fc.string({ maxLength: 10 }) },
);
const format = fc.oneof(
  { weight: 8, arbitrary: fc.constant("jsonschema") },
  { weight: 1, arbitrary: fc.constantFrom("avro", "", "JSONSCHEMA") },
);
const version = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom("1-0-0", "1-0-1", "1-1-0", "2-0-0") },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "0-0-0",
      "1-0",
      "1",
      "1-0-0-0",
      "a-b-c",
      "1-0-99999999999",
      "01-0-0",
      "-1-0-0",
      "1-0-0 ",
    ),
  },
);
const draftVersion = fc.constantFrom("0", "1", "2", "-1", "1.5", "99999999999", "x");
const enc = encodeURIComponent;

/** A path: the API's routes with parts drawn from above, or junk. */
const path = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      "/api/schemas",
      "/api/drafts",
      "/api/auth/keygen",
      "/api/meta/health",
      "/api/meta/health/db",
      "/api/meta/server",
      "/api/validation/validate/instance",
      "/api/schemas/swagger.json",
      "/api/auth/swagger.json",
      "/",
      "/api",
      "/schemas",
    ),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(vendor, name, format, version)
      .map(([v, n, f, s]) => `/api/schemas/${enc(v)}/${enc(n)}/${enc(f)}/${enc(s)}`),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(vendor, name, format, version)
      .map(([v, n, f, s]) => `/schemas/${enc(v)}/${enc(n)}/${enc(f)}/${enc(s)}`),
  },
  { weight: 1, arbitrary: fc.tuple(vendor, name).map(([v, n]) => `/api/schemas/${enc(v)}/${enc(n)}`) },
  { weight: 1, arbitrary: vendor.map((v) => `/api/schemas/${enc(v)}`) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(vendor, name, version)
      .map(([v, n, s]) => `/api/schemas/validate/${enc(v)}/${enc(n)}/jsonschema/${enc(s)}`),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(vendor, name, format, draftVersion)
      .map(([v, n, f, d]) => `/api/drafts/${enc(v)}/${enc(n)}/${enc(f)}/${enc(d)}`),
  },
  { weight: 1, arbitrary: format.map((f) => `/api/validation/validate/schema/${enc(f)}`) },
  {
    weight: 1,
    arbitrary: fc
      .array(
        fc.oneof(
          fc.constantFrom(
            "api",
            "schemas",
            "drafts",
            "meta",
            "auth",
            "validation",
            "validate",
            "..",
            "",
            "%00",
          ),
          fc.string({ maxLength: 8 }).map(enc),
        ),
        { maxLength: 6 },
      )
      .map((s) => `/${s.join("/")}`),
  },
);

const query = fc.oneof(
  { weight: 4, arbitrary: fc.constant("") },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      "?repr=meta",
      "?repr=canonical",
      "?repr=uri",
      "?repr=bogus",
      "?isPublic=true",
      "?isPublic=false",
      "?isPublic=x",
      "?metadata=1",
      "?body=0",
      "?repr=%00",
      "?key=",
    ),
  },
  { weight: 1, arbitrary: fc.uuid().map((u) => `?key=${u}`) },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }).map((s) => `?${enc(s)}=${enc(s)}`) },
);

/** A schema body: self-describing for the path's key or another, a bare body, or a broken one. */
const schemaBody = fc.oneof(
  fc.record(
    {
      $schema: fc.constantFrom(META, "http://json-schema.org/draft-04/schema#", "nope"),
      self: fc.record({ vendor, name, format, version }),
      type: fc.constantFrom("object", "string", "x", 7 as unknown as string),
      properties: fc.oneof(
        fc.constant({}),
        fc.constant({ id: { type: "string" } }),
        fc.constant([]) as fc.Arbitrary<unknown>,
      ),
      additionalProperties: fc.boolean(),
    },
    { requiredKeys: ["self"] },
  ),
  fc.constantFrom(
    { type: "object", properties: { id: { type: "string", maxLength: 10 } }, additionalProperties: false },
    { type: "object", required: [] },
    { type: "object", properties: { r: { $ref: "http://remote.example/s#" } } },
    { type: "object", pattern: "(" },
    { type: ["object", "null"], enum: [] },
    { $supersedes: ["1-0-0"], type: "object" },
    { description: "a\u0000b\ud800", type: "object" },
  ),
);

const body = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 4, arbitrary: schemaBody.map((b) => JSON.stringify(b)) },
  {
    weight: 1,
    arbitrary: fc.constant('{"type":"object","properties":{"n":{"type":"integer","minimum":1e400}}}'),
  },
  { weight: 2, arbitrary: fc.json({ maxDepth: 4 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  {
    weight: 2,
    arbitrary: fc
      .record({
        vendorPrefix: fc.oneof(vendor, fc.constantFrom("*", "com.acme.*", "")) as fc.Arbitrary<unknown>,
      })
      .map((b) => JSON.stringify(b)),
  },
  {
    weight: 2,
    arbitrary: fc
      .record({
        schema: fc.tuple(vendor, name, version).map(([v, n, s]) => `iglu:${v}/${n}/jsonschema/${s}`),
        data: fc.jsonValue({ maxDepth: 3 }),
      })
      .map((b) => JSON.stringify(b)),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      `{"a":"${"x".repeat(120_000)}"}`,
      `${"[".repeat(5000)}${"]".repeat(5000)}`,
      "{",
      "\u0000",
      "null",
    ),
  },
);

const method = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom("GET", "PUT", "POST", "DELETE") },
  { weight: 1, arbitrary: fc.constantFrom("OPTIONS", "HEAD", "PATCH", "PROPFIND") },
);

interface IgluRequest {
  readonly method: string;
  readonly target: string;
  /** An index into the key pool, or a literal key, or none. */
  readonly key: number | string | undefined;
  readonly body: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
}

const request: fc.Arbitrary<IgluRequest> = fc.record({
  method,
  target: fc.tuple(path, query).map(([p, q]) => p + q),
  key: fc.oneof(
    { weight: 4, arbitrary: fc.nat(50) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    {
      weight: 1,
      arbitrary: fc.oneof(fc.uuid(), fc.constantFrom("nope", "", SUPER_KEY.toUpperCase(), `{${SUPER_KEY}}`)),
    },
  ),
  body,
  headers: fc.record(
    {
      "content-type": fc.constantFrom(
        "application/json",
        "text/plain",
        "application/json; charset=latin1",
        "",
      ),
      origin: fc.constantFrom("https://ui.example", "null", ""),
      "access-control-request-method": fc.constantFrom("PUT", "GET"),
    },
    { requiredKeys: [] },
  ),
});

/** A write that can succeed: the path's key and the body's `self` agree, the super key. */
const coherentWrite: fc.Arbitrary<IgluRequest> = fc
  .record({
    v: fc.constantFrom("com.acme", "com.acme.web", "com.other"),
    n: fc.constantFrom("click", "page"),
    ver: fc.constantFrom("1-0-0", "1-0-1", "1-1-0", "2-0-0"),
    post: fc.boolean(),
    draft: fc.boolean(),
    isPublic: fc.boolean(),
    properties: fc.constantFrom(
      {},
      { id: { type: "string" } },
      { id: { type: "integer" }, x: { type: "string" } },
    ),
  })
  .map(({ v, n, ver, post, draft, isPublic, properties }) => {
    const schema = { type: "object", properties, additionalProperties: false };
    const self = { vendor: v, name: n, format: "jsonschema", version: ver };
    const q = isPublic ? "?isPublic=true" : "";
    if (draft) {
      return {
        method: "PUT",
        target: `/api/drafts/${v}/${n}/jsonschema/${ver.slice(0, 1)}${q}`,
        key: 0,
        body: JSON.stringify(schema),
        headers: {},
      };
    }
    return post
      ? {
          method: "POST",
          target: `/api/schemas${q}`,
          key: 0,
          body: JSON.stringify({ $schema: META, self, ...schema }),
          headers: {},
        }
      : {
          method: "PUT",
          target: `/api/schemas/${v}/${n}/jsonschema/${ver}${q}`,
          key: 0,
          body: JSON.stringify(schema),
          headers: {},
        };
  });

/** A session step: mostly random, sometimes a write that can succeed. */
const step = fc.oneof({ weight: 4, arbitrary: request }, { weight: 1, arbitrary: coherentWrite });

describe("Iglu Server API fuzzing", () => {
  for (const patchesAllowed of [false, true]) {
    test(
      `random sessions (patches ${patchesAllowed ? "allowed" : "forbidden"}): 2xx–4xx with JSON, never 5xx`,
      async () => {
        const store = new MemorySchemaStore();
        const log: string[] = [];
        const app = createIgluServerApp({
          store,
          superApiKey: SUPER_KEY,
          patchesAllowed,
          log: (l) => log.push(l),
        });
        /** API keys: the super key, then every pair keygen returned. */
        const keys: string[] = [SUPER_KEY];
        const statuses = new Map<number, number>();
        let requests = 0;
        await runFuzz(
          `Iglu Server (patches ${patchesAllowed ? "allowed" : "forbidden"})`,
          fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 4 }), async (session) => {
            for (const r of session) {
              requests++;
              const headers: Record<string, string> = { ...r.headers };
              const key = typeof r.key === "number" ? keys[r.key % keys.length] : r.key;
              if (key !== undefined) headers["apikey"] = key;
              const init: RequestInit = { method: r.method, headers };
              if (r.body !== undefined && r.method !== "GET" && r.method !== "HEAD") init.body = r.body;
              const res = await app.request(r.target, init);
              const text = await res.text();
              statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
              const probe = `${r.method} ${r.target.slice(0, 150)} key=${String(key).slice(0, 40)} body=${r.body?.slice(0, 150)}`;
              expect({
                probe,
                status: res.status < 500 ? "below 500" : res.status,
                log: log.splice(0),
              }).toEqual({
                probe,
                status: "below 500",
                log: [],
              });
              const plain = /^\/api\/meta\/health(\/db)?\/?(\?|$)/.test(r.target) && res.status === 200;
              if (text !== "" && !plain) {
                let json: unknown;
                try {
                  json = JSON.parse(text);
                } catch {
                  throw new Error(
                    `${probe}: ${res.status} with a body that is not JSON: ${text.slice(0, 200)}`,
                  );
                }
                if (res.status >= 400) expect(json).toHaveProperty("message");
                const pair = json as { read?: unknown; write?: unknown };
                if (res.status === 200 && typeof pair.read === "string" && typeof pair.write === "string") {
                  keys.push(pair.read, pair.write);
                }
              } else if (text === "") {
                // Bodiless answers: HEAD, a CORS preflight, or 204.
                expect({
                  probe,
                  bodiless: r.method === "HEAD" || r.method === "OPTIONS" || res.status === 204,
                }).toEqual({ probe, bodiless: true });
              }
            }
          }),
        );
        const summary = [...statuses]
          .sort(([a], [b]) => a - b)
          .map(([s, n]) => `${s}×${n}`)
          .join(" ");
        const stored = (await store.listSchemaKeys()).length;
        console.log(
          `  ${requests} requests (${summary}); ${stored} schemas and ${keys.length - 1} generated keys at the end`,
        );
      },
      fuzzTimeout(),
    );
  }
});
