/**
 * @module
 * Creates a Kinesis stream unless it exists, and waits until it is ACTIVE: PutRecords and
 * GetShardIterator fail with ResourceNotFoundException while a stream is still CREATING.
 */
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
  ListStreamsCommand,
} from "@aws-sdk/client-kinesis";
import { pollUntil } from "../poll-until.ts";

export interface EnsuredStream {
  readonly name: string;
  /** False when the stream already existed; it is then left as it is, shard count included. */
  readonly created: boolean;
  /** Open shards once ACTIVE; may differ from the request if the stream existed. */
  readonly openShards: number;
}

const isNamed = (e: unknown, name: string): boolean => e instanceof Error && e.name === name;

async function summary(client: KinesisClient, name: string) {
  try {
    const out = await client.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    return out.StreamDescriptionSummary ?? null;
  } catch (e) {
    if (isNamed(e, "ResourceNotFoundException")) return null;
    throw e;
  }
}

/** Makes sure stream `name` exists and is ACTIVE, creating it with `shards` shards if absent. */
export async function ensureStream(
  client: KinesisClient,
  stream: { readonly name: string; readonly shards: number },
  options: { readonly timeoutMs?: number } = {},
): Promise<EnsuredStream> {
  let created = false;
  if ((await summary(client, stream.name)) === null) {
    try {
      await client.send(new CreateStreamCommand({ StreamName: stream.name, ShardCount: stream.shards }));
      created = true;
    } catch (e) {
      // Another process created it between our describe and create: it exists, which is the goal.
      if (!isNamed(e, "ResourceInUseException")) throw e;
    }
  }
  let openShards = 0;
  await pollUntil(
    async () => {
      const s = await summary(client, stream.name);
      openShards = s?.OpenShardCount ?? 0;
      return s?.StreamStatus === "ACTIVE";
    },
    { what: `Kinesis stream ${stream.name} to become ACTIVE`, timeoutMs: options.timeoutMs },
  );
  return { name: stream.name, created, openShards };
}

/** Every stream name of the account and region, across pages. */
export async function listStreamNames(client: KinesisClient): Promise<string[]> {
  const names: string[] = [];
  let start: string | undefined;
  for (;;) {
    const out = await client.send(new ListStreamsCommand({ ExclusiveStartStreamName: start }));
    const page = out.StreamNames ?? [];
    names.push(...page);
    if (!out.HasMoreStreams || page.length === 0) return names;
    start = names.at(-1);
  }
}
