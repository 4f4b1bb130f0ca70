/** @module Tests for the schema validator: compiling, caching, and Snowplow-shaped reports. */
import { describe, expect, test } from "bun:test";
import type { ValidatorReport } from "./client-error.ts";
import { parseSchemaKey, type SchemaKey } from "./schema-key.ts";
import { dropRemoteRefs, SchemaValidator } from "./schema-validator.ts";
import { SELF_DESCRIBING_METASCHEMA_URI } from "./self-describing-schema.ts";

const key = (uri: string): SchemaKey => {
  const r = parseSchemaKey(uri);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

const beerKey = key("iglu:com.furrow.test/beer_order/jsonschema/1-0-0");
const beerSchema = {
  $schema: SELF_DESCRIBING_METASCHEMA_URI,
  self: { vendor: "com.furrow.test", name: "beer_order", format: "jsonschema", version: "1-0-0" },
  type: "object",
  properties: {
    country: { type: "string", maxLength: 3 },
    beers: { type: "array", items: { type: "string" } },
    note: { type: ["string", "null"] },
    size: { enum: ["small", "large", null] },
    placed: { type: "string", format: "date-time" },
    host: { type: "string", pattern: "^[a-z]+$" },
    count: { type: "integer", minimum: 1, maximum: 10 },
    nested: { type: "object", properties: { a: { type: "number" } }, additionalProperties: false },
  },
  required: ["country", "beers"],
  additionalProperties: false,
};

function reports(data: unknown): readonly ValidatorReport[] {
  const r = new SchemaValidator().validate(beerKey, beerSchema, data);
  if (r.ok) return [];
  if (r.error.kind !== "InvalidData") throw new Error("expected invalid data");
  return r.error.dataReports;
}

describe("SchemaValidator.validate", () => {
  test("accepts valid data", () => {
    const v = new SchemaValidator();
    expect(
      v.validate(beerKey, beerSchema, { country: "fr", beers: ["ipa"], note: null, size: null }).ok,
    ).toBe(true);
  });

  test("strips self and $schema before compiling", () => {
    // With `self` compiled as a keyword-free member nothing would change, but `$schema` would make
    // ajv look for an unknown metaschema; the compile succeeding proves both were stripped.
    expect(new SchemaValidator().compile(beerKey, beerSchema).ok).toBe(true);
  });

  test("a wrong type reports found and expected types at a JSONPath", () => {
    expect(reports({ country: 1, beers: [] })).toEqual([
      {
        message: "$.country: integer found, string expected",
        path: "$.country",
        keyword: "type",
        targets: ["integer", "string"],
      },
    ]);
  });

  test("array items are addressed with [i]", () => {
    expect(reports({ country: "fr", beers: ["ipa", true] })).toEqual([
      {
        message: "$.beers[1]: boolean found, string expected",
        path: "$.beers[1]",
        keyword: "type",
        targets: ["boolean", "string"],
      },
    ]);
  });

  test("a missing property is reported at its parent", () => {
    expect(reports({ country: "fr" })).toEqual([
      {
        message: "$.beers: is missing but it is required",
        path: "$",
        keyword: "required",
        targets: ["beers"],
      },
    ]);
  });

  test("an additional property is reported at its parent", () => {
    expect(reports({ country: "fr", beers: [], nested: { a: 1, three: 3 } })).toEqual([
      {
        message:
          "$.nested.three: is not defined in the schema and the schema does not allow additional properties",
        path: "$.nested",
        keyword: "additionalProperties",
        targets: ["three"],
      },
    ]);
  });

  test("maxLength, enum, pattern, format, bounds and union types", () => {
    const got = reports({
      country: "france",
      beers: [],
      size: "medium",
      host: "NOPE",
      placed: "yesterday",
      count: 11,
      note: 5,
    });
    const byKeyword = Object.fromEntries(got.map((r) => [r.keyword, r]));
    expect(byKeyword["maxLength"]).toEqual({
      message: "$.country: may only be 3 characters long",
      path: "$.country",
      keyword: "maxLength",
      targets: ["3"],
    });
    expect(byKeyword["enum"]?.message).toBe(
      "$.size: does not have a value in the enumeration [small, large, null]",
    );
    expect(byKeyword["pattern"]?.message).toBe("$.host: does not match the regex pattern ^[a-z]+$");
    expect(byKeyword["format"]).toMatchObject({ path: "$.placed", targets: ["date-time"] });
    expect(byKeyword["maximum"]?.message).toBe("$.count: must have a maximum value of 10");
    expect(got.find((r) => r.path === "$.note")).toEqual({
      message: "$.note: integer found, but [string, null] is required",
      path: "$.note",
      keyword: "type",
      targets: ["integer", "[string, null]"],
    });
    expect(got).toHaveLength(6);
  });

  test("reports every problem, not just the first", () => {
    expect(reports({ country: 1, beers: ["a", 2, 3] }).map((r) => r.path)).toEqual([
      "$.country",
      "$.beers[1]",
      "$.beers[2]",
    ]);
  });

  test("the root is $", () => {
    expect(reports("not an object")[0]).toMatchObject({
      path: "$",
      keyword: "type",
      targets: ["string", "object"],
    });
  });
});

describe("SchemaValidator caching", () => {
  test("compiles once per SchemaKey", () => {
    const v = new SchemaValidator();
    const first = v.compile(beerKey, beerSchema);
    const second = v.compile(beerKey, { type: "string" });
    expect(second).toBe(first);
    expect(v.size).toBe(1);
    expect(v.has(beerKey)).toBe(true);
  });

  test("forget drops the entry so the next compile sees the new schema", () => {
    const v = new SchemaValidator();
    v.compile(beerKey, beerSchema);
    v.forget(beerKey);
    expect(v.has(beerKey)).toBe(false);
    expect(v.validate(beerKey, { type: "string" }, "now a string is fine").ok).toBe(true);
  });

  test("caches failures too", () => {
    const v = new SchemaValidator();
    const broken = key("iglu:com.furrow.test/broken/jsonschema/1-0-0");
    const first = v.compile(broken, { type: "no-such-type" });
    expect(first.ok).toBe(false);
    expect(v.compile(broken, { type: "no-such-type" })).toBe(first);
  });
});

describe("schemas that cannot be used", () => {
  test("a schema breaking the draft-04 metaschema is InvalidSchema with issues", () => {
    const r = new SchemaValidator().validate(
      key("iglu:com.furrow.test/broken/jsonschema/1-0-0"),
      {
        type: "object",
        properties: { a: { type: "no-such-type" } },
      },
      {},
    );
    expect(r.ok).toBe(false);
    if (!r.ok && r.error.kind === "InvalidSchema") {
      expect(r.error.schemaIssues.length).toBeGreaterThan(0);
      expect(r.error.schemaIssues.some((i) => i.path.startsWith("$.properties.a.type"))).toBe(true);
    } else {
      throw new Error("expected InvalidSchema");
    }
  });

  test("an unresolvable local $ref is InvalidSchema rather than a crash", () => {
    const r = new SchemaValidator().compile(key("iglu:com.furrow.test/broken/jsonschema/1-0-1"), {
      properties: { a: { $ref: "#/definitions/missing" } },
    });
    expect(r.ok ? null : r.error.kind).toBe("InvalidSchema");
  });
});

describe("remote $refs", () => {
  const remote = {
    type: "object",
    properties: {
      payload: {
        $ref: "http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/instance-iglu-only/jsonschema/1-0-0#",
      },
      local: { $ref: "#/definitions/name" },
    },
    definitions: { name: { type: "string" } },
  };

  test("are treated as {} while local refs still apply", () => {
    const v = new SchemaValidator();
    const k = key("iglu:com.furrow.test/remote/jsonschema/1-0-0");
    expect(v.validate(k, remote, { payload: 42, local: "x" }).ok).toBe(true);
    expect(v.validate(k, remote, { payload: 42, local: 1 }).ok).toBe(false);
  });

  test("dropRemoteRefs lists what it dropped and leaves the input alone", () => {
    const { schema, dropped } = dropRemoteRefs(remote);
    expect(dropped).toEqual([
      "http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/instance-iglu-only/jsonschema/1-0-0#",
    ]);
    expect((schema as { properties: Record<string, unknown> }).properties["payload"]).toEqual({});
    expect(remote.properties.payload.$ref).toContain("http://");
  });
});
