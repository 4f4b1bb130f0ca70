/**
 * @module
 * The Kinesis shard reader: lineage and SHARD_END on kinesalite, and the two failures it absorbs,
 * an expired iterator and throttling, on a scripted client (kinesalite expires iterators only after
 * 5 minutes and never throttles).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  PutRecordsCommand,
  SplitShardCommand,
} from "@aws-sdk/client-kinesis";
import { startKinesalite } from "../engines/kinesalite.ts";
import type { RunningEngine } from "../engines/running-engine.ts";
import { pollUntil } from "../poll-until.ts";
import { kinesisClient } from "./client.ts";
import { KinesisShardReader } from "./shard-reader.ts";
import { ensureStream } from "./streams.ts";

const text = new TextEncoder();
const MID = "170141183460469231731687303715884105728";

describe("KinesisShardReader on kinesalite", () => {
  let engine: RunningEngine;
  let client: KinesisClient;
  beforeAll(async () => {
    engine = await startKinesalite();
    client = kinesisClient({ endpoint: engine.url, region: "us-east-1" });
    await ensureStream(client, { name: "reader", shards: 1 });
  });
  afterAll(async () => {
    client.destroy();
    await engine.stop();
  });

  test("pages resume after the last record; a split closes the parent and lists the children", async () => {
    const reader = new KinesisShardReader(client, "reader");
    await client.send(
      new PutRecordsCommand({
        StreamName: "reader",
        Records: [1, 2, 3].map((i) => ({ Data: text.encode(`r${i}`), PartitionKey: `pk${i}` })),
      }),
    );
    const first = await reader.getRecords(
      await reader.getIterator("shardId-000000000000", { type: "TRIM_HORIZON" }),
      2,
    );
    expect(first.records.map((r) => new TextDecoder().decode(r.data))).toEqual(["r1", "r2"]);
    expect(first.next?.position).toEqual({
      type: "AFTER_SEQUENCE_NUMBER",
      sequenceNumber: first.records[1]?.sequenceNumber ?? "",
    });
    await client.send(
      new SplitShardCommand({
        StreamName: "reader",
        ShardToSplit: "shardId-000000000000",
        NewStartingHashKey: MID,
      }),
    );
    // SplitShard is asynchronous: the stream is UPDATING until kinesalite has created the children.
    let shards = await reader.listShards();
    await pollUntil(
      async () => {
        shards = await reader.listShards();
        return shards.length === 3;
      },
      { what: "the split to finish" },
    );
    expect(shards.map((s) => [s.shardId, s.parentShardIds, s.endingSequenceNumber !== null])).toEqual([
      ["shardId-000000000000", [], true],
      ["shardId-000000000001", ["shardId-000000000000"], false],
      ["shardId-000000000002", ["shardId-000000000000"], false],
    ]);
    expect(shards[2]?.hashKeyRange.startingHashKey).toBe(MID);
    // The rest of the parent, then SHARD_END (no next iterator); kinesalite names no children.
    let page = await reader.getRecords(first.next!, 10);
    expect(page.records).toHaveLength(1);
    for (let i = 0; i < 5 && page.next; i++) page = await reader.getRecords(page.next, 10);
    expect(page.next).toBeNull();
    expect(page.childShards).toBeNull();
  });
});

/** A client that answers from a script, and records what it was asked. */
function scriptedClient(script: (command: object) => unknown) {
  const sent: object[] = [];
  const client = {
    send: async (command: object) => {
      sent.push(command);
      const answer = script(command);
      if (answer instanceof Error) throw answer;
      return answer;
    },
  } as unknown as KinesisClient;
  return { client, sent };
}

const named = (name: string) => Object.assign(new Error(name), { name });

describe("KinesisShardReader recovery", () => {
  test("an expired iterator is replaced by one at the same position", async () => {
    let reads = 0;
    const { client, sent } = scriptedClient((command) => {
      if (command instanceof GetRecordsCommand) {
        reads++;
        if (reads === 1) return named("ExpiredIteratorException");
        return {
          Records: [
            {
              SequenceNumber: "12",
              PartitionKey: "k",
              Data: text.encode("x"),
              ApproximateArrivalTimestamp: new Date(0),
            },
          ],
          NextShardIterator: "next",
          MillisBehindLatest: 0,
        };
      }
      if (command instanceof GetShardIteratorCommand) return { ShardIterator: "fresh" };
      return {};
    });
    const reader = new KinesisShardReader(client, "s");
    const page = await reader.getRecords(
      {
        shardId: "shardId-1",
        position: { type: "AFTER_SEQUENCE_NUMBER", sequenceNumber: "11" },
        token: "old",
      },
      100,
    );
    expect(page.records.map((r) => r.sequenceNumber)).toEqual(["12"]);
    const asked = sent.find((c) => c instanceof GetShardIteratorCommand) as GetShardIteratorCommand;
    expect(asked.input).toMatchObject({
      ShardId: "shardId-1",
      ShardIteratorType: "AFTER_SEQUENCE_NUMBER",
      StartingSequenceNumber: "11",
    });
    expect((sent.at(-1) as GetRecordsCommand).input.ShardIterator).toBe("fresh");
    expect(page.next).toEqual({
      shardId: "shardId-1",
      position: { type: "AFTER_SEQUENCE_NUMBER", sequenceNumber: "12" },
      token: "next",
    });
  });

  test("throttled reads back off and retry, up to a limit", async () => {
    let throttles = 2;
    const { client, sent } = scriptedClient(() =>
      throttles-- > 0
        ? named("ProvisionedThroughputExceededException")
        : { Records: [], NextShardIterator: "n" },
    );
    const reader = new KinesisShardReader(client, "s", {
      throttleBackoff: { initialMs: 5, maxMs: 10, attempts: 3 },
    });
    const iterator = { shardId: "s-1", position: { type: "LATEST" } as const, token: "t" };
    const page = await reader.getRecords(iterator, 10);
    expect(sent).toHaveLength(3);
    expect(page.next?.position).toEqual({ type: "LATEST" });
    throttles = 5;
    await expect(reader.getRecords(iterator, 10)).rejects.toThrow("ProvisionedThroughputExceededException");
  });

  test("child shards given by Kinesis at SHARD_END are passed on", async () => {
    const { client } = scriptedClient(() => ({
      Records: [],
      MillisBehindLatest: 0,
      ChildShards: [
        { ShardId: "c1", ParentShards: ["p"], HashKeyRange: { StartingHashKey: "0", EndingHashKey: "9" } },
        {
          ShardId: "m",
          ParentShards: ["p", "q"],
          HashKeyRange: { StartingHashKey: "10", EndingHashKey: "20" },
        },
      ],
    }));
    const page = await new KinesisShardReader(client, "s").getRecords(
      { shardId: "p", position: { type: "TRIM_HORIZON" }, token: "t" },
      1,
    );
    expect(page.next).toBeNull();
    expect(page.childShards?.map((c) => [c.shardId, c.parentShardIds])).toEqual([
      ["c1", ["p"]],
      ["m", ["p", "q"]],
    ]);
  });
});
