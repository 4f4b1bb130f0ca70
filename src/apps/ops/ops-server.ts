/**
 * @module
 * The operations endpoint of a stream worker, which has no HTTP surface of its own: `GET /health`
 * (200 or 503 with a JSON body saying why) and `GET /metrics` (Prometheus text format), served by
 * Hono on `Bun.serve`. It listens on its own port (`--ops-port`), off unless asked for, so
 * several workers on one host do not collide; port 0 picks a free one and the URL is logged.
 *
 * @example
 * const ops = startOpsServer({ port: 0, health: () => telemetry.health(), metrics: () => telemetry.registry.render() });
 * await fetch(`${ops.url}/health`); // 200 {"status":"ok",…}
 * await ops.stop();
 */
import { Hono } from "hono";
import { EXPOSITION_CONTENT_TYPE } from "../../core/ops/metrics.ts";

/** A health body: `status: "ok"` answers 200, anything else 503. */
export interface HealthBody {
  readonly status: string;
}

export interface OpsServerOptions {
  /** Interface to listen on; all (`0.0.0.0`) by default, as a container's probes need. */
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly health: () => HealthBody;
  readonly metrics: () => string;
}

export interface RunningOpsServer {
  readonly url: string;
  readonly port: number;
  /** Stops listening. Idempotent. */
  stop(): Promise<void>;
}

/** The routes, without a listener (tests call `app.request`). */
export function opsApp(options: Pick<OpsServerOptions, "health" | "metrics">): Hono {
  const app = new Hono();
  app.get("/health", (c) => {
    const body = options.health();
    return c.json(body, body.status === "ok" ? 200 : 503, { "cache-control": "no-store" });
  });
  app.get("/metrics", (c) =>
    c.body(options.metrics(), 200, { "content-type": EXPOSITION_CONTENT_TYPE, "cache-control": "no-store" }),
  );
  app.notFound((c) => c.json({ error: "not found", routes: ["/health", "/metrics"] }, 404));
  return app;
}

/** Listens on `options.port`; throws if the port is taken. */
export function startOpsServer(options: OpsServerOptions): RunningOpsServer {
  const app = opsApp(options);
  const host = options.host ?? "0.0.0.0";
  const server = Bun.serve({ hostname: host, port: options.port, fetch: app.fetch });
  const port = server.port ?? options.port;
  const shown = host === "0.0.0.0" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
  let stopping: Promise<void> | undefined;
  return {
    url: `http://${shown}:${port}`,
    port,
    stop: () => {
      stopping ??= server.stop(true);
      return stopping;
    },
  };
}
