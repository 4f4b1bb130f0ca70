/**
 * @module
 * `furrow enrich`: Snowplow Enrich on Furrow's pipeline. Two modes:
 * - a file (or standard input) of base64 raw records, without any stream: enriched TSV on standard
 *   output, bad rows (one JSON per line) to `--bad` or standard error, failed events to `--failed`;
 * - `--input-stream`: the long-running app, a KCL consumer of the raw stream writing the enriched,
 *   bad (and failed) streams, until SIGINT/SIGTERM.
 * Settings are Snowplow's own files: `--iglu-config resolver.json` and `--enrichments DIR` of
 * enrichment configs. Every problem with them and with the flags is reported, one line each, before
 * anything runs. The stream mode logs as `--log-format` says and serves `/health` and `/metrics` on
 * `--ops-port`.
 */
import { LineSink } from "../../adapters/enrich/line-sink.ts";
import type { StreamConsumerConfig } from "../../adapters/kinesis/stream-consumer.ts";
import { parseDuration } from "../../apps/collector/config.ts";
import { EnrichApp } from "../../apps/enrich/app.ts";
import {
  type BuiltPipeline,
  buildPipeline,
  ENRICH_PROCESSOR,
  enrichTelemetry,
  startEnrichStream,
} from "../../apps/enrich/main.ts";
import {
  appLogger,
  OPS_FLAGS,
  type OpsSettings,
  opsFlagsHelp,
  opsSettings,
} from "../../apps/ops/ops-settings.ts";
import { runWorkerUntilStopped } from "../../apps/ops/worker-ops.ts";
import { cpFormatViolation, serializeBadRow } from "../../core/badrows/bad-row.ts";
import { fallback } from "../../core/badrows/failure-message.ts";
import { closeEnrichments } from "../../core/enrich/enrichment-config.ts";
import { IgluUnavailableError } from "../../core/enrich/iglu-validation.ts";
import { firstLine } from "../../core/ops/log.ts";
import { decodeBase64 } from "../../core/thrift/base64.ts";
import { furrowTopology, stageProblem } from "../../core/topology.ts";
import type { InitialPosition } from "../../ports/shard-reader.ts";
import {
  type Command,
  type CommandIO,
  endpointFlag,
  numberedLines,
  openInput,
  parseFlags,
  UsageError,
  usageProblemCollector,
} from "../command.ts";

export const ENRICH_FLAGS = {
  from: { type: "string" },
  "input-stream": { type: "string" },
  "iglu-config": { type: "string" },
  enrichments: { type: "string" },
  bad: { type: "string" },
  failed: { type: "string" },
  "accept-invalid": { type: "boolean" },
  "good-stream": { type: "string" },
  "bad-stream": { type: "string" },
  "failed-stream": { type: "string" },
  "app-name": { type: "string" },
  "initial-position": { type: "string" },
  "max-records": { type: "string" },
  "lease-duration": { type: "string" },
  "idle-time-between-reads": { type: "string" },
  "debounce-checkpoints": { type: "string" },
  stage: { type: "string" },
  region: { type: "string" },
  "kinesis-endpoint": { type: "string" },
  "dynamodb-endpoint": { type: "string" },
  "s3-endpoint": { type: "string" },
  ...OPS_FLAGS,
} as const;

/** Lines enriched per batch in file mode. */
const FILE_BATCH = 500;

/** `--flag D`: a duration such as "10 seconds" or milliseconds; zero only where `zero` allows it. */
function duration(flag: string, value: string | undefined, zero: boolean): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseDuration(value);
  if (ms === undefined || !Number.isFinite(ms) || ms < 0 || (ms === 0 && !zero)) {
    throw new UsageError(
      `--${flag} must be a ${zero ? "" : "positive "}duration like "10 seconds" or milliseconds, got '${value}'`,
    );
  }
  return ms;
}

type ConsumerSettings = Omit<StreamConsumerConfig, "streamName" | "appName" | "initialPosition">;

/**
 * The KCL settings Snowplow's `input` section names (`retrievalMode.maxRecords`,
 * `retrievalMode.idleTimeBetweenReads`, `leaseDuration`, `debounceCheckpoints`); only those given.
 */
function consumerSettings(values: {
  "max-records"?: string;
  "lease-duration"?: string;
  "idle-time-between-reads"?: string;
  "debounce-checkpoints"?: string;
}): ConsumerSettings {
  const settings: { -readonly [K in keyof ConsumerSettings]: ConsumerSettings[K] } = {};
  const maxRecords = values["max-records"];
  if (maxRecords !== undefined) {
    // Kinesis: GetRecords Limit is 1–10000.
    const n = Number(maxRecords);
    if (!/^\d+$/.test(maxRecords) || n < 1 || n > 10_000) {
      throw new UsageError(`--max-records must be an integer from 1 to 10000, got '${maxRecords}'`);
    }
    settings.maxRecords = n;
  }
  const lease = duration("lease-duration", values["lease-duration"], false);
  if (lease !== undefined) settings.leaseDurationMs = lease;
  const idle = duration("idle-time-between-reads", values["idle-time-between-reads"], true);
  if (idle !== undefined) settings.idleTimeBetweenReadsMs = idle;
  const debounce = duration("debounce-checkpoints", values["debounce-checkpoints"], true);
  if (debounce !== undefined) settings.checkpointDebounceMs = debounce;
  return settings;
}

/** A file to append lines to, flushed and closed by `end()`. */
function fileWriter(path: string): { write: (text: string) => void; end: () => Promise<void> } {
  const writer = Bun.file(path).writer();
  return {
    write: (text) => {
      writer.write(text);
    },
    end: async () => {
      await writer.end();
    },
  };
}

/** Enriches base64 records from a file or standard input. */
async function runFile(
  built: BuiltPipeline,
  input: ReadableStream<Uint8Array>,
  values: { bad?: string; failed?: string },
  io: CommandIO,
): Promise<number> {
  const bad = values.bad === undefined ? null : fileWriter(values.bad);
  const failed = values.failed === undefined ? null : fileWriter(values.failed);
  const badSink = new LineSink(bad?.write ?? io.stderr);
  const app = new EnrichApp({
    pipeline: built.pipeline,
    sinks: {
      good: new LineSink(io.stdout),
      bad: badSink,
      ...(failed === null ? {} : { failed: new LineSink(failed.write) }),
    },
    concurrency: 1,
  });
  const totals = { records: 0, good: 0, bad: 0, failed: 0 };
  let batch: Uint8Array[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const summary = await app.processBatch(batch);
    totals.records += summary.records;
    totals.good += summary.good;
    totals.bad += summary.bad;
    totals.failed += summary.failed;
    batch = [];
  };
  let code = 0;
  try {
    for await (const [n, line] of numberedLines(input, io)) {
      const text = line.trim();
      if (text === "") continue;
      const bytes = decodeBase64(text);
      if (!bytes.ok) {
        // Not a record at all: kept as a format violation with the line itself as payload.
        const row = cpFormatViolation(
          ENRICH_PROCESSOR,
          {
            timestamp: new Date(),
            loader: "thrift",
            message: fallback(`line ${n} is not base64: ${bytes.error.message}`),
          },
          text,
        );
        await badSink.write([{ data: new TextEncoder().encode(serializeBadRow(row)), partitionKey: "-" }]);
        totals.records++;
        totals.bad++;
        continue;
      }
      batch.push(bytes.value);
      if (batch.length >= FILE_BATCH) await flush();
    }
    await flush();
  } catch (e) {
    if (!(e instanceof IgluUnavailableError)) throw e;
    io.stderr(`furrow enrich: ${firstLine(e)}\n`);
    code = 1;
  } finally {
    await bad?.end();
    await failed?.end();
    await closeEnrichments(built.enrichments);
  }
  if (bad !== null) {
    io.stderr(
      `furrow enrich: ${totals.records} records: ${totals.good} good, ${totals.bad} bad, ${totals.failed} failed\n`,
    );
  }
  return code;
}

/**
 * The stream mode until `io.stopped`: logs start and stop, serves `/health` and `/metrics` when
 * asked, and on SIGTERM stops gracefully (batch in flight, sinks, checkpoints, leases), exit 0.
 */
async function runStream(
  built: BuiltPipeline,
  options: {
    readonly ops: OpsSettings;
    readonly io: CommandIO;
    readonly inputStream: string;
    readonly leaseDurationMs: number | undefined;
    readonly start: (
      logger: ReturnType<typeof appLogger>,
      telemetry: ReturnType<typeof enrichTelemetry>,
    ) => ReturnType<typeof startEnrichStream>;
  },
): Promise<number> {
  const { io, ops } = options;
  const logger = appLogger("enrich", ops, io.stderr);
  const telemetry = enrichTelemetry(options.leaseDurationMs);
  let running: Awaited<ReturnType<typeof startEnrichStream>>;
  try {
    running = await options.start(logger, telemetry);
  } catch (e) {
    logger.error(`cannot start: ${firstLine(e)}`, { event: "start-failed" });
    await closeEnrichments(built.enrichments);
    return 1;
  }
  return runWorkerUntilStopped({
    telemetry,
    ops,
    logger,
    stop: () => running.stop(),
    stopped: io.stopped,
    logStarted: () =>
      logger.info(`consuming ${options.inputStream} as ${running.consumer.workerId}`, {
        event: "started",
        stream: options.inputStream,
        workerId: running.consumer.workerId,
      }),
    stopping: "stopping (finishing the batch in flight, flushing sinks and checkpoints)",
    logStopped: () => {
      const t = running.totals;
      logger.info(
        `stopped after ${t.batches} batches, ${t.records} records: ${t.good} good, ${t.bad} bad, ${t.failed} failed`,
        { event: "stopped", ...t },
      );
    },
  });
}

export const enrichCommand: Command = {
  path: ["enrich"],
  summary: "enrich raw records (a file, or the raw stream) into enriched TSV and bad rows",
  help: `Usage: furrow enrich --iglu-config FILE [--enrichments DIR] --from FILE [--bad FILE] [--failed FILE]
       furrow enrich --iglu-config FILE [--enrichments DIR] --input-stream NAME [stream flags]

Runs Snowplow Enrich's pipeline: each raw record (a Thrift CollectorPayload, as the collector
writes it) becomes enriched events (131-column TSV) or bad rows (self-describing JSON, Snowplow's
bad-row schemas). Adapters: tracker protocol tp1, tp2, r/tp2 redirects, the Iglu webhook, and the
Mailchimp, Mailgun, PagerDuty, Pingdom, SendGrid and StatusGator webhooks.

Settings (Snowplow's own files):
  --iglu-config FILE     Iglu resolver config (resolver-config 1-0-*); embedded paths are relative
                         to the file
  --enrichments DIR      directory of enrichment configs (*.json); 'enabled: false' skips one
  --accept-invalid       do not fail events whose atomic fields are too long (acceptInvalid)

File mode (no stream needed):
  --from FILE            base64 raw records, one per line ('-' for standard input); blank lines
                         are skipped, a line that is not base64 becomes a bad row
  --bad FILE             write bad rows here (default: standard error) and print a summary
  --failed FILE          also emit failed events (cleaned TSV with failure entities) here
Enriched TSV goes to standard output, one event per line.

Stream mode (until SIGINT/SIGTERM; at-least-once, checkpoints only written batches):
  --input-stream NAME    the raw stream to consume (KCL leases in DynamoDB)
  --good-stream NAME     enriched stream (default furrow-<stage>-enriched-stream)
  --bad-stream NAME      bad stream (default furrow-<stage>-bad-1-stream)
  --failed-stream NAME   failed-events stream (default: none, failed events not emitted)
  --app-name NAME        KCL application and lease table name (default furrow-<stage>-enrich)
  --initial-position P   TRIM_HORIZON (default) or LATEST, for shards without a checkpoint
  --max-records N        records per GetRecords, 1–10000 (default 10000)
  --lease-duration D     KCL lease duration, e.g. "10 seconds" or milliseconds (default 10 s); a
                         lease of a worker that died is taken over after about twice this
  --idle-time-between-reads D
                         least time between two reads of a shard (default 1500 ms)
  --debounce-checkpoints D
                         least time between two checkpoints of a shard (default 10 s); what was
                         handled since the last one is handled again after a crash
  --stage NAME           stage whose names are the defaults (default local)
  --region REGION        AWS region (default $AWS_REGION, else us-east-1)
  --kinesis-endpoint URL, --dynamodb-endpoint URL, --s3-endpoint URL
                         local or self-hosted endpoints, e.g. the ones \`furrow up\` prints
${opsFlagsHelp(25)}
On SIGTERM (or SIGINT) the worker finishes the batch in flight, flushes its sinks, writes its last
checkpoints, releases its leases and exits 0. If that takes longer than --shutdown-timeout, it
gives up what it could not write without checkpointing it (the next owner reads it again) and
exits 1.

Exit status: 0 when every record was handled (bad rows included), 1 when Iglu could not be reached
or the stream app failed, 2 on a usage or configuration error.
`,
  async run(argv, io) {
    const { values } = parseFlags(argv, ENRICH_FLAGS);
    // Every flag problem is collected, so one run lists them all; the first becomes the usage error.
    const problems: string[] = [];
    const check = usageProblemCollector(problems);
    const igluConfig = values["iglu-config"];
    if (igluConfig === undefined) problems.push("--iglu-config is required");
    const fromFile = values.from;
    const inputStream = values["input-stream"];
    if ((fromFile === undefined) === (inputStream === undefined)) {
      problems.push("give exactly one of --from FILE and --input-stream NAME");
    }
    const streamOnly = [
      "good-stream",
      "bad-stream",
      "failed-stream",
      "app-name",
      "initial-position",
      "max-records",
      "lease-duration",
      "idle-time-between-reads",
      "debounce-checkpoints",
      "ops-port",
      "ops-host",
      "shutdown-timeout",
    ] as const;
    if (fromFile !== undefined) {
      for (const flag of streamOnly)
        if (values[flag] !== undefined) problems.push(`--${flag} needs --input-stream`);
    } else {
      for (const flag of ["bad", "failed"] as const) {
        if (values[flag] !== undefined) problems.push(`--${flag} is for --from; use --${flag}-stream`);
      }
    }
    const stage = values.stage ?? "local";
    const problem = stageProblem(stage);
    if (problem) problems.push(`--stage: ${problem}`);
    const region = values.region ?? process.env["AWS_REGION"] ?? "us-east-1";
    const s3Endpoint = check(() => endpointFlag("s3-endpoint", values["s3-endpoint"]));
    const kinesisEndpoint = check(() => endpointFlag("kinesis-endpoint", values["kinesis-endpoint"]));
    const dynamodbEndpoint = check(() => endpointFlag("dynamodb-endpoint", values["dynamodb-endpoint"]));
    let initialPosition: InitialPosition = { type: "TRIM_HORIZON" };
    const position = values["initial-position"];
    if (position !== undefined) {
      if (position !== "TRIM_HORIZON" && position !== "LATEST") {
        problems.push(`--initial-position must be TRIM_HORIZON or LATEST, got '${position}'`);
      } else initialPosition = { type: position };
    }
    const ops = opsSettings(values);
    if (!ops.ok) problems.push(...ops.error);
    const consumer = check(() => consumerSettings(values));
    if (problems.length > 0 || igluConfig === undefined || consumer === undefined || !ops.ok) {
      const [first, ...rest] = problems;
      for (const line of rest) io.stderr(`furrow enrich: ${line}\n`);
      throw new UsageError(first ?? "invalid settings");
    }
    const input = fromFile === undefined ? undefined : await openInput(fromFile, io);

    const built = await buildPipeline({
      igluConfig,
      enrichmentsDir: values.enrichments,
      emitFailed:
        fromFile !== undefined ? values.failed !== undefined : values["failed-stream"] !== undefined,
      acceptInvalid: values["accept-invalid"] ?? false,
      s3: { endpoint: s3Endpoint, region },
    });
    if (!built.ok) {
      // In the stream mode these are log records (JSON with --log-format json); in file mode, lines.
      if (input === undefined) {
        const logger = appLogger("enrich", ops.value, io.stderr);
        for (const line of built.error) logger.error(line, { event: "config-problem" });
      } else for (const line of built.error) io.stderr(`furrow enrich: ${line}\n`);
      return 2;
    }
    if (input !== undefined) return runFile(built.value, input, values, io);

    return runStream(built.value, {
      ops: ops.value,
      io,
      start: (logger, telemetry) => {
        const topology = furrowTopology({ stage });
        const enrichApp = topology.apps.enrich;
        const leaseTable =
          enrichApp.input.kind === "stream" ? enrichApp.input.leaseTable : `furrow-${stage}-enrich`;
        return startEnrichStream(built.value, {
          input: { streamName: inputStream!, appName: values["app-name"] ?? leaseTable, initialPosition },
          output: {
            good: values["good-stream"] ?? topology.streams.enriched.name,
            bad: values["bad-stream"] ?? topology.streams["bad-1"].name,
            ...(values["failed-stream"] === undefined ? {} : { failed: values["failed-stream"] }),
          },
          kinesis: { endpoint: kinesisEndpoint, region },
          dynamodb: { endpoint: dynamodbEndpoint, region },
          consumer,
          logger,
          telemetry,
        });
      },
      inputStream: inputStream!,
      leaseDurationMs: consumer.leaseDurationMs,
    });
  },
};
