/**
 * @module
 * The Micro feed: reads the stage's raw, enriched and bad-1 streams and fills a `MicroStore`, so
 * Micro shows what the real pipeline produced, whether enrich runs in this process (`furrow up`) or
 * elsewhere. It reads without leases (it checkpoints nothing and takes nothing from the KCL
 * consumers): each shard is polled with GetRecords from where the feed started (LATEST by default,
 * or AT_TIMESTAMP / TRIM_HORIZON). Shard changes are followed simply: the shard list is read again
 * when a shard ends and every `relistEvery` rounds, and a shard that appears later (a split or merge
 * child) is read from its start.
 *
 * @example
 * const feed = await startMicroFeed({ kinesisEndpoint: "http://127.0.0.1:4567", region: "us-east-1",
 *   streams: microStreamsOf(topology) });
 * const collector = await startCollector({ config, stdout, stderr, micro: feed });
 * // …
 * await collector.stop(); await feed.stop();
 */
import type { KinesisClient } from "@aws-sdk/client-kinesis";
import { kinesisClient } from "../../adapters/kinesis/client.ts";
import { KinesisShardReader } from "../../adapters/kinesis/shard-reader.ts";
import type { Resolver } from "../../core/iglu/resolver.ts";
import { MicroStore } from "../../core/micro/store.ts";
import type { Topology } from "../../core/topology.ts";
import type { InitialPosition, ShardIterator, ShardReader, ShardRecord } from "../../ports/shard-reader.ts";
import type { FeedStatus, MicroService } from "./routes.ts";

/** The three streams Micro reads. */
export interface MicroStreams {
  readonly raw: string;
  readonly enriched: string;
  /** Where enrich (and the collector) write bad rows: the stage's bad-1 stream. */
  readonly bad: string;
}

/** The streams of a stage's topology. */
export function microStreamsOf(topology: Topology): MicroStreams {
  return {
    raw: topology.streams.raw.name,
    enriched: topology.streams.enriched.name,
    bad: topology.streams["bad-1"].name,
  };
}

export interface MicroFeedOptions {
  /** A Kinesis-compatible endpoint (kinesalite); AWS when absent. */
  readonly kinesisEndpoint?: string;
  readonly region: string;
  readonly streams: MicroStreams;
  /** A store to fill; a new one by default. */
  readonly store?: MicroStore;
  /** Answers `/micro/iglu/…`. */
  readonly resolver?: Resolver | null;
  /** Where reading starts on the shards open when the feed starts; LATEST by default. */
  readonly startAt?: InitialPosition;
  /** Pause between polling rounds when nothing came (ms); 250 by default. */
  readonly pollIntervalMs?: number;
  /** Rounds between two readings of the shard list; 20 by default. */
  readonly relistEvery?: number;
  /** Reports read failures (they are retried on the next round). */
  readonly log?: (line: string) => void;
  readonly now?: () => number;
}

/** A running feed: hand it to `startCollector({ micro })`. */
export interface MicroFeed extends MicroService {
  readonly store: MicroStore;
  /** Stops polling and releases the client. Idempotent. */
  stop(): Promise<void>;
}

/** GetRecords page size: Kinesis allows up to 10,000. */
const PAGE = 1_000;

const utf8 = new TextDecoder();

/** Follows every shard of one stream and hands its records over. */
class StreamFollower {
  readonly #iterators = new Map<string, ShardIterator>();
  /** Shards seen in a listing (followed or ended), so a new one is recognised. */
  readonly #known = new Set<string>();
  #rounds = 0;
  #relist = false;
  records = 0;
  lastError: string | null = null;

  constructor(
    readonly name: string,
    private readonly reader: ShardReader,
    private readonly onRecord: (record: ShardRecord) => void,
    private readonly relistEvery: number,
  ) {}

  get shards(): number {
    return this.#iterators.size;
  }

  /** Reads the shard list and takes iterators at `startAt` for the shards there now. */
  async start(startAt: InitialPosition): Promise<void> {
    for (const shard of await this.reader.listShards()) {
      this.#known.add(shard.shardId);
      // A closed shard gets no new records: at LATEST there is nothing to read in it.
      if (shard.endingSequenceNumber !== null && startAt.type === "LATEST") continue;
      this.#iterators.set(shard.shardId, await this.reader.getIterator(shard.shardId, startAt));
    }
  }

  /** One round over every followed shard. Returns how many records came. */
  async poll(): Promise<number> {
    let count = 0;
    try {
      if (this.#relist || ++this.#rounds % this.relistEvery === 0) await this.#followNewShards();
      for (const [shardId, iterator] of [...this.#iterators]) {
        const page = await this.reader.getRecords(iterator, PAGE);
        for (const r of page.records) this.onRecord(r);
        count += page.records.length;
        if (page.next === null) {
          this.#iterators.delete(shardId);
          this.#relist = true;
        } else this.#iterators.set(shardId, page.next);
      }
      this.records += count;
      this.lastError = null;
    } catch (e) {
      this.lastError = (e as Error)?.message ?? String(e);
      throw e;
    }
    return count;
  }

  async #followNewShards(): Promise<void> {
    this.#relist = false;
    for (const shard of await this.reader.listShards()) {
      if (this.#known.has(shard.shardId)) continue;
      this.#known.add(shard.shardId);
      // Created after the feed started, so everything in it is new.
      this.#iterators.set(
        shard.shardId,
        await this.reader.getIterator(shard.shardId, { type: "TRIM_HORIZON" }),
      );
    }
  }
}

/**
 * Starts reading the three streams into a store. Resolves once every shard has its iterator, so a
 * record written after that is seen. Throws when a stream cannot be listed (missing, unreachable).
 */
export async function startMicroFeed(options: MicroFeedOptions): Promise<MicroFeed> {
  const store = options.store ?? new MicroStore();
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => {});
  const pollInterval = options.pollIntervalMs ?? 250;
  const relistEvery = Math.max(1, options.relistEvery ?? 20);
  const client: KinesisClient = kinesisClient({ endpoint: options.kinesisEndpoint, region: options.region });
  const { streams } = options;
  const followers = {
    raw: new StreamFollower(
      streams.raw,
      new KinesisShardReader(client, streams.raw),
      (r) => store.addRaw(r.data, now()),
      relistEvery,
    ),
    enriched: new StreamFollower(
      streams.enriched,
      new KinesisShardReader(client, streams.enriched),
      (r) => store.addEnriched(utf8.decode(r.data), now()),
      relistEvery,
    ),
    bad: new StreamFollower(
      streams.bad,
      new KinesisShardReader(client, streams.bad),
      (r) => store.addBadRow(utf8.decode(r.data), now()),
      relistEvery,
    ),
  };
  const startAt = options.startAt ?? { type: "LATEST" };
  try {
    for (const f of Object.values(followers)) await f.start(startAt);
  } catch (e) {
    client.destroy();
    throw new Error(`Micro cannot read the streams: ${(e as Error).message}`);
  }

  let stopped = false;
  let wake: (() => void) | undefined;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  // Raw first in each round: a good or bad event then usually finds its request already there.
  const loop = (async () => {
    while (!stopped) {
      let got = 0;
      for (const f of [followers.raw, followers.enriched, followers.bad]) {
        if (stopped) break;
        try {
          got += await f.poll();
        } catch (e) {
          log(`furrow micro: reading ${f.name} failed, retrying: ${(e as Error)?.message ?? e}`);
        }
      }
      if (!stopped && got === 0) await pause(pollInterval);
    }
  })();

  const status = (): FeedStatus => ({
    streams: Object.fromEntries(
      Object.entries(followers).map(([role, f]) => [
        role,
        { name: f.name, shards: f.shards, records: f.records, lastError: f.lastError },
      ]),
    ),
  });

  let stopping: Promise<void> | undefined;
  return {
    store,
    resolver: options.resolver ?? null,
    now,
    status,
    stop() {
      stopping ??= (async () => {
        stopped = true;
        wake?.();
        await loop;
        client.destroy();
      })();
      return stopping;
    },
  };
}
