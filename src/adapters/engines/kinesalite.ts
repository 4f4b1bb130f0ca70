/**
 * @module
 * Kinesis on this machine: kinesalite, in process, on a free port. With a data directory its
 * LevelDB store keeps streams and records across restarts.
 */
import kinesalite from "kinesalite";
import { type EmbeddedEngineOptions, type RunningEngine, startLevelDbEngine } from "./running-engine.ts";

/**
 * Starts kinesalite. Streams become ACTIVE at once (AWS takes seconds; callers wait anyway). Its own
 * close() closes its LevelDB before the HTTP server.
 */
export function startKinesalite(options: EmbeddedEngineOptions = {}): Promise<RunningEngine> {
  return startLevelDbEngine("kinesis", options, (path) =>
    kinesalite({
      path,
      createStreamMs: 0,
      deleteStreamMs: 0,
      updateStreamMs: 0,
      // kinesalite's default is 10 shards per account; leave room for wider local topologies.
      shardLimit: 100,
    }),
  );
}
