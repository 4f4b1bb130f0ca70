/**
 * @module
 * The `furrow` command: dispatches to one sub-command by its leading words. It is the only place
 * that binds commands to the process (stdin, stdout, signals, exit code). Signal handlers are its
 * first act, before any command loads, so SIGINT/SIGTERM stop cleanly from the first moment.
 */
import type { Command, CommandIO } from "./command.ts";

/**
 * Resolves at the first SIGINT or SIGTERM. Run as the program, the handlers go in before the
 * commands load (the AWS SDK, Hono, the engines take a while): until a handler exists a signal
 * kills the process with 143, so a stop during start-up would not be the clean exit 0 it is later.
 * The imports below are dynamic for that reason; static ones would be evaluated first.
 */
const stopSignal: Promise<void> | undefined = import.meta.main
  ? new Promise<void>((resolve) => {
      process.once("SIGINT", () => resolve());
      process.once("SIGTERM", () => resolve());
    })
  : undefined;

const [
  { UsageError },
  { collectorCommand },
  { enrichCommand },
  { decodeEnrichedCommand },
  { igluCommands },
  { postgresLoaderCommand },
  { decodeRawCommand, encodeRawCommand },
  { replayCommand },
  { s3LoaderCommand },
  { upCommand },
] = await Promise.all([
  import("./command.ts"),
  import("./commands/collector.ts"),
  import("./commands/enrich.ts"),
  import("./commands/enriched.ts"),
  import("./commands/iglu.ts"),
  import("./commands/postgres-loader.ts"),
  import("./commands/raw.ts"),
  import("./commands/replay.ts"),
  import("./commands/s3-loader.ts"),
  import("./commands/up.ts"),
]);

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

if (stopSignal !== undefined) {
  const io: CommandIO = {
    stdin: Bun.stdin.stream(),
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    stopped: stopSignal,
  };
  const code = await runCli(process.argv.slice(2), io);
  process.exit(code);
}
