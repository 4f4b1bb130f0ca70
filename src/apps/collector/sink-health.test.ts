/** @module Tests for the sink health watch: one record per change, none while nothing changes. */
import { describe, expect, test } from "bun:test";
import { MemorySink } from "../../adapters/memory/memory-sink.ts";
import { createLogger } from "../../core/ops/log.ts";
import { watchSinkHealth } from "./sink-health.ts";

function setup() {
  const records: Record<string, unknown>[] = [];
  const logger = createLogger({
    app: "collector",
    format: "json",
    write: (line) => records.push(JSON.parse(line)),
  });
  const good = new MemorySink();
  const bad = new MemorySink();
  // Checked by hand below; the timer is left far off.
  const watch = watchSinkHealth(
    [
      ["good", good],
      ["bad", bad],
    ],
    logger,
    3_600_000,
  );
  return { records, good, bad, watch };
}

describe("watchSinkHealth", () => {
  test("logs a sink turning unhealthy and recovering, once each", () => {
    const { records, good, bad, watch } = setup();
    try {
      watch.check();
      expect(records).toEqual([]);
      good.healthy = false;
      watch.check();
      watch.check();
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({ level: "warn", event: "sink-unhealthy", sink: "good" });
      bad.healthy = false;
      good.healthy = true;
      watch.check();
      expect(records.slice(1)).toEqual([
        expect.objectContaining({ level: "info", event: "sink-healthy", sink: "good" }),
        expect.objectContaining({ level: "warn", event: "sink-unhealthy", sink: "bad" }),
      ]);
    } finally {
      watch.stop();
    }
  });

  test("polls on its own until stopped", async () => {
    const records: unknown[] = [];
    const logger = createLogger({ app: "collector", write: (line) => records.push(line) });
    const good = new MemorySink();
    good.healthy = false;
    const watch = watchSinkHealth([["good", good]], logger, 5);
    const seen = Promise.withResolvers<void>();
    const poll = setInterval(() => records.length > 0 && seen.resolve(), 5);
    await seen.promise;
    clearInterval(poll);
    watch.stop();
    good.healthy = true;
    const before = records.length;
    await Bun.sleep(30);
    expect(records.length).toBe(before);
    expect(records[0]).toStartWith("furrow collector: warn: the good sink is unhealthy");
  });
});
