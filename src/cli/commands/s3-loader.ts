/**
 * @module
 * `furrow s3-loader --purpose raw|enriched|bad`: Snowplow's S3 loader on Furrow's pipeline. It reads
 * one stream (raw, enriched or bad-1) as a KCL consumer and writes gzipped files (or Parquet, for
 * enriched events) under the bucket's `raw/`, `enriched/` or `bad/` folder; its own failures go to
 * bad-1, or to bad-2 for the bad-row loader. Settings come from a JSON file of Snowplow's own S3
 * loader settings (`--config`, 2.x or 3.x shape) and flags, which win over it; everything is
 * validated before anything starts, and each problem is one line naming the flag or setting (all
 * of the flags' problems are listed at once). It logs as `--log-format` says and serves `/health`
 * and `/metrics` on `--ops-port`.
 */
import { parseDuration } from "../../apps/collector/config.ts";
import {
  appLogger,
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
  OPS_FLAGS,
  type OpsSettings,
  opsFlagsHelp,
  opsSettings,
} from "../../apps/ops/ops-settings.ts";
import { runWorkerUntilStopped } from "../../apps/ops/worker-ops.ts";
import {
  applyS3LoaderOverrides,
  defaultS3LoaderConfig,
  PARTITIONINGS,
  type Partitioning,
  parseS3LoaderConfig,
  type S3LoaderConfig,
  S3LoaderConfigError,
  type S3LoaderOverrides,
} from "../../apps/s3-loader/config.ts";
import { type RunningS3Loader, s3LoaderTelemetry, startS3Loader } from "../../apps/s3-loader/main.ts";
import { FILE_FORMATS, type FileFormat } from "../../core/loading/file-plan.ts";
import { OBJECT_NAMINGS, type ObjectNaming } from "../../core/loading/object-key.ts";
import { LOADER_PURPOSES, type LoaderPurpose, parseLoaderPurpose } from "../../core/loading/purpose.ts";
import { firstLine } from "../../core/ops/log.ts";
import type { InitialPosition } from "../../ports/shard-reader.ts";
import {
  type Command,
  type CommandIO,
  type ConfigFile,
  endpointFlag,
  parseFlags,
  readConfigFile,
  stageTopology,
  UsageError,
  usageProblemCollector,
} from "../command.ts";

export const S3_LOADER_FLAGS = {
  purpose: { type: "string" },
  config: { type: "string" },
  stage: { type: "string" },
  region: { type: "string" },
  "kinesis-endpoint": { type: "string" },
  "dynamodb-endpoint": { type: "string" },
  "s3-endpoint": { type: "string" },
  "input-stream": { type: "string" },
  "app-name": { type: "string" },
  "initial-position": { type: "string" },
  "max-records": { type: "string" },
  "lease-duration": { type: "string" },
  path: { type: "string" },
  "bad-stream": { type: "string" },
  "partition-format": { type: "string" },
  partitioning: { type: "string" },
  "filename-prefix": { type: "string" },
  format: { type: "string" },
  naming: { type: "string" },
  "record-limit": { type: "string" },
  "byte-limit": { type: "string" },
  "time-limit": { type: "string" },
  ...OPS_FLAGS,
} as const;

type Flags = Partial<Record<keyof typeof S3_LOADER_FLAGS, string>>;

/** Where the raw values come from; `loadS3LoaderConfig` reads them from the process. */
export interface S3LoaderConfigSources {
  readonly flags: Flags;
  /** The file named by `--config`, already read. */
  readonly file?: ConfigFile;
  /** `AWS_REGION`, the region when neither flag nor file gives one. */
  readonly envRegion?: string;
}

function oneOf<T extends string>(
  flag: string,
  value: string | undefined,
  values: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  const found = values.find((v) => v === value.toLowerCase());
  if (found === undefined)
    throw new UsageError(`--${flag} must be one of ${values.join(", ")}, got '${value}'`);
  return found;
}

function positiveInt(
  flag: string,
  value: string | undefined,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > max) {
    throw new UsageError(`--${flag} must be an integer from 1 to ${max}, got '${value}'`);
  }
  return n;
}

/** `--flag D`: a positive duration such as "10 seconds", or milliseconds. */
function positiveDuration(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseDuration(value);
  if (ms === undefined || !Number.isFinite(ms) || ms <= 0) {
    throw new UsageError(
      `--${flag} must be a positive duration like "10 seconds" or milliseconds, got '${value}'`,
    );
  }
  return ms;
}

function initialPosition(value: string | undefined): InitialPosition | undefined {
  if (value === undefined) return undefined;
  if (value === "TRIM_HORIZON" || value === "LATEST") return { type: value };
  const at = /^AT_TIMESTAMP=(.+)$/.exec(value);
  const date = at ? new Date(at[1]!) : undefined;
  if (date && !Number.isNaN(date.getTime())) return { type: "AT_TIMESTAMP", timestamp: date };
  throw new UsageError(
    `--initial-position must be TRIM_HORIZON, LATEST or AT_TIMESTAMP=<ISO time>, got '${value}'`,
  );
}

/** Between the lines of a usage error listing several problems: each line names the command again. */
const NEXT_PROBLEM = "\nfurrow s3-loader: ";

/**
 * Merges and validates file and flags. Throws `UsageError` listing every flag problem, one line
 * each, naming the culprit; the file is checked once the flags are valid.
 */
export function resolveS3LoaderConfig(sources: S3LoaderConfigSources): S3LoaderConfig {
  const { flags } = sources;
  const problems: string[] = [];
  const check = usageProblemCollector(problems);
  const topology = check(() => stageTopology(flags.stage));
  let purpose: LoaderPurpose | undefined;
  if (flags.purpose !== undefined) {
    purpose = parseLoaderPurpose(flags.purpose) ?? undefined;
    if (purpose === undefined) {
      problems.push(`--purpose must be one of ${LOADER_PURPOSES.join(", ")}, got '${flags.purpose}'`);
    }
  }
  const region = flags.region ?? sources.envRegion ?? "us-east-1";
  const timeLimit = flags["time-limit"];
  const timeLimitMs = timeLimit === undefined ? undefined : parseDuration(timeLimit);
  if (timeLimit !== undefined && (timeLimitMs === undefined || !Number.isFinite(timeLimitMs))) {
    problems.push(`--time-limit must be a duration like "1 minute" or milliseconds, got '${timeLimit}'`);
  }
  const ops = opsSettings(flags);
  if (!ops.ok) problems.push(...ops.error);
  const overrides: S3LoaderOverrides = {
    region: flags.region,
    inputStream: flags["input-stream"],
    appName: flags["app-name"],
    initialPosition: check(() => initialPosition(flags["initial-position"])),
    maxRecords: check(() => positiveInt("max-records", flags["max-records"], 10_000)),
    leaseDurationMs: check(() => positiveDuration("lease-duration", flags["lease-duration"])),
    path: flags.path,
    badStream: flags["bad-stream"],
    partitionFormat: flags["partition-format"],
    partitioning: check(() => oneOf<Partitioning>("partitioning", flags.partitioning, PARTITIONINGS)),
    filenamePrefix: flags["filename-prefix"],
    format: check(() => oneOf<FileFormat>("format", flags.format, FILE_FORMATS)),
    naming: check(() => oneOf<ObjectNaming>("naming", flags.naming, OBJECT_NAMINGS)),
    buffer: {
      ...(flags["record-limit"] === undefined
        ? {}
        : { recordLimit: check(() => positiveInt("record-limit", flags["record-limit"])) }),
      ...(flags["byte-limit"] === undefined
        ? {}
        : { byteLimit: check(() => positiveInt("byte-limit", flags["byte-limit"])) }),
      ...(timeLimitMs === undefined || !Number.isFinite(timeLimitMs) ? {} : { timeLimitMs }),
    },
    kinesisEndpoint: check(() => endpointFlag("kinesis-endpoint", flags["kinesis-endpoint"])),
    dynamodbEndpoint: check(() => endpointFlag("dynamodb-endpoint", flags["dynamodb-endpoint"])),
    s3Endpoint: check(() => endpointFlag("s3-endpoint", flags["s3-endpoint"])),
  };
  if (sources.file === undefined && purpose === undefined && flags.purpose === undefined) {
    problems.push(`--purpose is required (${LOADER_PURPOSES.join(", ")})`);
  }
  if (problems.length > 0 || topology === undefined) throw new UsageError(problems.join(NEXT_PROBLEM));
  try {
    let config: S3LoaderConfig;
    if (sources.file) {
      let json: unknown;
      try {
        json = JSON.parse(sources.file.text);
      } catch (e) {
        throw new UsageError(`config file ${sources.file.path}: not valid JSON (${(e as Error).message})`);
      }
      config = parseS3LoaderConfig(json, {
        where: `config file ${sources.file.path}`,
        topology,
        region,
        purpose,
      });
    } else {
      if (purpose === undefined)
        throw new UsageError(`--purpose is required (${LOADER_PURPOSES.join(", ")})`);
      config = defaultS3LoaderConfig(purpose, topology, region);
    }
    return applyS3LoaderOverrides(config, overrides);
  } catch (e) {
    if (e instanceof S3LoaderConfigError) throw new UsageError(e.message);
    throw e;
  }
}

/** Reads the flags and the config file they name, then validates both. */
export async function loadS3LoaderConfig(
  argv: readonly string[],
  cwd: string,
  envRegion: string | undefined,
): Promise<S3LoaderConfig> {
  const { values } = parseFlags(argv, S3_LOADER_FLAGS);
  const file = await readConfigFile(values.config, cwd);
  return resolveS3LoaderConfig({ flags: values, file, envRegion });
}

/** Logs in text to standard error, no ops server: what `runS3Loader` does unless told otherwise. */
const DEFAULT_OPS: OpsSettings = {
  format: "text",
  level: "info",
  port: null,
  host: "0.0.0.0",
  shutdownTimeoutMs: DEFAULT_SHUTDOWN_TIMEOUT_MS,
};

/**
 * When, within `--shutdown-timeout`, the loader gives up writing what it holds: early enough that
 * its consumer can still release the leases (the next worker then starts at once rather than
 * after they expire), with the rest of the time for that.
 */
export function abandonAfterMs(shutdownTimeoutMs: number): number {
  return Math.round(shutdownTimeoutMs * 0.8);
}

/**
 * Runs the loader until `io.stopped` resolves (SIGTERM, SIGINT), then stops it gracefully within
 * `ops.shutdownTimeoutMs`. Returns 0 after a clean stop, 1 when it could not start (a missing
 * stream or bucket, a taken ops port) or stopped with batches unwritten (not checkpointed: the
 * next worker reads them again).
 */
export async function runS3Loader(
  config: S3LoaderConfig,
  io: CommandIO,
  start: typeof startS3Loader = startS3Loader,
  ops: OpsSettings = DEFAULT_OPS,
): Promise<number> {
  const logger = appLogger("s3-loader", ops, io.stderr, `s3-loader (${config.purpose})`).with(
    ops.format === "json" ? { purpose: config.purpose } : {},
  );
  const telemetry = s3LoaderTelemetry(config.purpose, config.input.leaseDurationMs);
  let running: RunningS3Loader;
  try {
    running = await start(config, {
      logger,
      telemetry,
      stopDeadlineMs: abandonAfterMs(ops.shutdownTimeoutMs),
    });
  } catch (e) {
    logger.error(firstLine(e), { event: "start-failed" });
    return 1;
  }
  const { path, partitionFormat, format } = config.output;
  const target = `s3://${path.bucket}/${path.directory}${path.directory ? "/" : ""}${partitionFormat ? `${partitionFormat.template}/` : ""}`;
  return runWorkerUntilStopped({
    telemetry,
    ops,
    logger,
    stop: async () => {
      await running.stop();
      const abandoned = running.app.metrics().abandonedBatches;
      if (abandoned > 0) {
        throw new Error(
          `gave up ${abandoned} batches S3 did not take in time; they were not checkpointed and will be read again`,
        );
      }
    },
    abandon: () => running.app.abandon(),
    stopped: io.stopped,
    logStarted: () =>
      logger.info(
        `${config.input.streamName} → ${target} (${format}, ${config.output.naming} names; ` +
          `bad rows → ${config.output.badStreamName}; leases in ${config.input.appName})`,
        ops.format === "json"
          ? {
              event: "started",
              stream: config.input.streamName,
              target,
              format,
              badStream: config.output.badStreamName,
              leaseTable: config.input.appName,
            }
          : undefined,
      ),
    stopping: "stopping (writing what is held, then releasing leases)",
    logStopped: () => {
      const m = running.app.metrics();
      logger.info(
        `stopped after ${m.filesWritten} files, ${m.recordsLoaded} records, ${m.badRows} bad rows`,
        {
          event: "stopped",
          files: m.filesWritten,
          records: m.recordsLoaded,
          badRows: m.badRows,
        },
      );
    },
  });
}

export const s3LoaderCommand: Command = {
  path: ["s3-loader"],
  summary: "load a stream (raw, enriched or bad rows) into S3 as gzip (or Parquet) files",
  help: `Usage: furrow s3-loader --purpose raw|enriched|bad [--config FILE] [flags]

Runs a drop-in for Snowplow's S3 loader: a KCL consumer of one stream that writes its records to
files in S3 and checkpoints a batch only once its file is written. If S3 cannot be reached it
retries the same file, holding the checkpoint, and never drops a record.

  raw        raw stream → s3://<bucket>/raw/       (base64 Thrift, one record per line)
  enriched   enriched stream → s3://<bucket>/enriched/ (131-column TSV, or --format parquet)
  bad        bad-1 stream → s3://<bucket>/bad/{vendor}.{schema}/ (one folder per bad-row type)
Files are gzip ({prefix}yyyy-MM-dd-HHmmss-{id}.gz, UTC). The loader's own bad rows (records it
cannot load) go to bad-1, or to bad-2 for the bad-row loader. \`furrow replay\` reads raw and
enriched files back into a stream.

Flags (they override the config file):
  --purpose P              raw, enriched or bad (or Snowplow's RAW, ENRICHED_EVENTS, SELF_DESCRIBING)
  --config FILE            JSON with Snowplow's S3 loader settings (2.x: input, output.s3, buffer;
                           3.x: input, output.good, batching), plus output format, naming and
                           partitioning (see below)
  --stage NAME             stage whose names are the defaults (default local)
  --region REGION          AWS region (default $AWS_REGION, else us-east-1)
  --kinesis-endpoint URL, --dynamodb-endpoint URL, --s3-endpoint URL
                           local or self-hosted endpoints, e.g. the ones \`furrow up\` prints
  --input-stream NAME      stream to load (default: the stage's raw, enriched or bad-1 stream)
  --app-name NAME          KCL application and lease table name (default furrow-<stage>-s3-loader-<purpose>)
  --initial-position P     TRIM_HORIZON (default), LATEST or AT_TIMESTAMP=<ISO time>
  --max-records N          records per GetRecords, 1–10000 (default 10000)
  --lease-duration D       KCL lease duration, e.g. "10 seconds" or milliseconds (default 10 s;
                           input.leaseDuration in the file); a lease of a worker that died is
                           taken over after about twice this
  --path s3://BUCKET/DIR   where files go (default s3://furrow-<stage>-pipeline/<raw|enriched|bad>)
  --bad-stream NAME        stream of the loader's own bad rows
  --partition-format T     folders under the path: Snowplow tokens {vendor} {schema} {name}
                           {format} {model} (bad rows), {app} (enriched app_id), {yyyy} {MM} {dd}
                           {HH} {mm} {ss} (UTC); Hive-style "year={yyyy}/month={MM}" works too
  --partitioning P         snowplow (default: none, or {vendor}.{schema} for bad rows) or hive
                           (year=/month=/day=/hour=, under {vendor}.{schema}/model= for bad rows),
                           used when no --partition-format is given
  --filename-prefix P      text before each file name
  --format F               gzip (default) or parquet (enriched only; columns typed as the
                           Snowplow Analytics SDKs type the TSV)
  --naming N               uuid (default, as Snowplow 3.x) or sequence: {shardId}-{first sequence
                           number}, so a file rewritten after a crash replaces itself
  --record-limit N, --byte-limit N, --time-limit D
                           write when the held records reach N, or N bytes, or after D
                           (default 100000 records, 64 MiB, 1 minute; D like "30 seconds" or ms)
${opsFlagsHelp(27)}
On SIGTERM (or SIGINT) the loader writes what it holds, checkpoints it, releases its leases and
exits 0. If S3 does not take it within --shutdown-timeout, it gives up what it holds without
checkpointing it (the next loader reads it again), logs an error and exits 1. Metrics are named furrow_s3_loader_* with a purpose label.

Exit status: 0 after a clean stop (SIGINT/SIGTERM), 1 when it could not start or gave up records
at the stop, 2 on a usage or configuration error.
`,
  async run(argv, io) {
    const { values } = parseFlags(argv, S3_LOADER_FLAGS);
    const config = await loadS3LoaderConfig(argv, process.cwd(), process.env["AWS_REGION"]);
    // Valid by now: resolveS3LoaderConfig refused any problem with them.
    const ops = opsSettings(values);
    return runS3Loader(config, io, startS3Loader, ops.ok ? ops.value : DEFAULT_OPS);
  },
};
