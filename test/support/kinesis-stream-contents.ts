/**
 * @module
 * What a Kinesis stream holds, read back with plain GetRecords from TRIM_HORIZON of every shard:
 * how tests against kinesalite look at what a producer, collector or loader wrote.
 */
import {
  type _Record,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
} from "@aws-sdk/client-kinesis";

/** Every record of one shard of `stream`, from the start, in stream order. */
export async function readShard(client: KinesisClient, stream: string, shardId: string): Promise<_Record[]> {
  const out: _Record[] = [];
  let iterator = (
    await client.send(
      new GetShardIteratorCommand({
        StreamName: stream,
        ShardId: shardId,
        ShardIteratorType: "TRIM_HORIZON",
      }),
    )
  ).ShardIterator;
  while (iterator) {
    const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
    const records = page.Records ?? [];
    out.push(...records);
    // An open shard always has a next iterator: an empty page means we are at its tip.
    if (records.length === 0) break;
    iterator = page.NextShardIterator;
  }
  return out;
}

/** The ids of the shards of `stream`, as ListShards gives them. */
export async function shardIds(client: KinesisClient, stream: string): Promise<string[]> {
  const shards = (await client.send(new ListShardsCommand({ StreamName: stream }))).Shards ?? [];
  return shards.map((s) => s.ShardId!);
}

/** Every record of every shard of `stream`, shard by shard, each in stream order. */
export async function readStream(client: KinesisClient, stream: string): Promise<_Record[]> {
  const out: _Record[] = [];
  for (const shardId of await shardIds(client, stream))
    out.push(...(await readShard(client, stream, shardId)));
  return out;
}

const utf8 = new TextDecoder();

/** Every record's data on `stream` (as `readStream`), decoded as UTF-8 text. */
export async function readStreamText(client: KinesisClient, stream: string): Promise<string[]> {
  return (await readStream(client, stream)).map((r) => utf8.decode(r.Data));
}

/** The sequence number of the last record of each shard of `stream` that holds any. */
export async function lastSequenceNumbers(
  client: KinesisClient,
  stream: string,
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const shardId of await shardIds(client, stream)) {
    const last = (await readShard(client, stream, shardId)).at(-1);
    if (last?.SequenceNumber !== undefined) out[shardId] = last.SequenceNumber;
  }
  return out;
}
