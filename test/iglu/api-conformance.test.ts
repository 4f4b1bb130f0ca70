/**
 * @module
 * Runs the Iglu Server API conformance suite on the memory storage, on Postgres in embedded
 * PGlite, and on the real PostgreSQL server of the test machine (127.0.0.1:5432, database `test`;
 * skipped with a message when it does not answer). Each Postgres case gets its own namespace.
 */
import { afterAll } from "bun:test";
import { startPglite } from "../../src/adapters/engines/pglite.ts";
import type { RunningEngine } from "../../src/adapters/engines/running-engine.ts";
import { MemorySchemaStore } from "../../src/apps/iglu-server/storage/memory-store.ts";
import { igluApiConformance } from "./api-conformance.ts";
import {
  type PostgresStores,
  postgresStores,
  REAL_POSTGRES,
  realPostgresProblem,
} from "./postgres-under-test.ts";

igluApiConformance("Iglu Server API on memory storage", async () => ({
  store: new MemorySchemaStore(),
  close: async () => {},
}));

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
igluApiConformance("Iglu Server API on PGlite", async () => (await embeddedReady).fresh());

const problem = await realPostgresProblem();
if (problem === null) {
  const real = postgresStores(REAL_POSTGRES, false);
  afterAll(() => real.end());
  igluApiConformance("Iglu Server API on PostgreSQL at 127.0.0.1:5432/test", () => real.fresh());
} else {
  console.warn(
    `skipping the Iglu Server API suite on PostgreSQL: ${REAL_POSTGRES} is unreachable (${problem})`,
  );
}
