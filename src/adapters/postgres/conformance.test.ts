/**
 * @module
 * Runs the Postgres conformance suite against embedded PGlite (behind pglite-socket) and against
 * the real PostgreSQL server of the test machine (127.0.0.1:5432, database `test`), skipped with a
 * message when that server does not answer.
 */
import { REAL_POSTGRES, realPostgresProblem } from "../../../test/support/real-postgres.ts";
import { startPglite } from "../engines/pglite.ts";
import { postgresConformance } from "./conformance.ts";
import { connectPostgres } from "./connect.ts";

postgresConformance(
  "PGlite behind pglite-socket",
  {
    copyFromStdinUnsupported: "pglite-socket aborts PGlite on COPY FROM STDIN, electric-sql/pglite PR #1028",
  },
  async () => {
    const engine = await startPglite();
    const sql = connectPostgres({ url: engine.url, embedded: true }, { onnotice: () => {} });
    return {
      sql,
      close: async () => {
        await sql.end();
        await engine.stop();
      },
    };
  },
);

const problem = await realPostgresProblem();
if (problem === null) {
  postgresConformance("PostgreSQL at 127.0.0.1:5432/test", { copyFromStdinUnsupported: null }, async () => {
    const sql = connectPostgres({ url: REAL_POSTGRES, embedded: false }, { onnotice: () => {} });
    return { sql, close: () => sql.end() };
  });
} else {
  console.warn(`skipping the PostgreSQL conformance suite: ${REAL_POSTGRES} is unreachable (${problem})`);
}
