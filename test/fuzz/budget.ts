/**
 * @module
 * How long each fuzzer of `test/fuzz` runs, from which seed, and how it reports. A few seconds per
 * fuzzer by default (CI); longer, another seed, or an exact replay on demand:
 *
 * - `FURROW_FUZZ_SECONDS=120 bun test test/fuzz` runs each fuzzer for two minutes;
 * - `FURROW_FUZZ_RUNS=5000` runs exactly that many cases instead (no clock involved);
 * - `FURROW_FUZZ_SEED=7` explores other inputs; a failure prints the seed and path to replay it,
 *   `FURROW_FUZZ_SEED=<seed> FURROW_FUZZ_PATH=<path>`.
 *
 * The budget only bounds the work: no assertion depends on time. Every fuzzer prints how many
 * cases it tried, and a failure shows fast-check's shrunk counterexample.
 */
import fc from "fast-check";

export interface FuzzBudget {
  /** Seconds each fuzzer runs when `runs` is not set. */
  readonly seconds: number;
  /** Exact number of cases per fuzzer, overriding `seconds`. */
  readonly runs: number | undefined;
  readonly seed: number;
  /** fast-check's replay path of a reported failure. */
  readonly path: string | undefined;
}

const DEFAULT_SECONDS = 3;
const DEFAULT_SEED = 20_261_125;

function positive(name: string, text: string | undefined, integer: boolean): number | undefined {
  if (text === undefined || text === "") return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new Error(
      `${name} must be a positive ${integer ? "integer" : "number"}, not ${JSON.stringify(text)}`,
    );
  }
  return n;
}

/** Reads the budget from the environment (tests may read it; see the module comment). */
export function readFuzzBudget(env: Record<string, string | undefined>): FuzzBudget {
  const seed = env["FURROW_FUZZ_SEED"];
  if (seed !== undefined && seed !== "" && !/^-?\d+$/.test(seed)) {
    throw new Error(`FURROW_FUZZ_SEED must be an integer, not ${JSON.stringify(seed)}`);
  }
  return {
    seconds: positive("FURROW_FUZZ_SECONDS", env["FURROW_FUZZ_SECONDS"], false) ?? DEFAULT_SECONDS,
    runs: positive("FURROW_FUZZ_RUNS", env["FURROW_FUZZ_RUNS"], true),
    seed: seed === undefined || seed === "" ? DEFAULT_SEED : Number(seed) | 0,
    path: env["FURROW_FUZZ_PATH"] || undefined,
  };
}

export const fuzzBudget: FuzzBudget = readFuzzBudget(process.env);

/** A bun:test timeout that leaves room for the budget, set-up and shrinking a failure. */
export function fuzzTimeout(budget: FuzzBudget = fuzzBudget, setupSeconds = 30): number {
  return (budget.runs === undefined ? budget.seconds * 1000 : 600_000) + setupSeconds * 1000 + 60_000;
}

/** What one fuzzer did. */
export interface FuzzReport {
  readonly name: string;
  readonly cases: number;
  readonly seconds: number;
  readonly seed: number;
}

/**
 * Runs `property` within the budget, prints the cases tried, and throws fast-check's report (seed,
 * replay path, shrunk counterexample) if a case failed. Returns the report.
 */
export async function runFuzz<Ts extends [unknown, ...unknown[]]>(
  name: string,
  property: fc.IAsyncProperty<Ts> | fc.IProperty<Ts>,
  budget: FuzzBudget = fuzzBudget,
): Promise<FuzzReport> {
  const started = performance.now();
  const parameters: fc.Parameters<Ts> = {
    seed: budget.seed,
    numRuns: budget.runs ?? Number.MAX_SAFE_INTEGER,
    ...(budget.runs === undefined
      ? { interruptAfterTimeLimit: budget.seconds * 1000, markInterruptAsFailure: false }
      : {}),
    ...(budget.path === undefined ? {} : { path: budget.path }),
  };
  const details = await fc.check(property as fc.IAsyncProperty<Ts>, parameters);
  const seconds = (performance.now() - started) / 1000;
  const report = { name, cases: details.numRuns, seconds, seed: budget.seed };
  console.log(`fuzz ${name}: ${details.numRuns} cases in ${seconds.toFixed(1)} s (seed ${budget.seed})`);
  if (details.failed) {
    throw new Error(
      `fuzz ${name} failed; replay with FURROW_FUZZ_SEED=${details.seed} FURROW_FUZZ_PATH=${details.counterexamplePath}\n${clip(fc.defaultReportMessage(details) ?? "")}\n${describeError(details.errorInstance)}`,
    );
  }
  return report;
}

function describeError(e: unknown): string {
  if (e instanceof Error) return `Error: ${e.message}`;
  return e === undefined ? "" : `Error: ${String(e)}`;
}

/** Long generated strings (huge bodies, headers) clipped, so a report stays readable. */
function clip(report: string): string {
  return report.replace(/(.)\1{40,}/g, (run, c: string) => `${c.repeat(8)}…(${run.length}×)`).slice(0, 6000);
}
