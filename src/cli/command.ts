/**
 * @module
 * The shape of a `furrow` sub-command. Each command reads its flags (and, where it has one, the
 * config file) once, validates them, and reports a usage error as one clear line and exit code 2.
 * Input and output go through `CommandIO`, so tests drive commands in-process with real streams.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { type ParseArgsConfig, parseArgs } from "node:util";
import { furrowTopology, stageProblem, type Topology } from "../core/topology.ts";

/** Where a command reads and writes. `main.ts` binds these to the process. */
export interface CommandIO {
  readonly stdin: ReadableStream<Uint8Array>;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Resolves when the user asks the command to stop (SIGINT/SIGTERM). */
  readonly stopped: Promise<void>;
}

export interface Command {
  /** Words after `furrow`, e.g. `["decode", "raw"]`. */
  readonly path: readonly string[];
  readonly summary: string;
  /** Full `--help` text. */
  readonly help: string;
  /** Runs the command and returns the process exit code. */
  run(argv: readonly string[], io: CommandIO): Promise<number>;
}

/** A flag or config problem: `main.ts` prints its message as one line and exits with 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/**
 * A `check` that runs one validation and, when it throws a `UsageError`, keeps its message in
 * `problems` and gives undefined: so one run lists every flag problem, not only the first.
 */
export function usageProblemCollector(problems: string[]): <T>(validate: () => T) => T | undefined {
  return (validate) => {
    try {
      return validate();
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      problems.push(e.message);
      return undefined;
    }
  };
}

/** `parseArgs` with strict checking, turning its exceptions into a `UsageError`. */
export function parseFlags<T extends NonNullable<ParseArgsConfig["options"]>>(
  argv: readonly string[],
  options: T,
  allowPositionals = false,
): { values: { [K in keyof T]?: T[K]["type"] extends "boolean" ? boolean : string }; positionals: string[] } {
  try {
    const parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals });
    return parsed as unknown as {
      values: { [K in keyof T]?: T[K]["type"] extends "boolean" ? boolean : string };
      positionals: string[];
    };
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** A config file named by `--config`, read but not yet parsed. */
export interface ConfigFile {
  readonly path: string;
  readonly text: string;
}

/**
 * Reads the file named by `--config` (relative to `cwd`); undefined when the flag was not given.
 * A file that cannot be read is a `UsageError` naming the flag.
 */
export async function readConfigFile(path: string | undefined, cwd: string): Promise<ConfigFile | undefined> {
  if (path === undefined) return undefined;
  try {
    return { path, text: await readFile(resolve(cwd, path), "utf8") };
  } catch (e) {
    throw new UsageError(`--config: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? e})`);
  }
}

/** The topology of the stage named by `--stage` (default `local`); a bad name is a `UsageError`. */
export function stageTopology(stage = "local"): Topology {
  const problem = stageProblem(stage);
  if (problem) throw new UsageError(`--stage: ${problem}`);
  return furrowTopology({ stage });
}

/** An endpoint flag's value, which must be an http(s) URL; undefined when the flag was not given. */
export function endpointFlag(flag: string, value: string | undefined): string | undefined {
  if (value !== undefined && !/^https?:\/\/[^/]/.test(value)) {
    throw new UsageError(`--${flag}: '${value}' must start with http:// or https://`);
  }
  return value;
}

/** Reads a whole stream into bytes. */
export async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Yields the lines of a text stream (without their `\n` or `\r\n`), as they arrive. */
export async function* readLines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let pending = "";
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) {
    pending += decoder.decode(chunk, { stream: true });
    let nl = pending.indexOf("\n");
    while (nl >= 0) {
      yield pending.slice(0, nl).replace(/\r$/, "");
      pending = pending.slice(nl + 1);
      nl = pending.indexOf("\n");
    }
  }
  pending += decoder.decode();
  if (pending.length > 0) yield pending.replace(/\r$/, "");
}

/**
 * FILE as a stream, or standard input when FILE is absent or `-`. A missing file is a usage error,
 * reported before any output.
 */
export async function openInput(
  file: string | undefined,
  io: CommandIO,
): Promise<ReadableStream<Uint8Array>> {
  if (file === undefined || file === "-") return io.stdin;
  const handle = Bun.file(file);
  if (!(await handle.exists())) throw new UsageError(`cannot read '${file}': no such file`);
  return handle.stream();
}

/**
 * The lines of `input` with their 1-based numbers, ending early when the user asks to stop (Ctrl-C),
 * even while waiting for more input.
 */
export async function* numberedLines(
  input: ReadableStream<Uint8Array>,
  io: CommandIO,
): AsyncGenerator<[number, string]> {
  const lines = readLines(input)[Symbol.asyncIterator]();
  const stopped = io.stopped.then(() => null);
  for (let n = 1; ; n++) {
    const next = await Promise.race([lines.next(), stopped]);
    if (next === null || next.done) return;
    yield [n, next.value];
  }
}
