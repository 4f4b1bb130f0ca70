/**
 * @module
 * `furrow replay --from s3://bucket/prefix|DIR --to STREAM`: pushes the S3 loader's raw or enriched
 * files back into a stream, for reprocessing after a fix (see `apps/s3-loader/replay.ts`). Records
 * are written through the Kinesis producer and the command ends once every one is acknowledged.
 */
import { kinesisClient } from "../../adapters/kinesis/client.ts";
import { KinesisProducer } from "../../adapters/kinesis/producer.ts";
import { s3Client } from "../../adapters/s3/client.ts";
import { S3ObjectStore } from "../../adapters/s3/object-store.ts";
import {
  directorySource,
  objectStoreSource,
  REPLAY_PURPOSES,
  type ReplayPurpose,
  type ReplaySource,
  type ReplaySummary,
  replay,
} from "../../apps/s3-loader/replay.ts";
import { parseOutputPath } from "../../core/loading/object-key.ts";
import { STREAM_ROLES, type StreamRole } from "../../core/topology.ts";
import type { RecordSink } from "../../ports/record-sink.ts";
import {
  type Command,
  type CommandIO,
  endpointFlag,
  parseFlags,
  stageTopology,
  UsageError,
} from "../command.ts";

export const REPLAY_FLAGS = {
  from: { type: "string" },
  to: { type: "string" },
  purpose: { type: "string" },
  stage: { type: "string" },
  region: { type: "string" },
  "kinesis-endpoint": { type: "string" },
  "s3-endpoint": { type: "string" },
} as const;

/** What `furrow replay` was asked to do, validated. */
export interface ReplaySettings {
  readonly from:
    | { readonly kind: "s3"; readonly bucket: string; readonly prefix: string }
    | { readonly kind: "directory"; readonly path: string };
  readonly streamName: string;
  readonly purpose?: ReplayPurpose;
  readonly region: string;
  readonly kinesisEndpoint?: string;
  readonly s3Endpoint?: string;
}

/** Validates the flags. `--to` takes a stream name or a role of the stage (raw, enriched, …). */
export function resolveReplaySettings(
  argv: readonly string[],
  envRegion: string | undefined,
): ReplaySettings {
  const { values } = parseFlags(argv, REPLAY_FLAGS);
  if (values.from === undefined) throw new UsageError("--from s3://bucket/prefix or --from DIR is required");
  if (values.to === undefined) throw new UsageError("--to STREAM is required");
  const topology = stageTopology(values.stage);
  const streamName = (STREAM_ROLES as readonly string[]).includes(values.to)
    ? topology.streams[values.to as StreamRole].name
    : values.to;
  if (!/^[a-zA-Z0-9_.-]{1,128}$/.test(streamName))
    throw new UsageError(`--to: '${values.to}' is not a stream name`);
  let purpose: ReplayPurpose | undefined;
  if (values.purpose !== undefined) {
    purpose = REPLAY_PURPOSES.find((p) => p === values.purpose);
    if (purpose === undefined)
      throw new UsageError(`--purpose must be raw or enriched, got '${values.purpose}'`);
  }
  let from: ReplaySettings["from"];
  if (values.from.startsWith("s3://")) {
    const parsed = parseOutputPath(values.from);
    if (!parsed.ok) throw new UsageError(`--from: ${parsed.error}`);
    // A prefix, not a folder: keep a trailing slash when one was given.
    const prefix =
      parsed.value.directory + (parsed.value.directory !== "" && values.from.endsWith("/") ? "/" : "");
    from = { kind: "s3", bucket: parsed.value.bucket, prefix };
  } else {
    from = { kind: "directory", path: values.from };
  }
  return {
    from,
    streamName,
    purpose,
    region: values.region ?? envRegion ?? "us-east-1",
    kinesisEndpoint: endpointFlag("kinesis-endpoint", values["kinesis-endpoint"]),
    s3Endpoint: endpointFlag("s3-endpoint", values["s3-endpoint"]),
  };
}

/** One line per problem, then the totals. */
export function describeReplay(summary: ReplaySummary, source: string, stream: string): string {
  const lines: string[] = [];
  for (const s of summary.skippedFiles) lines.push(`skipped ${s.name}: ${s.reason}`);
  for (const l of summary.invalidSamples) lines.push(`${l.file}:${l.line}: ${l.error}`);
  if (summary.invalidLines > summary.invalidSamples.length) {
    lines.push(`… and ${summary.invalidLines - summary.invalidSamples.length} more invalid lines`);
  }
  lines.push(
    `replayed ${summary.records} ${summary.purpose ? `${summary.purpose} ` : ""}records from ${summary.files} files of ${source} into ${stream}` +
      (summary.invalidLines > 0 ? `; ${summary.invalidLines} invalid lines not replayed` : "") +
      (summary.interrupted ? " (interrupted)" : ""),
  );
  return lines.map((l) => `furrow replay: ${l}\n`).join("");
}

/** Runs a replay with a given source and sink (tests pass their own). */
export async function runReplay(
  settings: ReplaySettings,
  io: CommandIO,
  deps: { readonly source: ReplaySource; readonly sink: RecordSink },
): Promise<number> {
  const stop = new AbortController();
  void io.stopped.then(() => stop.abort());
  const summary = await replay({
    source: deps.source,
    sink: deps.sink,
    purpose: settings.purpose,
    signal: stop.signal,
    onFile: (name, records) => io.stderr(`furrow replay: ${name}: ${records} records\n`),
  });
  io.stderr(describeReplay(summary, deps.source.description, settings.streamName));
  return summary.invalidLines > 0 || summary.interrupted ? 1 : 0;
}

export const replayCommand: Command = {
  path: ["replay"],
  summary: "push raw or enriched files from S3 (or a folder) back into a stream",
  help: `Usage: furrow replay --from s3://BUCKET/PREFIX|DIR --to STREAM [--purpose raw|enriched] [flags]

Reads the S3 loader's files and writes their records into a stream, to process them again after a
fix: raw files into the raw stream (enrich runs on them again), enriched files into the enriched
stream (the loaders load them again). This is how failed events are recovered: the raw archive
holds every payload the collector accepted.

Every .gz file under the prefix (or folder, recursively) is read in key order, gunzipped and split
into lines. A raw line must be base64 of a Thrift CollectorPayload, an enriched line must have
Enrich's 131 columns; a line that is not is reported and not written. Parquet and other files are
skipped. Replay is at least once: replaying a file twice writes its records twice.

Flags:
  --from SOURCE            s3://bucket/prefix, or a local folder of downloaded files
  --to STREAM              stream name, or a role of the stage: raw, enriched, bad-1, bad-2
  --purpose P              raw or enriched (default: from the first line: tabs mean enriched)
  --stage NAME             stage whose stream names the roles mean (default local)
  --region REGION          AWS region (default $AWS_REGION, else us-east-1)
  --kinesis-endpoint URL, --s3-endpoint URL
                           local or self-hosted endpoints, e.g. the ones \`furrow up\` prints

Exit status: 0 when every line was replayed, 1 when some were invalid or the replay was
interrupted, 2 on a usage error.
`,
  async run(argv, io) {
    const settings = resolveReplaySettings(argv, process.env["AWS_REGION"]);
    const kinesis = kinesisClient(
      { endpoint: settings.kinesisEndpoint, region: settings.region },
      { maxAttempts: 1 },
    );
    const s3 = s3Client({ endpoint: settings.s3Endpoint, region: settings.region });
    const sink = new KinesisProducer({ client: kinesis, streamName: settings.streamName });
    const source =
      settings.from.kind === "s3"
        ? objectStoreSource(new S3ObjectStore(s3, settings.from.bucket), settings.from.prefix)
        : directorySource(settings.from.path);
    try {
      return await runReplay(settings, io, { source, sink });
    } finally {
      await sink.close();
      kinesis.destroy();
      s3.destroy();
    }
  },
};
