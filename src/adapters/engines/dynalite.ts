/**
 * @module
 * DynamoDB on this machine: dynalite, in process, on a free port. With a data directory its
 * LevelDB store keeps tables and items (the KCL leases and checkpoints) across restarts.
 */
import { mkdir } from "node:fs/promises";
import dynalite from "dynalite";
import {
  closeServer,
  DEFAULT_HOST,
  type EmbeddedEngineOptions,
  httpUrl,
  listenOnFreePort,
  type RunningEngine,
  stopOnce,
} from "./running-engine.ts";

/** Starts dynalite. Tables become ACTIVE at once. */
export async function startDynalite(options: EmbeddedEngineOptions = {}): Promise<RunningEngine> {
  const host = options.host ?? DEFAULT_HOST;
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
  const server = dynalite({ path: options.dataDir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const port = await listenOnFreePort(server, host);
  // dynalite's own close() stops the HTTP server, then waits for pending LevelDB writes.
  const stop = stopOnce(() => closeServer(server, (cb) => server.close(cb)));
  return { name: "dynamodb", url: httpUrl(host, port), embedded: true, stop };
}
