/**
 * @module
 * `furrow up`: runs the pipeline's infrastructure on this machine. It starts the embedded engines
 * (or uses the endpoints it is given), provisions the stage's topology on them, starts the parts
 * in `UP_PARTS`, prints one line per service and resource, and on SIGINT/SIGTERM stops everything
 * in reverse order. The apps (collector, enrich, loaders) join later as entries of `UP_PARTS`.
 */
import { dynamodbClient } from "../../adapters/dynamodb/client.ts";
import { type Endpoints, type Engines, startEngines } from "../../adapters/engines/launcher.ts";
import { kinesisClient } from "../../adapters/kinesis/client.ts";
import { connectPostgres, redactedUrl } from "../../adapters/postgres/connect.ts";
import { type ProvisionReport, provisionTopology } from "../../adapters/provision-topology.ts";
import { s3Client } from "../../adapters/s3/client.ts";
import { furrowTopology, STREAM_ROLES, type Topology } from "../../core/topology.ts";
import type { Command, CommandIO } from "../command.ts";
import { engineSettings, loadUpConfig, UP_DEFAULTS, type UpConfig } from "../config.ts";

/** What every part gets once the infrastructure is up and provisioned. */
export interface Pipeline {
  readonly topology: Topology;
  readonly endpoints: Endpoints;
  readonly region: string;
}

/** One long-running piece of `furrow up`, started in list order and stopped in reverse. */
export interface UpPart {
  readonly name: string;
  start(pipeline: Pipeline): Promise<StartedPart>;
}

export interface StartedPart {
  /** Where it answers (e.g. the collector's URL), printed next to its name. */
  readonly url: string;
  stop(): Promise<void>;
}

/** The parts `furrow up` starts after provisioning. Later issues append the apps here. */
export const UP_PARTS: readonly UpPart[] = [];

const LABEL_WIDTH = 9;
const line = (label: string, value: string, detail = ""): string =>
  `${label.padEnd(LABEL_WIDTH)} ${value}${detail ? `  ${detail}` : ""}\n`;

/** An error as one line of text. */
const firstLine = (e: unknown): string => String(e instanceof Error ? e.message : e).split("\n")[0] ?? "";

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

/**
 * Runs `furrow up` with a validated config until `io.stopped` resolves. Returns 0 after a clean
 * stop, 1 if the infrastructure could not be started or provisioned (after stopping what started).
 */
export async function runUp(
  config: UpConfig,
  io: CommandIO,
  parts: readonly UpPart[] = UP_PARTS,
): Promise<number> {
  const topology = furrowTopology({ stage: config.stage });
  const started: StartedPart[] = [];
  let engines: Engines | undefined;
  /** Stops the parts in reverse order, then the engines; one failure does not keep the rest running. */
  const stopAll = async () => {
    const failures: unknown[] = [];
    for (const part of started.reverse()) await part.stop().catch((e) => failures.push(e));
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
    const pipeline: Pipeline = { topology, endpoints: engines.endpoints, region: config.region };
    for (const part of parts) {
      const running = await part.start(pipeline);
      started.push(running);
      io.stdout(line(part.name, running.url));
    }
  } catch (e) {
    io.stderr(`furrow up: ${firstLine(e)}\n`);
    await stopAll().catch((stopError) => io.stderr(`furrow up: while stopping: ${firstLine(stopError)}\n`));
    return 1;
  }
  io.stdout(`furrow up: ready (stage ${config.stage}); press Ctrl-C to stop\n`);
  await io.stopped;
  try {
    await stopAll();
  } catch (e) {
    io.stderr(`furrow up: while stopping: ${firstLine(e)}\n`);
    return 1;
  }
  io.stdout("furrow up: stopped\n");
  return 0;
}

export const upCommand: Command = {
  path: ["up"],
  summary: "run the local engines and provision streams, lease tables and bucket",
  help: `Usage: furrow up [flags]

Starts Kinesis (kinesalite), DynamoDB (dynalite), S3 (s3rver) and PostgreSQL (PGlite) in this
process on free 127.0.0.1 ports, or uses the endpoints given, then creates the stage's streams,
KCL lease tables and bucket if they do not exist. Prints one line per service and resource, then
runs until Ctrl-C (SIGINT) or SIGTERM.

Flags:
  --stage NAME               stage whose resources to use (default ${UP_DEFAULTS.stage})
  --data-dir DIR             where embedded engines keep their state (default ${UP_DEFAULTS.dataDir})
  --region REGION            AWS region for clients and buckets (default ${UP_DEFAULTS.region})
  --kinesis-endpoint URL     use this Kinesis instead of starting kinesalite
  --dynamodb-endpoint URL    use this DynamoDB instead of starting dynalite
  --s3-endpoint URL          use this S3 instead of starting s3rver
  --database-url URL         use this PostgreSQL instead of PGlite (default: $DATABASE_URL)
  --config FILE              JSON file with the same settings in camelCase
                             ({"stage", "region", "dataDir", "kinesisEndpoint", "dynamodbEndpoint",
                             "s3Endpoint", "databaseUrl"}); flags override it, and it overrides
                             $DATABASE_URL. A relative dataDir in it is relative to the file.

An empty endpoint or database URL means "embedded", also over $DATABASE_URL.
`,
  async run(argv, io) {
    // src/cli is the config entry point: the only place allowed to read the environment.
    const config = await loadUpConfig(argv, { DATABASE_URL: process.env.DATABASE_URL }, process.cwd());
    return runUp(config, io);
  },
};
