/**
 * @module
 * The shard reader on Kinesis: ListShards for lineage, GetShardIterator and GetRecords polling.
 * Works against AWS and kinesalite (which never returns ChildShards; the consumer then asks
 * ListShards).
 *
 * Two Kinesis behaviours are absorbed here (KCL `KinesisDataFetcher` does the same):
 * - an iterator expires 5 minutes after it was issued (`ExpiredIteratorException`): a new one is
 *   requested at the same position, which is after the last record returned;
 * - reads are limited per shard (5 GetRecords/s, 2 MB/s; `ProvisionedThroughputExceededException`,
 *   and `LimitExceededException` for control calls): the call is retried with exponential backoff.
 */
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type GetShardIteratorCommandInput,
  type KinesisClient,
  ListShardsCommand,
  type ListShardsCommandOutput,
} from "@aws-sdk/client-kinesis";
import type {
  RecordsPage,
  Shard,
  ShardIterator,
  ShardReader,
  ShardRecord,
  StartingPosition,
} from "../../ports/shard-reader.ts";

export interface ThrottleBackoff {
  /** First wait; doubled on each further throttle. */
  readonly initialMs: number;
  readonly maxMs: number;
  /** Tries before the error is passed on. */
  readonly attempts: number;
}

/** KCL backs GetRecords off for about a second per throttle; start lower and grow. */
export const DEFAULT_THROTTLE_BACKOFF: ThrottleBackoff = { initialMs: 200, maxMs: 5_000, attempts: 8 };

const THROTTLES = new Set([
  "ProvisionedThroughputExceededException",
  "LimitExceededException",
  "KMSThrottlingException",
]);

const named = (e: unknown, name: string): boolean => e instanceof Error && e.name === name;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

type SdkShard = Omit<NonNullable<ListShardsCommandOutput["Shards"]>[number], "SequenceNumberRange"> & {
  readonly SequenceNumberRange?: { readonly EndingSequenceNumber?: string };
};

function toShard(s: SdkShard): Shard {
  return {
    shardId: s.ShardId ?? "",
    parentShardIds: [s.ParentShardId, s.AdjacentParentShardId].filter((p): p is string => !!p),
    hashKeyRange: {
      startingHashKey: s.HashKeyRange?.StartingHashKey ?? "0",
      endingHashKey: s.HashKeyRange?.EndingHashKey ?? "0",
    },
    endingSequenceNumber: s.SequenceNumberRange?.EndingSequenceNumber ?? null,
  };
}

export class KinesisShardReader implements ShardReader {
  readonly #backoff: ThrottleBackoff;

  constructor(
    private readonly client: KinesisClient,
    private readonly streamName: string,
    options: { readonly throttleBackoff?: ThrottleBackoff } = {},
  ) {
    this.#backoff = options.throttleBackoff ?? DEFAULT_THROTTLE_BACKOFF;
  }

  /** Runs `call`, retrying throttled attempts with exponential backoff. */
  async #unthrottled<T>(call: () => Promise<T>): Promise<T> {
    let delay = this.#backoff.initialMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (e) {
        if (!(e instanceof Error && THROTTLES.has(e.name)) || attempt >= this.#backoff.attempts) throw e;
        await sleep(delay);
        delay = Math.min(delay * 2, this.#backoff.maxMs);
      }
    }
  }

  async listShards(): Promise<Shard[]> {
    const shards: Shard[] = [];
    let nextToken: string | undefined;
    do {
      const token = nextToken;
      const out = await this.#unthrottled(() =>
        this.client.send(
          // With a NextToken, Kinesis refuses a StreamName.
          new ListShardsCommand(token ? { NextToken: token } : { StreamName: this.streamName }),
        ),
      );
      shards.push(...(out.Shards ?? []).map(toShard));
      nextToken = out.NextToken;
    } while (nextToken);
    return shards;
  }

  async getIterator(shardId: string, position: StartingPosition): Promise<ShardIterator> {
    const input: GetShardIteratorCommandInput = {
      StreamName: this.streamName,
      ShardId: shardId,
      ShardIteratorType: position.type,
    };
    if (position.type === "AT_TIMESTAMP") input.Timestamp = position.timestamp;
    if (position.type === "AT_SEQUENCE_NUMBER" || position.type === "AFTER_SEQUENCE_NUMBER") {
      input.StartingSequenceNumber = position.sequenceNumber;
    }
    const out = await this.#unthrottled(() => this.client.send(new GetShardIteratorCommand(input)));
    if (!out.ShardIterator)
      throw new Error(`Kinesis returned no iterator for ${shardId} at ${position.type}`);
    return { shardId, position, token: out.ShardIterator };
  }

  async getRecords(iterator: ShardIterator, limit: number): Promise<RecordsPage> {
    let current = iterator;
    const read = () =>
      this.#unthrottled(() =>
        this.client.send(new GetRecordsCommand({ ShardIterator: current.token, Limit: limit })),
      );
    let out: Awaited<ReturnType<typeof read>>;
    try {
      out = await read();
    } catch (e) {
      if (!named(e, "ExpiredIteratorException")) throw e;
      current = await this.getIterator(iterator.shardId, iterator.position);
      out = await read();
    }
    const records: ShardRecord[] = (out.Records ?? []).map((r) => ({
      data: r.Data ?? new Uint8Array(),
      partitionKey: r.PartitionKey ?? "",
      sequenceNumber: r.SequenceNumber ?? "",
      approximateArrivalTimestamp: r.ApproximateArrivalTimestamp ?? new Date(0),
    }));
    const last = records.at(-1);
    const position: StartingPosition = last
      ? { type: "AFTER_SEQUENCE_NUMBER", sequenceNumber: last.sequenceNumber }
      : current.position;
    const childShards =
      out.ChildShards === undefined
        ? null
        : out.ChildShards.map((c) =>
            toShard({
              ShardId: c.ShardId,
              ParentShardId: c.ParentShards?.[0],
              AdjacentParentShardId: c.ParentShards?.[1],
              HashKeyRange: c.HashKeyRange,
            }),
          );
    return {
      records,
      next: out.NextShardIterator
        ? { shardId: iterator.shardId, position, token: out.NextShardIterator }
        : null,
      childShards,
      millisBehindLatest: out.MillisBehindLatest ?? 0,
    };
  }
}
