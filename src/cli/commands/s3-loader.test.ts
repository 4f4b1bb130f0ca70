/**
 * @module
 * `furrow s3-loader`: topology defaults, flags over the config file, one-line usage errors, and a
 * run with a stand-in loader stopped as Ctrl-C would. (Runs on the engines are in test/s3-loader.)
 */
import { describe, expect, test } from "bun:test";
import type { RunningS3Loader, startS3Loader } from "../../apps/s3-loader/main.ts";
import type { CommandIO } from "../command.ts";
import { UsageError } from "../command.ts";
import { resolveS3LoaderConfig, runS3Loader, s3LoaderCommand } from "./s3-loader.ts";

function testIo() {
  let err = "";
  let stop = () => {};
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });
  const io: CommandIO = {
    stdin: new Blob([]).stream(),
    stdout: () => {},
    stderr: (text) => {
      err += text;
    },
    stopped,
  };
  return { io, stop, err: () => err };
}

const usage = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof UsageError) return e.message;
    throw e;
  }
  throw new Error("expected a usage error");
};

describe("resolveS3LoaderConfig", () => {
  test("the purpose picks the stage's stream, folder and failures stream", () => {
    const c = resolveS3LoaderConfig({ flags: { purpose: "bad", stage: "dev" } });
    expect(c.input.streamName).toBe("furrow-dev-bad-1-stream");
    expect(c.input.appName).toBe("furrow-dev-s3-loader-bad");
    expect(c.output.path).toEqual({ bucket: "furrow-dev-pipeline", directory: "bad" });
    expect(c.output.badStreamName).toBe("furrow-dev-bad-2-stream");
    expect(c.region).toBe("us-east-1");
    expect(
      resolveS3LoaderConfig({ flags: { purpose: "ENRICHED_EVENTS" }, envRegion: "eu-west-1" }).region,
    ).toBe("eu-west-1");
  });

  test("flags win over the file", () => {
    const file = {
      path: "loader.json",
      text: JSON.stringify({
        purpose: "ENRICHED_EVENTS",
        output: { s3: { path: "s3://from-file/x", naming: "uuid" } },
        buffer: { timeLimit: 1000 },
      }),
    };
    const c = resolveS3LoaderConfig({
      flags: {
        config: "loader.json",
        path: "s3://from-flag/y",
        naming: "sequence",
        format: "parquet",
        partitioning: "hive",
        "time-limit": "30 seconds",
        "record-limit": "500",
        "initial-position": "AT_TIMESTAMP=2024-01-01T00:00:00Z",
        "kinesis-endpoint": "http://127.0.0.1:4567",
      },
      file,
    });
    expect(c.purpose).toBe("enriched");
    expect(c.output).toMatchObject({
      path: { bucket: "from-flag", directory: "y" },
      naming: "sequence",
      format: "parquet",
    });
    expect(c.output.partitionFormat?.template).toBe("year={yyyy}/month={MM}/day={dd}/hour={HH}");
    expect(c.buffer).toMatchObject({ timeLimitMs: 30_000, recordLimit: 500 });
    expect(c.input.initialPosition).toEqual({
      type: "AT_TIMESTAMP",
      timestamp: new Date("2024-01-01T00:00:00Z"),
    });
    expect(c.input.kinesisEndpoint).toBe("http://127.0.0.1:4567");
  });

  test("problems are one line naming the flag or setting", () => {
    expect(usage(() => resolveS3LoaderConfig({ flags: {} }))).toContain("--purpose is required");
    expect(usage(() => resolveS3LoaderConfig({ flags: { purpose: "json" } }))).toContain(
      "--purpose must be one of raw, enriched, bad",
    );
    expect(usage(() => resolveS3LoaderConfig({ flags: { purpose: "raw", format: "parquet" } }))).toContain(
      "--format: parquet is for enriched",
    );
    expect(usage(() => resolveS3LoaderConfig({ flags: { purpose: "raw", "time-limit": "soon" } }))).toContain(
      "--time-limit",
    );
    expect(usage(() => resolveS3LoaderConfig({ flags: { purpose: "raw", "max-records": "0" } }))).toContain(
      "--max-records",
    );
    expect(
      usage(() => resolveS3LoaderConfig({ flags: { purpose: "raw", "partition-format": "{vendor}" } })),
    ).toContain("--partition-format");
    expect(
      usage(() => resolveS3LoaderConfig({ flags: { purpose: "raw", "s3-endpoint": "localhost" } })),
    ).toContain("--s3-endpoint");
    expect(usage(() => resolveS3LoaderConfig({ flags: { purpose: "raw", stage: "Bad Stage" } }))).toContain(
      "--stage",
    );
    const file = { path: "l.json", text: JSON.stringify({ purpose: "RAW" }) };
    expect(usage(() => resolveS3LoaderConfig({ flags: { purpose: "bad" }, file }))).toContain(
      "config file l.json: purpose",
    );
    expect(usage(() => resolveS3LoaderConfig({ flags: {}, file: { path: "l.json", text: "{" } }))).toContain(
      "not valid JSON",
    );
  });

  test("every flag problem is listed, one line each naming the command", () => {
    const message = usage(() =>
      resolveS3LoaderConfig({
        flags: { purpose: "raw", "max-records": "0", naming: "random", "ops-port": "x", "log-level": "loud" },
      }),
    );
    const lines = message.split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[0]).toStartWith("--");
    expect(message).toContain("--max-records");
    expect(lines.slice(1).every((l) => l.startsWith("furrow s3-loader: --"))).toBe(true);
    expect(message).toContain("--naming");
    expect(message).toContain("--ops-port");
    expect(message).toContain("--log-level");
  });

  test("--lease-duration (or input.leaseDuration in the file) sets the KCL lease; the flag wins", () => {
    expect(resolveS3LoaderConfig({ flags: { purpose: "raw" } }).input.leaseDurationMs).toBeUndefined();
    expect(
      resolveS3LoaderConfig({ flags: { purpose: "raw", "lease-duration": "3 seconds" } }).input
        .leaseDurationMs,
    ).toBe(3_000);
    const file = {
      path: "l.json",
      text: JSON.stringify({ purpose: "RAW", input: { leaseDuration: "4 seconds" } }),
    };
    expect(resolveS3LoaderConfig({ flags: {}, file }).input.leaseDurationMs).toBe(4_000);
    expect(resolveS3LoaderConfig({ flags: { "lease-duration": "2500" }, file }).input.leaseDurationMs).toBe(
      2_500,
    );
    for (const bad of ["0", "soon", "-3 seconds"]) {
      expect(usage(() => resolveS3LoaderConfig({ flags: { purpose: "raw", "lease-duration": bad } }))).toBe(
        `--lease-duration must be a positive duration like "10 seconds" or milliseconds, got '${bad}'`,
      );
    }
    const zero = { path: "l.json", text: JSON.stringify({ purpose: "RAW", input: { leaseDuration: 0 } }) };
    expect(usage(() => resolveS3LoaderConfig({ flags: {}, file: zero }))).toBe(
      "config file l.json: input.leaseDuration: must be longer than 0",
    );
    expect(
      usage(() => resolveS3LoaderConfig({ flags: { purpose: "raw", "shutdown-timeout": "never" } })),
    ).toStartWith("--shutdown-timeout must be a positive duration");
  });

  test("--help text names every flag", () => {
    for (const flag of [
      "--purpose",
      "--config",
      "--partition-format",
      "--partitioning",
      "--format",
      "--naming",
      "--time-limit",
      "--lease-duration",
      "--shutdown-timeout",
    ]) {
      expect(s3LoaderCommand.help).toContain(flag);
    }
  });
});

describe("runS3Loader", () => {
  const config = resolveS3LoaderConfig({ flags: { purpose: "raw", stage: "dev" } });

  test("runs until stopped, then stops the loader and prints what it wrote", async () => {
    const { io, stop, err } = testIo();
    let stopped = false;
    const fake = (async () => ({
      app: { metrics: () => ({ filesWritten: 2, recordsLoaded: 10, badRows: 1 }) },
      consumer: {},
      stop: async () => {
        stopped = true;
      },
    })) as unknown as typeof startS3Loader;
    const running = runS3Loader(config, io, fake);
    await Bun.sleep(10);
    expect(err()).toContain("furrow s3-loader (raw): furrow-dev-raw-stream → s3://furrow-dev-pipeline/raw/");
    stop();
    expect(await running).toBe(0);
    expect(stopped).toBe(true);
    expect(err()).toContain("stopped after 2 files, 10 records, 1 bad rows");
  });

  test("a loader that cannot start is exit status 1 with one line", async () => {
    const { io, err } = testIo();
    const failing = (async () => {
      throw new Error("Kinesis stream furrow-dev-bad-1-stream does not exist\nstack…");
    }) as unknown as typeof startS3Loader;
    expect(await runS3Loader(config, io, failing)).toBe(1);
    expect(err()).toBe(
      "furrow s3-loader (raw): error: Kinesis stream furrow-dev-bad-1-stream does not exist\n",
    );
  });

  test("a stop that outlives --shutdown-timeout gives up what is held and is exit status 1", async () => {
    const { io, stop, err } = testIo();
    let abandoned = false;
    let stopDeadlineMs: number | undefined;
    const fake = (async (_config, options) => {
      stopDeadlineMs = options?.stopDeadlineMs;
      return {
        app: {
          metrics: () => ({ filesWritten: 0, recordsLoaded: 0, badRows: 0, abandonedBatches: 0 }),
          abandon: () => {
            abandoned = true;
          },
        },
        consumer: {},
        // S3 and the lease table gone: the stop never ends.
        stop: () => new Promise<void>(() => {}),
      } as unknown as RunningS3Loader;
    }) as typeof startS3Loader;
    stop();
    const ops = {
      format: "text",
      level: "info",
      port: null,
      host: "0.0.0.0",
      shutdownTimeoutMs: 50,
    } as const;
    expect(await runS3Loader(config, io, fake, ops)).toBe(1);
    expect(abandoned).toBe(true);
    expect(stopDeadlineMs).toBe(40);
    expect(err()).toContain("error: gave up stopping after 50 ms (--shutdown-timeout)");
    expect(err()).not.toContain("stopped after");
  });

  test("a stop that gave batches up is exit status 1, naming them", async () => {
    const { io, stop, err } = testIo();
    const fake = (async () =>
      ({
        app: { metrics: () => ({ abandonedBatches: 3 }), abandon: () => {} },
        consumer: {},
        stop: async () => {},
      }) as unknown as RunningS3Loader) as unknown as typeof startS3Loader;
    stop();
    expect(await runS3Loader(config, io, fake)).toBe(1);
    expect(err()).toContain("gave up 3 batches S3 did not take in time; they were not checkpointed");
  });

  test("a stop that fails is exit status 1", async () => {
    const { io, stop } = testIo();
    const fake = (async () =>
      ({
        app: { metrics: () => ({}) },
        stop: async () => {
          throw new Error("lost");
        },
      }) as unknown as RunningS3Loader) as unknown as typeof startS3Loader;
    stop();
    expect(await runS3Loader(config, io, fake)).toBe(1);
  });
});
