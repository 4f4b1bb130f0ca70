/**
 * @module
 * The Kinesis producer: a `RecordSink` that buffers records and writes them with PutRecords, the way
 * the Snowplow collector's `KinesisSink` does, with three things Snowplow leaves implicit made
 * explicit: a bound on buffered bytes (so the collector can answer 503 instead of growing memory),
 * a promise per `write()` that settles when Kinesis has taken every record of the call, and
 * metrics as a plain object.
 *
 * - Requests are cut by `cutPutRecordsRequest` under the flush policy (Snowplow: 500 records,
 *   3 MiB, 5 s) and never past the Kinesis limits (500 records, 5 MiB, 1 MiB per record with key).
 * - A partial failure re-queues only the failed entries, in their order, at the queue's front.
 * - ProvisionedThroughputExceededException (per entry or for the call) and other throttling are
 *   back-pressure: the producer backs off (Snowplow's jittered 500–1500 ms) and stays healthy.
 *   Any other failure (network down, engine stopped, 5xx) is retried the same way, forever, and
 *   marks the producer unhealthy after `unhealthyAfterFailures` attempts in a row until a
 *   PutRecords call is answered again.
 * - Several requests may be in flight, but never two with the same partition key, so records of
 *   one key reach the stream in write order. One exception, shared with every Kinesis producer
 *   (KPL included): when Kinesis fails an entry but takes a later entry of the same key in the
 *   same request, the retried entry lands after it.
 *
 * The client should be built with `maxAttempts: 1`: the producer retries on its own, and the SDK's
 * retries would stack a second backoff and hide throttling from the metrics (they are counted as
 * `sdkRetries` from each response's `$metadata.attempts` all the same).
 *
 * @example
 * const producer = new KinesisProducer({ client, streamName: topology.streams.raw.name });
 * if (!producer.hasRoom(bytes)) return c.text("busy", 503);
 * await producer.write([{ data: payload, partitionKey: crypto.randomUUID() }]);
 * await producer.close();
 */
import {
  DescribeStreamSummaryCommand,
  type KinesisClient,
  PutRecordsCommand,
  type PutRecordsCommandOutput,
} from "@aws-sdk/client-kinesis";
import {
  type BackoffPolicy,
  backoffPolicyProblem,
  nextBackoffMs,
  SNOWPLOW_KINESIS_BACKOFF,
} from "../../core/streams/backoff.ts";
import {
  COLLECTOR_FLUSH_POLICY,
  type FlushPolicy,
  flushDelayMs,
  flushPolicyProblem,
  requestLimits,
} from "../../core/streams/flush-policy.ts";
import {
  cutPutRecordsRequest,
  KINESIS_PUT_RECORDS_LIMITS,
  partitionKeyProblem,
  type RequestLimits,
  recordBytes,
} from "../../core/streams/put-records-batch.ts";
import { isThrottling } from "../../core/streams/throttling.ts";
import { type OutboundRecord, type RecordSink, RecordSinkError } from "../../ports/record-sink.ts";

/** Time as the producer sees it; tests pass a fake so nothing sleeps. */
export interface ProducerClock {
  /** Milliseconds on a monotonic clock. */
  now(): number;
  /**
   * Calls `callback` after `ms` and returns a function that cancels it. A `background` timer does
   * not keep the process alive (the health probe); flush and backoff timers do, so records are
   * not abandoned at exit.
   */
  schedule(callback: () => void, ms: number, background?: boolean): () => void;
}

/** `performance.now()` and `setTimeout`. */
export const SYSTEM_CLOCK: ProducerClock = {
  now: () => performance.now(),
  schedule(callback, ms, background = false) {
    const timer = setTimeout(callback, ms);
    if (background) (timer as { unref?: () => void }).unref?.();
    return () => clearTimeout(timer);
  },
};

export interface KinesisProducerOptions {
  /** Build it with `maxAttempts: 1` (see the module notes). Not destroyed by `close()`. */
  readonly client: Pick<KinesisClient, "send">;
  readonly streamName: string;
  /** When to send; the Snowplow collector's buffer settings by default. */
  readonly flush?: FlushPolicy;
  /** How long to wait between retries; Snowplow's Kinesis backoff by default. */
  readonly backoff?: BackoffPolicy;
  /** The bound of `hasRoom`: bytes (data + keys) accepted but not yet acknowledged. 64 MiB by default. */
  readonly maxBufferedBytes?: number;
  /** Concurrent PutRecords calls; 4 by default. Records of one key are never in two at once. */
  readonly maxInFlightRequests?: number;
  /**
   * A call not answered by then is abandoned and retried (its records may then be written twice).
   * 6 s by default, the KPL's `RequestTimeout`.
   */
  readonly requestTimeoutMs?: number;
  /**
   * How often to check that the stream is ACTIVE with DescribeStreamSummary (Snowplow: every 1 s).
   * Skipped while PutRecords calls succeed, which prove it already; 0 turns the check off.
   */
  readonly healthCheckIntervalMs?: number;
  /**
   * Send records as soon as a request slot is free instead of when the flush policy says, for
   * callers that wait on `write()` (the collector acknowledging after the write). Records still
   * gather into one request while all `maxInFlightRequests` calls are out, so under load batches
   * grow with the rate; the policy's limits still cap each request. Off by default.
   */
  readonly sendWhenIdle?: boolean;
  readonly clock?: ProducerClock;
  /** Jitter source in [0, 1); `Math.random` by default. */
  readonly random?: () => number;
}

/** Counters since the producer started, plus the current buffer; a plain object for `/metrics`. */
export interface ProducerMetrics {
  /** Records Kinesis acknowledged, and their bytes (data + keys). */
  readonly recordsWritten: number;
  readonly bytesWritten: number;
  /** PutRecords calls made, answered or not. */
  readonly requestsSent: number;
  /** Records sent again after a failure of any kind. */
  readonly recordsRetried: number;
  /** Records refused for throughput: ProvisionedThroughputExceededException entries and throttled calls. */
  readonly recordsThrottled: number;
  /** Whole calls refused as throttling (ProvisionedThroughputExceeded, LimitExceeded, 429…). */
  readonly callsThrottled: number;
  /** Whole calls that failed otherwise: network errors, timeouts, 5xx, a missing stream. */
  readonly failedAttempts: number;
  /** Entries failed with another error code (InternalFailure, KMS errors); retried. */
  readonly recordsFailed: number;
  /**
   * Records resent after a call whose outcome is unknown (timeout, connection lost after sending):
   * Kinesis may hold them twice. Downstream dedupes by event id (Snowplow enrich's `event_id`).
   */
  readonly recordsPossiblyDuplicated: number;
  /** Retries the AWS SDK made inside our calls (0 with `maxAttempts: 1`). */
  readonly sdkRetries: number;
  /** Backoff pauses taken. */
  readonly backoffs: number;
  readonly bufferedRecords: number;
  readonly bufferedBytes: number;
  /** Records buffered but not yet sent (the rest are in flight). */
  readonly unsentRecords: number;
  /** `write()` calls waiting for room. */
  readonly waitingWrites: number;
  readonly inFlightRequests: number;
  readonly healthy: boolean;
}

/** One `write()` call: settles when all its records are acknowledged. */
interface WriteTicket {
  readonly id: number;
  remaining: number;
  readonly done: Promise<void>;
  readonly resolve: () => void;
}

/** A record in the queue or in flight. */
interface QueuedRecord {
  readonly record: OutboundRecord;
  readonly partitionKey: string;
  readonly bytes: number;
  readonly ticket: WriteTicket;
  /** When it was first buffered: retried records are due at once. */
  readonly queuedAt: number;
}

/** A write that arrived while the buffer was full. */
interface WaitingWrite {
  readonly ticket: WriteTicket;
  readonly entries: readonly Omit<QueuedRecord, "queuedAt">[];
  readonly bytes: number;
}

export const DEFAULT_MAX_BUFFERED_BYTES = 64 * 1024 * 1024;

/** Stream states in which Kinesis takes PutRecords (kinesalite and AWS both write while UPDATING). */
const WRITABLE_STATES = new Set(["ACTIVE", "UPDATING"]);

/** Node/Bun socket error codes that prove the request never reached the server. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ConnectionRefused"]);

interface ErrorFacts {
  readonly name: string | undefined;
  readonly code: string | undefined;
  readonly httpStatus: number | undefined;
  readonly attempts: number | undefined;
}

function errorFacts(e: unknown): ErrorFacts {
  const error = e as {
    name?: unknown;
    code?: unknown;
    $metadata?: { httpStatusCode?: number; attempts?: number };
  } | null;
  return {
    name: typeof error?.name === "string" ? error.name : undefined,
    code: typeof error?.code === "string" ? error.code : undefined,
    httpStatus: error?.$metadata?.httpStatusCode,
    attempts: error?.$metadata?.attempts,
  };
}

export class KinesisProducer implements RecordSink {
  readonly maxRecordBytes = KINESIS_PUT_RECORDS_LIMITS.maxBytesPerRecord;
  readonly streamName: string;

  readonly #client: Pick<KinesisClient, "send">;
  readonly #flush: FlushPolicy;
  readonly #limits: RequestLimits;
  readonly #backoff: BackoffPolicy;
  readonly #maxBufferedBytes: number;
  readonly #maxInFlight: number;
  readonly #requestTimeoutMs: number;
  readonly #healthCheckIntervalMs: number;
  readonly #sendWhenIdle: boolean;
  readonly #clock: ProducerClock;
  readonly #random: () => number;
  /** How far a cut looks past records whose key is in flight. */
  readonly #lookAhead: number;

  /** Unsent records from `#head` on; retried and held records go back in front of `#head`. */
  #queue: QueuedRecord[] = [];
  #head = 0;
  #unsentRecords = 0;
  #unsentBytes = 0;
  #bufferedRecords = 0;
  #bufferedBytes = 0;
  readonly #waiting: WaitingWrite[] = [];
  /** Tickets not yet settled, admitted or waiting: what `flush()` awaits. */
  readonly #pending = new Set<WriteTicket>();
  #lastTicketId = 0;
  /** Records of tickets up to this id are due at once (a flush or close asked for them). */
  #forcedUntil = 0;
  #inFlight = 0;
  /** Partition keys in flight, with their record counts. */
  readonly #busyKeys = new Map<string, number>();
  /** Every queued record within the look-ahead had a busy key: wait for a call to finish. */
  #blocked = false;

  #resumeAt = 0;
  #lastBackoffMs = 0;
  #consecutiveFailures = 0;
  #streamWritable: boolean | undefined;
  #lastAnsweredAt = Number.NEGATIVE_INFINITY;

  #cancelTimer: (() => void) | undefined;
  #timerAt = Number.POSITIVE_INFINITY;
  #cancelProbe: (() => void) | undefined;
  #probeAbort: AbortController | undefined;
  #probeStopped = false;
  #closing: Promise<void> | undefined;

  readonly #metrics = {
    recordsWritten: 0,
    bytesWritten: 0,
    requestsSent: 0,
    recordsRetried: 0,
    recordsThrottled: 0,
    callsThrottled: 0,
    failedAttempts: 0,
    recordsFailed: 0,
    recordsPossiblyDuplicated: 0,
    sdkRetries: 0,
    backoffs: 0,
  };

  constructor(options: KinesisProducerOptions) {
    this.#client = options.client;
    this.streamName = options.streamName;
    this.#flush = options.flush ?? COLLECTOR_FLUSH_POLICY;
    this.#backoff = options.backoff ?? SNOWPLOW_KINESIS_BACKOFF;
    const problem = flushPolicyProblem(this.#flush) ?? backoffPolicyProblem(this.#backoff);
    if (problem) throw new RangeError(`KinesisProducer: ${problem}`);
    this.#limits = requestLimits(this.#flush);
    this.#maxBufferedBytes = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
    this.#maxInFlight = Math.max(1, options.maxInFlightRequests ?? 4);
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 6_000;
    this.#healthCheckIntervalMs = options.healthCheckIntervalMs ?? 1_000;
    this.#sendWhenIdle = options.sendWhenIdle ?? false;
    this.#clock = options.clock ?? SYSTEM_CLOCK;
    this.#random = options.random ?? Math.random;
    this.#lookAhead = 4 * KINESIS_PUT_RECORDS_LIMITS.maxRecordsPerRequest;
    if (this.#healthCheckIntervalMs > 0) this.#scheduleProbe(0);
  }

  hasRoom(bytes: number): boolean {
    return !this.#closing && this.#waiting.length === 0 && this.#fits(bytes);
  }

  /**
   * Healthy unless `unhealthyAfterFailures` calls in a row failed (throttling does not count) or
   * the last stream check found the stream missing, not writable or unreachable.
   */
  isHealthy(): boolean {
    return this.#consecutiveFailures < this.#backoff.unhealthyAfterFailures && this.#streamWritable !== false;
  }

  /**
   * Buffers `records` (the sink keeps each `data` array until it is acknowledged: do not reuse it)
   * and resolves when Kinesis has taken them all. Rejects with `RecordSinkError` for a record over
   * 1 MiB or a closed producer, and with `RangeError` for a partition key Kinesis would refuse
   * (empty or over 256 characters), which is a caller's bug: nothing of the call is buffered then.
   */
  write(records: readonly OutboundRecord[]): Promise<void> {
    if (this.#closing) return Promise.reject(new RecordSinkError("closed", "the Kinesis producer is closed"));
    const ticket = this.#newTicket(records.length);
    const entries: Omit<QueuedRecord, "queuedAt">[] = new Array(records.length);
    let bytes = 0;
    for (let i = 0; i < records.length; i++) {
      const record = records[i]!;
      const size = recordBytes(record);
      if (size > this.maxRecordBytes) {
        return Promise.reject(
          new RecordSinkError(
            "record-too-large",
            `record ${i} is ${size} bytes with its partition key; Kinesis takes at most ${this.maxRecordBytes}`,
          ),
        );
      }
      const keyProblem = partitionKeyProblem(record.partitionKey);
      if (keyProblem) return Promise.reject(new RangeError(`record ${i}: ${keyProblem}`));
      entries[i] = { record, partitionKey: record.partitionKey, bytes: size, ticket };
      bytes += size;
    }
    if (records.length === 0) return Promise.resolve();
    this.#lastTicketId = ticket.id;
    this.#pending.add(ticket);
    const write: WaitingWrite = { ticket, entries, bytes };
    if (this.#waiting.length === 0 && this.#fits(bytes)) {
      this.#admit(write);
      this.#pump();
    } else {
      this.#waiting.push(write);
    }
    return ticket.done;
  }

  flush(): Promise<void> {
    if (this.#pending.size === 0) return Promise.resolve();
    this.#forcedUntil = this.#lastTicketId;
    const done = Promise.all([...this.#pending].map((t) => t.done));
    this.#pump();
    return done.then(() => {});
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.flush();
      this.#stopProbe();
      this.#setTimer(Number.POSITIVE_INFINITY);
    })();
    return this.#closing;
  }

  metrics(): ProducerMetrics {
    return {
      ...this.#metrics,
      bufferedRecords: this.#bufferedRecords,
      bufferedBytes: this.#bufferedBytes,
      unsentRecords: this.#unsentRecords,
      waitingWrites: this.#waiting.length,
      inFlightRequests: this.#inFlight,
      healthy: this.isHealthy(),
    };
  }

  #newTicket(records: number): WriteTicket {
    let resolve!: () => void;
    const done = new Promise<void>((r) => {
      resolve = r;
    });
    return { id: this.#lastTicketId + 1, remaining: records, done, resolve };
  }

  /** A write bigger than the whole bound is still taken once the buffer is empty, or it would wait forever. */
  #fits(bytes: number): boolean {
    return this.#bufferedBytes === 0 || this.#bufferedBytes + bytes <= this.#maxBufferedBytes;
  }

  #admit(write: WaitingWrite): void {
    const queuedAt = this.#clock.now();
    for (const entry of write.entries) this.#queue.push({ ...entry, queuedAt });
    this.#unsentRecords += write.entries.length;
    this.#unsentBytes += write.bytes;
    this.#bufferedRecords += write.entries.length;
    this.#bufferedBytes += write.bytes;
  }

  /** Admits waiting writes in arrival order while they fit (FIFO keeps order across calls). */
  #admitWaiting(): void {
    while (this.#waiting.length > 0 && this.#fits(this.#waiting[0]!.bytes)) {
      this.#admit(this.#waiting.shift()!);
    }
  }

  /** Sends every request that is due and allowed now, then sets the timer for the next one. */
  #pump(): void {
    const now = this.#clock.now();
    while (this.#unsentRecords > 0 && this.#inFlight < this.#maxInFlight && !this.#blocked) {
      if (now < this.#resumeAt || this.#dueIn(now) > 0) break;
      const cut = cutPutRecordsRequest(
        this.#queue,
        this.#head,
        this.#limits,
        this.#busyKeys,
        this.#lookAhead,
      );
      const newHead = cut.end - cut.held.length;
      for (let i = 0; i < cut.held.length; i++) this.#queue[newHead + i] = cut.held[i]!;
      this.#head = newHead;
      this.#compact();
      if (cut.request.length === 0) {
        this.#blocked = true;
        break;
      }
      void this.#send(cut.request);
    }
    this.#scheduleNext(now);
  }

  /** Milliseconds until the unsent records are due: flush/close, or the flush policy. */
  #dueIn(now: number): number {
    const oldest = this.#queue[this.#head];
    if (!oldest) return Number.POSITIVE_INFINITY;
    if (this.#sendWhenIdle || oldest.ticket.id <= this.#forcedUntil || this.#closing) return 0;
    return flushDelayMs(
      { records: this.#unsentRecords, bytes: this.#unsentBytes, oldestAt: oldest.queuedAt },
      now,
      this.#flush,
    );
  }

  #scheduleNext(now: number): void {
    let at = Number.POSITIVE_INFINITY;
    if (this.#unsentRecords > 0 && this.#inFlight < this.#maxInFlight && !this.#blocked) {
      at = Math.max(this.#resumeAt, now + this.#dueIn(now));
    }
    this.#setTimer(at);
  }

  /** Keeps one timer, moved only when the wake-up time changes (most writes leave it alone). */
  #setTimer(at: number): void {
    if (at === this.#timerAt) return;
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    this.#timerAt = at;
    if (at === Number.POSITIVE_INFINITY) return;
    this.#cancelTimer = this.#clock.schedule(
      () => {
        this.#cancelTimer = undefined;
        this.#timerAt = Number.POSITIVE_INFINITY;
        this.#pump();
      },
      Math.max(0, at - this.#clock.now()),
    );
  }

  /** Drops sent records from the array's front once they are most of it. */
  #compact(): void {
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
  }

  /** Puts `records` back in front of the queue, in their order. */
  #requeue(records: readonly QueuedRecord[]): void {
    if (records.length === 0) return;
    if (this.#head >= records.length) {
      this.#head -= records.length;
      for (let i = 0; i < records.length; i++) this.#queue[this.#head + i] = records[i]!;
    } else {
      this.#queue = [...records, ...this.#queue.slice(this.#head)];
      this.#head = 0;
    }
    this.#unsentRecords += records.length;
    for (const r of records) this.#unsentBytes += r.bytes;
    this.#metrics.recordsRetried += records.length;
  }

  async #send(request: QueuedRecord[]): Promise<void> {
    this.#inFlight++;
    this.#unsentRecords -= request.length;
    for (const r of request) {
      this.#unsentBytes -= r.bytes;
      this.#busyKeys.set(r.partitionKey, (this.#busyKeys.get(r.partitionKey) ?? 0) + 1);
    }
    this.#metrics.requestsSent++;
    const abort = new AbortController();
    const cancelTimeout = this.#clock.schedule(
      () => abort.abort(new Error(`PutRecords not answered within ${this.#requestTimeoutMs} ms`)),
      this.#requestTimeoutMs,
    );
    let output: PutRecordsCommandOutput | undefined;
    let failure: unknown;
    try {
      output = await this.#client.send(
        new PutRecordsCommand({
          StreamName: this.streamName,
          Records: request.map((r) => ({ Data: r.record.data, PartitionKey: r.partitionKey })),
        }),
        { abortSignal: abort.signal },
      );
    } catch (e) {
      failure = e;
    } finally {
      cancelTimeout();
    }
    this.#inFlight--;
    for (const r of request) {
      const left = this.#busyKeys.get(r.partitionKey)! - 1;
      if (left === 0) this.#busyKeys.delete(r.partitionKey);
      else this.#busyKeys.set(r.partitionKey, left);
    }
    this.#blocked = false;
    if (output && output.Records?.length === request.length) this.#answered(request, output);
    else this.#failed(request, failure ?? new Error("PutRecords answered without one result per record"));
    this.#pump();
  }

  /** Kinesis answered: acknowledge what it took, re-queue what it refused. */
  #answered(request: readonly QueuedRecord[], output: PutRecordsCommandOutput): void {
    this.#metrics.sdkRetries += Math.max(0, (output.$metadata.attempts ?? 1) - 1);
    this.#consecutiveFailures = 0;
    this.#streamWritable = true;
    this.#lastAnsweredAt = this.#clock.now();
    const results = output.Records!;
    const refused: QueuedRecord[] = [];
    for (let i = 0; i < request.length; i++) {
      const code = results[i]!.ErrorCode;
      if (code === undefined || code === null) continue;
      refused.push(request[i]!);
      if (isThrottling(code)) this.#metrics.recordsThrottled++;
      else this.#metrics.recordsFailed++;
    }
    // Acknowledge before re-queueing, so room frees up as early as it can.
    if (refused.length === 0) {
      this.#lastBackoffMs = 0;
      for (const r of request) this.#acknowledge(r);
    } else {
      const refusedSet = new Set(refused);
      for (const r of request) if (!refusedSet.has(r)) this.#acknowledge(r);
      this.#requeue(refused);
      this.#backOff();
    }
    this.#admitWaiting();
  }

  /** The call failed as a whole: re-queue all of it and back off. */
  #failed(request: readonly QueuedRecord[], failure: unknown): void {
    const facts = errorFacts(failure);
    this.#metrics.sdkRetries += Math.max(0, (facts.attempts ?? 1) - 1);
    if (isThrottling(facts.name, facts.httpStatus)) {
      this.#metrics.callsThrottled++;
      this.#metrics.recordsThrottled += request.length;
    } else {
      this.#metrics.failedAttempts++;
      this.#consecutiveFailures++;
      // No HTTP answer and not refused before sending: Kinesis may have written the records.
      if (facts.httpStatus === undefined && !NOT_SENT_CODES.has(facts.code ?? "")) {
        this.#metrics.recordsPossiblyDuplicated += request.length;
      }
    }
    this.#requeue(request);
    this.#backOff();
  }

  #backOff(): void {
    this.#lastBackoffMs = nextBackoffMs(this.#backoff, this.#lastBackoffMs, this.#random());
    this.#resumeAt = Math.max(this.#resumeAt, this.#clock.now() + this.#lastBackoffMs);
    this.#metrics.backoffs++;
  }

  #acknowledge(record: QueuedRecord): void {
    this.#bufferedRecords--;
    this.#bufferedBytes -= record.bytes;
    this.#metrics.recordsWritten++;
    this.#metrics.bytesWritten += record.bytes;
    const ticket = record.ticket;
    if (--ticket.remaining === 0) {
      this.#pending.delete(ticket);
      ticket.resolve();
    }
  }

  #scheduleProbe(ms: number): void {
    this.#cancelProbe = this.#clock.schedule(() => void this.#probe(), ms, true);
  }

  /** Ends the stream checks, aborting one in flight, so a closed producer leaves nothing running. */
  #stopProbe(): void {
    this.#probeStopped = true;
    this.#cancelProbe?.();
    this.#cancelProbe = undefined;
    this.#probeAbort?.abort();
  }

  /**
   * Checks the stream with DescribeStreamSummary, unless a PutRecords call was answered within the
   * interval (which proves the stream writable for free), then schedules the next check. A
   * throttled check changes nothing: the API allows 20 calls per second per account, and many
   * collectors may share it.
   */
  async #probe(): Promise<void> {
    const interval = this.#healthCheckIntervalMs;
    if (this.#clock.now() - this.#lastAnsweredAt >= interval) {
      const abort = new AbortController();
      this.#probeAbort = abort;
      const cancelTimeout = this.#clock.schedule(() => abort.abort(), this.#requestTimeoutMs, true);
      try {
        const out = await this.#client.send(
          new DescribeStreamSummaryCommand({ StreamName: this.streamName }),
          {
            abortSignal: abort.signal,
          },
        );
        this.#streamWritable = WRITABLE_STATES.has(out.StreamDescriptionSummary?.StreamStatus ?? "");
      } catch (e) {
        const facts = errorFacts(e);
        if (!this.#probeStopped && !isThrottling(facts.name, facts.httpStatus)) this.#streamWritable = false;
      } finally {
        cancelTimeout();
        this.#probeAbort = undefined;
      }
    }
    if (!this.#probeStopped) this.#scheduleProbe(interval);
  }
}
