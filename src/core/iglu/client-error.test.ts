/** @module Tests for the Iglu client's error JSON, member for member as Snowplow writes it. */
import { describe, expect, test } from "bun:test";
import {
  clientErrorJson,
  invalidData,
  invalidSchema,
  resolutionError,
  validatorReport,
} from "./client-error.ts";
import { formatInstant } from "./instant.ts";

describe("clientErrorJson", () => {
  test("ValidationError with data reports: reports first, then the error type", () => {
    const e = invalidData([
      validatorReport("$.country: integer found, string expected", "$.country", "type", [
        "integer",
        "string",
      ]),
    ]);
    expect(JSON.stringify(clientErrorJson(e))).toBe(
      '{"dataReports":[{"message":"$.country: integer found, string expected","path":"$.country","keyword":"type","targets":["integer","string"]}],"error":"ValidationError"}',
    );
  });

  test("supersededBy is written only when set", () => {
    const e = invalidData([validatorReport("m", null, null)], "1-0-1");
    expect(clientErrorJson(e)).toEqual({
      dataReports: [{ message: "m", path: null, keyword: null, targets: [] }],
      error: "ValidationError",
      supersededBy: "1-0-1",
    });
  });

  test("ValidationError with schema issues", () => {
    expect(clientErrorJson(invalidSchema([{ path: "$.type", message: "bad" }]))).toEqual({
      schemaIssues: [{ path: "$.type", message: "bad" }],
      error: "ValidationError",
    });
  });

  test("ResolutionError lists each repository's history, repository last", () => {
    const e = resolutionError([
      {
        repository: "Iglu Central",
        errors: [{ kind: "NotFound" }, { kind: "RepoFailure", message: "503" }],
        attempts: 2,
        lastAttempt: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)),
      },
    ]);
    expect(JSON.stringify(clientErrorJson(e))).toBe(
      '{"error":"ResolutionError","lookupHistory":[{"errors":[{"error":"NotFound"},{"error":"RepoFailure","message":"503"}],"attempts":2,"lastAttempt":"2024-01-02T03:04:05Z","repository":"Iglu Central"}]}',
    );
  });
});

describe("formatInstant", () => {
  test("omits zero milliseconds, as java.time.Instant does", () => {
    expect(formatInstant(new Date(Date.UTC(2024, 0, 2, 3, 4, 5)))).toBe("2024-01-02T03:04:05Z");
    expect(formatInstant(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 120)))).toBe("2024-01-02T03:04:05.120Z");
    expect(formatInstant(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 7)))).toBe("2024-01-02T03:04:05.007Z");
  });
});
