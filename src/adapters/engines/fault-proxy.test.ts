/** @module Tests for the fault proxy in front of kinesalite: entry throttling, call rejection, loss, outages. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { DescribeStreamSummaryCommand, type KinesisClient, PutRecordsCommand } from "@aws-sdk/client-kinesis";
import { readStreamText as readAll } from "../../../test/support/kinesis-stream-contents.ts";
import { kinesisClient } from "../kinesis/client.ts";
import { ensureStream } from "../kinesis/streams.ts";
import { type FaultProxy, startFaultProxy } from "./fault-proxy.ts";
import { startKinesalite } from "./kinesalite.ts";
import type { RunningEngine } from "./running-engine.ts";

/** mulberry32: a seeded [0, 1) source, so the shares below are the same on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Without SDK retries, so every fault reaches the test as it happened. */
const clientOf = (endpoint: string) => kinesisClient({ region: "us-east-1", endpoint }, { maxAttempts: 1 });

const text = new TextEncoder();
const records = (n: number, prefix: string) =>
  Array.from({ length: n }, (_, i) => ({ Data: text.encode(`${prefix}-${i}`), PartitionKey: `k${i % 7}` }));

describe("fault proxy in front of kinesalite", () => {
  let engine: RunningEngine;
  let proxy: FaultProxy;
  let direct: KinesisClient;
  let viaProxy: KinesisClient;

  beforeAll(async () => {
    engine = await startKinesalite();
    proxy = await startFaultProxy({ target: engine.url, random: seeded(42) });
    direct = clientOf(engine.url);
    viaProxy = clientOf(proxy.url);
  });

  afterAll(async () => {
    viaProxy?.destroy();
    direct?.destroy();
    await proxy?.stop();
    await engine?.stop();
  });

  const freshStream = async (): Promise<string> => {
    const name = `fault-${crypto.randomUUID().slice(0, 8)}`;
    await ensureStream(viaProxy, { name, shards: 1 });
    return name;
  };

  test("without rules, calls pass through unchanged", async () => {
    proxy.rules = {};
    const stream = await freshStream();
    const out = await viaProxy.send(
      new PutRecordsCommand({ StreamName: stream, Records: records(20, "plain") }),
    );
    expect(out.FailedRecordCount).toBe(0);
    expect(await readAll(viaProxy, stream)).toEqual(
      records(20, "plain").map((r) => new TextDecoder().decode(r.Data)),
    );
  });

  test("throttleEntries refuses a share of entries as Kinesis does, and the engine never stores them", async () => {
    const stream = await freshStream();
    proxy.rules = { throttleEntries: 0.3 };
    const sent = records(200, "partial");
    const out = await viaProxy.send(new PutRecordsCommand({ StreamName: stream, Records: sent }));
    proxy.rules = {};
    const failed = (out.Records ?? []).flatMap((r, i) => (r.ErrorCode ? [i] : []));
    expect(out.FailedRecordCount).toBe(failed.length);
    expect(failed.length).toBeGreaterThan(30);
    expect(failed.length).toBeLessThan(100);
    for (const i of failed) {
      expect(out.Records?.[i]?.ErrorCode).toBe("ProvisionedThroughputExceededException");
      expect(out.Records?.[i]?.ErrorMessage).toMatch(/^Rate exceeded for shard/);
    }
    for (const [i, r] of (out.Records ?? []).entries()) {
      if (!failed.includes(i)) expect(r.SequenceNumber).toBeString();
    }
    const stored = await readAll(direct, stream);
    const expected = sent.filter((_, i) => !failed.includes(i)).map((r) => new TextDecoder().decode(r.Data));
    expect(stored).toEqual(expected);
  });

  test("throttleEntries at 1 answers without reaching the engine", async () => {
    const stream = await freshStream();
    const forwarded = proxy.stats.forwardedCalls;
    proxy.rules = { throttleEntries: 1 };
    const out = await viaProxy.send(
      new PutRecordsCommand({ StreamName: stream, Records: records(5, "all") }),
    );
    proxy.rules = {};
    expect(out.FailedRecordCount).toBe(5);
    expect(proxy.stats.forwardedCalls).toBe(forwarded);
    expect(await readAll(direct, stream)).toEqual([]);
  });

  test("rejectCalls refuses whole calls with the AWS JSON error shape, only for the listed operations", async () => {
    const stream = await freshStream();
    for (const errorType of ["ProvisionedThroughputExceededException", "LimitExceededException"]) {
      proxy.rules = { rejectCalls: { share: 1, operations: ["PutRecords"], errorType } };
      const error = await viaProxy
        .send(new PutRecordsCommand({ StreamName: stream, Records: records(3, "whole") }))
        .catch((e: unknown) => e as Error & { $metadata: { httpStatusCode?: number } });
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).name).toBe(errorType);
      expect((error as { $metadata: { httpStatusCode?: number } }).$metadata.httpStatusCode).toBe(400);
      // Other operations pass.
      const summary = await viaProxy.send(new DescribeStreamSummaryCommand({ StreamName: stream }));
      expect(summary.StreamDescriptionSummary?.StreamStatus).toBe("ACTIVE");
    }
    proxy.rules = {};
    expect(await readAll(direct, stream)).toEqual([]);
  });

  test("loseResponses stores the records but the client sees the connection drop", async () => {
    const stream = await freshStream();
    proxy.rules = { loseResponses: 1, loseResponsesOf: ["PutRecords"] };
    const error = await viaProxy
      .send(new PutRecordsCommand({ StreamName: stream, Records: records(4, "lost") }))
      .catch((e: unknown) => e as Error);
    proxy.rules = {};
    expect(error).toBeInstanceOf(Error);
    expect((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBeUndefined();
    expect(await readAll(direct, stream)).toEqual(["lost-0", "lost-1", "lost-2", "lost-3"]);
  });

  test("down('refuse') refuses connections and up() serves again on the same URL", async () => {
    const stream = await freshStream();
    await proxy.down("refuse");
    try {
      const codes: (string | undefined)[] = [];
      for (let i = 0; i < 2; i++) {
        const error = await viaProxy
          .send(new DescribeStreamSummaryCommand({ StreamName: stream }))
          .catch((e: unknown) => e as Error & { code?: string });
        codes.push((error as { code?: string }).code);
      }
      // A pooled keep-alive socket is reset first; a new connection is then refused.
      expect(["ECONNRESET", "ECONNREFUSED"]).toContain(codes[0]!);
      expect(codes[1]).toBe("ECONNREFUSED");
    } finally {
      await proxy.up();
    }
    const summary = await viaProxy.send(new DescribeStreamSummaryCommand({ StreamName: stream }));
    expect(summary.StreamDescriptionSummary?.StreamName).toBe(stream);
  });

  test("down('unavailable') answers 503 ServiceUnavailable until up()", async () => {
    const stream = await freshStream();
    await proxy.down("unavailable");
    try {
      const error = await viaProxy
        .send(new DescribeStreamSummaryCommand({ StreamName: stream }))
        .catch((e: unknown) => e as Error & { $metadata: { httpStatusCode?: number } });
      expect((error as Error).name).toBe("ServiceUnavailable");
      expect((error as { $metadata: { httpStatusCode?: number } }).$metadata.httpStatusCode).toBe(503);
    } finally {
      await proxy.up();
    }
    await viaProxy.send(new DescribeStreamSummaryCommand({ StreamName: stream }));
    expect(proxy.stats.unavailableCalls).toBeGreaterThan(0);
  });
});
