/**
 * @module
 * Serves a stream worker's telemetry when `--ops-port` asks for it, and says where in the log.
 */
import type { Logger } from "../../core/ops/log.ts";
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
