/**
 * @module
 * A KCL-compatible stream consumer: several workers (processes) share one stream's shards through
 * a lease table, each reading its shards by polling and handing batches to one handler. It keeps
 * the KCL 2.x lease protocol (amazon-kinesis-client `LeaseCoordinator`, `ShardConsumer`), so Furrow
 * workers and KCL workers can share a table; the lease decisions live in `core/leases`.
 *
 * - **Leases.** A taker round every (duration + ε) × 2 takes free and expired leases and steals toward
 *   an even share; a renewer round every duration/3 − ε keeps held leases. A lease lost to another
 *   worker stops its shard at once, without a checkpoint.
 * - **Delivery is at least once.** The handler gets one batch at a time per shard; it resolves once
 *   every downstream sink acknowledged the batch, or throws, and the same batch is retried with
 *   backoff. The checkpoint only moves to the last record of an acknowledged batch, at most once per
 *   `checkpointDebounceMs`, and is flushed on `stop()`. After a crash, what was handled since the
 *   last checkpoint is handled again.
 * - **Resharding.** A child shard waits until each parent lease still in the table is at SHARD_END;
 *   a worker reaching the end of a shard creates the children's leases, records them on the parent,
 *   then checkpoints SHARD_END (KCL `ShutdownTask`), so no record is skipped across a split or merge.
 *
 * @example
 * const consumer = await KinesisStreamConsumer.connect(
 *   { streamName: "furrow-local-raw-stream", appName: "furrow-local-enrich" },
 *   { kinesis: { endpoint, region }, dynamodb: { endpoint, region } },
 * );
 * await consumer.start(async (batch) => { await sink.write(toOutbound(batch.records)); });
 * // …
 * await consumer.stop(); // finishes the batch in flight, flushes checkpoints, releases leases
 */
import { hostname } from "node:os";
import {
  checkpointAt,
  isShardEnd,
  SHARD_END,
  ShardCheckpointer,
  startingPositionFor,
} from "../../core/leases/checkpoint.ts";
import { type Clock, monotonicClock } from "../../core/leases/clock.ts";
import { LeaseRenewer } from "../../core/leases/lease-renewer.ts";
import { LeaseTaker } from "../../core/leases/lease-taker.ts";
import { type LeaseTiming, leaseTiming } from "../../core/leases/lease-timing.ts";
import {
  childLeases,
  completedLeasesToDelete,
  leasesToCreate,
  parentsCompleted,
} from "../../core/leases/shard-sync.ts";
import type { Checkpoint, Lease, LeaseStore } from "../../ports/lease-store.ts";
import type { InitialPosition, Shard, ShardReader, ShardRecord } from "../../ports/shard-reader.ts";
import type { AwsConnection } from "../aws-connection.ts";
import { dynamodbClient } from "../dynamodb/client.ts";
import { DynamoDBLeaseStore } from "../dynamodb/lease-store.ts";
import { ensureLeaseTable } from "../dynamodb/lease-table.ts";
import { kinesisClient } from "./client.ts";
import { KinesisShardReader } from "./shard-reader.ts";

/** What a handler gets: consecutive records of one shard. */
export interface RecordBatch {
  readonly shardId: string;
  readonly records: readonly ShardRecord[];
  readonly millisBehindLatest: number;
}

/**
 * Resolves once every record of the batch is durably written downstream; throws to have the same
 * batch retried. Batches of one shard never overlap; batches of different shards do.
 */
export type BatchHandler = (batch: RecordBatch) => Promise<void>;

export interface StreamConsumerConfig {
  readonly streamName: string;
  /** The KCL application name, which is also the lease table's name. */
  readonly appName: string;
  /** Unique per worker process; `<hostname>:<uuid>` by default, like KCL. */
  readonly workerId?: string;
  /** Where shards without a checkpoint start; TRIM_HORIZON by default (Snowplow's apps). */
  readonly initialPosition?: InitialPosition;
  /** GetRecords `Limit`; KCL's 10000 by default (the Kinesis maximum). */
  readonly maxRecords?: number;
  /** Least time between two GetRecords of a shard; KCL 2.x's 1500 ms by default. */
  readonly idleTimeBetweenReadsMs?: number;
  /** KCL `failoverTimeMillis`: 10000 by default. */
  readonly leaseDurationMs?: number;
  /** KCL `epsilonMillis`: 25 by default. */
  readonly epsilonMs?: number;
  /** Derived from the lease duration unless set (KCL: duration/3 − ε). */
  readonly renewerIntervalMs?: number;
  /** Derived from the lease duration unless set (KCL: (duration + ε) × 2). */
  readonly takerIntervalMs?: number;
  /** KCL default 1. */
  readonly maxLeasesToStealAtOneTime?: number;
  /** KCL default: no limit. */
  readonly maxLeasesForWorker?: number;
  /** Least time between two checkpoint writes of a shard; Snowplow's `debounceCheckpoints`, 10 s. */
  readonly checkpointDebounceMs?: number;
  /** How often the shard list is compared with the lease table; KCL's 60 s. */
  readonly shardSyncIntervalMs?: number;
  /** How often a child shard checks whether its parents are done; KCL's 10 s. */
  readonly parentShardPollIntervalMs?: number;
  /** Delete a finished parent's lease once its children have started (KCL default true). */
  readonly cleanupLeasesUponShardCompletion?: boolean;
  /** Backoff between attempts of a failing batch: 200 ms doubling to 10 s by default. */
  readonly handlerRetry?: { readonly initialMs: number; readonly maxMs: number };
}

/** What the consumer reports as it runs, for logs, metrics and tests. */
export type ConsumerEvent =
  | {
      readonly type: "lease-taken";
      readonly leaseKey: string;
      readonly previousOwner: string | null;
      readonly stolen: boolean;
    }
  | { readonly type: "lease-lost"; readonly leaseKey: string }
  | { readonly type: "leases-released"; readonly leaseKeys: readonly string[] }
  | { readonly type: "shard-sync"; readonly created: readonly string[]; readonly deleted: readonly string[] }
  | {
      readonly type: "blocked-on-parents";
      readonly shardId: string;
      readonly parentShardIds: readonly string[];
    }
  | { readonly type: "shard-started"; readonly shardId: string; readonly checkpoint: string }
  | { readonly type: "checkpoint"; readonly shardId: string; readonly sequenceNumber: string }
  | { readonly type: "shard-end"; readonly shardId: string; readonly childShardIds: readonly string[] }
  | {
      readonly type: "handler-failed";
      readonly shardId: string;
      readonly attempt: number;
      readonly firstSequenceNumber: string;
      readonly error: unknown;
    }
  | {
      readonly type: "error";
      readonly operation: string;
      readonly shardId?: string;
      readonly error: unknown;
    };

export interface StreamConsumerDependencies {
  readonly leaseStore: LeaseStore;
  readonly shardReader: ShardReader;
  readonly clock?: Clock;
  readonly onEvent?: (event: ConsumerEvent) => void;
  /** For shuffling in the lease taker. */
  readonly random?: () => number;
  /** Called once the consumer has stopped, to release what was built for it (clients). */
  readonly close?: () => Promise<void> | void;
}

interface ResolvedConfig {
  readonly streamName: string;
  readonly appName: string;
  readonly initialPosition: InitialPosition;
  readonly maxRecords: number;
  readonly idleTimeBetweenReadsMs: number;
  readonly checkpointDebounceMs: number;
  readonly shardSyncIntervalMs: number;
  readonly parentShardPollIntervalMs: number;
  readonly cleanupLeasesUponShardCompletion: boolean;
  readonly handlerRetry: { readonly initialMs: number; readonly maxMs: number };
}

function resolve(config: StreamConsumerConfig): ResolvedConfig {
  const resolved: ResolvedConfig = {
    streamName: config.streamName,
    appName: config.appName,
    initialPosition: config.initialPosition ?? { type: "TRIM_HORIZON" },
    maxRecords: config.maxRecords ?? 10_000,
    idleTimeBetweenReadsMs: config.idleTimeBetweenReadsMs ?? 1_500,
    checkpointDebounceMs: config.checkpointDebounceMs ?? 10_000,
    shardSyncIntervalMs: config.shardSyncIntervalMs ?? 60_000,
    parentShardPollIntervalMs: config.parentShardPollIntervalMs ?? 10_000,
    cleanupLeasesUponShardCompletion: config.cleanupLeasesUponShardCompletion ?? true,
    handlerRetry: config.handlerRetry ?? { initialMs: 200, maxMs: 10_000 },
  };
  // Kinesis: GetRecords Limit is 1–10000.
  if (!Number.isInteger(resolved.maxRecords) || resolved.maxRecords < 1 || resolved.maxRecords > 10_000) {
    throw new RangeError(`maxRecords must be an integer from 1 to 10000, not ${resolved.maxRecords}`);
  }
  for (const key of [
    "idleTimeBetweenReadsMs",
    "checkpointDebounceMs",
    "shardSyncIntervalMs",
    "parentShardPollIntervalMs",
  ] as const) {
    if (!(resolved[key] >= 0)) throw new RangeError(`${key} must not be negative`);
  }
  if (
    !(resolved.handlerRetry.initialMs > 0 && resolved.handlerRetry.maxMs >= resolved.handlerRetry.initialMs)
  ) {
    throw new RangeError("handlerRetry needs 0 < initialMs <= maxMs");
  }
  return resolved;
}

/** Resolves after `ms`, or as soon as `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((done) => {
    if (signal.aborted || ms <= 0) return done();
    const wake = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", wake);
      done();
    };
    const timer = setTimeout(wake, ms);
    signal.addEventListener("abort", wake, { once: true });
  });
}

/** Runs `task` every `intervalMs` (at a fixed rate, like KCL's renewer), never two runs at once. */
class Periodic {
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<void> | null = null;
  #stopped = false;

  constructor(
    private readonly intervalMs: number,
    private readonly task: () => Promise<void>,
  ) {}

  start(firstDelayMs: number): void {
    this.#schedule(firstDelayMs);
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      const began = performance.now();
      this.#running = this.task().finally(() => {
        this.#running = null;
        this.#schedule(Math.max(0, this.intervalMs - (performance.now() - began)));
      });
    }, delayMs);
  }

  /** Cancels future runs and waits for the current one. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }
}

interface ShardProcessor {
  readonly token: string;
  readonly abort: AbortController;
  done: Promise<void>;
}

type State = "new" | "running" | "stopping" | "stopped";

export class KinesisStreamConsumer {
  readonly workerId: string;
  readonly timing: LeaseTiming;
  readonly #config: ResolvedConfig;
  readonly #store: LeaseStore;
  readonly #reader: ShardReader;
  readonly #clock: Clock;
  readonly #deps: StreamConsumerDependencies;
  readonly #taker: LeaseTaker;
  readonly #renewer: LeaseRenewer;
  readonly #processors = new Map<string, ShardProcessor>();
  /** Holdings (lease key → concurrency token) whose shard is read to its end. */
  readonly #finished = new Map<string, string>();
  #loops: Periodic[] = [];
  #handler: BatchHandler | null = null;
  #state: State = "new";
  #starting: Promise<void> | null = null;
  #stopped: Promise<void> | null = null;

  /**
   * Builds a consumer on Kinesis and DynamoDB, creating the lease table (named `appName`) if absent.
   * The clients it creates are destroyed by `stop()`. `observeLeaseStore` wraps the DynamoDB lease
   * store, e.g. so a worker's `/health` knows whether the lease table answers.
   */
  static async connect(
    config: StreamConsumerConfig,
    connections: { readonly kinesis: AwsConnection; readonly dynamodb: AwsConnection },
    options: {
      readonly onEvent?: (event: ConsumerEvent) => void;
      readonly observeLeaseStore?: (store: LeaseStore) => LeaseStore;
    } = {},
  ): Promise<KinesisStreamConsumer> {
    const kinesis = kinesisClient(connections.kinesis);
    const dynamodb = dynamodbClient(connections.dynamodb);
    const close = () => {
      kinesis.destroy();
      dynamodb.destroy();
    };
    try {
      await ensureLeaseTable(dynamodb, config.appName);
    } catch (e) {
      close();
      throw e;
    }
    return new KinesisStreamConsumer(config, {
      leaseStore: (options.observeLeaseStore ?? ((store) => store))(
        new DynamoDBLeaseStore(dynamodb, config.appName),
      ),
      shardReader: new KinesisShardReader(kinesis, config.streamName),
      onEvent: options.onEvent,
      close,
    });
  }

  constructor(config: StreamConsumerConfig, deps: StreamConsumerDependencies) {
    this.#config = resolve(config);
    this.timing = leaseTiming(config);
    this.workerId = config.workerId ?? `${hostname()}:${crypto.randomUUID()}`;
    this.#deps = deps;
    this.#store = deps.leaseStore;
    this.#reader = deps.shardReader;
    this.#clock = deps.clock ?? monotonicClock;
    this.#taker = new LeaseTaker(
      this.#store,
      {
        workerId: this.workerId,
        leaseDurationMs: this.timing.leaseDurationMs,
        maxLeasesToStealAtOneTime: config.maxLeasesToStealAtOneTime,
        maxLeasesForWorker: config.maxLeasesForWorker,
        random: deps.random,
      },
      this.#clock,
    );
    this.#renewer = new LeaseRenewer(
      this.#store,
      { workerId: this.workerId, leaseDurationMs: this.timing.leaseDurationMs },
      this.#clock,
    );
  }

  #emit(event: ConsumerEvent): void {
    try {
      this.#deps.onEvent?.(event);
    } catch {
      // A faulty listener must not stop the consumer.
    }
  }

  /** The shards this worker holds leases on now. */
  heldShardIds(): string[] {
    return this.#renewer
      .heldLeases()
      .map((h) => h.lease.leaseKey)
      .sort();
  }

  /**
   * Syncs shards into the lease table, takes a first round of leases and starts reading. Resolves
   * once running; rejects (and leaves the consumer stopped) if the stream or table is unreachable.
   */
  start(handler: BatchHandler): Promise<void> {
    if (this.#state !== "new")
      return Promise.reject(new Error(`consumer ${this.workerId} was already started`));
    this.#handler = handler;
    this.#state = "running";
    this.#starting = this.#start();
    return this.#starting;
  }

  async #start(): Promise<void> {
    try {
      await this.#syncShards();
      const adopted = await this.#renewer.initialize(await this.#store.listLeases());
      for (const h of adopted) {
        this.#emit({
          type: "lease-taken",
          leaseKey: h.lease.leaseKey,
          previousOwner: this.workerId,
          stolen: false,
        });
      }
      await this.#takeRound();
    } catch (e) {
      this.#state = "stopped";
      await this.#deps.close?.();
      throw e;
    }
    const { renewerIntervalMs, takerIntervalMs } = this.timing;
    const safely = (operation: string, task: () => Promise<void>) => () =>
      task().catch((error) => this.#emit({ type: "error", operation, error }));
    this.#loops = [
      new Periodic(
        renewerIntervalMs,
        safely("renew", () => this.#renewRound()),
      ),
      new Periodic(
        takerIntervalMs,
        safely("take", () => this.#takeRound()),
      ),
      new Periodic(
        this.#config.shardSyncIntervalMs,
        safely("shard-sync", () => this.#syncShards()),
      ),
    ];
    const [renewer, taker, sync] = this.#loops as [Periodic, Periodic, Periodic];
    renewer.start(renewerIntervalMs);
    taker.start(takerIntervalMs);
    sync.start(this.#config.shardSyncIntervalMs);
  }

  /**
   * Graceful shutdown: stops taking leases, lets every shard finish the batch in flight, flushes
   * acknowledged checkpoints, then evicts this worker's leases so others take them at their next
   * scan. Idempotent.
   */
  stop(): Promise<void> {
    this.#stopped ??= this.#shutdown();
    return this.#stopped;
  }

  async #shutdown(): Promise<void> {
    // A stop during start waits for the start, so that leases taken by it are released too.
    await this.#starting?.catch(() => {});
    if (this.#state === "new") {
      this.#state = "stopped";
      await this.#deps.close?.();
    }
    // A start that failed has already closed everything.
    if (this.#state !== "running") return;
    this.#state = "stopping";
    const [renewer, ...others] = this.#loops;
    await Promise.all(others.map((loop) => loop.stop()));
    for (const p of this.#processors.values()) p.abort.abort();
    await Promise.all([...this.#processors.values()].map((p) => p.done));
    // The renewer ran until now, so that no lease expired while the last batches finished.
    await renewer?.stop();
    const released = await this.#renewer.evictLeases();
    this.#emit({ type: "leases-released", leaseKeys: released });
    this.#state = "stopped";
    await this.#deps.close?.();
  }

  async #takeRound(): Promise<void> {
    const { taken } = await this.#taker.takeLeases();
    this.#renewer.addLeases(taken);
    for (const t of taken) {
      this.#emit({
        type: "lease-taken",
        leaseKey: t.lease.leaseKey,
        previousOwner: t.previousOwner,
        stolen: t.stolen,
      });
    }
    this.#reconcile();
  }

  async #renewRound(): Promise<void> {
    const round = await this.#renewer.renewLeases();
    for (const leaseKey of round.lost) this.#emit({ type: "lease-lost", leaseKey });
    for (const f of round.failed)
      this.#emit({ type: "error", operation: "renew", shardId: f.leaseKey, error: f.error });
    this.#reconcile();
  }

  /** Stops processors whose holding ended and starts one for each held shard without one. */
  #reconcile(): void {
    const held = new Map(this.#renewer.heldLeases().map((h) => [h.lease.leaseKey, h]));
    for (const [key, p] of this.#processors) {
      if (held.get(key)?.concurrencyToken !== p.token) p.abort.abort();
    }
    for (const [key, token] of this.#finished) {
      if (held.get(key)?.concurrencyToken !== token) this.#finished.delete(key);
    }
    if (this.#state !== "running") return;
    for (const [key, h] of held) {
      if (this.#processors.has(key) || this.#finished.get(key) === h.concurrencyToken) continue;
      const processor: ShardProcessor = {
        token: h.concurrencyToken,
        abort: new AbortController(),
        done: Promise.resolve(),
      };
      processor.done = this.#processShard(h.lease, h.concurrencyToken, processor.abort.signal)
        .catch((error) => this.#emit({ type: "error", operation: "process", shardId: key, error }))
        .finally(() => {
          if (this.#processors.get(key) === processor) this.#processors.delete(key);
        });
      this.#processors.set(key, processor);
    }
  }

  /** Creates leases for new shards, and deletes this worker's finished leases once safe. */
  async #syncShards(): Promise<void> {
    const [shards, leases] = await Promise.all([this.#reader.listShards(), this.#store.listLeases()]);
    const created: string[] = [];
    for (const lease of leasesToCreate(shards, leases, this.#config.initialPosition)) {
      if (await this.#store.createLeaseIfNotExists(lease)) created.push(lease.leaseKey);
    }
    const deleted: string[] = [];
    if (this.#config.cleanupLeasesUponShardCompletion) {
      for (const lease of completedLeasesToDelete(leases, this.workerId)) {
        const held = this.#renewer.heldLease(lease.leaseKey);
        if (held && (await this.#renewer.deleteLease(lease.leaseKey, held.concurrencyToken))) {
          deleted.push(lease.leaseKey);
        }
      }
    }
    if (created.length > 0 || deleted.length > 0) this.#emit({ type: "shard-sync", created, deleted });
  }

  /** Reads one shard under one holding of its lease until the shard ends, the lease goes, or stop. */
  async #processShard(taken: Lease, token: string, signal: AbortSignal): Promise<void> {
    const shardId = taken.leaseKey;
    // KCL BlockOnParentShardTask: parents are read fresh from the table each time.
    for (;;) {
      if (signal.aborted) return;
      const parents = await Promise.all(taken.parentShardIds.map((p) => this.#store.getLease(p)));
      if (parentsCompleted(parents)) break;
      this.#emit({ type: "blocked-on-parents", shardId, parentShardIds: taken.parentShardIds });
      await sleep(this.#config.parentShardPollIntervalMs, signal);
    }
    const lease = this.#renewer.heldLease(shardId, token)?.lease;
    if (!lease || signal.aborted) return;
    const position = startingPositionFor(lease.checkpoint, this.#config.initialPosition);
    if (position === null) {
      await this.#endShard(lease, token, null);
      return;
    }
    this.#emit({ type: "shard-started", shardId, checkpoint: lease.checkpoint.sequenceNumber });
    const checkpointer = new ShardCheckpointer(
      lease.checkpoint,
      this.#config.checkpointDebounceMs,
      this.#clock,
    );
    let iterator = await this.#reader.getIterator(shardId, position);
    let lastRead = Number.NEGATIVE_INFINITY;
    try {
      while (!signal.aborted) {
        await sleep(lastRead + this.#config.idleTimeBetweenReadsMs - this.#clock(), signal);
        if (signal.aborted) break;
        lastRead = this.#clock();
        const page = await this.#reader.getRecords(iterator, this.#config.maxRecords);
        const last = page.records.at(-1);
        if (last) {
          const batch = { shardId, records: page.records, millisBehindLatest: page.millisBehindLatest };
          // While a batch fails, progress acknowledged before it is still checkpointed.
          const checkpointDue = async () => {
            const due = checkpointer.due();
            return due === null || (await this.#checkpoint(shardId, token, due, checkpointer));
          };
          if (!(await this.#deliver(batch, signal, checkpointDue))) break;
          checkpointer.acknowledge(checkpointAt(last.sequenceNumber, last.subSequenceNumber ?? 0));
        }
        if (page.next === null) {
          // Every record of the closed shard was acknowledged: hand over to the children.
          if (await this.#endShard(lease, token, page.childShards)) checkpointer.written(SHARD_END);
          return;
        }
        iterator = page.next;
        const due = checkpointer.due();
        if (due && !(await this.#checkpoint(shardId, token, due, checkpointer))) return;
      }
    } finally {
      // Stopping, or a read failed: keep what was acknowledged, if the lease is still ours.
      const pending = checkpointer.pending();
      if (pending && this.#renewer.heldLease(shardId, token)) {
        await this.#checkpoint(shardId, token, pending, checkpointer);
      }
    }
  }

  /**
   * Hands `batch` to the handler until it succeeds; false if the lease went or stop was asked first.
   * Between attempts it runs `betweenAttempts`, which returns false if the lease was lost.
   */
  async #deliver(
    batch: RecordBatch,
    signal: AbortSignal,
    betweenAttempts: () => Promise<boolean>,
  ): Promise<boolean> {
    const handler = this.#handler;
    if (!handler) return false;
    let delay = this.#config.handlerRetry.initialMs;
    for (let attempt = 1; ; attempt++) {
      if (signal.aborted) return false;
      try {
        await handler(batch);
        return true;
      } catch (error) {
        this.#emit({
          type: "handler-failed",
          shardId: batch.shardId,
          attempt,
          firstSequenceNumber: batch.records[0]?.sequenceNumber ?? "",
          error,
        });
      }
      if (!(await betweenAttempts())) return false;
      await sleep(delay, signal);
      delay = Math.min(delay * 2, this.#config.handlerRetry.maxMs);
    }
  }

  /** Writes a checkpoint; false if the lease is lost. A store failure is reported and retried later. */
  async #checkpoint(
    shardId: string,
    token: string,
    checkpoint: Checkpoint,
    checkpointer: ShardCheckpointer,
  ): Promise<boolean> {
    try {
      const result = await this.#renewer.checkpoint(shardId, token, checkpoint);
      if (!result.ok) {
        this.#emit({ type: "lease-lost", leaseKey: shardId });
        return false;
      }
      checkpointer.written(checkpoint);
      this.#emit({ type: "checkpoint", shardId, sequenceNumber: checkpoint.sequenceNumber });
      return true;
    } catch (error) {
      this.#emit({ type: "error", operation: "checkpoint", shardId, error });
      return true;
    }
  }

  /**
   * KCL ShutdownTask at SHARD_END: create the children's leases, record them on the parent, then
   * checkpoint SHARD_END, which releases the children. Children come from the last GetRecords page,
   * or ListShards when Kinesis did not list them. False if the lease was lost on the way.
   */
  async #endShard(lease: Lease, token: string, childShards: readonly Shard[] | null): Promise<boolean> {
    const shardId = lease.leaseKey;
    const children =
      childShards && childShards.length > 0
        ? childShards
        : (await this.#reader.listShards()).filter((s) => s.parentShardIds.includes(shardId));
    for (const child of childLeases(shardId, children)) await this.#store.createLeaseIfNotExists(child);
    const childShardIds = children.map((c) => c.shardId);
    if (childShardIds.length > 0) await this.#store.recordChildShards(shardId, childShardIds);
    if (!isShardEnd(lease.checkpoint)) {
      const result = await this.#renewer.checkpoint(shardId, token, SHARD_END);
      if (!result.ok) {
        this.#emit({ type: "lease-lost", leaseKey: shardId });
        return false;
      }
      this.#emit({ type: "checkpoint", shardId, sequenceNumber: SHARD_END.sequenceNumber });
    }
    this.#finished.set(shardId, token);
    this.#emit({ type: "shard-end", shardId, childShardIds });
    return true;
  }
}
