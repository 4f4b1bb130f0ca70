/** @module Tests of what webhook adapters share. */
import { describe, expect, test } from "bun:test";
import { formatSchemaKey } from "../../iglu/schema-key.ts";
import {
  camelCase,
  camelize,
  cleanupJsonEventValues,
  formatParameters,
  lookupEventSchema,
  schemaKeyOf,
  unstructEventParameters,
} from "./webhook.ts";

const KEY = schemaKeyOf("iglu:com.acme/thing/jsonschema/1-0-0");

describe("webhook helpers", () => {
  test("unstructEventParameters: tv, e, p (default or given), ue_pr and the accepted query parameters", () => {
    const query = new Map<string, string | null>([
      ["aid", "a"],
      ["nuid", "n"],
      ["cv", "c"],
      ["eid", "e"],
      ["ttm", "1"],
      ["url", "u"],
      ["other", "dropped"],
    ]);
    const params = unstructEventParameters("vendor-v1", query, KEY, { x: 1 }, "srv");
    expect(Object.fromEntries(params)).toEqual({
      tv: "vendor-v1",
      e: "ue",
      p: "srv",
      ue_pr:
        '{"schema":"iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0","data":{"schema":"iglu:com.acme/thing/jsonschema/1-0-0","data":{"x":1}}}',
      aid: "a",
      nuid: "n",
      cv: "c",
      eid: "e",
      ttm: "1",
      url: "u",
    });
    expect(unstructEventParameters("t", new Map([["p", "mob"]]), KEY, {}, "srv").get("p")).toBe("mob");
  });

  test("formatParameters: strings, empty as null, without nuid/aid/cv/p", () => {
    const params = new Map<string, string | null>([
      ["a", "1"],
      ["b", ""],
      ["c", null],
      ["aid", "x"],
      ["p", "web"],
    ]);
    expect(formatParameters(params)).toEqual({ a: "1", b: null, c: null });
  });

  test("lookupEventSchema words its failures as Enrich does", () => {
    const mapping = { ok: KEY };
    expect(lookupEventSchema("ok", mapping)).toEqual({ ok: true, value: KEY });
    const failure = (t: string | null, i?: number) => {
      const r = lookupEventSchema(t, mapping, i);
      return r.ok ? null : r.error;
    };
    expect(failure(null)).toMatchObject({
      actual: null,
      expectation: "cannot determine event type: type parameter not provided",
    });
    expect(failure("")).toMatchObject({
      actual: "",
      expectation: "cannot determine event type: type parameter empty",
    });
    expect(failure("x", 3)).toMatchObject({
      expectation: "no schema associated with the provided type parameter at index 3",
    });
    expect(failure("toString")).toMatchObject({ actual: "toString" });
    const mapped = failure(null);
    expect(mapped?.kind === "SchemaMapping" && formatSchemaKey(mapped.expectedMapping["ok"]!)).toBe(
      "iglu:com.acme/thing/jsonschema/1-0-0",
    );
  });

  test("camelCase and camelize", () => {
    expect(camelCase("X-Mailgun-Sid")).toBe("xMailgunSid");
    expect(camelCase("x_mailgun_sid")).toBe("xMailgunSid");
    expect(camelize({ "a-b": [{ c_d: 1 }], e: { "F-g": null } })).toEqual({
      aB: [{ cD: 1 }],
      e: { fG: null },
    });
  });

  test("cleanupJsonEventValues: whole-second timestamps at any depth, the event member removed", () => {
    const json = {
      event: "open",
      timestamp: 1446549615,
      nested: { timestamp: "1446549615", event: "open" },
      list: [{ timestamp: 1.5 }],
      other: "open",
    };
    expect(cleanupJsonEventValues(json, ["event", "open"], ["timestamp"])).toEqual({
      timestamp: "2015-11-03T11:20:15.000Z",
      nested: { timestamp: "2015-11-03T11:20:15.000Z" },
      list: [{ timestamp: 1.5 }],
      other: "open",
    });
  });
});
