/**
 * @module
 * Wiring of the enrich app: reads the Iglu resolver config and the enrichment configs once,
 * builds the pipeline, and, for the long-running mode, the Kinesis sinks and the KCL consumer of
 * the raw stream. No logic lives here; `furrow enrich` calls these with validated settings.
 *
 * Shutdown: the consumer stops first (it finishes the batch in flight, flushes checkpoints of
 * acknowledged batches and releases its leases), then the sinks flush and close, then the
 * enrichments release what they hold.
 *
 * The stream mode always keeps its telemetry (metrics and health, `apps/ops`); `furrow enrich
 * --ops-port` serves it.
 */
import { readdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { AwsConnection } from "../../adapters/aws-connection.ts";
import { bunEnrichmentServices, enrichmentDeps } from "../../adapters/enrich/deps.ts";
import { resolverFromFile } from "../../adapters/iglu/resolver-from-file.ts";
import { kinesisClient } from "../../adapters/kinesis/client.ts";
import { KinesisProducer } from "../../adapters/kinesis/producer.ts";
import type { KinesisStreamConsumer, StreamConsumerConfig } from "../../adapters/kinesis/stream-consumer.ts";
import { processor } from "../../core/badrows/processor.ts";
import type { Enrichment, EnrichmentServices } from "../../core/enrich/enrichment.ts";
import {
  buildEnrichments,
  closeEnrichments,
  type EnrichmentConfigSource,
  formatEnrichmentConfigProblem,
} from "../../core/enrich/enrichment-config.ts";
import { ENRICHMENT_FACTORIES } from "../../core/enrich/enrichments/index.ts";
import { EnrichPipeline } from "../../core/enrich/pipeline.ts";
import { formatResolverConfigError } from "../../core/iglu/resolver-config.ts";
import { KCL_LEASE_DURATION_MS } from "../../core/leases/lease-timing.ts";
import { createLogger, type Logger } from "../../core/ops/log.ts";
import { err, ok, type Result } from "../../core/result.ts";
import type { InitialPosition } from "../../ports/shard-reader.ts";
import { FURROW_VERSION } from "../furrow-version.ts";
import { logConsumerEvent } from "../ops/consumer-log.ts";
import { connectObservedConsumer } from "../ops/observed-consumer.ts";
import { StreamWorkerTelemetry } from "../ops/stream-worker-telemetry.ts";
import { type BatchSummary, EnrichApp, type EnrichSinks } from "./app.ts";

/** The software named in bad rows; `v_etl` is `furrow-enrich-<version>`. */
export const ENRICH_PROCESSOR = processor("furrow-enrich", FURROW_VERSION);

/** Settings of the pipeline itself, common to both modes. */
export interface PipelineSettings {
  readonly igluConfig: string;
  /** A directory of enrichment configs (`*.json`); none when absent. */
  readonly enrichmentsDir?: string;
  readonly emitFailed: boolean;
  readonly acceptInvalid?: boolean;
  readonly maxJsonDepth?: number;
  /** Where `s3://` assets are read from. */
  readonly s3?: AwsConnection;
  /** Runtime services for enrichments; this build's (MaxMind, the script sandbox, PostgreSQL) by default. */
  readonly services?: Partial<EnrichmentServices>;
}

/** A built pipeline and what must be released with it. */
export interface BuiltPipeline {
  readonly pipeline: EnrichPipeline;
  readonly enrichments: readonly Enrichment[];
}

/** The `*.json` files of a directory, in name order, parsed. A file that is not JSON is a problem. */
export async function readEnrichmentConfigs(
  dir: string,
): Promise<Result<EnrichmentConfigSource[], string[]>> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith(".json")).sort();
  } catch (e) {
    return err([`cannot read the enrichments directory ${dir}: ${(e as Error).message}`]);
  }
  const configs: EnrichmentConfigSource[] = [];
  const problems: string[] = [];
  for (const name of names) {
    const text = await readFile(join(dir, name), "utf8");
    try {
      configs.push({ source: name, json: JSON.parse(text) });
    } catch (e) {
      problems.push(`${name}: not valid JSON (${(e as Error).message})`);
    }
  }
  return problems.length > 0 ? err(problems) : ok(configs);
}

/** Builds the resolver, the enrichments and the pipeline; every problem as one line. */
export async function buildPipeline(settings: PipelineSettings): Promise<Result<BuiltPipeline, string[]>> {
  const resolver = await resolverFromFile(settings.igluConfig);
  if (!resolver.ok) return err(formatResolverConfigError(resolver.error).split("\n"));
  let enrichments: Enrichment[] = [];
  if (settings.enrichmentsDir !== undefined) {
    const dir = resolve(settings.enrichmentsDir);
    const configs = await readEnrichmentConfigs(dir);
    if (!configs.ok) return configs;
    const services = settings.services ?? bunEnrichmentServices({ maxJsonDepth: settings.maxJsonDepth });
    const deps = enrichmentDeps({ baseDir: dir, s3: settings.s3, services });
    const built = await buildEnrichments(configs.value, ENRICHMENT_FACTORIES, deps);
    if (!built.ok) return err(built.error.map(formatEnrichmentConfigProblem));
    enrichments = built.value;
  }
  const pipeline = new EnrichPipeline({
    resolver: resolver.value,
    processor: ENRICH_PROCESSOR,
    enrichments,
    emitFailed: settings.emitFailed,
    acceptInvalid: settings.acceptInvalid,
    maxJsonDepth: settings.maxJsonDepth,
  });
  return ok({ pipeline, enrichments });
}

/** Settings of the long-running mode. */
export interface StreamSettings {
  readonly input: {
    readonly streamName: string;
    /** The KCL application name, which is the lease table's name. */
    readonly appName: string;
    readonly initialPosition: InitialPosition;
  };
  readonly output: { readonly good: string; readonly bad: string; readonly failed?: string };
  readonly kinesis: AwsConnection;
  readonly dynamodb: AwsConnection;
  /** KCL settings beyond the defaults (lease duration, polling, checkpoint debounce). */
  readonly consumer?: Omit<StreamConsumerConfig, "streamName" | "appName" | "initialPosition">;
  /** Reports batches and consumer events (lease changes, errors), one text line each. */
  readonly log?: (line: string) => void;
  /** Structured logs of the same events; wins over `log`. */
  readonly logger?: Logger;
  /** Metrics and health to feed; one is made when absent (`RunningEnrich.telemetry`). */
  readonly telemetry?: StreamWorkerTelemetry;
}

/** The telemetry of an enrich worker, whose metrics are named `furrow_enrich_…`. */
export function enrichTelemetry(leaseDurationMs = KCL_LEASE_DURATION_MS): StreamWorkerTelemetry {
  return new StreamWorkerTelemetry({ app: "enrich", namespace: "furrow_enrich", leaseDurationMs });
}

export interface RunningEnrich {
  readonly consumer: KinesisStreamConsumer;
  /** Batches handled so far and what they produced. */
  readonly totals: { batches: number; records: number; good: number; bad: number; failed: number };
  /** Its metrics and health, for `/metrics` and `/health`. */
  readonly telemetry: StreamWorkerTelemetry;
  /** Stops consuming, flushes the sinks and releases everything. Idempotent. */
  stop(): Promise<void>;
}

/** Runs the pipeline on the raw stream until `stop()`. */
export async function startEnrichStream(
  built: BuiltPipeline,
  settings: StreamSettings,
): Promise<RunningEnrich> {
  const log = settings.log ?? (() => {});
  const logger =
    settings.logger ?? createLogger({ app: "enrich", write: (line) => log(line.replace(/\n$/, "")) });
  const telemetry = settings.telemetry ?? enrichTelemetry(settings.consumer?.leaseDurationMs);
  const client = kinesisClient(settings.kinesis, { maxAttempts: 1 });
  // Enrich's own output limits (500 records, 5 MiB per PutRecords), sent at once: the batch is
  // acknowledged, and checkpointed, only when its last record is written, so a time-based flush
  // (the collector's 5 s) would hold every partial batch for that long.
  const producer = (streamName: string) =>
    new KinesisProducer({
      client,
      streamName,
      flush: { recordLimit: 500, byteLimit: 5_242_880, timeLimitMs: 0 },
    });
  const sinks: EnrichSinks = {
    good: producer(settings.output.good),
    bad: producer(settings.output.bad),
    ...(settings.output.failed === undefined ? {} : { failed: producer(settings.output.failed) }),
  };
  const app = new EnrichApp({ pipeline: built.pipeline, sinks });
  const totals = { batches: 0, records: 0, good: 0, bad: 0, failed: 0 };
  telemetry.watchSink("good", sinks.good);
  telemetry.watchSink("bad", sinks.bad);
  if (sinks.failed) telemetry.watchSink("failed", sinks.failed);
  telemetry.written(() => ({ good: totals.good, bad: totals.bad, failed: totals.failed }));
  let consumer: KinesisStreamConsumer;
  try {
    consumer = await connectObservedConsumer(
      {
        ...settings.consumer,
        streamName: settings.input.streamName,
        appName: settings.input.appName,
        initialPosition: settings.input.initialPosition,
      },
      { kinesis: settings.kinesis, dynamodb: settings.dynamodb },
      telemetry,
      (event) => logConsumerEvent(logger, event),
    );
  } catch (e) {
    client.destroy();
    throw e;
  }
  await consumer.start(
    telemetry.handler(async (batch) => {
      const summary: BatchSummary = await app.processBatch(batch.records.map((r) => r.data));
      totals.batches++;
      totals.records += summary.records;
      totals.good += summary.good;
      totals.bad += summary.bad;
      totals.failed += summary.failed;
    }),
  );
  telemetry.running(consumer);
  let stopping: Promise<void> | undefined;
  return {
    consumer,
    totals,
    telemetry,
    stop() {
      stopping ??= (async () => {
        telemetry.stopping();
        await consumer.stop();
        await Promise.all([sinks.good.close(), sinks.bad.close(), sinks.failed?.close()]);
        client.destroy();
        await closeEnrichments(built.enrichments);
      })();
      return stopping;
    },
  };
}
