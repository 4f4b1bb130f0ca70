/**
 * @module
 * A `RecordSink` that prints records as text, one per line: what Snowplow's stdout collector does
 * (`PrintingSink`: unpadded base64 of each record, good records to standard output and bad rows to
 * standard error). For debugging and for piping raw records into other tools, e.g.
 * `furrow collector --sink stdout | furrow decode raw`.
 *
 * The sink writes through a function, so it works with `process.stdout`, a file or a test buffer.
 * A write is acknowledged once that function returns, or once the promise it returns settles; the
 * bytes of unsettled writes count against `maxBufferedBytes`, so a slow pipe makes the collector
 * answer 503 instead of buffering without bound.
 *
 * @example
 * const sink = new StdoutSink({ write: (text) => process.stdout.write(text) });
 * await sink.write([{ data: record, partitionKey: "k" }]); // prints "CgBkAAAAC…\n"
 */
import { encodeBase64 } from "../../core/thrift/base64.ts";
import { type OutboundRecord, type RecordSink, RecordSinkError } from "../../ports/record-sink.ts";

export interface StdoutSinkOptions {
  /** Receives text made of whole lines; may return a promise that settles once the text is out. */
  readonly write: (text: string) => unknown;
  /** Largest record; Snowplow's stdout sink default `maxBytes` (1e9). */
  readonly maxRecordBytes?: number;
  /** Bytes of writes not yet settled before `hasRoom` says no; 64 MiB by default. */
  readonly maxBufferedBytes?: number;
}

/** Snowplow's stdout sink `maxBytes`. */
export const STDOUT_MAX_RECORD_BYTES = 1_000_000_000;

const isThenable = (v: unknown): v is PromiseLike<unknown> =>
  typeof v === "object" && v !== null && typeof (v as { then?: unknown }).then === "function";

export class StdoutSink implements RecordSink {
  readonly maxRecordBytes: number;
  /** Records written (acknowledged) so far. */
  recordsWritten = 0;
  /** Writes whose output function threw or rejected. */
  failedWrites = 0;

  readonly #write: (text: string) => unknown;
  readonly #maxBufferedBytes: number;
  readonly #pending = new Set<Promise<void>>();
  #bufferedBytes = 0;
  #closing: Promise<void> | undefined;
  #lastFailed = false;

  constructor(options: StdoutSinkOptions) {
    this.#write = options.write;
    this.maxRecordBytes = options.maxRecordBytes ?? STDOUT_MAX_RECORD_BYTES;
    this.#maxBufferedBytes = options.maxBufferedBytes ?? 64 * 1024 * 1024;
  }

  /** Bytes handed to the output function whose write has not settled yet. */
  get bufferedBytes(): number {
    return this.#bufferedBytes;
  }

  hasRoom(bytes: number): boolean {
    if (this.#closing) return false;
    return this.#bufferedBytes === 0 || this.#bufferedBytes + bytes <= this.#maxBufferedBytes;
  }

  /** Unhealthy while the last write failed (a closed pipe), healthy again after one succeeds. */
  isHealthy(): boolean {
    return !this.#lastFailed;
  }

  write(records: readonly OutboundRecord[]): Promise<void> {
    if (this.#closing) return Promise.reject(new RecordSinkError("closed", "the stdout sink is closed"));
    let text = "";
    let bytes = 0;
    for (let i = 0; i < records.length; i++) {
      const data = records[i]!.data;
      if (data.length > this.maxRecordBytes) {
        return Promise.reject(
          new RecordSinkError(
            "record-too-large",
            `record ${i} is ${data.length} bytes; at most ${this.maxRecordBytes}`,
          ),
        );
      }
      bytes += data.length;
      text += `${encodeBase64(data, { padding: false })}\n`;
    }
    if (records.length === 0) return Promise.resolve();
    let result: unknown;
    try {
      result = this.#write(text);
    } catch (e) {
      return Promise.reject(this.#failed(e));
    }
    if (!isThenable(result)) {
      this.#done(records.length);
      return Promise.resolve();
    }
    this.#bufferedBytes += bytes;
    const settled = Promise.resolve(result).then(
      () => {
        this.#bufferedBytes -= bytes;
        this.#pending.delete(settled);
        this.#done(records.length);
      },
      (e: unknown) => {
        this.#bufferedBytes -= bytes;
        this.#pending.delete(settled);
        throw this.#failed(e);
      },
    );
    this.#pending.add(settled);
    return settled;
  }

  flush(): Promise<void> {
    return Promise.allSettled([...this.#pending]).then(() => {});
  }

  close(): Promise<void> {
    this.#closing ??= this.flush();
    return this.#closing;
  }

  #done(records: number): void {
    this.recordsWritten += records;
    this.#lastFailed = false;
  }

  #failed(e: unknown): unknown {
    this.failedWrites++;
    this.#lastFailed = true;
    return e;
  }
}
