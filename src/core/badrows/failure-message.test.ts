/** @module Tests for bad-row messages: each variant's JSON, without its tag. */
import { describe, expect, test } from "bun:test";
import { invalidData, validatorReport } from "../iglu/client-error.ts";
import { igluParseError } from "../iglu/parse-error.ts";
import { schemaCriterion } from "../iglu/schema-criterion.ts";
import type { SchemaKey } from "../iglu/schema-key.ts";
import {
  cpFormatInputData,
  criterionMismatch,
  enrichmentFailure,
  enrichmentFailureJson,
  enrichmentInformation,
  type FailureMessage,
  failureMessageJson,
  fallback,
  igluError,
  inputData,
  notIglu,
  notJson,
  schemaMapping,
  simple,
} from "./failure-message.ts";

const click: SchemaKey = {
  vendor: "com.acme",
  name: "click",
  format: "jsonschema",
  version: { model: 1, revision: 0, addition: 0 },
};

describe("failureMessageJson", () => {
  const cases: readonly (readonly [string, FailureMessage, Record<string, unknown>])[] = [
    [
      "CPFormatInputData",
      cpFormatInputData("path", "/x", "/vendor/version"),
      { payloadField: "path", value: "/x", expectation: "/vendor/version" },
    ],
    ["Fallback", fallback("boom"), { error: "boom" }],
    ["NotJson", notJson("ue_pr", null, "empty"), { field: "ue_pr", value: null, error: "empty" }],
    [
      "InputData",
      inputData("p", "xyz", "a platform code"),
      { field: "p", value: "xyz", expectation: "a platform code" },
    ],
    ["Simple", simple("boom"), { error: "boom" }],
    [
      "SchemaMapping",
      schemaMapping(null, { open: click }, "an event type"),
      {
        actual: null,
        expectedMapping: { open: "iglu:com.acme/click/jsonschema/1-0-0" },
        expectation: "an event type",
      },
    ],
    [
      "CriterionMismatch",
      criterionMismatch(click, schemaCriterion("com.acme", "other", "jsonschema", 1, 0)),
      {
        schemaKey: "iglu:com.acme/click/jsonschema/1-0-0",
        schemaCriterion: "iglu:com.acme/other/jsonschema/1-0-*",
      },
    ],
  ];
  for (const [kind, message, json] of cases) {
    test(`${kind}`, () => {
      expect(failureMessageJson(message)).toEqual(json);
    });
  }

  test("NotIglu carries the parse code, from an error or a bare code", () => {
    expect(failureMessageJson(notIglu({ a: 1 }, igluParseError("INVALID_SCHEMAVER", "1-0")))).toEqual({
      json: { a: 1 },
      error: "INVALID_SCHEMAVER",
    });
    expect(failureMessageJson(notIglu(undefined, "INVALID_DATA_PAYLOAD"))).toEqual({
      json: null,
      error: "INVALID_DATA_PAYLOAD",
    });
  });

  test("IgluError writes the key as a URI and the client error as Snowplow does", () => {
    const e = igluError(click, invalidData([validatorReport("$: m", "$", "type", ["a", "b"])]));
    expect(JSON.stringify(failureMessageJson(e))).toBe(
      '{"schemaKey":"iglu:com.acme/click/jsonschema/1-0-0","error":{"dataReports":[{"message":"$: m","path":"$","keyword":"type","targets":["a","b"]}],"error":"ValidationError"}}',
    );
  });
});

describe("enrichmentFailureJson", () => {
  test("names the enrichment, or writes null", () => {
    const info = enrichmentInformation(click, "weather");
    expect(enrichmentFailureJson(enrichmentFailure(info, simple("x")))).toEqual({
      enrichment: { schemaKey: "iglu:com.acme/click/jsonschema/1-0-0", identifier: "weather" },
      message: { error: "x" },
    });
    expect(enrichmentFailureJson(enrichmentFailure(null, simple("x")))["enrichment"]).toBe(null);
  });
});

describe("cpFormatInputData", () => {
  test("caps the expectation at the schema's 256 characters, not splitting a surrogate pair (found by fuzzing)", () => {
    const query = `ue_pr=${"x".repeat(300)}|`;
    const message = cpFormatInputData("querystring", query, `Illegal character in query: ${query}`);
    expect(message.expectation).toHaveLength(256);
    expect(message.value).toBe(query);
    const emoji = cpFormatInputData("path", null, `${"a".repeat(255)}😀`);
    expect(emoji.expectation).toBe("a".repeat(255));
  });
});
