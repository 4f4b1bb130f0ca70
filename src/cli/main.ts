/**
 * @module
 * The `furrow` command: dispatches to one sub-command by its leading words. It is the only place
 * that binds commands to the process (stdin, stdout, signals, exit code).
 */
import { type Command, type CommandIO, UsageError } from "./command.ts";
import { collectorCommand } from "./commands/collector.ts";
import { enrichCommand } from "./commands/enrich.ts";
import { decodeEnrichedCommand } from "./commands/enriched.ts";
import { igluCommands } from "./commands/iglu.ts";
import { postgresLoaderCommand } from "./commands/postgres-loader.ts";
import { decodeRawCommand, encodeRawCommand } from "./commands/raw.ts";
import { replayCommand } from "./commands/replay.ts";
import { s3LoaderCommand } from "./commands/s3-loader.ts";
import { upCommand } from "./commands/up.ts";

export const commands: readonly Command[] = [
  upCommand,
  collectorCommand,
  enrichCommand,
  decodeRawCommand,
  encodeRawCommand,
  decodeEnrichedCommand,
  ...igluCommands,
  s3LoaderCommand,
  postgresLoaderCommand,
  replayCommand,
];

function overview(): string {
  const width = Math.max(...commands.map((c) => c.path.join(" ").length));
  const rows = commands.map((c) => `  furrow ${c.path.join(" ").padEnd(width)}  ${c.summary}`);
  return [
    "furrow: a Snowplow-compatible behavioural-data pipeline",
    "",
    "Usage: furrow <command> [flags]",
    "",
    ...rows,
    "",
    "Run `furrow <command> --help` for a command's flags.",
    "",
  ].join("\n");
}

/** Finds the command whose path is the longest prefix of `argv`. */
export function findCommand(argv: readonly string[]): { command: Command; rest: string[] } | null {
  let best: Command | null = null;
  for (const c of commands) {
    if (c.path.every((w, i) => argv[i] === w) && (best === null || c.path.length > best.path.length))
      best = c;
  }
  return best ? { command: best, rest: argv.slice(best.path.length) } : null;
}

/** Runs `furrow` with `argv` (without the program name) and returns the exit code. */
export async function runCli(argv: readonly string[], io: CommandIO): Promise<number> {
  if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help") {
    io.stdout(overview());
    return argv.length === 0 ? 2 : 0;
  }
  const found = findCommand(argv);
  if (!found) {
    io.stderr(`furrow: unknown command '${argv.join(" ")}'. Run 'furrow --help' for the list.\n`);
    return 2;
  }
  if (found.rest.includes("--help") || found.rest.includes("-h")) {
    io.stdout(found.command.help.endsWith("\n") ? found.command.help : `${found.command.help}\n`);
    return 0;
  }
  try {
    return await found.command.run(found.rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`furrow ${found.command.path.join(" ")}: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

if (import.meta.main) {
  const stopped = new Promise<void>((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
  const io: CommandIO = {
    stdin: Bun.stdin.stream(),
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    stopped,
  };
  const code = await runCli(process.argv.slice(2), io);
  process.exit(code);
}
