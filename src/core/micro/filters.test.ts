/** @module The filter bodies of Micro's POST /micro/good and /micro/bad, and failure messages in words. */
import { describe, expect, test } from "bun:test";
import { messageText, readBadRow } from "./bad-row-reading.ts";
import { parseBadFilters, parseGoodFilters } from "./filters.ts";

describe("parseGoodFilters", () => {
  test("reads every member, ignores unknown ones, and takes an empty body as no filter", () => {
    expect(
      parseGoodFilters(
        JSON.stringify({
          event_type: "page_view",
          schema: "iglu:a/b/jsonschema/1-0-0",
          contexts: ["c"],
          limit: 3,
          x: 1,
        }),
      ),
    ).toEqual({
      ok: true,
      value: { event_type: "page_view", schema: "iglu:a/b/jsonschema/1-0-0", contexts: ["c"], limit: 3 },
    });
    expect(parseGoodFilters("")).toEqual({ ok: true, value: {} });
    expect(parseGoodFilters('{"schema": null}')).toEqual({ ok: true, value: {} });
  });

  test("refuses what Micro's decoder refuses", () => {
    expect(parseGoodFilters("{")).toMatchObject({ ok: false });
    expect(parseGoodFilters("[]")).toEqual({ ok: false, error: "the body must be a JSON object" });
    expect(parseGoodFilters('{"limit": -1}')).toEqual({
      ok: false,
      error: "limit must be a non-negative integer",
    });
    expect(parseGoodFilters('{"contexts": "c"}')).toEqual({
      ok: false,
      error: "contexts must be an array of strings",
    });
    expect(parseGoodFilters('{"event_type": 5}')).toEqual({
      ok: false,
      error: "event_type must be a string",
    });
  });
});

describe("parseBadFilters", () => {
  test("reads vendor, version and limit", () => {
    expect(parseBadFilters('{"vendor": "com.acme", "version": "v1", "limit": 2}')).toEqual({
      ok: true,
      value: { vendor: "com.acme", version: "v1", limit: 2 },
    });
    expect(parseBadFilters('{"limit": 1.5}')).toMatchObject({ ok: false });
  });
});

describe("messageText", () => {
  test("puts each kind of failure message in one line", () => {
    expect(messageText({ field: "tid", value: "x", expectation: "not an integer" })).toBe(
      "tid: not an integer (value: x)",
    );
    expect(
      messageText({
        schemaKey: "iglu:a/b/jsonschema/1-0-0",
        error: { error: "ValidationError", dataReports: [{ message: "$.x: is missing", path: "$" }] },
      }),
    ).toBe("iglu:a/b/jsonschema/1-0-0: invalid data: $: $.x: is missing");
    expect(
      messageText({
        schemaKey: "iglu:a/b/jsonschema/1-0-0",
        error: {
          error: "ResolutionError",
          lookupHistory: [{ repository: "Iglu Central", errors: [{ error: "NotFound" }] }],
        },
      }),
    ).toBe("iglu:a/b/jsonschema/1-0-0: schema not found (Iglu Central: NotFound)");
    expect(
      messageText({
        enrichment: { schemaKey: "iglu:x/y/jsonschema/1-0-0", identifier: "api" },
        message: { error: "timeout" },
      }),
    ).toBe("api: timeout");
  });

  test("reads a size_violation and text that is not a bad row", () => {
    const row = readBadRow(
      JSON.stringify({
        schema: "iglu:com.snowplowanalytics.snowplow.badrows/size_violation/jsonschema/1-0-0",
        data: {
          processor: { artifact: "furrow-collector", version: "0.1.0" },
          failure: {
            timestamp: "2024-01-01T00:00:00Z",
            maximumAllowedSizeBytes: 10,
            actualSizeBytes: 20,
            expectation: "too big",
          },
          payload: "abc",
        },
      }),
    );
    expect(row).toMatchObject({
      type: "size_violation",
      messages: ["too big (20 bytes, at most 10)"],
      rawPayload: "abc",
    });
    expect(readBadRow("{}").type).toBe("unreadable");
  });
});
