/**
 * @module
 * `furrow up`: runs the whole pipeline on this machine. It starts the embedded engines (or uses
 * the endpoints it is given), provisions the stage's topology on them, starts the apps (see
 * `../up/parts.ts` for which, and in which order), prints one line per service, resource and app,
 * then a progress line every few seconds; on SIGINT/SIGTERM it stops everything in reverse order,
 * each app flushing its checkpoints, so a later run on the same data directory carries on.
 */
import { dynamodbClient } from "../../adapters/dynamodb/client.ts";
import { type Endpoints, type Engines, startEngines } from "../../adapters/engines/launcher.ts";
import { kinesisClient } from "../../adapters/kinesis/client.ts";
import { connectPostgres, redactedUrl } from "../../adapters/postgres/connect.ts";
import { type ProvisionReport, provisionTopology } from "../../adapters/provision-topology.ts";
import { s3Client } from "../../adapters/s3/client.ts";
import { firstLine } from "../../core/ops/log.ts";
import { furrowTopology, STREAM_ROLES, type Topology } from "../../core/topology.ts";
import type { Command, CommandIO } from "../command.ts";
import { engineSettings, loadUpConfig, UP_DEFAULTS, type UpConfig } from "../config.ts";
import type { Pipeline, StartedPart, UpPart } from "../up/part.ts";
import { furrowParts } from "../up/parts.ts";
import { moved, type ProgressTotals, progressLine, sumCounts } from "../up/progress.ts";

export type { PartCounts, Pipeline, StartedPart, UpPart } from "../up/part.ts";

/** What `furrow up` runs, for other code and tests. */
export interface RunningUp {
  readonly topology: Topology;
  readonly endpoints: Endpoints;
  /** Every engine's and part's URL (or, for stream workers, what they read and write), by name. */
  readonly urls: Readonly<Record<string, string>>;
  /** The started parts, by name, in start order. */
  readonly parts: ReadonlyMap<string, StartedPart>;
  /** The parts' counters now, summed. */
  progress(): ProgressTotals;
  /** Stops the parts in reverse order (each flushes its checkpoints), then the engines. Idempotent. */
  stop(): Promise<void>;
}

const LABEL_WIDTH = 9;
const line = (label: string, value: string, detail = ""): string =>
  `${label.padEnd(LABEL_WIDTH)} ${value}${detail ? `  ${detail}` : ""}\n`;

/** An error as one line of text. */
/** Asks the database for its version: proves the URL answers before anything depends on it. */
async function postgresVersion(endpoints: Endpoints): Promise<string> {
  const sql = connectPostgres(
    { url: endpoints.postgresUrl, embedded: endpoints.embedded.postgres },
    { max: 1, connect_timeout: 10, onnotice: () => {} },
  );
  try {
    const [row] = await sql`select version() as version`;
    // "PostgreSQL 15.6 (Debian …) on x86_64-pc-linux-gnu, …": keep product and version.
    return String(row?.version ?? "")
      .split(" ")
      .slice(0, 2)
      .join(" ");
  } finally {
    await sql.end({ timeout: 5 });
  }
}

async function provision(topology: Topology, endpoints: Endpoints, region: string): Promise<ProvisionReport> {
  const kinesis = kinesisClient({ endpoint: endpoints.kinesis, region });
  const dynamodb = dynamodbClient({ endpoint: endpoints.dynamodb, region });
  const s3 = s3Client({ endpoint: endpoints.s3, region });
  try {
    return await provisionTopology(topology, { kinesis, dynamodb, s3, region });
  } finally {
    kinesis.destroy();
    dynamodb.destroy();
    s3.destroy();
  }
}

function describeEngines(engines: Engines, config: UpConfig, postgres: string): string {
  return engines.running
    .map((e) => {
      const origin = e.embedded ? `embedded, state in ${config.dataDir}/${e.name}` : "given";
      return e.name === "postgres"
        ? line(e.name, redactedUrl(e.url), `${postgres}, ${origin}`)
        : line(e.name, e.url, origin);
    })
    .join("");
}

function describeTopology(topology: Topology, report: ProvisionReport): string {
  const state = (created: boolean) => (created ? "created" : "existed");
  const streams = STREAM_ROLES.map((role, i) => {
    const s = topology.streams[role];
    const ensured = report.streams[i];
    const shards = ensured?.openShards ?? s.shards;
    return line(
      "stream",
      s.name,
      `${shards} shard${shards === 1 ? "" : "s"}, ${state(ensured?.created ?? false)}`,
    );
  });
  const tables = topology.leaseTables.map((t, i) =>
    line(
      "table",
      t.name,
      `leases of ${t.app} on ${t.stream}, ${state(report.leaseTables[i]?.created ?? false)}`,
    ),
  );
  const prefixes = Object.values(topology.apps).flatMap((a) =>
    a.output.kind === "s3" ? [a.output.prefix] : [],
  );
  const bucket = line(
    "bucket",
    topology.bucket.name,
    `${prefixes.join(" ")}, ${state(report.bucket.created)}`,
  );
  return [...streams, ...tables, bucket].join("");
}

/** Prints a progress line every `seconds` while a counter moves; returns the function that stops it. */
function startProgress(seconds: number, io: CommandIO, totals: () => ProgressTotals): () => void {
  let before = totals();
  let at = performance.now();
  const timer = setInterval(() => {
    const now = totals();
    const t = performance.now();
    if (moved(before, now)) io.stdout(line("progress", progressLine(before, now, (t - at) / 1000)));
    before = now;
    at = t;
  }, seconds * 1000);
  return () => clearInterval(timer);
}

/**
 * Starts the engines, provisions the topology and starts `parts` in order, printing one line per
 * engine, resource and part. If anything fails, what started is stopped and the error rethrown.
 */
export async function startUp(config: UpConfig, io: CommandIO, parts: readonly UpPart[]): Promise<RunningUp> {
  const topology = furrowTopology({ stage: config.stage });
  const started: [string, StartedPart][] = [];
  let engines: Engines | undefined;
  let stopProgress = () => {};
  /** Stops the parts in reverse order, then the engines; one failure does not keep the rest running. */
  const stopAll = async () => {
    stopProgress();
    const failures: unknown[] = [];
    for (const [, part] of [...started].reverse()) await part.stop().catch((e) => failures.push(e));
    await engines?.stop().catch((e) => failures.push(e));
    if (failures.length > 0) {
      throw new AggregateError(failures, failures.map((f) => (f as Error).message).join("; "));
    }
  };
  try {
    engines = await startEngines(engineSettings(config));
    const postgres = await postgresVersion(engines.endpoints);
    const report = await provision(topology, engines.endpoints, config.region);
    io.stdout(describeEngines(engines, config, postgres));
    io.stdout(describeTopology(topology, report));
    const pipeline: Pipeline = {
      topology,
      endpoints: engines.endpoints,
      region: config.region,
      config,
      log: (text) => io.stderr(`${text}\n`),
    };
    for (const part of parts) {
      const running = await part.start(pipeline);
      started.push([part.name, running]);
      io.stdout(line(part.name, running.url, running.detail));
    }
  } catch (e) {
    await stopAll().catch((stopError) => io.stderr(`furrow up: while stopping: ${firstLine(stopError)}\n`));
    throw e;
  }
  const endpoints = engines.endpoints;
  const totals = () => sumCounts(started.map(([, p]) => p.progress?.() ?? {}));
  if (config.progressSeconds > 0) stopProgress = startProgress(config.progressSeconds, io, totals);
  let stopping: Promise<void> | undefined;
  return {
    topology,
    endpoints,
    urls: {
      kinesis: endpoints.kinesis,
      dynamodb: endpoints.dynamodb,
      s3: endpoints.s3,
      postgres: endpoints.postgresUrl,
      ...Object.fromEntries(started.map(([name, p]) => [name, p.url])),
    },
    parts: new Map(started),
    progress: totals,
    stop: () => {
      stopping ??= stopAll();
      return stopping;
    },
  };
}

/**
 * Runs `furrow up` with a validated config until `io.stopped` resolves. Returns 0 after a clean
 * stop, 1 if the infrastructure or a part could not be started (after stopping what started).
 */
export async function runUp(
  config: UpConfig,
  io: CommandIO,
  parts: readonly UpPart[] = furrowParts().parts,
): Promise<number> {
  let running: RunningUp;
  try {
    running = await startUp(config, io, parts);
  } catch (e) {
    io.stderr(`furrow up: ${firstLine(e)}\n`);
    return 1;
  }
  io.stdout(`furrow up: ready (stage ${config.stage}); press Ctrl-C to stop\n`);
  await io.stopped;
  try {
    await running.stop();
  } catch (e) {
    io.stderr(`furrow up: while stopping: ${firstLine(e)}\n`);
    return 1;
  }
  io.stdout("furrow up: stopped\n");
  return 0;
}

export const upCommand: Command = {
  path: ["up"],
  summary: "run the whole pipeline locally: engines, Iglu Server, collector, enrich and loaders",
  help: `Usage: furrow up [flags]

Runs the whole pipeline on this machine. Starts Kinesis (kinesalite), DynamoDB (dynalite), S3
(s3rver) and PostgreSQL (PGlite) in this process on free 127.0.0.1 ports, or uses the endpoints
given; creates the stage's streams, KCL lease tables and bucket if they do not exist; then starts,
in this order: the Iglu Server, the S3 loaders (raw, enriched, bad), the Postgres loaders
(enriched events into atomic, bad rows into atomic_bad), enrich, and the collector. Prints one line
per service, resource and app, then a progress line every few seconds while events flow. Runs until
Ctrl-C (SIGINT) or SIGTERM, then stops the apps in reverse order, each writing what it holds and
its checkpoints: a later run on the same data directory carries on without loading anything twice.

Enrich and the Postgres loader resolve schemas with <data-dir>/iglu-resolver.json: the local Iglu
Server first, then Iglu Central (offline, a schema found in neither makes its events bad rows).
With embedded PostgreSQL the Iglu Server keeps its schemas in a PGlite of its own under
<data-dir>/iglu-server (PGlite serves one connection, which the loaders hold).

Flags:
  --stage NAME               stage whose resources to use (default ${UP_DEFAULTS.stage})
  --data-dir DIR             where embedded engines keep their state (default ${UP_DEFAULTS.dataDir})
  --region REGION            AWS region for clients and buckets (default ${UP_DEFAULTS.region})
  --kinesis-endpoint URL     use this Kinesis instead of starting kinesalite
  --dynamodb-endpoint URL    use this DynamoDB instead of starting dynalite
  --s3-endpoint URL          use this S3 instead of starting s3rver
  --database-url URL         use this PostgreSQL instead of PGlite (default: $DATABASE_URL)
  --collector-port PORT      the collector's port (default ${UP_DEFAULTS.collectorPort}; 0 picks a free one)
  --iglu-port PORT           the Iglu Server's port (default ${UP_DEFAULTS.igluPort}; 0 picks a free one)
  --iglu-api-key UUID        the Iglu Server's super API key (default: a new one each run, printed)
  --schemas DIR              publish the schemas of DIR (Iglu Central layout: schemas/vendor/name/
                             jsonschema/M-R-A) to the Iglu Server at start
  --enrichments DIR          enrichment configs (Snowplow's JSON, one *.json file each) for enrich
  --s3-max-delay SECONDS     how long the S3 loaders hold records before writing a file
                             (default ${UP_DEFAULTS.s3MaxDelaySeconds})
  --progress SECONDS         seconds between progress lines (default ${UP_DEFAULTS.progressSeconds}; 0: none)
  --no-progress              print no progress lines
  --config FILE              JSON file with the same settings in camelCase
                             ({"stage", "region", "dataDir", "kinesisEndpoint", "dynamodbEndpoint",
                             "s3Endpoint", "databaseUrl", "collectorPort", "igluPort", "igluApiKey",
                             "schemas", "enrichments", "s3MaxDelay", "progress"}); flags override it,
                             and it overrides $DATABASE_URL. Relative paths in it are relative to
                             the file.

An empty endpoint or database URL means "embedded", also over $DATABASE_URL.
`,
  async run(argv, io) {
    // src/cli is the config entry point: the only place allowed to read the environment.
    const config = await loadUpConfig(argv, { DATABASE_URL: process.env.DATABASE_URL }, process.cwd());
    return runUp(config, io);
  },
};
