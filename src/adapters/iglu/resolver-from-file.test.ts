/** @module Tests for building a resolver from a config file, and for the file-system StaticSource. */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseSchemaKey, type SchemaKey } from "../../core/iglu/schema-key.ts";
import { fileSystemSource } from "./file-system-source.ts";
import { resolverFromFile } from "./resolver-from-file.ts";

const fixtures = fileURLToPath(new URL("../../../fixtures/iglu-resolver", import.meta.url));

const key = (uri: string): SchemaKey => {
  const r = parseSchemaKey(uri);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

describe("resolverFromFile", () => {
  test("reads the example config; its relative embedded path is resolved against the file", async () => {
    const built = await resolverFromFile(join(fixtures, "resolver.json"));
    if (!built.ok) throw new Error(JSON.stringify(built.error));
    expect(built.value.registries.map((r) => r.name)).toEqual([
      "Iglu Client Embedded",
      "Furrow examples",
      "Iglu Central",
    ]);
    // com.furrow.* matches the embedded repository's prefix, so Iglu Central is never asked.
    const checked = await built.value.validate({
      schema: key("iglu:com.furrow.example/page_context/jsonschema/1-0-0"),
      data: { id: "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d" },
    });
    expect(checked.ok).toBe(true);
  });

  test("a missing file or a bad config is an error at its path", async () => {
    const dir = mkdtempSync(join(tmpdir(), "furrow-resolver-config-"));
    try {
      const missing = await resolverFromFile(join(dir, "nope.json"));
      expect(!missing.ok && missing.error.issues[0].path).toBe("$");
      expect(!missing.ok && missing.error.issues[0].message).toContain("cannot read");
      const path = join(dir, "bad.json");
      writeFileSync(
        path,
        JSON.stringify({
          schema: "iglu:com.snowplowanalytics.iglu/resolver-config/jsonschema/1-0-1",
          data: {
            cacheSize: 5,
            repositories: [{ name: "x", priority: 0, vendorPrefixes: [], connection: {} }],
          },
        }),
      );
      const bad = await resolverFromFile(path);
      expect(!bad.ok && bad.error.issues.map((i) => i.path)).toEqual(["$.data.repositories[0].connection"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("fileSystemSource", () => {
  const source = fileSystemSource(fixtures);

  test("reads files, relative to its root; missing paths are null", async () => {
    expect(await source.read("registry/schemas/com.furrow.example/checkout/jsonschema/1")).toContain(
      "checkout",
    );
    expect(await source.read("registry/schemas/com.furrow.example/checkout/jsonschema/9-9-9")).toBeNull();
    expect(await source.read("README.md/inside")).toBeNull();
  });

  test("lists only the plain files of a directory", async () => {
    expect(
      [...((await source.list?.("registry/schemas/com.furrow.example/checkout/jsonschema")) ?? [])].sort(),
    ).toEqual(["1", "1-0-0", "1-0-1", "1-1-0"]);
    expect(await source.list?.("registry/schemas/com.furrow.example")).toEqual([]);
    expect(await source.list?.("registry/nowhere")).toBeNull();
  });
});
