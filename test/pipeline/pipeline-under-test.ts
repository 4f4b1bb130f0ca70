/**
 * @module
 * The whole pipeline in this process, as `furrow up` lays it out: the embedded engines (with a
 * temporary data directory; PostgreSQL is a fresh database on the test machine's server when it
 * answers, PGlite otherwise), the stage's topology provisioned on them, then every app through its
 * public start function: the collector with its Kinesis sink, enrich in stream mode, the S3
 * loaders of raw, enriched (gzip TSV, and a second one writing Parquet) and bad data, and the
 * Postgres loaders of enriched events and of bad rows. `stop()` stops the apps in the direction
 * the data flows, each flushing what it holds, then the engines.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dynamodbClient } from "../../src/adapters/dynamodb/client.ts";
import { type Engines, startEngines } from "../../src/adapters/engines/launcher.ts";
import { kinesisClient } from "../../src/adapters/kinesis/client.ts";
import { connectPostgres } from "../../src/adapters/postgres/connect.ts";
import { provisionTopology } from "../../src/adapters/provision-topology.ts";
import { s3Client } from "../../src/adapters/s3/client.ts";
import { type RunningCollector, startCollector } from "../../src/apps/collector/main.ts";
import { ENRICH_PROCESSOR, type RunningEnrich, startEnrichStream } from "../../src/apps/enrich/main.ts";
import { postgresLoaderConfig } from "../../src/apps/postgres-loader/config.ts";
import { LoaderDatabase } from "../../src/apps/postgres-loader/database.ts";
import {
  buildLoader,
  type RunningPostgresLoader,
  startPostgresLoaderStream,
} from "../../src/apps/postgres-loader/main.ts";
import { defaultS3LoaderConfig, type S3LoaderConfig } from "../../src/apps/s3-loader/config.ts";
import { type RunningS3Loader, startS3Loader } from "../../src/apps/s3-loader/main.ts";
import { EnrichPipeline } from "../../src/core/enrich/pipeline.ts";
import { furrowTopology, type Topology } from "../../src/core/topology.ts";
import { testResolver } from "../support/enrich-test-resolver.ts";
import { kinesisCollectorConfig } from "../support/kinesis-collector-config.ts";

export const REGION = "us-east-1";
/** The test machine's PostgreSQL (trust auth); each run creates and drops a database of its own. */
const REAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/test";
/** Where the second enriched loader writes Parquet; not part of the topology. */
export const PARQUET_DIRECTORY = "enriched-parquet";

/**
 * The S3 loaders' time limit. A shard's next batch is read only once the one held is written (its
 * checkpoint must not pass an unwritten record), so a limit beyond the test would stall them.
 */
const S3_TIME_LIMIT_MS = 300;

/** KCL timings short enough for a test; the same for every consumer. */
const CONSUMER = {
  leaseDurationMs: 2_000,
  idleTimeBetweenReadsMs: 150,
  checkpointDebounceMs: 200,
  shardSyncIntervalMs: 1_000,
};

export interface RunningPipeline {
  readonly topology: Topology;
  readonly engines: Engines;
  /** True when Postgres is PGlite (no database of the test machine's server was free to use). */
  readonly pglite: boolean;
  readonly collector: RunningCollector;
  readonly enrich: RunningEnrich;
  readonly s3Loaders: {
    readonly raw: RunningS3Loader;
    readonly enriched: RunningS3Loader;
    readonly parquet: RunningS3Loader;
    readonly bad: RunningS3Loader;
  };
  readonly postgresLoaders: { readonly enriched: RunningPostgresLoader; readonly bad: RunningPostgresLoader };
  /** Every stream consumer: its KCL application (lease table) name and the stream it reads. */
  readonly consumers: readonly { readonly appName: string; readonly stream: string }[];
  /** Lines the apps logged, for a failing test's message. */
  readonly log: string[];
  /**
   * Stops the apps (collector, enrich, loaders: each flushes), keeping the engines running; the
   * database is free afterwards (PGlite takes one connection at a time).
   */
  stopApps(): Promise<void>;
  /** Stops what is still running, then the engines; drops the database and the data directory. */
  stop(): Promise<void>;
}

/** A fresh database on the real server, or null (with the reason printed) when it does not answer. */
async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> } | null> {
  const admin = connectPostgres({ url: REAL_POSTGRES, embedded: false }, { max: 1, connect_timeout: 3 });
  const name = `furrow_rt_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
  try {
    await admin.unsafe(`CREATE DATABASE ${name}`);
  } catch (e) {
    console.warn(
      `round trip on PGlite: PostgreSQL at ${REAL_POSTGRES} is unusable (${(e as Error).message})`,
    );
    await admin.end({ timeout: 1 });
    return null;
  }
  return {
    url: `postgres://postgres@127.0.0.1:5432/${name}`,
    async drop() {
      try {
        await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await admin.end({ timeout: 5 });
      }
    },
  };
}

/** Starts engines, provisions `stage` and starts every app. */
export async function startPipeline(stage: string): Promise<RunningPipeline> {
  const dataDir = await mkdtemp(join(tmpdir(), "furrow-pipeline-"));
  const database = await freshDatabase();
  const cleanups: (() => Promise<void>)[] = [
    async () => {
      await database?.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  ];
  const stopAll = async () => {
    const failures: unknown[] = [];
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((e) => failures.push(e));
    if (failures.length > 0) throw new AggregateError(failures, "could not stop the pipeline");
  };
  const appStops: (() => Promise<void>)[] = [];
  let sharedDb: LoaderDatabase | undefined;
  const stopApps = async () => {
    // In the direction the data flows: an app stops, flushing, before those that read its output.
    for (const stop of appStops.splice(0)) await stop();
    await sharedDb?.close();
    sharedDb = undefined;
  };
  const consumers: { appName: string; stream: string }[] = [];
  const log: string[] = [];
  const logLine = (line: string) => {
    log.push(line.trimEnd());
  };
  try {
    const engines = await startEngines({ dataDir, databaseUrl: database?.url });
    cleanups.push(() => engines.stop());
    cleanups.push(stopApps);
    const { endpoints } = engines;
    const topology = furrowTopology({ stage, shards: { raw: 2, enriched: 2 } });
    const kinesis = kinesisClient({ endpoint: endpoints.kinesis, region: REGION });
    const dynamodb = dynamodbClient({ endpoint: endpoints.dynamodb, region: REGION });
    const s3 = s3Client({ endpoint: endpoints.s3, region: REGION });
    try {
      await provisionTopology(topology, { kinesis, dynamodb, s3, region: REGION });
    } finally {
      kinesis.destroy();
      dynamodb.destroy();
      s3.destroy();
    }

    const collector = await startCollector({
      config: kinesisCollectorConfig(
        { good: topology.streams.raw.name, bad: topology.streams["bad-1"].name },
        { endpoint: endpoints.kinesis, region: REGION },
      ),
      stdout: () => {},
      stderr: logLine,
    });
    appStops.push(() => collector.stop({ preTerminationPeriod: 0 }));

    const enrichApp = topology.apps.enrich;
    const enrich = await startEnrichStream(
      {
        pipeline: new EnrichPipeline({ resolver: testResolver(), processor: ENRICH_PROCESSOR }),
        enrichments: [],
      },
      {
        input: {
          streamName: topology.streams.raw.name,
          appName: enrichApp.name,
          initialPosition: { type: "TRIM_HORIZON" },
        },
        output: { good: topology.streams.enriched.name, bad: topology.streams["bad-1"].name },
        kinesis: { endpoint: endpoints.kinesis, region: REGION },
        dynamodb: { endpoint: endpoints.dynamodb, region: REGION },
        consumer: CONSUMER,
        log: logLine,
      },
    );
    appStops.push(() => enrich.stop());
    consumers.push({ appName: enrichApp.name, stream: topology.streams.raw.name });

    const s3Loader = async (config: S3LoaderConfig) => {
      const running = await startS3Loader(
        {
          ...config,
          input: {
            ...config.input,
            kinesisEndpoint: endpoints.kinesis,
            dynamodbEndpoint: endpoints.dynamodb,
          },
          output: { ...config.output, s3Endpoint: endpoints.s3 },
          buffer: { ...config.buffer, timeLimitMs: S3_TIME_LIMIT_MS },
        },
        { idleTimeBetweenReadsMs: CONSUMER.idleTimeBetweenReadsMs, log: logLine },
      );
      appStops.push(() => running.stop());
      consumers.push({ appName: config.input.appName, stream: config.input.streamName });
      return running;
    };
    const enrichedConfig = defaultS3LoaderConfig("enriched", topology, REGION);
    const s3Loaders = {
      raw: await s3Loader(defaultS3LoaderConfig("raw", topology, REGION)),
      enriched: await s3Loader(enrichedConfig),
      parquet: await s3Loader({
        ...enrichedConfig,
        input: { ...enrichedConfig.input, appName: `${topology.prefix}-s3-loader-enriched-parquet` },
        output: {
          ...enrichedConfig.output,
          format: "parquet",
          path: { ...enrichedConfig.output.path, directory: PARQUET_DIRECTORY },
        },
      }),
      bad: await s3Loader(defaultS3LoaderConfig("bad", topology, REGION)),
    };

    // PGlite serves one connection: both loaders then share one session.
    const pglite = endpoints.embedded.postgres;
    if (pglite) sharedDb = await LoaderDatabase.connect({ url: endpoints.postgresUrl, embedded: true });
    const postgresLoader = async (purpose: "enriched" | "bad") => {
      const config = postgresLoaderConfig({
        purpose,
        stage,
        databaseUrl: endpoints.postgresUrl,
        igluConfig: "unused: the resolver is given",
        region: REGION,
        kinesisEndpoint: endpoints.kinesis,
        dynamodbEndpoint: endpoints.dynamodb,
      });
      if (!config.ok) throw new Error(config.error.join("; "));
      const built = await buildLoader(config.value, { resolver: testResolver(), db: sharedDb, log: logLine });
      const running = await startPostgresLoaderStream(built, config.value, {
        consumer: CONSUMER,
        log: logLine,
      });
      appStops.push(() => running.stop());
      const { input } = config.value;
      if (input.kind === "stream") consumers.push({ appName: input.appName, stream: input.streamName });
      return running;
    };
    const postgresLoaders = {
      enriched: await postgresLoader("enriched"),
      bad: await postgresLoader("bad"),
    };

    return {
      topology,
      engines,
      pglite,
      collector,
      enrich,
      s3Loaders,
      postgresLoaders,
      consumers,
      log,
      stopApps,
      stop: stopAll,
    };
  } catch (e) {
    await stopAll().catch(() => {});
    throw e;
  }
}
