/**
 * @module
 * Kinesis on this machine: kinesalite, in process, on a free port. With a data directory its
 * LevelDB store keeps streams and records across restarts.
 */
import { mkdir } from "node:fs/promises";
import kinesalite from "kinesalite";
import {
  closeServer,
  DEFAULT_HOST,
  type EmbeddedEngineOptions,
  httpUrl,
  listenOnFreePort,
  type RunningEngine,
  stopOnce,
} from "./running-engine.ts";

/** Starts kinesalite. Streams become ACTIVE at once (AWS takes seconds; callers wait anyway). */
export async function startKinesalite(options: EmbeddedEngineOptions = {}): Promise<RunningEngine> {
  const host = options.host ?? DEFAULT_HOST;
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
  const server = kinesalite({
    path: options.dataDir,
    createStreamMs: 0,
    deleteStreamMs: 0,
    updateStreamMs: 0,
    // kinesalite's default is 10 shards per account; leave room for wider local topologies.
    shardLimit: 100,
  });
  const port = await listenOnFreePort(server, host);
  // kinesalite's own close() closes its LevelDB before the HTTP server.
  const stop = stopOnce(() => closeServer(server, (cb) => server.close(cb)));
  return { name: "kinesis", url: httpUrl(host, port), embedded: true, stop };
}
