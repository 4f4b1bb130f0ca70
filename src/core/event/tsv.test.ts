import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { enrichedEvent, tsvCanonical } from "../../../test/enriched-arbitrary.ts";
import { sampleEvents } from "../../../test/enriched-samples.ts";
import { emptyEnrichedEvent } from "./enriched-event.ts";
import {
  contextsSchema,
  decodeEnrichedTsv,
  describeEnrichedTsvError,
  type EnrichedTsvError,
  encodeEnrichedTsv,
  unstructEventSchema,
} from "./tsv.ts";

const fixtureLines = readFileSync(new URL("../../../fixtures/enriched/events.tsv", import.meta.url), "utf8")
  .split("\n")
  .filter((line) => line.length > 0);

/** A line with every column empty except those given by 1-based column number. */
function lineWith(columns: Record<number, string>): string {
  const cells = new Array<string>(131).fill("");
  for (const [n, text] of Object.entries(columns)) cells[Number(n) - 1] = text;
  return cells.join("\t");
}

function decodeError(line: string): EnrichedTsvError {
  const r = decodeEnrichedTsv(line);
  if (r.ok) throw new Error("expected a decoding error");
  return r.error;
}

const webPage = {
  schema: "iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0",
  data: { id: "p1" },
};

describe("encodeEnrichedTsv", () => {
  test("writes an empty event as 131 empty columns", () => {
    const line = encodeEnrichedTsv(emptyEnrichedEvent());
    expect(line).toBe("\t".repeat(130));
  });

  test("writes the sample events exactly as the fixture has them", () => {
    expect(sampleEvents.map((s) => encodeEnrichedTsv(s.event))).toEqual(fixtureLines);
  });

  test("formats every kind of column as Enrich does", () => {
    const full = sampleEvents[0]!.event;
    const cells = encodeEnrichedTsv(full).split("\t");
    expect(cells).toHaveLength(131);
    expect(cells.every((c) => c.length > 0)).toBe(true);
    expect(cells[2]).toBe("2024-03-10 12:00:01.234"); // etl_tstamp
    expect(cells[7]).toBe("28288"); // txn_id
    expect(cells[22]).toBe("53.3331"); // geo_latitude
    expect(cells[23]).toBe("-6.2489"); // geo_longitude
    expect(cells[52]).toBe(
      `{"schema":"${contextsSchema}","data":[{"schema":"iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0","data":{"id":"a86c42e5-b831-45c8-b706-e214c26b4b3d"}}]}`,
    );
    expect(cells[57]).toBe("2.0"); // se_value keeps its scale
    expect(cells[58]).toBe(
      `{"schema":"${unstructEventSchema}","data":{"schema":"iglu:com.snowplowanalytics.snowplow/link_click/jsonschema/1-0-1","data":{"targetUrl":"https://shop.example.com/checkout"}}}`,
    );
    expect(cells[61]).toBe("28.50"); // tr_total
    expect(cells[84]).toBe("1"); // br_features_pdf
    expect(cells[85]).toBe("0"); // br_features_flash
  });

  test("makes every string TSV-safe", () => {
    const hostile = sampleEvents.find((s) => s.name === "TSV-hostile strings")!.event;
    const line = encodeEnrichedTsv(hostile);
    expect(line.split("\t")).toHaveLength(131);
    expect(line).not.toMatch(/[\n\r\x00\x07\x1b\x7f]/);
    const cells = line.split("\t");
    expect(cells[0]).toBe("tab    here");
    expect(cells[29]).toBe("    tabbed    ");
    expect(cells[30]).toBe("line oneline twoline three");
    expect(cells[56]).toBe(""); // se_property "\r\n" leaves nothing
  });

  test("keeps control characters escaped inside JSON columns", () => {
    const event = emptyEnrichedEvent();
    event.contexts = [{ schema: webPage.schema, data: { text: "a\tb\nc" } }];
    const cells = encodeEnrichedTsv(event).split("\t");
    expect(cells[52]).toContain('"a\\tb\\nc"');
  });

  test("writes contexts in canonical schema-then-data order, undefined data as null", () => {
    const event = emptyEnrichedEvent();
    event.contexts = [
      { data: { a: 1 }, schema: webPage.schema } as never,
      { schema: webPage.schema, data: undefined },
    ];
    const cells = encodeEnrichedTsv(event).split("\t");
    expect(cells[52]).toBe(
      `{"schema":"${contextsSchema}","data":[{"schema":"${webPage.schema}","data":{"a":1}},{"schema":"${webPage.schema}","data":null}]}`,
    );
  });

  test("throws on a timestamp no event can hold", () => {
    const event = emptyEnrichedEvent();
    event.collector_tstamp = Date.parse("+010000-01-01T00:00:00Z");
    expect(() => encodeEnrichedTsv(event)).toThrow(RangeError);
  });
});

describe("decodeEnrichedTsv", () => {
  test("reads the fixture lines back to the sample events", () => {
    fixtureLines.forEach((line, i) => {
      const decoded = decodeEnrichedTsv(line);
      expect(decoded).toEqual({ ok: true, value: tsvCanonical(sampleEvents[i]!.event) });
      if (decoded.ok) expect(encodeEnrichedTsv(decoded.value)).toBe(line);
    });
  });

  test("reads empty columns as null and empty context lists", () => {
    expect(decodeEnrichedTsv("\t".repeat(130))).toEqual({ ok: true, value: emptyEnrichedEvent() });
  });

  test("canonicalises numbers it did not write itself", () => {
    const r = decodeEnrichedTsv(lineWith({ 8: "028288", 23: "53.33310", 58: "1E+3", 62: "1e7", 72: ".5" }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.txn_id).toBe(28288);
    expect(r.value.geo_latitude).toBe(53.3331);
    expect(r.value.se_value).toBe("1000");
    expect(r.value.tr_total).toBe("10000000");
    expect(r.value.ti_price).toBe("0.5");
  });

  test("accepts the contexts envelopes 1-0-0 and 1-0-1 and unstruct_event 1-0-*", () => {
    for (const version of ["1-0-0", "1-0-1", "1-0-2"]) {
      const envelope = `{"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/${version}","data":[${JSON.stringify(webPage)}]}`;
      const r = decodeEnrichedTsv(lineWith({ 53: envelope, 123: envelope }));
      expect(r.ok && r.value.contexts).toEqual([webPage]);
      expect(r.ok && r.value.derived_contexts).toEqual([webPage]);
    }
    for (const version of ["1-0-0", "1-0-1"]) {
      const envelope = `{"schema":"iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/${version}","data":${JSON.stringify(webPage)}}`;
      const r = decodeEnrichedTsv(lineWith({ 59: envelope }));
      expect(r.ok && r.value.unstruct_event).toEqual(webPage);
    }
  });

  test("reads an empty context list and null entity data", () => {
    const r = decodeEnrichedTsv(
      lineWith({
        53: `{"schema":"${contextsSchema}","data":[]}`,
        59: `{"schema":"${unstructEventSchema}","data":{"schema":"${webPage.schema}","data":null}}`,
      }),
    );
    expect(r.ok && r.value.contexts).toEqual([]);
    expect(r.ok && r.value.unstruct_event).toEqual({ schema: webPage.schema, data: null });
  });

  test("reports a wrong number of columns", () => {
    expect(decodeError("\t".repeat(129))).toEqual({ kind: "field-count", expected: 131, actual: 130 });
    expect(decodeError("\t".repeat(131))).toEqual({ kind: "field-count", expected: 131, actual: 132 });
    expect(decodeError("")).toEqual({ kind: "field-count", expected: 131, actual: 1 });
    expect(decodeError(`${"\t".repeat(130)}\n`).kind).toBe("invalid-value"); // a newline is part of true_tstamp
  });

  test("names the column of a bad typed value", () => {
    const cases: [number, string, string, string][] = [
      [8, "abc", "txn_id", "int"],
      [17, "2147483648", "domain_sessionidx", "int"],
      [58, "1,5", "se_value", "decimal"],
      [62, "NaN", "tr_total", "decimal"],
      [23, "north", "geo_latitude", "float"],
      [85, "yes", "br_features_pdf", "boolean"],
      [103, "true", "dvce_ismobile", "boolean"],
      [4, "2024-13-01 00:00:00.000", "collector_tstamp", "timestamp"],
      [131, "1704067200000", "true_tstamp", "timestamp"],
    ];
    for (const [column, value, field, fieldKind] of cases) {
      const e = decodeError(lineWith({ [column]: value }));
      expect(e).toMatchObject({ kind: "invalid-value", column, field, fieldKind, value });
    }
  });

  test("reports bad JSON and wrong envelopes", () => {
    const unstruct = (data: unknown) => `{"schema":"${unstructEventSchema}","data":${JSON.stringify(data)}}`;
    const contexts = (data: unknown) => `{"schema":"${contextsSchema}","data":${JSON.stringify(data)}}`;
    const cases: [number, string, EnrichedTsvError["kind"]][] = [
      [53, "{not json", "invalid-json"],
      [123, '{"schema":', "invalid-json"],
      [59, "[]", "wrong-envelope"],
      [53, "null", "wrong-envelope"],
      [53, unstruct(webPage), "wrong-envelope"],
      [59, contexts([webPage]), "wrong-envelope"],
      [
        53,
        `{"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/2-0-0","data":[]}`,
        "wrong-envelope",
      ],
      [53, `{"schema":"${contextsSchema}"}`, "wrong-envelope"],
      [53, contexts({}), "wrong-envelope"],
      [53, contexts([{ schema: webPage.schema }]), "wrong-envelope"],
      [53, contexts([{ schema: "iglu:com.acme/x/jsonschema/1-0", data: {} }]), "wrong-envelope"],
      [53, contexts([{ schema: "iglu:com.acme/x/jsonschema/0-0-0", data: {} }]), "wrong-envelope"],
      [53, contexts(["iglu:com.acme/x/jsonschema/1-0-0"]), "wrong-envelope"],
      [59, unstruct({ schema: "com.acme/x/jsonschema/1-0-0", data: {} }), "wrong-envelope"],
      [59, unstruct([webPage]), "wrong-envelope"],
      [59, `{"schema":"${unstructEventSchema}"}`, "wrong-envelope"],
    ];
    for (const [column, value, kind] of cases) {
      expect({ value, error: decodeError(lineWith({ [column]: value })) }).toMatchObject({
        value,
        error: { kind, column, value },
      });
    }
  });

  test("describes errors on one line", () => {
    expect(describeEnrichedTsvError(decodeError("a\tb"))).toBe(
      "field-count: expected 131 tab-separated fields, found 2",
    );
    expect(describeEnrichedTsvError(decodeError(lineWith({ 8: "abc" })))).toBe(
      `invalid-value: column 8 (txn_id, int) "abc": 'abc' is not an integer`,
    );
    const long = describeEnrichedTsvError(decodeError(lineWith({ 53: `{"x":"${"y".repeat(200)}` })));
    expect(long.startsWith("invalid-json: column 53 (contexts, contexts)")).toBe(true);
    expect(long).not.toContain("\n");
    expect(long.length).toBeLessThan(250);
  });

  test("round-trips every event: decode(encode(e)) is e with TSV-safe strings", () => {
    fc.assert(
      fc.property(enrichedEvent(), (event) => {
        const line = encodeEnrichedTsv(event);
        expect(line.split("\t")).toHaveLength(131);
        expect(line).not.toMatch(/[\n\r]/);
        const decoded = decodeEnrichedTsv(line);
        expect(decoded).toEqual({ ok: true, value: tsvCanonical(event) });
        if (decoded.ok) expect(encodeEnrichedTsv(decoded.value)).toBe(line);
      }),
      { numRuns: 300 },
    );
  });
});
