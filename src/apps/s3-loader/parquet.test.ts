/**
 * @module
 * Parquet files of enriched events, read back with a different implementation than the writer
 * (hyparquet reads, hyparquet-writer wrote), and compared with what another one makes of the same
 * TSV lines: the JS Analytics SDK (`snowplow-analytics-sdk`).
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { parquetMetadata, parquetReadObjects } from "hyparquet";
import sdk from "snowplow-analytics-sdk";
import { enrichedEvent } from "../../../test/enriched-arbitrary.ts";
import { sampleEvents } from "../../../test/enriched-samples.ts";
import type { EnrichedEvent } from "../../core/event/enriched-event.ts";
import { decodeEnrichedTsv, encodeEnrichedTsv } from "../../core/event/tsv.ts";
import { enrichedParquetColumns } from "../../core/loading/parquet-columns.ts";
import { encodeParquet } from "./parquet.ts";

/** A Parquet row as the SDK's JSON: nulls dropped, timestamps as ISO text. */
function asSdkJson(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    if (v !== null && v !== undefined) out[k] = v instanceof Date ? v.toISOString() : v;
  }
  return out;
}

/** What the JS SDK reads from each event's TSV line (decoded again, as a loader would). */
function sdkRows(events: readonly EnrichedEvent[]): Record<string, unknown>[] {
  return events.map((event) => {
    const line = encodeEnrichedTsv(event);
    expect(decodeEnrichedTsv(line).ok).toBe(true);
    const json = sdk.transform(line) as unknown as Record<string, unknown>;
    return Object.fromEntries(Object.entries(json).filter(([, v]) => v !== null));
  });
}

/** Encodes the events as the loader does (from their decoded TSV lines) and reads the file back. */
async function readBack(events: readonly EnrichedEvent[]): Promise<Record<string, unknown>[]> {
  const decoded = events.map((event) => {
    const line = decodeEnrichedTsv(encodeEnrichedTsv(event));
    if (!line.ok) throw new Error("a generated event did not survive its TSV");
    return line.value;
  });
  const file = encodeParquet(enrichedParquetColumns(decoded), "furrow-s3-loader test");
  const buffer = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer;
  return (await parquetReadObjects({ file: buffer })).map(asSdkJson);
}

/** Whether any object inside `value` has an own key `__proto__`. */
function hasProtoKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasProtoKey);
  if (value === null || typeof value !== "object") return false;
  return Object.hasOwn(value, "__proto__") || Object.values(value).some(hasProtoKey);
}

describe("Parquet files of enriched events", () => {
  test("read back by hyparquet, every row is what the JS Analytics SDK makes of the TSV line", async () => {
    const events = sampleEvents.map((s) => s.event);
    expect(await readBack(events)).toEqual(sdkRows(events));
  });

  test("the same for generated events (without what the JS SDK itself rejects)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(enrichedEvent({ dashes: false, nan: false }), { minLength: 1, maxLength: 8 }),
        async (events) => {
          // hyparquet's `toJson`, which hyparquet-writer runs over JSON columns, copies objects by
          // assignment, so an entity key named `__proto__` is dropped from the file (the TSV keeps
          // it). Known limit of the Parquet output; such events are not generated here.
          fc.pre(!events.some((e) => hasProtoKey([e.contexts, e.derived_contexts, e.unstruct_event])));
          expect(await readBack(events)).toEqual(sdkRows(events));
        },
      ),
      { numRuns: 25 },
    );
  });

  test("the schema: optional columns with logical types, written by us", () => {
    const file = encodeParquet(
      enrichedParquetColumns(sampleEvents.map((s) => s.event)),
      "furrow-s3-loader 0.1.0",
    );
    const buffer = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer;
    const metadata = parquetMetadata(buffer);
    expect(metadata.created_by).toBe("furrow-s3-loader 0.1.0");
    expect(Number(metadata.num_rows)).toBe(sampleEvents.length);
    const byName = new Map(metadata.schema.slice(1).map((e) => [e.name, e]));
    expect(byName.get("collector_tstamp")).toMatchObject({
      type: "INT64",
      converted_type: "TIMESTAMP_MILLIS",
      repetition_type: "OPTIONAL",
    });
    expect(byName.get("txn_id")).toMatchObject({ type: "INT32" });
    expect(byName.get("tr_total")).toMatchObject({ type: "DOUBLE" });
    expect(byName.get("app_id")).toMatchObject({ type: "BYTE_ARRAY", converted_type: "UTF8" });
    const entity = [...byName.keys()].find((k) => k.startsWith("contexts_"))!;
    expect(byName.get(entity)).toMatchObject({ type: "BYTE_ARRAY", converted_type: "JSON" });
  });
});
