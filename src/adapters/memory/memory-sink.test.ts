/** @module Runs the RecordSink conformance suite on the in-memory sink, plus its own switches. */
import { expect, test } from "bun:test";
import { recordSinkConformance } from "../../ports/record-sink.conformance.ts";
import { MemorySink } from "./memory-sink.ts";

recordSinkConformance("MemorySink", async () => ({
  async open(settings) {
    const sink = new MemorySink({ maxBufferedBytes: settings.maxBufferedBytes });
    return {
      sink,
      stored: async () => [...sink.records],
      hold: async () => sink.pause(),
      release: async () => sink.resume(),
      dispose: () => sink.close(),
    };
  },
  stop: async () => {},
}));

test("with retain off it only counts, for benchmarks", async () => {
  const sink = new MemorySink({ retain: false });
  await sink.write([{ data: new Uint8Array(10), partitionKey: "k" }]);
  expect(sink.records).toEqual([]);
  expect([sink.recordsWritten, sink.bytesWritten]).toEqual([1, 11]);
});

test("health is whatever the test sets", () => {
  const sink = new MemorySink();
  expect(sink.isHealthy()).toBe(true);
  sink.healthy = false;
  expect(sink.isHealthy()).toBe(false);
});
