/** @module Tests of the ops server, listening for real on a free port. */
import { afterEach, describe, expect, test } from "bun:test";
import { parseExposition, sampleValue } from "../../core/ops/exposition.ts";
import { MetricsRegistry } from "../../core/ops/metrics.ts";
import { type RunningOpsServer, startOpsServer } from "./ops-server.ts";

let server: RunningOpsServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

describe("startOpsServer", () => {
  test("/health answers 200 or 503 with its JSON body, /metrics the exposition; others 404", async () => {
    let status = "ok";
    const registry = new MetricsRegistry();
    registry.counter("furrow_test_total", "T.").inc(3);
    server = startOpsServer({
      host: "127.0.0.1",
      port: 0,
      health: () => ({ status, reason: status === "ok" ? undefined : "sink down" }),
      metrics: () => registry.render(),
    });
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);

    let response = await fetch(`${server.url}/health`);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual({ status: "ok" });
    status = "unavailable";
    response = await fetch(`${server.url}/health`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: "unavailable", reason: "sink down" });

    response = await fetch(`${server.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(sampleValue(parseExposition(await response.text()), "furrow_test_total")).toBe(3);

    expect((await fetch(`${server.url}/other`)).status).toBe(404);
  });

  test("a taken port throws; stop() frees the port and is idempotent", async () => {
    server = startOpsServer({
      host: "127.0.0.1",
      port: 0,
      health: () => ({ status: "ok" }),
      metrics: () => "",
    });
    const { port, url } = server;
    expect(() =>
      startOpsServer({ host: "127.0.0.1", port, health: () => ({ status: "ok" }), metrics: () => "" }),
    ).toThrow();
    await Promise.all([server.stop(), server.stop()]);
    expect(await fetch(`${url}/health`).catch(() => "refused")).toBe("refused");
  });
});
