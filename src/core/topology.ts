/**
 * @module
 * The pipeline's topology as plain data: the four Kinesis streams, the apps that read and write
 * them, the KCL lease table of every stream consumer, the one bucket and the Postgres database.
 * `furrow up` provisions it on the local engines; the SST stacks will derive the same resources and
 * their IAM from it. Everything is derived from a stage name, so two stages never share a resource.
 *
 * The shape follows Snowplow's AWS quick start (snowplow/quickstart-examples,
 * terraform/aws/pipeline/default/main.tf): streams `<prefix>-raw-stream`, `-enriched-stream`,
 * `-bad-1-stream`, `-bad-2-stream`; the collector and enrich write their bad rows to bad-1; the S3
 * loaders put raw, enriched and bad data under `raw/`, `enriched/` and `bad/` of one bucket; the
 * loaders of raw and enriched data send their own failures to bad-1, the loaders of bad rows to
 * bad-2; one Postgres loader loads enriched events into `atomic`, another loads bad rows (JSON
 * purpose) into `atomic_bad`.
 *
 * @example
 * const topology = furrowTopology({ stage: "local" });
 * topology.streams.raw.name; // "furrow-local-raw-stream"
 * topology.apps.enrich.input; // { kind: "stream", stream: "raw", leaseTable: "furrow-local-enrich", … }
 */

/** The four streams, named by their role in the pipeline. */
export const STREAM_ROLES = ["raw", "enriched", "bad-1", "bad-2"] as const;
export type StreamRole = (typeof STREAM_ROLES)[number];

/** Every app of the pipeline, collector first, in the direction the data flows. */
export const APP_IDS = [
  "collector",
  "enrich",
  "s3-loader-raw",
  "s3-loader-enriched",
  "s3-loader-bad",
  "postgres-loader-enriched",
  "postgres-loader-bad",
] as const;
export type AppId = (typeof APP_IDS)[number];

/**
 * The hash key of a KCL lease table: `leaseKey` (S), the shard id (amazon-kinesis-client,
 * DynamoDBLeaseSerializer). The table has no range key.
 */
export const LEASE_KEY = "leaseKey";

export interface StreamSpec {
  readonly role: StreamRole;
  /** Kinesis stream name (1–128 of `[a-zA-Z0-9_.-]`). */
  readonly name: string;
  readonly shards: number;
  /** Kinesis keeps records 24 hours unless retention is increased. */
  readonly retentionHours: number;
}

/** Where an app's records come from. */
export type AppInput =
  /** The collector takes tracker requests over HTTP. */
  | { readonly kind: "http" }
  /** A KCL consumer: one lease per shard in a DynamoDB table named after the app. */
  | {
      readonly kind: "stream";
      readonly stream: StreamRole;
      /** KCL: the lease table's name is the application name. */
      readonly leaseTable: string;
      /** Snowplow's enrich and loaders start at TRIM_HORIZON when a shard has no checkpoint. */
      readonly initialPosition: "TRIM_HORIZON" | "LATEST";
    };

/** Where an app's good output goes. Purposes are the Snowplow loaders' own (`purpose` setting). */
export type AppOutput =
  | { readonly kind: "stream"; readonly stream: StreamRole }
  | {
      readonly kind: "s3";
      readonly prefix: string;
      readonly purpose: "RAW" | "ENRICHED_EVENTS" | "SELF_DESCRIBING";
    }
  | { readonly kind: "postgres"; readonly schema: string; readonly purpose: "ENRICHED_EVENTS" | "JSON" };

export interface AppSpec {
  readonly id: AppId;
  /** Physical name: KCL application name, and the name prefix of the app's cloud resources. */
  readonly name: string;
  readonly input: AppInput;
  readonly output: AppOutput;
  /** The stream the app's bad rows (its own failures) go to. */
  readonly failures: StreamRole;
  /** Streams the app reads (derived from `input`), for IAM. */
  readonly reads: readonly StreamRole[];
  /** Streams the app writes (good output and failures, derived), for IAM. */
  readonly writes: readonly StreamRole[];
}

export interface LeaseTableSpec {
  /** Table name = KCL application name. */
  readonly name: string;
  readonly app: AppId;
  readonly stream: StreamRole;
  readonly hashKey: typeof LEASE_KEY;
}

export interface Topology {
  readonly stage: string;
  /** `furrow-<stage>`: the prefix of every physical name. */
  readonly prefix: string;
  readonly streams: { readonly [R in StreamRole]: StreamSpec };
  readonly apps: { readonly [A in AppId]: AppSpec };
  /** One per stream-consuming app, in `APP_IDS` order. */
  readonly leaseTables: readonly LeaseTableSpec[];
  /** The one bucket; each S3 loader writes under its own prefix (see `AppOutput`). */
  readonly bucket: { readonly name: string };
  readonly postgres: { readonly database: string };
}

/** What may be chosen besides the stage. Everything else is derived. */
export interface TopologyOptions {
  readonly stage: string;
  /** Shards per stream; 1 by default. */
  readonly shards?: Partial<Record<StreamRole, number>>;
  /** S3 bucket names are global across AWS accounts, so a deployment may need its own. */
  readonly bucket?: string;
  /** Postgres database name; `furrow` by default (each stage has its own server). */
  readonly database?: string;
}

/** Thrown for options that cannot name real resources; config validation reports it as one line. */
export class TopologyError extends Error {
  override readonly name = "TopologyError";
}

/**
 * Lowercase letters, digits and single inner hyphens, at most 24 characters, starting with a
 * letter: it must fit in a bucket name (3–63 characters, lowercase, S3 naming rules) after
 * `furrow-` and before `-pipeline`, and in stream and table names.
 */
const STAGE = /^[a-z](?:[a-z0-9]|-(?=[a-z0-9])){0,23}$/;
/** S3 general-purpose bucket naming rules (without dots, which break virtual-host TLS). */
const BUCKET = /^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$/;
/** An unquoted Postgres identifier (NAMEDATALEN − 1 = 63 bytes). */
const DATABASE = /^[a-z_][a-z0-9_]{0,62}$/;
/** Kinesis allows 500 shards per stream by default in most regions; more is a quota request. */
const MAX_SHARDS = 500;

/** Why `stage` cannot be a stage name, or null if it can. */
export function stageProblem(stage: string): string | null {
  return STAGE.test(stage)
    ? null
    : `stage '${stage}' must be 1–24 lowercase letters, digits or inner hyphens, starting with a letter`;
}

/** Builds the topology of one stage. Throws `TopologyError` for options that cannot name resources. */
export function furrowTopology(options: TopologyOptions): Topology {
  const problem = stageProblem(options.stage);
  if (problem) throw new TopologyError(problem);
  const prefix = `furrow-${options.stage}`;

  const stream = (role: StreamRole): StreamSpec => {
    const shards = options.shards?.[role] ?? 1;
    if (!Number.isInteger(shards) || shards < 1 || shards > MAX_SHARDS) {
      throw new TopologyError(`shards of stream '${role}' must be an integer from 1 to ${MAX_SHARDS}`);
    }
    return { role, name: `${prefix}-${role}-stream`, shards, retentionHours: 24 };
  };
  const streams = {
    raw: stream("raw"),
    enriched: stream("enriched"),
    "bad-1": stream("bad-1"),
    "bad-2": stream("bad-2"),
  };

  const bucket = options.bucket ?? `${prefix}-pipeline`;
  if (!BUCKET.test(bucket) || bucket.startsWith("xn--") || bucket.endsWith("-s3alias")) {
    throw new TopologyError(
      `bucket '${bucket}' is not a valid S3 bucket name (3–63 of a-z, 0-9, inner hyphens)`,
    );
  }
  const database = options.database ?? "furrow";
  if (!DATABASE.test(database)) {
    throw new TopologyError(
      `database '${database}' must be a lowercase Postgres identifier of at most 63 bytes`,
    );
  }

  const app = (id: AppId, input: StreamRole | "http", output: AppOutput, failures: StreamRole): AppSpec => {
    const name = `${prefix}-${id}`;
    const appInput: AppInput =
      input === "http"
        ? { kind: "http" }
        : { kind: "stream", stream: input, leaseTable: name, initialPosition: "TRIM_HORIZON" };
    const writes = output.kind === "stream" ? [output.stream, failures] : [failures];
    return {
      id,
      name,
      input: appInput,
      output,
      failures,
      reads: input === "http" ? [] : [input],
      writes: [...new Set(writes)],
    };
  };
  const apps = {
    collector: app("collector", "http", { kind: "stream", stream: "raw" }, "bad-1"),
    enrich: app("enrich", "raw", { kind: "stream", stream: "enriched" }, "bad-1"),
    "s3-loader-raw": app("s3-loader-raw", "raw", { kind: "s3", prefix: "raw/", purpose: "RAW" }, "bad-1"),
    "s3-loader-enriched": app(
      "s3-loader-enriched",
      "enriched",
      { kind: "s3", prefix: "enriched/", purpose: "ENRICHED_EVENTS" },
      "bad-1",
    ),
    "s3-loader-bad": app(
      "s3-loader-bad",
      "bad-1",
      { kind: "s3", prefix: "bad/", purpose: "SELF_DESCRIBING" },
      "bad-2",
    ),
    "postgres-loader-enriched": app(
      "postgres-loader-enriched",
      "enriched",
      { kind: "postgres", schema: "atomic", purpose: "ENRICHED_EVENTS" },
      "bad-1",
    ),
    "postgres-loader-bad": app(
      "postgres-loader-bad",
      "bad-1",
      { kind: "postgres", schema: "atomic_bad", purpose: "JSON" },
      "bad-2",
    ),
  } satisfies Record<AppId, AppSpec>;

  const leaseTables: LeaseTableSpec[] = [];
  for (const id of APP_IDS) {
    const input = apps[id].input;
    if (input.kind === "stream") {
      leaseTables.push({ name: input.leaseTable, app: id, stream: input.stream, hashKey: LEASE_KEY });
    }
  }

  return {
    stage: options.stage,
    prefix,
    streams,
    apps,
    leaseTables,
    bucket: { name: bucket },
    postgres: { database },
  };
}

/** The apps that read `role`, in `APP_IDS` order. */
export function readersOf(topology: Topology, role: StreamRole): AppSpec[] {
  return APP_IDS.map((id) => topology.apps[id]).filter((a) => a.reads.includes(role));
}

/** The apps that write `role` (good output or failures), in `APP_IDS` order: who needs PutRecords. */
export function writersOf(topology: Topology, role: StreamRole): AppSpec[] {
  return APP_IDS.map((id) => topology.apps[id]).filter((a) => a.writes.includes(role));
}
