/**
 * @module
 * The progress line of `furrow up`: the parts' counters summed, with the rate of each stage since
 * the previous line, e.g.
 * `progress  collector 120/s  enriched 118/s (good 1200)  bad 3  s3 3 files  postgres 1200 rows`.
 */
import type { PartCounts } from "./part.ts";

/** Every counter, zero where no part reports it. */
export type ProgressTotals = Required<PartCounts>;

export const NO_PROGRESS: ProgressTotals = { collected: 0, enriched: 0, bad: 0, s3Files: 0, postgresRows: 0 };

/** The sum of the parts' counters. */
export function sumCounts(counts: readonly PartCounts[]): ProgressTotals {
  const total = { ...NO_PROGRESS };
  for (const c of counts) {
    for (const key of Object.keys(total) as (keyof ProgressTotals)[]) total[key] += c[key] ?? 0;
  }
  return total;
}

/** Events per second, rounded to a whole number, or to one decimal below 10. */
function rate(before: number, after: number, seconds: number): string {
  const r = seconds > 0 ? Math.max(0, after - before) / seconds : 0;
  return r >= 10 || r === 0 ? String(Math.round(r)) : r.toFixed(1);
}

/** The line (without its label or line break) for the counters `now`, `seconds` after `before`. */
export function progressLine(before: ProgressTotals, now: ProgressTotals, seconds: number): string {
  return [
    `collector ${rate(before.collected, now.collected, seconds)}/s`,
    `enriched ${rate(before.enriched, now.enriched, seconds)}/s (good ${now.enriched})`,
    `bad ${now.bad}`,
    `s3 ${now.s3Files} file${now.s3Files === 1 ? "" : "s"}`,
    `postgres ${now.postgresRows} row${now.postgresRows === 1 ? "" : "s"}`,
  ].join("  ");
}

/** True when some counter moved: an idle pipeline prints no line. */
export function moved(before: ProgressTotals, now: ProgressTotals): boolean {
  return (Object.keys(now) as (keyof ProgressTotals)[]).some((k) => now[k] !== before[k]);
}
