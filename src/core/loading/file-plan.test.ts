/** @module Sorting held records into files: groups, cuts, names, and the records that fail. */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { sampleEvents } from "../../../test/enriched-samples.ts";
import { badRowJson } from "../badrows/bad-row.ts";
import { processor } from "../badrows/processor.ts";
import { encodeEnrichedTsv } from "../event/tsv.ts";
import { cutFiles, type FileLayout, type LoadedRecord, planFiles } from "./file-plan.ts";
import { parsePartitionFormat } from "./partition-format.ts";

const utf8 = new TextEncoder();
const text = new TextDecoder();
const p = processor("furrow-s3-loader", "0.1.0");
const now = Date.parse("2024-02-09T07:05:03.999Z");

function layout(overrides: Partial<FileLayout> = {}): FileLayout {
  return {
    purpose: "raw",
    format: "gzip",
    output: { bucket: "bucket-one", directory: "raw" },
    partition: null,
    filenamePrefix: "",
    naming: "uuid",
    maxRecordsPerFile: 1000,
    maxBytesPerFile: 1 << 30,
    ...overrides,
  };
}

function partition(template: string, purpose: FileLayout["purpose"]) {
  const parsed = parsePartitionFormat(template, purpose);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

let ids = 0;
const context = () => ({ now, newId: () => `id-${++ids}`, processor: p });

const record = (data: string | Uint8Array, seq: number, shardId = "shardId-000000000000"): LoadedRecord => ({
  data: typeof data === "string" ? utf8.encode(data) : data,
  shardId,
  sequenceNumber: String(1000 + seq),
  arrivedAt: Date.parse("2024-01-31T23:59:58Z") + seq * 1000,
});

const sd = (schema: string, n: number) => JSON.stringify({ schema, data: { n } });
const VIOLATION = "iglu:com.snowplowanalytics.snowplow.badrows/schema_violations/jsonschema/2-0-1";
const GENERIC = "iglu:com.snowplowanalytics.snowplow.badrows/generic_error/jsonschema/1-0-0";

describe("planFiles", () => {
  test("raw: one group, cut by the record limit, named by write time and uuid, records in order", () => {
    const records = Array.from({ length: 5 }, (_, i) => record(new Uint8Array([i, 0x0a]), i));
    const plan = planFiles(records, layout({ maxRecordsPerFile: 2 }), context());
    expect(plan.failures).toEqual([]);
    expect(plan.files.map((f) => f.records.length)).toEqual([2, 2, 1]);
    expect(plan.files.flatMap((f) => f.records.map((r) => r[0]))).toEqual([0, 1, 2, 3, 4]);
    for (const f of plan.files) expect(f.key).toMatch(/^raw\/2024-02-09-070503-id-\d+\.gz$/);
    expect(new Set(plan.files.map((f) => f.key)).size).toBe(3);
  });

  test("bad rows: one file per schema key under {vendor}.{schema}; records that are not self-describing fail", () => {
    const records = [
      record(sd(VIOLATION, 1), 0),
      record(sd(GENERIC, 2), 1),
      record("not json", 2),
      record(sd(VIOLATION, 3), 3),
      record('{"data":{}}', 4),
      record(`{\n  "schema": "${GENERIC}",\n  "data": {"n": 5}\n}`, 5),
    ];
    const plan = planFiles(
      records,
      layout({
        purpose: "bad",
        output: { bucket: "bucket-one", directory: "bad" },
        partition: partition("{vendor}.{schema}", "bad"),
      }),
      context(),
    );
    expect(
      plan.files.map((f) => [
        f.key.split("/").slice(0, 2).join("/"),
        f.records.map((r) => JSON.parse(text.decode(r)).data.n),
      ]),
    ).toEqual([
      ["bad/com.snowplowanalytics.snowplow.badrows.schema_violations", [1, 3]],
      ["bad/com.snowplowanalytics.snowplow.badrows.generic_error", [2, 5]],
    ]);
    // The pretty-printed row is written back on one line.
    expect(text.decode(plan.files[1]!.records[1]!)).toBe(JSON.stringify({ schema: GENERIC, data: { n: 5 } }));
    expect(plan.failures.map((f) => badRowJson(f).data)).toEqual([
      expect.objectContaining({
        failure: {
          timestamp: "2024-02-09T07:05:03.999Z",
          errors: [expect.stringContaining("Can't parse JSON")],
        },
        payload: "bm90IGpzb24=",
      }),
      expect.objectContaining({
        failure: {
          timestamp: "2024-02-09T07:05:03.999Z",
          errors: ["Can't extract schema from self-describing event: INVALID_DATA_PAYLOAD"],
        },
      }),
    ]);
  });

  test("enriched with {app}: one group per app_id; a record with a line break fails", () => {
    const line = (app: string, n: number) => `${app}\tweb\t${n}`;
    const records = [
      record(line("shop", 1), 0),
      record(line("", 2), 1),
      record(line("blog", 3), 2),
      record(line("shop", 4), 3),
      record("x\ny", 4),
    ];
    const plan = planFiles(
      records,
      layout({
        purpose: "enriched",
        output: { bucket: "bucket-one", directory: "enriched" },
        partition: partition("app={app}", "enriched"),
      }),
      context(),
    );
    expect(
      plan.files.map((f) => [f.key.split("/")[1], f.records.map((r) => text.decode(r).split("\t")[2])]),
    ).toEqual([
      ["app=shop", ["1", "4"]],
      ["app=unknown", ["2"]],
      ["app=blog", ["3"]],
    ]);
    expect(plan.failures.map((f) => [f.kind, badRowJson(f).data.payload])).toEqual([
      ["loader_parsing_error", "x\ny"],
    ]);
  });

  test("enriched for Parquet: lines are decoded; a line that is not an event is a loader_parsing_error", () => {
    const good = sampleEvents.map((s, i) => record(encodeEnrichedTsv(s.event), i));
    const plan = planFiles(
      [...good, record("a\tb", 99)],
      layout({ purpose: "enriched", format: "parquet" }),
      context(),
    );
    expect(plan.files).toHaveLength(1);
    expect(plan.files[0]!.key).toMatch(/\.parquet$/);
    expect(plan.files[0]!.events!.map((e) => e.event_id)).toEqual(sampleEvents.map((s) => s.event.event_id));
    expect(plan.failures.map((f) => badRowJson(f).data.failure)).toEqual([
      { type: "FieldNumberMismatch", fieldCount: 2 },
    ]);
  });

  test("sequence naming: a file per shard, named by its first record's arrival, shard and sequence number", () => {
    const records = [
      record("a", 0, "shardId-000000000000"),
      record("b", 1, "shardId-000000000001"),
      record("c", 2, "shardId-000000000000"),
    ];
    const plan = planFiles(
      records,
      layout({ naming: "sequence", partition: partition("{yyyy}/{MM}/{dd}", "raw") }),
      context(),
    );
    expect(plan.files.map((f) => f.key)).toEqual([
      "raw/2024/01/31/2024-01-31-235958-shardId-000000000000-1000.gz",
      "raw/2024/01/31/2024-01-31-235959-shardId-000000000001-1001.gz",
    ]);
    expect(plan.files.map((f) => f.records.map((r) => text.decode(r)).join(""))).toEqual(["ac", "b"]);
  });

  test("every record lands once, in a file within the limits or a bad row, in order", () => {
    const recordArb = fc.oneof(
      fc
        .constantFrom(VIOLATION, GENERIC, "iglu:com.acme/thing/jsonschema/1-0-0")
        .map((s) => ({ ok: true, s })),
      fc.constant({ ok: false, s: "" }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(recordArb, fc.nat(3), fc.string({ maxLength: 40 })), { maxLength: 60 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 400 }),
        fc.constantFrom("uuid" as const, "sequence" as const),
        (specs, maxRecords, maxBytes, naming) => {
          const records = specs.map(([kind, shard, filler], i) =>
            record(
              kind.ok ? JSON.stringify({ schema: kind.s, data: { i, filler } }) : `broken ${i} ${filler}`,
              i,
              `shardId-00000000000${shard}`,
            ),
          );
          const plan = planFiles(
            records,
            layout({
              purpose: "bad",
              naming,
              maxRecordsPerFile: maxRecords,
              maxBytesPerFile: maxBytes,
              partition: partition("{vendor}.{schema}", "bad"),
            }),
            context(),
          );
          const seen: number[] = [];
          for (const f of plan.files) {
            expect(f.records.length).toBeLessThanOrEqual(maxRecords);
            if (f.records.length > 1) expect(f.bytes).toBeLessThanOrEqual(maxBytes);
            const indexes = f.records.map((r) => JSON.parse(text.decode(r)).data.i as number);
            expect(indexes).toEqual([...indexes].sort((a, b) => a - b));
            seen.push(...indexes);
          }
          expect(new Set(plan.files.map((f) => f.key)).size).toBe(plan.files.length);
          const failed = specs.filter(([kind]) => !kind.ok).length;
          expect(plan.failures.length).toBe(failed);
          expect(seen.sort((a, b) => a - b)).toEqual(specs.flatMap(([kind], i) => (kind.ok ? [i] : [])));
        },
      ),
      { numRuns: 200 },
    );
  });

  test("sequence names are stable: the same records from the same first record give the same first files", () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ minLength: 1, maxLength: 30 }), { minLength: 1, maxLength: 50 }),
        fc.nat(50),
        fc.integer({ min: 1, max: 5 }),
        (lines, more, maxRecords) => {
          const all = lines.map((l, i) => record(l.replace(/[\r\n]/g, " "), i));
          const cut = Math.min(all.length, 1 + (more % all.length));
          const l = layout({ naming: "sequence", maxRecordsPerFile: maxRecords, maxBytesPerFile: 100 });
          const before = planFiles(all.slice(0, cut), l, context());
          const after = planFiles(all, l, context());
          // Every file of the shorter read except its last is written again identically.
          for (const [i, file] of before.files.slice(0, -1).entries()) {
            expect(after.files[i]!.key).toBe(file.key);
            expect(after.files[i]!.records).toEqual(file.records);
          }
          // Its last file is rewritten under the same key, with at least the same records.
          const last = before.files.at(-1)!;
          const again = after.files[before.files.length - 1]!;
          expect(again.key).toBe(last.key);
          expect(again.records.slice(0, last.records.length)).toEqual([...last.records]);
        },
      ),
    );
  });
});

describe("cutFiles", () => {
  const m = (n: number) => ({ line: new Uint8Array(n) });
  test("cuts at the record and byte limits; a record over the byte limit gets its own file", () => {
    expect(cutFiles([m(1), m(1), m(1)], 2, 100).map((p) => p.length)).toEqual([2, 1]);
    expect(cutFiles([m(4), m(4), m(4)], 10, 8).map((p) => p.length)).toEqual([2, 1]);
    expect(cutFiles([m(1), m(50), m(1)], 10, 8).map((p) => p.length)).toEqual([1, 1, 1]);
    expect(cutFiles([], 10, 8)).toEqual([]);
  });
});
