/** @module Tests for self-describing schemas: the metaschema check, the self block, normalization. */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import {
  normalizeSelfDescribingSchema,
  parseSelfDescribingSchema,
  SELF_DESCRIBING_METASCHEMA_URI,
  type SelfDescribingSchema,
  schemaBody,
  selfBlock,
} from "./self-describing-schema.ts";

const self = { vendor: "com.acme", name: "link_click", format: "jsonschema", version: "1-0-0" };
const body = { description: "A click", type: "object", properties: { id: { type: "string" } } };
const canonical = { $schema: SELF_DESCRIBING_METASCHEMA_URI, self, ...body };

describe("parseSelfDescribingSchema", () => {
  test("reads the self block and strips it and $schema from the body", () => {
    expect(parseSelfDescribingSchema(canonical)).toEqual({
      ok: true,
      value: {
        self: {
          vendor: "com.acme",
          name: "link_click",
          format: "jsonschema",
          version: { model: 1, revision: 0, addition: 0 },
        },
        schema: body,
      },
    });
  });

  test("a missing or different $schema is INVALID_METASCHEMA, checked first", () => {
    const { $schema: _m, ...bare } = canonical;
    for (const json of [
      bare,
      { ...canonical, $schema: "http://json-schema.org/draft-04/schema#" },
      { ...canonical, $schema: SELF_DESCRIBING_METASCHEMA_URI.slice(0, -1) },
      { $schema: 1, self: "garbage" },
      "not an object",
    ]) {
      const r = parseSelfDescribingSchema(json);
      expect(r.ok ? null : r.error.code).toBe("INVALID_METASCHEMA");
    }
  });

  test("a missing or incomplete self block is INVALID_SCHEMA", () => {
    const { self: _s, ...noSelf } = canonical;
    for (const json of [
      noSelf,
      { ...canonical, self: "iglu:com.acme/link_click/jsonschema/1-0-0" },
      { ...canonical, self: { ...self, vendor: undefined } },
      { ...canonical, self: { ...self, name: 1 } },
    ]) {
      const r = parseSelfDescribingSchema(json);
      expect(r.ok ? null : r.error.code).toBe("INVALID_SCHEMA");
    }
  });

  test("a missing, partial or malformed version is INVALID_SCHEMAVER", () => {
    for (const version of [undefined, "1-?-?", "1-0", "0-0-0", 100]) {
      const r = parseSelfDescribingSchema({ ...canonical, self: { ...self, version } });
      expect(r.ok ? null : r.error.code).toBe("INVALID_SCHEMAVER");
    }
  });
});

describe("normalizeSelfDescribingSchema", () => {
  test("writes $schema, self, then the body", () => {
    const parsed = parseSelfDescribingSchema(canonical);
    if (!parsed.ok) throw new Error("fixture");
    const out = normalizeSelfDescribingSchema(parsed.value);
    expect(Object.keys(out)).toEqual(["$schema", "self", "description", "type", "properties"]);
    expect(out).toEqual(canonical);
  });

  test("a body cannot override self or $schema", () => {
    const parsed = parseSelfDescribingSchema(canonical);
    if (!parsed.ok) throw new Error("fixture");
    const sneaky: SelfDescribingSchema = {
      self: parsed.value.self,
      schema: { ...body, self: { vendor: "evil" } },
    };
    expect(normalizeSelfDescribingSchema(sneaky)["self"]).toEqual(self);
  });

  test("schemaBody and selfBlock", () => {
    expect(schemaBody(canonical)).toEqual(body);
    const parsed = parseSelfDescribingSchema(canonical);
    expect(parsed.ok && selfBlock(parsed.value.self)).toEqual(self);
  });

  test("property: parse ∘ normalize is the identity", () => {
    const schemaArb: fc.Arbitrary<SelfDescribingSchema> = fc.record({
      self: fc.record({
        vendor: fc.stringMatching(/^[a-zA-Z0-9_.-]{1,12}$/),
        name: fc.stringMatching(/^[a-zA-Z0-9_-]{1,12}$/),
        format: fc.constant("jsonschema"),
        version: fc.record({
          model: fc.integer({ min: 1, max: 99 }),
          revision: fc.nat(99),
          addition: fc.nat(99),
        }),
      }),
      schema: fc.dictionary(
        fc.string().filter((k) => k !== "self" && k !== "$schema" && k !== "__proto__"),
        fc.jsonValue(),
      ),
    });
    fc.assert(
      fc.property(schemaArb, (s) => {
        const json = JSON.parse(JSON.stringify(normalizeSelfDescribingSchema(s)));
        expect(parseSelfDescribingSchema(json)).toEqual({ ok: true, value: JSON.parse(JSON.stringify(s)) });
      }),
    );
  });
});
