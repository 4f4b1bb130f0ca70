/**
 * @module
 * KCL's lease timing: 10 s leases renewed every 3308 ms, scanned every 20050 ms.
 */
import { expect, test } from "bun:test";
import { leaseTiming } from "./lease-timing.ts";

test("defaults are KCL's", () => {
  expect(leaseTiming()).toEqual({
    leaseDurationMs: 10_000,
    epsilonMs: 25,
    renewerIntervalMs: 3_308,
    takerIntervalMs: 20_050,
  });
});

test("intervals follow a shorter lease unless given", () => {
  expect(leaseTiming({ leaseDurationMs: 1_000 })).toMatchObject({
    renewerIntervalMs: 308,
    takerIntervalMs: 2_050,
  });
  expect(leaseTiming({ leaseDurationMs: 1_000, takerIntervalMs: 500 }).takerIntervalMs).toBe(500);
});

test("a renewer slower than the lease is refused", () => {
  expect(() => leaseTiming({ leaseDurationMs: 1_000, renewerIntervalMs: 1_000 })).toThrow(RangeError);
  expect(() => leaseTiming({ leaseDurationMs: 60, epsilonMs: 25 })).toThrow(RangeError);
});
