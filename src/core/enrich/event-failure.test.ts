/** @module Tests of failure entities (Enrich 6.x's Failure.scala), one per kind of failure. */
import { describe, expect, test } from "bun:test";
import {
  criterionMismatch,
  enrichmentFailure,
  enrichmentInformation,
  igluError,
  inputData,
  notIglu,
  notJson,
  simple,
} from "../badrows/failure-message.ts";
import { invalidSchema, resolutionError } from "../iglu/client-error.ts";
import { schemaCriterion } from "../iglu/schema-criterion.ts";
import { enrichmentFailureOf, failureEntity, schemaFailure } from "./event-failure.ts";
import { TEST_PROCESSOR } from "./test-records.test-support.ts";

const KEY = {
  vendor: "com.acme",
  name: "click",
  format: "jsonschema",
  version: { model: 1, revision: 0, addition: 0 },
};
const at = new Date(Date.UTC(2024, 5, 10, 6, 15));
const entity = (f: Parameters<typeof failureEntity>[0]) => failureEntity(f, TEST_PROCESSOR, at);
const common = {
  timestamp: "2024-06-10T06:15:00Z",
  componentName: "furrow-enrich",
  componentVersion: "0.1.0",
};

describe("failureEntity", () => {
  test("is a failure 1-0-0 entity", () => {
    expect(entity(schemaFailure(notJson("unstruct", "{", "invalid json: x"), "unstruct", "{")).schema).toBe(
      "iglu:com.snowplowanalytics.snowplow/failure/jsonschema/1-0-0",
    );
  });

  test("NotJSON, NotIglu and CriterionMismatch", () => {
    expect(entity(schemaFailure(notJson("unstruct", "{", "invalid json: x"), "unstruct", "{")).data).toEqual({
      failureType: "NotJSON",
      errors: [{ message: "invalid json: x", source: "unstruct" }],
      schema: null,
      data: { unstruct: "{" },
      ...common,
    });
    expect(
      entity(schemaFailure(notIglu({ a: 1 }, "INVALID_DATA_PAYLOAD"), "contexts", { a: 1 })).data,
    ).toMatchObject({
      failureType: "NotIglu",
      errors: [{ message: "Invalid data payload", source: "contexts" }],
      data: { a: 1 },
    });
    const criterion = schemaCriterion("com.snowplowanalytics.snowplow", "contexts", "jsonschema", 1, 0);
    expect(entity(schemaFailure(criterionMismatch(KEY, criterion), "contexts", [])).data).toMatchObject({
      failureType: "CriterionMismatch",
      errors: [
        {
          message: "Unexpected schema: iglu:com.acme/click/jsonschema/1-0-0 does not match the criterion",
          source: "contexts",
          criterion: "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-*",
        },
      ],
      schema: "iglu:com.acme/click/jsonschema/1-0-0",
    });
  });

  test("ResolutionError and both kinds of ValidationError", () => {
    const history = [
      { repository: "Iglu Central", errors: [{ kind: "NotFound" as const }], attempts: 1, lastAttempt: at },
    ];
    expect(
      entity(schemaFailure(igluError(KEY, resolutionError(history)), "unstruct", {})).data,
    ).toMatchObject({
      failureType: "ResolutionError",
      errors: [
        {
          message: "Resolution error: schema iglu:com.acme/click/jsonschema/1-0-0 not found",
          source: "unstruct",
          lookupHistory: [
            {
              errors: [{ error: "NotFound" }],
              attempts: 1,
              lastAttempt: "2024-06-10T06:15:00Z",
              repository: "Iglu Central",
            },
          ],
        },
      ],
    });
    expect(
      entity(
        schemaFailure(igluError(KEY, invalidSchema([{ path: "$.type", message: "bad" }])), "contexts", {}),
      ).data,
    ).toMatchObject({
      failureType: "ValidationError",
      errors: [
        {
          message: "Invalid schema: iglu:com.acme/click/jsonschema/1-0-0 - bad",
          source: "contexts",
          path: "$.type",
        },
      ],
    });
  });

  test("enrichment failures name their enrichment", () => {
    const info = enrichmentInformation({ ...KEY, name: "api_request_enrichment_config" }, "api-request");
    expect(entity(enrichmentFailureOf(enrichmentFailure(info, simple("timeout")))).data).toEqual({
      failureType: "EnrichmentError: api-request",
      errors: [{ message: "timeout" }],
      schema: "iglu:com.acme/api_request_enrichment_config/jsonschema/1-0-0",
      data: null,
      ...common,
    });
    expect(
      entity(enrichmentFailureOf(enrichmentFailure(null, inputData("v_collector", null, "should be set"))))
        .data,
    ).toEqual({
      failureType: "EnrichmentError: ",
      errors: [{ message: "v_collector - should be set", source: "v_collector" }],
      schema: null,
      data: { v_collector: null },
      ...common,
    });
  });
});
