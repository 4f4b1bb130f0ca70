/**
 * @module
 * Every kind of bad input the reference lists ends as the right bad row, with a message a person
 * can act on; with `../shared` present, each row must also validate against its Iglu Central
 * schema (snowplow-badrows 2.3.0's versions), and the failure entities of failed events against
 * `failure` 1-0-0.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { MemorySink } from "../../src/adapters/memory/memory-sink.ts";
import { EnrichApp } from "../../src/apps/enrich/app.ts";
import { BAD_ROW_VENDOR, BAD_ROW_VERSIONS, type BadRow, badRowJson } from "../../src/core/badrows/bad-row.ts";
import type { Enrichment, EnrichmentName, EnrichmentOutcome } from "../../src/core/enrich/enrichment.ts";
import { EnrichPipeline, type EnrichPipelineOptions } from "../../src/core/enrich/pipeline.ts";
import {
  base64url,
  collectorPayload,
  contexts,
  ETL_TSTAMP,
  pixel,
  TEST_PROCESSOR,
  tp2Post,
  unstruct,
  webhook,
} from "../../src/core/enrich/test-records.test-support.ts";
import { invalidData } from "../../src/core/iglu/client-error.ts";
import { parseSchemaKey } from "../../src/core/iglu/schema-key.ts";
import { SchemaValidator } from "../../src/core/iglu/schema-validator.ts";
import { parseSelfDescribingSchema } from "../../src/core/iglu/self-describing-schema.ts";
import { encodeCollectorPayload } from "../../src/core/thrift/collector-payload.ts";
import { testResolver } from "../support/enrich-test-resolver.ts";
import { sharedDir, sharedMissing } from "../support/shared.ts";

const resolver = testResolver();

function fake(name: EnrichmentName, outcome: EnrichmentOutcome): Enrichment {
  return {
    name,
    schemaKey: {
      vendor: "com.snowplowanalytics.snowplow.enrichments",
      name,
      format: "jsonschema",
      version: { model: 1, revision: 0, addition: 0 },
    },
    enrich: () => outcome,
  };
}

interface Case {
  readonly name: string;
  readonly record: Uint8Array;
  readonly kind: BadRow["kind"];
  /** A part of the bad row's `failure` it must contain. */
  readonly failure: unknown;
  readonly options?: Partial<EnrichPipelineOptions>;
}

const PAYLOAD_DATA = "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4";
const tp2Body = (body: string, contentType = "application/json") =>
  encodeCollectorPayload(
    collectorPayload({ path: "/com.snowplowanalytics.snowplow/tp2", body, contentType }),
  );
const msg = (m: Record<string, unknown>) => ({ messages: [expect.objectContaining(m)] });

const cases: Case[] = [
  {
    name: "corrupt Thrift",
    record: new Uint8Array([11, 0, 100, 0, 0, 0, 99]),
    kind: "collector_payload_format_violation",
    failure: {
      loader: "thrift",
      message: { error: "error deserializing raw event: Reached end of bytes when parsing as thrift format" },
    },
  },
  {
    name: "a path no adapter serves",
    record: pixel({ e: "pv" }, { path: "/favicon.ico" }),
    kind: "collector_payload_format_violation",
    failure: { message: expect.objectContaining({ payloadField: "path" }) },
  },
  {
    name: "a network user id that is not a UUID",
    record: pixel({ e: "pv" }, { networkUserId: "abc" }),
    kind: "collector_payload_format_violation",
    failure: { message: { payloadField: "networkUserId", value: "abc", expectation: "not valid UUID" } },
  },
  {
    name: "another schema than CollectorPayload 1-0-*",
    record: pixel({ e: "pv" }, { schema: "iglu:com.acme/x/thrift/1-0-0" }),
    kind: "collector_payload_format_violation",
    failure: { message: { error: expect.stringContaining("found iglu:com.acme/x/thrift/1-0-0") } },
  },
  {
    name: "a querystring Java cannot read",
    record: encodeCollectorPayload(collectorPayload({ querystring: "e=pv&x=a|b" })),
    kind: "collector_payload_format_violation",
    failure: { message: expect.objectContaining({ payloadField: "querystring" }) },
  },
  {
    name: "an unknown vendor",
    record: webhook("com.acme/v1", "{}", "application/json"),
    kind: "adapter_failures",
    failure: msg({ field: "vendor/version" }),
  },
  {
    name: "tp1 without parameters",
    record: pixel({}),
    kind: "adapter_failures",
    failure: msg({ field: "querystring" }),
  },
  {
    name: "a webhook of the wrong content type",
    record: webhook("com.mailgun/v1", "{}", "text/plain"),
    kind: "adapter_failures",
    failure: msg({ field: "contentType", expectation: "expected application/json" }),
  },
  {
    name: "a webhook event type without a schema",
    record: webhook("com.sendgrid/v3", '[{"event":"teleported"}]', "application/json"),
    kind: "adapter_failures",
    failure: msg({
      actual: "teleported",
      expectedMapping: expect.objectContaining({ open: "iglu:com.sendgrid/open/jsonschema/3-0-0" }),
    }),
  },
  {
    name: "a webhook body that is not JSON",
    record: webhook("com.pagerduty/v1", "{", "application/json"),
    kind: "adapter_failures",
    failure: msg({ field: "body", value: "{" }),
  },
  {
    name: "an Iglu webhook body that is not self-describing",
    record: webhook("com.snowplowanalytics.iglu/v1", '{"a":1}', "application/json"),
    kind: "adapter_failures",
    failure: msg({ json: { a: 1 }, error: "INVALID_DATA_PAYLOAD" }),
  },
  {
    name: "tp2 of the wrong content type",
    record: tp2Body("[]", "text/plain"),
    kind: "tracker_protocol_violations",
    failure: msg({ field: "contentType", value: "text/plain" }),
  },
  {
    name: "tp2 body that is not JSON",
    record: tp2Body("not json"),
    kind: "tracker_protocol_violations",
    failure: msg({ field: "body", value: "not json" }),
  },
  {
    name: "tp2 body that is not self-describing",
    record: tp2Body("[]"),
    kind: "tracker_protocol_violations",
    failure: msg({ json: [], error: "INVALID_DATA_PAYLOAD" }),
  },
  {
    name: "tp2 body that fails payload_data",
    record: tp2Body(JSON.stringify({ schema: PAYLOAD_DATA, data: [{ e: "pv" }] })),
    kind: "tracker_protocol_violations",
    failure: msg({ schemaKey: PAYLOAD_DATA, error: expect.objectContaining({ error: "ValidationError" }) }),
  },
  {
    name: "tp2 body of another schema",
    record: tp2Body(
      JSON.stringify({
        schema: "iglu:com.furrow.example/page_context/jsonschema/1-0-0",
        data: { id: "e4b3c2d1-0f9e-4d8c-b7a6-5f4e3d2c1b0a" },
      }),
    ),
    kind: "tracker_protocol_violations",
    failure: msg({ schemaCriterion: "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-*" }),
  },
  {
    name: "tp2 body of an unknown schema",
    record: tp2Body(JSON.stringify({ schema: "iglu:com.acme/nothing/jsonschema/1-0-0", data: [] })),
    kind: "tracker_protocol_violations",
    failure: msg({ error: expect.objectContaining({ error: "ResolutionError" }) }),
  },
  {
    name: "a redirect without u",
    record: encodeCollectorPayload(collectorPayload({ path: "/r/tp2", querystring: "e=pv" })),
    kind: "tracker_protocol_violations",
    failure: msg({ expectation: "missing `u` parameter: not a valid URI redirect" }),
  },
  {
    name: "parameters that do not parse",
    record: pixel({ e: "pv", dtm: "soon", vp: "big" }),
    kind: "schema_violations",
    failure: msg({ schemaKey: "iglu:com.snowplowanalytics.snowplow/atomic/jsonschema/1-0-0" }),
  },
  {
    name: "an unstructured event that is not JSON",
    record: pixel({ e: "ue", ue_pr: "{" }),
    kind: "schema_violations",
    failure: msg({ field: "unstruct", value: "{" }),
  },
  {
    name: "contexts that are not self-describing",
    record: pixel({ e: "pv", cx: base64url('{"a":1}') }),
    kind: "schema_violations",
    failure: msg({ json: { a: 1 } }),
  },
  {
    name: "an unstructured event with the contexts wrapper",
    record: pixel({ e: "ue", ue_pr: contexts() }),
    kind: "schema_violations",
    failure: msg({ schemaCriterion: "iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-*" }),
  },
  {
    name: "an invalid context",
    record: pixel({
      e: "pv",
      co: contexts({ schema: "iglu:com.furrow.example/page_context/jsonschema/1-0-0", data: { id: 7 } }),
    }),
    kind: "schema_violations",
    failure: msg({ error: expect.objectContaining({ error: "ValidationError" }) }),
  },
  {
    name: "an unstructured event of an unknown schema",
    record: pixel({ e: "ue", ue_pr: unstruct({ schema: "iglu:com.acme/ghost/jsonschema/1-0-0", data: {} }) }),
    kind: "schema_violations",
    failure: msg({ error: expect.objectContaining({ error: "ResolutionError" }) }),
  },
  {
    name: "a field over its length limit",
    record: pixel({ e: "pv", tr_cu: "EURO" }),
    kind: "schema_violations",
    failure: msg({
      error: expect.objectContaining({
        dataReports: [expect.objectContaining({ keyword: "atomic_field_length_exceeded" })],
      }),
    }),
  },
  {
    name: "no event type",
    record: tp2Post([{ p: "web", tv: "js", e: "pv" }], { querystring: "e=" }),
    kind: "schema_violations",
    failure: msg({
      error: expect.objectContaining({ dataReports: [expect.objectContaining({ path: "e" })] }),
    }),
  },
  {
    name: "an event the schema fields cannot name",
    record: pixel({ aid: "x" }),
    kind: "enrichment_failures",
    failure: msg({ enrichment: null, message: expect.objectContaining({ field: "event" }) }),
  },
  {
    name: "an empty collector version",
    record: pixel({ e: "pv", cv: "" }),
    kind: "enrichment_failures",
    failure: msg({ message: { field: "v_collector", value: null, expectation: "should be set" } }),
  },
  {
    name: "a bad _sp timestamp",
    record: pixel({ e: "pv", url: "https://x.example/?_sp=a.b" }),
    kind: "enrichment_failures",
    failure: msg({ message: expect.objectContaining({ field: "sp_dtm" }) }),
  },
  {
    name: "an enrichment failing with each kind of message",
    record: pixel({ e: "pv" }),
    kind: "enrichment_failures",
    options: {
      enrichments: [
        fake("weather_enrichment_config", {
          kind: "failed",
          messages: [{ kind: "Simple", error: "API down" }],
        }),
        fake("sql_query_enrichment_config", {
          kind: "failed",
          messages: [{ kind: "InputData", field: "user_id", value: null, expectation: "must be set" }],
        }),
        fake("api_request_enrichment_config", {
          kind: "failed",
          messages: [
            {
              kind: "IgluError",
              schemaKey: {
                vendor: "com.acme",
                name: "out",
                format: "jsonschema",
                version: { model: 1, revision: 0, addition: 0 },
              },
              error: invalidData([
                { message: "$.x: is missing", path: "$", keyword: "required", targets: ["x"] },
              ]),
            },
          ],
        }),
      ],
    },
    failure: {
      messages: expect.arrayContaining([
        expect.objectContaining({ enrichment: expect.objectContaining({ identifier: "weather" }) }),
      ]),
    },
  },
  {
    name: "an invalid derived context",
    record: pixel({ e: "pv" }),
    kind: "schema_violations",
    options: {
      enrichments: [
        fake("ua_parser_config", {
          kind: "enriched",
          contexts: [{ schema: "iglu:com.furrow.example/page_context/jsonschema/1-0-0", data: {} }],
        }),
      ],
    },
    failure: msg({ error: expect.objectContaining({ error: "ValidationError" }) }),
  },
];

const validator = new SchemaValidator();
function checkAgainstIgluCentral(schemaUri: string, data: unknown): void {
  const path = `${sharedDir}/iglu-central/schemas/${schemaUri.replace("iglu:", "")}`;
  const parsed = parseSelfDescribingSchema(JSON.parse(readFileSync(path, "utf8")));
  if (!parsed.ok) throw new Error(parsed.error.message);
  const key = parseSchemaKey(schemaUri);
  if (!key.ok) throw new Error(schemaUri);
  const result = validator.validate(key.value, parsed.value.schema, JSON.parse(JSON.stringify(data)));
  expect(result.ok ? [] : result.error).toEqual([]);
}

describe("every kind of bad input ends as the right bad row", () => {
  for (const c of cases) {
    test(c.name, async () => {
      const pipeline = new EnrichPipeline({
        resolver,
        processor: TEST_PROCESSOR,
        emitFailed: true,
        ...c.options,
      });
      const out = await pipeline.enrichRecord(c.record, ETL_TSTAMP);
      expect(out.good).toHaveLength(0);
      expect(out.bad.map((b) => b.kind)).toEqual([c.kind]);
      const { schema, data } = badRowJson(out.bad[0]!);
      expect(schema).toBe(`iglu:${BAD_ROW_VENDOR}/${c.kind}/jsonschema/${BAD_ROW_VERSIONS[c.kind]}`);
      // A copy: Bun's toMatchObject writes asymmetric matchers into the object it checks.
      expect(structuredClone(data["failure"])).toMatchObject(c.failure as object);
      if (!sharedDir) return;
      checkAgainstIgluCentral(schema, data);
      for (const event of out.failed) {
        for (const entity of event.derived_contexts.filter((e) => e.schema.includes("/failure/"))) {
          checkAgainstIgluCentral(entity.schema, entity.data);
        }
      }
    });
  }

  test("a good event too large for its stream is a size_violation", async () => {
    const good = new MemorySink({ maxRecordBytes: 1500 });
    const bad = new MemorySink();
    const app = new EnrichApp({
      pipeline: new EnrichPipeline({ resolver, processor: TEST_PROCESSOR }),
      sinks: { good, bad },
      now: () => ETL_TSTAMP,
    });
    await app.processBatch([pixel({ e: "pv", page: "p".repeat(1400) })]);
    const row = JSON.parse(new TextDecoder().decode(bad.records[0]!.data));
    expect(row.schema).toBe(`iglu:${BAD_ROW_VENDOR}/size_violation/jsonschema/1-0-0`);
    if (sharedDir) checkAgainstIgluCentral(row.schema, row.data);
  });

  // Without ../shared the checks against Iglu Central are left out of the tests above; say so.
  if (!sharedDir)
    test.skip(sharedMissing("bad rows validate against Iglu Central's bad-row schemas"), () => {});
});
