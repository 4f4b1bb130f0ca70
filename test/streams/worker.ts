/**
 * @module
 * One consumer worker process for the multi-process stream tests. Settings come as JSON in argv[2]
 * (see `WorkerSettings`); no environment is read. Everything it does is appended to its own
 * JSON-lines file: each handled record (written with one synchronous append per batch, before the
 * handler resolves, so a record on disk is a record handled even after SIGKILL), each handler
 * attempt, and each consumer event. SIGTERM stops it gracefully.
 *
 * Usage: bun test/streams/worker.ts '{"workerId":"w1","outFile":"/tmp/w1.jsonl",…}'
 */
import { appendFileSync } from "node:fs";
import { type ConsumerEvent, KinesisStreamConsumer } from "../../src/adapters/kinesis/stream-consumer.ts";
import type { WorkerSettings } from "./fleet.ts";

const settings = JSON.parse(process.argv[2] ?? "{}") as WorkerSettings;
const decoder = new TextDecoder();
const now = () => performance.timeOrigin + performance.now();

function append(lines: readonly object[]): void {
  const text = lines
    .map((line) => JSON.stringify({ worker: settings.workerId, at: now(), ...line }))
    .join("\n");
  appendFileSync(settings.outFile, `${text}\n`);
}

/** Events carry errors; a line carries their message. */
function serializable(event: ConsumerEvent): object {
  return "error" in event ? { ...event, error: String(event.error) } : event;
}

const region = "us-east-1";
const consumer = await KinesisStreamConsumer.connect(
  {
    streamName: settings.streamName,
    appName: settings.appName,
    workerId: settings.workerId,
    ...settings.consumer,
  },
  {
    kinesis: { endpoint: settings.kinesisEndpoint, region },
    dynamodb: { endpoint: settings.dynamodbEndpoint, region },
  },
  { onEvent: (event) => append([{ kind: "event", ...serializable(event) }]) },
);

let injected = 0;
await consumer.start(async (batch) => {
  const ids = batch.records.map((r) => decoder.decode(r.data));
  const failing =
    settings.failBatchContaining !== undefined &&
    ids.includes(settings.failBatchContaining) &&
    injected < (settings.failAttempts ?? 0);
  append([
    {
      kind: "attempt",
      shardId: batch.shardId,
      first: batch.records[0]?.sequenceNumber,
      last: batch.records.at(-1)?.sequenceNumber,
      count: ids.length,
      failing,
    },
  ]);
  if (failing) {
    injected++;
    throw new Error(`injected failure ${injected}`);
  }
  append(
    batch.records.map((r, i) => ({
      kind: "record",
      shardId: batch.shardId,
      seq: r.sequenceNumber,
      pk: r.partitionKey,
      id: ids[i],
    })),
  );
});
append([{ kind: "ready" }]);

process.on("SIGTERM", () => {
  void consumer.stop().then(() => {
    append([{ kind: "stopped" }]);
    process.exit(0);
  });
});
