/**
 * @module
 * Prometheus metrics for an HTTP app that has none of its own (the Iglu Server): requests by route
 * family, method and status, and a latency histogram, recorded around its `fetch`, with `GET
 * /metrics` answered in front of it. Routes are labelled by their first two path segments
 * (`/api/schemas`, `/schemas/com.acme`… becomes `/schemas/*`) so that schema names never become
 * label values: Prometheus keeps one series per label set, and those would be unbounded.
 */
import { EXPOSITION_CONTENT_TYPE, MetricsRegistry } from "../../core/ops/metrics.ts";

/** Request latency buckets in seconds: a schema read answers in under a millisecond, a push in tens. */
const HTTP_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** The Iglu Server's API services; any other path under /api is counted as `/api/other`. */
const API_SERVICES = new Set(["meta", "schemas", "drafts", "auth", "validation"]);

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]);

/** The label of a path: `/api/<service>` (a known one), `/schemas/*`, `/` or `other`. */
export function routeFamily(pathname: string): string {
  const [, first, second] = pathname.split("/");
  if (first === undefined || first === "") return "/";
  if (first === "api")
    return second === undefined || second === ""
      ? "/api"
      : API_SERVICES.has(second)
        ? `/api/${second}`
        : "/api/other";
  if (first === "schemas") return "/schemas/*";
  if (first === "metrics") return "/metrics";
  return "other";
}

export type FetchHandler = (request: Request) => Response | Promise<Response>;

/** `fetch` with `GET /metrics` in front and every other request counted and timed. */
export function withHttpMetrics(
  fetch: FetchHandler,
  options: { readonly namespace: string; readonly registry?: MetricsRegistry },
): { readonly fetch: FetchHandler; readonly registry: MetricsRegistry } {
  const registry = options.registry ?? new MetricsRegistry();
  const requests = registry.counter(
    `${options.namespace}_requests_total`,
    "HTTP requests answered, by route family, method and status.",
    ["route", "method", "status"],
  );
  const latency = registry.histogram(
    `${options.namespace}_request_duration_seconds`,
    "Time from request to response, by route family.",
    { labelNames: ["route"], buckets: HTTP_BUCKETS },
  );
  registry.collect({
    name: "process_resident_memory_bytes",
    help: "Resident memory size in bytes.",
    type: "gauge",
    samples: () => [[{}, process.memoryUsage.rss()]],
  });
  const wrapped: FetchHandler = async (request) => {
    const url = new URL(request.url);
    if (url.pathname === "/metrics" && request.method === "GET") {
      return new Response(registry.render(), {
        headers: { "content-type": EXPOSITION_CONTENT_TYPE, "cache-control": "no-store" },
      });
    }
    const began = performance.now();
    const route = routeFamily(url.pathname);
    const method = METHODS.has(request.method) ? request.method : "OTHER";
    let status = 500;
    try {
      const response = await fetch(request);
      status = response.status;
      return response;
    } finally {
      requests.inc(1, { route, method, status: String(status) });
      latency.observe((performance.now() - began) / 1000, { route });
    }
  };
  return { fetch: wrapped, registry };
}
