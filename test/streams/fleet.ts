/**
 * @module
 * A stream, its lease table and a fleet of worker processes (`worker.ts`) for the multi-process
 * consumer tests: kinesalite and dynalite run in the test process, workers are real processes that
 * can be killed with any signal, and each worker's output file is read back to see what it did.
 * Records are produced with plain PutRecords.
 */
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PutRecordsCommand } from "@aws-sdk/client-kinesis";
import { dynamodbClient } from "../../src/adapters/dynamodb/client.ts";
import { DynamoDBLeaseStore } from "../../src/adapters/dynamodb/lease-store.ts";
import { ensureLeaseTable } from "../../src/adapters/dynamodb/lease-table.ts";
import { startDynalite } from "../../src/adapters/engines/dynalite.ts";
import { startKinesalite } from "../../src/adapters/engines/kinesalite.ts";
import type { RunningEngine } from "../../src/adapters/engines/running-engine.ts";
import { kinesisClient } from "../../src/adapters/kinesis/client.ts";
import type { StreamConsumerConfig } from "../../src/adapters/kinesis/stream-consumer.ts";
import { ensureStream } from "../../src/adapters/kinesis/streams.ts";
import type { Lease } from "../../src/ports/lease-store.ts";

/** What `worker.ts` reads from argv[2]. */
export interface WorkerSettings {
  readonly kinesisEndpoint: string;
  readonly dynamodbEndpoint: string;
  readonly streamName: string;
  readonly appName: string;
  readonly workerId: string;
  readonly outFile: string;
  /** JSON-safe consumer settings (no AT_TIMESTAMP dates). */
  readonly consumer: Omit<StreamConsumerConfig, "streamName" | "appName" | "workerId" | "initialPosition">;
  /** Make the handler throw for the batch holding this record id… */
  readonly failBatchContaining?: string;
  /** …this many times in all. */
  readonly failAttempts?: number;
}

/** KCL's proportions on a 1 s lease (renewer 308 ms, taker 2050 ms), with short polling. */
export const TEST_CONSUMER: WorkerSettings["consumer"] = {
  leaseDurationMs: 1_000,
  idleTimeBetweenReadsMs: 100,
  maxRecords: 100,
  checkpointDebounceMs: 500,
  shardSyncIntervalMs: 1_000,
  parentShardPollIntervalMs: 200,
  handlerRetry: { initialMs: 50, maxMs: 400 },
};

/** One line of a worker's output file. */
export type WorkerLine =
  | { kind: "record"; worker: string; at: number; shardId: string; seq: string; pk: string; id: string }
  | {
      kind: "attempt";
      worker: string;
      at: number;
      shardId: string;
      first: string;
      last: string;
      count: number;
      failing: boolean;
    }
  | { kind: "event"; worker: string; at: number; type: string; [field: string]: unknown }
  | { kind: "ready" | "stopped"; worker: string; at: number };

export type RecordLine = Extract<WorkerLine, { kind: "record" }>;

/** A record as PutRecords placed it. */
export interface Produced {
  readonly id: string;
  readonly pk: string;
  readonly shardId: string;
  readonly seq: string;
  readonly at: number;
}

interface Worker {
  readonly process: ReturnType<typeof Bun.spawn>;
  readonly outFile: string;
}

const WORKER = join(import.meta.dir, "worker.ts");
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const text = new TextEncoder();

export class StreamFleet {
  readonly workers = new Map<string, Worker>();
  readonly kinesis: ReturnType<typeof kinesisClient>;
  readonly dynamodb: ReturnType<typeof dynamodbClient>;
  readonly leaseStore: DynamoDBLeaseStore;

  private constructor(
    readonly streamName: string,
    readonly appName: string,
    private readonly engines: readonly RunningEngine[],
    private readonly dir: string,
  ) {
    const [k, d] = engines as [RunningEngine, RunningEngine];
    this.kinesis = kinesisClient({ endpoint: k.url, region: "us-east-1" });
    this.dynamodb = dynamodbClient({ endpoint: d.url, region: "us-east-1" });
    this.leaseStore = new DynamoDBLeaseStore(this.dynamodb, appName);
  }

  /** Starts both engines, a stream of `shards` shards and its lease table. */
  static async start(name: string, shards: number): Promise<StreamFleet> {
    const engines = await Promise.all([startKinesalite(), startDynalite()]);
    const dir = await mkdtemp(join(tmpdir(), `furrow-${name}-`));
    const fleet = new StreamFleet(`${name}-stream`, `${name}-app`, engines, dir);
    await ensureStream(fleet.kinesis, { name: fleet.streamName, shards });
    await ensureLeaseTable(fleet.dynamodb, fleet.appName);
    return fleet;
  }

  /** Starts a worker process; resolves once its consumer runs (its first taker round is done). */
  async spawn(
    workerId: string,
    extra: Partial<Pick<WorkerSettings, "failBatchContaining" | "failAttempts" | "consumer">> = {},
  ): Promise<void> {
    const [k, d] = this.engines as [RunningEngine, RunningEngine];
    const outFile = join(this.dir, `${workerId}.jsonl`);
    const settings: WorkerSettings = {
      kinesisEndpoint: k.url,
      dynamodbEndpoint: d.url,
      streamName: this.streamName,
      appName: this.appName,
      workerId,
      outFile,
      ...extra,
      consumer: { ...TEST_CONSUMER, ...extra.consumer },
    };
    const process = Bun.spawn([globalThis.process.execPath, WORKER, JSON.stringify(settings)], {
      stdout: "inherit",
      stderr: "inherit",
    });
    this.workers.set(workerId, { process, outFile });
    await this.waitFor(
      `${workerId} to be ready`,
      () => this.lines(workerId).some((l) => l.kind === "ready"),
      20_000,
    );
  }

  /** Every line `workerId` wrote so far (a line being written is skipped). */
  lines(workerId: string): WorkerLine[] {
    const worker = this.workers.get(workerId);
    if (!worker || !existsSync(worker.outFile)) return [];
    const out: WorkerLine[] = [];
    for (const line of readFileSync(worker.outFile, "utf8").split("\n")) {
      if (line === "") continue;
      try {
        out.push(JSON.parse(line) as WorkerLine);
      } catch {
        // The last line, half-written.
      }
    }
    return out;
  }

  /** Every record line of every worker. */
  handled(): RecordLine[] {
    return [...this.workers.keys()].flatMap((w) =>
      this.lines(w).filter((l): l is RecordLine => l.kind === "record"),
    );
  }

  events(workerId: string, type?: string): Extract<WorkerLine, { kind: "event" }>[] {
    return this.lines(workerId).filter(
      (l): l is Extract<WorkerLine, { kind: "event" }> =>
        l.kind === "event" && (type === undefined || l.type === type),
    );
  }

  kill(workerId: string, signal: "SIGKILL" | "SIGTERM"): Promise<number> {
    const worker = this.workers.get(workerId);
    if (!worker) throw new Error(`no worker ${workerId}`);
    worker.process.kill(signal);
    return worker.process.exited;
  }

  /** Stops every live worker gracefully and waits for them to exit. */
  async stopAll(): Promise<void> {
    await Promise.all(
      [...this.workers.values()]
        .filter((w) => w.process.exitCode === null && w.process.signalCode === null)
        .map((w) => {
          w.process.kill("SIGTERM");
          return w.process.exited;
        }),
    );
  }

  async leases(): Promise<Lease[]> {
    return (await this.leaseStore.listLeases()).sort((a, b) => a.leaseKey.localeCompare(b.leaseKey));
  }

  /** Leases per owner, e.g. { w1: 2, w2: 1, w3: 1 }; unowned leases under "(none)". */
  async ownerCounts(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const lease of await this.leases()) {
      const owner = lease.leaseOwner ?? "(none)";
      counts[owner] = (counts[owner] ?? 0) + 1;
    }
    return counts;
  }

  /** Puts records with data = id; returns where each one landed. */
  async produce(records: readonly { readonly id: string; readonly pk: string }[]): Promise<Produced[]> {
    const out: Produced[] = [];
    for (let i = 0; i < records.length; i += 500) {
      const chunk = records.slice(i, i + 500);
      const result = await this.kinesis.send(
        new PutRecordsCommand({
          StreamName: this.streamName,
          Records: chunk.map((r) => ({ Data: text.encode(r.id), PartitionKey: r.pk })),
        }),
      );
      if (result.FailedRecordCount) throw new Error(`${result.FailedRecordCount} records were not put`);
      const at = Date.now();
      chunk.forEach((r, j) => {
        const placed = result.Records?.[j];
        out.push({ ...r, shardId: placed?.ShardId ?? "", seq: placed?.SequenceNumber ?? "", at });
      });
    }
    return out;
  }

  async waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<number> {
    const start = performance.now();
    while (!(await check())) {
      if (performance.now() - start > timeoutMs)
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await sleep(50);
    }
    return performance.now() - start;
  }

  /** Kills what is left, stops the engines and removes the output files. */
  async close(): Promise<void> {
    for (const w of this.workers.values()) {
      if (w.process.exitCode === null && w.process.signalCode === null) w.process.kill("SIGKILL");
    }
    await Promise.all([...this.workers.values()].map((w) => w.process.exited));
    this.kinesis.destroy();
    this.dynamodb.destroy();
    await Promise.all(this.engines.map((e) => e.stop()));
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** True when `counts` spreads `leases` over `workers` owners within one of each other (2/1/1 for 4 over 3). */
export function isBalanced(counts: Record<string, number>, workers: number, leases: number): boolean {
  const owned = Object.entries(counts).filter(([owner]) => owner !== "(none)");
  const values = owned.map(([, n]) => n);
  return (
    owned.length === workers &&
    values.reduce((a, b) => a + b, 0) === leases &&
    Math.max(...values) - Math.min(...values) <= 1
  );
}
