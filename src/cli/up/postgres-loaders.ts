/**
 * @module
 * The two Postgres loaders of `furrow up`: enriched events into `atomic` and bad rows into
 * `atomic_bad`, each the KCL consumer of its stream. A batch is checkpointed only after its
 * transaction committed, and rows are keyed on event id and collector timestamp, so a restart
 * never loads an event twice.
 *
 * Both loaders share one {@link SharedDatabase}: embedded PGlite, behind pglite-socket, serves one
 * connection at a time, and the loaders' database queues their transactions on its sessions
 * (one session on PGlite, a small pool on PostgreSQL). It opens with the first loader and closes
 * after the last one stopped; tests and tools can query it meanwhile.
 */

import { type LoaderPurpose, postgresLoaderConfig } from "../../apps/postgres-loader/config.ts";
import { LoaderDatabase } from "../../apps/postgres-loader/database.ts";
import { buildLoader, startPostgresLoaderStream } from "../../apps/postgres-loader/main.ts";
import { LOCAL_CONSUMER } from "./enrich.ts";
import type { ResolverLink } from "./iglu.ts";
import type { Pipeline, StartedPart, UpPart } from "./part.ts";

/** One loader database for every part that needs it, opened by the first and closed by the last. */
export class SharedDatabase {
  #db: Promise<LoaderDatabase> | undefined;
  #users = 0;

  /** Opens the database on first use; every `acquire` needs a `release`. */
  async acquire(pipeline: Pipeline): Promise<LoaderDatabase> {
    this.#users++;
    this.#db ??= LoaderDatabase.connect(
      { url: pipeline.endpoints.postgresUrl, embedded: pipeline.endpoints.embedded.postgres },
      { maxConnections: 4 },
    );
    try {
      return await this.#db;
    } catch (e) {
      this.#db = undefined;
      this.#users--;
      throw e;
    }
  }

  /** Closes the database when its last user lets go. */
  async release(): Promise<void> {
    this.#users--;
    if (this.#users > 0 || this.#db === undefined) return;
    const db = this.#db;
    this.#db = undefined;
    await (await db).close();
  }

  /** Runs one statement in its own transaction, queued behind the loaders' (tests, tools). */
  async query<T extends Record<string, unknown>>(
    statement: string,
    parameters: readonly string[] = [],
  ): Promise<T[]> {
    if (this.#db === undefined) throw new Error("no Postgres loader is running");
    return (await this.#db).query<T>(statement, parameters);
  }
}

export function postgresLoaderPart(
  purpose: LoaderPurpose,
  database: SharedDatabase,
  resolver: ResolverLink,
): UpPart {
  return {
    name: `pg-${purpose}`,
    async start(pipeline: Pipeline): Promise<StartedPart> {
      const { endpoints, region, config } = pipeline;
      const settings = postgresLoaderConfig({
        purpose,
        stage: config.stage,
        region,
        databaseUrl: endpoints.postgresUrl,
        igluConfig: purpose === "enriched" ? resolver.path : undefined,
        kinesisEndpoint: endpoints.kinesis,
        dynamodbEndpoint: endpoints.dynamodb,
      });
      if (!settings.ok) throw new Error(`postgres loader (${purpose}): ${settings.error.join("; ")}`);
      // The app names itself without its purpose; two of them run here.
      const log = (line: string) =>
        pipeline.log(line.replace(/^furrow postgres-loader:/, `furrow postgres-loader (${purpose}):`));
      const db = await database.acquire(pipeline);
      try {
        const built = await buildLoader(settings.value, { db, log });
        const running = await startPostgresLoaderStream(built, settings.value, {
          log,
          consumer: LOCAL_CONSUMER,
        });
        const { input } = settings.value;
        const from = input.kind === "stream" ? input.streamName : "";
        return {
          url: `${from} → postgres ${settings.value.database.schema}`,
          progress: () => ({ postgresRows: running.totals.loaded, bad: running.totals.bad }),
          stop: async () => {
            try {
              await running.stop();
            } finally {
              await database.release();
            }
          },
        };
      } catch (e) {
        await database.release();
        throw e;
      }
    },
  };
}
