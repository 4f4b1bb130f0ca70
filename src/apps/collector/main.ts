/**
 * @module
 * Wiring of the collector: builds the sinks the config names (Kinesis producers or stdout), the app,
 * and a Bun server, and stops them in order. No logic lives here; `furrow collector` (and later
 * `furrow up`) call `startCollector` with a validated config.
 *
 * Shutdown follows Snowplow's (core/Run.scala): keep serving for `preTerminationPeriod` so a load
 * balancer notices, stop accepting and let requests in flight finish, then flush both sinks and wait
 * for the stream to acknowledge everything accepted, then release the clients.
 *
 * Everything the collector reports at run time (sink write failures, sink health and back-pressure
 * changes, unexpected errors) goes through one `Logger`; by default text lines on `stderr`.
 */
import { DescribeStreamSummaryCommand, type KinesisClient } from "@aws-sdk/client-kinesis";
import { kinesisClient } from "../../adapters/kinesis/client.ts";
import { KinesisProducer } from "../../adapters/kinesis/producer.ts";
import { StdoutSink } from "../../adapters/stdout/stdout-sink.ts";
import { createLogger, type Logger } from "../../core/ops/log.ts";
import type { RecordSink } from "../../ports/record-sink.ts";
import { FURROW_VERSION } from "../furrow-version.ts";
import type { MicroService } from "../micro/routes.ts";
import { type CollectorClock, createCollectorApp } from "./app.ts";
import type { CollectorConfig, StreamSinkConfig } from "./config.ts";
import { CollectorMetrics } from "./metrics.ts";
import { watchSinkHealth } from "./sink-health.ts";

/** Sinks built by the caller instead of from the config (tests, benchmarks, `furrow up`). */
export interface CollectorSinks {
  readonly good: RecordSink;
  readonly bad: RecordSink;
  /** The payloads' `collector` suffix, e.g. `memory`. */
  readonly name: string;
  /** Called after both sinks closed. */
  readonly release?: () => Promise<void> | void;
}

export interface StartCollectorOptions {
  readonly config: CollectorConfig;
  /** Where the stdout sink prints good records. */
  readonly stdout: (text: string) => void;
  /** Where the stdout sink prints bad rows, and where the collector logs without a `logger`. */
  readonly stderr: (text: string) => void;
  /** Where the collector logs; text lines (`furrow collector: …`) on `stderr` by default. */
  readonly logger?: Logger;
  /** Use these sinks instead of building the ones the config names. */
  readonly sinks?: CollectorSinks;
  readonly clock?: CollectorClock;
  /**
   * Serve Snowplow Micro's API and console under `/micro/` from this (e.g. `startMicroFeed`'s
   * result); replays go to the good sink unless it names its own. The caller stops the feed.
   */
  readonly micro?: MicroService;
}

export interface RunningCollector {
  /** `http://host:port`, with the port the server actually took (config port 0 picks a free one). */
  readonly url: string;
  readonly port: number;
  readonly metrics: CollectorMetrics;
  readonly sinks: CollectorSinks;
  /**
   * Graceful stop: waits `preTerminationPeriod` (pass 0 to skip), stops accepting, lets requests
   * in flight finish, flushes both sinks and waits for their acknowledgement. Idempotent.
   */
  stop(options?: { readonly preTerminationPeriod?: number }): Promise<void>;
}

/** Bun caps a connection's idle timeout at 255 seconds (Snowplow's default is 610 s). */
const BUN_MAX_IDLE_SECONDS = 255;

/** Snowplow requires `region`; Furrow defaults it to `furrow up`'s. */
export const DEFAULT_KINESIS_REGION = "us-east-1";

/** A Kinesis client for one stream, without SDK retries: the producer retries with Snowplow's backoff. */
function kinesisClientFor(stream: StreamSinkConfig): KinesisClient {
  return kinesisClient(
    { region: stream.region ?? DEFAULT_KINESIS_REGION, endpoint: stream.customEndpoint },
    { maxAttempts: 1 },
  );
}

/** Fails start-up, as Snowplow's collector does, when a stream is missing or unreachable. */
async function checkStream(client: KinesisClient, name: string): Promise<void> {
  try {
    const out = await client.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    const status = out.StreamDescriptionSummary?.StreamStatus;
    if (status !== "ACTIVE" && status !== "UPDATING") {
      throw new Error(`Kinesis stream ${name} is ${status ?? "in an unknown state"}, not ACTIVE`);
    }
  } catch (e) {
    const error = e as Error;
    if (error.name === "ResourceNotFoundException") throw new Error(`Kinesis stream ${name} does not exist`);
    throw new Error(`cannot reach Kinesis stream ${name}: ${error.message}`);
  }
}

async function kinesisSinks(config: CollectorConfig): Promise<CollectorSinks> {
  const producer = (stream: StreamSinkConfig, client: KinesisClient) =>
    new KinesisProducer({
      client,
      streamName: stream.name,
      flush: {
        recordLimit: stream.buffer.recordLimit,
        byteLimit: stream.buffer.byteLimit,
        timeLimitMs: stream.buffer.timeLimit,
      },
      backoff: {
        minMs: stream.backoffPolicy.minBackoff,
        maxMs: stream.backoffPolicy.maxBackoff,
        unhealthyAfterFailures: stream.backoffPolicy.maxRetries,
      },
      maxBufferedBytes: config.backPressure.maxBufferedBytes,
      // A request waits on its records' acknowledgement: send them now, not after `timeLimit`.
      sendWhenIdle: config.backPressure.acknowledgeAfterWrite,
    });
  const goodClient = kinesisClientFor(config.streams.good);
  const badClient = kinesisClientFor(config.streams.bad);
  try {
    await checkStream(goodClient, config.streams.good.name);
    await checkStream(badClient, config.streams.bad.name);
  } catch (e) {
    goodClient.destroy();
    badClient.destroy();
    throw e;
  }
  return {
    good: producer(config.streams.good, goodClient),
    bad: producer(config.streams.bad, badClient),
    name: "kinesis",
    release: () => {
      goodClient.destroy();
      badClient.destroy();
    },
  };
}

function stdoutSinks(config: CollectorConfig, options: StartCollectorOptions): CollectorSinks {
  const bound = config.backPressure.maxBufferedBytes;
  return {
    good: new StdoutSink({
      write: options.stdout,
      maxRecordBytes: config.streams.good.maxBytes,
      maxBufferedBytes: bound,
    }),
    bad: new StdoutSink({
      write: options.stderr,
      maxRecordBytes: config.streams.bad.maxBytes,
      maxBufferedBytes: bound,
    }),
    name: "stdout",
  };
}

/** Sink gauges for `/metrics`: health always, buffer and failures where the sink reports them. */
function registerSinkMetrics(metrics: CollectorMetrics, sinks: CollectorSinks): void {
  const both = [
    ["good", sinks.good],
    ["bad", sinks.bad],
  ] as const;
  metrics.register({
    name: "furrow_collector_sink_healthy",
    help: "1 while the sink reports itself healthy.",
    type: "gauge",
    samples: () => both.map(([role, s]) => [{ sink: role }, s.isHealthy() ? 1 : 0] as const),
  });
  const buffered = (s: RecordSink): number | undefined => {
    if (s instanceof KinesisProducer) return s.metrics().bufferedBytes;
    const b = (s as { bufferedBytes?: unknown }).bufferedBytes;
    return typeof b === "number" ? b : undefined;
  };
  metrics.register({
    name: "furrow_collector_sink_buffered_bytes",
    help: "Bytes accepted by the sink and not yet acknowledged by the stream.",
    type: "gauge",
    samples: () =>
      both.flatMap(([role, s]) => {
        const b = buffered(s);
        return b === undefined ? [] : [[{ sink: role }, b] as const];
      }),
  });
  const producers = both.filter(
    (p): p is readonly [(typeof p)[0], KinesisProducer] => p[1] instanceof KinesisProducer,
  );
  if (producers.length > 0) {
    const counter = (
      name: string,
      help: string,
      pick: (m: ReturnType<KinesisProducer["metrics"]>) => number,
    ) =>
      metrics.register({
        name,
        help,
        type: "counter",
        samples: () => producers.map(([role, p]) => [{ sink: role }, pick(p.metrics())] as const),
      });
    counter(
      "furrow_collector_sink_records_acknowledged_total",
      "Records the stream acknowledged.",
      (m) => m.recordsWritten,
    );
    counter(
      "furrow_collector_sink_failed_attempts_total",
      "PutRecords calls that failed (not throttling).",
      (m) => m.failedAttempts,
    );
    counter(
      "furrow_collector_sink_records_retried_total",
      "Records sent again after a failure.",
      (m) => m.recordsRetried,
    );
    counter(
      "furrow_collector_sink_records_throttled_total",
      "Records refused for throughput.",
      (m) => m.recordsThrottled,
    );
  }
  metrics.register({
    name: "process_resident_memory_bytes",
    help: "Resident set size of the collector process.",
    type: "gauge",
    samples: () => [[{}, process.memoryUsage().rss] as const],
  });
}

/** Starts the collector: sinks, app, server. Throws if a stream is missing or the port is taken. */
export async function startCollector(options: StartCollectorOptions): Promise<RunningCollector> {
  const { config } = options;
  const sinks =
    options.sinks ??
    (config.streams.sink === "kinesis" ? await kinesisSinks(config) : stdoutSinks(config, options));
  const metrics = new CollectorMetrics();
  registerSinkMetrics(metrics, sinks);
  const logger = options.logger ?? createLogger({ app: "collector", write: options.stderr });
  const collector = createCollectorApp({
    config,
    goodSink: sinks.good,
    badSink: sinks.bad,
    clock: options.clock,
    metrics,
    version: FURROW_VERSION,
    sinkName: sinks.name,
    logger,
    micro: options.micro,
  });
  let server: ReturnType<typeof Bun.serve>;
  try {
    server = Bun.serve({
      hostname: config.interface,
      port: config.port,
      // The app answers a declared oversized body itself (413, counted); Bun cuts off a chunked
      // body that keeps going past the limit.
      maxRequestBodySize: config.networking.dropPayloadSize + 64 * 1024,
      idleTimeout: Math.min(
        BUN_MAX_IDLE_SECONDS,
        Math.max(1, Math.round(config.networking.idleTimeout / 1000)),
      ),
      routes: collector.routes,
      fetch: collector.hono.fetch,
      error(e) {
        logger.error(`a request failed: ${e.message}`, { event: "request-failed", stack: e.stack });
        return new Response("Internal Server Error", { status: 500 });
      },
    });
  } catch (e) {
    await Promise.all([sinks.good.close(), sinks.bad.close()]);
    await sinks.release?.();
    throw e;
  }
  const healthWatch = watchSinkHealth(
    [
      ["good", sinks.good],
      ["bad", sinks.bad],
    ],
    logger,
  );
  const port = server.port ?? config.port;
  const host = config.interface.includes(":") ? `[${config.interface}]` : config.interface;
  let stopping: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    metrics,
    sinks,
    stop(stopOptions) {
      stopping ??= (async () => {
        const wait = stopOptions?.preTerminationPeriod ?? config.preTerminationPeriod;
        if (wait > 0) await Bun.sleep(wait);
        // Stops accepting; resolves once requests in flight are answered, so every accepted record
        // has been handed to a sink before the sinks close.
        await server.stop();
        healthWatch.stop();
        await Promise.all([sinks.good.close(), sinks.bad.close()]);
        await sinks.release?.();
      })();
      return stopping;
    },
  };
}
