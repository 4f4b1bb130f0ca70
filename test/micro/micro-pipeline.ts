/**
 * @module
 * The pipeline the Micro tests run on, in this process on the local engines: kinesalite and
 * dynalite; the collector on a real port with its Kinesis sinks and the `micro` option; enrich in
 * stream mode (KCL leases); the Micro feed reading raw, enriched and bad-1. Schemas come from the
 * enrich fixtures plus a registry the test can publish to while everything runs, which is how a
 * fixed schema makes a replayed event good. The resolver does not cache, so a schema published
 * now is found by the next validation (a caching one remembers the NotFound until its TTL ends).
 */
import type { KinesisClient } from "@aws-sdk/client-kinesis";
import { newTracker, type Tracker } from "@snowplow/node-tracker";
import { startDynalite } from "../../src/adapters/engines/dynalite.ts";
import { startKinesalite } from "../../src/adapters/engines/kinesalite.ts";
import type { RunningEngine } from "../../src/adapters/engines/running-engine.ts";
import { kinesisClient } from "../../src/adapters/kinesis/client.ts";
import { ensureStream } from "../../src/adapters/kinesis/streams.ts";
import { type RunningCollector, startCollector } from "../../src/apps/collector/main.ts";
import { ENRICH_PROCESSOR, type RunningEnrich, startEnrichStream } from "../../src/apps/enrich/main.ts";
import { type MicroFeed, startMicroFeed } from "../../src/apps/micro/feed.ts";
import { EnrichPipeline } from "../../src/core/enrich/pipeline.ts";
import type { RegistryError } from "../../src/core/iglu/client-error.ts";
import type { Registry, SchemaList } from "../../src/core/iglu/registry.ts";
import { InMemoryRegistry } from "../../src/core/iglu/registry-in-memory.ts";
import { Resolver } from "../../src/core/iglu/resolver.ts";
import type { SchemaKey } from "../../src/core/iglu/schema-key.ts";
import {
  parseSelfDescribingSchema,
  type SelfDescribingSchema,
} from "../../src/core/iglu/self-describing-schema.ts";
import type { Result } from "../../src/core/result.ts";
import { fixtureSchemas } from "../support/enrich-test-resolver.ts";
import { kinesisCollectorConfig } from "../support/kinesis-collector-config.ts";

const REGION = "us-east-1";

/** A registry a test publishes schemas to while the pipeline runs (an Iglu Server stand-in). */
export class PublishableRegistry implements Registry {
  readonly name = "published in the test";
  readonly priority = 0;
  readonly vendorPrefixes: readonly string[] = [];
  readonly location = "memory";
  readonly kind = "InMemory" as const;
  #inner = new InMemoryRegistry({ name: this.name, priority: 0, vendorPrefixes: [] }, []);
  readonly #schemas: SelfDescribingSchema[] = [];

  publish(schema: SelfDescribingSchema): void {
    this.#schemas.push(schema);
    this.#inner = new InMemoryRegistry({ name: this.name, priority: 0, vendorPrefixes: [] }, this.#schemas);
  }

  lookup(key: SchemaKey): Promise<Result<unknown, RegistryError>> {
    return this.#inner.lookup(key);
  }

  list(vendor: string, name: string, model: number): Promise<Result<SchemaList, RegistryError>> {
    return this.#inner.list(vendor, name, model);
  }
}

/** A JSON Schema for `uri` (an Iglu URI) with these properties, none required. */
export function schemaFor(uri: string, properties: Record<string, unknown>): SelfDescribingSchema {
  const m = /^iglu:([^/]+)\/([^/]+)\/jsonschema\/(\d+-\d+-\d+)$/.exec(uri);
  if (m === null) throw new Error(`not an Iglu URI: ${uri}`);
  const parsed = parseSelfDescribingSchema({
    $schema: "http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#",
    self: { vendor: m[1], name: m[2], format: "jsonschema", version: m[3] },
    type: "object",
    properties,
    additionalProperties: false,
  });
  if (!parsed.ok) throw new Error(`bad test schema ${uri}`);
  return parsed.value;
}

export interface MicroPipeline {
  readonly collector: RunningCollector;
  readonly feed: MicroFeed;
  readonly enrich: RunningEnrich;
  readonly registry: PublishableRegistry;
  readonly kinesis: KinesisClient;
  /** `http://127.0.0.1:<port>` of the collector, which serves `/micro/…`. */
  readonly url: string;
  tracker(namespace: string, method: "get" | "post"): Tracker;
  stop(): Promise<void>;
}

/** Starts engines, streams, the collector with Micro, enrich and the feed. `prefix` names the streams. */
export async function startMicroPipeline(prefix: string): Promise<MicroPipeline> {
  const engines: RunningEngine[] = await Promise.all([startKinesalite(), startDynalite()]);
  const [kinesalite, dynalite] = engines as [RunningEngine, RunningEngine];
  const kinesis = kinesisClient({ endpoint: kinesalite.url, region: REGION });
  const streams = { raw: `${prefix}-raw`, enriched: `${prefix}-enriched`, bad: `${prefix}-bad-1` };
  for (const name of Object.values(streams)) await ensureStream(kinesis, { name, shards: 1 });

  const registry = new PublishableRegistry();
  const fixtures = new InMemoryRegistry(
    { name: "Furrow fixtures", priority: 1, vendorPrefixes: [] },
    fixtureSchemas(),
  );
  const resolver = new Resolver([registry, fixtures], { cacheSize: 0 });

  const feed = await startMicroFeed({
    kinesisEndpoint: kinesalite.url,
    region: REGION,
    streams,
    resolver,
    pollIntervalMs: 100,
  });

  const collector = await startCollector({
    config: kinesisCollectorConfig(
      { good: streams.raw, bad: streams.bad },
      { endpoint: kinesalite.url, region: REGION },
    ),
    stdout: () => {},
    stderr: () => {},
    micro: feed,
  });

  const pipeline = new EnrichPipeline({ resolver, processor: ENRICH_PROCESSOR, emitFailed: false });
  const enrich = await startEnrichStream(
    { pipeline, enrichments: [] },
    {
      input: {
        streamName: streams.raw,
        appName: `${prefix}-enrich`,
        initialPosition: { type: "TRIM_HORIZON" },
      },
      output: { good: streams.enriched, bad: streams.bad },
      kinesis: { endpoint: kinesalite.url, region: REGION },
      dynamodb: { endpoint: dynalite.url, region: REGION },
      consumer: { leaseDurationMs: 2_000, idleTimeBetweenReadsMs: 100, checkpointDebounceMs: 200 },
    },
  );

  return {
    collector,
    feed,
    enrich,
    registry,
    kinesis,
    url: collector.url,
    tracker(namespace, method) {
      return newTracker(
        { namespace, appId: "furrow-micro", encodeBase64: method === "get" },
        {
          endpoint: "127.0.0.1",
          port: collector.port,
          protocol: "http",
          eventMethod: method,
          bufferSize: method === "get" ? 1 : 3,
          retryFailedRequests: false,
        },
      );
    },
    async stop() {
      await collector.stop({ preTerminationPeriod: 0 });
      await enrich.stop();
      await feed.stop();
      kinesis.destroy();
      await Promise.all(engines.map((e) => e.stop()));
    },
  };
}
