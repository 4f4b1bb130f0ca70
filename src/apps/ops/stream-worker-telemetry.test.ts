/**
 * @module
 * Tests of a stream worker's telemetry: the wrapped handler's counts and latency, the consumer's
 * events, and every reason `/health` gives for 503, read back through the exposition parser.
 */
import { describe, expect, test } from "bun:test";
import type { RecordBatch } from "../../adapters/kinesis/stream-consumer.ts";
import { parseExposition, sampleValue } from "../../core/ops/exposition.ts";
import { StreamWorkerTelemetry } from "./stream-worker-telemetry.ts";

const batch = (shardId: string, n: number, millisBehindLatest = 0): RecordBatch => ({
  shardId,
  millisBehindLatest,
  records: Array.from({ length: n }, (_, i) => ({
    data: new Uint8Array([i]),
    partitionKey: "k",
    sequenceNumber: String(i + 1),
    approximateArrivalTimestamp: new Date(0),
  })) as unknown as RecordBatch["records"],
});

function setup() {
  let now = 100_000;
  const telemetry = new StreamWorkerTelemetry({
    app: "enrich",
    namespace: "furrow_test",
    leaseDurationMs: 10_000,
    now: () => now,
  });
  let held = ["shard-a"];
  const consumer = { workerId: "host:1", heldShardIds: () => held };
  return {
    telemetry,
    consumer,
    advance: (ms: number) => {
      now += ms;
    },
    hold: (shards: string[]) => {
      held = shards;
    },
    scrape: () => parseExposition(telemetry.registry.render()),
  };
}

describe("StreamWorkerTelemetry", () => {
  test("counts read and failed records, batches by outcome, latency and lag", async () => {
    const { telemetry, scrape } = setup();
    let fail = true;
    const handler = telemetry.handler(async () => {
      if (fail) throw new Error("sink refused");
    });
    await expect(handler(batch("shard-a", 5, 2_000))).rejects.toThrow("sink refused");
    fail = false;
    await handler(batch("shard-a", 5, 0));
    await handler(batch("shard-b", 3, 750));
    const written = { good: 7, bad: 1 };
    telemetry.written(() => written);
    const m = scrape();
    expect(sampleValue(m, "furrow_test_records_read_total")).toBe(8);
    expect(sampleValue(m, "furrow_test_records_failed_total")).toBe(5);
    expect(sampleValue(m, "furrow_test_batches_total", { outcome: "ok" })).toBe(2);
    expect(sampleValue(m, "furrow_test_batches_total", { outcome: "failed" })).toBe(1);
    expect(sampleValue(m, "furrow_test_batch_duration_seconds_count")).toBe(3);
    expect(sampleValue(m, "furrow_test_millis_behind_latest", { shard: "shard-a" })).toBe(0);
    expect(sampleValue(m, "furrow_test_millis_behind_latest", { shard: "shard-b" })).toBe(750);
    expect(sampleValue(m, "furrow_test_records_written_total", { output: "good" })).toBe(7);
    expect(m.types.get("furrow_test_records_written_total")).toBe("counter");
  });

  test("lease events: changes, checkpoints, the age of each held shard's checkpoint, errors", () => {
    const { telemetry, consumer, advance, scrape } = setup();
    telemetry.running(consumer);
    telemetry.onConsumerEvent({
      type: "lease-taken",
      leaseKey: "shard-a",
      previousOwner: null,
      stolen: false,
    });
    telemetry.onConsumerEvent({
      type: "lease-taken",
      leaseKey: "shard-b",
      previousOwner: null,
      stolen: false,
    });
    advance(4_000);
    telemetry.onConsumerEvent({ type: "checkpoint", shardId: "shard-a", sequenceNumber: "9" });
    advance(1_500);
    telemetry.onConsumerEvent({ type: "lease-lost", leaseKey: "shard-b" });
    telemetry.onConsumerEvent({
      type: "error",
      operation: "renew",
      shardId: "shard-a",
      error: new Error("x"),
    });
    let m = scrape();
    expect(sampleValue(m, "furrow_test_checkpoint_age_seconds", { shard: "shard-a" })).toBe(1.5);
    expect(sampleValue(m, "furrow_test_checkpoint_age_seconds", { shard: "shard-b" })).toBeUndefined();
    expect(sampleValue(m, "furrow_test_checkpoints_total")).toBe(1);
    expect(sampleValue(m, "furrow_test_lease_changes_total", { change: "taken" })).toBe(2);
    expect(sampleValue(m, "furrow_test_lease_changes_total", { change: "lost" })).toBe(1);
    expect(sampleValue(m, "furrow_test_errors_total", { operation: "renew" })).toBe(1);
    expect(sampleValue(m, "furrow_test_leases_held")).toBe(1);
    telemetry.onConsumerEvent({ type: "leases-released", leaseKeys: ["shard-a"] });
    m = scrape();
    expect(sampleValue(m, "furrow_test_lease_changes_total", { change: "released" })).toBe(1);
    expect(sampleValue(m, "furrow_test_checkpoint_age_seconds", { shard: "shard-a" })).toBeUndefined();
  });

  test("health: starting and stopping are 503, running is 200, idle (no lease) included", () => {
    const { telemetry, consumer, hold } = setup();
    expect(telemetry.health()).toMatchObject({ status: "unavailable", state: "starting", workerId: null });
    telemetry.running(consumer);
    expect(telemetry.health()).toMatchObject({ status: "ok", state: "running", leasesHeld: ["shard-a"] });
    hold([]);
    expect(telemetry.health()).toMatchObject({ status: "ok", leasesHeld: [] });
    telemetry.stopping();
    expect(telemetry.health()).toMatchObject({ status: "unavailable", state: "stopping" });
  });

  test("health: an unhealthy sink, a lost lease table, or a shard failing three times in a row is 503", async () => {
    const { telemetry, consumer, advance, scrape } = setup();
    telemetry.running(consumer);
    let sinkHealthy = false;
    telemetry.watchSink("good", { isHealthy: () => sinkHealthy });
    expect(telemetry.health()).toMatchObject({ status: "unavailable", checks: { sinks: { good: false } } });
    expect(sampleValue(scrape(), "furrow_test_sink_healthy", { sink: "good" })).toBe(0);
    expect(sampleValue(scrape(), "furrow_test_healthy")).toBe(0);
    sinkHealthy = true;
    expect(telemetry.health().status).toBe("ok");

    telemetry.leaseTable.failed(new Error("throttled"));
    advance(9_000);
    expect(telemetry.health().status).toBe("ok");
    advance(1_000);
    expect(telemetry.health()).toMatchObject({
      status: "unavailable",
      checks: { leaseTable: { ok: false, failingForMs: 10_000, lastError: "throttled" } },
    });
    expect(sampleValue(scrape(), "furrow_test_lease_table_reachable")).toBe(0);
    telemetry.leaseTable.succeeded();
    expect(telemetry.health().status).toBe("ok");

    let fail = true;
    const handler = telemetry.handler(async () => {
      if (fail) throw new Error("no");
    });
    for (let i = 0; i < 2; i++) await expect(handler(batch("shard-a", 1))).rejects.toThrow();
    expect(telemetry.health()).toMatchObject({
      status: "ok",
      checks: { batches: { failingShards: { "shard-a": 2 } } },
    });
    await expect(handler(batch("shard-a", 1))).rejects.toThrow();
    expect(telemetry.health()).toMatchObject({ status: "unavailable", checks: { batches: { ok: false } } });
    fail = false;
    await handler(batch("shard-a", 1));
    expect(telemetry.health()).toMatchObject({ status: "ok", checks: { batches: { failingShards: {} } } });
    expect(sampleValue(scrape(), "furrow_test_healthy")).toBe(1);
  });

  test("constant labels go on every metric", () => {
    const telemetry = new StreamWorkerTelemetry({
      app: "s3-loader",
      namespace: "furrow_s3_loader",
      constLabels: { purpose: "raw" },
      leaseDurationMs: 10_000,
    });
    const m = parseExposition(telemetry.registry.render());
    expect(m.samples.length).toBeGreaterThan(5);
    expect(m.samples.every((s) => s.labels["purpose"] === "raw")).toBe(true);
  });
});
