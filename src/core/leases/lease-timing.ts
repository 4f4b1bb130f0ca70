/**
 * @module
 * KCL's lease timing, derived as KCL derives it (amazon-kinesis-client, `LeaseCoordinator` and
 * `LeaseManagementConfig`): a lease lasts `failoverTimeMillis` (10 s) unless renewed; the holder
 * renews every duration/3 − ε, so two renewals can fail before the lease expires; other workers scan
 * every (duration + ε) × 2, so a lease is seen unchanged for a whole duration before it is taken.
 */

export interface LeaseTiming {
  /** How long a lease stays valid without a renewal (KCL `failoverTimeMillis`). */
  readonly leaseDurationMs: number;
  /** Slack for clock granularity and request latency (KCL `epsilonMillis`). */
  readonly epsilonMs: number;
  /** Period of the renewer (KCL: duration/3 − ε). */
  readonly renewerIntervalMs: number;
  /** Period of the taker (KCL: (duration + ε) × 2). */
  readonly takerIntervalMs: number;
}

/** KCL's defaults: 10 s leases, ε = 25 ms. */
export const KCL_LEASE_DURATION_MS = 10_000;
export const KCL_EPSILON_MS = 25;

/**
 * The timing for a lease duration and ε; explicit intervals override the derived ones. Throws for
 * a renewer interval that would let a healthy lease expire.
 */
export function leaseTiming(
  options: {
    readonly leaseDurationMs?: number;
    readonly epsilonMs?: number;
    readonly renewerIntervalMs?: number;
    readonly takerIntervalMs?: number;
  } = {},
): LeaseTiming {
  const leaseDurationMs = options.leaseDurationMs ?? KCL_LEASE_DURATION_MS;
  const epsilonMs = options.epsilonMs ?? KCL_EPSILON_MS;
  const renewerIntervalMs = options.renewerIntervalMs ?? Math.floor(leaseDurationMs / 3) - epsilonMs;
  const takerIntervalMs = options.takerIntervalMs ?? (leaseDurationMs + epsilonMs) * 2;
  if (!(leaseDurationMs > 0 && epsilonMs >= 0 && takerIntervalMs > 0)) {
    throw new RangeError("lease duration and taker interval must be positive, epsilon not negative");
  }
  if (!(renewerIntervalMs > 0 && renewerIntervalMs < leaseDurationMs)) {
    throw new RangeError(
      `renewer interval ${renewerIntervalMs} ms must be positive and shorter than the lease (${leaseDurationMs} ms)`,
    );
  }
  return { leaseDurationMs, epsilonMs, renewerIntervalMs, takerIntervalMs };
}
