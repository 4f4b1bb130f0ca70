/**
 * @module
 * Wiring of the S3 loader: from a validated config, the S3 object store, the Kinesis producer of
 * the failures stream, the KCL consumer of the input stream (lease table = the app name), and the
 * loader app between them. No logic lives here; `furrow s3-loader` calls it.
 *
 * The consumer checkpoints after every acknowledged batch (`checkpointDebounceMs: 0`), as Snowplow
 * 2.x checkpoints at every flush: a batch is acknowledged only once its file is written, and with
 * `sequence` naming a restart then rewrites at most the file it was writing.
 *
 * Shutdown: the loader starts draining (everything held is written now, and each batch the
 * consumer still delivers at once), the consumer stops (it waits for those batches, checkpoints
 * them and releases its leases), then the producer flushes. If S3 is still unreachable after
 * `stopDeadlineMs`, the loader abandons what it holds: those batches are not acknowledged, and
 * the next worker reads them again (`app.metrics().abandonedBatches` counts them).
 *
 * Its telemetry (`apps/ops`) counts what it reads and writes and reports health: the consumer's
 * leases, the failures producer, and S3 (puts failing); `furrow s3-loader --ops-port` serves it.
 */
import { DescribeStreamSummaryCommand, type KinesisClient } from "@aws-sdk/client-kinesis";
import { HeadBucketCommand, type S3Client } from "@aws-sdk/client-s3";
import type { AwsConnection } from "../../adapters/aws-connection.ts";
import { kinesisClient } from "../../adapters/kinesis/client.ts";
import { KinesisProducer } from "../../adapters/kinesis/producer.ts";
import type { KinesisStreamConsumer } from "../../adapters/kinesis/stream-consumer.ts";
import { s3Client } from "../../adapters/s3/client.ts";
import { S3ObjectStore } from "../../adapters/s3/object-store.ts";
import { processor } from "../../core/badrows/processor.ts";
import { KCL_LEASE_DURATION_MS } from "../../core/leases/lease-timing.ts";
import type { Compress } from "../../core/loading/gzip.ts";
import type { LoaderPurpose } from "../../core/loading/purpose.ts";
import { createLogger, firstLine, type LogFields, type Logger } from "../../core/ops/log.ts";
import type { ObjectStore } from "../../ports/object-store.ts";
import { FURROW_VERSION } from "../furrow-version.ts";
import { logConsumerEvent } from "../ops/consumer-log.ts";
import { connectObservedConsumer } from "../ops/observed-consumer.ts";
import { StreamWorkerTelemetry } from "../ops/stream-worker-telemetry.ts";
import { type LoaderEvent, S3LoaderApp } from "./app.ts";
import type { S3LoaderConfig } from "./config.ts";
import { encodeParquet } from "./parquet.ts";
import { zlibGzip } from "./zlib-gzip.ts";

/** The software named in the loader's bad rows. */
export const S3_LOADER_PROCESSOR = processor("furrow-s3-loader", FURROW_VERSION);

export interface StartS3LoaderOptions {
  /** One line per event worth a log (files written, failed puts, leases). */
  readonly log?: (line: string) => void;
  /** Structured logs of the same events; wins over `log`. */
  readonly logger?: Logger;
  /** Metrics and health to feed; one is made when absent (`RunningS3Loader.telemetry`). */
  readonly telemetry?: StreamWorkerTelemetry;
  /** How long a stop waits for S3 before abandoning what is held; 30 s by default. */
  readonly stopDeadlineMs?: number;
  /** Gzip implementation; `node:zlib`'s by default, the faster under Bun (see `zlib-gzip.ts`). */
  readonly compress?: Compress;
  /** An object store to use instead of the config's S3 bucket (tests). */
  readonly store?: ObjectStore;
  /** Waits between attempts of a failing put. */
  readonly retry?: { readonly initialMs: number; readonly maxMs: number };
  /** The consumer's pause between reads of a shard; KCL's 1500 ms by default. */
  readonly idleTimeBetweenReadsMs?: number;
}

export interface RunningS3Loader {
  readonly app: S3LoaderApp;
  readonly consumer: KinesisStreamConsumer;
  /** Its metrics and health, for `/metrics` and `/health`. */
  readonly telemetry: StreamWorkerTelemetry;
  /** Stops consuming, writes or abandons what is held, flushes bad rows. Idempotent. */
  stop(): Promise<void>;
}

async function checkStream(client: KinesisClient, name: string): Promise<void> {
  try {
    const out = await client.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    const status = out.StreamDescriptionSummary?.StreamStatus;
    if (status !== "ACTIVE" && status !== "UPDATING") {
      throw new Error(`Kinesis stream ${name} is ${status ?? "in an unknown state"}, not ACTIVE`);
    }
  } catch (e) {
    if ((e as Error).name === "ResourceNotFoundException")
      throw new Error(`Kinesis stream ${name} does not exist`);
    throw e;
  }
}

async function checkBucket(client: S3Client, bucket: string): Promise<void> {
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch (e) {
    const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 404) throw new Error(`S3 bucket ${bucket} does not exist (\`furrow up\` creates it)`);
    throw new Error(`cannot reach S3 bucket ${bucket}: ${firstLine(e)}`);
  }
}

/** The loader's events worth a log record. */
function logLoaderEvent(logger: Logger, event: LoaderEvent): void {
  const fields: LogFields = { event: event.type };
  switch (event.type) {
    case "file-written":
      logger.info(
        `wrote ${event.key} (${event.records} records, ${event.bytes} bytes${event.attempts > 1 ? `, after ${event.attempts} attempts` : ""})`,
        { ...fields, key: event.key, records: event.records, bytes: event.bytes, attempts: event.attempts },
      );
      break;
    case "put-failed":
      logger.warn(
        `could not write ${event.key} (attempt ${event.attempt}: ${firstLine(event.error)}); retrying in ${event.retryInMs} ms`,
        { ...fields, key: event.key, attempt: event.attempt, retryInMs: event.retryInMs },
      );
      break;
    case "bad-rows-written":
      logger.info(`wrote ${event.count} bad rows`, { ...fields, count: event.count });
      break;
    case "abandoned":
      logger.error(`gave up ${event.batches} batches, not acknowledged: ${firstLine(event.error)}`, {
        ...fields,
        batches: event.batches,
      });
      break;
    default:
      break;
  }
}

/** The telemetry of an S3 loader, whose metrics are named `furrow_s3_loader_…` with its purpose. */
export function s3LoaderTelemetry(
  purpose: LoaderPurpose,
  leaseDurationMs = KCL_LEASE_DURATION_MS,
): StreamWorkerTelemetry {
  return new StreamWorkerTelemetry({
    app: "s3-loader",
    namespace: "furrow_s3_loader",
    constLabels: { purpose },
    leaseDurationMs,
  });
}

/** Starts the loader. Throws when a stream or the bucket is missing or unreachable. */
export async function startS3Loader(
  config: S3LoaderConfig,
  options: StartS3LoaderOptions = {},
): Promise<RunningS3Loader> {
  const log = options.log ?? (() => {});
  const logger =
    options.logger ??
    createLogger({
      app: "s3-loader",
      textName: `s3-loader (${config.purpose})`,
      write: (line) => log(line.replace(/\n$/, "")),
    });
  const telemetry = options.telemetry ?? s3LoaderTelemetry(config.purpose, config.input.leaseDurationMs);
  const kinesisConnection: AwsConnection = { endpoint: config.input.kinesisEndpoint, region: config.region };
  const dynamodbConnection: AwsConnection = {
    endpoint: config.input.dynamodbEndpoint,
    region: config.region,
  };
  const s3 = s3Client({ endpoint: config.output.s3Endpoint, region: config.region });
  const kinesis = kinesisClient(kinesisConnection, { maxAttempts: 1 });
  const release = () => {
    s3.destroy();
    kinesis.destroy();
  };
  let producer: KinesisProducer;
  let consumer: KinesisStreamConsumer;
  let app: S3LoaderApp;
  try {
    if (options.store === undefined) await checkBucket(s3, config.output.path.bucket);
    await checkStream(kinesis, config.output.badStreamName);
    producer = new KinesisProducer({ client: kinesis, streamName: config.output.badStreamName });
    app = new S3LoaderApp({
      layout: {
        purpose: config.purpose,
        format: config.output.format,
        output: config.output.path,
        partition: config.output.partitionFormat,
        filenamePrefix: config.output.filenamePrefix,
        naming: config.output.naming,
        maxRecordsPerFile: config.buffer.recordLimit,
        maxBytesPerFile: config.buffer.byteLimit,
      },
      store: options.store ?? new S3ObjectStore(s3, config.output.path.bucket),
      failures: producer,
      processor: S3_LOADER_PROCESSOR,
      buffer: config.buffer,
      fullBatchRecords: config.input.maxRecords,
      retry: options.retry,
      compress: options.compress ?? zlibGzip,
      encodeParquet: (columns) => encodeParquet(columns, `furrow-s3-loader ${FURROW_VERSION}`),
      onEvent: (event) => logLoaderEvent(logger, event),
    });
    telemetry.watchSink("s3", app);
    telemetry.watchSink("bad", producer);
    const loader = app;
    telemetry.written(() => {
      const m = loader.metrics();
      return { loaded: m.recordsLoaded, bad: m.badRows };
    });
    consumer = await connectObservedConsumer(
      {
        streamName: config.input.streamName,
        appName: config.input.appName,
        initialPosition: config.input.initialPosition,
        maxRecords: config.input.maxRecords,
        checkpointDebounceMs: 0,
        ...(config.input.leaseDurationMs === undefined
          ? {}
          : { leaseDurationMs: config.input.leaseDurationMs }),
        ...(options.idleTimeBetweenReadsMs === undefined
          ? {}
          : { idleTimeBetweenReadsMs: options.idleTimeBetweenReadsMs }),
      },
      { kinesis: kinesisConnection, dynamodb: dynamodbConnection },
      telemetry,
      (event) => logConsumerEvent(logger, event),
    );
  } catch (e) {
    release();
    throw e;
  }
  try {
    await consumer.start(telemetry.handler((batch) => app.handle(batch)));
  } catch (e) {
    await producer.close();
    release();
    throw e;
  }
  telemetry.running(consumer);
  const stopDeadlineMs = options.stopDeadlineMs ?? 30_000;
  let stopping: Promise<void> | undefined;
  return {
    app,
    consumer,
    telemetry,
    stop() {
      stopping ??= (async () => {
        telemetry.stopping();
        app.drain();
        const deadline = setTimeout(() => app.abandon(), stopDeadlineMs);
        try {
          await consumer.stop();
          await app.flush();
        } finally {
          clearTimeout(deadline);
          await producer.close();
          release();
        }
      })();
      return stopping;
    },
  };
}
