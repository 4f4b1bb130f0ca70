/**
 * @module
 * The loader suite against embedded PGlite (behind pglite-socket: JSON inserts, one connection) and
 * against the real PostgreSQL server of the test machine (COPY), skipped with a message when that
 * server does not answer.
 */
import { startPglite } from "../../src/adapters/engines/pglite.ts";
import { LoaderDatabase } from "../../src/apps/postgres-loader/database.ts";
import { REAL_POSTGRES, realPostgresProblem } from "./fixtures.ts";
import { loaderSuite } from "./loader-suite.ts";

loaderSuite("Postgres loader on PGlite (JSON inserts)", async () => {
  const engine = await startPglite();
  const db = await LoaderDatabase.connect({ url: engine.url, embedded: true });
  if (db.capabilities.copyFromStdin) throw new Error("PGlite must be written without COPY");
  return {
    db,
    close: async () => {
      await db.close();
      await engine.stop();
    },
  };
});

const problem = await realPostgresProblem();
if (problem === null) {
  loaderSuite("Postgres loader on PostgreSQL 127.0.0.1:5432/test (COPY)", async () => {
    const db = await LoaderDatabase.connect({ url: REAL_POSTGRES, embedded: false }, { maxConnections: 4 });
    if (!db.capabilities.copyFromStdin) throw new Error("PostgreSQL must be written with COPY");
    return { db, close: () => db.close() };
  });
} else {
  console.warn(
    `skipping the Postgres loader suite on PostgreSQL: ${REAL_POSTGRES} is unreachable (${problem})`,
  );
}
