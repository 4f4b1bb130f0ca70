/**
 * @module
 * Faults while loading: the database goes away in the middle of a batch, and the loader, retried
 * batch by batch as the KCL consumer retries its handler, ends with every event loaded exactly once.
 *
 * - PGlite is stopped and started again on the same data directory and port while a batch's
 *   transaction is open (after its events were inserted, before its contexts were).
 * - The real PostgreSQL server is shared with other tests, so it is not restarted: a proxy that
 *   reads the wire protocol drops the connection in the middle of a COPY, and later withholds the
 *   answer to a COMMIT the server has carried out, then drops the connection: the loader cannot
 *   know the batch committed, loads it again, and the unique key makes that a no-op.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { MemorySink } from "../../src/adapters/memory/memory-sink.ts";
import { PostgresLoaderApp } from "../../src/apps/postgres-loader/app.ts";
import { LoaderDatabase } from "../../src/apps/postgres-loader/database.ts";
import type { LoadSummary } from "../../src/apps/postgres-loader/enriched-loader.ts";
import { quoteIdentifier } from "../../src/core/postgres-load/identifier.ts";
import { pageViewLines, realPostgresProblem } from "./fixtures.ts";
import { counts, enrichedLoader, PAGE_TABLE } from "./loader-suite.ts";
import { startWireProxy } from "./wire-proxy.ts";

const HOST = "127.0.0.1";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Loads each batch until it succeeds, as the KCL consumer retries a failing handler. */
async function loadLikeAConsumer(app: PostgresLoaderApp, batches: readonly string[][]) {
  const summaries: LoadSummary[] = [];
  let failures = 0;
  for (const batch of batches) {
    for (let attempt = 1; ; attempt++) {
      try {
        summaries.push(await app.processLines(batch));
        break;
      } catch (e) {
        failures++;
        if (attempt > 60) throw e;
        await sleep(100);
      }
    }
  }
  return { summaries, failures };
}

const batchesOf = (lines: string[], size: number) =>
  Array.from({ length: Math.ceil(lines.length / size) }, (_, i) => lines.slice(i * size, (i + 1) * size));

/** PGlite on `dataDir`, served on `port` (0: any free port). */
async function servePglite(dataDir: string, port: number) {
  const db = await PGlite.create({ dataDir });
  const server = new PGLiteSocketServer({ db, host: HOST, port });
  await server.start();
  return {
    port: Number(server.getServerConn().split(":").at(-1)),
    stop: async () => {
      await server.stop();
      await db.close();
    },
  };
}

const dataDir = await mkdtemp(join(tmpdir(), "furrow-pg-loader-restart-"));
afterAll(() => rm(dataDir, { recursive: true, force: true }));

test("PGlite restarted in the middle of a batch: no event lost, none loaded twice", async () => {
  let pglite = await servePglite(dataDir, 0);
  const port = pglite.port;
  // The proxy only spots the moment: the insert of a batch's page contexts, its events inserted.
  const proxy = await startWireProxy(port);
  const db = await LoaderDatabase.connect(
    { url: `postgres://postgres@${HOST}:${proxy.port}/postgres`, embedded: true },
    { connectTimeoutSeconds: 2 },
  );
  let restarting: Promise<void> | null = null;
  try {
    const { schema, loader } = await enrichedLoader(db);
    const app = new PostgresLoaderApp({ loader, failures: new MemorySink() });
    let pageInserts = 0;
    proxy.onMessage = ({ type, sql }) => {
      if (type !== "P" || !sql?.includes(`INSERT INTO "${schema}"."${PAGE_TABLE}"`)) return "pass";
      pageInserts++;
      if (pageInserts !== 3 || restarting) return "pass";
      restarting = (async () => {
        await pglite.stop();
        await sleep(500);
        pglite = await servePglite(dataDir, port);
      })();
      return "cut";
    };
    const lines = pageViewLines(1500, 21);
    const { summaries, failures } = await loadLikeAConsumer(app, batchesOf(lines, 250));
    expect(restarting).not.toBeNull();
    expect(failures).toBeGreaterThan(0);
    expect(summaries.reduce((n, s) => n + s.loaded, 0)).toBe(1500);
    expect(summaries.flatMap((s) => s.bad)).toEqual([]);
    expect(await counts(db, schema)).toEqual({
      events: 1500,
      keys: 1500,
      pages: 1500,
      products: 1500,
      orphans: 0,
    });
  } finally {
    await restarting;
    await db.close();
    await proxy.close();
    await pglite.stop();
  }
}, 120_000);

const problem = await realPostgresProblem();
test.skipIf(problem !== null)(
  `PostgreSQL connection lost mid-COPY, and a COMMIT whose answer is lost: no loss, no duplicates${problem ? ` (skipped: 127.0.0.1:5432 unreachable: ${problem})` : ""}`,
  async () => {
    const proxy = await startWireProxy(5432);
    const db = await LoaderDatabase.connect(
      { url: `postgres://postgres@${HOST}:${proxy.port}/test`, embedded: false },
      { maxConnections: 2, connectTimeoutSeconds: 3 },
    );
    let schema = "";
    try {
      const made = await enrichedLoader(db);
      schema = made.schema;
      const app = new PostgresLoaderApp({ loader: made.loader, failures: new MemorySink() });
      let copyData = 0;
      let commits = 0;
      proxy.onMessage = ({ type, sql }) => {
        if (type === "d") copyData++;
        if (type === "d" && copyData === 30) return "cut";
        if ((type === "Q" || type === "B") && sql?.trim().toLowerCase() === "commit") {
          commits++;
          if (commits === 8) return "withhold";
        }
        return "pass";
      };
      const lines = pageViewLines(3000, 22);
      const { summaries, failures } = await loadLikeAConsumer(app, batchesOf(lines, 250));
      expect(proxy.cuts).toBe(2);
      expect(failures).toBe(2);
      // The batch whose COMMIT went through unacknowledged was loaded again: all duplicates.
      expect(summaries.filter((s) => s.loaded === 0 && s.duplicates === 250)).toHaveLength(1);
      expect(summaries.reduce((n, s) => n + s.loaded, 0)).toBe(2750);
      expect(summaries.flatMap((s) => s.bad)).toEqual([]);
      expect(await counts(db, schema)).toEqual({
        events: 3000,
        keys: 3000,
        pages: 3000,
        products: 3000,
        orphans: 0,
      });
    } finally {
      if (schema !== "") await db.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(schema)} CASCADE`);
      await db.close();
      await proxy.close();
    }
  },
  120_000,
);
