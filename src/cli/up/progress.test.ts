/** @module Tests of the progress line: sums over parts, rates between two readings, idle detection. */
import { describe, expect, test } from "bun:test";
import { moved, NO_PROGRESS, progressLine, sumCounts } from "./progress.ts";

describe("progress", () => {
  test("sums what each part reports, zero for what none does", () => {
    expect(
      sumCounts([
        { collected: 10, bad: 1 },
        { enriched: 9, bad: 2 },
        { s3Files: 3 },
        { postgresRows: 9 },
        {},
      ]),
    ).toEqual({ collected: 10, enriched: 9, bad: 3, s3Files: 3, postgresRows: 9 });
    expect(sumCounts([])).toEqual(NO_PROGRESS);
  });

  test("rates are per second since the previous reading; totals are as they are now", () => {
    const before = { collected: 100, enriched: 90, bad: 1, s3Files: 2, postgresRows: 80 };
    const now = { collected: 700, enriched: 690, bad: 3, s3Files: 3, postgresRows: 1200 };
    expect(progressLine(before, now, 5)).toBe(
      "collector 120/s  enriched 120/s (good 690)  bad 3  s3 3 files  postgres 1200 rows",
    );
    expect(progressLine(NO_PROGRESS, { ...NO_PROGRESS, collected: 7, s3Files: 1, postgresRows: 1 }, 2)).toBe(
      "collector 3.5/s  enriched 0/s (good 0)  bad 0  s3 1 file  postgres 1 row",
    );
  });

  test("an idle pipeline has not moved", () => {
    expect(moved(NO_PROGRESS, { ...NO_PROGRESS })).toBe(false);
    expect(moved(NO_PROGRESS, { ...NO_PROGRESS, bad: 1 })).toBe(true);
  });
});
