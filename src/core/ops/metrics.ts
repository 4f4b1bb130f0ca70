/**
 * @module
 * A Prometheus metrics registry: counters, gauges and histograms with labels, and values read at
 * scrape time, rendered in the text exposition format 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/). Every app's `/metrics` is one.
 *
 * Recording is a map lookup by the label values joined into one key, so a hot path that keeps the
 * handle of its series (`counter.labels({ sink: "good" })`) formats nothing per event. Misuse
 * (a bad name, a missing or extra label) throws at once: those are bugs, not data.
 *
 * @example
 * const registry = new MetricsRegistry({ constLabels: { purpose: "raw" } });
 * const read = registry.counter("furrow_s3_loader_records_read_total", "Records read from the stream.");
 * read.inc(500);
 * registry.render(); // "# HELP furrow_s3_loader_records_read_total …\n…{purpose=\"raw\"} 500\n"
 */

export type Labels = Readonly<Record<string, string>>;

export type MetricType = "counter" | "gauge" | "histogram";

/** Seconds, from a millisecond to a minute: a batch of a stream worker or an HTTP request. */
export const DEFAULT_BUCKETS: readonly number[] = [
  0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
];

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Label value escaping of the text format: backslash, double quote and line feed. */
export function escapeLabelValue(value: string): string {
  return value.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n");
}

/** A sample value as the text format spells it (`+Inf`, `-Inf`, `NaN`). */
export function formatSampleValue(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(value);
}

/** `{a="1",b="2"}`, or nothing for no labels. */
export function formatLabels(pairs: readonly (readonly [string, string])[]): string {
  if (pairs.length === 0) return "";
  return `{${pairs.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(",")}}`;
}

function checkLabelNames(metric: string, names: readonly string[]): void {
  for (const n of names) {
    if (!LABEL_NAME.test(n) || n.startsWith("__") || n === "le") {
      throw new Error(`metric ${metric}: '${n}' is not a usable label name`);
    }
  }
  if (new Set(names).size !== names.length) throw new Error(`metric ${metric}: repeated label names`);
}

/** What every family shares: its name, help, label names, and series keyed by label values. */
abstract class Family<S> {
  readonly #series = new Map<string, { values: readonly string[]; state: S }>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
  ) {}

  /** A family without labels has its one series from the start, so it is scraped as 0, not absent. */
  protected init(): void {
    if (this.labelNames.length === 0) this.series(undefined);
  }

  abstract readonly type: MetricType;
  protected abstract fresh(): S;

  /** The state of the series with `labels`, created on first use. */
  protected series(labels: Labels | undefined): S {
    const values = this.labelNames.map((n) => {
      const v = labels?.[n];
      if (v === undefined) throw new Error(`metric ${this.name}: label '${n}' is missing`);
      return v;
    });
    if (labels !== undefined && Object.keys(labels).length !== this.labelNames.length) {
      const extra = Object.keys(labels).filter((k) => !this.labelNames.includes(k));
      throw new Error(`metric ${this.name}: unknown labels ${extra.join(", ")}`);
    }
    const key = values.join("\u0000");
    let s = this.#series.get(key);
    if (s === undefined) {
      s = { values, state: this.fresh() };
      this.#series.set(key, s);
    }
    return s.state;
  }

  /** Every series with its label pairs (constant labels first). */
  protected *entries(constLabels: readonly (readonly [string, string])[]) {
    for (const { values, state } of this.#series.values()) {
      const pairs: (readonly [string, string])[] = [...constLabels];
      for (let i = 0; i < this.labelNames.length; i++) pairs.push([this.labelNames[i]!, values[i]!]);
      yield { pairs, state };
    }
  }

  abstract renderSamples(constLabels: readonly (readonly [string, string])[]): string;
}

/** A family whose series are each one number, rendered as one sample: counters and gauges. */
abstract class SingleValueFamily extends Family<{ value: number }> {
  constructor(name: string, help: string, labelNames: readonly string[]) {
    super(name, help, labelNames);
    this.init();
  }
  protected fresh() {
    return { value: 0 };
  }
  value(labels?: Labels): number {
    return this.series(labels).value;
  }
  renderSamples(constLabels: readonly (readonly [string, string])[]): string {
    let out = "";
    for (const { pairs, state } of this.entries(constLabels))
      out += `${this.name}${formatLabels(pairs)} ${formatSampleValue(state.value)}\n`;
    return out;
  }
}

/** A value that only goes up, e.g. records read. */
export class Counter extends SingleValueFamily {
  readonly type = "counter";
  /** Adds `n` (1 by default; never negative) to the series with `labels`. */
  inc(n = 1, labels?: Labels): void {
    if (!(n >= 0)) throw new Error(`metric ${this.name}: a counter cannot go down (${n})`);
    this.series(labels).value += n;
  }
  /** The series with `labels`, to record into without a lookup. */
  labels(labels: Labels): { inc(n?: number): void } {
    const s = this.series(labels);
    return {
      inc: (n = 1) => {
        if (!(n >= 0)) throw new Error(`metric ${this.name}: a counter cannot go down (${n})`);
        s.value += n;
      },
    };
  }
}

/** A value that goes up and down, e.g. leases held. */
export class Gauge extends SingleValueFamily {
  readonly type = "gauge";
  set(value: number, labels?: Labels): void {
    this.series(labels).value = value;
  }
  inc(n = 1, labels?: Labels): void {
    this.series(labels).value += n;
  }
}

interface HistogramState {
  readonly buckets: number[];
  sum: number;
  count: number;
}

/** Observations in cumulative buckets, with their sum and count, e.g. batch latency. */
export class Histogram extends Family<HistogramState> {
  readonly type = "histogram";
  constructor(
    name: string,
    help: string,
    labelNames: readonly string[],
    readonly buckets: readonly number[],
  ) {
    super(name, help, labelNames);
    if (buckets.length === 0 || buckets.some((b, i) => i > 0 && !(b > buckets[i - 1]!))) {
      throw new Error(`metric ${name}: buckets must be given in increasing order`);
    }
    this.init();
  }
  protected fresh(): HistogramState {
    return { buckets: new Array<number>(this.buckets.length).fill(0), sum: 0, count: 0 };
  }
  observe(value: number, labels?: Labels): void {
    const s = this.series(labels);
    s.sum += value;
    s.count++;
    for (let i = 0; i < this.buckets.length; i++) {
      if (value <= this.buckets[i]!) {
        s.buckets[i]!++;
        break;
      }
    }
  }
  /** How many observations the series with `labels` has. */
  count(labels?: Labels): number {
    return this.series(labels).count;
  }
  renderSamples(constLabels: readonly (readonly [string, string])[]): string {
    let out = "";
    for (const { pairs, state } of this.entries(constLabels)) {
      let cumulative = 0;
      for (let i = 0; i < this.buckets.length; i++) {
        cumulative += state.buckets[i]!;
        out += `${this.name}_bucket${formatLabels([...pairs, ["le", formatSampleValue(this.buckets[i]!)]])} ${cumulative}\n`;
      }
      out += `${this.name}_bucket${formatLabels([...pairs, ["le", "+Inf"]])} ${state.count}\n`;
      out += `${this.name}_sum${formatLabels(pairs)} ${formatSampleValue(state.sum)}\n`;
      out += `${this.name}_count${formatLabels(pairs)} ${state.count}\n`;
    }
    return out;
  }
}

/** Samples computed when `/metrics` is scraped, e.g. a sink's health or a checkpoint's age. */
export interface Collected {
  readonly name: string;
  readonly help: string;
  readonly type: "counter" | "gauge";
  readonly samples: () => Iterable<readonly [labels: Labels, value: number]>;
}

export interface MetricsRegistryOptions {
  /** Labels on every sample, e.g. `{ purpose: "raw" }` for one of three S3 loaders. */
  readonly constLabels?: Labels;
}

export class MetricsRegistry {
  readonly #families: (Family<unknown> | Collected)[] = [];
  readonly #names = new Set<string>();
  readonly #constLabels: readonly (readonly [string, string])[];

  constructor(options: MetricsRegistryOptions = {}) {
    const constLabels = Object.entries(options.constLabels ?? {});
    checkLabelNames(
      "(constant labels)",
      constLabels.map(([k]) => k),
    );
    this.#constLabels = constLabels;
  }

  #claim(name: string, labelNames: readonly string[]): void {
    if (!METRIC_NAME.test(name)) throw new Error(`'${name}' is not a valid metric name`);
    if (this.#names.has(name)) throw new Error(`metric ${name} is registered twice`);
    checkLabelNames(name, [...this.#constLabels.map(([k]) => k), ...labelNames]);
    this.#names.add(name);
  }

  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    this.#claim(name, labelNames);
    const c = new Counter(name, help, labelNames);
    this.#families.push(c as Family<unknown>);
    return c;
  }

  gauge(name: string, help: string, labelNames: readonly string[] = []): Gauge {
    this.#claim(name, labelNames);
    const g = new Gauge(name, help, labelNames);
    this.#families.push(g as Family<unknown>);
    return g;
  }

  histogram(
    name: string,
    help: string,
    options: { readonly labelNames?: readonly string[]; readonly buckets?: readonly number[] } = {},
  ): Histogram {
    const labelNames = options.labelNames ?? [];
    this.#claim(name, labelNames);
    const h = new Histogram(name, help, labelNames, options.buckets ?? DEFAULT_BUCKETS);
    this.#families.push(h as Family<unknown>);
    return h;
  }

  /** Adds samples computed at each scrape. */
  collect(collected: Collected): void {
    this.#claim(collected.name, []);
    this.#families.push(collected);
  }

  /** The text exposition of every metric, in registration order. */
  render(): string {
    let out = "";
    for (const f of this.#families) {
      const help = f.help.replaceAll("\\", "\\\\").replaceAll("\n", "\\n");
      out += `# HELP ${f.name} ${help}\n# TYPE ${f.name} ${f.type}\n`;
      if (f instanceof Family) {
        out += f.renderSamples(this.#constLabels);
        continue;
      }
      for (const [labels, value] of f.samples()) {
        const pairs = [...this.#constLabels, ...Object.entries(labels)];
        out += `${f.name}${formatLabels(pairs)} ${formatSampleValue(value)}\n`;
      }
    }
    return out;
  }
}

/** The content type of the text exposition format. */
export const EXPOSITION_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
