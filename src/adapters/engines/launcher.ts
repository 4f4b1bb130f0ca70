/**
 * @module
 * Starts the four services Furrow needs (Kinesis, DynamoDB, S3, Postgres): each one embedded in
 * this process on a free port, unless an endpoint for it is given, in which case that endpoint is
 * used as it is. Mixing is allowed, e.g. embedded Kinesis with a real PostgreSQL. With a data
 * directory the embedded engines keep their state across restarts, one subfolder each.
 *
 * @example
 * const engines = await startEngines({ dataDir: ".furrow/data", databaseUrl: "postgres://…" });
 * engines.endpoints.kinesis; // "http://127.0.0.1:41234"
 * await engines.stop();
 */
import { join } from "node:path";
import { type DataDirLock, lockDataDir } from "./data-dir-lock.ts";
import { startDynalite } from "./dynalite.ts";
import { startKinesalite } from "./kinesalite.ts";
import { startPglite } from "./pglite.ts";
import {
  type EmbeddedEngineOptions,
  ENGINE_NAMES,
  type EngineName,
  type RunningEngine,
  stopOnce,
} from "./running-engine.ts";
import { startS3rver } from "./s3rver.ts";

export interface EngineSettings {
  /** Interface the embedded engines bind; 127.0.0.1 by default. */
  readonly host?: string;
  /**
   * Keeps the embedded engines' state in `<dataDir>/{kinesis,dynamodb,s3,postgres}`; in memory when
   * absent. One process at a time: the folder is locked while the engines run.
   */
  readonly dataDir?: string;
  /** Use this Kinesis endpoint instead of starting kinesalite. */
  readonly kinesisEndpoint?: string;
  /** Use this DynamoDB endpoint instead of starting dynalite. */
  readonly dynamodbEndpoint?: string;
  /** Use this S3 endpoint instead of starting s3rver. */
  readonly s3Endpoint?: string;
  /** Use this PostgreSQL server instead of starting PGlite. */
  readonly databaseUrl?: string;
}

export interface Endpoints {
  readonly kinesis: string;
  readonly dynamodb: string;
  readonly s3: string;
  readonly postgresUrl: string;
  /** Which services run in this process (embedded PGlite takes one connection: `max: 1`). */
  readonly embedded: Readonly<Record<EngineName, boolean>>;
}

export interface Engines {
  readonly endpoints: Endpoints;
  /** One per service, in `ENGINE_NAMES` order. */
  readonly running: readonly RunningEngine[];
  /** Stops every embedded engine; idempotent. Afterwards none of their ports listens. */
  stop(): Promise<void>;
}

const STARTERS: Record<EngineName, (options: EmbeddedEngineOptions) => Promise<RunningEngine>> = {
  kinesis: startKinesalite,
  dynamodb: startDynalite,
  s3: startS3rver,
  postgres: startPglite,
};

function givenEndpoint(settings: EngineSettings, name: EngineName): string | undefined {
  switch (name) {
    case "kinesis":
      return settings.kinesisEndpoint;
    case "dynamodb":
      return settings.dynamodbEndpoint;
    case "s3":
      return settings.s3Endpoint;
    case "postgres":
      return settings.databaseUrl;
  }
}

/** An endpoint given from outside: used as is, never stopped. */
function externalEngine(name: EngineName, url: string): RunningEngine {
  return { name, url, embedded: false, stop: async () => {} };
}

/** Stops engines concurrently; reports every failure, not just the first. */
async function stopAll(engines: readonly RunningEngine[]): Promise<void> {
  const results = await Promise.allSettled(engines.map((e) => e.stop()));
  const failures = results.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
  if (failures.length > 0) throw new AggregateError(failures, "could not stop every engine");
}

/**
 * Starts what is not given, concurrently (PGlite's start dominates). If one fails, the others
 * are stopped before the error is thrown, so a failed start leaves no port open.
 */
export async function startEngines(settings: EngineSettings = {}): Promise<Engines> {
  const anyEmbedded = ENGINE_NAMES.some((name) => givenEndpoint(settings, name) === undefined);
  const lock: DataDirLock | undefined =
    settings.dataDir !== undefined && anyEmbedded ? await lockDataDir(settings.dataDir) : undefined;
  const results = await Promise.allSettled(
    ENGINE_NAMES.map((name) => {
      const url = givenEndpoint(settings, name);
      if (url !== undefined) return Promise.resolve(externalEngine(name, url));
      const dataDir = settings.dataDir === undefined ? undefined : join(settings.dataDir, name);
      return STARTERS[name]({ host: settings.host, dataDir });
    }),
  );
  const running = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  const failed = results.find((r) => r.status === "rejected");
  if (failed) {
    await stopAll(running).catch(() => {});
    await lock?.release();
    throw failed.reason;
  }
  const byName = Object.fromEntries(running.map((e) => [e.name, e])) as Record<EngineName, RunningEngine>;
  return {
    endpoints: {
      kinesis: byName.kinesis.url,
      dynamodb: byName.dynamodb.url,
      s3: byName.s3.url,
      postgresUrl: byName.postgres.url,
      embedded: {
        kinesis: byName.kinesis.embedded,
        dynamodb: byName.dynamodb.embedded,
        s3: byName.s3.embedded,
        postgres: byName.postgres.embedded,
      },
    },
    running,
    stop: stopOnce(async () => {
      try {
        await stopAll(running);
      } finally {
        await lock?.release();
      }
    }),
  };
}
