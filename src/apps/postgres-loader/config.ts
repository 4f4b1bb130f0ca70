/**
 * @module
 * The Postgres loader's settings, validated once at start-up (snowplow-postgres-loader
 * `config/LoaderConfig.scala`: `purpose`, `input`, `output.good` with the database and its schema,
 * `output.bad`; plus `--resolver`). Given as flags; every default comes from the pipeline topology,
 * so `--purpose` alone names the stream, the lease table, the schema and the failures stream:
 *
 * | purpose | reads | schema | failures to |
 * |---|---|---|---|
 * | `enriched` (Snowplow ENRICHED_EVENTS) | enriched stream | `atomic` | bad-1 |
 * | `bad` (Snowplow JSON) | bad-1 stream | `atomic_bad` | bad-2 |
 *
 * Each problem is one line naming the flag; all of them are reported together.
 */
import type { AwsConnection } from "../../adapters/aws-connection.ts";
import { err, ok, type Result } from "../../core/result.ts";
import { type AppId, furrowTopology, stageProblem } from "../../core/topology.ts";
import type { InitialPosition } from "../../ports/shard-reader.ts";

export const PURPOSES = ["enriched", "bad"] as const;
export type LoaderPurpose = (typeof PURPOSES)[number];

/** Where records come from. */
export type LoaderInput =
  | {
      readonly kind: "stream";
      readonly streamName: string;
      /** KCL application name = lease table name. */
      readonly appName: string;
      readonly initialPosition: InitialPosition;
      readonly kinesis: AwsConnection;
      readonly dynamodb: AwsConnection;
    }
  /** A file of lines (TSV or JSON), `-` for standard input. */
  | { readonly kind: "file"; readonly path: string; readonly batchSize: number };

/** Where the loader's own bad rows go. */
export type FailuresOutput =
  | { readonly kind: "stream"; readonly streamName: string; readonly kinesis: AwsConnection }
  /** A file of JSON lines; absent path: standard error. */
  | { readonly kind: "lines"; readonly path: string | null };

export interface PostgresLoaderConfig {
  readonly purpose: LoaderPurpose;
  readonly database: {
    /** `postgres://user[:password]@host:port/database` */
    readonly url: string;
    /** Database schema for the tables: `atomic` or `atomic_bad` by default. */
    readonly schema: string;
    /** Pool size against PostgreSQL (PGlite always gets 1). */
    readonly maxConnections: number;
  };
  /** Iglu resolver config (Snowplow's resolver.json); required for `enriched`. */
  readonly igluConfig: string | null;
  readonly input: LoaderInput;
  readonly failures: FailuresOutput;
}

/** The flags the loader understands (strings as given, or undefined). */
export interface LoaderFlags {
  readonly purpose?: string;
  readonly databaseUrl?: string;
  readonly schema?: string;
  readonly maxConnections?: string;
  readonly igluConfig?: string;
  readonly from?: string;
  readonly batchSize?: string;
  readonly bad?: string;
  readonly stream?: string;
  readonly appName?: string;
  readonly initialPosition?: string;
  readonly failuresStream?: string;
  readonly stage?: string;
  readonly region?: string;
  readonly kinesisEndpoint?: string;
  readonly dynamodbEndpoint?: string;
}

/** Values from the environment the CLI passes in (this module reads none itself). */
export interface LoaderEnvironment {
  readonly awsRegion?: string;
  readonly databaseUrl?: string;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
const DEFAULT_FILE_BATCH = 1000;

const positiveInteger = (text: string, max: number): number | null => {
  if (!/^[0-9]+$/.test(text)) return null;
  const n = Number(text);
  return n >= 1 && n <= max ? n : null;
};

/** Validates `flags` into a config; every problem as one line. */
export function postgresLoaderConfig(
  flags: LoaderFlags,
  env: LoaderEnvironment = {},
): Result<PostgresLoaderConfig, string[]> {
  const problems: string[] = [];
  const purpose = (flags.purpose ?? "enriched") as LoaderPurpose;
  if (!PURPOSES.includes(purpose)) problems.push(`--purpose must be enriched or bad, got '${flags.purpose}'`);

  const url = flags.databaseUrl ?? env.databaseUrl;
  if (url === undefined) problems.push("--database-url is required (postgres://user@host:port/database)");
  else if (!/^postgres(ql)?:\/\/[^/]/.test(url)) problems.push(`--database-url must be a postgres:// URL`);

  const stage = flags.stage ?? "local";
  const badStage = stageProblem(stage);
  if (badStage) problems.push(`--stage: ${badStage}`);
  const topology = badStage ? null : furrowTopology({ stage });
  const appId: AppId = purpose === "bad" ? "postgres-loader-bad" : "postgres-loader-enriched";
  const app = topology?.apps[appId];
  const output = app?.output;
  const defaultSchema =
    output?.kind === "postgres" ? output.schema : purpose === "bad" ? "atomic_bad" : "atomic";

  const schema = flags.schema ?? defaultSchema;
  if (!IDENTIFIER.test(schema)) problems.push(`--schema '${schema}' must be a lowercase Postgres identifier`);

  const maxConnections = flags.maxConnections === undefined ? 4 : positiveInteger(flags.maxConnections, 100);
  if (maxConnections === null) problems.push("--max-connections must be an integer from 1 to 100");

  const igluConfig = flags.igluConfig ?? null;
  if (purpose === "enriched" && igluConfig === null) {
    problems.push("--iglu-config is required to load enriched events (tables come from their Iglu schemas)");
  }

  const region = flags.region ?? env.awsRegion ?? "us-east-1";
  const endpoint = (flag: string, value: string | undefined) => {
    if (value !== undefined && !/^https?:\/\/[^/]/.test(value)) {
      problems.push(`--${flag}: '${value}' must start with http:// or https://`);
    }
    return value;
  };
  const kinesis: AwsConnection = { region, endpoint: endpoint("kinesis-endpoint", flags.kinesisEndpoint) };
  const dynamodb: AwsConnection = { region, endpoint: endpoint("dynamodb-endpoint", flags.dynamodbEndpoint) };

  let input: LoaderInput | null = null;
  let failures: FailuresOutput | null = null;
  if (flags.from !== undefined && flags.stream !== undefined) {
    problems.push("give either --from FILE or --stream NAME, not both");
  } else if (flags.from !== undefined) {
    for (const [flag, value] of [
      ["app-name", flags.appName],
      ["initial-position", flags.initialPosition],
      ["failures-stream", flags.failuresStream],
    ] as const) {
      if (value !== undefined) problems.push(`--${flag} needs --stream`);
    }
    const batchSize =
      flags.batchSize === undefined ? DEFAULT_FILE_BATCH : positiveInteger(flags.batchSize, 100_000);
    if (batchSize === null) problems.push("--batch-size must be an integer from 1 to 100000");
    input = { kind: "file", path: flags.from, batchSize: batchSize ?? DEFAULT_FILE_BATCH };
    failures = { kind: "lines", path: flags.bad ?? null };
  } else {
    if (flags.bad !== undefined) problems.push("--bad is for --from; use --failures-stream");
    if (flags.batchSize !== undefined)
      problems.push("--batch-size is for --from (a stream batch is what GetRecords returns)");
    let initialPosition: InitialPosition = { type: "TRIM_HORIZON" };
    if (flags.initialPosition !== undefined) {
      if (flags.initialPosition === "TRIM_HORIZON" || flags.initialPosition === "LATEST") {
        initialPosition = { type: flags.initialPosition };
      } else {
        problems.push(`--initial-position must be TRIM_HORIZON or LATEST, got '${flags.initialPosition}'`);
      }
    }
    const streamRole = app?.input.kind === "stream" ? app.input.stream : null;
    const streamName = flags.stream ?? (streamRole && topology ? topology.streams[streamRole].name : "");
    const appName = flags.appName ?? app?.name ?? "";
    const failuresStream =
      flags.failuresStream ?? (app && topology ? topology.streams[app.failures].name : "");
    input = { kind: "stream", streamName, appName, initialPosition, kinesis, dynamodb };
    failures = { kind: "stream", streamName: failuresStream, kinesis };
  }

  if (
    problems.length > 0 ||
    url === undefined ||
    input === null ||
    failures === null ||
    maxConnections === null
  ) {
    return err(problems.length > 0 ? problems : ["incomplete settings"]);
  }
  return ok({
    purpose,
    database: { url, schema, maxConnections },
    igluConfig,
    input,
    failures,
  });
}
