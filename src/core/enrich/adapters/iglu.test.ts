/** @module Tests of the Iglu webhook adapter. */
import { describe, expect, test } from "bun:test";
import { testResolver } from "../../../../test/support/enrich-test-resolver.ts";
import { adapterPayload, nvps, paramsOf } from "../test-records.test-support.ts";
import { igluAdapter } from "./iglu.ts";

const context = { resolver: testResolver(), maxJsonDepth: 50 };
const SCHEMA = "iglu:com.acme/campaign/jsonschema/1-0-0";
const run = (
  query: Record<string, string | null>,
  body: string | null = null,
  contentType: string | null = null,
) => {
  const payload = adapterPayload({
    vendor: "com.snowplowanalytics.iglu",
    version: "v1",
    querystring: nvps(query),
    body,
    contentType,
  });
  const r = igluAdapter.toRawEvents(payload, context);
  if (r instanceof Promise) throw new Error("the Iglu adapter never waits");
  return r;
};
const events = (...args: Parameters<typeof run>) => {
  const r = run(...args);
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value.map(paramsOf);
};
const ue = (schema: string, data: unknown) =>
  JSON.stringify({
    schema: "iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0",
    data: { schema, data },
  });

describe("igluAdapter", () => {
  test("a GET with schema: the other parameters are the data; aid/nuid/… stay event parameters", () => {
    expect(events({ schema: SCHEMA, name: "spring", empty: "", aid: "app1", cv: "x", eid: "e" })).toEqual([
      {
        tv: "com.snowplowanalytics.iglu-v1",
        e: "ue",
        p: "app",
        ue_pr: ue(SCHEMA, { name: "spring", empty: null, eid: "e" }),
        aid: "app1",
        cv: "x",
        eid: "e",
      },
    ]);
  });

  test("a POSTed JSON object is one event, an array one per element", () => {
    expect(events({ schema: SCHEMA, p: "srv" }, '{"a":1}', "application/json")).toEqual([
      { tv: "com.snowplowanalytics.iglu-v1", e: "ue", p: "srv", ue_pr: ue(SCHEMA, { a: 1 }) },
    ]);
    expect(events({ schema: SCHEMA }, '[{"a":1},{"a":2}]', "application/json; charset=utf-8")).toHaveLength(
      2,
    );
  });

  test("a form body is one event of strings, platform srv", () => {
    expect(events({ schema: SCHEMA }, "a=1&b=two+words&c", "application/x-www-form-urlencoded")).toEqual([
      {
        tv: "com.snowplowanalytics.iglu-v1",
        e: "ue",
        p: "srv",
        ue_pr: ue(SCHEMA, { a: "1", b: "two words", c: null }),
      },
    ]);
  });

  test("without schema, the body is a self-describing JSON", () => {
    const body = JSON.stringify({ schema: SCHEMA, data: { a: 1 } });
    expect(events({ aid: "x" }, body, "application/json")).toEqual([
      { tv: "com.snowplowanalytics.iglu-v1", e: "ue", p: "app", ue_pr: ue(SCHEMA, { a: 1 }), aid: "x" },
    ]);
    const r = run({}, '{"a":1}', "application/json");
    expect(!r.ok && r.error[0]).toEqual({ kind: "NotIglu", json: { a: 1 }, error: "INVALID_DATA_PAYLOAD" });
  });

  test("reports Enrich's failures", () => {
    const all =
      "expected one of application/json, application/json; charset=utf-8, application/x-www-form-urlencoded";
    expect(run({ schema: SCHEMA }, "{}", null)).toEqual({
      ok: false,
      error: [{ kind: "InputData", field: "contentType", value: null, expectation: all }],
    });
    expect(run({ schema: SCHEMA }, "{}", "text/plain")).toEqual({
      ok: false,
      error: [{ kind: "InputData", field: "contentType", value: "text/plain", expectation: all }],
    });
    expect(run({}, "{}", "application/x-www-form-urlencoded")).toEqual({
      ok: false,
      error: [
        {
          kind: "InputData",
          field: "contentType",
          value: "application/x-www-form-urlencoded",
          expectation: "expected one of application/json, application/json; charset=utf-8",
        },
      ],
    });
    expect(run({})).toEqual({
      ok: false,
      error: [
        { kind: "InputData", field: "schema", value: null, expectation: "empty `schema` field" },
        { kind: "InputData", field: "body", value: null, expectation: "empty body" },
      ],
    });
    expect(run({ schema: "iglu:com.acme/x/jsonschema/1-0" })).toEqual({
      ok: false,
      error: [
        {
          kind: "InputData",
          field: "schema",
          value: "iglu:com.acme/x/jsonschema/1-0",
          expectation: "INVALID_IGLUURI",
        },
      ],
    });
    expect(run({ schema: SCHEMA }, "{}", "application/json")).toEqual({
      ok: false,
      error: [{ kind: "InputData", field: "body", value: "{}", expectation: "has no key-value pairs" }],
    });
    expect(run({ schema: SCHEMA }, "[]", "application/json")).toEqual({
      ok: false,
      error: [{ kind: "InputData", field: "body", value: "[]", expectation: "empty array of events" }],
    });
    const notJson = run({ schema: SCHEMA }, "{", "application/json");
    expect(!notJson.ok && notJson.error[0]).toMatchObject({ kind: "NotJson", field: "body", value: "{" });
  });
});
