/**
 * @module
 * The collector's config for pipeline tests: listening on a free port of 127.0.0.1 and writing
 * the good (raw) and bad streams of a local Kinesis engine, with a 50 ms buffer time limit so
 * records reach the raw stream while a tracker still sends, and no pre-termination wait.
 */
import { type CollectorConfig, defaultCollectorConfig } from "../../src/apps/collector/config.ts";

export function kinesisCollectorConfig(
  streams: { readonly good: string; readonly bad: string },
  kinesis: { readonly endpoint: string; readonly region: string },
): CollectorConfig {
  const base = defaultCollectorConfig({ good: streams.good, bad: streams.bad, sink: "kinesis" });
  const sink = (s: typeof base.streams.good) => ({
    ...s,
    customEndpoint: kinesis.endpoint,
    region: kinesis.region,
    buffer: { ...s.buffer, timeLimit: 50 },
  });
  return {
    ...base,
    interface: "127.0.0.1",
    port: 0,
    preTerminationPeriod: 0,
    streams: { ...base.streams, good: sink(base.streams.good), bad: sink(base.streams.bad) },
  };
}
