/** @module Tests for SchemaKey: Iglu URIs, registry paths, character rules, ordering. */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import {
  compareSchemaKey,
  formatSchemaKey,
  makeSchemaKey,
  parseSchemaKey,
  parseSchemaKeyPath,
  type SchemaKey,
  sameSchemaKey,
  schemaKeyPath,
} from "./schema-key.ts";
import type { SchemaVer } from "./schema-ver.ts";

const maxInt = 2147483647;
const schemaVerArb: fc.Arbitrary<SchemaVer> = fc.record({
  model: fc.integer({ min: 1, max: maxInt }),
  revision: fc.integer({ min: 0, max: maxInt }),
  addition: fc.integer({ min: 0, max: maxInt }),
});
const schemaKeyArb: fc.Arbitrary<SchemaKey> = fc.record({
  vendor: fc.stringMatching(/^[a-zA-Z0-9_.-]{1,20}$/),
  name: fc.stringMatching(/^[a-zA-Z0-9_-]{1,20}$/),
  format: fc.oneof(fc.constant("jsonschema"), fc.stringMatching(/^[a-zA-Z0-9_-]{1,10}$/)),
  version: schemaVerArb,
});

const click: SchemaKey = {
  vendor: "com.acme",
  name: "link_click",
  format: "jsonschema",
  version: { model: 1, revision: 0, addition: 2 },
};

describe("parseSchemaKey", () => {
  test("reads an Iglu URI", () => {
    expect(parseSchemaKey("iglu:com.acme/link_click/jsonschema/1-0-2")).toEqual({ ok: true, value: click });
    expect(
      parseSchemaKey("iglu:com.snowplowanalytics.snowplow.badrows/schema_violations/jsonschema/2-0-1").ok,
    ).toBe(true);
    expect(parseSchemaKey("iglu:my-vendor_1/Name-2/thrift/10-20-30").ok).toBe(true);
  });

  for (const uri of [
    "com.acme/link_click/jsonschema/1-0-2", // no protocol
    "iglu:com.acme/link_click/jsonschema", // no version
    "iglu:com.acme/link_click/jsonschema/1-0", // two parts
    "iglu:com.acme/link.click/jsonschema/1-0-0", // dots only in the vendor
    "iglu:com.acme/link_click/json.schema/1-0-0",
    "iglu:com acme/link_click/jsonschema/1-0-0",
    "iglu:com.acme/link_click/jsonschema/1-?-?", // a partial version is not a key
    "iglu:com.acme/link_click/jsonschema/1-*-*",
    "iglu:/link_click/jsonschema/1-0-0",
    "iglu:com.acme/link_click/jsonschema/1-0-0/",
    "iglu:com.acme/link_click/jsonschema/1-0-0\n",
    "",
  ]) {
    test(`rejects ${JSON.stringify(uri)} as INVALID_IGLUURI`, () => {
      const r = parseSchemaKey(uri);
      expect(r.ok ? null : r.error).toEqual({
        code: "INVALID_IGLUURI",
        input: uri,
        message: `Invalid Iglu URI: ${uri}, code: INVALID_IGLUURI`,
      });
    });
  }

  for (const uri of [
    "iglu:com.acme/link_click/jsonschema/0-0-0",
    "iglu:com.acme/link_click/jsonschema/01-0-0",
    "iglu:com.acme/link_click/jsonschema/1--0",
    "iglu:com.acme/link_click/jsonschema/--",
    "iglu:com.acme/link_click/jsonschema/99999999999-0-0",
  ]) {
    test(`rejects a well-formed URI with a bad version, ${JSON.stringify(uri)}, as INVALID_SCHEMAVER`, () => {
      const r = parseSchemaKey(uri);
      expect(r.ok ? null : r.error.code).toBe("INVALID_SCHEMAVER");
    });
  }

  test("property: parse ∘ format is the identity", () => {
    fc.assert(
      fc.property(schemaKeyArb, (k) =>
        expect(parseSchemaKey(formatSchemaKey(k))).toEqual({ ok: true, value: k }),
      ),
    );
  });

  test("property: whatever parses formats back to the same text", () => {
    const text = fc.oneof(
      fc.string().map((s) => `iglu:${s}`),
      fc.stringMatching(/^iglu:[a-z.]{1,5}\/[a-z_]{1,5}\/[a-z]{1,5}\/[0-9]{1,2}-[0-9]{1,2}-[0-9]{1,2}$/),
    );
    fc.assert(
      fc.property(text, (s) => {
        const r = parseSchemaKey(s);
        if (r.ok) expect(formatSchemaKey(r.value)).toBe(s);
      }),
    );
  });
});

describe("registry paths", () => {
  test("writes and reads vendor/name/format/version", () => {
    expect(schemaKeyPath(click)).toBe("com.acme/link_click/jsonschema/1-0-2");
    expect(parseSchemaKeyPath("com.acme/link_click/jsonschema/1-0-2")).toEqual({ ok: true, value: click });
  });

  test("a malformed path is INVALID_SCHEMA and a bad version INVALID_SCHEMAVER, as in iglu-core", () => {
    const bad = parseSchemaKeyPath("com.acme/link_click/1-0-0");
    expect(bad.ok ? null : bad.error.code).toBe("INVALID_SCHEMA");
    const ver = parseSchemaKeyPath("com.acme/link_click/jsonschema/0-1-0");
    expect(ver.ok ? null : ver.error.code).toBe("INVALID_SCHEMAVER");
  });

  test("property: path round trip", () => {
    fc.assert(
      fc.property(schemaKeyArb, (k) =>
        expect(parseSchemaKeyPath(schemaKeyPath(k))).toEqual({ ok: true, value: k }),
      ),
    );
  });
});

describe("makeSchemaKey", () => {
  test("accepts parts an Iglu URI allows", () => {
    expect(makeSchemaKey("com.acme", "link_click", "jsonschema", click.version)).toEqual({
      ok: true,
      value: click,
    });
  });

  test("rejects characters an Iglu URI forbids", () => {
    const v = click.version;
    for (const [vendor, name, format] of [
      ["com/acme", "a", "jsonschema"],
      ["com.acme", "a.b", "jsonschema"],
      ["com.acme", "a", "json schema"],
      ["", "a", "jsonschema"],
      ["com.acme", "ünïcode", "jsonschema"],
    ] as const) {
      const r = makeSchemaKey(vendor, name, format, v);
      expect(r.ok ? null : r.error.code).toBe("INVALID_IGLUURI");
    }
  });

  test("rejects versions no URI could carry", () => {
    const r = makeSchemaKey("com.acme", "a", "jsonschema", { model: 0, revision: 0, addition: 0 });
    expect(r.ok ? null : r.error.code).toBe("INVALID_SCHEMAVER");
  });
});

describe("ordering", () => {
  test("sorts by vendor, name, format, then version", () => {
    const uris = [
      "iglu:com.b/a/jsonschema/1-0-0",
      "iglu:com.a/b/jsonschema/1-0-0",
      "iglu:com.a/a/jsonschema/1-0-10",
      "iglu:com.a/a/jsonschema/1-0-9",
      "iglu:com.a/a/avro/2-0-0",
    ];
    const keys = uris.flatMap((u) => {
      const r = parseSchemaKey(u);
      return r.ok ? [r.value] : [];
    });
    expect(keys.sort(compareSchemaKey).map(formatSchemaKey)).toEqual([
      "iglu:com.a/a/avro/2-0-0",
      "iglu:com.a/a/jsonschema/1-0-9",
      "iglu:com.a/a/jsonschema/1-0-10",
      "iglu:com.a/b/jsonschema/1-0-0",
      "iglu:com.b/a/jsonschema/1-0-0",
    ]);
  });

  test("property: equal keys compare as zero", () => {
    fc.assert(
      fc.property(schemaKeyArb, schemaKeyArb, (a, b) => {
        expect(sameSchemaKey(a, { ...a })).toBe(true);
        expect(sameSchemaKey(a, b)).toBe(formatSchemaKey(a) === formatSchemaKey(b));
      }),
    );
  });
});
