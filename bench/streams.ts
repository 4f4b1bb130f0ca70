/**
 * @module
 * Records per second through our stream layer against a bare AWS SDK loop on the same engine, in
 * the same run: `KinesisProducer` → kinesalite → `KinesisStreamConsumer` (with DynamoDB leases on
 * dynalite and checkpoints), against plain `PutRecords` of 500-record batches and a plain
 * `GetRecords` loop over every shard. Both move the same N records of the same size.
 *
 * kinesalite itself is the ceiling here (about 7k puts/s and 12k gets/s on this machine, see
 * ../shared/reference/pitfalls.md), so the ratio says how much our batching, acknowledgement,
 * lease and checkpoint work costs on top of the engine, not how fast AWS would be.
 *
 * Run: `bun bench/streams.ts [records, default 20000] [record bytes, default 500] [shards, default 2]`
 */
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  PutRecordsCommand,
} from "@aws-sdk/client-kinesis";
import { startDynalite } from "../src/adapters/engines/dynalite.ts";
import { startKinesalite } from "../src/adapters/engines/kinesalite.ts";
import { kinesisClient } from "../src/adapters/kinesis/client.ts";
import { KinesisProducer } from "../src/adapters/kinesis/producer.ts";
import { KinesisStreamConsumer } from "../src/adapters/kinesis/stream-consumer.ts";
import { ensureStream } from "../src/adapters/kinesis/streams.ts";

const total = Number(process.argv[2] ?? 20_000);
const size = Number(process.argv[3] ?? 500);
const shards = Number(process.argv[4] ?? 2);
const region = "us-east-1";

const kinesalite = await startKinesalite();
const dynalite = await startDynalite();
const kinesis = kinesisClient({ region, endpoint: kinesalite.url }, { maxAttempts: 1 });

function recordsFor(run: string): { data: Uint8Array; partitionKey: string }[] {
  return Array.from({ length: total }, (_, i) => {
    const data = new Uint8Array(size);
    data.fill(97);
    new TextEncoder().encodeInto(`${run}-${i};`, data);
    return { data, partitionKey: `pk-${i % 64}` };
  });
}

/** Bare SDK: PutRecords of 500, one call at a time, then GetRecords every shard to the end. */
async function bareLoop(): Promise<{ putMs: number; getMs: number }> {
  const stream = "bench-bare";
  await ensureStream(kinesis, { name: stream, shards });
  const records = recordsFor("bare");
  const t0 = performance.now();
  for (let i = 0; i < records.length; i += 500) {
    const batch = records.slice(i, i + 500);
    let entries = batch.map((r) => ({ Data: r.data, PartitionKey: r.partitionKey }));
    while (entries.length > 0) {
      const out = await kinesis.send(new PutRecordsCommand({ StreamName: stream, Records: entries }));
      entries = entries.filter((_, j) => out.Records?.[j]?.ErrorCode);
    }
  }
  const t1 = performance.now();
  let seen = 0;
  const list = await kinesis.send(new ListShardsCommand({ StreamName: stream }));
  await Promise.all(
    (list.Shards ?? []).map(async (shard) => {
      let iterator = (
        await kinesis.send(
          new GetShardIteratorCommand({
            StreamName: stream,
            ShardId: shard.ShardId,
            ShardIteratorType: "TRIM_HORIZON",
          }),
        )
      ).ShardIterator;
      while (iterator) {
        const out = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
        seen += out.Records?.length ?? 0;
        if ((out.Records?.length ?? 0) === 0) break;
        iterator = out.NextShardIterator;
      }
    }),
  );
  if (seen !== total) throw new Error(`bare loop read ${seen} of ${total}`);
  return { putMs: t1 - t0, getMs: performance.now() - t1 };
}

/** Ours: producer writes and awaits acks; consumer reads with leases and checkpoints. */
async function furrowLoop(): Promise<{
  putMs: number;
  getMs: number;
  steadyMs: number;
  checkpoints: number;
}> {
  const stream = "bench-furrow";
  await ensureStream(kinesis, { name: stream, shards });
  const records = recordsFor("furrow");
  const producer = new KinesisProducer({
    client: kinesis,
    streamName: stream,
    flush: { recordLimit: 500, byteLimit: 5 * 1024 * 1024, timeLimitMs: 50 },
    healthCheckIntervalMs: 0,
  });
  const t0 = performance.now();
  const writes: Promise<void>[] = [];
  for (let i = 0; i < records.length; i += 500) writes.push(producer.write(records.slice(i, i + 500)));
  await Promise.all(writes);
  await producer.close();
  const t1 = performance.now();

  let seen = 0;
  let checkpoints = 0;
  let done: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    done = resolve;
  });
  const consumer = await KinesisStreamConsumer.connect(
    {
      streamName: stream,
      appName: "bench-furrow-app",
      idleTimeBetweenReadsMs: 0,
      checkpointDebounceMs: 200,
    },
    { kinesis: { region, endpoint: kinesalite.url }, dynamodb: { region, endpoint: dynalite.url } },
    {
      onEvent: (e) => {
        if (e.type === "checkpoint") checkpoints++;
      },
    },
  );
  const t2 = performance.now();
  let firstBatch = 0;
  await consumer.start(async (batch) => {
    if (firstBatch === 0) firstBatch = performance.now();
    seen += batch.records.length;
    if (seen >= total) done();
  });
  await finished;
  const t3 = performance.now();
  await consumer.stop();
  return { putMs: t1 - t0, getMs: t3 - t2, steadyMs: t3 - firstBatch, checkpoints };
}

const rate = (ms: number) => Math.round((total / ms) * 1000);
try {
  const bare = await bareLoop();
  const ours = await furrowLoop();
  console.log(
    `streams: ${total} records of ${size} B over ${shards} shards, kinesalite + dynalite, one process\n`,
  );
  console.log("| path | bare SDK loop (records/s) | furrow (records/s) | furrow/bare |");
  console.log("|---|---:|---:|---:|");
  console.log(
    `| write (PutRecords ↔ KinesisProducer, acknowledged) | ${rate(bare.putMs).toLocaleString("en")} | ${rate(ours.putMs).toLocaleString("en")} | ${(bare.putMs / ours.putMs).toFixed(2)}× |`,
  );
  console.log(
    `| read (GetRecords ↔ KinesisStreamConsumer, leases + checkpoints) | ${rate(bare.getMs).toLocaleString("en")} | ${rate(ours.getMs).toLocaleString("en")} | ${(bare.getMs / ours.getMs).toFixed(2)}× |`,
  );
  console.log(
    `| read, first batch to last (start-up excluded) | ${rate(bare.getMs).toLocaleString("en")} | ${rate(ours.steadyMs).toLocaleString("en")} | ${(bare.getMs / ours.steadyMs).toFixed(2)}× |`,
  );
  const bareEnd = bare.putMs + bare.getMs;
  const oursEnd = ours.putMs + ours.getMs;
  console.log(
    `| end to end (write then read) | ${rate(bareEnd).toLocaleString("en")} | ${rate(oursEnd).toLocaleString("en")} | ${(bareEnd / oursEnd).toFixed(2)}× |`,
  );
  console.log(
    `\n(consumer wrote ${ours.checkpoints} checkpoints; its read time includes the first lease take)`,
  );
} finally {
  kinesis.destroy();
  await kinesalite.stop();
  await dynalite.stop();
}
