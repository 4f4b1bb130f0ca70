/** @module Tests for bad-row payloads: member order, nulls, and Joda-style timestamps. */
import { describe, expect, test } from "bun:test";
import {
  type CollectorPayload,
  collectorPayloadJson,
  enrichmentPayloadJson,
  type RawEvent,
  rawEventJson,
} from "./payload.ts";

const bare: CollectorPayload = {
  vendor: "com.snowplowanalytics.snowplow",
  version: "tp1",
  querystring: [{ name: "e", value: "pv" }],
  contentType: null,
  body: null,
  collector: "furrow-collector-0.1.0",
  encoding: "UTF-8",
  hostname: null,
  timestamp: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)),
  ipAddress: null,
  useragent: null,
  refererUri: null,
  headers: [],
  networkUserId: null,
};

const raw: RawEvent = {
  vendor: "com.snowplowanalytics.snowplow",
  version: "tp2",
  parameters: [{ name: "e", value: null }],
  contentType: null,
  loaderName: "thrift",
  encoding: "UTF-8",
  hostname: null,
  timestamp: null,
  ipAddress: null,
  useragent: null,
  refererUri: null,
  headers: ["Host: x"],
  userId: null,
};

describe("collectorPayloadJson", () => {
  test("writes snowplow-badrows' member order with nulls kept", () => {
    expect(JSON.stringify(collectorPayloadJson(bare))).toBe(
      '{"vendor":"com.snowplowanalytics.snowplow","version":"tp1","querystring":[{"name":"e","value":"pv"}],' +
        '"contentType":null,"body":null,"collector":"furrow-collector-0.1.0","encoding":"UTF-8","hostname":null,' +
        '"timestamp":"2024-01-02T03:04:05.000Z","ipAddress":null,"useragent":null,"refererUri":null,"headers":[],' +
        '"networkUserId":null}',
    );
  });

  test("a missing timestamp is null", () => {
    expect(collectorPayloadJson({ ...bare, timestamp: null })["timestamp"]).toBe(null);
  });

  test("a year RFC 3339 cannot write is null (found by fuzzing)", () => {
    const at = (ms: number) => collectorPayloadJson({ ...bare, timestamp: new Date(ms) })["timestamp"];
    expect(at(253402300799999)).toBe("9999-12-31T23:59:59.999Z");
    expect(at(253402300800000)).toBe(null);
    expect(at(-62167219200001)).toBe(null);
    expect(at(Number.NaN)).toBe(null);
  });
});

describe("rawEventJson and enrichmentPayloadJson", () => {
  test("write the raw event's members in order", () => {
    expect(Object.keys(rawEventJson(raw))).toEqual([
      "vendor",
      "version",
      "parameters",
      "contentType",
      "loaderName",
      "encoding",
      "hostname",
      "timestamp",
      "ipAddress",
      "useragent",
      "refererUri",
      "headers",
      "userId",
    ]);
    expect(rawEventJson(raw)["parameters"]).toEqual([{ name: "e", value: null }]);
  });

  test("enriched comes before raw", () => {
    const out = enrichmentPayloadJson({ enriched: { event: "page_view" }, raw });
    expect(Object.keys(out)).toEqual(["enriched", "raw"]);
    expect((out["enriched"] as Record<string, unknown>)["event"]).toBe("page_view");
  });
});
