/**
 * @module
 * Serves a stream worker's telemetry when `--ops-port` asks for it, and says where in the log;
 * runs a started worker until SIGTERM with that server beside it, and bounds its graceful stop by
 * `--shutdown-timeout`.
 *
 * Past that deadline the worker gives up: whatever it has not written stays unacknowledged, so its
 * consumer never checkpoints it and the next owner of the shard reads it again (nothing is lost);
 * leases it could not release expire by themselves. The CLI then exits 1, ending any retry still
 * running, which is what a supervisor would otherwise do with SIGKILL, only sooner and logged.
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
  readonly ops: Pick<OpsSettings, "port" | "host" | "shutdownTimeoutMs">;
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
  /**
   * Called when the stop outlives `ops.shutdownTimeoutMs`: gives up what is still unwritten (not
   * acknowledged) so nothing is checkpointed past it before the process exits.
   */
  readonly abandon?: () => void;
}

/** How a stop ended: cleanly, with an error, or not within the deadline. */
type StopOutcome =
  | { readonly kind: "stopped" }
  | { readonly kind: "failed"; readonly error: unknown }
  | { readonly kind: "timed-out" };

/** Runs `stop`, waiting at most `timeoutMs` for it. */
async function stopWithin(stop: () => Promise<void>, timeoutMs: number): Promise<StopOutcome> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<StopOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ kind: "timed-out" }), timeoutMs);
  });
  const stopped = stop().then(
    (): StopOutcome => ({ kind: "stopped" }),
    (error: unknown): StopOutcome => ({ kind: "failed", error }),
  );
  try {
    return await Promise.race([stopped, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The life of a started stream worker (`furrow enrich`, `s3-loader`, `postgres-loader`): serves
 * its ops server, runs until `stopped`, then stops it gracefully within `ops.shutdownTimeoutMs`.
 * Resolves to the exit code: 0 after a clean stop, 1 when the ops port is taken, the stop failed (a
 * batch left unwritten) or did not end in time. The caller exits on it: a stop given up may leave
 * retries running.
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
  const outcome = await stopWithin(run.stop, ops.shutdownTimeoutMs);
  if (outcome.kind === "timed-out") {
    run.abandon?.();
    logger.error(
      `gave up stopping after ${ops.shutdownTimeoutMs} ms (--shutdown-timeout): what was not written is not checkpointed and will be read again by the next worker`,
      { event: "stop-timed-out", shutdownTimeoutMs: ops.shutdownTimeoutMs },
    );
    await server?.stop();
    return 1;
  }
  if (outcome.kind === "failed") {
    logger.error(`while stopping: ${firstLine(outcome.error)}`, { event: "stop-failed" });
    await server?.stop();
    return 1;
  }
  await server?.stop();
  run.logStopped();
  return 0;
}
