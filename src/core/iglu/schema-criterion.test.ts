/** @module Tests for SchemaCriterion: parsing, formatting, matching. */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import {
  criterionMatches,
  formatSchemaCriterion,
  parseSchemaCriterion,
  type SchemaCriterion,
  schemaCriterion,
} from "./schema-criterion.ts";
import { parseSchemaKey, type SchemaKey } from "./schema-key.ts";

const key = (uri: string): SchemaKey => {
  const r = parseSchemaKey(uri);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};
const criterion = (text: string): SchemaCriterion => {
  const r = parseSchemaCriterion(text);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

const maxInt = 2147483647;
const part = fc.option(fc.integer({ min: 0, max: maxInt }), { nil: null });
const criterionArb: fc.Arbitrary<SchemaCriterion> = fc.record({
  vendor: fc.stringMatching(/^[a-zA-Z0-9_.-]{1,20}$/),
  name: fc.stringMatching(/^[a-zA-Z0-9_-]{1,20}$/),
  format: fc.stringMatching(/^[a-zA-Z0-9_-]{1,10}$/),
  model: fc.option(fc.integer({ min: 1, max: maxInt }), { nil: null }),
  revision: part,
  addition: part,
});

describe("parseSchemaCriterion", () => {
  test("reads wildcards as null", () => {
    expect(parseSchemaCriterion("iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-*")).toEqual({
      ok: true,
      value: schemaCriterion("com.snowplowanalytics.snowplow", "contexts", "jsonschema", 1, 0, null),
    });
    expect(criterion("iglu:com.acme/a/jsonschema/1-*-*")).toEqual(
      schemaCriterion("com.acme", "a", "jsonschema", 1),
    );
    expect(criterion("iglu:com.acme/a/jsonschema/*-*-*")).toEqual(
      schemaCriterion("com.acme", "a", "jsonschema"),
    );
    expect(criterion("iglu:com.acme/a/jsonschema/1-0-0")).toEqual(
      schemaCriterion("com.acme", "a", "jsonschema", 1, 0, 0),
    );
  });

  for (const text of [
    "iglu:com.acme/a/jsonschema/1-?-?",
    "iglu:com.acme/a/jsonschema/0-*-*",
    "iglu:com.acme/a/jsonschema/1-*",
    "com.acme/a/jsonschema/1-*-*",
    "iglu:com.acme/a.b/jsonschema/1-*-*",
    "iglu:com.acme/a/jsonschema/99999999999-*-*",
  ]) {
    test(`rejects ${JSON.stringify(text)}`, () => {
      expect(parseSchemaCriterion(text)).toEqual({
        ok: false,
        error: {
          code: "INVALID_SCHEMA_CRITERION",
          input: text,
          message: `${text} is invalid Iglu schema criterion`,
        },
      });
    });
  }

  test("property: parse ∘ format is the identity", () => {
    fc.assert(
      fc.property(criterionArb, (c) =>
        expect(parseSchemaCriterion(formatSchemaCriterion(c))).toEqual({ ok: true, value: c }),
      ),
    );
  });
});

describe("criterionMatches", () => {
  const contexts = criterion("iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-*");

  test("matches any addition under 1-0-*", () => {
    expect(
      criterionMatches(contexts, key("iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0")),
    ).toBe(true);
    expect(
      criterionMatches(contexts, key("iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-7")),
    ).toBe(true);
  });

  test("rejects another revision, model, name, vendor or format", () => {
    for (const uri of [
      "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-1-0",
      "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/2-0-0",
      "iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0",
      "iglu:com.snowplowanalytics.snowplow.x/contexts/jsonschema/1-0-0",
      "iglu:com.snowplowanalytics.snowplow/contexts/avro/1-0-0",
    ]) {
      expect(criterionMatches(contexts, key(uri))).toBe(false);
    }
  });

  test("property: an exact criterion matches only its key; a full wildcard matches every version", () => {
    const keyArb = fc.record({
      vendor: fc.constantFrom("com.a", "com.b"),
      name: fc.constantFrom("x", "y"),
      format: fc.constant("jsonschema"),
      version: fc.record({ model: fc.integer({ min: 1, max: 3 }), revision: fc.nat(3), addition: fc.nat(3) }),
    });
    fc.assert(
      fc.property(keyArb, keyArb, (a, b) => {
        const exact = schemaCriterion(
          a.vendor,
          a.name,
          a.format,
          a.version.model,
          a.version.revision,
          a.version.addition,
        );
        const same =
          a.vendor === b.vendor &&
          a.name === b.name &&
          a.version.model === b.version.model &&
          a.version.revision === b.version.revision &&
          a.version.addition === b.version.addition;
        expect(criterionMatches(exact, b)).toBe(same);
        const any = schemaCriterion(a.vendor, a.name, a.format);
        expect(criterionMatches(any, b)).toBe(a.vendor === b.vendor && a.name === b.name);
      }),
    );
  });
});
