/**
 * @module
 * Wires the Iglu Server: from a validated {@link IgluServerConfig} it opens the storage (a
 * PostgreSQL server, embedded PGlite, or the in-memory dummy), creates or migrates the tables,
 * builds the app and serves it with `Bun.serve`. `setupIgluServer` only creates the tables (the
 * reference's `setup` subcommand).
 *
 * The Postgres pool gives up on a connection after 5 s, so while the database is away requests
 * answer 503 promptly; postgres.js reconnects on the next query once it is back.
 *
 * Operations: `GET /api/meta/health` (and `/api/meta/health/db`) are the reference's health
 * checks; `GET /metrics` adds Prometheus metrics (`furrow_iglu_server_…`) on the same port.
 */

import { join } from "node:path";
import { type DataDirLock, lockDataDir } from "../../adapters/engines/data-dir-lock.ts";
import { startPglite } from "../../adapters/engines/pglite.ts";
import type { RunningEngine } from "../../adapters/engines/running-engine.ts";
import { connectPostgres, redactedUrl } from "../../adapters/postgres/connect.ts";
import { withHttpMetrics } from "../ops/http-metrics.ts";
import { createIgluServerApp } from "./app.ts";
import type { IgluServerConfig, StorageSettings } from "./config.ts";
import { MemorySchemaStore } from "./storage/memory-store.ts";
import { migrateSchemaStore, PostgresSchemaStore } from "./storage/postgres-store.ts";
import type { SchemaStore } from "./storage/schema-store.ts";

export interface RunningIgluServer {
  /** `http://host:port`, the base of the API (`{url}/api`) and of the static layout (`{url}/schemas`). */
  readonly url: string;
  readonly port: number;
  /** What the storage is, for printing (passwords redacted). */
  readonly storage: string;
  readonly store: SchemaStore;
  /** Stops serving, closes the pool and stops embedded PGlite. Idempotent. */
  stop(): Promise<void>;
}

interface OpenStorage {
  readonly store: SchemaStore;
  readonly description: string;
  close(): Promise<void>;
}

/** Opens the configured storage, with its tables created or migrated. */
async function openStorage(settings: StorageSettings): Promise<OpenStorage> {
  if (settings.kind === "dummy") {
    const store = new MemorySchemaStore({ withDummySuperKey: true });
    return { store, description: "in-memory (dummy)", close: async () => {} };
  }
  let engine: RunningEngine | undefined;
  let lock: DataDirLock | undefined;
  if (settings.kind === "embedded") {
    // As `furrow up` does: one process per folder (two PGlites on one folder corrupt it), and
    // PGlite's files in a `postgres` subfolder.
    lock = await lockDataDir(settings.dataDir);
    try {
      engine = await startPglite({ dataDir: join(settings.dataDir, "postgres") });
    } catch (e) {
      await lock.release();
      throw e;
    }
  }
  const url = engine?.url ?? (settings.kind === "postgres" ? settings.url : "");
  const sql = connectPostgres(
    { url, embedded: engine !== undefined },
    { onnotice: () => {}, connect_timeout: 5, max: 8 },
  );
  const release = async () => {
    await sql.end({ timeout: 5 });
    await engine?.stop();
    await lock?.release();
  };
  try {
    await migrateSchemaStore(sql, settings.namespace);
  } catch (e) {
    await release();
    throw e;
  }
  const where = settings.kind === "embedded" ? `embedded PGlite in ${settings.dataDir}` : redactedUrl(url);
  return {
    store: new PostgresSchemaStore({ sql, namespace: settings.namespace }),
    description: settings.namespace === "public" ? where : `${where} (schema ${settings.namespace})`,
    close: release,
  };
}

/** Creates or migrates the tables and returns where; fails for the dummy storage, like the reference. */
export async function setupIgluServer(config: IgluServerConfig): Promise<string> {
  if (config.storage.kind === "dummy") throw new Error("nothing to set up with dummy storage");
  const storage = await openStorage(config.storage);
  await storage.close();
  return storage.description;
}

/** Starts the server; resolves once it listens. */
export async function startIgluServer(
  config: IgluServerConfig,
  log: (line: string) => void = (line) => process.stderr.write(`iglu-server: ${line}\n`),
): Promise<RunningIgluServer> {
  const storage = await openStorage(config.storage);
  const app = createIgluServerApp({
    store: storage.store,
    superApiKey: config.superApiKey,
    patchesAllowed: config.patchesAllowed,
    debug: config.debug,
    maxPayloadSize: config.maxPayloadSize,
    maxJsonDepth: config.maxJsonDepth,
    hstsMaxAgeSeconds: config.hstsMaxAgeSeconds,
    webhooks: config.webhooks,
    log,
  });
  let server: ReturnType<typeof Bun.serve>;
  try {
    const { fetch } = withHttpMetrics(app.fetch, { namespace: "furrow_iglu_server" });
    server = Bun.serve({ hostname: config.host, port: config.port, fetch });
  } catch (e) {
    await storage.close();
    throw e;
  }
  const port = server.port ?? config.port;
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  let stopping: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    storage: storage.description,
    store: storage.store,
    stop: () => {
      stopping ??= (async () => {
        await server.stop(true);
        await storage.close();
      })();
      return stopping;
    },
  };
}
