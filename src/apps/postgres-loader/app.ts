/**
 * @module
 * The Postgres loader app: takes one batch of records (from a KCL consumer of the enriched or
 * bad-1 stream, or lines of a file), loads it with the purpose's loader, and writes the bad rows it
 * produced to the failures sink. It resolves only once the batch's transaction has committed and
 * the failures sink has acknowledged every bad row, so a consumer checkpointing after it never
 * skips a record; any failure rejects, and the same batch is retried (loading is idempotent).
 */
import { type BadRow, serializeBadRow } from "../../core/badrows/bad-row.ts";
import type { OutboundRecord, RecordSink } from "../../ports/record-sink.ts";
import type { LoadSummary } from "./enriched-loader.ts";

/** Either purpose's loader. */
export interface BatchLoader {
  load(lines: readonly string[]): Promise<LoadSummary>;
}

/** Running totals, a plain object for logs and tests. */
export interface LoaderTotals {
  batches: number;
  records: number;
  loaded: number;
  duplicates: number;
  bad: number;
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** A record's text without a trailing line break (a stream record is one line, maybe with `\n`). */
export function recordText(data: Uint8Array): string {
  const text = decoder.decode(data);
  return text.endsWith("\n") ? text.slice(0, text.endsWith("\r\n") ? -2 : -1) : text;
}

/** Bad rows as stream records; the partition key spreads them over the shards. */
export function badRowRecords(rows: readonly BadRow[]): OutboundRecord[] {
  return rows.map((row) => ({
    data: encoder.encode(serializeBadRow(row)),
    partitionKey: crypto.randomUUID(),
  }));
}

export class PostgresLoaderApp {
  readonly totals: LoaderTotals = { batches: 0, records: 0, loaded: 0, duplicates: 0, bad: 0 };
  readonly #loader: BatchLoader;
  readonly #failures: RecordSink;

  constructor(options: { readonly loader: BatchLoader; readonly failures: RecordSink }) {
    this.#loader = options.loader;
    this.#failures = options.failures;
  }

  /** Loads one batch of records and writes its bad rows; resolves when both are durable. */
  async processBatch(records: readonly Uint8Array[]): Promise<LoadSummary> {
    return this.processLines(records.map(recordText));
  }

  /** {@link processBatch} for lines already decoded (file mode). */
  async processLines(lines: readonly string[]): Promise<LoadSummary> {
    const summary = await this.#loader.load(lines);
    if (summary.bad.length > 0) await this.#failures.write(badRowRecords(summary.bad));
    const t = this.totals;
    t.batches++;
    t.records += summary.records;
    t.loaded += summary.loaded;
    t.duplicates += summary.duplicates;
    t.bad += summary.bad.length;
    return summary;
  }
}
