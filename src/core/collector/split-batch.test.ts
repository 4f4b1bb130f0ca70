/** @module Tests of splitting oversized payloads, with the vectors of Snowplow's SplitBatchSpec. */
import { describe, expect, test } from "bun:test";
import { type Processor, processor } from "../badrows/processor.ts";
import { type CollectorPayload, decodeCollectorPayload } from "../thrift/collector-payload.ts";
import { serializeCollectorPayload, splitEvents } from "./split-batch.ts";

const PROCESSOR: Processor = processor("furrow-collector", "0.1.0");
const NOW = Date.UTC(2024, 0, 2);
const SIZE_VIOLATION_SCHEMA = "iglu:com.snowplowanalytics.snowplow.badrows/size_violation/jsonschema/1-0-0";

/** Snowplow measures each event as compact JSON (`Json.fromString("a").noSpaces` is `"a"`, 3 bytes). */
const jsonSize = (s: string) => JSON.stringify(s).length;

const decode = (bytes: Uint8Array): CollectorPayload => {
  const r = decodeCollectorPayload(bytes);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

interface SizeViolationJson {
  data: {
    processor: { artifact: string; version: string };
    failure: { maximumAllowedSizeBytes: number; actualSizeBytes: number; expectation: string };
    payload: string;
  };
}
const badRow = (bytes: Uint8Array) => JSON.parse(new TextDecoder().decode(bytes)) as SizeViolationJson;

describe("splitEvents (SplitBatch.split)", () => {
  test("batches by size, last batch and last event first", () => {
    expect(splitEvents(["a", "b", "c"], jsonSize, 9, 1)).toEqual({
      batches: [["c"], ["b", "a"]],
      tooLarge: [],
    });
  });

  test("sets aside only the events too big on their own", () => {
    expect(splitEvents(["1234567", "1", "123"], jsonSize, 8, 0)).toEqual({
      batches: [["123", "1"]],
      tooLarge: ["1234567"],
    });
  });

  test("batches a long list", () => {
    const input = [
      "123456778901",
      "123456789",
      "12345678",
      "1234567",
      "123456",
      "12345",
      "1234",
      "123",
      "12",
      "1",
    ];
    expect(splitEvents(input, jsonSize, 13, 0)).toEqual({
      batches: [["1", "12", "123"], ["1234", "12345"], ["123456"], ["1234567"], ["12345678"], ["123456789"]],
      tooLarge: ["123456778901"],
    });
  });
});

describe("serializeCollectorPayload (SplitBatch.splitAndSerializePayload)", () => {
  const limits = (maxBytes: number, maxPayloadSize: number) => ({ maxBytes, maxPayloadSize });

  test("a payload under the limit is one record", () => {
    const out = serializeCollectorPayload({ timestamp: 0 }, limits(100, 101), PROCESSOR, NOW);
    expect(out.bad).toEqual([]);
    expect(out.good.map(decode)).toEqual([{ timestamp: 0 }]);
  });

  test("an oversized GET cannot be split", () => {
    const out = serializeCollectorPayload(
      { timestamp: 0, querystring: "x".repeat(1000) },
      limits(100, 1020),
      PROCESSOR,
      NOW,
    );
    expect(out.good).toEqual([]);
    const row = badRow(out.bad[0]!);
    expect(row.data.failure.maximumAllowedSizeBytes).toBe(100);
    expect(row.data.failure.actualSizeBytes).toBe(1019);
    expect(row.data.failure.expectation).toBe("oversized collector payload: GET requests cannot be split");
    expect(row.data.payload).toBe("CollectorP");
    expect(row.data.processor).toEqual({ artifact: "furrow-collector", version: "0.1.0" });
  });

  test("a payload past maxPayloadSize is never split", () => {
    const out = serializeCollectorPayload(
      { timestamp: 0, body: "s".repeat(1010) },
      limits(1000, 1000),
      PROCESSOR,
      NOW,
    );
    const row = badRow(out.bad[0]!);
    expect(row.data.failure.maximumAllowedSizeBytes).toBe(1000);
    expect(row.data.failure.actualSizeBytes).toBe(1029);
    expect(row.data.failure.expectation).toBe(
      "oversized collector payload: Payload exceeds max size of 1000. Actual length: 1029",
    );
    expect(row.data.payload).toBe(
      "CollectorPayload(schema:null, ipAddress:null, timestamp:0, encoding:null, collector:null, body:sssss",
    );
  });

  test("a body that is not JSON cannot be split", () => {
    const out = serializeCollectorPayload(
      { timestamp: 0, body: "s".repeat(1000) },
      limits(100, 1020),
      PROCESSOR,
      NOW,
    );
    const row = badRow(out.bad[0]!);
    expect(row.data.failure.actualSizeBytes).toBe(1019);
    expect(row.data.failure.expectation).toMatch(
      /^oversized collector payload: cannot split POST requests which are not json /,
    );
    expect(row.data.payload).toBe("CollectorP");
  });

  test("a body that is not self-describing cannot be split", () => {
    const body = JSON.stringify({
      schema: "s",
      data: [
        { e: "se", tv: "js" },
        { e: "se", tv: "js" },
      ],
    });
    const out = serializeCollectorPayload(
      { timestamp: 0, body, path: "p".repeat(1000) },
      limits(1000, 2000),
      PROCESSOR,
      NOW,
    );
    expect(out.bad.length).toBe(1);
    const row = badRow(out.bad[0]!);
    expect(row.data.failure.maximumAllowedSizeBytes).toBe(1000);
    expect(row.data.failure.actualSizeBytes).toBe(1091);
    expect(row.data.failure.expectation).toBe(
      "oversized collector payload: cannot split POST requests which are not self-describing Invalid Iglu URI: s, code: INVALID_IGLUURI",
    );
    expect(row.data.payload).toBe(
      "CollectorPayload(schema:null, ipAddress:null, timestamp:0, encoding:null, collector:null, path:ppppp",
    );
  });

  test("a body without a data array cannot be split", () => {
    const body = JSON.stringify({ schema: SIZE_VIOLATION_SCHEMA, data: { e: "pv" } });
    const out = serializeCollectorPayload(
      { timestamp: 0, body: body + " ".repeat(200) },
      limits(100, 2000),
      PROCESSOR,
      NOW,
    );
    expect(badRow(out.bad[0]!).data.failure.expectation).toBe(
      "oversized collector payload: cannot split POST requests which do not contain a data array",
    );
  });

  test("a payload too big even without its events cannot be split", () => {
    const body = JSON.stringify({ schema: SIZE_VIOLATION_SCHEMA, data: [{ e: "pv" }] });
    const out = serializeCollectorPayload(
      { timestamp: 0, body, path: "p".repeat(1000) },
      limits(1000, 5000),
      PROCESSOR,
      NOW,
    );
    expect(badRow(out.bad[0]!).data.failure.expectation).toBe(
      'oversized collector payload: cannot split this POST request because event without "data" field is still too big',
    );
  });

  test("splits three large and four very large events into two records and four bad rows", () => {
    const events = [
      { e: "se", tv: "x".repeat(600) },
      { e: "se", tv: "x".repeat(5) },
      { e: "se", tv: "x".repeat(600) },
      { e: "se", tv: "y".repeat(1000) },
      { e: "se", tv: "y".repeat(1000) },
      { e: "se", tv: "y".repeat(1000) },
      { e: "se", tv: "y".repeat(1000) },
    ];
    const payload: CollectorPayload = {
      timestamp: 7,
      path: "/com.snowplowanalytics.snowplow/tp2",
      body: JSON.stringify({ schema: SIZE_VIOLATION_SCHEMA, data: events }),
    };
    const out = serializeCollectorPayload(payload, limits(1000, 10_000), PROCESSOR, NOW);
    expect(out.bad.length).toBe(4);
    expect(out.good.length).toBe(2);
    for (const r of out.bad) {
      const row = badRow(r);
      expect(row.data.failure.expectation).toBe(
        "oversized collector payload: this POST request split is still too large",
      );
      expect(row.data.failure.actualSizeBytes).toBe(JSON.stringify(events[3]).length);
      expect(row.data.failure.maximumAllowedSizeBytes).toBe(1000);
    }
    // Every small event survives, each batch is the original payload with a smaller body, and the
    // order is Snowplow's: last batch first, events inside each batch reversed.
    const bodies = out.good.map((r) => {
      const p = decode(r);
      expect(r.length).toBeLessThanOrEqual(1001);
      expect({ ...p, body: undefined }).toEqual({ ...payload, body: undefined });
      return JSON.parse(p.body!) as { schema: string; data: { tv: string }[] };
    });
    expect(bodies.every((b) => b.schema === SIZE_VIOLATION_SCHEMA)).toBe(true);
    expect(bodies.map((b) => b.data.map((e) => e.tv.length))).toEqual([[600], [5, 600]]);
  });
});
