/** @module Tests of the tp1 adapter. */
import { describe, expect, test } from "bun:test";
import { testResolver } from "../../../../test/support/enrich-test-resolver.ts";
import { adapterPayload, nvps, paramsOf } from "../test-records.test-support.ts";
import { tp1Adapter } from "./tp1.ts";

const context = { resolver: testResolver(), maxJsonDepth: 50 };

describe("tp1Adapter", () => {
  test("one event from the querystring, with the request's context", () => {
    const payload = adapterPayload({
      querystring: nvps({ e: "pv", url: "https://x/", x: null }),
      refererUri: "https://r/",
    });
    const r = tp1Adapter.toRawEvents(payload, context);
    if (r instanceof Promise || !r.ok) throw new Error("expected events");
    expect(r.value.length).toBe(1);
    expect(paramsOf(r.value[0])).toEqual({ e: "pv", url: "https://x/", x: null });
    expect(r.value[0]).toMatchObject({
      vendor: "com.snowplowanalytics.snowplow",
      version: "tp1",
      loaderName: "ssc-3.4.0-kinesis",
      refererUri: "https://r/",
      userId: payload.networkUserId,
      ipAddress: "203.0.113.7",
    });
  });

  test("an empty querystring is a failure, worded as in Enrich", () => {
    expect(tp1Adapter.toRawEvents(adapterPayload(), context)).toEqual({
      ok: false,
      error: [
        {
          kind: "InputData",
          field: "querystring",
          value: null,
          expectation: "empty querystring: not a valid URI redirect",
        },
      ],
    });
  });
});
