/** @module Tests for reading enrichment configs: schema checks and typed extraction with paths. */
import { describe, expect, test } from "bun:test";
import { schemaCriterion } from "../../iglu/schema-criterion.ts";
import { ConfigReader } from "./parseable-enrichment.ts";

const reader = new ConfigReader("anon_ip");
const criterion = schemaCriterion("com.snowplowanalytics.snowplow", "anon_ip", "jsonschema", 1, 0);

describe("ConfigReader", () => {
  test("accepts a matching schema and returns the key and data", () => {
    const c = reader.config(
      { schema: "iglu:com.snowplowanalytics.snowplow/anon_ip/jsonschema/1-0-1", data: { a: 1 } },
      criterion,
    );
    expect(c.ok && [c.value.schemaKey.version, c.value.data]).toEqual([
      { model: 1, revision: 0, addition: 1 },
      { a: 1 },
    ]);
  });

  test("refuses what is not an SDJ, a bad URI, another schema, or data that is not an object", () => {
    const cases: [unknown, string][] = [
      [null, "schema"],
      [{ schema: "nope", data: {} }, "schema"],
      [{ schema: "iglu:com.snowplowanalytics.snowplow/anon_ip/jsonschema/2-0-0", data: {} }, "schema"],
      [{ schema: "iglu:com.snowplowanalytics.snowplow/anon_ip/jsonschema/1-0-0", data: [] }, "data"],
    ];
    for (const [json, path] of cases) {
      const c = reader.config(json, criterion);
      expect(!c.ok && { enrichment: c.error.enrichment, path: c.error.path }).toEqual({
        enrichment: "anon_ip",
        path,
      });
    }
  });

  test("extractors name the path and the expected type", () => {
    const data = { parameters: { n: 1.5, s: 3, l: ["a", 2], a: { uri: "", database: "x" } } };
    const n = reader.integer(data, ["parameters", "n"]);
    expect(!n.ok && n.error.message).toBe(
      "Could not extract parameters.n as Int from supplied JSON: expected an integer, got a number",
    );
    const s = reader.string(data, ["parameters", "missing"]);
    expect(!s.ok && s.error.message).toBe(
      "Could not extract parameters.missing as String from supplied JSON: missing, expected a string",
    );
    const l = reader.strings(data, ["parameters", "l"]);
    expect(!l.ok && l.error.path).toBe("parameters.l");
    const a = reader.asset(data, ["parameters", "a"]);
    expect(!a.ok && a.error.message).toBe("URI  to database file x must be provided");
    expect(reader.optionalStrings(data, ["parameters", "none"])).toEqual({ ok: true, value: [] });
    expect(reader.optionalAsset(data, ["parameters", "none"])).toEqual({ ok: true, value: null });
  });
});
