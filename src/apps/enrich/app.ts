/**
 * @module
 * The enrich app's one job: a batch of raw-stream records in, enriched TSV, bad rows and failed
 * events out, acknowledged. `processBatch` resolves only once every sink acknowledged what the
 * batch produced (Snowplow's `Processing.emitToken` after all sinks), so a stream consumer may
 * checkpoint the batch then and only then; if a sink fails, or Iglu is unreachable, it rejects and
 * the batch is handled again (at-least-once, as Snowplow).
 *
 * Records too large for their sink become size_violation bad rows (the payload cut to a tenth of
 * the limit, as Enrich does); an oversized failed event is dropped; an oversized bad row is replaced
 * by a size_violation of itself.
 */
import { type BadRow, genericError, serializeBadRow, sizeViolation } from "../../core/badrows/bad-row.ts";
import type { EnrichOutput, EnrichPipeline } from "../../core/enrich/pipeline.ts";
import type { EnrichedEvent } from "../../core/event/enriched-event.ts";
import { encodeEnrichedTsv } from "../../core/event/tsv.ts";
import { recordBytes } from "../../core/streams/put-records-batch.ts";
import type { OutboundRecord, RecordSink } from "../../ports/record-sink.ts";

/** Where the app writes. */
export interface EnrichSinks {
  readonly good: RecordSink;
  readonly bad: RecordSink;
  /** The failed-events output; events are only produced for it when the pipeline emits them. */
  readonly failed?: RecordSink;
}

export interface EnrichAppOptions {
  readonly pipeline: EnrichPipeline;
  readonly sinks: EnrichSinks;
  /** Epoch ms, read once per batch for etl_tstamp. */
  readonly now?: () => number;
  /** A record's partition key; a random UUID by default (Enrich 6.x without `partitionKey`). */
  readonly partitionKey?: (event: EnrichedEvent | null) => string;
  /** Records enriched at once, so enrichments waiting on I/O overlap. 16 by default. */
  readonly concurrency?: number;
}

/** What one batch produced. */
export interface BatchSummary {
  readonly records: number;
  readonly good: number;
  readonly bad: number;
  readonly failed: number;
}

const utf8 = new TextEncoder();

/** Maps `items` with at most `limit` calls in flight, keeping their order. */
async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  f: (item: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export class EnrichApp {
  readonly #pipeline: EnrichPipeline;
  readonly #sinks: EnrichSinks;
  readonly #now: () => number;
  readonly #partitionKey: (event: EnrichedEvent | null) => string;
  readonly #concurrency: number;

  constructor(options: EnrichAppOptions) {
    this.#pipeline = options.pipeline;
    this.#sinks = options.sinks;
    this.#now = options.now ?? Date.now;
    this.#partitionKey = options.partitionKey ?? (() => crypto.randomUUID());
    this.#concurrency = Math.max(1, options.concurrency ?? 16);
  }

  /**
   * Enriches a batch and writes its output; resolves once all sinks acknowledged it.
   *
   * @throws IgluUnavailableError, or a sink's error: the batch must be handled again.
   */
  async processBatch(records: readonly Uint8Array[]): Promise<BatchSummary> {
    const etl = this.#now();
    const outputs = await mapBounded(records, this.#concurrency, (r) => this.#pipeline.enrichRecord(r, etl));
    const good: OutboundRecord[] = [];
    const bad: OutboundRecord[] = [];
    const failed: OutboundRecord[] = [];
    const badRows: BadRow[] = [];
    for (const output of outputs) this.#encode(output, etl, good, failed, badRows);
    for (const row of badRows) bad.push(this.#badRecord(row, etl));
    const writes = [this.#sinks.good.write(good), this.#sinks.bad.write(bad)];
    if (this.#sinks.failed !== undefined && failed.length > 0) writes.push(this.#sinks.failed.write(failed));
    await Promise.all(writes);
    return { records: records.length, good: good.length, bad: bad.length, failed: failed.length };
  }

  #encode(
    output: EnrichOutput,
    etl: number,
    good: OutboundRecord[],
    failed: OutboundRecord[],
    badRows: BadRow[],
  ): void {
    badRows.push(...output.bad);
    const processor = this.#pipeline.processor;
    for (const event of output.good) {
      const tsv = this.#tsv(event, etl, badRows);
      if (tsv === null) continue;
      const record = { data: utf8.encode(tsv), partitionKey: this.#partitionKey(event) };
      const limit = this.#sinks.good.maxRecordBytes;
      if (recordBytes(record) > limit) {
        badRows.push(
          sizeViolation(
            processor,
            {
              timestamp: new Date(etl),
              maximumAllowedSizeBytes: limit,
              actualSizeBytes: record.data.length,
              expectation: "event passed enrichment but exceeded the maximum allowed size as a result",
            },
            tsv.slice(0, Math.floor(limit / 10)),
          ),
        );
      } else good.push(record);
    }
    const failedSink = this.#sinks.failed;
    if (failedSink === undefined) return;
    for (const event of output.failed) {
      const tsv = this.#tsv(event, etl, null);
      if (tsv === null) continue;
      const record = { data: utf8.encode(tsv), partitionKey: this.#partitionKey(event) };
      // Enrich drops an oversized failed event: its bad row already carries the failure.
      if (recordBytes(record) <= failedSink.maxRecordBytes) failed.push(record);
    }
  }

  /** The event's TSV, or null (with a generic_error row when `badRows` is given) if it cannot be written. */
  #tsv(event: EnrichedEvent, etl: number, badRows: BadRow[] | null): string | null {
    try {
      return encodeEnrichedTsv(event);
    } catch (e) {
      // Only an enrichment setting a field to a value of the wrong kind gets here: a bug, kept as a row.
      badRows?.push(
        genericError(
          this.#pipeline.processor,
          {
            timestamp: new Date(etl),
            errors: [`enriched event ${event.event_id} cannot be written as TSV: ${String(e)}`],
          },
          JSON.stringify({ event_id: event.event_id, event: event.event }),
        ),
      );
      return null;
    }
  }

  #badRecord(row: BadRow, etl: number): OutboundRecord {
    const text = serializeBadRow(row);
    const limit = this.#sinks.bad.maxRecordBytes;
    const partitionKey = this.#partitionKey(null);
    const data = utf8.encode(text);
    if (recordBytes({ data, partitionKey }) <= limit) return { data, partitionKey };
    const violation = sizeViolation(
      this.#pipeline.processor,
      {
        timestamp: new Date(etl),
        maximumAllowedSizeBytes: limit,
        actualSizeBytes: data.length,
        expectation: "bad row exceeded the maximum allowed size",
      },
      text.slice(0, Math.floor(limit / 10)),
    );
    return { data: utf8.encode(serializeBadRow(violation)), partitionKey };
  }
}
