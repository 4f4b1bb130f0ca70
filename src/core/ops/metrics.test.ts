/** @module Tests of the metrics registry, read back through the exposition parser. */
import { describe, expect, test } from "bun:test";
import { parseExposition, sampleValue } from "./exposition.ts";
import { MetricsRegistry } from "./metrics.ts";

describe("MetricsRegistry", () => {
  test("counters and gauges with labels render as Prometheus parses them", () => {
    const registry = new MetricsRegistry();
    const written = registry.counter("furrow_test_records_written_total", "Records written.", ["output"]);
    written.inc(3, { output: "good" });
    const good = written.labels({ output: "good" });
    good.inc();
    written.inc(2, { output: 'b"a\\d\n' });
    const held = registry.gauge("furrow_test_leases_held", "Leases held.");
    held.set(2);
    held.inc(-1);
    const scrape = parseExposition(registry.render());
    expect(scrape.types.get("furrow_test_records_written_total")).toBe("counter");
    expect(scrape.types.get("furrow_test_leases_held")).toBe("gauge");
    expect(scrape.help.get("furrow_test_leases_held")).toBe("Leases held.");
    expect(sampleValue(scrape, "furrow_test_records_written_total", { output: "good" })).toBe(4);
    expect(sampleValue(scrape, "furrow_test_records_written_total", { output: 'b"a\\d\n' })).toBe(2);
    expect(sampleValue(scrape, "furrow_test_leases_held")).toBe(1);
    expect(written.value({ output: "good" })).toBe(4);
  });

  test("histograms: cumulative buckets, +Inf, sum and count", () => {
    const registry = new MetricsRegistry();
    const latency = registry.histogram("furrow_test_batch_duration_seconds", "Batch time.", {
      buckets: [0.1, 1],
      labelNames: ["shard"],
    });
    for (const v of [0.05, 0.5, 0.7, 3]) latency.observe(v, { shard: "s0" });
    const scrape = parseExposition(registry.render());
    const bucket = (le: string) =>
      sampleValue(scrape, "furrow_test_batch_duration_seconds_bucket", { shard: "s0", le });
    expect([bucket("0.1"), bucket("1"), bucket("+Inf")]).toEqual([1, 3, 4]);
    expect(sampleValue(scrape, "furrow_test_batch_duration_seconds_sum", { shard: "s0" })).toBeCloseTo(4.25);
    expect(sampleValue(scrape, "furrow_test_batch_duration_seconds_count", { shard: "s0" })).toBe(4);
    expect(latency.count({ shard: "s0" })).toBe(4);
  });

  test("constant labels go on every sample, collected values are read at scrape time", () => {
    const registry = new MetricsRegistry({ constLabels: { purpose: "raw" } });
    registry.counter("furrow_test_read_total", "Read.").inc(7);
    let healthy = 1;
    registry.collect({
      name: "furrow_test_sink_healthy",
      help: "1 when the sink is healthy.",
      type: "gauge",
      samples: () => [[{ sink: "bad" }, healthy]],
    });
    healthy = 0;
    const scrape = parseExposition(registry.render());
    expect(sampleValue(scrape, "furrow_test_read_total", { purpose: "raw" })).toBe(7);
    expect(sampleValue(scrape, "furrow_test_sink_healthy", { purpose: "raw", sink: "bad" })).toBe(0);
  });

  test("special values render as +Inf, -Inf and NaN", () => {
    const registry = new MetricsRegistry();
    const g = registry.gauge("furrow_test_value", "A value.", ["k"]);
    g.set(Number.POSITIVE_INFINITY, { k: "a" });
    g.set(Number.NEGATIVE_INFINITY, { k: "b" });
    g.set(Number.NaN, { k: "c" });
    const text = registry.render();
    expect(text).toContain('furrow_test_value{k="a"} +Inf\n');
    expect(text).toContain('furrow_test_value{k="b"} -Inf\n');
    expect(Number.isNaN(sampleValue(parseExposition(text), "furrow_test_value", { k: "c" }))).toBe(true);
  });

  test("misuse is refused at once", () => {
    const registry = new MetricsRegistry();
    const c = registry.counter("furrow_test_total", "T.", ["a"]);
    expect(() => registry.counter("furrow_test_total", "again")).toThrow("registered twice");
    expect(() => registry.gauge("bad-name", "x")).toThrow("not a valid metric name");
    expect(() => registry.gauge("furrow_test_le", "x", ["le"])).toThrow("label name");
    expect(() => c.inc(1)).toThrow("label 'a' is missing");
    expect(() => c.inc(1, { a: "x", b: "y" })).toThrow("unknown labels b");
    expect(() => c.inc(-1, { a: "x" })).toThrow("cannot go down");
    expect(() => registry.histogram("furrow_test_h", "h", { buckets: [1, 0.5] })).toThrow("increasing");
    expect(() => new MetricsRegistry({ constLabels: { __x: "1" } })).toThrow("label name");
  });

  test("nothing recorded yet: unlabelled series read 0, labelled ones are absent", () => {
    const registry = new MetricsRegistry();
    registry.counter("furrow_test_total", "T.", ["a"]);
    registry.counter("furrow_test_plain_total", "P.");
    registry.histogram("furrow_test_seconds", "S.", { buckets: [1] });
    const scrape = parseExposition(registry.render());
    expect(scrape.samples.filter((s) => s.name === "furrow_test_total")).toEqual([]);
    expect(scrape.types.get("furrow_test_total")).toBe("counter");
    expect(sampleValue(scrape, "furrow_test_plain_total")).toBe(0);
    expect(sampleValue(scrape, "furrow_test_seconds_count")).toBe(0);
    expect(sampleValue(scrape, "furrow_test_seconds_bucket", { le: "+Inf" })).toBe(0);
  });
});

describe("parseExposition", () => {
  test("refuses what Prometheus would refuse", () => {
    expect(() => parseExposition("metric{a=1} 2\n")).toThrow("cannot read labels");
    expect(() => parseExposition("metric two\n")).toThrow("not a value");
    expect(() => parseExposition("# TYPE m widget\n")).toThrow("unknown type");
    expect(() => parseExposition('m{a="1",a="2"} 1\n')).toThrow("repeated");
  });

  test("reads timestamps, comments and blank lines", () => {
    const scrape = parseExposition('# a comment\n\nm{a="x"} 1.5 1700000000000\n');
    expect(scrape.samples).toEqual([{ name: "m", labels: { a: "x" }, value: 1.5 }]);
  });
});
