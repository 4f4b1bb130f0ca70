/** @module Tests for in-memory and embedded registries: lookups, lists, and their failures. */
import { describe, expect, test } from "bun:test";
import { EmbeddedRegistry, type StaticSource, staticSourceFromMap } from "./registry-embedded.ts";
import { InMemoryRegistry } from "./registry-in-memory.ts";
import { formatSchemaKey, parseSchemaKey, type SchemaKey } from "./schema-key.ts";
import { parseSelfDescribingSchema, SELF_DESCRIBING_METASCHEMA_URI } from "./self-describing-schema.ts";

const key = (uri: string): SchemaKey => {
  const r = parseSchemaKey(uri);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

const schemaJson = (vendor: string, name: string, version: string, extra: Record<string, unknown> = {}) => ({
  $schema: SELF_DESCRIBING_METASCHEMA_URI,
  self: { vendor, name, format: "jsonschema", version },
  type: "object",
  ...extra,
});

const ref = { name: "Test", priority: 0, vendorPrefixes: ["com.acme"] };

describe("InMemoryRegistry", () => {
  const schemas = ["1-0-0", "1-0-1", "2-0-0", "1-1-0"].map((v) => {
    const parsed = parseSelfDescribingSchema(schemaJson("com.acme", "click", v));
    if (!parsed.ok) throw new Error(parsed.error.message);
    return parsed.value;
  });
  const registry = new InMemoryRegistry(ref, schemas);

  test("serves schemas in their normalized form, and NotFound otherwise", async () => {
    expect(await registry.lookup(key("iglu:com.acme/click/jsonschema/1-0-1"))).toEqual({
      ok: true,
      value: schemaJson("com.acme", "click", "1-0-1"),
    });
    expect(await registry.lookup(key("iglu:com.acme/click/jsonschema/1-0-2"))).toEqual({
      ok: false,
      error: { kind: "NotFound" },
    });
    expect(registry.kind).toBe("InMemory");
  });

  test("hands out copies", async () => {
    const first = await registry.lookup(key("iglu:com.acme/click/jsonschema/1-0-0"));
    if (first.ok) (first.value as Record<string, unknown>)["type"] = "string";
    const second = await registry.lookup(key("iglu:com.acme/click/jsonschema/1-0-0"));
    expect(second.ok && (second.value as Record<string, unknown>)["type"]).toBe("object");
  });

  test("lists one model in version order", async () => {
    const list = await registry.list("com.acme", "click", 1);
    expect(list.ok && list.value.map(formatSchemaKey)).toEqual([
      "iglu:com.acme/click/jsonschema/1-0-0",
      "iglu:com.acme/click/jsonschema/1-0-1",
      "iglu:com.acme/click/jsonschema/1-1-0",
    ]);
    expect((await registry.list("com.acme", "click", 3)).ok).toBe(false);
  });
});

describe("EmbeddedRegistry", () => {
  const base = "/repo";
  const at = (path: string) => `${base}/schemas/${path}`;
  const files = new Map<string, string>([
    [at("com.acme/click/jsonschema/1-0-0"), JSON.stringify(schemaJson("com.acme", "click", "1-0-0"))],
    [at("com.acme/click/jsonschema/1-0-10"), JSON.stringify(schemaJson("com.acme", "click", "1-0-10"))],
    [at("com.acme/click/jsonschema/1-0-2"), JSON.stringify(schemaJson("com.acme", "click", "1-0-2"))],
    [at("com.acme/click/jsonschema/2-0-0"), JSON.stringify(schemaJson("com.acme", "click", "2-0-0"))],
    [at("com.acme/broken/jsonschema/1-0-0"), "{not json"],
    [at("com.acme/odd/jsonschema/1-0-0"), "{}"],
    [at("com.acme/odd/jsonschema/1-0-0.bak"), "{}"],
  ]);
  const registry = new EmbeddedRegistry(ref, `${base}/`, staticSourceFromMap(files));

  test("reads `{path}/schemas/{vendor}/{name}/{format}/{version}`", async () => {
    expect(await registry.lookup(key("iglu:com.acme/click/jsonschema/1-0-2"))).toEqual({
      ok: true,
      value: schemaJson("com.acme", "click", "1-0-2"),
    });
    expect(await registry.lookup(key("iglu:com.acme/click/jsonschema/1-0-3"))).toEqual({
      ok: false,
      error: { kind: "NotFound" },
    });
  });

  test("an unparsable file is a RepoFailure", async () => {
    const r = await registry.lookup(key("iglu:com.acme/broken/jsonschema/1-0-0"));
    expect(!r.ok && r.error.kind).toBe("RepoFailure");
    expect(!r.ok && r.error.kind !== "NotFound" && r.error.message).toMatch(/^ParsingFailure: /);
  });

  test("a reader that throws is a RepoFailure with its message", async () => {
    const failing: StaticSource = {
      read: () => Promise.reject(new Error("EACCES: permission denied")),
      list: () => Promise.reject(new Error("EIO")),
    };
    const r = new EmbeddedRegistry(ref, base, failing);
    expect(await r.lookup(key("iglu:com.acme/click/jsonschema/1-0-0"))).toEqual({
      ok: false,
      error: { kind: "RepoFailure", message: "EACCES: permission denied" },
    });
    expect(await r.list("com.acme", "click", 1)).toEqual({
      ok: false,
      error: { kind: "RepoFailure", message: "EIO" },
    });
  });

  test("lists a model from the directory, sorted by version", async () => {
    const list = await registry.list("com.acme", "click", 1);
    expect(list.ok && list.value.map(formatSchemaKey)).toEqual([
      "iglu:com.acme/click/jsonschema/1-0-0",
      "iglu:com.acme/click/jsonschema/1-0-2",
      "iglu:com.acme/click/jsonschema/1-0-10",
    ]);
    expect(await registry.list("com.acme", "click", 3)).toEqual({ ok: false, error: { kind: "NotFound" } });
    expect(await registry.list("com.acme", "nothing", 1)).toEqual({ ok: false, error: { kind: "NotFound" } });
  });

  test("a file of the model that is not a version corrupts the listing", async () => {
    expect(await registry.list("com.acme", "odd", 1)).toEqual({
      ok: false,
      error: {
        kind: "RepoFailure",
        message: "Corrupted schema file name at /repo/schemas/com.acme/odd/jsonschema/1-0-0.bak",
      },
    });
  });

  test("without directory listing, reads igluctl's list file", async () => {
    const withList = new Map(files);
    withList.set(
      at("com.acme/click/jsonschema/1"),
      JSON.stringify(["iglu:com.acme/click/jsonschema/1-0-0", "iglu:com.acme/click/jsonschema/1-0-2"]),
    );
    withList.set(at("com.acme/bad/jsonschema/1"), JSON.stringify(["iglu:com.acme/bad/jsonschema/1-0-1"]));
    const readOnly: StaticSource = { read: (p) => Promise.resolve(withList.get(p) ?? null) };
    const r = new EmbeddedRegistry(ref, base, readOnly);
    const list = await r.list("com.acme", "click", 1);
    expect(list.ok && list.value.length).toBe(2);
    expect(await r.list("com.acme", "click", 2)).toEqual({ ok: false, error: { kind: "NotFound" } });
    const bad = await r.list("com.acme", "bad", 1);
    expect(!bad.ok && bad.error.kind).toBe("RepoFailure");
  });
});
