/**
 * @module
 * When a producer sends what it has buffered: once the buffer holds `recordLimit` records or
 * `byteLimit` bytes, or its oldest record has waited `timeLimitMs`. The defaults are the Snowplow
 * collector's Kinesis sink (`buffer { byteLimit = 3145728, recordLimit = 500, timeLimit = 5000 }`,
 * collector `config.kinesis.reference.hocon`): it flushes "before a record would exceed" the record
 * or byte limit, so a request is cut to at most those limits as well.
 */
import {
  KINESIS_PUT_RECORDS_LIMITS,
  type PutRecordsLimits,
  type RequestLimits,
} from "./put-records-batch.ts";

export interface FlushPolicy {
  /** Send once this many records are buffered; also the most records one request carries. */
  readonly recordLimit: number;
  /** Send once this many bytes (data + partition keys) are buffered; also one request's byte cap. */
  readonly byteLimit: number;
  /** Send once the oldest buffered record has waited this long. */
  readonly timeLimitMs: number;
}

/** The Snowplow collector's Kinesis buffer settings. */
export const COLLECTOR_FLUSH_POLICY: FlushPolicy = {
  recordLimit: 500,
  byteLimit: 3_145_728,
  timeLimitMs: 5_000,
};

/** What a producer holds that has not been sent yet. */
export interface UnsentRecords {
  readonly records: number;
  readonly bytes: number;
  /** When the oldest unsent record was buffered (clock milliseconds); ignored when `records` is 0. */
  readonly oldestAt: number;
}

/**
 * How long until `unsent` must be sent: 0 when a limit is reached, `Infinity` when nothing is
 * unsent. A producer sets its timer to this, so it never polls.
 */
export function flushDelayMs(unsent: UnsentRecords, now: number, policy: FlushPolicy): number {
  if (unsent.records === 0) return Number.POSITIVE_INFINITY;
  if (unsent.records >= policy.recordLimit || unsent.bytes >= policy.byteLimit) return 0;
  return Math.max(0, unsent.oldestAt + policy.timeLimitMs - now);
}

/** The limits one request is cut to: the flush policy's, but never beyond what Kinesis accepts. */
export function requestLimits(
  policy: FlushPolicy,
  limits: PutRecordsLimits = KINESIS_PUT_RECORDS_LIMITS,
): RequestLimits {
  return {
    maxRecords: Math.max(1, Math.min(policy.recordLimit, limits.maxRecordsPerRequest)),
    maxBytes: Math.max(1, Math.min(policy.byteLimit, limits.maxBytesPerRequest)),
  };
}

/** Why `policy` cannot work, or null. Config validation reports it as one line. */
export function flushPolicyProblem(policy: FlushPolicy): string | null {
  if (!Number.isInteger(policy.recordLimit) || policy.recordLimit < 1) {
    return "recordLimit must be a positive integer";
  }
  if (!Number.isFinite(policy.byteLimit) || policy.byteLimit < 1) return "byteLimit must be positive";
  if (!Number.isFinite(policy.timeLimitMs) || policy.timeLimitMs < 0) {
    return "timeLimitMs must be zero or more";
  }
  return null;
}
