/** @module The S3 loader's config: topology defaults, Snowplow 2.x and 3.x files, Furrow's additions, errors. */
import { describe, expect, test } from "bun:test";
import { furrowTopology } from "../../core/topology.ts";
import {
  applyS3LoaderOverrides,
  DEFAULT_BUFFER,
  defaultS3LoaderConfig,
  parseS3LoaderConfig,
  type S3LoaderConfig,
  S3LoaderConfigError,
} from "./config.ts";

const topology = furrowTopology({ stage: "dev" });
const parse = (json: unknown, purpose?: "raw" | "enriched" | "bad") =>
  parseS3LoaderConfig(json, { where: "config file loader.json", topology, region: "eu-west-1", purpose });
const problem = (json: unknown, purpose?: "raw" | "enriched" | "bad"): string => {
  try {
    parse(json, purpose);
  } catch (e) {
    if (e instanceof S3LoaderConfigError) return e.message;
    throw e;
  }
  throw new Error("expected a configuration error");
};

describe("defaultS3LoaderConfig", () => {
  test("each purpose reads its stream and writes its folder, as the topology says", () => {
    const pick = (c: S3LoaderConfig) => [
      c.input.streamName,
      c.input.appName,
      `${c.output.path.bucket}/${c.output.path.directory}`,
      c.output.partitionFormat?.template ?? null,
      c.output.badStreamName,
    ];
    expect(pick(defaultS3LoaderConfig("raw", topology, "eu-west-1"))).toEqual([
      "furrow-dev-raw-stream",
      "furrow-dev-s3-loader-raw",
      "furrow-dev-pipeline/raw",
      null,
      "furrow-dev-bad-1-stream",
    ]);
    expect(pick(defaultS3LoaderConfig("enriched", topology, "eu-west-1"))).toEqual([
      "furrow-dev-enriched-stream",
      "furrow-dev-s3-loader-enriched",
      "furrow-dev-pipeline/enriched",
      null,
      "furrow-dev-bad-1-stream",
    ]);
    expect(pick(defaultS3LoaderConfig("bad", topology, "eu-west-1"))).toEqual([
      "furrow-dev-bad-1-stream",
      "furrow-dev-s3-loader-bad",
      "furrow-dev-pipeline/bad",
      "{vendor}.{schema}",
      "furrow-dev-bad-2-stream",
    ]);
    const raw = defaultS3LoaderConfig("raw", topology, "eu-west-1");
    expect(raw.input.initialPosition).toEqual({ type: "TRIM_HORIZON" });
    expect(raw.input.maxRecords).toBe(10_000);
    expect(raw.output).toMatchObject({ format: "gzip", naming: "uuid", filenamePrefix: "" });
    expect(raw.buffer).toEqual(DEFAULT_BUFFER);
  });
});

describe("parseS3LoaderConfig", () => {
  test("reads Snowplow 2.x's shape (config.hocon.sample, as JSON)", () => {
    const config = parse({
      region: "eu-central-1",
      purpose: "RAW",
      input: { appName: "acme-s3-loader", streamName: "raw-events", position: "LATEST", maxRecords: 10 },
      output: {
        s3: {
          path: "s3://acme-snowplow-output/raw/",
          partitionFormat: "{yyyy}/{MM}/{dd}",
          filenamePrefix: "pre",
          maxTimeout: 2000,
          compression: "GZIP",
          dateFormat: "%Y-%M-%d",
        },
        bad: { streamName: "stream-name" },
      },
      buffer: { byteLimit: 2048, recordLimit: 10, timeLimit: 5000 },
      monitoring: { snowplow: { collector: "http://x", appId: "y" } },
    });
    expect(config).toMatchObject({
      purpose: "raw",
      region: "eu-central-1",
      input: {
        appName: "acme-s3-loader",
        streamName: "raw-events",
        initialPosition: { type: "LATEST" },
        maxRecords: 10,
      },
      output: {
        path: { bucket: "acme-snowplow-output", directory: "raw" },
        filenamePrefix: "pre",
        badStreamName: "stream-name",
      },
      buffer: { byteLimit: 2048, recordLimit: 10, timeLimitMs: 5000 },
    });
    expect(config.output.partitionFormat?.template).toBe("{yyyy}/{MM}/{dd}");
    expect(parse({ purpose: "RAW", output: { badStreamName: "old-style" } }).output.badStreamName).toBe(
      "old-style",
    );
    expect(
      parse({ purpose: "RAW", input: { position: { AT_TIMESTAMP: { timestamp: "2024-01-01T00:00:00Z" } } } })
        .input.initialPosition,
    ).toEqual({
      type: "AT_TIMESTAMP",
      timestamp: new Date("2024-01-01T00:00:00Z"),
    });
  });

  test("reads Snowplow 3.x's shape (config.aws.reference.hocon, as JSON)", () => {
    const config = parse({
      license: { accept: true },
      input: {
        streamName: "snowplow-sdjs",
        appName: "snowplow-s3-loader",
        initialPosition: { type: "AT_TIMESTAMP", timestamp: "2023-01-01T00:00:00Z" },
        retrievalMode: { type: "Polling", maxRecords: 1000 },
        workerIdentifier: "host",
        leaseDuration: "10 seconds",
        debounceCheckpoints: "10 seconds",
      },
      output: {
        good: {
          path: "s3://snowplow-events/",
          partitionFormat: "{vendor}.{schema}/model={model}/date={yyyy}-{MM}-{dd}",
          filenamePrefix: "pre-",
          compressionType: "GZIP",
        },
        bad: { streamName: "snowplow-bad", recordLimit: 500, byteLimit: 5242880 },
      },
      purpose: "SELF_DESCRIBING",
      batching: { maxBytes: 67108864, maxDelay: "1 minute" },
      cpuParallelismFactor: 1,
      uploadParallelismFactor: 2,
    });
    expect(config).toMatchObject({
      purpose: "bad",
      input: {
        initialPosition: { type: "AT_TIMESTAMP", timestamp: new Date("2023-01-01T00:00:00Z") },
        maxRecords: 1000,
      },
      output: {
        path: { bucket: "snowplow-events", directory: "" },
        filenamePrefix: "pre-",
        badStreamName: "snowplow-bad",
      },
      buffer: { byteLimit: 67108864, timeLimitMs: 60_000, recordLimit: DEFAULT_BUFFER.recordLimit },
    });
  });

  test("Furrow's additions: format, naming, Hive partitioning, DynamoDB endpoint", () => {
    const config = parse({
      purpose: "ENRICHED_EVENTS",
      input: { customEndpoint: "http://127.0.0.1:4567", dynamodbCustomEndpoint: "http://127.0.0.1:4568" },
      output: {
        s3: {
          format: "parquet",
          naming: "sequence",
          partitioning: "hive",
          customEndpoint: "http://127.0.0.1:4569",
        },
      },
    });
    expect(config.output).toMatchObject({
      format: "parquet",
      naming: "sequence",
      s3Endpoint: "http://127.0.0.1:4569",
    });
    expect(config.output.partitionFormat?.template).toBe("year={yyyy}/month={MM}/day={dd}/hour={HH}");
    expect(config.input).toMatchObject({
      kinesisEndpoint: "http://127.0.0.1:4567",
      dynamodbEndpoint: "http://127.0.0.1:4568",
    });
  });

  test("the purpose comes from the file or the command line, and they must agree", () => {
    expect(parse({}, "bad").purpose).toBe("bad");
    expect(parse({ purpose: "enriched_events" }).purpose).toBe("enriched");
    expect(problem({})).toContain("purpose is required");
    expect(problem({ purpose: "RAW" }, "enriched")).toContain("the command line asks for enriched");
    expect(problem({ purpose: "JSON" })).toContain(
      "purpose: must be RAW, ENRICHED_EVENTS or SELF_DESCRIBING",
    );
  });

  test("every problem is one line naming the setting", () => {
    const cases: [unknown, string][] = [
      [{ purpose: "RAW", colour: "blue" }, "unknown setting 'colour'"],
      [
        { purpose: "RAW", output: { s3: { compression: "LZO" } } },
        "output.s3.compression: only GZIP is supported",
      ],
      [
        { purpose: "RAW", output: { s3: { format: "parquet" } } },
        "output.s3.format: parquet is for enriched events only",
      ],
      [
        { purpose: "ENRICHED_EVENTS", output: { good: { partitionFormat: "{vendor}" } } },
        "output.good.partitionFormat",
      ],
      [
        { purpose: "SELF_DESCRIBING", output: { s3: { partitionFormat: "date={yy}-{mm}-{dd}" } } },
        "write {yyyy}",
      ],
      [{ purpose: "RAW", output: { s3: { path: "gs://bucket/x" } } }, "output.s3.path"],
      [{ purpose: "RAW", output: { s3: {}, good: {} } }, "not both"],
      [{ purpose: "RAW", input: { maxRecords: 20_000 } }, "input.maxRecords: must be from 1 to 10000"],
      [{ purpose: "RAW", input: { position: "EARLIEST" } }, "input.position"],
      [{ purpose: "RAW", input: { retrievalMode: { type: "FanOut" } } }, "only Polling"],
      [{ purpose: "RAW", input: { customEndpoint: "localhost:4567" } }, "input.customEndpoint"],
      [{ purpose: "RAW", buffer: { timeLimit: "soon" } }, "buffer.timeLimit"],
      [{ purpose: "RAW", buffer: {}, batching: {} }, "not both"],
      [
        { purpose: "RAW", output: { s3: { naming: "random" } } },
        "output.s3.naming: must be one of uuid, sequence",
      ],
      [[], "expected a JSON object"],
    ];
    for (const [json, message] of cases) {
      const text = problem(json);
      expect(text).toContain(message);
      expect(text).toStartWith("config file loader.json");
      expect(text).not.toContain("\n");
    }
  });
});

describe("applyS3LoaderOverrides", () => {
  const base = defaultS3LoaderConfig("enriched", topology, "eu-west-1");

  test("flags win over the file", () => {
    const config = applyS3LoaderOverrides(base, {
      inputStream: "other-stream",
      path: "s3://elsewhere/events",
      partitionFormat: "app={app}/{yyyy}",
      format: "parquet",
      naming: "sequence",
      buffer: { timeLimitMs: 5_000 },
    });
    expect(config.input.streamName).toBe("other-stream");
    expect(config.output).toMatchObject({
      path: { bucket: "elsewhere", directory: "events" },
      format: "parquet",
      naming: "sequence",
    });
    expect(config.output.partitionFormat?.template).toBe("app={app}/{yyyy}");
    expect(config.buffer).toEqual({ ...DEFAULT_BUFFER, timeLimitMs: 5_000 });
    expect(applyS3LoaderOverrides(base, { partitioning: "hive" }).output.partitionFormat?.template).toContain(
      "year=",
    );
    expect(applyS3LoaderOverrides(config, { partitioning: "snowplow" }).output.partitionFormat).toBeNull();
  });

  test("problems name the flag", () => {
    expect(() => applyS3LoaderOverrides(base, { partitionFormat: "{vendor}" })).toThrow(
      /^--partition-format: /,
    );
    expect(() =>
      applyS3LoaderOverrides(defaultS3LoaderConfig("raw", topology, "x"), { format: "parquet" }),
    ).toThrow(/^--format: /);
    expect(() => applyS3LoaderOverrides(base, { path: "bucket_with_underscore" })).toThrow(/^--path: /);
    expect(() => applyS3LoaderOverrides(base, { appName: "has space" })).toThrow(/^--app-name: /);
  });
});
