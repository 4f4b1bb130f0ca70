import { describe, expect, test } from "bun:test";
import { schemaViolations, serializeBadRow } from "../badrows/bad-row.ts";
import { notJson } from "../badrows/failure-message.ts";
import { processor } from "../badrows/processor.ts";
import {
  createSelfDescribingTableSql,
  parseSelfDescribingRecord,
  rowHash,
  SELF_DESCRIBING_COLUMNS,
  selfDescribingCells,
  selfDescribingTableComment,
  storableJsonText,
} from "./self-describing-table.ts";

const badRow = serializeBadRow(
  schemaViolations(
    processor("furrow-enrich", "0.1.0"),
    { timestamp: new Date("2024-05-06T07:08:09.123Z"), messages: [notJson("ue_pr", "{", "unexpected end")] },
    {
      enriched: {} as never,
      raw: {
        vendor: "com.snowplowanalytics.snowplow",
        version: "tp2",
        parameters: [],
        contentType: null,
        loaderName: "furrow",
        encoding: "UTF-8",
        hostname: null,
        timestamp: null,
        ipAddress: null,
        useragent: null,
        refererUri: null,
        headers: [],
        userId: null,
      },
    },
  ),
);

describe("self-describing records (JSON purpose)", () => {
  test("a bad row goes to its schema's vendor/name/model table", () => {
    const record = parseSelfDescribingRecord(badRow);
    if (!record.ok) throw new Error(record.error);
    expect(record.value.table).toBe("com_snowplowanalytics_snowplow_badrows_schema_violations_2");
    expect(record.value.key.version).toEqual({ model: 2, revision: 0, addition: 1 });
  });

  test("what is not self-describing JSON is said so", () => {
    expect(parseSelfDescribingRecord("{")).toMatchObject({ ok: false });
    expect(parseSelfDescribingRecord("[1]")).toEqual({
      ok: false,
      error: "not a self-describing JSON: not an object",
    });
    expect(parseSelfDescribingRecord('{"schema":"x","data":1}')).toEqual({
      ok: false,
      error: "not a self-describing JSON: x is not an Iglu URI",
    });
    expect(parseSelfDescribingRecord('{"schema":"iglu:a/b/jsonschema/1-0-0"}')).toEqual({
      ok: false,
      error: "not a self-describing JSON: no data",
    });
  });

  test("the row: hash, schema, failure time in UTC, processor, and the whole data", async () => {
    const record = parseSelfDescribingRecord(badRow);
    if (!record.ok) throw new Error(record.error);
    const hash = await rowHash(badRow);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    const cells = selfDescribingCells(record.value, hash);
    expect(cells).toHaveLength(SELF_DESCRIBING_COLUMNS.length);
    expect(cells.slice(0, 8)).toEqual([
      hash,
      "com.snowplowanalytics.snowplow.badrows",
      "schema_violations",
      "jsonschema",
      "2-0-1",
      "2024-05-06 07:08:09.123",
      "furrow-enrich",
      "0.1.0",
    ]);
    expect(JSON.parse(cells[8]!)).toEqual(JSON.parse(badRow).data);
  });

  test("SHA-256 matches its reference vector", async () => {
    expect(await rowHash("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  test("escapes JSONB refuses are stored as U+FFFD; escaped text is left alone", () => {
    expect(storableJsonText({ a: "x\u0000y", b: "\udc00" })).toBe('{"a":"x\\ufffdy","b":"\\ufffd"}');
    expect(storableJsonText({ a: "\\u0000" })).toBe('{"a":"\\\\u0000"}');
    expect(storableJsonText({ a: "😀" })).toBe('{"a":"😀"}');
  });

  test("DDL: fixed columns, the load time by default, a unique row_hash, a comment naming the model", () => {
    const ddl = createSelfDescribingTableSql("atomic_bad", "t_2");
    expect(ddl).toContain('"row_hash" CHAR(64) NOT NULL');
    expect(ddl).toContain('"data" JSONB NOT NULL');
    expect(ddl).toContain(`"load_tstamp" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC')`);
    expect(ddl).toContain('UNIQUE ("row_hash")');
    const key = {
      vendor: "com.snowplowanalytics.snowplow.badrows",
      name: "schema_violations",
      format: "jsonschema",
      version: { model: 2, revision: 0, addition: 1 },
    };
    expect(selfDescribingTableComment("atomic_bad", "t_2", key)).toBe(
      `COMMENT ON TABLE "atomic_bad"."t_2" IS 'iglu:com.snowplowanalytics.snowplow.badrows/schema_violations/jsonschema/2-*-*'`,
    );
  });
});
