/**
 * @module
 * Which Kinesis failures are back-pressure rather than errors. A shard takes 1 MiB or 1 000
 * records per second; beyond that Kinesis answers ProvisionedThroughputExceededException, either
 * per entry of a PutRecords response (partial failure) or for the whole call, and the control
 * plane answers LimitExceededException. Those mean "slow down", not "something is broken", so a
 * producer backs off and retries without reporting itself unhealthy.
 */

/**
 * Error names (the JSON protocol's `__type`, the SDK's `error.name`) that mean throttling: the
 * Kinesis ones plus those the AWS SDK's retry classifier treats as throttling
 * (`@smithy/service-error-classification`, THROTTLING_ERROR_CODES).
 */
export const THROTTLING_ERRORS: ReadonlySet<string> = new Set([
  "ProvisionedThroughputExceededException",
  "LimitExceededException",
  "KMSThrottlingException",
  "ThrottlingException",
  "Throttling",
  "ThrottledException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "TooManyRequestsException",
  "SlowDown",
]);

/** Whether a failed call or a failed PutRecords entry is throttling (HTTP 429 is, whatever its name). */
export function isThrottling(errorName: string | undefined, httpStatus?: number): boolean {
  return httpStatus === 429 || (errorName !== undefined && THROTTLING_ERRORS.has(errorName));
}
