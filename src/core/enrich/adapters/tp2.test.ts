/** @module Tests of the tp2 adapter: GET, POST batches, and every tracker-protocol violation. */
import { describe, expect, test } from "bun:test";
import { testResolver } from "../../../../test/support/enrich-test-resolver.ts";
import { formatSchemaKey } from "../../iglu/schema-key.ts";
import { adapterPayload, nvps, paramsOf } from "../test-records.test-support.ts";
import type { Adapted } from "./adapter.ts";
import { tp2Adapter } from "./tp2.ts";

const context = { resolver: testResolver(), maxJsonDepth: 50 };
const PAYLOAD_DATA = "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4";
const post = (
  body: string | null,
  contentType: string | null = "application/json; charset=utf-8",
  query = {},
) => adapterPayload({ version: "tp2", body, contentType, querystring: nvps(query) });
const run = async (payload: ReturnType<typeof adapterPayload>): Promise<Adapted> =>
  tp2Adapter.toRawEvents(payload, context);
const failures = async (payload: ReturnType<typeof adapterPayload>) => {
  const r = await run(payload);
  if (r.ok) throw new Error("expected failures");
  return r.error;
};
const batch = (data: unknown) => JSON.stringify({ schema: PAYLOAD_DATA, data });

describe("tp2Adapter", () => {
  test("a GET is one event from the querystring", async () => {
    const r = await run(
      adapterPayload({ version: "tp2", querystring: nvps({ e: "pv", p: "web", tv: "js" }) }),
    );
    expect(r.ok && r.value.map(paramsOf)).toEqual([{ e: "pv", p: "web", tv: "js" }]);
  });

  test("a POST is one event per element, the querystring merged in and winning", async () => {
    const body = batch([
      { e: "pv", p: "web", tv: "js-3", aid: "body" },
      { e: "pp", p: "web", tv: "js-3", pp_mix: "0" },
    ]);
    for (const contentType of [
      "application/json",
      "application/json; charset=utf-8",
      "application/json; charset=UTF-8",
    ]) {
      const r = await run(post(body, contentType, { aid: "query", nuid: "n" }));
      expect(r.ok && r.value.map(paramsOf)).toEqual([
        { e: "pv", p: "web", tv: "js-3", aid: "query", nuid: "n" },
        { e: "pp", p: "web", tv: "js-3", pp_mix: "0", aid: "query", nuid: "n" },
      ]);
    }
  });

  test("no body and no querystring: both are reported", async () => {
    expect(await failures(adapterPayload({ version: "tp2" }))).toEqual([
      {
        kind: "InputData",
        field: "body",
        value: null,
        expectation: "empty body: not a valid tracker protocol event",
      },
      {
        kind: "InputData",
        field: "querystring",
        value: null,
        expectation: "empty querystring: not a valid tracker protocol event",
      },
    ]);
  });

  test("the Content-Type must be JSON, and go with a body", async () => {
    const expected =
      "expected one of application/json, application/json; charset=utf-8, application/json; charset=UTF-8";
    expect(await failures(post(batch([]), "text/plain"))).toEqual([
      { kind: "InputData", field: "contentType", value: "text/plain", expectation: expected },
    ]);
    expect(await failures(post(batch([]), null))).toEqual([
      { kind: "InputData", field: "contentType", value: null, expectation: expected },
    ]);
    expect(await failures(post(null, "application/json", { e: "pv" }))).toEqual([
      {
        kind: "InputData",
        field: "body",
        value: null,
        expectation: "empty body: not a valid track protocol event",
      },
    ]);
  });

  test("the body must be JSON, self-describing, valid and payload_data", async () => {
    const notJson = await failures(post("{oops"));
    expect(notJson[0]).toMatchObject({ kind: "NotJson", field: "body", value: "{oops" });
    expect(await failures(post('{"data":[]}'))).toEqual([
      { kind: "NotIglu", json: { data: [] }, error: "INVALID_DATA_PAYLOAD" },
    ]);
    const invalid = await failures(post(batch([{ e: "pv", p: "web" }])));
    expect(invalid[0]).toMatchObject({ kind: "IgluError", schemaKey: { name: "payload_data" } });
    const error = invalid[0]!.kind === "IgluError" ? invalid[0]!.error : null;
    expect(error?.kind).toBe("ValidationError");

    const other = JSON.stringify({
      schema: "iglu:com.furrow.example/page_context/jsonschema/1-0-0",
      data: { id: "e4b3c2d1-0f9e-4d8c-b7a6-5f4e3d2c1b0a" },
    });
    const mismatch = await failures(post(other));
    expect(mismatch).toHaveLength(1);
    expect(mismatch[0]!.kind).toBe("CriterionMismatch");
    if (mismatch[0]!.kind === "CriterionMismatch") {
      expect(formatSchemaKey(mismatch[0]!.schemaKey)).toBe(
        "iglu:com.furrow.example/page_context/jsonschema/1-0-0",
      );
    }

    const unknown = await failures(
      post(JSON.stringify({ schema: "iglu:com.acme/nothing/jsonschema/1-0-0", data: [] })),
    );
    expect(unknown[0]!.kind === "IgluError" && unknown[0]!.error.kind).toBe("ResolutionError");
  });

  test("values must be strings (checked after a schema that allows them)", async () => {
    const lax = JSON.stringify({
      $schema: "http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#",
      self: {
        vendor: "com.snowplowanalytics.snowplow",
        name: "payload_data",
        format: "jsonschema",
        version: "1-0-9",
      },
    });
    const { parseSelfDescribingSchema } = await import("../../iglu/self-describing-schema.ts");
    const schema = parseSelfDescribingSchema(JSON.parse(lax));
    if (!schema.ok) throw new Error(schema.error.message);
    const resolver = testResolver({ extra: [schema.value] });
    const body = JSON.stringify({
      schema: "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-9",
      data: [{ e: "pv", n: 1, x: null }],
    });
    const r = await tp2Adapter.toRawEvents(post(body), { resolver, maxJsonDepth: 50 });
    expect(r).toEqual({
      ok: false,
      error: [
        { kind: "InputData", field: "n", value: "1", expectation: "value is not a string" },
        { kind: "InputData", field: "x", value: null, expectation: "value cannot be null" },
      ],
    });
    const notArray = JSON.stringify({
      schema: "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-9",
      data: { e: "pv" },
    });
    const r2 = await tp2Adapter.toRawEvents(post(notArray), { resolver, maxJsonDepth: 50 });
    expect(r2).toEqual({
      ok: false,
      error: [{ kind: "InputData", field: "body", value: '{"e":"pv"}', expectation: "json is not an array" }],
    });
  });

  test("answers synchronously once the schema is cached", async () => {
    const resolver = testResolver();
    const payload = post(batch([{ e: "pv", p: "web", tv: "js" }]));
    const first = tp2Adapter.toRawEvents(payload, { resolver, maxJsonDepth: 50 });
    expect(first).toBeInstanceOf(Promise);
    await first;
    const second = tp2Adapter.toRawEvents(payload, { resolver, maxJsonDepth: 50 });
    expect(second).not.toBeInstanceOf(Promise);
  });

  test("JSON deeper than maxJsonDepth is not JSON", async () => {
    const deep = `{"schema":"${PAYLOAD_DATA}","data":[{"e":${"[".repeat(60)}${"]".repeat(60)}}]}`;
    const r = await failures(post(deep));
    expect(r[0]).toMatchObject({
      kind: "NotJson",
      error: "invalid json: maximum allowed JSON depth exceeded",
    });
  });
});
