import { describe, expect, test } from "bun:test";
import { emptyEnrichedEvent } from "../event/enriched-event.ts";
import { encodeEnrichedTsv } from "../event/tsv.ts";
import { decodeForLoading } from "./enriched-input.ts";

const valid = Object.assign(emptyEnrichedEvent(), {
  event_id: "c6ef3124-b53a-4b13-a233-0088f79dcbcb",
  collector_tstamp: 0,
  v_collector: "c",
  v_etl: "e",
});

describe("decodeForLoading (the Analytics SDK's Event.parse)", () => {
  test("reads a valid line", () => {
    const decoded = decodeForLoading(encodeEnrichedTsv(valid));
    expect(decoded.ok).toBe(true);
  });

  test("a line without 131 columns is a FieldNumberMismatch", () => {
    expect(decodeForLoading("a\tb")).toEqual({
      ok: false,
      error: { kind: "FieldNumberMismatch", fieldCount: 2 },
    });
  });

  test("a value that does not parse is an InvalidValue", () => {
    const columns = encodeEnrichedTsv(valid).split("\t");
    columns[7] = "twelve";
    const decoded = decodeForLoading(columns.join("\t"));
    expect(decoded).toMatchObject({
      ok: false,
      error: { kind: "RowDecodingError", errors: [{ kind: "InvalidValue", key: "txn_id", value: "twelve" }] },
    });
  });

  test("the four values the SDK requires are reported together", () => {
    const decoded = decodeForLoading(encodeEnrichedTsv(emptyEnrichedEvent()));
    expect(decoded.ok).toBe(false);
    if (decoded.ok || decoded.error.kind !== "RowDecodingError")
      throw new Error("expected a RowDecodingError");
    expect(decoded.error.errors.map((e) => (e.kind === "InvalidValue" ? e.key : e.kind))).toEqual([
      "collector_tstamp",
      "event_id",
      "v_collector",
      "v_etl",
    ]);
  });

  test("an event_id that is not a UUID is refused", () => {
    const decoded = decodeForLoading(encodeEnrichedTsv({ ...valid, event_id: "123" }));
    expect(decoded).toMatchObject({ ok: false, error: { errors: [{ key: "event_id", value: "123" }] } });
  });
});
