/** @module Tests for the flush policy: record, byte and time limits, and request limits. */
import { describe, expect, test } from "bun:test";
import { COLLECTOR_FLUSH_POLICY, flushDelayMs, flushPolicyProblem, requestLimits } from "./flush-policy.ts";

const policy = { recordLimit: 500, byteLimit: 3_145_728, timeLimitMs: 5_000 };

describe("flushDelayMs", () => {
  test("never fires for an empty buffer", () => {
    expect(flushDelayMs({ records: 0, bytes: 0, oldestAt: 0 }, 1_000_000, policy)).toBe(Infinity);
  });

  test("is due at once on the record or byte limit", () => {
    expect(flushDelayMs({ records: 500, bytes: 10, oldestAt: 1_000 }, 1_000, policy)).toBe(0);
    expect(flushDelayMs({ records: 3, bytes: 3_145_728, oldestAt: 1_000 }, 1_000, policy)).toBe(0);
  });

  test("otherwise waits until the oldest record is timeLimit old", () => {
    expect(flushDelayMs({ records: 3, bytes: 30, oldestAt: 1_000 }, 1_000, policy)).toBe(5_000);
    expect(flushDelayMs({ records: 3, bytes: 30, oldestAt: 1_000 }, 4_500, policy)).toBe(1_500);
    expect(flushDelayMs({ records: 3, bytes: 30, oldestAt: 1_000 }, 9_000, policy)).toBe(0);
  });
});

describe("requestLimits", () => {
  test("the collector's policy cuts requests at 500 records and 3 MiB", () => {
    expect(requestLimits(COLLECTOR_FLUSH_POLICY)).toEqual({ maxRecords: 500, maxBytes: 3_145_728 });
  });

  test("never passes the Kinesis limits", () => {
    expect(requestLimits({ recordLimit: 10_000, byteLimit: 50_000_000, timeLimitMs: 1 })).toEqual({
      maxRecords: 500,
      maxBytes: 5 * 1024 * 1024,
    });
  });
});

test("flushPolicyProblem", () => {
  expect(flushPolicyProblem(COLLECTOR_FLUSH_POLICY)).toBeNull();
  expect(flushPolicyProblem({ ...policy, recordLimit: 0 })).toMatch(/recordLimit/);
  expect(flushPolicyProblem({ ...policy, byteLimit: Number.NaN })).toMatch(/byteLimit/);
  expect(flushPolicyProblem({ ...policy, timeLimitMs: -1 })).toMatch(/timeLimitMs/);
});
