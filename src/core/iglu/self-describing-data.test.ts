/** @module Tests for self-describing data: parse errors in iglu-core's order, and round trips. */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { parseIgluParseErrorCode } from "./parse-error.ts";
import { parseSchemaKey } from "./schema-key.ts";
import {
  normalizeSelfDescribingData,
  parseSelfDescribingData,
  type SelfDescribingData,
} from "./self-describing-data.ts";

const uri = "iglu:com.acme/link_click/jsonschema/1-0-0";

describe("parseSelfDescribingData", () => {
  test("reads schema and data", () => {
    const r = parseSelfDescribingData({ schema: uri, data: { targetUrl: "https://x" } });
    expect(r).toEqual({
      ok: true,
      value: {
        schema: {
          vendor: "com.acme",
          name: "link_click",
          format: "jsonschema",
          version: { model: 1, revision: 0, addition: 0 },
        },
        data: { targetUrl: "https://x" },
      },
    });
  });

  test("a null datum is still a datum", () => {
    const r = parseSelfDescribingData({ schema: uri, data: null });
    expect(r.ok && r.value.data).toBe(null);
  });

  test("ignores other members", () => {
    expect(parseSelfDescribingData({ schema: uri, data: 1, extra: true }).ok).toBe(true);
  });

  for (const [what, json] of [
    ["not an object", "text"],
    ["an array", [uri, {}]],
    ["null", null],
    ["no data", { schema: uri }],
    ["no schema", { data: {} }],
    ["a schema that is not a string", { schema: { vendor: "com.acme" }, data: {} }],
  ]) {
    test(`${what} is INVALID_DATA_PAYLOAD`, () => {
      const r = parseSelfDescribingData(json);
      expect(r.ok ? null : r.error.code).toBe("INVALID_DATA_PAYLOAD");
    });
  }

  test("a missing data member is reported before a bad URI, as iglu-core checks data first", () => {
    const r = parseSelfDescribingData({ schema: "not a uri" });
    expect(r.ok ? null : r.error.code).toBe("INVALID_DATA_PAYLOAD");
  });

  test("a bad URI is INVALID_IGLUURI and a bad version INVALID_SCHEMAVER", () => {
    const a = parseSelfDescribingData({ schema: "iglu:com.acme/link_click/1-0-0", data: {} });
    expect(a.ok ? null : a.error).toEqual({
      code: "INVALID_IGLUURI",
      input: "iglu:com.acme/link_click/1-0-0",
      message: "Invalid Iglu URI: iglu:com.acme/link_click/1-0-0, code: INVALID_IGLUURI",
    });
    const b = parseSelfDescribingData({ schema: "iglu:com.acme/link_click/jsonschema/1-0-01", data: {} });
    expect(b.ok ? null : b.error.code).toBe("INVALID_SCHEMAVER");
  });

  test("error codes read back from their strings", () => {
    expect(parseIgluParseErrorCode("INVALID_IGLUURI")).toBe("INVALID_IGLUURI");
    expect(parseIgluParseErrorCode("INVALID_IGLU_URI")).toBe(null);
    expect(parseIgluParseErrorCode("toString")).toBe(null);
  });
});

describe("normalizeSelfDescribingData", () => {
  test("writes schema then data", () => {
    const key = parseSchemaKey(uri);
    if (!key.ok) throw new Error("fixture");
    expect(JSON.stringify(normalizeSelfDescribingData({ schema: key.value, data: { a: 1 } }))).toBe(
      `{"schema":"${uri}","data":{"a":1}}`,
    );
  });

  test("property: parse ∘ JSON ∘ normalize is the identity", () => {
    const sdd: fc.Arbitrary<SelfDescribingData> = fc.record({
      schema: fc.record({
        vendor: fc.stringMatching(/^[a-zA-Z0-9_.-]{1,12}$/),
        name: fc.stringMatching(/^[a-zA-Z0-9_-]{1,12}$/),
        format: fc.constant("jsonschema"),
        version: fc.record({
          model: fc.integer({ min: 1, max: 99 }),
          revision: fc.nat(99),
          addition: fc.nat(99),
        }),
      }),
      data: fc.jsonValue(),
    });
    fc.assert(
      fc.property(sdd, (d) => {
        const text = JSON.stringify(normalizeSelfDescribingData(d));
        expect(parseSelfDescribingData(JSON.parse(text))).toEqual({
          ok: true,
          value: JSON.parse(JSON.stringify(d)),
        });
      }),
    );
  });
});
