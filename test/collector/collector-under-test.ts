/**
 * @module
 * A collector on a real port with memory sinks, for the cross-component tests: the same wiring as
 * `furrow collector` (Bun routes for the hot paths, Hono for the rest), records kept in memory.
 */
import { MemorySink } from "../../src/adapters/memory/memory-sink.ts";
import { type CollectorConfig, defaultCollectorConfig } from "../../src/apps/collector/config.ts";
import { type RunningCollector, startCollector } from "../../src/apps/collector/main.ts";
import { type CollectorPayload, decodeCollectorPayload } from "../../src/core/thrift/collector-payload.ts";
import type { OutboundRecord } from "../../src/ports/record-sink.ts";

export interface CollectorUnderTest {
  readonly collector: RunningCollector;
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  readonly good: MemorySink;
  readonly bad: MemorySink;
  /** What the collector logged. */
  readonly log: string[];
  stop(): Promise<void>;
}

/** Starts a collector on 127.0.0.1 and a free port; `patch` edits Snowplow's default config. */
export async function startCollectorUnderTest(
  patch: (config: CollectorConfig) => CollectorConfig = (c) => c,
  sinks: { good?: MemorySink; bad?: MemorySink } = {},
): Promise<CollectorUnderTest> {
  const base = defaultCollectorConfig({ good: "raw", bad: "bad-1" });
  const config = patch({ ...base, interface: "127.0.0.1", port: 0, preTerminationPeriod: 0 });
  const good = sinks.good ?? new MemorySink();
  const bad = sinks.bad ?? new MemorySink();
  const log: string[] = [];
  const collector = await startCollector({
    config,
    stdout: () => {},
    stderr: (line) => log.push(line),
    sinks: { good, bad, name: "memory" },
  });
  return {
    collector,
    url: `http://127.0.0.1:${collector.port}`,
    port: collector.port,
    good,
    bad,
    log,
    stop: () => collector.stop({ preTerminationPeriod: 0 }),
  };
}

/** A stored record decoded; fails the test on a record that is not a CollectorPayload. */
export function decodeRecord(record: OutboundRecord | Uint8Array): CollectorPayload {
  const r = decodeCollectorPayload(record instanceof Uint8Array ? record : record.data);
  if (!r.ok) throw new Error(`not a CollectorPayload: ${r.error.message}`);
  return r.value;
}

/** Waits until `check` holds, polling every 10 ms, for up to `ms`. */
export async function eventually(check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await Bun.sleep(10);
  }
}
