/** @module Schemas of self-describing records, and S3 loader 3.x's generic_error messages. */
import { describe, expect, test } from "bun:test";
import { formatSchemaKey } from "../iglu/schema-key.ts";
import { readSelfDescribingRecord } from "./self-describing.ts";

const utf8 = new TextEncoder();
const read = (text: string) => readSelfDescribingRecord(utf8.encode(text));

describe("readSelfDescribingRecord", () => {
  test("reads the schema of a bad row; only `schema` matters (iglu-core SchemaKey.extract)", () => {
    const row = read(
      '{"schema":"iglu:com.snowplowanalytics.snowplow.badrows/generic_error/jsonschema/1-0-0","data":{}}',
    );
    expect(row.ok && formatSchemaKey(row.value.schema)).toBe(
      "iglu:com.snowplowanalytics.snowplow.badrows/generic_error/jsonschema/1-0-0",
    );
    const noData = read('{"schema":"iglu:com.acme/x/jsonschema/1-0-0"}');
    expect(noData.ok).toBe(true);
  });

  test("not JSON", () => {
    const r = read("{not json");
    expect(!r.ok && r.error).toMatch(/^Can't parse JSON holding self-describing event: ./);
  });

  test("no schema, or not an Iglu URI: iglu-core's code", () => {
    const cases: [string, string][] = [
      ['{"data":{}}', "INVALID_DATA_PAYLOAD"],
      ["[1,2]", "INVALID_DATA_PAYLOAD"],
      ['{"schema":42}', "INVALID_DATA_PAYLOAD"],
      ['{"schema":"com.acme/x/jsonschema/1-0-0"}', "INVALID_IGLUURI"],
      ['{"schema":"iglu:com.acme/x/jsonschema/0-0-0"}', "INVALID_SCHEMAVER"],
    ];
    for (const [input, code] of cases) {
      const r = read(input);
      expect(!r.ok && r.error).toBe(`Can't extract schema from self-describing event: ${code}`);
    }
  });
});
