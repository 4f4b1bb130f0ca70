/**
 * @module
 * What a stream worker (enrich, the S3 loaders, the Postgres loader) reports about itself: its
 * Prometheus metrics and its health, both fed by the consumer's own events and by wrapping its
 * batch handler, so the apps' code paths stay as they are.
 *
 * Health (`/health`) is 200 while all of these hold, 503 otherwise, so an orchestrator restarts a
 * worker that is stuck rather than one that is merely idle:
 * - the consumer is running (not yet started, or stopping, is 503: take it out of rotation);
 * - the lease table answers (calls have not kept failing for a whole lease duration);
 * - every sink reports healthy (`RecordSink.isHealthy`, the S3 loader's puts);
 * - no shard's batch has failed {@link StreamWorkerTelemetryOptions.failedBatchesUnhealthy} times in a row.
 * Holding no lease is healthy: with more workers than shards, some wait as standbys.
 *
 * Metrics carry the app's prefix (`furrow_enrich_…`, `furrow_s3_loader_…`, `furrow_postgres_loader_…`):
 * records read (handled and acknowledged), written (by output), failed (in failed batch attempts),
 * batches by outcome and their latency, leases held and lease changes, per shard the consumer's
 * `MillisBehindLatest` and the age of the last checkpoint, checkpoints, errors by operation, sink
 * health, and the process's memory.
 */
import type { BatchHandler, ConsumerEvent } from "../../adapters/kinesis/stream-consumer.ts";
import { type Labels, MetricsRegistry } from "../../core/ops/metrics.ts";
import { LeaseTableWatch } from "./lease-table-watch.ts";

/** What health needs to know of the consumer. */
export interface WatchedConsumer {
  readonly workerId: string;
  heldShardIds(): string[];
}

/** Anything with a health flag: record sinks, the S3 loader app. */
export interface HealthSource {
  isHealthy(): boolean;
}

export interface StreamWorkerTelemetryOptions {
  /** The app, as logs and `/health` name it: `enrich`, `s3-loader`, `postgres-loader`. */
  readonly app: string;
  /** Metric name prefix, e.g. `furrow_enrich`. */
  readonly namespace: string;
  /** Labels on every sample, e.g. `{ purpose: "raw" }`. */
  readonly constLabels?: Labels;
  /** The lease duration: how long the lease table may fail before health says so. */
  readonly leaseDurationMs: number;
  /** Consecutive failures of one shard's batch that make the worker unhealthy; 3 by default. */
  readonly failedBatchesUnhealthy?: number;
  /** Wall-clock milliseconds; `Date.now` by default. */
  readonly now?: () => number;
}

export interface HealthReport {
  readonly status: "ok" | "unavailable";
  readonly app: string;
  readonly workerId: string | null;
  readonly state: "starting" | "running" | "stopping";
  readonly leasesHeld: readonly string[];
  readonly checks: {
    readonly leaseTable: {
      readonly ok: boolean;
      readonly failingForMs: number | null;
      readonly lastError: string | null;
    };
    readonly sinks: Readonly<Record<string, boolean>>;
    readonly batches: { readonly ok: boolean; readonly failingShards: Readonly<Record<string, number>> };
  };
}

export class StreamWorkerTelemetry {
  readonly registry: MetricsRegistry;
  readonly leaseTable: LeaseTableWatch;
  readonly #options: StreamWorkerTelemetryOptions;
  readonly #now: () => number;
  readonly #sinks = new Map<string, HealthSource>();
  /** Consecutive failed attempts per shard; removed on success. */
  readonly #failing = new Map<string, number>();
  /** Per held shard: when its checkpoint was last written (or its lease taken). */
  readonly #checkpointedAt = new Map<string, number>();
  #consumer: WatchedConsumer | null = null;
  #state: HealthReport["state"] = "starting";
  readonly #read;
  readonly #failed;
  readonly #batches;
  readonly #latency;
  readonly #behind;
  readonly #checkpoints;
  readonly #leaseChanges;
  readonly #errors;

  constructor(options: StreamWorkerTelemetryOptions) {
    this.#options = options;
    this.#now = options.now ?? (() => Date.now());
    this.leaseTable = new LeaseTableWatch(options.leaseDurationMs, this.#now);
    const r = new MetricsRegistry({ constLabels: options.constLabels });
    this.registry = r;
    const ns = options.namespace;
    this.#read = r.counter(
      `${ns}_records_read_total`,
      "Records read from the input stream and acknowledged.",
    );
    this.#failed = r.counter(
      `${ns}_records_failed_total`,
      "Records of batch attempts that failed (each is retried; nothing is checkpointed past them).",
    );
    this.#batches = r.counter(`${ns}_batches_total`, "Batch attempts, by outcome.", ["outcome"]);
    this.#latency = r.histogram(
      `${ns}_batch_duration_seconds`,
      "Time from a batch's delivery to its acknowledgement (or failure).",
    );
    this.#behind = r.gauge(
      `${ns}_millis_behind_latest`,
      "How far the last batch read of each shard was behind the stream's tip (Kinesis MillisBehindLatest).",
      ["shard"],
    );
    r.collect({
      name: `${ns}_checkpoint_age_seconds`,
      help: "Seconds since each held shard's checkpoint was last written (or its lease taken).",
      type: "gauge",
      samples: () => {
        const now = this.#now();
        return [...this.#checkpointedAt].map(([shard, at]) => [{ shard }, (now - at) / 1000] as const);
      },
    });
    this.#checkpoints = r.counter(`${ns}_checkpoints_total`, "Checkpoints written to the lease table.");
    r.collect({
      name: `${ns}_leases_held`,
      help: "Shard leases this worker holds.",
      type: "gauge",
      samples: () => [[{}, this.#consumer?.heldShardIds().length ?? 0]],
    });
    this.#leaseChanges = r.counter(`${ns}_lease_changes_total`, "Leases taken, lost and released.", [
      "change",
    ]);
    this.#errors = r.counter(
      `${ns}_errors_total`,
      "Consumer errors, by operation (renew, take, checkpoint, …).",
      ["operation"],
    );
    r.collect({
      name: `${ns}_lease_table_reachable`,
      help: "1 while the lease table answers, 0 once calls kept failing for a lease duration.",
      type: "gauge",
      samples: () => [[{}, this.leaseTable.state().reachable ? 1 : 0]],
    });
    r.collect({
      name: `${ns}_sink_healthy`,
      help: "1 while the sink reports healthy.",
      type: "gauge",
      samples: () => [...this.#sinks].map(([sink, s]) => [{ sink }, s.isHealthy() ? 1 : 0] as const),
    });
    r.collect({
      name: `${ns}_healthy`,
      help: "1 while /health answers 200.",
      type: "gauge",
      samples: () => [[{}, this.health().status === "ok" ? 1 : 0]],
    });
    r.collect({
      name: "process_resident_memory_bytes",
      help: "Resident memory size in bytes.",
      type: "gauge",
      samples: () => [[{}, process.memoryUsage.rss()]],
    });
    const started = Date.now() / 1000;
    r.collect({
      name: "process_start_time_seconds",
      help: "Start time of the process since the Unix epoch, in seconds.",
      type: "gauge",
      samples: () => [[{}, started]],
    });
    for (const outcome of ["ok", "failed"]) this.#batches.inc(0, { outcome });
    for (const change of ["taken", "lost", "released"]) this.#leaseChanges.inc(0, { change });
  }

  /** Registers what the app wrote, read at scrape time from its own totals (by output). */
  written(read: () => Readonly<Record<string, number>>): void {
    this.registry.collect({
      name: `${this.#options.namespace}_records_written_total`,
      help: "Records written, by output.",
      type: "counter",
      samples: () => Object.entries(read()).map(([output, n]) => [{ output }, n] as const),
    });
  }

  /** Adds a sink (or other part) whose health `/health` and `_sink_healthy` report. */
  watchSink(name: string, sink: HealthSource): void {
    this.#sinks.set(name, sink);
  }

  /** The consumer is running; health now follows it. */
  running(consumer: WatchedConsumer): void {
    this.#consumer = consumer;
    this.#state = "running";
  }

  /** Stopping: health answers 503 from now on. */
  stopping(): void {
    this.#state = "stopping";
  }

  /** `handler`, timed and counted. */
  handler(handler: BatchHandler): BatchHandler {
    return async (batch) => {
      const began = performance.now();
      this.#behind.set(batch.millisBehindLatest, { shard: batch.shardId });
      try {
        await handler(batch);
      } catch (e) {
        this.#latency.observe((performance.now() - began) / 1000);
        this.#batches.inc(1, { outcome: "failed" });
        this.#failed.inc(batch.records.length);
        this.#failing.set(batch.shardId, (this.#failing.get(batch.shardId) ?? 0) + 1);
        throw e;
      }
      this.#latency.observe((performance.now() - began) / 1000);
      this.#batches.inc(1, { outcome: "ok" });
      this.#read.inc(batch.records.length);
      this.#failing.delete(batch.shardId);
    };
  }

  /** Feeds the consumer's events into the metrics. */
  onConsumerEvent(event: ConsumerEvent): void {
    switch (event.type) {
      case "lease-taken":
        this.#leaseChanges.inc(1, { change: "taken" });
        this.#checkpointedAt.set(event.leaseKey, this.#now());
        break;
      case "lease-lost":
        this.#leaseChanges.inc(1, { change: "lost" });
        this.#forget(event.leaseKey);
        break;
      case "leases-released":
        this.#leaseChanges.inc(event.leaseKeys.length, { change: "released" });
        for (const key of event.leaseKeys) this.#forget(key);
        break;
      case "checkpoint":
        this.#checkpoints.inc();
        this.#checkpointedAt.set(event.shardId, this.#now());
        break;
      case "shard-end":
        this.#forget(event.shardId);
        break;
      case "error":
        this.#errors.inc(1, { operation: event.operation });
        break;
      default:
        break;
    }
  }

  #forget(shardId: string): void {
    this.#checkpointedAt.delete(shardId);
    this.#failing.delete(shardId);
  }

  health(): HealthReport {
    const table = this.leaseTable.state();
    const sinks = Object.fromEntries([...this.#sinks].map(([name, s]) => [name, s.isHealthy()]));
    const limit = this.#options.failedBatchesUnhealthy ?? 3;
    const failingShards = Object.fromEntries(this.#failing);
    const batchesOk = [...this.#failing.values()].every((n) => n < limit);
    const ok =
      this.#state === "running" && table.reachable && Object.values(sinks).every(Boolean) && batchesOk;
    return {
      status: ok ? "ok" : "unavailable",
      app: this.#options.app,
      workerId: this.#consumer?.workerId ?? null,
      state: this.#state,
      leasesHeld: this.#consumer?.heldShardIds() ?? [],
      checks: {
        leaseTable: { ok: table.reachable, failingForMs: table.failingForMs, lastError: table.lastError },
        sinks,
        batches: { ok: batchesOk, failingShards },
      },
    };
  }
}
