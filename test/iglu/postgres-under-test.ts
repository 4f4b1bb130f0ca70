/**
 * @module
 * Postgres for the Iglu tests: whether the real server of the test machine answers, fresh
 * migrated namespaces (dropped on close) over one pool per database, so parallel runs never share
 * tables, and `onEveryStore`, which registers a suite on each storage the Iglu Server has. One pool matters for PGlite: pglite-socket serves a single connection, so a second pool
 * would wait forever.
 */
import { afterAll } from "bun:test";
import type postgres from "postgres";
import { startPglite } from "../../src/adapters/engines/pglite.ts";
import type { RunningEngine } from "../../src/adapters/engines/running-engine.ts";
import { connectPostgres } from "../../src/adapters/postgres/connect.ts";
import { MemorySchemaStore } from "../../src/apps/iglu-server/storage/memory-store.ts";
import {
  migrateSchemaStore,
  PostgresSchemaStore,
} from "../../src/apps/iglu-server/storage/postgres-store.ts";
import type { StoreUnderTest } from "../../src/apps/iglu-server/storage/store-conformance.ts";

import { REAL_POSTGRES, realPostgresProblem } from "../support/real-postgres.ts";

export { REAL_POSTGRES, realPostgresProblem };

export interface PostgresStores {
  /** A store in a new namespace with the Iglu tables; closing it drops the namespace. */
  fresh(): Promise<StoreUnderTest & { readonly namespace: string }>;
  // biome-ignore lint/complexity/noBannedTypes: postgres.js's own default type parameter
  readonly sql: postgres.Sql<{}>;
  /** Ends the pool. */
  end(): Promise<void>;
}

/** One pool to `url`, handing out fresh namespaces. */
export function postgresStores(url: string, embedded: boolean): PostgresStores {
  const sql = connectPostgres({ url, embedded }, { onnotice: () => {}, max: embedded ? 1 : 6 });
  return {
    sql,
    async fresh() {
      const namespace = `furrow_iglu_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
      await migrateSchemaStore(sql, namespace);
      // The store's close would end the shared pool; the namespace is dropped instead.
      const store = new PostgresSchemaStore({ sql, namespace });
      Object.defineProperty(store, "close", { value: async () => {} });
      return {
        namespace,
        store,
        close: async () => {
          await sql`drop schema if exists ${sql(namespace)} cascade`;
        },
      };
    },
    end: () => sql.end({ timeout: 5 }),
  };
}

/**
 * Registers `suite` on the memory store, on Postgres in embedded PGlite and on the real PostgreSQL
 * server (with a warning instead when it does not answer), labelled `${label} on …`. Await it at
 * the top of the test file, so every suite is registered before the tests run; `pglite` gives the
 * PGlite stores, for tests of the Postgres storage itself.
 */
export async function onEveryStore(
  label: string,
  suite: (label: string, fresh: () => Promise<StoreUnderTest>, storage: "memory" | "postgres") => void,
): Promise<{ readonly pglite: Promise<PostgresStores> }> {
  suite(
    `${label} on memory storage`,
    async () => ({ store: new MemorySchemaStore(), close: async () => {} }),
    "memory",
  );

  let pglite: RunningEngine | undefined;
  let embedded: PostgresStores | undefined;
  const embeddedReady = (async () => {
    pglite = await startPglite();
    embedded = postgresStores(pglite.url, true);
    return embedded;
  })();
  afterAll(async () => {
    await embedded?.end();
    await pglite?.stop();
  });
  suite(`${label} on PGlite`, async () => (await embeddedReady).fresh(), "postgres");

  const problem = await realPostgresProblem();
  if (problem === null) {
    const real = postgresStores(REAL_POSTGRES, false);
    afterAll(() => real.end());
    suite(`${label} on PostgreSQL at 127.0.0.1:5432/test`, () => real.fresh(), "postgres");
  } else {
    console.warn(`skipping ${label} on PostgreSQL: ${REAL_POSTGRES} is unreachable (${problem})`);
  }
  return { pglite: embeddedReady };
}
