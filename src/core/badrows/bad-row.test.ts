/**
 * @module
 * Tests for bad rows: one of every kind and every message variant. Each must serialize to
 * self-describing JSON with the right schema URI and survive a JSON round trip; with ../shared
 * present, each must also validate against its schema from Iglu Central.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { sharedDir, sharedMissing } from "../../../test/support/shared.ts";
import { invalidData, invalidSchema, resolutionError, validatorReport } from "../iglu/client-error.ts";
import { igluParseError } from "../iglu/parse-error.ts";
import { parseSchemaCriterion, type SchemaCriterion } from "../iglu/schema-criterion.ts";
import { parseSchemaKey, type SchemaKey } from "../iglu/schema-key.ts";
import { SchemaValidator } from "../iglu/schema-validator.ts";
import { parseSelfDescribingData } from "../iglu/self-describing-data.ts";
import { parseSelfDescribingSchema } from "../iglu/self-describing-schema.ts";
import {
  adapterFailures,
  BAD_ROW_VENDOR,
  BAD_ROW_VERSIONS,
  type BadRow,
  type BadRowKind,
  badRowData,
  badRowJson,
  badRowSchemaKey,
  cpFormatViolation,
  enrichmentFailures,
  genericError,
  loaderIgluError,
  loaderParsingError,
  loaderRecoveryError,
  loaderRuntimeError,
  recoveryError,
  schemaViolations,
  serializeBadRow,
  sizeViolation,
  trackerProtocolViolations,
} from "./bad-row.ts";
import {
  cpFormatInputData,
  criterionMismatch,
  enrichmentFailure,
  enrichmentInformation,
  fallback,
  igluError,
  inputData,
  notIglu,
  notJson,
  schemaMapping,
  simple,
} from "./failure-message.ts";
import {
  fieldNumberMismatch,
  invalidValue,
  loaderInvalidSchema,
  missingInValue,
  notAnArray,
  notTsv,
  recoveryParsingError,
  recoveryRuntimeError,
  rowDecodingError,
  schemaListNotFound,
  unhandledRowDecodingError,
  wrongType,
} from "./loader-failure.ts";
import type { CollectorPayload, EnrichmentPayload, LoaderPayload } from "./payload.ts";
import { processor } from "./processor.ts";

const key = (uri: string): SchemaKey => {
  const r = parseSchemaKey(uri);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};
const criterion = (text: string): SchemaCriterion => {
  const r = parseSchemaCriterion(text);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

const enrich = processor("furrow-enrich", "0.1.0");
const loader = processor("furrow-postgres-loader", "0.1.0-rc1");
const at = new Date(Date.UTC(2024, 4, 6, 7, 8, 9, 123));
const linkClick = key("iglu:com.snowplowanalytics.snowplow/link_click/jsonschema/1-0-1");
const nuid = "c6ef3124-b53a-4b13-a233-0088f79dcbcb";

const collectorPayload: CollectorPayload = {
  vendor: "com.snowplowanalytics.snowplow",
  version: "tp2",
  querystring: [
    { name: "e", value: "pv" },
    { name: "flag", value: null },
  ],
  contentType: "application/json; charset=utf-8",
  body: '{"schema":"iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4","data":[]}',
  collector: "furrow-collector-0.1.0",
  encoding: "UTF-8",
  hostname: "collector.example.com",
  timestamp: new Date(Date.UTC(2024, 4, 6, 7, 8, 0)),
  ipAddress: "203.0.113.7",
  useragent: "Mozilla/5.0",
  refererUri: "https://example.com/page",
  headers: ["Host: collector.example.com", "User-Agent: Mozilla/5.0"],
  networkUserId: nuid,
};

const enrichmentPayload: EnrichmentPayload = {
  enriched: {
    app_id: "shop",
    platform: "web",
    collector_tstamp: "2024-05-06 07:08:00.000",
    event: "page_view",
    event_id: "0b2c1f8e-4a6d-4a55-9d8f-2f7c8f0d1e11",
    v_collector: "furrow-collector-0.1.0",
    v_etl: "furrow-enrich-0.1.0",
    domain_sessionidx: "3",
    geo_latitude: "53.3331",
    geo_longitude: "-6.2489",
    br_features_pdf: "1",
    br_cookies: "0",
    dvce_screenwidth: "1920",
    page_urlport: "443",
  },
  raw: {
    vendor: "com.snowplowanalytics.snowplow",
    version: "tp2",
    parameters: [
      { name: "e", value: "pv" },
      { name: "aid", value: "shop" },
    ],
    contentType: "application/json",
    loaderName: "thrift",
    encoding: "UTF-8",
    hostname: "collector.example.com",
    timestamp: new Date(Date.UTC(2024, 4, 6, 7, 8, 0)),
    ipAddress: "203.0.113.7",
    useragent: "Mozilla/5.0",
    refererUri: null,
    headers: [],
    userId: nuid,
  },
};

const loaderPayload: LoaderPayload = {
  app_id: "shop",
  collector_tstamp: "2024-05-06T07:08:00Z",
  event_id: "0b2c1f8e-4a6d-4a55-9d8f-2f7c8f0d1e11",
  v_collector: "furrow-collector-0.1.0",
  v_etl: "furrow-enrich-0.1.0",
  br_cookies: true,
  geo_latitude: 53.3331,
  contexts: {
    schema: "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0",
    data: [{ schema: "iglu:com.acme/thing/jsonschema/1-0-0", data: { id: 1 } }],
  },
};

const validationError = invalidData(
  [
    validatorReport("$.targetUrl: is missing but it is required", "$", "required", ["targetUrl"]),
    validatorReport("$.elementId: integer found, string expected", "$.elementId", "type", [
      "integer",
      "string",
    ]),
  ],
  "1-0-2",
);
const notFound = resolutionError([
  {
    repository: "Iglu Central",
    errors: [{ kind: "NotFound" }],
    attempts: 1,
    lastAttempt: new Date(Date.UTC(2024, 4, 6, 7, 8, 9)),
  },
  {
    repository: "Acme registry",
    errors: [
      { kind: "RepoFailure", message: "Unexpected status 503" },
      { kind: "ClientFailure", message: "timeout" },
    ],
    attempts: 3,
    lastAttempt: at,
  },
]);
const brokenSchema = invalidSchema([
  { path: "$.properties.x.type", message: "does not have a value in the enumeration" },
]);
const notSelfDescribing = { data: { targetUrl: "https://x" } };

/** One row of each kind, and between them every message variant. */
const examples: readonly { readonly name: string; readonly row: BadRow }[] = [
  {
    name: "size_violation",
    row: sizeViolation(
      enrich,
      {
        timestamp: at,
        maximumAllowedSizeBytes: 1_000_000,
        actualSizeBytes: 1_200_345,
        expectation: "fit one record",
      },
      "eyJzY2hlbWEiOi",
    ),
  },
  {
    name: "collector_payload_format_violation with InputData",
    row: cpFormatViolation(
      enrich,
      {
        timestamp: at,
        loader: "thrift",
        message: cpFormatInputData("networkUserId", "not-a-uuid", "a valid UUID"),
      },
      "CwFAAAAAAAA=",
    ),
  },
  {
    name: "collector_payload_format_violation with Fallback",
    row: cpFormatViolation(
      enrich,
      {
        timestamp: at,
        loader: "thrift",
        message: fallback("error deserializing raw event: unknown field type 99"),
      },
      "AAAA",
    ),
  },
  {
    name: "adapter_failures with every message variant",
    row: adapterFailures(
      enrich,
      {
        timestamp: at,
        vendor: "com.mailchimp",
        version: "v1",
        messages: [
          notJson("data", "{not json", "expected json value got 'not' (line 1, column 2)"),
          notIglu({ schema: "iglu:bad" }, igluParseError("INVALID_IGLUURI", "iglu:bad")),
          inputData("type", null, "no `type` parameter provided: cannot determine event type"),
          schemaMapping(
            "unknown_event",
            { subscribe: key("iglu:com.mailchimp/subscribe/jsonschema/1-0-0") },
            "no schema",
          ),
        ],
      },
      { ...collectorPayload, vendor: "com.mailchimp", version: "v1" },
    ),
  },
  {
    name: "tracker_protocol_violations with every message variant",
    row: trackerProtocolViolations(
      enrich,
      {
        timestamp: at,
        vendor: "com.snowplowanalytics.snowplow",
        version: "tp2",
        messages: [
          inputData("contentType", "text/plain", "expected one of application/json"),
          notJson("body", "{", "exhausted input"),
          notIglu(notSelfDescribing, "INVALID_DATA_PAYLOAD"),
          igluError(
            key("iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4"),
            validationError,
          ),
          igluError(key("iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-9"), notFound),
          igluError(key("iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-8"), brokenSchema),
          criterionMismatch(
            key("iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0"),
            criterion("iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-*"),
          ),
        ],
      },
      collectorPayload,
    ),
  },
  {
    name: "schema_violations with every message variant",
    row: schemaViolations(
      enrich,
      {
        timestamp: at,
        messages: [
          notJson("ue_pr", "{", "exhausted input"),
          notIglu(["not", "an", "object"], "INVALID_DATA_PAYLOAD"),
          criterionMismatch(
            linkClick,
            criterion("iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-*"),
          ),
          igluError(linkClick, validationError),
          igluError(linkClick, notFound),
          igluError(
            key("iglu:com.snowplowanalytics.snowplow/atomic/jsonschema/1-0-0"),
            invalidData([
              validatorReport("Cannot be converted to java.time.Instant", "dtm", "atomic_field_parse_error", [
                "x",
              ]),
            ]),
          ),
        ],
      },
      enrichmentPayload,
    ),
  },
  {
    name: "enrichment_failures with every message variant",
    row: enrichmentFailures(
      enrich,
      {
        timestamp: at,
        messages: [
          enrichmentFailure(
            enrichmentInformation(
              key(
                "iglu:com.snowplowanalytics.snowplow.enrichments/weather_enrichment_config/jsonschema/1-0-0",
              ),
              "weather",
            ),
            simple("OpenWeatherMap lookup failed: 401"),
          ),
          enrichmentFailure(
            null,
            inputData("event", null, "trying to determine event type: event type is null"),
          ),
          enrichmentFailure(
            enrichmentInformation(
              key(
                "iglu:com.snowplowanalytics.snowplow.enrichments/api_request_enrichment_config/jsonschema/1-0-2",
              ),
              "api-request",
            ),
            igluError(linkClick, notFound),
          ),
        ],
      },
      enrichmentPayload,
    ),
  },
  { name: "loader_parsing_error NotTSV", row: loaderParsingError(loader, notTsv(), "just text") },
  {
    name: "loader_parsing_error FieldNumberMismatch",
    row: loaderParsingError(loader, fieldNumberMismatch(130), "a\tb"),
  },
  {
    name: "loader_parsing_error RowDecodingError",
    row: loaderParsingError(
      loader,
      rowDecodingError([
        invalidValue("event_id", "not-a-uuid", "Cannot parse key event_id with value not-a-uuid into UUID"),
        unhandledRowDecodingError("Not enough values"),
      ]),
      "shop\tweb",
    ),
  },
  {
    name: "loader_iglu_error with every failure variant",
    row: loaderIgluError(
      loader,
      [
        igluError(linkClick, notFound),
        loaderInvalidSchema(linkClick, "Schema could not be flattened"),
        schemaListNotFound(
          criterion("iglu:com.snowplowanalytics.snowplow/link_click/jsonschema/1-*-*"),
          notFound,
        ),
        wrongType(linkClick, 42, "string"),
        notAnArray(linkClick, { a: 1 }, "array"),
        missingInValue(linkClick, "targetUrl", { elementId: "x" }),
      ],
      loaderPayload,
    ),
  },
  {
    name: "loader_runtime_error",
    row: loaderRuntimeError(loader, 'ERROR: relation "atomic.events" does not exist', loaderPayload),
  },
  {
    name: "loader_recovery_error ParsingError",
    row: loaderRecoveryError(
      loader,
      { error: recoveryParsingError("Cannot parse", ["payload", "event_id"]) },
      "{}",
    ),
  },
  {
    name: "loader_recovery_error RuntimeError",
    row: loaderRecoveryError(
      loader,
      { error: recoveryRuntimeError("Table not found", "atomic.events", null) },
      "{}",
    ),
  },
  {
    name: "recovery_error wrapping a schema_violations row",
    row: recoveryError(
      processor("furrow-recovery", "0.1.0"),
      { error: "no recovery flow matched", configName: "main-flow" },
      schemaViolations(
        enrich,
        { timestamp: at, messages: [notJson("co", "[", "exhausted input")] },
        enrichmentPayload,
      ),
      2,
    ),
  },
  {
    name: "generic_error",
    row: genericError(loader, { timestamp: at, errors: ["Record is not JSON", "second error"] }, "not json"),
  },
];

describe("serializeBadRow", () => {
  test("covers every bad-row kind", () => {
    const kinds = new Set<string>(examples.map((e) => e.row.kind));
    expect([...kinds].sort()).toEqual(Object.keys(BAD_ROW_VERSIONS).sort());
  });

  for (const { name, row } of examples) {
    test(`${name} round-trips through JSON.parse`, () => {
      const text = serializeBadRow(row);
      const parsed = JSON.parse(text);
      expect(parsed).toEqual(badRowJson(row));
      expect(Object.keys(parsed)).toEqual(["schema", "data"]);
      expect(parsed.schema).toBe(
        `iglu:${BAD_ROW_VENDOR}/${row.kind}/jsonschema/${BAD_ROW_VERSIONS[row.kind]}`,
      );
      const sdd = parseSelfDescribingData(parsed);
      expect(sdd.ok && sdd.value.schema).toEqual(badRowSchemaKey(row.kind));
      const keys = Object.keys(parsed.data);
      expect(keys).toEqual(
        row.kind === "recovery_error"
          ? ["processor", "failure", "payload", "recoveries"]
          : ["processor", "failure", "payload"],
      );
      // Optional values are written as null, never dropped, and nothing is undefined.
      expect(text).not.toContain("undefined");
    });
  }

  test("uses the versions Snowplow emits", () => {
    const versions = Object.fromEntries(
      (Object.keys(BAD_ROW_VERSIONS) as BadRowKind[]).map((k) => [k, badRowSchemaKey(k).version]),
    );
    expect(versions["schema_violations"]).toEqual({ model: 2, revision: 0, addition: 1 });
    expect(versions["tracker_protocol_violations"]).toEqual({ model: 1, revision: 0, addition: 1 });
    expect(versions["loader_iglu_error"]).toEqual({ model: 2, revision: 0, addition: 1 });
  });

  test("writes a size_violation exactly as snowplow-badrows does", () => {
    const row = sizeViolation(
      processor("furrow-enrich", "0.1.0"),
      {
        timestamp: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)),
        maximumAllowedSizeBytes: 10,
        actualSizeBytes: 12,
        expectation: "e",
      },
      "abc",
    );
    expect(serializeBadRow(row)).toBe(
      '{"schema":"iglu:com.snowplowanalytics.snowplow.badrows/size_violation/jsonschema/1-0-0",' +
        '"data":{"processor":{"artifact":"furrow-enrich","version":"0.1.0"},' +
        '"failure":{"timestamp":"2024-01-02T03:04:05Z","maximumAllowedSizeBytes":10,"actualSizeBytes":12,"expectation":"e"},' +
        '"payload":"abc"}}',
    );
  });

  test("writes a recovery_error's payload as the nested bad row's self-describing JSON", () => {
    const inner = genericError(enrich, { timestamp: at, errors: ["x"] }, "p");
    const outer = recoveryError(enrich, { error: "e", configName: null }, inner, 1);
    const data = badRowJson(outer).data;
    expect(data["payload"]).toEqual(badRowJson(inner));
    expect(data["failure"]).toEqual({ error: "e", configName: null });
    expect(data["recoveries"]).toBe(1);
  });
});

describe("conformance with the Iglu Central bad-row schemas", () => {
  const validator = new SchemaValidator();
  const brokenTitle = "the validator rejects rows that break the schemas";
  test.skipIf(!sharedDir)(sharedDir ? brokenTitle : sharedMissing(brokenTitle), () => {
    const row = examples.find((e) => e.row.kind === "schema_violations")!.row;
    const path = `${sharedDir}/iglu-central/schemas/${BAD_ROW_VENDOR}/schema_violations/jsonschema/2-0-1`;
    const parsed = parseSelfDescribingSchema(JSON.parse(readFileSync(path, "utf8")));
    if (!parsed.ok) throw new Error(parsed.error.message);
    const data = JSON.parse(JSON.stringify(badRowData(row)));
    data.processor.version = "latest";
    data.payload.enriched.domain_sessionidx = "3";
    const result = validator.validate(badRowSchemaKey("schema_violations"), parsed.value.schema, data);
    const paths =
      result.ok || result.error.kind !== "InvalidData" ? [] : result.error.dataReports.map((r) => r.path);
    expect(paths).toContain("$.processor.version");
    expect(paths).toContain("$.payload.enriched.domain_sessionidx");
  });

  for (const { name, row } of examples) {
    const title = `${name} validates against its schema`;
    test.skipIf(!sharedDir)(sharedDir ? title : sharedMissing(title), () => {
      const { schema, data } = badRowJson(row);
      const k = badRowSchemaKey(row.kind);
      const path = `${sharedDir}/iglu-central/schemas/${BAD_ROW_VENDOR}/${row.kind}/jsonschema/${BAD_ROW_VERSIONS[row.kind]}`;
      const parsed = parseSelfDescribingSchema(JSON.parse(readFileSync(path, "utf8")));
      if (!parsed.ok) throw new Error(parsed.error.message);
      expect(schema).toBe(`iglu:${path.split("/schemas/")[1]}`);
      const result = validator.validate(k, parsed.value.schema, data);
      expect(result.ok ? [] : result.error).toEqual([]);
    });
  }
});
