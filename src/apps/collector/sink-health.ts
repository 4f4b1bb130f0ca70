/**
 * @module
 * Logs each sink's health as it changes: a warning when a sink turns unhealthy (the Kinesis
 * producer does after `backoffPolicy.maxRetries` failed PutRecords in a row, or when the stream is
 * gone), a record when it recovers. Requests only notice a sick sink with back-pressure on; this
 * watch tells operators either way, once per change rather than once per request.
 *
 * Polled, because the `RecordSink` port reports health as a state (`isHealthy()`), not as events.
 *
 * @example
 * const watch = watchSinkHealth([["good", goodSink], ["bad", badSink]], logger);
 * // … on shutdown:
 * watch.stop();
 */
import type { Logger } from "../../core/ops/log.ts";
import type { RecordSink } from "../../ports/record-sink.ts";
import type { SinkRole } from "./metrics.ts";

/** How often sinks are asked by default: often enough to match a log line to a traffic graph. */
export const SINK_HEALTH_INTERVAL_MS = 1000;

export interface SinkHealthWatch {
  /** Compares each sink's health with the last check and logs the changes. */
  check(): void;
  /** Stops polling; call it before closing the sinks (a closed sink may call itself unhealthy). */
  stop(): void;
}

/** Starts polling `sinks` every `intervalMs`; a sink is assumed healthy at the start. */
export function watchSinkHealth(
  sinks: readonly (readonly [SinkRole, RecordSink])[],
  logger: Logger,
  intervalMs: number = SINK_HEALTH_INTERVAL_MS,
): SinkHealthWatch {
  const healthy = new Map<SinkRole, boolean>(sinks.map(([role]) => [role, true]));
  const check = () => {
    for (const [role, sink] of sinks) {
      const now = sink.isHealthy();
      if (now === healthy.get(role)) continue;
      healthy.set(role, now);
      if (now) logger.info(`the ${role} sink is healthy again`, { event: "sink-healthy", sink: role });
      else {
        logger.warn(`the ${role} sink is unhealthy: writes to its stream keep failing and are retried`, {
          event: "sink-unhealthy",
          sink: role,
        });
      }
    }
  };
  let timer: ReturnType<typeof setInterval> | null = setInterval(check, intervalMs);
  // A watch alone does not keep the process alive.
  (timer as { unref?: () => void }).unref?.();
  return {
    check,
    stop() {
      if (timer !== null) clearInterval(timer);
      timer = null;
    },
  };
}
