/**
 * @module
 * What a Kinesis stream holds, read from the start of every shard with plain GetRecords: how the
 * end-to-end enrich tests look at the enriched and bad streams without a consumer of their own.
 * `StreamTail` reads on from where it stopped, so that polling a stream that grows to thousands of
 * records does not starve the engines running in the same process.
 */
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
} from "@aws-sdk/client-kinesis";

const utf8 = new TextDecoder();

/** Every record's data on `stream`, shard by shard from TRIM_HORIZON, as UTF-8 text. */
export async function streamContents(client: KinesisClient, stream: string): Promise<string[]> {
  const out: string[] = [];
  const shards = (await client.send(new ListShardsCommand({ StreamName: stream }))).Shards ?? [];
  for (const shard of shards) {
    let iterator = (
      await client.send(
        new GetShardIteratorCommand({
          StreamName: stream,
          ShardId: shard.ShardId,
          ShardIteratorType: "TRIM_HORIZON",
        }),
      )
    ).ShardIterator;
    while (iterator !== undefined) {
      const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      const records = page.Records ?? [];
      for (const r of records) out.push(utf8.decode(r.Data));
      // An open shard always has a next iterator: an empty page means we are at its tip.
      if (records.length === 0) break;
      iterator = page.NextShardIterator;
    }
  }
  return out;
}

/** Reads a stream's records as they arrive: each `read()` returns those since the last one. */
export class StreamTail {
  readonly #iterators = new Map<string, string | undefined>();

  constructor(
    private readonly client: KinesisClient,
    private readonly stream: string,
  ) {}

  /** The records written since the previous call (every record, on the first), as UTF-8 text. */
  async read(): Promise<string[]> {
    const out: string[] = [];
    const shards = (await this.client.send(new ListShardsCommand({ StreamName: this.stream }))).Shards ?? [];
    for (const shard of shards) {
      const shardId = shard.ShardId!;
      let iterator = this.#iterators.get(shardId);
      if (iterator === undefined && !this.#iterators.has(shardId)) {
        iterator = (
          await this.client.send(
            new GetShardIteratorCommand({
              StreamName: this.stream,
              ShardId: shardId,
              ShardIteratorType: "TRIM_HORIZON",
            }),
          )
        ).ShardIterator;
      }
      while (iterator !== undefined) {
        const page = await this.client.send(
          new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }),
        );
        const records = page.Records ?? [];
        for (const r of records) out.push(utf8.decode(r.Data));
        iterator = page.NextShardIterator;
        if (records.length === 0) break;
      }
      this.#iterators.set(shardId, iterator);
    }
    return out;
  }
}

/** Polls `check` every 200 ms until it holds or `ms` have passed; returns whether it held. */
export async function waitFor(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await Bun.sleep(200);
  }
}
