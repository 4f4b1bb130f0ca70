/** @module Tests for loader failures: the Analytics SDK's parsing errors and loader Iglu failures. */
import { describe, expect, test } from "bun:test";
import { resolutionError } from "../iglu/client-error.ts";
import { schemaCriterion } from "../iglu/schema-criterion.ts";
import type { SchemaKey } from "../iglu/schema-key.ts";
import {
  fieldNumberMismatch,
  invalidValue,
  loaderIgluFailureJson,
  loaderInvalidSchema,
  loaderRecoveryCauseJson,
  missingInValue,
  notAnArray,
  notTsv,
  recoveryParsingError,
  recoveryRuntimeError,
  rowDecodingError,
  schemaListNotFound,
  tsvParsingErrorJson,
  unhandledRowDecodingError,
  wrongType,
} from "./loader-failure.ts";

const click: SchemaKey = {
  vendor: "com.acme",
  name: "click",
  format: "jsonschema",
  version: { model: 1, revision: 0, addition: 0 },
};
const uri = "iglu:com.acme/click/jsonschema/1-0-0";

describe("tsvParsingErrorJson", () => {
  test("writes the SDK's `type` tags", () => {
    expect(tsvParsingErrorJson(notTsv())).toEqual({ type: "NotTSV" });
    expect(tsvParsingErrorJson(fieldNumberMismatch(4))).toEqual({
      type: "FieldNumberMismatch",
      fieldCount: 4,
    });
    expect(
      JSON.stringify(
        tsvParsingErrorJson(
          rowDecodingError([invalidValue("event_id", "x", "bad"), unhandledRowDecodingError("m")]),
        ),
      ),
    ).toBe(
      '{"type":"RowDecodingError","errors":[{"type":"InvalidValue","key":"event_id","value":"x","message":"bad"},{"type":"UnhandledRowDecodingError","message":"m"}]}',
    );
  });
});

describe("loaderIgluFailureJson", () => {
  test("writes each variant's members", () => {
    expect(loaderIgluFailureJson(loaderInvalidSchema(click, "m"))).toEqual({ schemaKey: uri, message: "m" });
    expect(loaderIgluFailureJson(wrongType(click, 1, "string"))).toEqual({
      schemaKey: uri,
      value: 1,
      expected: "string",
    });
    expect(loaderIgluFailureJson(notAnArray(click, undefined, "array"))).toEqual({
      schemaKey: uri,
      value: null,
      expected: "array",
    });
    expect(loaderIgluFailureJson(missingInValue(click, "k", { a: 1 }))).toEqual({
      schemaKey: uri,
      key: "k",
      value: { a: 1 },
    });
    const listFailure = loaderIgluFailureJson(
      schemaListNotFound(schemaCriterion("com.acme", "click", "jsonschema", 1), resolutionError([])),
    );
    expect(listFailure).toEqual({
      schemaCriterion: "iglu:com.acme/click/jsonschema/1-*-*",
      error: { error: "ResolutionError", lookupHistory: [] },
    });
  });
});

describe("loaderRecoveryCauseJson", () => {
  test("writes ParsingError and RuntimeError", () => {
    expect(loaderRecoveryCauseJson(recoveryParsingError("m", ["a", "b"]))).toEqual({
      message: "m",
      location: ["a", "b"],
    });
    expect(loaderRecoveryCauseJson(recoveryRuntimeError("m", null, "r"))).toEqual({
      message: "m",
      location: null,
      reason: "r",
    });
  });
});
