/**
 * @module
 * The record sink port: where an app writes records (the collector to raw, enrich to enriched and
 * bad-1, the loaders' failures to bad-1/bad-2). Adapters: the Kinesis producer, and in-process
 * sinks for stdout and benchmarks. Writing is explicit about acknowledgement, because a consumer
 * may checkpoint only what every sink has acknowledged (Snowplow lost data when enrich checkpointed
 * before writing: snowplow/snowplow#1418).
 */

/** One record to write. */
export interface OutboundRecord {
  readonly data: Uint8Array;
  /** Kinesis hashes the partition key (MD5) to pick a shard; up to 256 Unicode characters. */
  readonly partitionKey: string;
}

/** The reason a sink refused records outright. Transient failures are retried inside the sink. */
export class RecordSinkError extends Error {
  override readonly name = "RecordSinkError";
  constructor(
    readonly kind: "closed" | "record-too-large",
    message: string,
  ) {
    super(message);
  }
}

export interface RecordSink {
  /**
   * The largest record the sink accepts, counting data and partition key bytes (Kinesis: 1 MiB).
   * Callers turn bigger payloads into size_violation bad rows instead of writing them.
   */
  readonly maxRecordBytes: number;
  /**
   * Whether `bytes` more could be buffered now without passing the sink's bound. The collector
   * answers 503 when this is false, so trackers retry instead of events being lost in memory.
   */
  hasRoom(bytes: number): boolean;
  /** False while the stream is unreachable or writes keep failing; `/sink-health` reports it. */
  isHealthy(): boolean;
  /**
   * Buffers `records` and resolves once every one of them is durably in the stream. When the
   * buffer is full it waits for room (back-pressure). Rejects with `RecordSinkError` only for a
   * record over `maxRecordBytes` (before buffering any of the call's records) or a closed sink.
   */
  write(records: readonly OutboundRecord[]): Promise<void>;
  /** Sends whatever is buffered now and resolves when all of it is acknowledged. */
  flush(): Promise<void>;
  /** Flushes, waits for acknowledgement, then refuses further writes. */
  close(): Promise<void>;
}
