/** @module Tests for Snowplow's jittered backoff and the throttling classifier. */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { backoffPolicyProblem, nextBackoffMs, SNOWPLOW_KINESIS_BACKOFF } from "./backoff.ts";
import { isThrottling } from "./throttling.ts";

describe("nextBackoffMs", () => {
  test("draws from [min, max] before the first retry", () => {
    expect(nextBackoffMs(SNOWPLOW_KINESIS_BACKOFF, 0, 0)).toBe(500);
    expect(nextBackoffMs(SNOWPLOW_KINESIS_BACKOFF, 0, 0.5)).toBe(1_000);
    expect(nextBackoffMs(SNOWPLOW_KINESIS_BACKOFF, 0, 0.999_999)).toBe(1_500);
  });

  test("never falls below two thirds of the last wait", () => {
    expect(nextBackoffMs(SNOWPLOW_KINESIS_BACKOFF, 1_500, 0)).toBe(1_000);
    expect(nextBackoffMs(SNOWPLOW_KINESIS_BACKOFF, 1_200, 0)).toBe(800);
    expect(nextBackoffMs(SNOWPLOW_KINESIS_BACKOFF, 1_200, 0.9)).toBe(1_400);
  });

  test("property: a run of retries stays within [min, max]", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { maxLength: 50 }),
        (rs) => {
          let last = 0;
          for (const r of rs) {
            const next = nextBackoffMs(SNOWPLOW_KINESIS_BACKOFF, last, r);
            expect(next).toBeGreaterThanOrEqual(SNOWPLOW_KINESIS_BACKOFF.minMs);
            expect(next).toBeLessThanOrEqual(SNOWPLOW_KINESIS_BACKOFF.maxMs);
            expect(next).toBeGreaterThanOrEqual(Math.floor((last * 2) / 3));
            last = next;
          }
        },
      ),
    );
  });

  test("backoffPolicyProblem", () => {
    expect(backoffPolicyProblem(SNOWPLOW_KINESIS_BACKOFF)).toBeNull();
    expect(backoffPolicyProblem({ ...SNOWPLOW_KINESIS_BACKOFF, maxMs: 100 })).toMatch(/maxMs/);
    expect(backoffPolicyProblem({ ...SNOWPLOW_KINESIS_BACKOFF, unhealthyAfterFailures: 0 })).toMatch(
      /unhealthy/,
    );
  });
});

describe("isThrottling", () => {
  test("Kinesis throughput and limit errors are throttling", () => {
    expect(isThrottling("ProvisionedThroughputExceededException")).toBe(true);
    expect(isThrottling("LimitExceededException")).toBe(true);
    expect(isThrottling("ThrottlingException")).toBe(true);
    expect(isThrottling("anything", 429)).toBe(true);
  });

  test("other failures are not", () => {
    expect(isThrottling("InternalFailure")).toBe(false);
    expect(isThrottling("ResourceNotFoundException", 400)).toBe(false);
    expect(isThrottling(undefined, 503)).toBe(false);
  });
});
