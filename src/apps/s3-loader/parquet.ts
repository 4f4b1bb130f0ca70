/**
 * @module
 * Parquet files of enriched events, written with hyparquet-writer (a maintained, dependency-light
 * Parquet writer). The columns and their types come from `core/loading/parquet-columns.ts`; this
 * module only encodes them: every column OPTIONAL, strings as UTF8, entities as JSON, timestamps as
 * INT64 TIMESTAMP_MILLIS (UTC), Snappy pages, one row group per 100 000 rows.
 *
 * (`@dsnp/parquetjs` was the first choice, but its 1.9.3 package as installed ships without its
 * `dist/` build, so it cannot be imported.)
 */
import { parquetWriteBuffer } from "hyparquet-writer";
import type { ParquetColumn } from "../../core/loading/parquet-columns.ts";

/** Rows per row group: large enough for efficient scans, small enough to read a group in memory. */
const ROW_GROUP_SIZE = 100_000;

/** Encodes `columns` (all of one length) as a Parquet file. */
export function encodeParquet(columns: readonly ParquetColumn[], createdBy: string): Uint8Array {
  const buffer = parquetWriteBuffer({
    columnData: columns.map((c) => ({ name: c.name, data: c.values, type: c.type, nullable: true })),
    codec: "SNAPPY",
    rowGroupSize: ROW_GROUP_SIZE,
    createdBy,
  });
  return new Uint8Array(buffer);
}
