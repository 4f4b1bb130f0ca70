/** @module Tests of size_violation rows: libthrift's toString text and the bad row JSON. */
import { describe, expect, test } from "bun:test";
import { processor } from "../badrows/processor.ts";
import { collectorPayloadText, oversizedPayloadRecord } from "./size-violation.ts";

describe("collectorPayloadText", () => {
  test("prints the default-requiredness fields always and optional ones when set", () => {
    expect(collectorPayloadText({ timestamp: 0 })).toBe(
      "CollectorPayload(schema:null, ipAddress:null, timestamp:0, encoding:null, collector:null)",
    );
    expect(
      collectorPayloadText({
        schema: "iglu:s",
        ipAddress: "1.2.3.4",
        timestamp: 5,
        encoding: "UTF-8",
        collector: "c",
        userAgent: "ua",
        refererUri: "r",
        path: "/i",
        querystring: "q",
        body: "b",
        headers: ["A: 1", "B: 2"],
        contentType: "ct",
        hostname: "h",
        networkUserId: "n",
      }),
    ).toBe(
      "CollectorPayload(schema:iglu:s, ipAddress:1.2.3.4, timestamp:5, encoding:UTF-8, collector:c, userAgent:ua, " +
        "refererUri:r, path:/i, querystring:q, body:b, headers:[A: 1, B: 2], contentType:ct, hostname:h, networkUserId:n)",
    );
  });

  test("cuts the text to the limit", () => {
    expect(collectorPayloadText({ timestamp: 0, body: "s".repeat(1000) }, 10)).toBe("CollectorP");
    expect(collectorPayloadText({ timestamp: 0, body: "s".repeat(1000) }, 100)).toBe(
      "CollectorPayload(schema:null, ipAddress:null, timestamp:0, encoding:null, collector:null, body:sssss",
    );
  });
});

describe("oversizedPayloadRecord", () => {
  test("is a size_violation 1-0-0 row in UTF-8 JSON", () => {
    const bytes = oversizedPayloadRecord(
      processor("furrow-collector", "0.1.0"),
      {
        payload: { timestamp: 0 },
        actualSizeBytes: 1019,
        maximumAllowedSizeBytes: 100,
        reason: "GET requests cannot be split",
      },
      Date.UTC(2024, 0, 2, 3, 4, 5),
    );
    expect(JSON.parse(new TextDecoder().decode(bytes))).toEqual({
      schema: "iglu:com.snowplowanalytics.snowplow.badrows/size_violation/jsonschema/1-0-0",
      data: {
        processor: { artifact: "furrow-collector", version: "0.1.0" },
        failure: {
          timestamp: "2024-01-02T03:04:05Z",
          maximumAllowedSizeBytes: 100,
          actualSizeBytes: 1019,
          expectation: "oversized collector payload: GET requests cannot be split",
        },
        payload: "CollectorP",
      },
    });
  });
});
