/**
 * @module
 * Postgres for the Iglu tests: whether the real server of the test machine answers, and fresh
 * migrated namespaces (dropped on close) over one pool per database, so parallel runs never share
 * tables. One pool matters for PGlite: pglite-socket serves a single connection, so a second pool
 * would wait forever.
 */
import type postgres from "postgres";
import { connectPostgres } from "../../src/adapters/postgres/connect.ts";
import {
  migrateSchemaStore,
  PostgresSchemaStore,
} from "../../src/apps/iglu-server/storage/postgres-store.ts";
import type { StoreUnderTest } from "../../src/apps/iglu-server/storage/store-conformance.ts";

export { REAL_POSTGRES, realPostgresProblem } from "../support/real-postgres.ts";

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
