/** @module Tests for the HTTP header extractor enrichment, on Enrich's own cases (HttpHeaderExtractorEnrichmentSpec). */
import { describe, expect, test } from "bun:test";
import {
  build,
  contextsOf,
  enrichmentInput,
  validateAgainstIgluCentral,
} from "../../../../test/enrich-enrichments/support.ts";
import { sharedDir, sharedMissing } from "../../../../test/support/shared.ts";
import type { SelfDescribingJson } from "../../event/enriched-event.ts";
import {
  compileWholeMatch,
  extractHeaders,
  HTTP_HEADER_SCHEMA,
  httpHeaderExtractorEnrichment,
  javaTrim,
  parseHttpHeaderExtractorConfig,
} from "./http-header-extractor.ts";

const config = (parameters: Record<string, unknown>): SelfDescribingJson => ({
  schema: "iglu:com.snowplowanalytics.snowplow.enrichments/http_header_extractor_config/jsonschema/1-0-0",
  data: {
    vendor: "com.snowplowanalytics.snowplow.enrichments",
    name: "http_header_extractor_config",
    enabled: false,
    parameters,
  },
});

const header = (name: string, value: string) => ({ schema: HTTP_HEADER_SCHEMA, data: { name, value } });

describe("extractHeaders (Enrich's cases)", () => {
  test("returns the X-Forwarded-For header", () => {
    expect(
      extractHeaders(compileWholeMatch("X-Forwarded-For"), ["X-Forwarded-For: 129.78.138.66, 129.78.64.103"]),
    ).toEqual([header("X-Forwarded-For", "129.78.138.66, 129.78.64.103")]);
  });

  test("returns the Accept header after regex matching", () => {
    expect(extractHeaders(compileWholeMatch(".*"), ["Accept: text/html"])).toEqual([
      header("Accept", "text/html"),
    ]);
  });

  test("no headers, nothing", () => {
    expect(extractHeaders(compileWholeMatch(".*"), [])).toEqual([]);
  });
});

describe("header matching", () => {
  test("the pattern must match the whole name, case-sensitively unless (?i)", () => {
    const headers = ["X-Forwarded-For-Real: a", "x-forwarded-for: b", "X-Forwarded-For: c"];
    expect(extractHeaders(compileWholeMatch("X-Forwarded-For"), headers)).toEqual([
      header("X-Forwarded-For", "c"),
    ]);
    expect(extractHeaders(compileWholeMatch("(?i)x-forwarded-for"), headers).map((c) => c.data)).toEqual([
      { name: "x-forwarded-for", value: "b" },
      { name: "X-Forwarded-For", value: "c" },
    ]);
  });

  test("values keep inner colons; name and value are trimmed like Java's String.trim", () => {
    expect(extractHeaders(compileWholeMatch("Host"), ["Host:  a.example:8080 \t"])).toEqual([
      header("Host", "a.example:8080"),
    ]);
    expect(javaTrim("\u0001 x \u007f")).toBe("x \u007f");
  });
});

describe("http header extractor enrichment", () => {
  test("accepts the example config Snowplow ships and reads the raw headers", async () => {
    const e = await build(httpHeaderExtractorEnrichment, config({ headersPattern: ".*" }));
    const input = enrichmentInput({}, { headers: ["Accept: text/html", "User-Agent: curl/8", "no colon"] });
    expect(contextsOf(e.enrich(input))).toEqual([
      header("Accept", "text/html"),
      header("User-Agent", "curl/8"),
    ]);
  });

  test("a pattern that does not compile is a config error", () => {
    const parsed = parseHttpHeaderExtractorConfig(config({ headersPattern: "(unclosed" }));
    expect(!parsed.ok && parsed.error.path).toBe("parameters.headersPattern");
  });

  test.skipIf(!sharedDir)(
    sharedDir ? "contexts are valid http_header 1-0-0" : sharedMissing("http_header validation"),
    () => {
      for (const c of extractHeaders(compileWholeMatch(".*"), ["Accept: text/html", "X-Empty:"])) {
        expect(validateAgainstIgluCentral(c).ok).toBe(true);
      }
    },
  );
});
