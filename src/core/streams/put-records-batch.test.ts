/** @module Tests for cutting PutRecords requests: Kinesis limits, order per partition key, busy keys. */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { COLLECTOR_FLUSH_POLICY, requestLimits } from "./flush-policy.ts";
import {
  cutPutRecordsRequest,
  KINESIS_PUT_RECORDS_LIMITS,
  partitionKeyProblem,
  type RequestLimits,
  recordBytes,
  type SizedRecord,
  utf8Length,
} from "./put-records-batch.ts";

interface Queued extends SizedRecord {
  readonly id: number;
}

const KINESIS: RequestLimits = requestLimits({
  recordLimit: 500,
  byteLimit: 5 * 1024 * 1024,
  timeLimitMs: 0,
});
const MiB = 1024 * 1024;

const queued = (id: number, partitionKey: string, bytes: number): Queued => ({ id, partitionKey, bytes });

/** Queues of records over a few keys, sizes mostly small with some near the 1 MiB record limit. */
const queueArb: fc.Arbitrary<Queued[]> = fc
  .array(
    fc.record({
      key: fc.constantFrom("a", "b", "c", "d", "e"),
      bytes: fc.oneof(
        { weight: 8, arbitrary: fc.integer({ min: 1, max: 20_000 }) },
        { weight: 1, arbitrary: fc.integer({ min: 900_000, max: MiB }) },
      ),
    }),
    // "max": fast-check's default size would keep queues near 10 records, below every limit.
    { maxLength: 1_500, size: "max" },
  )
  .map((rows) => rows.map((r, id) => queued(id, r.key, r.bytes)));

const limitsArb: fc.Arbitrary<RequestLimits> = fc.oneof(
  fc.constant(KINESIS),
  fc.constant(requestLimits(COLLECTOR_FLUSH_POLICY)),
  // Any flush policy, clamped to Kinesis by requestLimits as the producer does.
  fc
    .record({
      recordLimit: fc.integer({ min: 1, max: 600 }),
      byteLimit: fc.integer({ min: 1, max: 6 * MiB }),
    })
    .map((p) => requestLimits({ ...p, timeLimitMs: 0 })),
);

const byKey = (records: readonly Queued[]): Map<string, number[]> => {
  const out = new Map<string, number[]>();
  for (const r of records) out.set(r.partitionKey, [...(out.get(r.partitionKey) ?? []), r.id]);
  return out;
};

/** Checks one request against `limits` (a lone oversized record may make a request of its own). */
const withinLimits = (request: readonly Queued[], limits: RequestLimits): boolean => {
  const bytes = request.reduce((sum, r) => sum + r.bytes, 0);
  return (
    request.length <= limits.maxRecords &&
    request.length <= KINESIS_PUT_RECORDS_LIMITS.maxRecordsPerRequest &&
    (bytes <= limits.maxBytes || request.length === 1) &&
    bytes <= KINESIS_PUT_RECORDS_LIMITS.maxBytesPerRequest
  );
};

describe("cutPutRecordsRequest", () => {
  test("takes up to 500 records", () => {
    const queue = Array.from({ length: 1_200 }, (_, i) => queued(i, `k${i}`, 100));
    const first = cutPutRecordsRequest(queue, 0, KINESIS);
    expect(first.request.length).toBe(500);
    expect(first.end).toBe(500);
    expect(first.held).toEqual([]);
    expect(cutPutRecordsRequest(queue, 1_000, KINESIS).request.map((r) => r.id)).toEqual(
      queue.slice(1_000).map((r) => r.id),
    );
  });

  test("stops before the record that would pass 5 MiB, without packing later smaller ones", () => {
    const queue = [
      queued(0, "a", 2 * MiB),
      queued(1, "a", 2 * MiB),
      queued(2, "b", MiB + 1),
      queued(3, "c", 1),
    ];
    const cut = cutPutRecordsRequest(queue, 0, KINESIS);
    expect(cut.request.map((r) => r.id)).toEqual([0, 1]);
    expect(cut.end).toBe(2);
  });

  test("a record bigger than a tight byte limit still goes, alone", () => {
    const queue = [queued(0, "a", 800), queued(1, "a", 100)];
    const cut = cutPutRecordsRequest(queue, 0, { maxRecords: 500, maxBytes: 500 });
    expect(cut.request.map((r) => r.id)).toEqual([0]);
  });

  test("holds records of busy keys, keeping their order, and sends the others", () => {
    const queue = [queued(0, "a", 1), queued(1, "b", 1), queued(2, "a", 1), queued(3, "c", 1)];
    const cut = cutPutRecordsRequest(queue, 0, KINESIS, new Set(["a"]));
    expect(cut.request.map((r) => r.id)).toEqual([1, 3]);
    expect(cut.held.map((r) => r.id)).toEqual([0, 2]);
    expect(cut.end).toBe(4);
  });

  test("scans at most lookAhead records", () => {
    const queue = Array.from({ length: 100 }, (_, i) => queued(i, "busy", 1));
    const cut = cutPutRecordsRequest(queue, 10, KINESIS, new Set(["busy"]), 20);
    expect(cut.request).toEqual([]);
    expect(cut.held.length).toBe(20);
    expect(cut.end).toBe(30);
  });

  test("property: cut after cut, requests stay within limits and resend the queue exactly in order", () => {
    fc.assert(
      fc.property(queueArb, limitsArb, (queue, limits) => {
        const sent: Queued[] = [];
        let start = 0;
        while (start < queue.length) {
          const cut = cutPutRecordsRequest(queue, start, limits);
          expect(cut.request.length).toBeGreaterThan(0);
          expect(withinLimits(cut.request, limits)).toBe(true);
          sent.push(...cut.request);
          start = cut.end;
        }
        expect(sent.map((r) => r.id)).toEqual(queue.map((r) => r.id));
      }),
      { numRuns: 200 },
    );
  });

  test("property: with concurrent requests in flight, each key's records are applied in queue order", () => {
    // A scheduler: each step either cuts a request (busy = keys in flight) or completes a random
    // in-flight request, which "applies" its records in order. Requests may complete in any order.
    const stepsArb = fc.array(fc.tuple(fc.boolean(), fc.nat(), fc.nat({ max: 50 })), { maxLength: 400 });
    fc.assert(
      fc.property(queueArb, limitsArb, stepsArb, (original, limits, steps) => {
        let queue = [...original];
        const inFlight: Queued[][] = [];
        const applied: Queued[] = [];
        const busy = () => new Set(inFlight.flatMap((r) => r.map((q) => q.partitionKey)));
        const cut = (lookAhead: number) => {
          const c = cutPutRecordsRequest(queue, 0, limits, busy(), lookAhead);
          expect(c.end).toBeLessThanOrEqual(lookAhead);
          expect(withinLimits(c.request, limits)).toBe(true);
          queue = [...c.held, ...queue.slice(c.end)];
          if (c.request.length > 0) inFlight.push(c.request);
        };
        const complete = (which: number) => {
          const [request] = inFlight.splice(which % inFlight.length, 1);
          applied.push(...request!);
        };
        for (const [send, which, lookAhead] of steps) {
          if (send || inFlight.length === 0) cut(lookAhead + 1);
          else complete(which);
        }
        while (queue.length > 0 || inFlight.length > 0) {
          if (inFlight.length > 0) complete(0);
          else cut(Number.POSITIVE_INFINITY);
        }
        expect(applied.length).toBe(original.length);
        expect(byKey(applied)).toEqual(byKey(original));
      }),
      { numRuns: 200 },
    );
  });
});

describe("record size", () => {
  test("utf8Length agrees with TextEncoder, lone surrogates included", () => {
    const encoder = new TextEncoder();
    const codeUnits = fc
      .array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 40 })
      .map((units) => String.fromCharCode(...units));
    // Built from code points rather than fc.string({ unit: "binary" }), which is slow under Bun.
    const codePoints = fc
      .array(fc.integer({ min: 0, max: 0x10ffff }), { maxLength: 40 })
      .map((points) => String.fromCodePoint(...points));
    fc.assert(
      fc.property(fc.oneof(codePoints, codeUnits), (text) => {
        expect(utf8Length(text)).toBe(encoder.encode(text).length);
      }),
      { numRuns: 200 },
    );
  });

  test("recordBytes counts data and the partition key's UTF-8 bytes", () => {
    expect(recordBytes({ data: new Uint8Array(10), partitionKey: "ab" })).toBe(12);
    expect(recordBytes({ data: new Uint8Array(0), partitionKey: "é😀" })).toBe(6);
  });

  test("partitionKeyProblem refuses empty keys and keys over 256 characters", () => {
    expect(partitionKeyProblem("")).not.toBeNull();
    expect(partitionKeyProblem("k".repeat(257))).not.toBeNull();
    expect(partitionKeyProblem("k".repeat(256))).toBeNull();
    expect(partitionKeyProblem("203.0.113.7")).toBeNull();
  });
});
