import { describe, expect, test } from "bun:test";
import { processor } from "../badrows/processor.ts";
import { emptyEnrichedEvent } from "../event/enriched-event.ts";
import { encodeEnrichedTsv } from "../event/tsv.ts";
import { parseSchemaKey } from "../iglu/schema-key.ts";
import { shreddedBatch, shredLines } from "./batch-shredder.ts";
import { entityColumns } from "./flat-schema.ts";
import type { EntityTarget } from "./shred.ts";

const PAGE = "iglu:com.acme/page/jsonschema/1-0-0";
const key = parseSchemaKey(PAGE);
if (!key.ok) throw new Error(PAGE);
const page: EntityTarget = {
  key: key.value,
  table: {
    name: "com_acme_page_1",
    columns: entityColumns([{ type: "object", properties: { id: { type: "integer" } } }]),
  },
};
const lookup = (uri: string) => {
  if (uri !== PAGE) throw new Error(`no table for ${uri}`);
  return page;
};

const line = (n: number, id: unknown = n) =>
  encodeEnrichedTsv(
    Object.assign(emptyEnrichedEvent(), {
      event_id: `c6ef3124-b53a-4b13-a233-${String(n).padStart(12, "0")}`,
      collector_tstamp: 1_700_000_000_000 + n,
      v_collector: "c",
      v_etl: "e",
      contexts: [{ schema: PAGE, data: { id } }],
    }),
  );

describe("shredLines", () => {
  test("hands out the events rows chunk by chunk and gathers bad rows, repeats and entity rows", () => {
    const into = shreddedBatch();
    const lines = [line(1), line(2), "garbage", line(3, "three"), line(1), line(4)];
    const chunks = [...shredLines(lines, lookup, processor("furrow-postgres-loader", "0.1.0"), 2, into)];
    expect(chunks.map((c) => c.rows.length)).toEqual([2, 0, 1]);
    expect(chunks.map((c) => c.lines.length)).toEqual([2, 0, 1]);
    expect(into.events).toBe(3);
    expect(into.repeats).toBe(1);
    expect(into.bad.map((b) => b.kind)).toEqual(["loader_parsing_error", "loader_iglu_error"]);
    expect([...into.entityRows.values()].map((rows) => rows.map((cells) => cells.at(-1)))).toEqual([
      ["1", "2", "4"],
    ]);
  });

  test("the first chunk may be smaller", () => {
    const lines = [1, 2, 3, 4, 5, 6, 7].map((n) => line(n));
    const into = shreddedBatch();
    const chunks = [...shredLines(lines, lookup, processor("p", "0.1.0"), 3, into, 1)];
    expect(chunks.map((c) => c.rows.length)).toEqual([1, 3, 3]);
    expect(into.events).toBe(7);
  });

  test("a lookup that throws ends the pass", () => {
    const other = encodeEnrichedTsv(
      Object.assign(emptyEnrichedEvent(), {
        event_id: "c6ef3124-b53a-4b13-a233-0088f79dcbcb",
        collector_tstamp: 0,
        v_collector: "c",
        v_etl: "e",
        contexts: [{ schema: "iglu:com.acme/other/jsonschema/1-0-0", data: {} }],
      }),
    );
    const pass = shredLines([line(1), other], lookup, processor("p", "0.1.0"), 10, shreddedBatch());
    expect(() => [...pass]).toThrow("no table for iglu:com.acme/other/jsonschema/1-0-0");
  });
});
