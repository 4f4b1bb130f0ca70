/** @module Tests of the fuzz budget: defaults, overrides, and clear errors for bad settings. */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { readFuzzBudget, runFuzz } from "./budget.ts";

describe("readFuzzBudget", () => {
  test("a few seconds from a fixed seed by default", () => {
    expect(readFuzzBudget({})).toEqual({ seconds: 3, runs: undefined, seed: 20_261_125, path: undefined });
  });

  test("seconds, runs, seed and replay path from the environment", () => {
    expect(
      readFuzzBudget({
        FURROW_FUZZ_SECONDS: "0.5",
        FURROW_FUZZ_RUNS: "200",
        FURROW_FUZZ_SEED: "-7",
        FURROW_FUZZ_PATH: "3:1",
      }),
    ).toEqual({ seconds: 0.5, runs: 200, seed: -7, path: "3:1" });
  });

  test("bad values are errors naming the variable", () => {
    expect(() => readFuzzBudget({ FURROW_FUZZ_SECONDS: "soon" })).toThrow("FURROW_FUZZ_SECONDS");
    expect(() => readFuzzBudget({ FURROW_FUZZ_RUNS: "1.5" })).toThrow(
      "FURROW_FUZZ_RUNS must be a positive integer",
    );
    expect(() => readFuzzBudget({ FURROW_FUZZ_SEED: "x" })).toThrow("FURROW_FUZZ_SEED");
  });
});

describe("runFuzz", () => {
  const budget = { seconds: 1, runs: 50, seed: 1, path: undefined };

  test("counts the cases it ran", async () => {
    const report = await runFuzz(
      "count",
      fc.property(fc.nat(), () => {}),
      budget,
    );
    expect(report.cases).toBe(50);
  });

  test("a failing property throws with the seed, the replay path and the counterexample", async () => {
    const failing = fc.property(fc.nat(), (n) => {
      expect(n).toBeLessThan(10);
    });
    const error = await runFuzz("fails", failing, budget).then(
      () => null,
      (e: Error) => e,
    );
    expect(error?.message).toContain("FURROW_FUZZ_SEED=1 FURROW_FUZZ_PATH=");
    expect(error?.message).toContain("Counterexample: [10]");
  });
});
