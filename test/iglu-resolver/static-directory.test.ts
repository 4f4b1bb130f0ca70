/**
 * @module
 * The resolver, built from a resolver config file, against real HTTP servers on loopback: the
 * static registry in fixtures/iglu-resolver served as files, a second registry with different
 * copies, one that answers 500 and one that is down. Covers priority, vendor prefixes, class
 * priority, cache TTL, outages and backoff, superseding, the apikey header and schema lists.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { resolverFromFile } from "../../src/adapters/iglu/resolver-from-file.ts";
import { clientErrorJson } from "../../src/core/iglu/client-error.ts";
import type { Resolver } from "../../src/core/iglu/resolver.ts";
import { ManualClock } from "../../src/core/iglu/resolver-clock.ts";
import { formatSchemaKey, parseSchemaKey, type SchemaKey } from "../../src/core/iglu/schema-key.ts";
import { refusedUrl, serveDirectory, serveFailure, type TestRegistry } from "./static-server.ts";

const fixtures = fileURLToPath(new URL("../../fixtures/iglu-resolver", import.meta.url));
const T0 = Date.UTC(2024, 5, 1, 12);

const key = (uri: string): SchemaKey => {
  const r = parseSchemaKey(uri);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};
const example = (name: string, version: string) =>
  key(`iglu:com.furrow.example/${name}/jsonschema/${version}`);
const schemaPath = (name: string, version: string) =>
  `/schemas/com.furrow.example/${name}/jsonschema/${version}`;

interface Repo {
  name: string;
  priority: number;
  vendorPrefixes?: string[];
  http?: { uri: string; apikey?: string };
  embedded?: string;
}

let registry: TestRegistry;
let mirror: TestRegistry;
let failing: TestRegistry;
let down: string;
const dir = mkdtempSync(join(tmpdir(), "furrow-resolver-"));
let configs = 0;

/** Writes a resolver config file and builds a resolver from it, on a manual clock. */
async function resolverFor(
  repos: Repo[],
  options: { cacheTtl?: number | null; clock?: ManualClock } = {},
): Promise<{ resolver: Resolver; clock: ManualClock }> {
  const clock = options.clock ?? new ManualClock(T0);
  const config = {
    schema: "iglu:com.snowplowanalytics.iglu/resolver-config/jsonschema/1-0-3",
    data: {
      cacheSize: 100,
      cacheTtl: options.cacheTtl ?? null,
      repositories: repos.map((r) => ({
        name: r.name,
        priority: r.priority,
        vendorPrefixes: r.vendorPrefixes ?? [],
        connection: r.http ? { http: r.http } : { embedded: { path: r.embedded } },
      })),
    },
  };
  configs += 1;
  const path = join(dir, `resolver-${configs}.json`);
  writeFileSync(path, JSON.stringify(config));
  const built = await resolverFromFile(path, { clock, httpTimeoutMs: 2000 });
  if (!built.ok) throw new Error(JSON.stringify(built.error));
  return { resolver: built.value, clock };
}

beforeAll(async () => {
  registry = serveDirectory(join(fixtures, "registry"));
  mirror = serveDirectory(join(fixtures, "mirror"));
  failing = serveFailure("database is down");
  down = await refusedUrl();
});
afterAll(async () => {
  await Promise.all([registry.close(), mirror.close(), failing.close()]);
  rmSync(dir, { recursive: true, force: true });
});

const pageId = { id: "7d8a4b0e-2c7f-4e8e-9d54-3c1a0f4c5b6a" };
const page = { schema: example("page_context", "1-0-0"), data: pageId };
const mirrorPage = { schema: example("page_context", "1-0-0"), data: { id: 42 } };

describe("lookup order", () => {
  test("the lower configured priority wins among HTTP registries", async () => {
    const { resolver } = await resolverFor([
      { name: "Mirror", priority: 1, http: { uri: mirror.url } },
      { name: "Registry", priority: 0, http: { uri: registry.url } },
    ]);
    expect((await resolver.validate(page)).ok).toBe(true);
    const { resolver: swapped } = await resolverFor([
      { name: "Mirror", priority: 0, http: { uri: mirror.url } },
      { name: "Registry", priority: 1, http: { uri: registry.url } },
    ]);
    expect((await swapped.validate(mirrorPage)).ok).toBe(true);
    expect((await swapped.validate(page)).ok).toBe(false);
  });

  test("a vendor-prefix match beats priority", async () => {
    const { resolver } = await resolverFor([
      { name: "Registry", priority: 0, http: { uri: registry.url } },
      { name: "Mirror", priority: 99, vendorPrefixes: ["com.furrow"], http: { uri: mirror.url } },
    ]);
    expect((await resolver.validate(mirrorPage)).ok).toBe(true);
  });

  test("an embedded repository is asked before an HTTP one of better priority", async () => {
    const before = mirror.requests.length;
    const { resolver } = await resolverFor([
      { name: "Mirror", priority: 0, http: { uri: mirror.url } },
      { name: "Files", priority: 50, embedded: join(fixtures, "registry") },
    ]);
    expect((await resolver.validate(page)).ok).toBe(true);
    expect(mirror.requests.length).toBe(before);
  });

  test("the apikey is sent as a header", async () => {
    const { resolver } = await resolverFor([
      {
        name: "Private",
        priority: 0,
        http: { uri: `${registry.url}/`, apikey: "1b8e4c4a-6c0e-4b8e-9f1e-2b3c4d5e6f70" },
      },
    ]);
    await resolver.lookupSchema(example("checkout", "1-0-0"));
    expect(registry.requests.at(-1)).toEqual({
      path: schemaPath("checkout", "1-0-0"),
      apikey: "1b8e4c4a-6c0e-4b8e-9f1e-2b3c4d5e6f70",
    });
  });
});

describe("caching", () => {
  test("a schema is fetched once per cacheTtl", async () => {
    const { resolver, clock } = await resolverFor(
      [{ name: "Registry", priority: 0, http: { uri: registry.url } }],
      {
        cacheTtl: 60,
      },
    );
    const path = schemaPath("page_context", "1-0-0");
    const before = registry.count(path);
    for (let i = 0; i < 5; i++) expect((await resolver.validate(page)).ok).toBe(true);
    clock.advance(59_999);
    await resolver.validate(page);
    expect(registry.count(path) - before).toBe(1);
    clock.advance(1);
    await resolver.validate(page);
    expect(registry.count(path) - before).toBe(2);
  });
});

describe("a registry that is down", () => {
  test("is skipped: the next registry serves the schema", async () => {
    const { resolver } = await resolverFor([
      { name: "Failing", priority: 0, http: { uri: failing.url } },
      { name: "Down", priority: 1, http: { uri: down } },
      { name: "Registry", priority: 2, http: { uri: registry.url } },
    ]);
    expect(await resolver.validate(page)).toEqual({
      ok: true,
      value: { schemaKey: example("page_context", "1-0-0"), supersededBy: null },
    });
  });

  test("shows in the ResolutionError, and is asked again only after its backoff", async () => {
    const { resolver, clock } = await resolverFor([
      { name: "Failing", priority: 0, http: { uri: failing.url } },
      { name: "Down", priority: 1, http: { uri: down } },
      { name: "Registry", priority: 2, http: { uri: registry.url } },
    ]);
    const missing = { schema: example("nowhere", "1-0-0"), data: {} };
    const result = await resolver.validate(missing);
    if (result.ok) throw new Error("expected a ResolutionError");
    const json = clientErrorJson(result.error) as { error: string; lookupHistory: Record<string, unknown>[] };
    expect(json.error).toBe("ResolutionError");
    expect(json.lookupHistory.map((h) => h["repository"])).toEqual([
      "Down",
      "Failing",
      "Iglu Client Embedded",
      "Registry",
    ]);
    const byName = Object.fromEntries(json.lookupHistory.map((h) => [h["repository"], h]));
    expect(byName["Failing"]).toEqual({
      errors: [{ error: "RepoFailure", message: "Unexpected server response: database is down" }],
      attempts: 1,
      lastAttempt: "2024-06-01T12:00:00Z",
      repository: "Failing",
    });
    expect((byName["Down"]?.["errors"] as { error: string }[] | undefined)?.[0]?.error).toBe("RepoFailure");
    expect(byName["Registry"]?.["errors"]).toEqual([{ error: "NotFound" }]);

    const path = schemaPath("nowhere", "1-0-0");
    const asked = () => failing.count(path);
    expect(asked()).toBe(1);
    clock.advance(504);
    await resolver.validate(missing);
    expect(asked()).toBe(1);
    clock.advance(1);
    const again = await resolver.validate(missing);
    expect(asked()).toBe(2);
    expect(registry.count(path)).toBe(1);
    const history = !again.ok && again.error.kind === "ResolutionError" ? again.error.lookupHistory : [];
    expect(history.find((h) => h.repository === "Failing")?.attempts).toBe(2);
  });
});

describe("superseding", () => {
  test("data is validated against the superseding schema, fetched from the same registry", async () => {
    const { resolver } = await resolverFor([{ name: "Registry", priority: 0, http: { uri: registry.url } }]);
    const click = { schema: example("button_click", "1-0-0"), data: { id: "buy", label: "Buy now" } };
    const checked = await resolver.validate(click);
    expect(checked.ok && formatSchemaKey(checked.value.schemaKey)).toBe(
      "iglu:com.furrow.example/button_click/jsonschema/1-0-2",
    );
    expect(checked.ok && checked.value.supersededBy).toEqual({ model: 1, revision: 0, addition: 2 });
    expect(registry.count(schemaPath("button_click", "1-0-2"))).toBeGreaterThan(0);
    const bad = await resolver.validate({ ...click, data: { id: "buy", label: 5 } });
    expect(!bad.ok && clientErrorJson(bad.error)).toEqual({
      dataReports: [
        {
          message: "$.label: integer found, but [string, null] is required",
          path: "$.label",
          keyword: "type",
          targets: ["integer", "[string, null]"],
        },
      ],
      error: "ValidationError",
      supersededBy: "1-0-2",
    });
  });
});

describe("schema lists", () => {
  test("come from the registry's list files, or NotFound without one", async () => {
    const { resolver } = await resolverFor([{ name: "Registry", priority: 0, http: { uri: registry.url } }]);
    const list = await resolver.listSchemas("com.furrow.example", "checkout", 1);
    expect(list.ok && list.value.map(formatSchemaKey)).toEqual(
      ["1-0-0", "1-0-1", "1-1-0"].map((v) => `iglu:com.furrow.example/checkout/jsonschema/${v}`),
    );
    const like = await resolver.listSchemasLike(example("checkout", "1-1-0"));
    expect(like.ok && like.value.length).toBe(3);
    expect((await resolver.listSchemas("com.furrow.example", "product_context", 1)).ok).toBe(false);
  });

  test("lookupSchemasUntil probes a registry without list files", async () => {
    const { resolver } = await resolverFor([{ name: "Registry", priority: 0, http: { uri: registry.url } }]);
    const probed = await resolver.lookupSchemasUntil(example("checkout", "1-1-0"));
    expect(probed.ok && probed.value.map((s) => formatSchemaKey(s.key))).toEqual(
      ["1-0-0", "1-0-1", "1-1-0"].map((v) => `iglu:com.furrow.example/checkout/jsonschema/${v}`),
    );
  });

  test("an embedded repository lists its directory", async () => {
    const { resolver } = await resolverFor([
      { name: "Files", priority: 0, embedded: join(fixtures, "registry") },
    ]);
    const list = await resolver.listSchemas("com.furrow.example", "button_click", 1);
    expect(list.ok && list.value.map(formatSchemaKey)).toEqual(
      ["1-0-0", "1-0-1", "1-0-2"].map((v) => `iglu:com.furrow.example/button_click/jsonschema/${v}`),
    );
  });
});
