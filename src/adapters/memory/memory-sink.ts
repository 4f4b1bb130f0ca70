/**
 * @module
 * A `RecordSink` in this process's memory: for benchmarks (measuring our own code without the
 * engine's ceiling, about 7k records/s for kinesalite) and for unit tests of the apps that write
 * records. It keeps the port's whole contract, including the bounded buffer: `pause()` holds
 * records unacknowledged, as a throttled or unreachable stream would, so a test can drive the
 * collector into answering 503 and back.
 *
 * @example
 * const sink = new MemorySink({ maxBufferedBytes: 1024 });
 * sink.pause(); // writes now wait; hasRoom turns false once 1 KiB is buffered
 * sink.resume(); // everything buffered is stored and acknowledged, in order
 * sink.records; // what was "written to the stream"
 */
import {
  KINESIS_PUT_RECORDS_LIMITS,
  partitionKeyProblem,
  recordBytes,
} from "../../core/streams/put-records-batch.ts";
import { type OutboundRecord, type RecordSink, RecordSinkError } from "../../ports/record-sink.ts";

export interface MemorySinkOptions {
  /** Largest record, data plus partition key; the Kinesis 1 MiB by default. */
  readonly maxRecordBytes?: number;
  /** The bound of `hasRoom`; 64 MiB by default, as the Kinesis producer. */
  readonly maxBufferedBytes?: number;
  /** Keep every stored record in `records` (true by default); benchmarks turn it off and only count. */
  readonly retain?: boolean;
}

interface PendingWrite {
  readonly records: readonly OutboundRecord[];
  readonly bytes: number;
  readonly resolve: () => void;
  readonly done: Promise<void>;
}

export class MemorySink implements RecordSink {
  readonly maxRecordBytes: number;
  /** Stored records in write order (empty when `retain` is false). */
  readonly records: OutboundRecord[] = [];
  recordsWritten = 0;
  bytesWritten = 0;
  /** What `isHealthy()` answers; tests set it. */
  healthy = true;

  readonly #maxBufferedBytes: number;
  readonly #retain: boolean;
  /** Admitted, not yet stored (only while paused). */
  readonly #held: PendingWrite[] = [];
  /** Waiting for room, in arrival order. */
  readonly #waiting: PendingWrite[] = [];
  #bufferedBytes = 0;
  #paused = false;
  #closing: Promise<void> | undefined;

  constructor(options: MemorySinkOptions = {}) {
    this.maxRecordBytes = options.maxRecordBytes ?? KINESIS_PUT_RECORDS_LIMITS.maxBytesPerRecord;
    this.#maxBufferedBytes = options.maxBufferedBytes ?? 64 * 1024 * 1024;
    this.#retain = options.retain ?? true;
  }

  /** Bytes admitted and not yet stored. */
  get bufferedBytes(): number {
    return this.#bufferedBytes;
  }

  hasRoom(bytes: number): boolean {
    return !this.#closing && this.#waiting.length === 0 && this.#fits(bytes);
  }

  isHealthy(): boolean {
    return this.healthy;
  }

  write(records: readonly OutboundRecord[]): Promise<void> {
    if (this.#closing) return Promise.reject(new RecordSinkError("closed", "the memory sink is closed"));
    let bytes = 0;
    for (let i = 0; i < records.length; i++) {
      const record = records[i]!;
      const size = recordBytes(record);
      if (size > this.maxRecordBytes) {
        return Promise.reject(
          new RecordSinkError(
            "record-too-large",
            `record ${i} is ${size} bytes; at most ${this.maxRecordBytes}`,
          ),
        );
      }
      const keyProblem = partitionKeyProblem(record.partitionKey);
      if (keyProblem) return Promise.reject(new RangeError(`record ${i}: ${keyProblem}`));
      bytes += size;
    }
    if (records.length === 0) return Promise.resolve();
    if (!this.#paused && this.#waiting.length === 0) {
      this.#store(records, bytes);
      return Promise.resolve();
    }
    let resolve!: () => void;
    const done = new Promise<void>((r) => {
      resolve = r;
    });
    const write = { records, bytes, resolve, done };
    if (this.#waiting.length === 0 && this.#fits(bytes)) this.#hold(write);
    else this.#waiting.push(write);
    return done;
  }

  flush(): Promise<void> {
    return Promise.all([...this.#held, ...this.#waiting].map((w) => w.done)).then(() => {});
  }

  close(): Promise<void> {
    this.#closing ??= this.flush();
    return this.#closing;
  }

  /** Holds further writes unacknowledged until `resume()`, like a stalled stream. */
  pause(): void {
    this.#paused = true;
  }

  /** Stores and acknowledges everything held, then lets waiting writes in, in order. */
  resume(): void {
    this.#paused = false;
    for (const write of this.#held.splice(0)) {
      this.#bufferedBytes -= write.bytes;
      this.#store(write.records, write.bytes);
      write.resolve();
    }
    for (const write of this.#waiting.splice(0)) {
      this.#store(write.records, write.bytes);
      write.resolve();
    }
  }

  #fits(bytes: number): boolean {
    return this.#bufferedBytes === 0 || this.#bufferedBytes + bytes <= this.#maxBufferedBytes;
  }

  #hold(write: PendingWrite): void {
    this.#held.push(write);
    this.#bufferedBytes += write.bytes;
  }

  #store(records: readonly OutboundRecord[], bytes: number): void {
    if (this.#retain) for (const r of records) this.records.push(r);
    this.recordsWritten += records.length;
    this.bytesWritten += bytes;
  }
}
