/**
 * @module
 * The S3 loader's configuration: Snowplow S3 loader settings under their own names, written as
 * JSON, validated once at start-up. Both of Snowplow's shapes are read:
 * - 2.x: `purpose`, `region`, `input {appName, streamName, position, maxRecords, customEndpoint}`,
 *   `output {s3 {path, partitionFormat, filenamePrefix, compression, maxTimeout, customEndpoint},
 *   bad {streamName}}` (or the older `badStreamName`), `buffer {byteLimit, recordLimit, timeLimit}`;
 * - 3.x: `input {initialPosition {type, timestamp}, retrievalMode {maxRecords}}`,
 *   `output {good {path, partitionFormat, filenamePrefix, compressionType}, bad {streamName}}`,
 *   `batching {maxBytes, maxDelay}`.
 * Durations take HOCON's forms (`"1 minute"`) or milliseconds.
 *
 * Furrow adds, under `output.s3`/`output.good`: `format` (`gzip`, or `parquet` for enriched
 * events), `naming` (`uuid` as Snowplow 3.x, or `sequence`, see `core/loading/object-key.ts`),
 * `partitioning` (`snowplow` or `hive`: the preset used when `partitionFormat` is absent), and
 * `input.dynamodbCustomEndpoint`. `input.leaseDuration` (as Snowplow's Kinesis source names it)
 * sets the KCL lease. Settings Snowplow has and Furrow does not need (monitoring, license,
 * telemetry, parallelism factors, other lease tuning, `maxTimeout`) are accepted and ignored;
 * any other key, a wrong type or an impossible value is an `S3LoaderConfigError` of one line.
 *
 * Two values differ from Snowplow on purpose: LZO is refused (Furrow writes gzip, and raw records
 * as base64 lines, see `core/loading/framing.ts`), and `{yy}`/`{hh}` in a partition are refused in
 * favour of 3.x's `{yyyy}`/`{HH}` (`core/loading/partition-format.ts`).
 */

import { FILE_FORMATS, type FileFormat } from "../../core/loading/file-plan.ts";
import {
  OBJECT_NAMINGS,
  type ObjectNaming,
  type OutputPath,
  parseOutputPath,
} from "../../core/loading/object-key.ts";
import {
  HIVE_PARTITIONING,
  type PartitionFormat,
  parsePartitionFormat,
  SNOWPLOW_PARTITIONING,
} from "../../core/loading/partition-format.ts";
import { type LoaderPurpose, parseLoaderPurpose } from "../../core/loading/purpose.ts";
import type { Topology } from "../../core/topology.ts";
import type { InitialPosition } from "../../ports/shard-reader.ts";
import { parseDuration } from "../collector/config.ts";
import type { BufferLimits } from "./app.ts";

export const PARTITIONINGS = ["snowplow", "hive"] as const;
export type Partitioning = (typeof PARTITIONINGS)[number];

export interface S3LoaderConfig {
  readonly purpose: LoaderPurpose;
  readonly region: string;
  readonly input: {
    readonly streamName: string;
    /** KCL application name, which is the lease table's name. */
    readonly appName: string;
    readonly initialPosition: InitialPosition;
    /** GetRecords `Limit` (1–10000). */
    readonly maxRecords: number;
    /** KCL lease duration (`input.leaseDuration`); KCL's 10 s when absent. */
    readonly leaseDurationMs?: number;
    readonly kinesisEndpoint?: string;
    readonly dynamodbEndpoint?: string;
  };
  readonly output: {
    readonly path: OutputPath;
    /** The partition template in force (explicit, or the preset of `partitioning`), or null. */
    readonly partitionFormat: PartitionFormat | null;
    readonly filenamePrefix: string;
    readonly format: FileFormat;
    readonly naming: ObjectNaming;
    readonly s3Endpoint?: string;
    /** The stream of the loader's own bad rows. */
    readonly badStreamName: string;
  };
  readonly buffer: BufferLimits;
}

/** A configuration problem, as one line naming the setting. */
export class S3LoaderConfigError extends Error {
  override readonly name = "S3LoaderConfigError";
}

/** Kinesis: GetRecords takes 1–10000 records. KCL's default is the maximum. */
const MAX_GET_RECORDS = 10_000;

export const DEFAULT_BUFFER: BufferLimits = {
  recordLimit: 100_000,
  // Snowplow 3.x `batching.maxBytes`: 64 MiB.
  byteLimit: 64 * 1024 * 1024,
  // Snowplow 3.x reference config `batching.maxDelay`: 1 minute.
  timeLimitMs: 60_000,
};

const APP_OF_PURPOSE = {
  raw: "s3-loader-raw",
  enriched: "s3-loader-enriched",
  bad: "s3-loader-bad",
} as const;

/** The loader of `purpose` in `topology`: its stream, lease table, folder and failures stream. */
export function defaultS3LoaderConfig(
  purpose: LoaderPurpose,
  topology: Topology,
  region: string,
): S3LoaderConfig {
  const app = topology.apps[APP_OF_PURPOSE[purpose]];
  if (app.input.kind !== "stream" || app.output.kind !== "s3") {
    throw new Error(`topology: ${app.id} must read a stream and write S3`);
  }
  const partition = SNOWPLOW_PARTITIONING[purpose];
  const format = partition === null ? null : parsePartitionFormat(partition, purpose);
  return {
    purpose,
    region,
    input: {
      streamName: topology.streams[app.input.stream].name,
      appName: app.input.leaseTable,
      initialPosition: { type: app.input.initialPosition },
      maxRecords: MAX_GET_RECORDS,
    },
    output: {
      path: { bucket: topology.bucket.name, directory: app.output.prefix.replace(/\/+$/, "") },
      partitionFormat: format?.ok ? format.value : null,
      filenamePrefix: "",
      format: "gzip",
      naming: "uuid",
      badStreamName: topology.streams[app.failures].name,
    },
    buffer: DEFAULT_BUFFER,
  };
}

// ---------------------------------------------------------------------------------------------
// Reading JSON

type JsonObject = Record<string, unknown>;
const isObject = (v: unknown): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

/** One object of the config: checks keys, tracks its dotted path for messages. */
class Section {
  constructor(
    readonly path: string,
    readonly json: JsonObject,
    readonly where: string,
  ) {}

  key(key: string): string {
    return this.path === "" ? key : `${this.path}.${key}`;
  }

  fail(key: string, message: string): never {
    throw new S3LoaderConfigError(`${this.where}: ${this.key(key)}: ${message}`);
  }

  only(known: readonly string[], ignored: readonly string[] = []): void {
    for (const key of Object.keys(this.json)) {
      if (!known.includes(key) && !ignored.includes(key)) {
        throw new S3LoaderConfigError(
          `${this.where}: unknown setting '${this.key(key)}' (known: ${known.join(", ")})`,
        );
      }
    }
  }

  has(key: string): boolean {
    return Object.hasOwn(this.json, key) && this.json[key] !== undefined && this.json[key] !== null;
  }

  section(key: string): Section | undefined {
    if (!this.has(key)) return undefined;
    const v = this.json[key];
    if (!isObject(v)) this.fail(key, "expected an object");
    return new Section(this.key(key), v, this.where);
  }

  string(key: string): string | undefined {
    if (!this.has(key)) return undefined;
    const v = this.json[key];
    if (typeof v !== "string") this.fail(key, `expected a string, got ${JSON.stringify(v)}`);
    return v;
  }

  int(key: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
    if (!this.has(key)) return undefined;
    const raw = this.json[key];
    const v = typeof raw === "string" && raw.trim() !== "" ? Number(raw) : raw;
    if (typeof v !== "number" || !Number.isInteger(v))
      this.fail(key, `expected an integer, got ${JSON.stringify(raw)}`);
    if (v < min || v > max) {
      this.fail(
        key,
        max === Number.MAX_SAFE_INTEGER ? `must be at least ${min}` : `must be from ${min} to ${max}`,
      );
    }
    return v;
  }

  duration(key: string): number | undefined {
    if (!this.has(key)) return undefined;
    const v = this.json[key];
    const ms = typeof v === "number" ? v : typeof v === "string" ? parseDuration(v) : undefined;
    if (ms === undefined || !Number.isFinite(ms) || ms < 0) {
      this.fail(
        key,
        `expected a duration like "1 minute" or a number of milliseconds, got ${JSON.stringify(v)}`,
      );
    }
    return ms;
  }

  oneOf<T extends string>(key: string, values: readonly T[]): T | undefined {
    const v = this.string(key);
    if (v === undefined) return undefined;
    const found = values.find((x) => x.toLowerCase() === v.toLowerCase());
    if (found === undefined) this.fail(key, `must be one of ${values.join(", ")}, got '${v}'`);
    return found;
  }
}

/** A checked `http(s)://` endpoint. */
function endpoint(section: Section, key: string): string | undefined {
  const v = section.string(key);
  if (v !== undefined && !/^https?:\/\/[^/]/.test(v))
    section.fail(key, `'${v}' must start with http:// or https://`);
  return v;
}

/** KCL positions: `LATEST`, `TRIM_HORIZON`, 2.x `{"AT_TIMESTAMP": {"timestamp": …}}`, 3.x `{"type": …, "timestamp": …}`. */
function readPosition(input: Section, key: string): InitialPosition | undefined {
  if (!input.has(key)) return undefined;
  const v = input.json[key];
  const atTimestamp = (timestamp: unknown): InitialPosition => {
    const date = typeof timestamp === "string" ? new Date(timestamp) : undefined;
    if (date === undefined || Number.isNaN(date.getTime())) {
      input.fail(
        key,
        `AT_TIMESTAMP needs a timestamp like "2024-01-01T00:00:00Z", got ${JSON.stringify(timestamp)}`,
      );
    }
    return { type: "AT_TIMESTAMP", timestamp: date };
  };
  const named = (name: string, timestamp?: unknown): InitialPosition => {
    switch (name.toUpperCase()) {
      case "LATEST":
        return { type: "LATEST" };
      case "TRIM_HORIZON":
        return { type: "TRIM_HORIZON" };
      case "AT_TIMESTAMP":
        return atTimestamp(timestamp);
      default:
        return input.fail(key, `must be LATEST, TRIM_HORIZON or AT_TIMESTAMP, got '${name}'`);
    }
  };
  if (typeof v === "string") return named(v);
  if (isObject(v)) {
    if (typeof v["type"] === "string") return named(v["type"], v["timestamp"]);
    const at = Object.entries(v).find(([k]) => k.toLowerCase() === "at_timestamp")?.[1];
    if (isObject(at)) return atTimestamp(at["timestamp"]);
  }
  return input.fail(key, `must be LATEST, TRIM_HORIZON or an AT_TIMESTAMP object, got ${JSON.stringify(v)}`);
}

const IGNORED_TOP_LEVEL = [
  "monitoring",
  "license",
  "telemetry",
  "logging",
  "cpuParallelismFactor",
  "uploadParallelismFactor",
  "initialBufferSize",
  "http",
];
const IGNORED_INPUT = [
  "workerIdentifier",
  "maxLeasesToStealAtOneTimeFactor",
  "checkpointThrottledBackoffPolicy",
  "debounceCheckpoints",
  "region",
];

/** What `parseS3LoaderConfig` needs besides the JSON. */
export interface S3LoaderConfigContext {
  /** Names the source in error messages, e.g. `config file loader.json`. */
  readonly where: string;
  /** The stage's topology and region: the defaults of every name. */
  readonly topology: Topology;
  readonly region: string;
  /** The purpose given on the command line; the file's `purpose` must agree with it. */
  readonly purpose?: LoaderPurpose;
}

/** Reads and checks a config. Throws `S3LoaderConfigError` with one line naming the setting. */
export function parseS3LoaderConfig(json: unknown, context: S3LoaderConfigContext): S3LoaderConfig {
  if (!isObject(json)) throw new S3LoaderConfigError(`${context.where}: expected a JSON object of settings`);
  const root = new Section("", json, context.where);
  root.only(["purpose", "region", "input", "output", "buffer", "batching"], IGNORED_TOP_LEVEL);

  const written = root.string("purpose");
  let purpose = context.purpose;
  if (written !== undefined) {
    const parsed = parseLoaderPurpose(written);
    if (parsed === null) {
      return root.fail("purpose", `must be RAW, ENRICHED_EVENTS or SELF_DESCRIBING, got '${written}'`);
    }
    if (purpose !== undefined && parsed !== purpose) {
      root.fail("purpose", `is '${written}' but the command line asks for ${purpose}`);
    }
    purpose = parsed;
  }
  if (purpose === undefined)
    throw new S3LoaderConfigError(`${context.where}: purpose is required (raw, enriched or bad)`);
  const region = root.string("region") ?? context.region;
  const defaults = defaultS3LoaderConfig(purpose, context.topology, region);

  const input = root.section("input");
  input?.only(
    [
      "appName",
      "streamName",
      "position",
      "initialPosition",
      "maxRecords",
      "retrievalMode",
      "customEndpoint",
      "dynamodbCustomEndpoint",
      "leaseDuration",
    ],
    IGNORED_INPUT,
  );
  const retrieval = input?.section("retrievalMode");
  retrieval?.only(["type", "maxRecords"]);
  const retrievalType = retrieval?.string("type");
  if (retrievalType !== undefined && retrievalType.toLowerCase() !== "polling") {
    retrieval!.fail("type", `only Polling is supported, got '${retrievalType}'`);
  }
  const streamName = input?.string("streamName") ?? defaults.input.streamName;
  const appName = input?.string("appName") ?? defaults.input.appName;
  for (const [key, value] of [
    ["streamName", streamName],
    ["appName", appName],
  ] as const) {
    if (!/^[a-zA-Z0-9_.-]{1,128}$/.test(value))
      input!.fail(key, `'${value}' is not a Kinesis stream or DynamoDB table name`);
  }
  const maxRecords =
    input?.int("maxRecords", 1, MAX_GET_RECORDS) ??
    retrieval?.int("maxRecords", 1, MAX_GET_RECORDS) ??
    defaults.input.maxRecords;
  const leaseDurationMs = input?.duration("leaseDuration");
  if (leaseDurationMs === 0) input!.fail("leaseDuration", "must be longer than 0");

  const output = root.section("output");
  output?.only(["s3", "good", "bad", "badStreamName"]);
  if (output?.has("s3") && output.has("good"))
    output.fail("good", "give either output.s3 (2.x) or output.good (3.x), not both");
  const s3 = output?.section("s3") ?? output?.section("good");
  s3?.only(
    [
      "path",
      "partitionFormat",
      "filenamePrefix",
      "compression",
      "compressionType",
      "maxTimeout",
      "customEndpoint",
      "format",
      "naming",
      "partitioning",
    ],
    ["dateFormat"],
  );
  for (const key of ["compression", "compressionType"]) {
    const compression = s3?.string(key);
    if (compression !== undefined && compression.toUpperCase() !== "GZIP") {
      s3!.fail(
        key,
        `only GZIP is supported, got '${compression}' (raw records are written as base64 lines instead of LZO)`,
      );
    }
  }
  s3?.int("maxTimeout", 0);
  let path = defaults.output.path;
  const pathText = s3?.string("path");
  if (pathText !== undefined) {
    const parsed = parseOutputPath(pathText);
    if (!parsed.ok) return s3!.fail("path", parsed.error);
    path = parsed.value;
  }
  const format = s3?.oneOf("format", FILE_FORMATS) ?? defaults.output.format;
  if (format === "parquet" && purpose !== "enriched")
    s3!.fail("format", "parquet is for enriched events only");
  const naming = s3?.oneOf("naming", OBJECT_NAMINGS) ?? defaults.output.naming;
  const partitioning = s3?.oneOf("partitioning", PARTITIONINGS) ?? "snowplow";
  const template =
    s3?.string("partitionFormat") ??
    (partitioning === "hive" ? HIVE_PARTITIONING[purpose] : SNOWPLOW_PARTITIONING[purpose]);
  let partitionFormat: PartitionFormat | null = null;
  if (template !== null && template !== "") {
    const parsed = parsePartitionFormat(template, purpose);
    if (!parsed.ok) return s3!.fail("partitionFormat", parsed.error);
    partitionFormat = parsed.value;
  }
  const filenamePrefix = s3?.string("filenamePrefix") ?? "";
  if (filenamePrefix.includes("/")) s3!.fail("filenamePrefix", "must not contain '/'");

  const bad = output?.section("bad");
  bad?.only(
    ["streamName"],
    ["throttledBackoffPolicy", "recordLimit", "byteLimit", "maxRecordSize", "region", "customEndpoint"],
  );
  const badStreamName =
    bad?.string("streamName") ?? output?.string("badStreamName") ?? defaults.output.badStreamName;

  const buffer = root.section("buffer");
  buffer?.only(["byteLimit", "recordLimit", "timeLimit"]);
  const batching = root.section("batching");
  batching?.only(["maxBytes", "maxDelay"]);
  if (buffer && batching) batching.fail("maxBytes", "give either buffer (2.x) or batching (3.x), not both");

  return {
    purpose,
    region,
    input: {
      streamName,
      appName,
      initialPosition:
        (input && readPosition(input, input.has("initialPosition") ? "initialPosition" : "position")) ??
        defaults.input.initialPosition,
      maxRecords,
      ...(leaseDurationMs === undefined ? {} : { leaseDurationMs }),
      kinesisEndpoint: input ? endpoint(input, "customEndpoint") : undefined,
      dynamodbEndpoint: input ? endpoint(input, "dynamodbCustomEndpoint") : undefined,
    },
    output: {
      path,
      partitionFormat,
      filenamePrefix,
      format,
      naming,
      s3Endpoint: s3 ? endpoint(s3, "customEndpoint") : undefined,
      badStreamName,
    },
    buffer: {
      recordLimit: buffer?.int("recordLimit", 1) ?? DEFAULT_BUFFER.recordLimit,
      byteLimit: buffer?.int("byteLimit", 1) ?? batching?.int("maxBytes", 1) ?? DEFAULT_BUFFER.byteLimit,
      timeLimitMs:
        buffer?.duration("timeLimit") ?? batching?.duration("maxDelay") ?? DEFAULT_BUFFER.timeLimitMs,
    },
  };
}

/** Command-line settings, which win over the file. Strings are as typed; they are checked here. */
export interface S3LoaderOverrides {
  readonly region?: string;
  readonly inputStream?: string;
  readonly appName?: string;
  readonly initialPosition?: InitialPosition;
  readonly maxRecords?: number;
  readonly leaseDurationMs?: number;
  readonly path?: string;
  readonly badStream?: string;
  readonly partitionFormat?: string;
  readonly partitioning?: Partitioning;
  readonly filenamePrefix?: string;
  readonly format?: FileFormat;
  readonly naming?: ObjectNaming;
  readonly buffer?: Partial<BufferLimits>;
  readonly kinesisEndpoint?: string;
  readonly dynamodbEndpoint?: string;
  readonly s3Endpoint?: string;
}

/** Applies flags over a parsed config; errors name the flag. */
export function applyS3LoaderOverrides(config: S3LoaderConfig, o: S3LoaderOverrides): S3LoaderConfig {
  const fail = (flag: string, message: string): never => {
    throw new S3LoaderConfigError(`--${flag}: ${message}`);
  };
  let path = config.output.path;
  if (o.path !== undefined) {
    const parsed = parseOutputPath(o.path);
    if (!parsed.ok) fail("path", parsed.error);
    else path = parsed.value;
  }
  let partitionFormat = config.output.partitionFormat;
  const template =
    o.partitionFormat ??
    (o.partitioning === undefined
      ? undefined
      : o.partitioning === "hive"
        ? HIVE_PARTITIONING[config.purpose]
        : (SNOWPLOW_PARTITIONING[config.purpose] ?? ""));
  if (template !== undefined) {
    if (template === "") partitionFormat = null;
    else {
      const parsed = parsePartitionFormat(template, config.purpose);
      if (!parsed.ok)
        fail(o.partitionFormat !== undefined ? "partition-format" : "partitioning", parsed.error);
      else partitionFormat = parsed.value;
    }
  }
  const format = o.format ?? config.output.format;
  if (format === "parquet" && config.purpose !== "enriched")
    fail("format", "parquet is for enriched events only");
  if (o.filenamePrefix?.includes("/")) fail("filename-prefix", "must not contain '/'");
  for (const [flag, name] of [
    ["input-stream", o.inputStream],
    ["app-name", o.appName],
    ["bad-stream", o.badStream],
  ] as const) {
    if (name !== undefined && !/^[a-zA-Z0-9_.-]{1,128}$/.test(name))
      fail(flag, `'${name}' is not a stream or table name`);
  }
  return {
    ...config,
    region: o.region ?? config.region,
    input: {
      ...config.input,
      streamName: o.inputStream ?? config.input.streamName,
      appName: o.appName ?? config.input.appName,
      initialPosition: o.initialPosition ?? config.input.initialPosition,
      maxRecords: o.maxRecords ?? config.input.maxRecords,
      ...(o.leaseDurationMs === undefined ? {} : { leaseDurationMs: o.leaseDurationMs }),
      kinesisEndpoint: o.kinesisEndpoint ?? config.input.kinesisEndpoint,
      dynamodbEndpoint: o.dynamodbEndpoint ?? config.input.dynamodbEndpoint,
    },
    output: {
      ...config.output,
      path,
      partitionFormat,
      filenamePrefix: o.filenamePrefix ?? config.output.filenamePrefix,
      format,
      naming: o.naming ?? config.output.naming,
      s3Endpoint: o.s3Endpoint ?? config.output.s3Endpoint,
      badStreamName: o.badStream ?? config.output.badStreamName,
    },
    buffer: { ...config.buffer, ...o.buffer },
  };
}
