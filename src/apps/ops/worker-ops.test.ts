/**
 * @module
 * Tests of a stream worker's life cycle: a clean stop is exit 0 with its `stopped` record; a stop
 * that fails, or outlives `--shutdown-timeout` (its engines gone), is exit 1 with an error record,
 * and only the late one is told to give up what it holds.
 */
import { describe, expect, test } from "bun:test";
import { createLogger } from "../../core/ops/log.ts";
import { StreamWorkerTelemetry } from "./stream-worker-telemetry.ts";
import { runWorkerUntilStopped, type WorkerRun } from "./worker-ops.ts";

function setup(stop: () => Promise<void>, shutdownTimeoutMs = 30_000) {
  const lines: string[] = [];
  const events = { abandoned: 0, stoppedLogged: 0 };
  const logger = createLogger({
    app: "s3-loader",
    format: "json",
    level: "info",
    write: (l) => lines.push(l),
  });
  const run: WorkerRun = {
    telemetry: new StreamWorkerTelemetry({
      app: "s3-loader",
      namespace: "furrow_test",
      leaseDurationMs: 10_000,
    }),
    ops: { port: null, host: "0.0.0.0", shutdownTimeoutMs },
    logger,
    stop,
    stopped: Promise.resolve(),
    logStarted: () => {},
    stopping: "stopping",
    logStopped: () => {
      events.stoppedLogged++;
    },
    abandon: () => {
      events.abandoned++;
    },
  };
  const records = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { run, events, records };
}

describe("runWorkerUntilStopped", () => {
  test("a clean stop is exit 0", async () => {
    const { run, events, records } = setup(async () => {});
    expect(await runWorkerUntilStopped(run)).toBe(0);
    expect(events).toEqual({ abandoned: 0, stoppedLogged: 1 });
    expect(records().map((r) => r["event"])).toEqual(["stopping"]);
  });

  test("a stop that fails is exit 1, logged, nothing abandoned", async () => {
    const { run, events, records } = setup(async () => {
      throw new Error("batch left unwritten\nstack");
    });
    expect(await runWorkerUntilStopped(run)).toBe(1);
    expect(events).toEqual({ abandoned: 0, stoppedLogged: 0 });
    expect(records().at(-1)).toMatchObject({
      level: "error",
      event: "stop-failed",
      msg: "while stopping: batch left unwritten",
    });
  });

  test("a stop that never ends is given up at --shutdown-timeout: abandoned, exit 1", async () => {
    const { run, events, records } = setup(() => new Promise<void>(() => {}), 20);
    expect(await runWorkerUntilStopped(run)).toBe(1);
    expect(events).toEqual({ abandoned: 1, stoppedLogged: 0 });
    expect(records().at(-1)).toMatchObject({
      level: "error",
      event: "stop-timed-out",
      shutdownTimeoutMs: 20,
    });
    expect(records().at(-1)?.["msg"]).toStartWith("gave up stopping after 20 ms (--shutdown-timeout)");
  });

  test("a stop that ends before the deadline is not given up", async () => {
    const { run, events } = setup(() => Bun.sleep(20), 60_000);
    expect(await runWorkerUntilStopped(run)).toBe(0);
    expect(events).toEqual({ abandoned: 0, stoppedLogged: 1 });
  });
});
