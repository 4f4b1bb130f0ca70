/**
 * @module
 * The S3 loader's one job: batches of stream records in, files in the bucket, and each batch
 * acknowledged only once its records are in a file (or in a bad row on the failures stream).
 *
 * **Holding instead of buffering.** `handle` is the stream consumer's batch handler, and the
 * consumer checkpoints a batch as soon as its handler resolves. So the loader does not resolve a
 * batch when it buffers it: it holds the batch's promise until the file holding its records is
 * written, then the bad rows, then resolves (Snowplow 3.x `Processing`: write to storage, then the
 * bad sink, then emit the tokens; snowplow/snowplow#1418 is what checkpointing earlier cost). The
 * consumer reads no more of a shard while its batch is held, so the records that arrive meanwhile
 * wait in the stream rather than in memory, and the next read returns them together.
 *
 * **When held batches are written** (Snowplow's `buffer { byteLimit, recordLimit, timeLimit }`,
 * whichever comes first): when the held records reach `recordLimit` or `byteLimit`; when the
 * oldest held batch has waited `timeLimitMs`; at once when a batch shows its shard has more to
 * read now (a full page, or `millisBehindLatest` above 0), since holding it would only slow the
 * catch-up; and at once while closing. A flush writes every held batch, cut into files by
 * `file-plan.ts`.
 *
 * **Failures.** A put that fails is retried under the same key with exponential backoff, without
 * end, while the batches stay held: the checkpoint never passes unwritten records, and the shard
 * is not read further (Snowplow 2.x retries every 10 s and halts after `maxTimeout`; Furrow keeps
 * retrying and reports itself unhealthy). Retrying the same key means an answer lost after S3
 * stored the object leaves one object, not two. Only `abandon()` (or `close()` past its deadline)
 * gives up: the batches are then rejected, unacknowledged, and read again by the next worker.
 */
import type { Processor } from "../../core/badrows/processor.ts";
import {
  type FileLayout,
  type LoadedRecord,
  type PlannedFile,
  planFiles,
} from "../../core/loading/file-plan.ts";
import { frameLines } from "../../core/loading/framing.ts";
import { type Compress, gzip } from "../../core/loading/gzip.ts";
import { serializeWithinLimit } from "../../core/loading/loader-bad-rows.ts";
import { enrichedParquetColumns, type ParquetColumn } from "../../core/loading/parquet-columns.ts";
import type { ObjectStore, PutObjectInput } from "../../ports/object-store.ts";
import type { OutboundRecord, RecordSink } from "../../ports/record-sink.ts";
import type { ShardRecord } from "../../ports/shard-reader.ts";

/** A batch as the stream consumer hands it over (`RecordBatch`). */
export interface LoaderBatch {
  readonly shardId: string;
  readonly records: readonly ShardRecord[];
  readonly millisBehindLatest: number;
}

/** Snowplow's `buffer` settings. */
export interface BufferLimits {
  readonly recordLimit: number;
  /** Bytes of records as read (before framing and compression). */
  readonly byteLimit: number;
  readonly timeLimitMs: number;
}

/** Time as the loader sees it; tests pass a manual clock so nothing sleeps. */
export interface LoaderClock {
  /** Epoch milliseconds: file names and partitions, and every wait. */
  now(): number;
  /** Calls `callback` after `ms`; returns a function that cancels it. */
  schedule(callback: () => void, ms: number): () => void;
}

export const SYSTEM_LOADER_CLOCK: LoaderClock = {
  now: () => Date.now(),
  schedule(callback, ms) {
    const timer = setTimeout(callback, ms);
    return () => clearTimeout(timer);
  },
};

/** What the loader reports as it runs, for logs and tests. */
export type LoaderEvent =
  | {
      readonly type: "flush";
      readonly reason: FlushReason;
      readonly batches: number;
      readonly records: number;
    }
  | {
      readonly type: "file-written";
      readonly key: string;
      readonly records: number;
      /** Bytes stored (compressed). */
      readonly bytes: number;
      readonly attempts: number;
    }
  | {
      readonly type: "put-failed";
      readonly key: string;
      readonly attempt: number;
      readonly retryInMs: number;
      readonly error: unknown;
    }
  | { readonly type: "bad-rows-written"; readonly count: number }
  | { readonly type: "abandoned"; readonly batches: number; readonly error: unknown };

export type FlushReason = "records" | "bytes" | "time" | "behind" | "closing";

export interface S3LoaderAppOptions {
  readonly layout: FileLayout;
  readonly store: ObjectStore;
  /** Where bad rows go: bad-1 for the raw and enriched loaders, bad-2 for the bad-row loader. */
  readonly failures: RecordSink;
  readonly processor: Processor;
  readonly buffer: BufferLimits;
  /** A batch of this many records means its shard has more to read now: the GetRecords limit. */
  readonly fullBatchRecords: number;
  /** Waits between attempts of a failing put: from `initialMs`, doubling, up to `maxMs`. */
  readonly retry?: { readonly initialMs: number; readonly maxMs: number };
  /**
   * A put not answered by then counts as failed and is tried again (the same key, so a late answer
   * changes nothing); 2 minutes by default. The SDK sets no timeout of its own.
   */
  readonly putTimeoutMs?: number;
  /** Files put at once within a flush; 4 by default. */
  readonly maxConcurrentPuts?: number;
  /** Gzip; the Web `CompressionStream` by default. */
  readonly compress?: Compress;
  /** Parquet encoding, needed for the `parquet` format. */
  readonly encodeParquet?: (columns: readonly ParquetColumn[]) => Uint8Array;
  readonly clock?: LoaderClock;
  /** Ids of `uuid`-named files; `crypto.randomUUID` by default. */
  readonly newId?: () => string;
  readonly onEvent?: (event: LoaderEvent) => void;
}

/** Counters since start, and what is held now. */
export interface LoaderMetrics {
  /** Records in written files, and their bad rows. */
  readonly recordsLoaded: number;
  readonly badRows: number;
  readonly filesWritten: number;
  /** Bytes of written files, as stored. */
  readonly bytesWritten: number;
  readonly failedPuts: number;
  /** Batches given up unwritten (closing past a deadline): never acknowledged, read again later. */
  readonly abandonedBatches: number;
  readonly heldBatches: number;
  readonly heldRecords: number;
  readonly flushesInProgress: number;
  readonly healthy: boolean;
}

/** The loader gave up a held batch (closing past its deadline, or closed before it was written). */
export class LoaderStoppedError extends Error {
  override readonly name = "LoaderStoppedError";
}

interface HeldBatch {
  readonly batch: LoaderBatch;
  readonly bytes: number;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** Content types of the lines of each purpose; the files are these, gzip-encoded. */
const CONTENT_TYPES = {
  raw: "text/plain; charset=utf-8",
  enriched: "text/tab-separated-values; charset=utf-8",
  bad: "application/x-ndjson",
} as const;

const UUID_LENGTH = 36;

/** IANA's type for Parquet (registered 2024). */
const PARQUET_CONTENT_TYPE = "application/vnd.apache.parquet";

export class S3LoaderApp {
  readonly #options: S3LoaderAppOptions;
  readonly #clock: LoaderClock;
  readonly #compress: Compress;
  readonly #newId: () => string;
  readonly #retry: { readonly initialMs: number; readonly maxMs: number };
  readonly #maxConcurrentPuts: number;
  readonly #putTimeoutMs: number;
  /** Data bytes a bad row may have: the sink's limit less its partition key (a UUID, 36 bytes). */
  readonly #maxBadRowBytes: number;

  #held: HeldBatch[] = [];
  #heldRecords = 0;
  #heldBytes = 0;
  #cancelTimer: (() => void) | undefined;
  readonly #flushes = new Set<Promise<void>>();
  #draining = false;
  /** Aborted when `close()` gives up: retries stop and held batches are rejected. */
  readonly #abandon = new AbortController();
  #consecutiveFailures = 0;
  readonly #metrics = {
    recordsLoaded: 0,
    badRows: 0,
    filesWritten: 0,
    bytesWritten: 0,
    failedPuts: 0,
    abandonedBatches: 0,
  };

  constructor(options: S3LoaderAppOptions) {
    const { buffer } = options;
    if (!(buffer.recordLimit >= 1 && buffer.byteLimit >= 1 && buffer.timeLimitMs >= 0)) {
      throw new RangeError(
        "S3LoaderApp: recordLimit and byteLimit must be positive, timeLimitMs not negative",
      );
    }
    if (options.layout.format === "parquet" && options.encodeParquet === undefined) {
      throw new RangeError("S3LoaderApp: the parquet format needs encodeParquet");
    }
    this.#options = options;
    this.#clock = options.clock ?? SYSTEM_LOADER_CLOCK;
    this.#compress = options.compress ?? gzip;
    this.#newId = options.newId ?? (() => crypto.randomUUID());
    this.#retry = options.retry ?? { initialMs: 500, maxMs: 30_000 };
    this.#maxConcurrentPuts = Math.max(1, options.maxConcurrentPuts ?? 4);
    this.#putTimeoutMs = options.putTimeoutMs ?? 120_000;
    this.#maxBadRowBytes = options.failures.maxRecordBytes - UUID_LENGTH;
  }

  /**
   * The stream consumer's batch handler: resolves once every record of `batch` is in a written file
   * or a written bad row; rejects with `LoaderStoppedError` if the loader gave it up.
   */
  handle(batch: LoaderBatch): Promise<void> {
    if (this.#abandon.signal.aborted) {
      return Promise.reject(new LoaderStoppedError("the S3 loader has stopped writing"));
    }
    if (batch.records.length === 0) return Promise.resolve();
    let bytes = 0;
    for (const r of batch.records) bytes += r.data.length;
    return new Promise<void>((resolve, reject) => {
      this.#held.push({ batch, bytes, resolve, reject });
      this.#heldRecords += batch.records.length;
      this.#heldBytes += bytes;
      const { recordLimit, byteLimit, timeLimitMs } = this.#options.buffer;
      if (this.#draining) this.#flush("closing");
      else if (this.#heldRecords >= recordLimit) this.#flush("records");
      else if (this.#heldBytes >= byteLimit) this.#flush("bytes");
      else if (batch.records.length >= this.#options.fullBatchRecords || batch.millisBehindLatest > 0) {
        this.#flush("behind");
      } else if (this.#cancelTimer === undefined) {
        this.#cancelTimer = this.#clock.schedule(() => {
          this.#cancelTimer = undefined;
          this.#flush("time");
        }, timeLimitMs);
      }
    });
  }

  /** Writes whatever is held now; resolves when every flush in progress has ended. */
  async flush(): Promise<void> {
    this.#flush("closing");
    while (this.#flushes.size > 0) await Promise.allSettled([...this.#flushes]);
  }

  /** From now on writes each batch at once (shutting down: the consumer is finishing its batches). */
  drain(): void {
    this.#draining = true;
    this.#flush("closing");
  }

  /**
   * Gives up: retries stop, and every batch not yet written, held or arriving, is rejected with
   * `LoaderStoppedError`, unacknowledged, to be read again by the next worker.
   */
  abandon(): void {
    this.#abandon.abort();
  }

  /**
   * Drains and waits until everything held is written, abandoning what is still unwritten after
   * `deadlineMs`.
   */
  async close(deadlineMs = 30_000): Promise<void> {
    this.drain();
    const cancel = this.#clock.schedule(() => this.abandon(), deadlineMs);
    try {
      await this.flush();
    } finally {
      cancel();
    }
  }

  /** True unless the last put failed (and has not been retried successfully yet). */
  isHealthy(): boolean {
    return this.#consecutiveFailures === 0 && this.#options.failures.isHealthy();
  }

  metrics(): LoaderMetrics {
    return {
      ...this.#metrics,
      heldBatches: this.#held.length,
      heldRecords: this.#heldRecords,
      flushesInProgress: this.#flushes.size,
      healthy: this.isHealthy(),
    };
  }

  #emit(event: LoaderEvent): void {
    try {
      this.#options.onEvent?.(event);
    } catch {
      // A faulty listener must not stop the loader.
    }
  }

  /** Takes every held batch into a new flush. */
  #flush(reason: FlushReason): void {
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    if (this.#held.length === 0) return;
    const batches = this.#held;
    this.#held = [];
    this.#emit({ type: "flush", reason, batches: batches.length, records: this.#heldRecords });
    this.#heldRecords = 0;
    this.#heldBytes = 0;
    // Giving up does not wait for a put that hangs: the batches are rejected at once.
    const signal = this.#abandon.signal;
    let onAbandon: (() => void) | undefined;
    const abandoned = new Promise<never>((_, reject) => {
      onAbandon = () => reject(new LoaderStoppedError(`gave up ${batches.length} batches`));
      if (signal.aborted) onAbandon();
      else signal.addEventListener("abort", onAbandon, { once: true });
    });
    const flush = Promise.race([this.#write(batches), abandoned]).then(
      () => {
        for (const held of batches) held.resolve();
      },
      (error: unknown) => {
        this.#metrics.abandonedBatches += batches.length;
        this.#emit({ type: "abandoned", batches: batches.length, error });
        for (const held of batches) held.reject(error);
      },
    );
    void flush.finally(() => signal.removeEventListener("abort", onAbandon!));
    this.#flushes.add(flush);
    void flush.finally(() => this.#flushes.delete(flush));
  }

  /** Writes the files of `batches`, then their bad rows. */
  async #write(batches: readonly HeldBatch[]): Promise<void> {
    const records: LoadedRecord[] = [];
    for (const { batch } of batches) {
      for (const r of batch.records) {
        records.push({
          data: r.data,
          shardId: batch.shardId,
          sequenceNumber: r.sequenceNumber,
          arrivedAt: r.approximateArrivalTimestamp.getTime(),
        });
      }
    }
    const now = this.#clock.now();
    const plan = planFiles(records, this.#options.layout, {
      now,
      newId: this.#newId,
      processor: this.#options.processor,
    });
    let next = 0;
    const worker = async () => {
      while (next < plan.files.length) {
        const file = plan.files[next++]!;
        const input = await this.#encode(file);
        const attempts = await this.#putUntilStored(input);
        this.#metrics.filesWritten++;
        this.#metrics.bytesWritten += input.body.length;
        this.#metrics.recordsLoaded += file.records.length;
        this.#emit({
          type: "file-written",
          key: file.key,
          records: file.records.length,
          bytes: input.body.length,
          attempts,
        });
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#maxConcurrentPuts, plan.files.length) }, worker));
    if (plan.failures.length > 0) {
      const at = new Date(now);
      const out: OutboundRecord[] = plan.failures.map((row) => ({
        data: serializeWithinLimit(row, this.#options.processor, this.#maxBadRowBytes, at),
        partitionKey: crypto.randomUUID(),
      }));
      const written = this.#options.failures.write(out);
      // The sink may wait for a fuller request; the batch waits on these rows, so send them now.
      await this.#options.failures.flush();
      await written;
      this.#metrics.badRows += out.length;
      this.#emit({ type: "bad-rows-written", count: out.length });
    }
  }

  async #encode(file: PlannedFile): Promise<PutObjectInput> {
    const { layout } = this.#options;
    const metadata = {
      "furrow-purpose": layout.purpose,
      "furrow-records": String(file.records.length),
      "furrow-first": `${file.first.shardId}/${file.first.sequenceNumber}`,
      "furrow-last": `${file.last.shardId}/${file.last.sequenceNumber}`,
    };
    if (layout.format === "parquet") {
      const columns = enrichedParquetColumns(file.events ?? []);
      return {
        key: file.key,
        body: this.#options.encodeParquet!(columns),
        contentType: PARQUET_CONTENT_TYPE,
        metadata,
      };
    }
    return {
      key: file.key,
      body: await this.#compress(frameLines(layout.purpose, file.records)),
      contentType: CONTENT_TYPES[layout.purpose],
      contentEncoding: "gzip",
      metadata,
    };
  }

  /** Puts `input` until S3 takes it, under the same key each time; returns the attempts made. */
  async #putUntilStored(input: PutObjectInput): Promise<number> {
    let delay = this.#retry.initialMs;
    for (let attempt = 1; ; attempt++) {
      if (this.#abandon.signal.aborted) throw new LoaderStoppedError(`gave up writing ${input.key}`);
      try {
        await this.#withTimeout(this.#options.store.put(input), input.key);
        this.#consecutiveFailures = 0;
        return attempt;
      } catch (error) {
        this.#consecutiveFailures++;
        this.#metrics.failedPuts++;
        this.#emit({ type: "put-failed", key: input.key, attempt, retryInMs: delay, error });
      }
      await this.#sleep(delay);
      delay = Math.min(delay * 2, this.#retry.maxMs);
    }
  }

  /** `put`, or a rejection once `putTimeoutMs` has passed on the loader's clock. */
  #withTimeout(put: Promise<void>, key: string): Promise<void> {
    let cancel: (() => void) | undefined;
    const timeout = new Promise<never>((_, reject) => {
      cancel = this.#clock.schedule(
        () => reject(new Error(`no answer to the put of ${key} within ${this.#putTimeoutMs} ms`)),
        this.#putTimeoutMs,
      );
    });
    return Promise.race([put, timeout]).finally(() => cancel?.());
  }

  /** Waits `ms` on the loader's clock, or until the loader gives up. */
  #sleep(ms: number): Promise<void> {
    const signal = this.#abandon.signal;
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      let cancel: (() => void) | undefined;
      const done = () => {
        cancel?.();
        signal.removeEventListener("abort", done);
        resolve();
      };
      signal.addEventListener("abort", done, { once: true });
      cancel = this.#clock.schedule(done, ms);
    });
  }
}
