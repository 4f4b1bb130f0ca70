/**
 * @module
 * Unit tests for the Kinesis producer against a scripted client and a fake clock: flush limits,
 * partial-failure retries, throttling as back-pressure, health, the buffer bound, per-key order
 * across concurrent calls, timeouts and close. Nothing sleeps; the engine-backed tests are in
 * `producer.kinesalite.test.ts`.
 */
import { describe, expect, test } from "bun:test";
import {
  DescribeStreamSummaryCommand,
  type KinesisClient,
  PutRecordsCommand,
  type PutRecordsResultEntry,
} from "@aws-sdk/client-kinesis";
import { RecordSinkError } from "../../ports/record-sink.ts";
import { KinesisProducer, type KinesisProducerOptions, type ProducerClock } from "./producer.ts";

interface Timer {
  at: number;
  callback: () => void;
  background: boolean;
}

/** A clock that moves only when told to, running due timers in order. */
class FakeClock implements ProducerClock {
  time = 1_000;
  readonly timers = new Set<Timer>();
  now = () => this.time;
  schedule = (callback: () => void, ms: number, background = false) => {
    const timer = { at: this.time + ms, callback, background };
    this.timers.add(timer);
    return () => this.timers.delete(timer);
  };
  /** Moves time forward by `ms`, firing each due timer and letting promises settle after it. */
  async advance(ms: number): Promise<void> {
    const until = this.time + ms;
    for (;;) {
      await settle();
      const next = [...this.timers].filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      this.timers.delete(next);
      this.time = Math.max(this.time, next.at);
      next.callback();
    }
    this.time = until;
    await settle();
  }
  foreground(): number {
    return [...this.timers].filter((t) => !t.background).length;
  }
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

type Command = PutRecordsCommand | DescribeStreamSummaryCommand;

interface Call {
  readonly command: Command;
  readonly keys: string[];
  readonly texts: string[];
  answer(output: unknown): void;
  fail(error: unknown): void;
}

/** A client whose calls wait until the test answers them, in any order. */
class ScriptedClient {
  readonly calls: Call[] = [];
  /** Calls not answered yet. */
  readonly open: Call[] = [];
  send = (command: Command, options?: { abortSignal?: AbortSignal }): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const input = command.input as { Records?: { Data: Uint8Array; PartitionKey: string }[] };
      const close = () => this.open.splice(this.open.indexOf(call), 1);
      const call: Call = {
        command,
        keys: (input.Records ?? []).map((r) => r.PartitionKey),
        texts: (input.Records ?? []).map((r) => new TextDecoder().decode(r.Data)),
        answer: (output) => {
          close();
          resolve(output);
        },
        fail: (error) => {
          close();
          reject(error);
        },
      };
      options?.abortSignal?.addEventListener("abort", () =>
        call.fail(Object.assign(new Error("aborted"), { name: "AbortError" })),
      );
      this.calls.push(call);
      this.open.push(call);
    });
  puts(): Call[] {
    return this.calls.filter((c) => c.command instanceof PutRecordsCommand);
  }
}

const ok = (call: Call, failed: Record<number, string> = {}) => {
  const Records: PutRecordsResultEntry[] = call.texts.map((_, i) =>
    failed[i]
      ? { ErrorCode: failed[i], ErrorMessage: "Rate exceeded" }
      : { SequenceNumber: `${i}`, ShardId: "s" },
  );
  call.answer({ $metadata: { attempts: 1 }, FailedRecordCount: Object.keys(failed).length, Records });
};

const awsError = (name: string, httpStatusCode?: number) =>
  Object.assign(new Error(name), { name, $metadata: { httpStatusCode, attempts: 1 } });

const networkError = (code: string) => Object.assign(new Error(code), { code, $metadata: { attempts: 1 } });

const rec = (text: string, partitionKey = "k") => ({ data: new TextEncoder().encode(text), partitionKey });

function setup(options: Partial<KinesisProducerOptions> = {}) {
  const clock = new FakeClock();
  const client = new ScriptedClient();
  const producer = new KinesisProducer({
    client: client as unknown as KinesisClient,
    streamName: "raw",
    clock,
    random: () => 0,
    healthCheckIntervalMs: 0,
    backoff: { minMs: 500, maxMs: 1_500, unhealthyAfterFailures: 3 },
    ...options,
  });
  return { clock, client, producer };
}

/** Tracks whether a promise has settled, without awaiting it. */
function watch(promise: Promise<unknown>) {
  const state = { settled: false, error: undefined as unknown };
  promise.then(
    () => {
      state.settled = true;
    },
    (e) => {
      state.settled = true;
      state.error = e;
    },
  );
  return state;
}

describe("KinesisProducer flush policy", () => {
  test("sends once the record limit is reached, in one request", async () => {
    const { client, producer } = setup({
      flush: { recordLimit: 3, byteLimit: 1_000_000, timeLimitMs: 5_000 },
    });
    const writes = ["a", "b", "c"].map((t) => watch(producer.write([rec(t)])));
    expect(client.puts().length).toBe(1);
    expect(client.puts()[0]!.texts).toEqual(["a", "b", "c"]);
    expect(writes.some((w) => w.settled)).toBe(false);
    ok(client.puts()[0]!);
    await settle();
    expect(writes.every((w) => w.settled && w.error === undefined)).toBe(true);
    expect(producer.metrics()).toMatchObject({ recordsWritten: 3, bufferedBytes: 0, requestsSent: 1 });
  });

  test("sends once the byte limit is reached, cutting requests at it", async () => {
    const { client, producer } = setup({ flush: { recordLimit: 500, byteLimit: 10, timeLimitMs: 5_000 } });
    void producer.write([rec("1234", "k")]); // 5 bytes with the key
    expect(client.puts().length).toBe(0);
    void producer.write([rec("1234", "k"), rec("1234", "k")]);
    expect(client.puts().map((c) => c.texts.length)).toEqual([2]);
  });

  test("sends after the time limit, not before", async () => {
    const { clock, client, producer } = setup();
    const write = watch(producer.write([rec("late")]));
    await clock.advance(4_999);
    expect(client.puts().length).toBe(0);
    await clock.advance(1);
    expect(client.puts().length).toBe(1);
    ok(client.puts()[0]!);
    await settle();
    expect(write.settled).toBe(true);
  });

  test("flush() sends at once and resolves on acknowledgement", async () => {
    const { client, producer } = setup();
    void producer.write([rec("x")]);
    const flushed = watch(producer.flush());
    expect(client.puts().length).toBe(1);
    await settle();
    expect(flushed.settled).toBe(false);
    ok(client.puts()[0]!);
    await settle();
    expect(flushed.settled).toBe(true);
  });
});

describe("KinesisProducer sendWhenIdle", () => {
  test("a write is sent at once, without the clock moving; later ones gather while every slot is out", async () => {
    const { client, producer } = setup({ sendWhenIdle: true, maxInFlightRequests: 1 });
    const first = watch(producer.write([rec("a", "k1")]));
    await settle();
    expect(client.puts().map((c) => c.texts)).toEqual([["a"]]);
    const later = [watch(producer.write([rec("b", "k2")])), watch(producer.write([rec("c", "k3")]))];
    await settle();
    expect(client.puts().length).toBe(1);
    ok(client.puts()[0]!);
    await settle();
    expect(first.settled && first.error === undefined).toBe(true);
    expect(client.puts().map((c) => c.texts)).toEqual([["a"], ["b", "c"]]);
    ok(client.puts()[1]!);
    await settle();
    expect(later.every((w) => w.settled && w.error === undefined)).toBe(true);
  });

  test("without it, nothing is sent before the time limit", async () => {
    const { client, producer } = setup({ maxInFlightRequests: 1 });
    void producer.write([rec("a")]);
    await settle();
    expect(client.puts().length).toBe(0);
  });
});

describe("KinesisProducer retries", () => {
  test("a partial failure retries only the failed entries, in order, after the backoff", async () => {
    const { clock, client, producer } = setup();
    const write = watch(producer.write(["r0", "r1", "r2", "r3", "r4"].map((t) => rec(t))));
    void producer.flush();
    ok(client.puts()[0]!, {
      1: "ProvisionedThroughputExceededException",
      3: "ProvisionedThroughputExceededException",
    });
    await settle();
    expect(write.settled).toBe(false);
    expect(producer.isHealthy()).toBe(true);
    await clock.advance(499);
    expect(client.puts().length).toBe(1);
    await clock.advance(1);
    expect(client.puts()[1]!.texts).toEqual(["r1", "r3"]);
    ok(client.puts()[1]!);
    await settle();
    expect(write.settled).toBe(true);
    expect(producer.metrics()).toMatchObject({
      recordsWritten: 5,
      recordsThrottled: 2,
      recordsRetried: 2,
      failedAttempts: 0,
      backoffs: 1,
      healthy: true,
    });
  });

  test("retried entries go before newer records", async () => {
    const { clock, client, producer } = setup();
    void producer.write([rec("old1"), rec("old2")]);
    void producer.flush();
    ok(client.puts()[0]!, { 0: "InternalFailure" });
    void producer.write([rec("new")]);
    void producer.flush();
    await clock.advance(500);
    expect(client.puts()[1]!.texts).toEqual(["old1", "new"]);
    expect(producer.metrics().recordsFailed).toBe(1);
  });

  test("throttled calls are back-pressure: retried with growing jitter, never unhealthy", async () => {
    const { clock, client, producer } = setup({ random: () => 0.5 });
    const write = watch(producer.write([rec("t")]));
    void producer.flush();
    for (let i = 0; i < 6; i++) {
      client
        .puts()
        [i]!.fail(awsError(i % 2 ? "LimitExceededException" : "ProvisionedThroughputExceededException", 400));
      await clock.advance(1_500);
      expect(producer.isHealthy()).toBe(true);
    }
    expect(client.puts().length).toBe(7);
    ok(client.puts()[6]!);
    await settle();
    expect(write.settled).toBe(true);
    expect(producer.metrics()).toMatchObject({ callsThrottled: 6, recordsThrottled: 6, failedAttempts: 0 });
  });

  test("other failures are retried forever and make the producer unhealthy until a call is answered", async () => {
    const { clock, client, producer } = setup();
    const write = watch(producer.write([rec("n")]));
    void producer.flush();
    const failures = [
      networkError("ECONNREFUSED"),
      awsError("ServiceUnavailable", 503),
      networkError("ECONNRESET"),
      awsError("ResourceNotFoundException", 400),
    ];
    for (const [i, error] of failures.entries()) {
      expect(producer.isHealthy()).toBe(i < 3); // unhealthyAfterFailures: 3
      client.puts()[i]!.fail(error);
      await clock.advance(1_500);
    }
    expect(producer.isHealthy()).toBe(false);
    expect(write.settled).toBe(false);
    ok(client.puts()[4]!);
    await settle();
    expect(write.settled).toBe(true);
    expect(producer.isHealthy()).toBe(true);
    // Only the reset connection may have reached Kinesis; refused and answered calls did not.
    expect(producer.metrics()).toMatchObject({
      failedAttempts: 4,
      recordsPossiblyDuplicated: 1,
      recordsRetried: 4,
    });
  });

  test("a call not answered within requestTimeoutMs is abandoned and retried", async () => {
    const { clock, client, producer } = setup({ requestTimeoutMs: 2_000 });
    const write = watch(producer.write([rec("slow")]));
    void producer.flush();
    await clock.advance(2_000);
    expect(client.open.length).toBe(0);
    await clock.advance(500);
    ok(client.puts()[1]!);
    await settle();
    expect(write.settled).toBe(true);
    expect(producer.metrics().recordsPossiblyDuplicated).toBe(1);
  });
});

describe("KinesisProducer buffer bound", () => {
  test("hasRoom turns false at the bound, writes wait in order, and room returns on acknowledgement", async () => {
    const { client, producer } = setup({ maxBufferedBytes: 30 });
    const first = watch(producer.write([rec("aaaaaaaaa"), rec("bbbbbbbbb")])); // 20 bytes
    expect(producer.hasRoom(10)).toBe(true);
    expect(producer.hasRoom(11)).toBe(false);
    const second = watch(producer.write([rec("ccccccccccccccccccc")])); // 20 bytes: waits
    expect(producer.hasRoom(1)).toBe(false);
    const third = watch(producer.write([rec("d")])); // would fit, but must not overtake
    expect(producer.metrics()).toMatchObject({ waitingWrites: 2, bufferedBytes: 20 });
    void producer.flush();
    ok(client.puts()[0]!);
    await settle();
    expect(first.settled).toBe(true);
    expect(second.settled || third.settled).toBe(false);
    expect(producer.metrics()).toMatchObject({ waitingWrites: 0, bufferedBytes: 22 });
    expect(client.puts()[1]!.texts).toEqual(["ccccccccccccccccccc", "d"]);
    ok(client.puts()[1]!);
    await settle();
    expect(second.settled && third.settled).toBe(true);
    expect(producer.hasRoom(30)).toBe(true);
  });

  test("a record over 1 MiB with its key is refused, and nothing of its call is buffered", async () => {
    const { producer } = setup();
    const big = { data: new Uint8Array(1024 * 1024 - 1), partitionKey: "kk" };
    const error = await producer.write([rec("fine"), big]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecordSinkError);
    expect((error as RecordSinkError).kind).toBe("record-too-large");
    expect(producer.metrics().bufferedRecords).toBe(0);
    void producer.write([{ data: new Uint8Array(1024 * 1024 - 2), partitionKey: "kk" }]);
    expect(producer.metrics().bufferedRecords).toBe(1);
  });

  test("a partition key Kinesis would refuse is a caller's bug: RangeError", async () => {
    const { producer } = setup();
    await expect(producer.write([rec("x", "")])).rejects.toBeInstanceOf(RangeError);
    await expect(producer.write([rec("x", "k".repeat(257))])).rejects.toBeInstanceOf(RangeError);
    expect(producer.metrics().bufferedRecords).toBe(0);
  });
});

describe("KinesisProducer ordering", () => {
  test("with several calls in flight, records of a busy key wait for their predecessor", async () => {
    const { client, producer } = setup({ maxInFlightRequests: 2 });
    void producer.write([rec("a1", "a")]);
    void producer.flush();
    void producer.write([rec("a2", "a"), rec("b1", "b")]);
    void producer.flush();
    expect(client.puts().map((c) => c.texts)).toEqual([["a1"], ["b1"]]);
    ok(client.puts()[1]!);
    await settle();
    expect(client.puts().length).toBe(2);
    ok(client.puts()[0]!);
    await settle();
    expect(client.puts()[2]!.texts).toEqual(["a2"]);
  });
});

describe("KinesisProducer health check", () => {
  test("checks the stream with DescribeStreamSummary when no write proved it, every interval", async () => {
    const { clock, client, producer } = setup({ healthCheckIntervalMs: 1_000 });
    await clock.advance(0);
    const describes = () => client.calls.filter((c) => c.command instanceof DescribeStreamSummaryCommand);
    describes()[0]!.answer({ StreamDescriptionSummary: { StreamStatus: "DELETING" } });
    await settle();
    expect(producer.isHealthy()).toBe(false);
    await clock.advance(1_000);
    describes()[1]!.answer({ StreamDescriptionSummary: { StreamStatus: "ACTIVE" } });
    await settle();
    expect(producer.isHealthy()).toBe(true);
    await clock.advance(1_000);
    describes()[2]!.fail(awsError("LimitExceededException", 400));
    await settle();
    expect(producer.isHealthy()).toBe(true); // a throttled check changes nothing
    // A PutRecords answer within the interval makes the check unnecessary.
    await clock.advance(500);
    void producer.write([rec("w")]);
    void producer.flush();
    ok(client.puts()[0]!);
    await clock.advance(500);
    expect(describes().length).toBe(3);
    await clock.advance(1_000);
    expect(describes().length).toBe(4);
    describes()[3]!.fail(networkError("ECONNREFUSED"));
    await settle();
    expect(producer.isHealthy()).toBe(false);
    await producer.close();
    expect(clock.timers.size).toBe(0);
  });
});

describe("KinesisProducer close", () => {
  test("flushes, waits for acknowledgement, then refuses writes and leaves no timer", async () => {
    const { clock, client, producer } = setup();
    const write = watch(producer.write([rec("last")]));
    const closed = watch(producer.close());
    expect(client.puts().length).toBe(1);
    expect(producer.hasRoom(1)).toBe(false);
    const late = await producer.write([rec("late")]).catch((e: unknown) => e);
    expect((late as RecordSinkError).kind).toBe("closed");
    client.puts()[0]!.fail(awsError("ProvisionedThroughputExceededException", 400));
    await clock.advance(500);
    ok(client.puts()[1]!);
    await settle();
    expect(write.settled && closed.settled).toBe(true);
    expect(clock.foreground()).toBe(0);
    expect(clock.timers.size).toBe(0);
  });
});
