/**
 * @module
 * PostgreSQL on this machine: PGlite (Postgres compiled to WASM) in process, served over the wire
 * protocol by pglite-socket on a free port. With a data directory the database persists; without
 * one it lives in memory.
 *
 * Limits a client must respect (see `../postgres/connect.ts`):
 * - One connection at a time: PGlite is a single-user backend (pglite-socket's `maxConnections`
 *   is 1).
 * - `COPY … FROM STDIN` aborts the PGlite instance (`ExitStatus: exit(1)`) because pglite-socket
 *   hands each wire message to PGlite separately (electric-sql/pglite PR #1028, open). Loaders
 *   must use INSERT against the embedded database.
 * - The database name in the URL is ignored: PGlite has the one database `postgres`.
 * - Creating a fresh database (initdb) takes seconds; reopening a data directory is faster.
 */
import { mkdir } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { DEFAULT_HOST, type EmbeddedEngineOptions, type RunningEngine, stopOnce } from "./running-engine.ts";

/** Starts PGlite behind pglite-socket. The URL names user and database `postgres`, with no password. */
export async function startPglite(options: EmbeddedEngineOptions = {}): Promise<RunningEngine> {
  const host = options.host ?? DEFAULT_HOST;
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
  const db = await PGlite.create(options.dataDir ? { dataDir: options.dataDir } : {});
  const server = new PGLiteSocketServer({ db, host, port: 0 });
  try {
    await server.start();
  } catch (e) {
    await db.close();
    throw e;
  }
  // After start() the server reports the port the kernel picked as "host:port".
  const port = Number(server.getServerConn().split(":").at(-1));
  const stop = stopOnce(async () => {
    await server.stop();
    if (!db.closed) await db.close();
  });
  const hostPart = host.includes(":") ? `[${host}]` : host;
  return { name: "postgres", url: `postgres://postgres@${hostPart}:${port}/postgres`, embedded: true, stop };
}
