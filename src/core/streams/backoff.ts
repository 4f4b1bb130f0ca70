/**
 * @module
 * The wait before a producer retries records Kinesis did not take, as plain data. Snowplow's
 * Kinesis sinks draw each delay from `[minBackoff, maxBackoff]` but never below two thirds of the
 * previous one (collector `KinesisSink.getNextBackoff`: `(min + rand(max − min + 1)).max(last / 3 * 2)`,
 * defaults 500 ms and 1500 ms). The jitter spreads the retries of many collectors across the shard's
 * next second of throughput; the floor keeps a run of failures from collapsing back to the minimum.
 *
 * There is no retry limit: a producer holds a record until the stream takes it. Snowplow without
 * an SQS buffer also retries forever and only reports itself unhealthy after `maxRetries`.
 */

export interface BackoffPolicy {
  /** Shortest wait before a retry. */
  readonly minMs: number;
  /** Longest wait drawn at random; the two-thirds floor never passes it either. */
  readonly maxMs: number;
  /**
   * Consecutive failed attempts (not throttling) before the producer reports itself unhealthy.
   * Snowplow's `maxRetries` is 3; a throttled request is back-pressure and never counts.
   */
  readonly unhealthyAfterFailures: number;
}

/** Snowplow's collector defaults (`backoffPolicy { minBackoff = 500, maxBackoff = 1500, maxRetries = 3 }`). */
export const SNOWPLOW_KINESIS_BACKOFF: BackoffPolicy = {
  minMs: 500,
  maxMs: 1_500,
  unhealthyAfterFailures: 3,
};

/**
 * The next wait: `max(min + random·(max − min), last·2/3)`. `random` is in [0, 1) (pass
 * `Math.random()`; tests pass fixed values); `lastMs` is 0 before the first retry.
 */
export function nextBackoffMs(policy: BackoffPolicy, lastMs: number, random: number): number {
  const drawn = policy.minMs + Math.floor(random * (policy.maxMs - policy.minMs + 1));
  return Math.min(Math.max(drawn, Math.floor((lastMs * 2) / 3)), Math.max(policy.maxMs, policy.minMs));
}

/** Why `policy` cannot work, or null. */
export function backoffPolicyProblem(policy: BackoffPolicy): string | null {
  if (!Number.isFinite(policy.minMs) || policy.minMs < 0) return "minMs must be zero or more";
  if (!Number.isFinite(policy.maxMs) || policy.maxMs < policy.minMs) return "maxMs must be at least minMs";
  if (!Number.isInteger(policy.unhealthyAfterFailures) || policy.unhealthyAfterFailures < 1) {
    return "unhealthyAfterFailures must be a positive integer";
  }
  return null;
}
