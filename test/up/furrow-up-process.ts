/**
 * @module
 * `furrow up` as a real process (`bun src/cli/main.ts up …` from the repository root), read as a
 * user reads it: the lines it prints, by label (`collector  http://127.0.0.1:…`), once it says
 * `furrow up: ready`. Shared by the command's own process test and the whole-pipeline test.
 */
import { fileURLToPath } from "node:url";
import { readLines } from "../../src/cli/command.ts";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

/** The parts of the whole pipeline, in start order. */
export const PART_NAMES = [
  "iglu",
  "s3-raw",
  "s3-enriched",
  "s3-bad",
  "pg-enriched",
  "pg-bad",
  "enrich",
  "collector",
];

/** The rows `furrow up` prints for the whole pipeline: its engines, resources, then parts. */
export const WHOLE_PIPELINE_ROWS = [
  "kinesis",
  "dynamodb",
  "s3",
  "postgres",
  "stream",
  "table",
  "bucket",
  ...PART_NAMES,
];

/** A running `furrow up`: its printed lines, by label, and ways to stop it. */
export interface UpProcess {
  readonly rows: Map<string, string[]>;
  /** Every line printed so far. */
  readonly lines: string[];
  readonly stderr: () => string;
  /** SIGINT, then the exit code once it has stopped and its output is read to the end. */
  stop(): Promise<number>;
  /** SIGKILL, for a test that failed before `stop`. */
  kill(): void;
}

/**
 * The rows of `furrow up`'s printed table: label → the values printed after it (lines starting
 * with `furrow` are its own messages, not rows).
 */
export function printedRows(lines: Iterable<string>): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const l of lines) {
    const [label, value] = l.split(/\s+/);
    if (label && value && !label.startsWith("furrow")) rows.set(label, [...(rows.get(label) ?? []), value]);
  }
  return rows;
}

/**
 * Starts `furrow up <args>` and resolves once it is ready; throws with what it printed if it
 * exits first. It is killed after `killAfterMs` whatever happens, so a hung test leaves no process.
 */
export async function startFurrowUp(args: readonly string[], killAfterMs: number): Promise<UpProcess> {
  const child = Bun.spawn([process.execPath, "src/cli/main.ts", "up", ...args], {
    cwd: repoRoot,
    stdout: "pipe",
    stderr: "pipe",
  });
  const killer = setTimeout(() => child.kill("SIGKILL"), killAfterMs);
  // Both pipes are read to the end, so the child never writes into a closed pipe.
  const lines: string[] = [];
  let errors = "";
  let onReady = () => {};
  const ready = new Promise<void>((resolve) => {
    onReady = resolve;
  });
  const reading = (async () => {
    for await (const l of readLines(child.stdout)) {
      lines.push(l);
      if (l.startsWith("furrow up: ready")) onReady();
    }
  })();
  const readingErrors = (async () => {
    for await (const l of readLines(child.stderr)) errors += `${l}\n`;
  })();
  await Promise.race([ready, child.exited]);
  if (!lines.some((l) => l.startsWith("furrow up: ready"))) {
    await Promise.all([reading, readingErrors]);
    clearTimeout(killer);
    throw new Error(`furrow up did not start:\n${lines.join("\n")}\n${errors}`);
  }
  return {
    rows: printedRows(lines),
    lines,
    stderr: () => errors,
    async stop() {
      child.kill("SIGINT");
      const code = await child.exited;
      await Promise.all([reading, readingErrors]);
      clearTimeout(killer);
      return code;
    },
    kill() {
      clearTimeout(killer);
      child.kill("SIGKILL");
    },
  };
}
