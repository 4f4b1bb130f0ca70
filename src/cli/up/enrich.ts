/**
 * @module
 * Enrich in `furrow up`: the KCL consumer of the raw stream (lease table named by the topology),
 * writing enriched events and bad rows to their streams, with the resolver config of the Iglu part
 * and the enrichment configs of `--enrichments DIR`. Reads are polled every 200 ms instead of KCL's
 * 1.5 s so that events show up quickly; stopping flushes the checkpoints of written batches, so a
 * restart on the same data directory carries on after them.
 */
import { buildPipeline, startEnrichStream } from "../../apps/enrich/main.ts";
import type { ResolverLink } from "./iglu.ts";
import type { Pipeline, StartedPart, UpPart } from "./part.ts";

/** KCL timings for one machine: poll often, checkpoint soon after a batch is written. */
export const LOCAL_CONSUMER = { idleTimeBetweenReadsMs: 200, checkpointDebounceMs: 500 } as const;

export function enrichPart(resolver: ResolverLink): UpPart {
  return {
    name: "enrich",
    async start(pipeline: Pipeline): Promise<StartedPart> {
      const { topology, endpoints, region, config } = pipeline;
      const app = topology.apps.enrich;
      if (app.input.kind !== "stream" || app.output.kind !== "stream") {
        throw new Error("topology: enrich must read and write streams");
      }
      const built = await buildPipeline({
        igluConfig: resolver.path,
        enrichmentsDir: config.enrichmentsDir,
        emitFailed: false,
        s3: { endpoint: endpoints.s3, region },
      });
      if (!built.ok) throw new Error(`--enrichments: ${built.error.join("; ")}`);
      const input = topology.streams[app.input.stream].name;
      const good = topology.streams[app.output.stream].name;
      const bad = topology.streams[app.failures].name;
      const running = await startEnrichStream(built.value, {
        input: {
          streamName: input,
          appName: app.input.leaseTable,
          initialPosition: { type: app.input.initialPosition },
        },
        output: { good, bad },
        kinesis: { endpoint: endpoints.kinesis, region },
        dynamodb: { endpoint: endpoints.dynamodb, region },
        consumer: LOCAL_CONSUMER,
        log: pipeline.log,
      });
      const enrichments = built.value.enrichments.map((e) => e.name);
      return {
        url: `${input} → ${good}, bad rows → ${bad}`,
        detail: enrichments.length === 0 ? "no enrichments" : `enrichments: ${enrichments.join(" ")}`,
        progress: () => ({ enriched: running.totals.good, bad: running.totals.bad }),
        stop: () => running.stop(),
      };
    },
  };
}
