/**
 * @module
 * `furrow collector`: runs the Snowplow-compatible collector. Settings come from a JSON file of
 * Snowplow's own collector settings (`--config`) and flags, which win over the file; everything is
 * validated before the server starts, and a problem is one line naming the flag or setting.
 * Good records go to the raw stream and size_violation rows to the bad stream; with `--sink
 * stdout` they are printed instead (base64 Thrift, one per line), records on standard output and
 * bad rows and logs on standard error.
 *
 * `--micro` also serves Snowplow Micro's API and console under `/micro/` (`apps/micro`), fed from
 * the raw, enriched and bad-1 streams: it needs the Kinesis sink, and `--iglu-config` for schema
 * lookups.
 *
 * Logs (start, stop, sink failures, sink health and back-pressure changes, Micro's feed) are
 * records of one logger: text lines by default, JSON lines with `--log-format json`.
 */

import { resolverFromFile } from "../../adapters/iglu/resolver-from-file.ts";
import {
  applyOverrides,
  type CollectorConfig,
  CollectorConfigError,
  type CollectorOverrides,
  parseCollectorConfig,
  SINK_KINDS,
  type SinkKind,
} from "../../apps/collector/config.ts";
import { DEFAULT_KINESIS_REGION, type RunningCollector, startCollector } from "../../apps/collector/main.ts";
import { type MicroFeed, type MicroFeedOptions, startMicroFeed } from "../../apps/micro/feed.ts";
import {
  appLogger,
  LOG_FLAGS,
  type LogSettings,
  logFlagsHelp,
  logSettings,
} from "../../apps/ops/ops-settings.ts";
import type { Resolver } from "../../core/iglu/resolver.ts";
import { formatResolverConfigError } from "../../core/iglu/resolver-config.ts";
import { firstLine, type Logger } from "../../core/ops/log.ts";
import {
  type Command,
  type CommandIO,
  type ConfigFile,
  endpointFlag,
  parseFlags,
  readConfigFile,
  stageTopology,
  UsageError,
} from "../command.ts";

export const COLLECTOR_FLAGS = {
  config: { type: "string" },
  interface: { type: "string" },
  port: { type: "string" },
  sink: { type: "string" },
  good: { type: "string" },
  bad: { type: "string" },
  stage: { type: "string" },
  region: { type: "string" },
  "kinesis-endpoint": { type: "string" },
  micro: { type: "boolean" },
  "acknowledge-after-write": { type: "boolean" },
  enriched: { type: "string" },
  "iglu-config": { type: "string" },
  ...LOG_FLAGS,
} as const;

/** Where the raw values come from; `loadCollectorConfig` reads them from the process. */
export interface CollectorConfigSources {
  readonly flags: Partial<
    Record<Exclude<keyof typeof COLLECTOR_FLAGS, "micro" | "acknowledge-after-write">, string>
  >;
  /** `--acknowledge-after-write`: on whatever the file says. */
  readonly acknowledgeAfterWrite?: boolean;
  /** The file named by `--config`, already read. */
  readonly file?: ConfigFile;
}

/** Merges and validates flags and file. Throws `UsageError` with one line naming the culprit. */
export function resolveCollectorConfig(sources: CollectorConfigSources): CollectorConfig {
  const { flags } = sources;
  const topology = stageTopology(flags.stage);

  let sink: SinkKind | undefined;
  if (flags.sink !== undefined) {
    if (!(SINK_KINDS as readonly string[]).includes(flags.sink)) {
      throw new UsageError(`--sink must be one of ${SINK_KINDS.join(", ")}, got '${flags.sink}'`);
    }
    sink = flags.sink as SinkKind;
  }
  let json: unknown = {};
  const where = sources.file ? `config file ${sources.file.path}` : "config";
  if (sources.file) {
    try {
      json = JSON.parse(sources.file.text);
    } catch (e) {
      throw new UsageError(`${where}: not valid JSON (${(e as Error).message})`);
    }
  }
  const overrides: { -readonly [K in keyof CollectorOverrides]: CollectorOverrides[K] } = {};
  if (flags.port !== undefined) {
    const port = Number(flags.port);
    if (!/^\d+$/.test(flags.port) || port > 65535)
      throw new UsageError(`--port must be a port number, got '${flags.port}'`);
    overrides.port = port;
  }
  if (flags.interface !== undefined) {
    if (flags.interface === "") throw new UsageError("--interface must not be empty");
    overrides.interface = flags.interface;
  }
  for (const role of ["good", "bad"] as const) {
    const name = flags[role];
    if (name !== undefined && (name === "" || name.length > 128)) {
      throw new UsageError(`--${role} must be a stream name of 1 to 128 characters`);
    }
    overrides[role] = name;
  }
  if (flags.region !== undefined) overrides.region = flags.region;
  if (sources.acknowledgeAfterWrite) overrides.acknowledgeAfterWrite = true;
  const endpoint = endpointFlag("kinesis-endpoint", flags["kinesis-endpoint"]);
  if (endpoint !== undefined) overrides.kinesisEndpoint = endpoint;
  try {
    const config = parseCollectorConfig(json, {
      where,
      defaultStreams: { good: topology.streams.raw.name, bad: topology.streams["bad-1"].name },
      sink,
    });
    return applyOverrides(config, overrides);
  } catch (e) {
    if (e instanceof CollectorConfigError) throw new UsageError(e.message);
    throw e;
  }
}

/** What `--micro` runs on: the streams the feed reads and where to find them. */
export interface MicroSettings {
  readonly feed: Omit<MicroFeedOptions, "resolver" | "log">;
  /** A resolver config for `/micro/iglu/…`, resolved against the working directory. */
  readonly igluConfig?: string;
}

/**
 * The Micro settings of `--micro`, or null without it. Micro reads the streams the collector writes
 * (raw, and bad-1 for its bad rows) plus the enriched one (`--enriched`, else the stage's).
 */
export function resolveMicroSettings(
  flags: {
    readonly micro?: boolean;
    readonly enriched?: string;
    readonly stage?: string;
    readonly "iglu-config"?: string;
  },
  config: CollectorConfig,
): MicroSettings | null {
  if (!flags.micro) {
    for (const flag of ["enriched", "iglu-config"] as const)
      if (flags[flag] !== undefined) throw new UsageError(`--${flag} only applies with --micro`);
    return null;
  }
  if (config.streams.sink !== "kinesis") {
    throw new UsageError("--micro needs the kinesis sink: Micro reads the raw, enriched and bad-1 streams");
  }
  const enriched = flags.enriched ?? stageTopology(flags.stage).streams.enriched.name;
  if (enriched === "" || enriched.length > 128)
    throw new UsageError("--enriched must be a stream name of 1 to 128 characters");
  const { good, bad } = config.streams;
  return {
    feed: {
      kinesisEndpoint: good.customEndpoint,
      region: good.region ?? DEFAULT_KINESIS_REGION,
      streams: { raw: good.name, enriched, bad: bad.name },
    },
    ...(flags["iglu-config"] === undefined ? {} : { igluConfig: flags["iglu-config"] }),
  };
}

/** Reads the flags and the config file they name, then validates both. */
export async function loadCollectorConfig(argv: readonly string[], cwd: string): Promise<CollectorConfig> {
  return (await loadCollectorSettings(argv, cwd)).config;
}

/** Everything `furrow collector` runs with. */
export interface CollectorSettings {
  readonly config: CollectorConfig;
  /** Null without `--micro`. */
  readonly micro: MicroSettings | null;
  readonly log: LogSettings;
}

/**
 * The collector's config, Micro's settings and the log settings. A UsageError lists the first
 * problem with the config (or file) and every problem with the log flags, one line each.
 */
export async function loadCollectorSettings(
  argv: readonly string[],
  cwd: string,
): Promise<CollectorSettings> {
  const { values } = parseFlags(argv, COLLECTOR_FLAGS);
  const problems: string[] = [];
  let settings: Omit<CollectorSettings, "log"> | undefined;
  try {
    const file = await readConfigFile(values.config, cwd);
    const { micro, "acknowledge-after-write": acknowledgeAfterWrite, ...flags } = values;
    const config = resolveCollectorConfig({ flags, file, acknowledgeAfterWrite });
    settings = { config, micro: resolveMicroSettings({ ...flags, micro }, config) };
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    problems.push(e.message);
  }
  const log = logSettings(values);
  if (!log.ok) problems.push(...log.error);
  // The CLI prefixes the first line; the others get the same prefix here.
  if (settings === undefined || !log.ok) throw new UsageError(problems.join("\nfurrow collector: "));
  return { ...settings, log: log.value };
}

/** The feed's own prefix, dropped: the record already names the app, and `component` says Micro. */
const MICRO_PREFIX = /^furrow micro: /;

/** Starts the Micro feed of `settings`, or explains in one line why it cannot. */
async function startMicro(
  settings: MicroSettings,
  logger: Logger,
  startFeed: typeof startMicroFeed,
): Promise<MicroFeed | string> {
  let resolver: Resolver | null = null;
  if (settings.igluConfig !== undefined) {
    const built = await resolverFromFile(settings.igluConfig);
    if (!built.ok) return `--iglu-config: ${formatResolverConfigError(built.error).split("\n")[0]}`;
    resolver = built.value;
  }
  try {
    return await startFeed({
      ...settings.feed,
      resolver,
      log: (line) =>
        logger.warn(line.replace(MICRO_PREFIX, ""), { event: "micro-feed-problem", component: "micro" }),
    });
  } catch (e) {
    return firstLine(e);
  }
}

/** An error as one line of text. */
/** Text logs at info, the CLI's long-standing output. */
const DEFAULT_LOG: LogSettings = { format: "text", level: "info" };

/**
 * Runs the collector with a validated config until `io.stopped` resolves, then stops it gracefully.
 * Returns 0 after a clean stop, 1 when it could not start (a missing stream, a port in use).
 * Every line on standard error is a record of the `options.log` logger, bad rows of the stdout
 * sink excepted.
 */
export async function runCollector(
  config: CollectorConfig,
  io: CommandIO,
  start: typeof startCollector = startCollector,
  options: {
    readonly micro?: MicroSettings | null;
    readonly startFeed?: typeof startMicroFeed;
    readonly log?: LogSettings;
  } = {},
): Promise<number> {
  const logger = appLogger("collector", options.log ?? DEFAULT_LOG, io.stderr);
  let feed: MicroFeed | undefined;
  if (options.micro) {
    const started = await startMicro(options.micro, logger, options.startFeed ?? startMicroFeed);
    if (typeof started === "string") {
      logger.error(started, { event: "start-failed" });
      return 1;
    }
    feed = started;
  }
  let running: RunningCollector;
  try {
    running = await start({ config, stdout: io.stdout, stderr: io.stderr, logger, micro: feed });
  } catch (e) {
    await feed?.stop();
    logger.error(firstLine(e), { event: "start-failed" });
    return 1;
  }
  const { good, bad } = config.streams;
  const target =
    running.sinks.name === "stdout"
      ? "records to standard output, bad rows to standard error"
      : `${running.sinks.name}: good → ${good.name}, bad → ${bad.name}`;
  logger.info(`listening on ${running.url} (${target})`, { event: "started", url: running.url });
  if (feed !== undefined) {
    const { raw, enriched, bad } = options.micro!.feed.streams;
    logger.info(
      `Micro at ${running.url}/micro/ui and /micro/{all,good,bad,reset} (reading ${raw}, ${enriched}, ${bad})`,
      { event: "micro-started", url: `${running.url}/micro/ui` },
    );
  }
  await io.stopped;
  logger.info(`stopping (draining for ${config.preTerminationPeriod} ms, then flushing)`, {
    event: "stopping",
  });
  try {
    await running.stop();
  } catch (e) {
    logger.error(`while stopping: ${firstLine(e)}`, { event: "stop-failed" });
    return 1;
  } finally {
    await feed?.stop();
  }
  // The metrics keep the totals; this line stays the one scripts have waited for.
  logger.info("stopped", { event: "stopped" });
  return 0;
}

export const collectorCommand: Command = {
  path: ["collector"],
  summary: "run the Snowplow-compatible collector (trackers → raw stream)",
  help: `Usage: furrow collector [flags]

Runs a drop-in for Snowplow's Stream Collector: point any Snowplow tracker at it and each request
becomes a Thrift CollectorPayload on the raw stream (size_violation rows on the bad stream).
Routes: GET /i, /ice.png and /{vendor}/{version} (pixel), POST /{vendor}/{version} (tp2 and
webhooks), /r/tp2 redirects (with enableDefaultRedirect), OPTIONS (CORS), /health, /sink-health,
/robots.txt, /crossdomain.xml, /metrics (Prometheus).

Flags (they override the config file):
  --config FILE            JSON with Snowplow's collector settings (optionally under "collector"):
                           interface, port, paths, cookie, doNotTrackCookie, cookieBounce,
                           crossDomain, rootResponse, cors, hsts, networking, streams,
                           enableDefaultRedirect, redirectDomains, preTerminationPeriod, plus
                           backPressure {enabled, retryAfterSeconds, maxBufferedBytes,
                           acknowledgeAfterWrite, acknowledgeTimeout}
  --interface ADDR         address to listen on (default 0.0.0.0)
  --port N                 port to listen on (default 8080; 0 picks a free one)
  --sink KIND              kinesis or stdout (default: streams.sink.enabled, else stdout)
  --good NAME              raw stream (default furrow-<stage>-raw-stream)
  --bad NAME               bad stream (default furrow-<stage>-bad-1-stream)
  --stage NAME             stage whose stream names are the defaults (default local)
  --region REGION          Kinesis region (default streams.sink.region, else us-east-1)
  --kinesis-endpoint URL   a Kinesis-compatible endpoint, e.g. the one \`furrow up\` prints
  --acknowledge-after-write
                           answer a tracking request only once the stream acknowledged its
                           records (503 + Retry-After if that fails or takes longer than
                           backPressure.acknowledgeTimeout, 10 s by default), so nothing answered
                           2xx is lost if the collector dies; costs a round trip to the stream
  --micro                  also serve Snowplow Micro's API (/micro/all, /micro/good, /micro/bad,
                           /micro/reset, /micro/iglu/…) and a console at /micro/ui, fed from the
                           raw, enriched and bad-1 streams (needs the kinesis sink)
  --enriched NAME          with --micro: the enriched stream (default furrow-<stage>-enriched-stream)
  --iglu-config FILE       with --micro: an Iglu resolver config for /micro/iglu and the console
${logFlagsHelp(27)}
Durations in the file are HOCON-style ("365 days", "10 seconds") or milliseconds. Settings of
Snowplow's with no effect here (p3p, redirectMacro, telemetry, monitoring, license) are accepted
and ignored. On SIGINT/SIGTERM the collector keeps serving for preTerminationPeriod (10 s by
default), stops accepting, and exits once the sinks have flushed everything accepted (exit 0).
Logs go to standard error; so do the stdout sink's bad rows, which are base64, not log records.
`,
  async run(argv, io) {
    const { config, micro, log } = await loadCollectorSettings(argv, process.cwd());
    return runCollector(config, io, startCollector, { micro, log });
  },
};
