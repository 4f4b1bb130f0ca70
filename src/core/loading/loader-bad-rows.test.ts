/** @module The loader's bad rows: generic_error, loader_parsing_error and the size guard. */
import { describe, expect, test } from "bun:test";
import { badRowJson, serializeBadRow } from "../badrows/bad-row.ts";
import { processor } from "../badrows/processor.ts";
import { decodeEnrichedTsv } from "../event/tsv.ts";
import {
  notSelfDescribing,
  serializeWithinLimit,
  tsvParsingError,
  unreadableEnrichedLine,
} from "./loader-bad-rows.ts";

const p = processor("furrow-s3-loader", "0.1.0");
const now = new Date("2024-02-09T07:05:03.999Z");
const text = new TextDecoder();

describe("loader bad rows", () => {
  test("a record that is not self-describing is a generic_error with the record in base64", () => {
    const row = notSelfDescribing(
      p,
      new TextEncoder().encode("nope"),
      "Can't parse JSON holding self-describing event: x",
      now,
    );
    expect(badRowJson(row)).toEqual({
      schema: "iglu:com.snowplowanalytics.snowplow.badrows/generic_error/jsonschema/1-0-0",
      data: {
        processor: { artifact: "furrow-s3-loader", version: "0.1.0" },
        failure: {
          timestamp: "2024-02-09T07:05:03.999Z",
          errors: ["Can't parse JSON holding self-describing event: x"],
        },
        payload: "bm9wZQ==",
      },
    });
  });

  test("TSV decoding errors map to the Analytics SDK's ParsingError", () => {
    const noTabs = decodeEnrichedTsv("just one field");
    expect(!noTabs.ok && tsvParsingError(noTabs.error)).toEqual({ kind: "NotTSV" });
    const short = decodeEnrichedTsv("a\tb\tc");
    expect(!short.ok && tsvParsingError(short.error)).toEqual({ kind: "FieldNumberMismatch", fieldCount: 3 });
    const fields = new Array(131).fill("");
    fields[7] = "not-an-int";
    const bad = decodeEnrichedTsv(fields.join("\t"));
    const mapped = !bad.ok && tsvParsingError(bad.error);
    expect(mapped ? mapped.kind : null).toBe("RowDecodingError");
    const row = unreadableEnrichedLine(p, "a\tb\tc", { kind: "FieldNumberMismatch", fieldCount: 3 });
    expect(badRowJson(row).schema).toBe(
      "iglu:com.snowplowanalytics.snowplow.badrows/loader_parsing_error/jsonschema/2-0-0",
    );
  });

  test("a bad row within the limit is written as is", () => {
    const row = notSelfDescribing(p, new Uint8Array(10), "x", now);
    expect(text.decode(serializeWithinLimit(row, p, 10_000, now))).toBe(serializeBadRow(row));
  });

  test("a bad row at or over the limit becomes a size_violation with its first tenth (3.x withMaxSize)", () => {
    const row = notSelfDescribing(p, new Uint8Array(3000), "x", now);
    const original = serializeBadRow(row);
    const limit = 1000;
    const out = JSON.parse(text.decode(serializeWithinLimit(row, p, limit, now)));
    expect(out.schema).toBe("iglu:com.snowplowanalytics.snowplow.badrows/size_violation/jsonschema/1-0-0");
    expect(out.data.failure).toEqual({
      timestamp: "2024-02-09T07:05:03.999Z",
      maximumAllowedSizeBytes: limit,
      actualSizeBytes: original.length,
      expectation: "Bad row exceeds allowed max size",
    });
    expect(out.data.payload).toBe(original.slice(0, 100));
  });
});
