/**
 * @module
 * DynamoDB on this machine: dynalite, in process, on a free port. With a data directory its
 * LevelDB store keeps tables and items (the KCL leases and checkpoints) across restarts.
 */
import dynalite from "dynalite";
import { type EmbeddedEngineOptions, type RunningEngine, startLevelDbEngine } from "./running-engine.ts";

/**
 * Starts dynalite. Tables become ACTIVE at once. Its own close() stops the HTTP server, then waits
 * for pending LevelDB writes.
 */
export function startDynalite(options: EmbeddedEngineOptions = {}): Promise<RunningEngine> {
  return startLevelDbEngine("dynamodb", options, (path) =>
    dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }),
  );
}
