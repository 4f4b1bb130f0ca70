/**
 * @module
 * The collector's metrics, served at `/metrics` in the Prometheus text format (exposition format
 * 0.0.4): requests by route, method and status, a latency histogram per route, records and bad rows
 * written, back-pressure refusals, sink write failures, plus gauges the wiring registers for the
 * sinks (health, buffered bytes) and the process (RSS). Snowplow 3.x reports the same request
 * facts over StatsD (`requests_count`, `requests_latency`); its 2.x Prometheus endpoint had
 * `http_requests_total` and `http_request_duration_seconds`, whose shape this follows.
 *
 * Recording costs a few array and map operations per request: counters are plain numbers keyed by
 * pre-built label sets, so the hot path formats nothing. The text-format spelling (label escaping,
 * special values) is shared with the stream workers' registry in `core/ops/metrics.ts`.
 */
import { escapeLabelValue, formatLabels, formatSampleValue } from "../../core/ops/metrics.ts";

/** Histogram upper bounds in seconds: a collector answers in well under a millisecond to a few. */
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

const labelValue = escapeLabelValue;

/** Methods counted by name; anything else is counted as OTHER. */
const METHODS = ["GET", "HEAD", "POST", "OPTIONS", "PUT", "DELETE", "PATCH", "OTHER"];
const methodIndex = (method: string): number => {
  const i = METHODS.indexOf(method);
  return i < 0 ? METHODS.length - 1 : i;
};

/** Counts and latencies of one route. */
export class RouteMetrics {
  /** `status × 8 + method index` → count: a number key, so recording formats no string. */
  readonly #counts = new Map<number, number>();
  readonly #buckets = new Array<number>(BUCKETS.length).fill(0);
  #sum = 0;
  #count = 0;

  constructor(readonly route: string) {}

  /** Records one answered request that took `seconds`. */
  observe(method: string, status: number, seconds: number): void {
    const key = status * 8 + methodIndex(method);
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
    this.#sum += seconds;
    this.#count++;
    for (let i = 0; i < BUCKETS.length; i++) {
      if (seconds <= BUCKETS[i]!) {
        this.#buckets[i]!++;
        break;
      }
    }
  }

  /** Requests answered with `status` (any method). */
  count(status?: number): number {
    let n = 0;
    for (const [key, c] of this.#counts) if (status === undefined || Math.floor(key / 8) === status) n += c;
    return n;
  }

  renderCounts(name: string): string {
    let out = "";
    const route = labelValue(this.route);
    for (const [key, c] of [...this.#counts].sort((a, b) => a[0] - b[0])) {
      out += `${name}{route="${route}",method="${METHODS[key % 8]}",status="${Math.floor(key / 8)}"} ${c}\n`;
    }
    return out;
  }

  renderHistogram(name: string): string {
    if (this.#count === 0) return "";
    const route = labelValue(this.route);
    let out = "";
    let cumulative = 0;
    for (let i = 0; i < BUCKETS.length; i++) {
      cumulative += this.#buckets[i]!;
      out += `${name}_bucket{route="${route}",le="${BUCKETS[i]}"} ${cumulative}\n`;
    }
    out += `${name}_bucket{route="${route}",le="+Inf"} ${this.#count}\n`;
    out += `${name}_sum{route="${route}"} ${this.#sum}\n`;
    out += `${name}_count{route="${route}"} ${this.#count}\n`;
    return out;
  }
}

/** A value read when `/metrics` is scraped. */
interface Gauge {
  readonly name: string;
  readonly help: string;
  readonly type: "gauge" | "counter";
  readonly samples: () => ReadonlyArray<readonly [labels: Record<string, string>, value: number]>;
}

/** The two sinks, as labels. */
export type SinkRole = "good" | "bad";

export class CollectorMetrics {
  readonly #routes = new Map<string, RouteMetrics>();
  readonly #gauges: Gauge[] = [];
  /** Records handed to each sink. */
  readonly records: Record<SinkRole, number> = { good: 0, bad: 0 };
  /** `write()` calls a sink rejected (closed, record too large): those records are lost. */
  readonly writeFailures: Record<SinkRole, number> = { good: 0, bad: 0 };
  /** Tracking requests answered 503 because a sink was unhealthy or full. */
  backPressureRefusals = 0;
  /** Bodies refused with 413. */
  oversizedBodies = 0;
  /** With `acknowledgeAfterWrite`: tracking requests answered 503 because a write failed or timed out. */
  unacknowledgedRequests = 0;

  /** The metrics of `route`, created on first use; handlers fetch theirs once, up front. */
  route(route: string): RouteMetrics {
    let r = this.#routes.get(route);
    if (r === undefined) {
      r = new RouteMetrics(route);
      this.#routes.set(route, r);
    }
    return r;
  }

  /** Adds a value computed at scrape time, e.g. a sink's buffered bytes. */
  register(gauge: Gauge): void {
    this.#gauges.push(gauge);
  }

  /** The Prometheus text exposition of everything. */
  render(): string {
    const routes = [...this.#routes.values()];
    let out = "";
    out += "# HELP furrow_collector_requests_total HTTP requests answered, by route, method and status.\n";
    out += "# TYPE furrow_collector_requests_total counter\n";
    for (const r of routes) out += r.renderCounts("furrow_collector_requests_total");
    out += "# HELP furrow_collector_request_duration_seconds Time from request to response, by route.\n";
    out += "# TYPE furrow_collector_request_duration_seconds histogram\n";
    for (const r of routes) out += r.renderHistogram("furrow_collector_request_duration_seconds");
    out +=
      "# HELP furrow_collector_records_total Records handed to each sink (raw payloads to good, size_violation rows to bad).\n";
    out += "# TYPE furrow_collector_records_total counter\n";
    out += `furrow_collector_records_total{sink="good"} ${this.records.good}\n`;
    out += `furrow_collector_records_total{sink="bad"} ${this.records.bad}\n`;
    out += "# HELP furrow_collector_sink_write_failures_total Writes a sink refused outright.\n";
    out += "# TYPE furrow_collector_sink_write_failures_total counter\n";
    out += `furrow_collector_sink_write_failures_total{sink="good"} ${this.writeFailures.good}\n`;
    out += `furrow_collector_sink_write_failures_total{sink="bad"} ${this.writeFailures.bad}\n`;
    out +=
      "# HELP furrow_collector_back_pressure_refusals_total Tracking requests answered 503 because a sink was unhealthy or full.\n";
    out += "# TYPE furrow_collector_back_pressure_refusals_total counter\n";
    out += `furrow_collector_back_pressure_refusals_total ${this.backPressureRefusals}\n`;
    out += "# HELP furrow_collector_oversized_bodies_total Request bodies refused with 413.\n";
    out += "# TYPE furrow_collector_oversized_bodies_total counter\n";
    out += `furrow_collector_oversized_bodies_total ${this.oversizedBodies}\n`;
    out +=
      "# HELP furrow_collector_unacknowledged_requests_total Tracking requests answered 503 because their records were not acknowledged in time (acknowledgeAfterWrite).\n";
    out += "# TYPE furrow_collector_unacknowledged_requests_total counter\n";
    out += `furrow_collector_unacknowledged_requests_total ${this.unacknowledgedRequests}\n`;
    for (const g of this.#gauges) {
      out += `# HELP ${g.name} ${g.help}\n# TYPE ${g.name} ${g.type}\n`;
      for (const [labels, value] of g.samples()) {
        out += `${g.name}${formatLabels(Object.entries(labels))} ${formatSampleValue(value)}\n`;
      }
    }
    return out;
  }
}
