/**
 * @module
 * Wiring of the Postgres loader: from a validated {@link PostgresLoaderConfig} it connects to the
 * database (PostgreSQL, or PGlite without COPY), reads the Iglu resolver config, creates the schema
 * and events table, and builds the purpose's loader; then either loads a file of lines, or runs a
 * KCL consumer of the input stream whose handler resolves only after the batch's transaction
 * committed and its bad rows reached the failures stream. No logic lives here.
 *
 * Shutdown: the consumer stops first (it finishes the batch in flight, flushes checkpoints of
 * acknowledged batches and releases its leases), then the failures producer flushes and closes,
 * then the pool ends.
 *
 * The stream mode keeps its telemetry (`apps/ops`): metrics named `furrow_postgres_loader_…` and
 * health (leases, the failures producer, batches failing); `--ops-port` serves it.
 */
import { resolverFromFile } from "../../adapters/iglu/resolver-from-file.ts";
import { kinesisClient } from "../../adapters/kinesis/client.ts";
import { KinesisProducer } from "../../adapters/kinesis/producer.ts";
import type { KinesisStreamConsumer, StreamConsumerConfig } from "../../adapters/kinesis/stream-consumer.ts";
import { redactedUrl } from "../../adapters/postgres/connect.ts";
import { processor } from "../../core/badrows/processor.ts";
import type { Resolver } from "../../core/iglu/resolver.ts";
import { formatResolverConfigError } from "../../core/iglu/resolver-config.ts";
import { KCL_LEASE_DURATION_MS } from "../../core/leases/lease-timing.ts";
import { createLogger, type Logger } from "../../core/ops/log.ts";
import type { RecordSink } from "../../ports/record-sink.ts";
import { FURROW_VERSION } from "../furrow-version.ts";
import { logConsumerEvent } from "../ops/consumer-log.ts";
import { connectObservedConsumer } from "../ops/observed-consumer.ts";
import { StreamWorkerTelemetry } from "../ops/stream-worker-telemetry.ts";
import { type BatchLoader, PostgresLoaderApp } from "./app.ts";
import type { PostgresLoaderConfig } from "./config.ts";
import { LoaderDatabase } from "./database.ts";
import { EnrichedLoader, prepareEventsTable } from "./enriched-loader.ts";
import { SelfDescribingLoader } from "./self-describing-loader.ts";
import { type CatalogEvent, EntityTableCatalog } from "./table-catalog.ts";

/** The software named in the loader's bad rows. */
export const POSTGRES_LOADER_PROCESSOR = processor("furrow-postgres-loader", FURROW_VERSION);

/** A configuration problem found while building (the resolver config, most often). */
export class LoaderSetupError extends Error {
  override readonly name = "LoaderSetupError";
}

/** A connected database and the purpose's loader. */
export interface BuiltLoader {
  readonly db: LoaderDatabase;
  readonly loader: BatchLoader;
  /** What the database is, for printing (password redacted, PGlite noted). */
  readonly description: string;
  close(): Promise<void>;
}

/** What to build the loader on; tests pass their own resolver or database. */
export interface BuildOptions {
  readonly resolver?: Resolver;
  readonly db?: LoaderDatabase;
  readonly log?: (line: string) => void;
  /** Structured logs of the table changes; wins over `log`. */
  readonly logger?: Logger;
}

function describeCatalogEvent(event: CatalogEvent): string {
  return event.type === "table-created"
    ? `created ${event.table} for ${event.schemaKey}`
    : `migrated ${event.table} to ${event.schemaKey}: ${event.statements.join("; ")}`;
}

/** Connects, prepares the schema and builds the loader of `config.purpose`. */
export async function buildLoader(
  config: PostgresLoaderConfig,
  options: BuildOptions = {},
): Promise<BuiltLoader> {
  const log = options.log ?? (() => {});
  const logger =
    options.logger ?? createLogger({ app: "postgres-loader", write: (line) => log(line.replace(/\n$/, "")) });
  let resolver = options.resolver ?? null;
  if (config.purpose === "enriched" && resolver === null) {
    if (config.igluConfig === null) throw new LoaderSetupError("--iglu-config is required");
    const built = await resolverFromFile(config.igluConfig);
    if (!built.ok) throw new LoaderSetupError(formatResolverConfigError(built.error));
    resolver = built.value;
  }
  const ownDb = options.db === undefined;
  const db =
    options.db ??
    (await LoaderDatabase.connect(
      { url: config.database.url, embedded: false },
      { maxConnections: config.database.maxConnections },
    ));
  const schema = config.database.schema;
  const description = `${redactedUrl(config.database.url)} schema ${schema}${db.capabilities.copyFromStdin ? "" : " (PGlite: JSON inserts, no COPY)"}`;
  const close = async () => {
    if (ownDb) await db.close();
  };
  try {
    if (config.purpose === "bad") {
      const loader = new SelfDescribingLoader({ db, schema, processor: POSTGRES_LOADER_PROCESSOR });
      return { db, loader, description, close };
    }
    await prepareEventsTable(db, schema);
    const catalog = new EntityTableCatalog({
      db,
      resolver: resolver!,
      schema,
      onEvent: (event) =>
        logger.info(describeCatalogEvent(event), {
          event: event.type,
          table: event.table,
          schemaKey: event.schemaKey,
        }),
    });
    const loader = new EnrichedLoader({ db, catalog, schema, processor: POSTGRES_LOADER_PROCESSOR });
    return { db, loader, description, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** Loads `lines` in batches of `batchSize`, bad rows to `failures`; resolves with the totals. */
export async function loadLines(
  built: BuiltLoader,
  lines: AsyncIterable<string>,
  failures: RecordSink,
  batchSize: number,
): Promise<PostgresLoaderApp["totals"]> {
  const app = new PostgresLoaderApp({ loader: built.loader, failures });
  let batch: string[] = [];
  for await (const line of lines) {
    if (line === "") continue;
    batch.push(line);
    if (batch.length >= batchSize) {
      await app.processLines(batch);
      batch = [];
    }
  }
  if (batch.length > 0) await app.processLines(batch);
  await failures.flush();
  return app.totals;
}

export interface RunningPostgresLoader {
  readonly consumer: KinesisStreamConsumer;
  readonly totals: PostgresLoaderApp["totals"];
  /** Its metrics and health, for `/metrics` and `/health`. */
  readonly telemetry: StreamWorkerTelemetry;
  /** Stops consuming, flushes the failures stream and ends the pool. Idempotent. */
  stop(): Promise<void>;
}

/** The telemetry of a Postgres loader: metrics named `furrow_postgres_loader_…` with its purpose. */
export function postgresLoaderTelemetry(
  purpose: PostgresLoaderConfig["purpose"],
  leaseDurationMs = KCL_LEASE_DURATION_MS,
): StreamWorkerTelemetry {
  return new StreamWorkerTelemetry({
    app: "postgres-loader",
    namespace: "furrow_postgres_loader",
    constLabels: { purpose },
    leaseDurationMs,
  });
}

/** Runs the loader on its input stream until `stop()`. */
export async function startPostgresLoaderStream(
  built: BuiltLoader,
  config: PostgresLoaderConfig,
  options: {
    readonly log?: (line: string) => void;
    /** Structured logs of the same events; wins over `log`. */
    readonly logger?: Logger;
    /** Metrics and health to feed; one is made when absent (`RunningPostgresLoader.telemetry`). */
    readonly telemetry?: StreamWorkerTelemetry;
    /** KCL timings (lease duration, read interval, checkpoint debounce); KCL's defaults otherwise. */
    readonly consumer?: Omit<StreamConsumerConfig, "streamName" | "appName" | "initialPosition">;
  } = {},
): Promise<RunningPostgresLoader> {
  const { input, failures } = config;
  if (input.kind !== "stream" || failures.kind !== "stream")
    throw new LoaderSetupError("stream settings missing");
  const log = options.log ?? (() => {});
  const logger =
    options.logger ?? createLogger({ app: "postgres-loader", write: (line) => log(line.replace(/\n$/, "")) });
  const telemetry =
    options.telemetry ?? postgresLoaderTelemetry(config.purpose, options.consumer?.leaseDurationMs);
  const client = kinesisClient(failures.kinesis, { maxAttempts: 1 });
  const producer = new KinesisProducer({ client, streamName: failures.streamName });
  const app = new PostgresLoaderApp({ loader: built.loader, failures: producer });
  telemetry.watchSink("bad", producer);
  telemetry.written(() => ({
    loaded: app.totals.loaded,
    duplicates: app.totals.duplicates,
    bad: app.totals.bad,
  }));
  let consumer: KinesisStreamConsumer;
  try {
    consumer = await connectObservedConsumer(
      {
        ...options.consumer,
        streamName: input.streamName,
        appName: input.appName,
        initialPosition: input.initialPosition,
      },
      { kinesis: input.kinesis, dynamodb: input.dynamodb },
      telemetry,
      (event) => logConsumerEvent(logger, event),
    );
  } catch (e) {
    client.destroy();
    throw e;
  }
  await consumer.start(
    telemetry.handler(async (batch) => {
      await app.processBatch(batch.records.map((r) => r.data));
    }),
  );
  telemetry.running(consumer);
  let stopping: Promise<void> | undefined;
  return {
    consumer,
    totals: app.totals,
    telemetry,
    stop() {
      stopping ??= (async () => {
        telemetry.stopping();
        await consumer.stop();
        await producer.close();
        client.destroy();
        await built.close();
      })();
      return stopping;
    },
  };
}
