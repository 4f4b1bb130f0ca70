import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { loaderInvalidSchema } from "../badrows/loader-failure.ts";
import { type EnrichedEvent, emptyEnrichedEvent, enrichedFields } from "../event/enriched-event.ts";
import { encodeEnrichedTsv } from "../event/tsv.ts";
import { parseSchemaKey } from "../iglu/schema-key.ts";
import { type EventsChunk, eventsChunk, eventsCopyBytes } from "./events-copy.ts";
import { shredLine } from "./line-shred.ts";
import { copyBytes, copySql } from "./row-encoding.ts";
import type { TargetLookup } from "./shred.ts";

const PAGE = "iglu:com.acme/page/jsonschema/1-0-0";
const pageKey = parseSchemaKey(PAGE);
if (!pageKey.ok) throw new Error(PAGE);
const lookup: TargetLookup = (uri) =>
  uri === PAGE
    ? { key: pageKey.value, table: { name: "com_acme_page_1", columns: [] } }
    : loaderInvalidSchema(pageKey.value, "no table");

const event = (n: number, fields: Partial<EnrichedEvent> = {}): EnrichedEvent =>
  Object.assign(emptyEnrichedEvent(), {
    app_id: "shop",
    platform: "web",
    etl_tstamp: 1_717_243_201_500 + n,
    collector_tstamp: 1_717_243_200_000 + n,
    event: "page_view",
    event_id: `0d1e2f3a-4b5c-4d6e-8f70-${n.toString(16).padStart(12, "0")}`,
    txn_id: n,
    v_collector: "c",
    v_etl: "e",
    geo_latitude: 53.3331,
    tr_total: "12.50",
    br_features_pdf: true,
    br_cookies: false,
    contexts: [{ schema: PAGE, data: {} }],
    unstruct_event: { schema: PAGE, data: {} },
    true_tstamp: 1_717_243_200_000,
    ...fields,
  });

/** A chunk of `lines`, read as the batch shredder reads them. */
function chunkOf(lines: readonly string[]): EventsChunk {
  const chunk = eventsChunk();
  for (const line of lines) {
    const shredded = shredLine(line, lookup);
    if (shredded === null) continue;
    chunk.rows.push(shredded.atomic);
    chunk.lines.push(line);
    chunk.columns.push(shredded.columns);
  }
  return chunk;
}

/** The same rows written cell by cell. */
const cellByCell = (chunk: EventsChunk) => copyBytes(chunk.rows, 0, chunk.rows.length, "empty");

describe("eventsCopyBytes", () => {
  test("writes rows from their lines: nulls empty, booleans as t and f, no JSON columns", () => {
    const chunk = chunkOf([encodeEnrichedTsv(event(1)), encodeEnrichedTsv(event(2))]);
    expect(chunk.rows.length).toBe(2);
    const text = new TextDecoder().decode(eventsCopyBytes(chunk));
    const rows = text.split("\n");
    expect(rows.length).toBe(3);
    expect(rows[2]).toBe("");
    const cells = rows[0]!.split("\t");
    expect(cells.length).toBe(128);
    expect(cells.slice(0, 8)).toEqual([
      "shop",
      "web",
      "2024-06-01 12:00:01.501",
      "2024-06-01 12:00:00.001",
      "",
      "page_view",
      "0d1e2f3a-4b5c-4d6e-8f70-000000000001",
      "1",
    ]);
    expect(cells.filter((c) => c === "t" || c === "f")).toEqual(["t", "f"]);
    expect(text).not.toContain("iglu:");
    expect(eventsCopyBytes(chunk)).toEqual(cellByCell(chunk));
  });

  test("JSON columns may hold escapes and any text: the rest of the line is still copied", () => {
    const chunk = chunkOf([
      encodeEnrichedTsv(event(1, { contexts: [{ schema: PAGE, data: { q: 'say "é" \\ 😀\n' } }] })),
    ]);
    expect(chunk.rows.length).toBe(1);
    expect(chunk.lines[0]).toContain("\\");
    expect(eventsCopyBytes(chunk)).toEqual(cellByCell(chunk));
  });

  test("rows the general path read, or whose lines need escapes, are written cell by cell", () => {
    const chunk = chunkOf([
      encodeEnrichedTsv(event(1, { page_title: "a\\b" })),
      encodeEnrichedTsv(event(2, { page_title: "café" })),
    ]);
    chunk.rows.push(chunk.rows[0]!);
    chunk.lines.push(undefined);
    chunk.columns.push(undefined);
    const text = new TextDecoder().decode(eventsCopyBytes(chunk));
    expect(text).toContain("\ta\\\\b\t");
    expect(text).toContain("\tcafé\t");
    expect(eventsCopyBytes(chunk)).toEqual(cellByCell(chunk));
  });

  test("whatever the columns hold, the bytes are the cells' bytes", () => {
    const kindOf = (column: number) => enrichedFields[column]!.kind;
    const texts: Record<string, readonly string[]> = {
      any: ["", "x", "é", "a\\b", "a\rb", "a\nb", "0", "1", "😀"],
      contexts: [
        `{"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1","data":[{"schema":"${PAGE}","data":{"q":"\\"é\\\\"}}]}`,
      ],
      unstruct: [
        `{"schema":"iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0","data":{"schema":"${PAGE}","data":{"q":"😀\\t"}}}`,
      ],
      int: ["7", "007", "+7", "-0", "2147483647"],
      decimal: ["1", "1.50", "1E+3", "0.0000001", "-0.0", ".5"],
      float: ["53.3331", "1.0E7", "1e7", "-6.2489", "0.1", "3.4028235E38", "0"],
      boolean: ["1", "0"],
      timestamp: [
        "2024-06-01 12:00:00.000",
        "2024-06-01 12:00:00",
        "2024-06-01 12:00:00.1",
        "2024-06-01 12:00:00.123456",
      ],
    };
    const base = encodeEnrichedTsv(event(3)).split("\t");
    const edit = fc
      .integer({ min: 0, max: base.length - 1 })
      .chain((column) =>
        fc.tuple(fc.constant(column), fc.constantFrom(...(texts[kindOf(column)] ?? []), ...texts["any"]!)),
      );
    let rows = 0;
    fc.assert(
      fc.property(fc.array(fc.array(edit, { maxLength: 6 }), { minLength: 1, maxLength: 4 }), (lines) => {
        const chunk = chunkOf(
          lines.map((edits) => {
            const columns = [...base];
            for (const [column, text] of edits) columns[column] = text;
            return columns.join("\t");
          }),
        );
        rows += chunk.rows.length;
        expect(eventsCopyBytes(chunk)).toEqual(cellByCell(chunk));
      }),
      { numRuns: 2000 },
    );
    expect(rows).toBeGreaterThan(2000);
  });

  test("the statement reads the empty string as NULL", () => {
    expect(copySql("atomic", "events", ["app_id"], "empty")).toBe(
      `COPY "atomic"."events" ("app_id") FROM STDIN WITH (NULL '')`,
    );
  });
});
