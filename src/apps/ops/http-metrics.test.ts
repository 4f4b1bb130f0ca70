/** @module Tests of the HTTP request metrics put in front of an app's fetch. */
import { describe, expect, test } from "bun:test";
import { Hono } from "hono";
import { parseExposition, sampleValue } from "../../core/ops/exposition.ts";
import { routeFamily, withHttpMetrics } from "./http-metrics.ts";

describe("routeFamily", () => {
  test("bounded labels: API service, static schemas, root, other", () => {
    expect(routeFamily("/")).toBe("/");
    expect(routeFamily("/api/schemas/com.acme/event/jsonschema/1-0-0")).toBe("/api/schemas");
    expect(routeFamily("/api/meta/health")).toBe("/api/meta");
    expect(routeFamily("/api")).toBe("/api");
    expect(routeFamily("/schemas/com.acme/event/jsonschema/1-0-0")).toBe("/schemas/*");
    expect(routeFamily("/favicon.ico")).toBe("other");
    // Unknown services share one label, so requests cannot grow the series without bound.
    expect(routeFamily("/api/anything-at-all")).toBe("/api/other");
  });
});

describe("withHttpMetrics", () => {
  test("counts requests by route, method and status, times them, and answers /metrics", async () => {
    const app = new Hono();
    app.get("/api/meta/health", (c) => c.text("OK"));
    app.get("/api/boom", () => {
      throw new Error("bug");
    });
    app.onError((_e, c) => c.text("error", 500));
    const { fetch } = withHttpMetrics((request) => app.fetch(request), { namespace: "furrow_test" });
    const call = (path: string, method = "GET") => fetch(new Request(`http://x${path}`, { method }));
    expect((await call("/api/meta/health")).status).toBe(200);
    await call("/api/meta/health");
    expect((await call("/api/boom")).status).toBe(500);
    expect((await call("/schemas/a/b/jsonschema/1-0-0", "PROPFIND")).status).toBe(404);
    const response = await call("/metrics");
    expect(response.headers.get("content-type")).toStartWith("text/plain; version=0.0.4");
    const m = parseExposition(await response.text());
    const requests = (route: string, method: string, status: string) =>
      sampleValue(m, "furrow_test_requests_total", { route, method, status });
    expect(requests("/api/meta", "GET", "200")).toBe(2);
    expect(requests("/api/other", "GET", "500")).toBe(1);
    expect(requests("/schemas/*", "OTHER", "404")).toBe(1);
    expect(sampleValue(m, "furrow_test_request_duration_seconds_count", { route: "/api/meta" })).toBe(2);
    // /metrics itself is not counted.
    expect(m.samples.some((s) => s.labels["route"] === "/metrics")).toBe(false);
  });
});
