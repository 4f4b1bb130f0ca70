/** @module Tests for reading a static-layout folder and ordering it for publication. */
import { describe, expect, test } from "bun:test";
import { fileURLToPath } from "node:url";
import { formatSchemaKey } from "../../core/iglu/schema-key.ts";
import { apiRoot } from "./registry-push.ts";
import { publicationOrder, readSchemaFolder } from "./schema-folder.ts";

const FIXTURES = fileURLToPath(new URL("../../../fixtures/iglu", import.meta.url));

describe("readSchemaFolder", () => {
  test("reads the good fixtures from the folder or its schemas/ child; skips other formats", async () => {
    for (const dir of [`${FIXTURES}/good`, `${FIXTURES}/good/schemas`]) {
      const folder = await readSchemaFolder(dir);
      expect(folder.problems).toEqual([]);
      expect(folder.skipped).toEqual([
        {
          path: "com.furrow.test/legacy/avro/1-0-0",
          message: "format avro is not a self-describing JSON Schema",
        },
      ]);
      expect(folder.schemas.map((s) => s.path)).toHaveLength(5);
      expect(folder.schemas[0]?.text).toStartWith("{\n");
    }
  });

  test("reports files that do not fit, one problem each", async () => {
    const folder = await readSchemaFolder(`${FIXTURES}/bad`);
    expect(folder.problems.map((p) => p.path)).toEqual([
      "com.furrow.test/broken/jsonschema/1-0-0",
      "com.furrow.test/mismatch/jsonschema/1-0-0",
    ]);
    expect(folder.problems[1]?.message).toBe(
      "its self is iglu:com.furrow.test/other/jsonschema/1-0-0, not the path's key",
    );
    await expect(readSchemaFolder(`${FIXTURES}/none`)).rejects.toThrow("is not a folder");
  });

  test("publication order: by vendor, name, format, then ascending SchemaVer", async () => {
    const { schemas } = await readSchemaFolder(`${FIXTURES}/good`);
    const shuffled = [...schemas].reverse();
    expect(publicationOrder(shuffled).map((s) => formatSchemaKey(s.key))).toEqual([
      "iglu:com.furrow.test/button_click/jsonschema/1-0-0",
      "iglu:com.furrow.test/button_click/jsonschema/1-0-1",
      "iglu:com.furrow.test/button_click/jsonschema/1-1-0",
      "iglu:com.furrow.test/button_click/jsonschema/2-0-0",
      "iglu:com.furrow.test.shop/page_view/jsonschema/1-0-0",
    ]);
  });

  test("apiRoot accepts a base URL or an API root", () => {
    for (const given of ["http://h:8080", "http://h:8080/", "http://h:8080/api", "http://h:8080/api/"]) {
      expect(apiRoot(given)).toBe("http://h:8080/api");
    }
  });
});
