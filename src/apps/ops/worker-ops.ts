/**
 * @module
 * Serves a stream worker's telemetry when `--ops-port` asks for it, and says where in the log;
 * runs a started worker until SIGTERM with that server beside it.
 */
import { firstLine, type Logger } from "../../core/ops/log.ts";
import { type RunningOpsServer, startOpsServer } from "./ops-server.ts";
import type { OpsSettings } from "./ops-settings.ts";
import type { StreamWorkerTelemetry } from "./stream-worker-telemetry.ts";

/** The ops server of `telemetry`, or null when no port was given. Throws if the port is taken. */
export function serveWorkerOps(
  telemetry: StreamWorkerTelemetry,
  settings: Pick<OpsSettings, "port" | "host">,
  logger: Logger,
): RunningOpsServer | null {
  if (settings.port === null) return null;
  const server = startOpsServer({
    host: settings.host,
    port: settings.port,
    health: () => telemetry.health(),
    metrics: () => telemetry.registry.render(),
  });
  logger.info(`serving /health and /metrics on ${server.url}`, {
    event: "ops-listening",
    opsUrl: server.url,
  });
  return server;
}

/** A stream worker that has started consuming, as {@link runWorkerUntilStopped} drives it. */
export interface WorkerRun {
  readonly telemetry: StreamWorkerTelemetry;
  readonly ops: Pick<OpsSettings, "port" | "host">;
  readonly logger: Logger;
  /** Stops gracefully: the batch in flight, sinks, checkpoints, leases. */
  readonly stop: () => Promise<void>;
  /** Resolves on SIGTERM or SIGINT. */
  readonly stopped: Promise<void>;
  /** Logs the `started` record, once the ops server (when asked for) listens. */
  readonly logStarted: () => void;
  /** What the `stopping` record says the worker does before it exits. */
  readonly stopping: string;
  /** Logs the `stopped` record (the totals) after a clean stop. */
  readonly logStopped: () => void;
}

/**
 * The life of a started stream worker (`furrow enrich`, `s3-loader`, `postgres-loader`): serves
 * its ops server, runs until `stopped`, then stops it gracefully. Resolves to the exit code: 0
 * after a clean stop, 1 when the ops port is taken or the stop failed (a batch left unwritten).
 */
export async function runWorkerUntilStopped(run: WorkerRun): Promise<number> {
  const { logger, ops } = run;
  let server: RunningOpsServer | null = null;
  try {
    server = serveWorkerOps(run.telemetry, ops, logger);
  } catch (e) {
    logger.error(`cannot serve --ops-port ${ops.port}: ${firstLine(e)}`, { event: "start-failed" });
    await run.stop();
    return 1;
  }
  run.logStarted();
  await run.stopped;
  logger.info(run.stopping, { event: "stopping" });
  try {
    await run.stop();
  } catch (e) {
    logger.error(`while stopping: ${firstLine(e)}`, { event: "stop-failed" });
    await server?.stop();
    return 1;
  }
  await server?.stop();
  run.logStopped();
  return 0;
}
