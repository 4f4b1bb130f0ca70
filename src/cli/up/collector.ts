/**
 * @module
 * The collector of `furrow up`: Snowplow's defaults, listening on `--collector-port`, with its
 * Kinesis sink on the raw stream (bad rows to bad-1) and back-pressure on, so a stalled stream
 * turns into 503s instead of unbounded memory. It starts last, once everything downstream runs.
 *
 * Records are sent to the stream after at most 200 ms instead of Snowplow's 5 s: locally a
 * tracker's events should show up at once, and kinesalite takes small batches easily.
 *
 * It acknowledges after the write (`backPressure.acknowledgeAfterWrite`): a tracking request is
 * answered once the raw stream holds its records, so stopping or killing `furrow up` never loses
 * an event a tracker was told was collected. Locally that promise is worth a few milliseconds a
 * request; the producer then sends as soon as it can instead of waiting out the 200 ms.
 *
 * It also serves Snowplow Micro's API and the console under `/micro/`, fed from the raw, enriched
 * and bad-1 streams (`apps/micro`), with `/micro/iglu/…` answered by the Iglu part's resolver. The
 * feed starts before the collector, so it sees every record the collector writes.
 */

import { resolverFromFile } from "../../adapters/iglu/resolver-from-file.ts";
import { defaultCollectorConfig } from "../../apps/collector/config.ts";
import {
  type RunningCollector,
  type StartCollectorOptions,
  startCollector,
} from "../../apps/collector/main.ts";
import { microStreamsOf, startMicroFeed } from "../../apps/micro/feed.ts";
import { formatResolverConfigError } from "../../core/iglu/resolver-config.ts";
import type { ResolverLink } from "./iglu.ts";
import type { Pipeline, StartedPart, UpPart } from "./part.ts";

/** Milliseconds a record waits in the collector's buffer before it is sent. */
const SINK_TIME_LIMIT_MS = 200;

/**
 * Options beyond the config and the output functions, passed to `startCollector` as they are:
 * the seam for features that ride on the collector (e.g. a Snowplow Micro API).
 */
export type CollectorExtras = Partial<Omit<StartCollectorOptions, "config" | "stdout" | "stderr">>;

export function collectorPart(
  resolverLink: ResolverLink,
  extras: (pipeline: Pipeline) => CollectorExtras = () => ({}),
): UpPart {
  return {
    name: "collector",
    async start(pipeline: Pipeline): Promise<StartedPart> {
      const { topology, endpoints, region, config } = pipeline;
      const app = topology.apps.collector;
      if (app.output.kind !== "stream") throw new Error("topology: the collector must write a stream");
      const resolver = await resolverFromFile(resolverLink.path);
      if (!resolver.ok) throw new Error(formatResolverConfigError(resolver.error));
      const micro = await startMicroFeed({
        kinesisEndpoint: endpoints.kinesis,
        region,
        streams: microStreamsOf(topology),
        resolver: resolver.value,
        log: (line) => pipeline.log(line),
      });
      const base = defaultCollectorConfig({
        good: topology.streams[app.output.stream].name,
        bad: topology.streams[app.failures].name,
        sink: "kinesis",
      });
      const sink = (s: typeof base.streams.good) => ({
        ...s,
        region,
        customEndpoint: endpoints.kinesis,
        buffer: { ...s.buffer, timeLimit: SINK_TIME_LIMIT_MS },
      });
      let collector: RunningCollector;
      try {
        collector = await startCollector({
          micro,
          ...extras(pipeline),
          config: {
            ...base,
            interface: config.host,
            port: config.collectorPort,
            // Nothing balances load in front of it: stop at once.
            preTerminationPeriod: 0,
            streams: { ...base.streams, good: sink(base.streams.good), bad: sink(base.streams.bad) },
            backPressure: { ...base.backPressure, enabled: true, acknowledgeAfterWrite: true },
          },
          stdout: () => {},
          stderr: (text) => pipeline.log(text.replace(/\n$/, "")),
        });
      } catch (e) {
        await micro.stop();
        throw e;
      }
      return {
        url: collector.url,
        progress: () => ({ collected: collector.metrics.records.good, bad: collector.metrics.records.bad }),
        detail: `Micro API and console at ${collector.url}/micro/ui`,
        stop: async () => {
          try {
            await collector.stop({ preTerminationPeriod: 0 });
          } finally {
            await micro.stop();
          }
        },
      };
    },
  };
}
