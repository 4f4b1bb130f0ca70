/**
 * @module
 * `furrow postgres-loader --purpose enriched|bad`: Snowplow's Postgres loader on Furrow's pipeline.
 * Enriched events go to `atomic.events` and one table per context or self-describing event, made
 * and migrated from their Iglu schemas (`--iglu-config`); bad rows (`--purpose bad`) go to one table
 * per bad-row type in `atomic_bad`. Two modes:
 * - `--from FILE`: load a file of lines (TSV or JSON, `-` for standard input) without any stream;
 *   the loader's own bad rows go to `--bad` or standard error;
 * - the long-running app (the default): a KCL consumer of the enriched (or bad-1) stream, its own
 *   bad rows to bad-1 (or bad-2), until SIGINT/SIGTERM. A batch is checkpointed only after its
 *   transaction committed; a replayed batch loads nothing twice. It logs as `--log-format` says
 *   and serves `/health` and `/metrics` on `--ops-port`; SIGTERM stops it gracefully, exit 0.
 */

import { parseDuration } from "../../apps/collector/config.ts";
import { appLogger, OPS_FLAGS, opsFlagsHelp, opsSettings } from "../../apps/ops/ops-settings.ts";
import { runWorkerUntilStopped } from "../../apps/ops/worker-ops.ts";
import { postgresLoaderConfig } from "../../apps/postgres-loader/config.ts";
import { LineSink } from "../../apps/postgres-loader/line-sink.ts";
import {
  type BuiltLoader,
  buildLoader,
  LoaderSetupError,
  loadLines,
  postgresLoaderTelemetry,
  type RunningPostgresLoader,
  startPostgresLoaderStream,
} from "../../apps/postgres-loader/main.ts";
import { IgluUnavailableError } from "../../apps/postgres-loader/table-catalog.ts";
import { firstLine } from "../../core/ops/log.ts";
import { err, ok, type Result } from "../../core/result.ts";
import { type Command, numberedLines, openInput, parseFlags, UsageError } from "../command.ts";

export const POSTGRES_LOADER_FLAGS = {
  purpose: { type: "string" },
  "database-url": { type: "string" },
  schema: { type: "string" },
  "max-connections": { type: "string" },
  "iglu-config": { type: "string" },
  from: { type: "string" },
  "batch-size": { type: "string" },
  bad: { type: "string" },
  stream: { type: "string" },
  "app-name": { type: "string" },
  "initial-position": { type: "string" },
  "lease-duration": { type: "string" },
  "failures-stream": { type: "string" },
  stage: { type: "string" },
  region: { type: "string" },
  "kinesis-endpoint": { type: "string" },
  "dynamodb-endpoint": { type: "string" },
  ...OPS_FLAGS,
} as const;

/** `--lease-duration D`: a positive duration such as "10 seconds", or milliseconds; a problem otherwise. */
function leaseDuration(value: string | undefined): Result<number | undefined, string> {
  if (value === undefined) return ok(undefined);
  const ms = parseDuration(value);
  if (ms === undefined || !Number.isFinite(ms) || ms <= 0) {
    return err(
      `--lease-duration must be a positive duration like "10 seconds" or milliseconds, got '${value}'`,
    );
  }
  return ok(ms);
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

export const postgresLoaderCommand: Command = {
  path: ["postgres-loader"],
  summary: "load enriched events (or bad rows) into Postgres, from a stream or a file",
  help: `Usage: furrow postgres-loader [--purpose enriched] --database-url URL --iglu-config FILE [stream flags]
       furrow postgres-loader --purpose bad --database-url URL [stream flags]
       furrow postgres-loader [--purpose …] --database-url URL [--iglu-config FILE] --from FILE [--bad FILE]

Loads Snowplow enriched events into <schema>.events (Snowplow's columns and types) and one table per
context and self-describing event (vendor/name/model, with root_id and root_tstamp), created and
migrated (ADD COLUMN) from their Iglu schemas. With --purpose bad, loads bad rows into one table per
bad-row schema (e.g. atomic_bad.com_snowplowanalytics_snowplow_badrows_schema_violations_2) with the
failure time, the processor and the whole row as JSONB. Every batch is one transaction written with
COPY (JSON inserts on PGlite, whose socket server cannot take COPY); loading is idempotent by
(event_id, collector_tstamp), and by a hash of the row for bad rows.

Settings:
  --purpose P            enriched (default) or bad
  --database-url URL     postgres://user[:password]@host:port/database (default $DATABASE_URL);
                         an embedded PGlite served by \`furrow up\` works too
  --schema NAME          database schema (default atomic, or atomic_bad for --purpose bad)
  --max-connections N    connections to PostgreSQL (default 4; PGlite gets 1)
  --iglu-config FILE     Iglu resolver config (resolver-config 1-0-*), required for enriched events;
                         its registries must list schemas (an Iglu Server), or versions are probed

File mode (no stream needed):
  --from FILE            lines to load ('-' for standard input): enriched TSV, or bad rows as JSON
  --batch-size N         lines per transaction (default 1000)
  --bad FILE             write the loader's own bad rows here (default: standard error)

Stream mode (until SIGINT/SIGTERM; at-least-once, checkpoints only committed batches):
  --stream NAME          the stream to consume (default furrow-<stage>-enriched-stream, or -bad-1-)
  --failures-stream NAME where the loader's bad rows go (default furrow-<stage>-bad-1-stream, or -bad-2-)
  --app-name NAME        KCL application and lease table name
                         (default furrow-<stage>-postgres-loader-enriched, or -bad)
  --initial-position P   TRIM_HORIZON (default) or LATEST, for shards without a checkpoint
  --lease-duration D     KCL lease duration, e.g. "10 seconds" or milliseconds (default 10 s); a
                         lease of a worker that died is taken over after about twice this
  --stage NAME           stage whose names are the defaults (default local)
  --region REGION        AWS region (default $AWS_REGION, else us-east-1)
  --kinesis-endpoint URL, --dynamodb-endpoint URL
                         local or self-hosted endpoints, e.g. the ones \`furrow up\` prints
${opsFlagsHelp(25)}
On SIGTERM (or SIGINT) the loader finishes the batch in flight, writes its last checkpoints,
releases its leases and exits 0; past --shutdown-timeout it gives up (what was not committed is
not checkpointed, so the next loader reads it again), logs an error and exits 1. Metrics are named furrow_postgres_loader_* with a purpose label.

Exit status: 0 when every line was handled (bad rows included), 1 when the database or Iglu could not
be reached, 2 on a usage or configuration error.
`,
  async run(argv, io) {
    const { values } = parseFlags(argv, POSTGRES_LOADER_FLAGS);
    const config = postgresLoaderConfig(
      {
        purpose: values.purpose,
        databaseUrl: values["database-url"],
        schema: values.schema,
        maxConnections: values["max-connections"],
        igluConfig: values["iglu-config"],
        from: values.from,
        batchSize: values["batch-size"],
        bad: values.bad,
        stream: values.stream,
        appName: values["app-name"],
        initialPosition: values["initial-position"],
        failuresStream: values["failures-stream"],
        stage: values.stage,
        region: values.region,
        kinesisEndpoint: values["kinesis-endpoint"],
        dynamodbEndpoint: values["dynamodb-endpoint"],
      },
      { awsRegion: process.env["AWS_REGION"], databaseUrl: process.env["DATABASE_URL"] },
    );
    const ops = opsSettings(values);
    const lease = leaseDuration(values["lease-duration"]);
    const problems = [
      ...(config.ok ? [] : config.error),
      ...(ops.ok ? [] : ops.error),
      ...(lease.ok ? [] : [lease.error]),
    ];
    if (config.ok && config.value.input.kind === "file") {
      for (const flag of ["ops-port", "ops-host", "shutdown-timeout", "lease-duration"] as const)
        if (values[flag] !== undefined) problems.push(`--${flag} is for the stream mode, not --from`);
    }
    if (!config.ok || !ops.ok || problems.length > 0) {
      const [first, ...rest] = problems;
      for (const line of rest) io.stderr(`furrow postgres-loader: ${line}\n`);
      throw new UsageError(first ?? "invalid settings");
    }
    const settings = config.value;
    const logger = appLogger("postgres-loader", ops.value, io.stderr).with(
      ops.value.format === "json" ? { purpose: settings.purpose } : {},
    );
    const input = settings.input.kind === "file" ? await openInput(settings.input.path, io) : undefined;

    let built: BuiltLoader;
    try {
      built = await buildLoader(settings, { logger });
    } catch (e) {
      if (e instanceof LoaderSetupError) {
        for (const line of e.message.split("\n")) logger.error(line, { event: "config-problem" });
        return 2;
      }
      logger.error(`cannot reach the database: ${firstLine(e)}`, { event: "start-failed" });
      return 1;
    }

    if (input !== undefined && settings.input.kind === "file" && settings.failures.kind === "lines") {
      const bad = settings.failures.path === null ? null : fileWriter(settings.failures.path);
      const lines = (async function* () {
        for await (const [, line] of numberedLines(input, io)) yield line;
      })();
      try {
        const t = await loadLines(
          built,
          lines,
          new LineSink(bad?.write ?? io.stderr),
          settings.input.batchSize,
        );
        logger.info(
          `${t.records} lines into ${built.description}: ${t.loaded} loaded, ${t.duplicates} already there, ${t.bad} bad`,
          { event: "loaded", ...t },
        );
        return 0;
      } catch (e) {
        const what = e instanceof IgluUnavailableError ? "Iglu" : "the database";
        logger.error(`${what} failed: ${firstLine(e)}`, { event: "load-failed" });
        return 1;
      } finally {
        await bad?.end();
        await built.close();
      }
    }

    const leaseDurationMs = lease.ok ? lease.value : undefined;
    const telemetry = postgresLoaderTelemetry(settings.purpose, leaseDurationMs);
    let running: RunningPostgresLoader;
    try {
      running = await startPostgresLoaderStream(built, settings, {
        logger,
        telemetry,
        consumer: leaseDurationMs === undefined ? {} : { leaseDurationMs },
      });
    } catch (e) {
      logger.error(firstLine(e), { event: "start-failed" });
      await built.close();
      return 1;
    }
    const streamName = settings.input.kind === "stream" ? settings.input.streamName : "";
    return runWorkerUntilStopped({
      telemetry,
      ops: ops.value,
      logger,
      stop: () => running.stop(),
      stopped: io.stopped,
      logStarted: () =>
        logger.info(`consuming ${streamName} into ${built.description} as ${running.consumer.workerId}`, {
          event: "started",
          stream: streamName,
          workerId: running.consumer.workerId,
        }),
      stopping: "stopping (finishing the batch in flight, flushing checkpoints)",
      logStopped: () => {
        const t = running.totals;
        logger.info(
          `stopped after ${t.batches} batches, ${t.records} records: ${t.loaded} loaded, ${t.duplicates} already there, ${t.bad} bad`,
          { event: "stopped", ...t },
        );
      },
    });
  },
};
