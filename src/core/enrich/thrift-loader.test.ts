/** @module Tests of loading raw records (Enrich's ThriftLoader). */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { sharedDir, sharedMissing } from "../../../test/support/shared.ts";
import { badRowJson } from "../badrows/bad-row.ts";
import { decodeBase64, encodeBase64 } from "../thrift/base64.ts";
import { encodeCollectorPayload } from "../thrift/collector-payload.ts";
import { parseThriftVectors } from "../thrift/thrift-vectors.test-support.ts";
import { collectorPayload, NUID, TEST_PROCESSOR } from "./test-records.test-support.ts";
import { charsetDecoder, loadCollectorPayload, parseApiPath } from "./thrift-loader.ts";

const etl = new Date(1718000100000);
const load = (bytes: Uint8Array) => loadCollectorPayload(bytes, TEST_PROCESSOR, etl);
const messages = (bytes: Uint8Array) => {
  const r = load(bytes);
  if (r.ok) throw new Error("expected a violation");
  return r.error.map((row) => (badRowJson(row).data["failure"] as { message: unknown }).message);
};

describe("parseApiPath", () => {
  test("reads (/)vendor/version(/) and the legacy pixels", () => {
    expect(parseApiPath("/com.snowplowanalytics.snowplow/tp2")).toEqual({
      ok: true,
      value: { vendor: "com.snowplowanalytics.snowplow", version: "tp2" },
    });
    expect(parseApiPath("r/tp2/")).toEqual({ ok: true, value: { vendor: "r", version: "tp2" } });
    for (const legacy of ["/i", "/i?e=pv", "/ice.png", "/ice.png?x=1"]) {
      expect(parseApiPath(legacy)).toEqual({
        ok: true,
        value: { vendor: "com.snowplowanalytics.snowplow", version: "tp1" },
      });
    }
  });

  test("rejects anything else with Enrich's message", () => {
    for (const path of ["/", "/a/b/c", "/index.html", "//a/b"]) {
      expect(parseApiPath(path)).toEqual({
        ok: false,
        error: {
          kind: "CPFormatInputData",
          payloadField: "path",
          value: path,
          expectation: "path does not match (/)vendor/version(/) nor is a legacy /i(ce.png) request",
        },
      });
    }
  });
});

describe("loadCollectorPayload", () => {
  test("gives adapters the request, its querystring decoded and its IP from X-Forwarded-For", () => {
    const bytes = encodeCollectorPayload(
      collectorPayload({
        querystring: "e=pv&page=Caf%C3%A9",
        headers: ["X-Forwarded-For: 198.51.100.1, 10.0.0.1"],
        networkUserId: NUID.toUpperCase(),
      }),
    );
    const r = load(bytes);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({
      vendor: "com.snowplowanalytics.snowplow",
      version: "tp1",
      querystring: [
        { name: "e", value: "pv" },
        { name: "page", value: "Café" },
      ],
      collector: "ssc-3.4.0-kinesis",
      encoding: "UTF-8",
      ipAddress: "198.51.100.1",
      networkUserId: NUID,
      contentType: null,
      body: null,
    });
    expect(r.value.timestamp?.getTime()).toBe(1718000000500);
  });

  test("a corrupt record is one Fallback violation with the record as base64 payload", () => {
    const bytes = encodeCollectorPayload(collectorPayload()).subarray(0, 40);
    const r = load(bytes);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.length).toBe(1);
    const data = badRowJson(r.error[0]).data;
    expect(data["payload"]).toBe(encodeBase64(bytes));
    expect(data["failure"]).toEqual({
      timestamp: "2024-06-10T06:15:00Z",
      loader: "thrift",
      message: { error: "error deserializing raw event: Reached end of bytes when parsing as thrift format" },
    });
  });

  test("an unknown or missing charset is a Fallback violation", () => {
    expect(messages(encodeCollectorPayload(collectorPayload({ encoding: "no-such-charset" })))).toEqual([
      { error: "error deserializing raw event: no-such-charset" },
    ]);
    expect(messages(encodeCollectorPayload(collectorPayload({ encoding: undefined })))).toEqual([
      { error: "error deserializing raw event: Null charset name" },
    ]);
    expect(charsetDecoder("ISO-8859-1").ok).toBe(true);
  });

  test("reports each problem as its own row, in Enrich's order", () => {
    const bytes = encodeCollectorPayload(
      collectorPayload({
        querystring: "a=b c",
        path: "/not/a/valid/path",
        networkUserId: "not-a-uuid",
        schema: "iglu:com.snowplowanalytics.snowplow/CollectorPayload/thrift/2-0-0",
      }),
    );
    expect(messages(bytes)).toEqual([
      {
        payloadField: "querystring",
        value: "a=b c",
        expectation:
          "could not extract name-value pairs from querystring with encoding UTF-8: Illegal character in query at index 21: http://localhost/?a=b c",
      },
      {
        payloadField: "path",
        value: "/not/a/valid/path",
        expectation: "path does not match (/)vendor/version(/) nor is a legacy /i(ce.png) request",
      },
      { payloadField: "networkUserId", value: "not-a-uuid", expectation: "not valid UUID" },
      {
        error:
          "verifying record as iglu:com.snowplowanalytics.snowplow/CollectorPayload/thrift/1-0-* failed: found iglu:com.snowplowanalytics.snowplow/CollectorPayload/thrift/2-0-0",
      },
    ]);
  });

  test("a record without a path or schema is a violation", () => {
    expect(
      messages(encodeCollectorPayload(collectorPayload({ path: undefined, schema: undefined }))),
    ).toEqual([
      { payloadField: "path", value: null, expectation: "request does not contain a path" },
      {
        error:
          "verifying record as iglu:com.snowplowanalytics.snowplow/CollectorPayload/thrift/1-0-* failed: found null",
      },
    ]);
  });

  test("ignores bytes after the struct, as libthrift does", () => {
    const bytes = encodeCollectorPayload(collectorPayload({ querystring: "e=pv" }));
    const longer = new Uint8Array([...bytes, 1, 2, 3]);
    expect(load(longer).ok).toBe(true);
  });

  const title = "reads Snowplow's own test vectors";
  test.skipIf(!sharedDir)(sharedDir ? title : sharedMissing(title), () => {
    const vectors = parseThriftVectors(readFileSync(`${sharedDir}/reference/thrift-vectors.md`, "utf8"));
    const v1 = vectors.find((v) => v.name === "V1")!;
    const bytes = decodeBase64(v1.base64);
    if (!bytes.ok) throw new Error(bytes.error.message);
    const r = load(bytes.value);
    expect(r.ok && r.value.querystring).toEqual([
      { name: "testParam", value: "3" },
      { name: "testParam2", value: "4" },
    ]);
    const v3 = vectors.find((v) => v.name === "V3")!;
    const bad = decodeBase64(v3.base64);
    if (!bad.ok) throw new Error(bad.error.message);
    expect(messages(bad.value)).toEqual([
      {
        error:
          "verifying record as iglu:com.snowplowanalytics.snowplow/CollectorPayload/thrift/1-0-* failed: found iglu:com.snowplowanalytics.snowplow/wrong-schema/thrift/1-0-0",
      },
    ]);
  });
});
