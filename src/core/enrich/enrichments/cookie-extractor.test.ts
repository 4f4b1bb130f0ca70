/** @module Tests for the cookie extractor enrichment, on Enrich's own cases (CookieExtractorEnrichmentSpec). */
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
  cookieExtractorEnrichment,
  extractCookies,
  HTTP_COOKIE_SCHEMA,
  parseCookieExtractorConfig,
  parseCookiePairs,
} from "./cookie-extractor.ts";

const config = (parameters: Record<string, unknown>): SelfDescribingJson => ({
  schema: "iglu:com.snowplowanalytics.snowplow/cookie_extractor_config/jsonschema/1-0-0",
  data: {
    name: "cookie_extractor_config",
    vendor: "com.snowplowanalytics.snowplow",
    enabled: true,
    parameters,
  },
});

const cookie = (name: string, value: string | null) => ({
  schema: HTTP_COOKIE_SCHEMA,
  data: { name, value },
});

describe("extractCookies (Enrich's cases)", () => {
  test("no Cookie header gives nothing", () => {
    expect(extractCookies(new Set(["cookieKey1"]), ["Content-Length: 348"])).toEqual([]);
  });

  test("no configured cookie in the header gives nothing", () => {
    expect(extractCookies(new Set(["cookieKey1"]), ["Cookie: not-interesting-cookie=1234;"])).toEqual([]);
  });

  test("found cookies, across headers, with empty names, empty and missing values, quotes", () => {
    const headers = ["cookie: ck1;=cv2;ck3=", 'Cookie:ck4=cv4;ck5="cv5"'];
    expect(extractCookies(new Set(["ck1", "", "ck3", "ck4", "ck5"]), headers)).toEqual([
      cookie("ck1", null),
      cookie("", "cv2"),
      cookie("ck3", ""),
      cookie("ck4", "cv4"),
      cookie("ck5", "cv5"),
    ]);
  });
});

describe("parseCookiePairs (HttpCore's BasicHeaderValueParser)", () => {
  test("whitespace around tokens is dropped; inside a quoted value it is kept", () => {
    expect(parseCookiePairs('  a = 1 ; b="x  y" ;c')).toEqual([
      { name: "a", value: "1" },
      { name: "b", value: "x  y" },
      { name: "c", value: null },
    ]);
  });

  test("a comma ends the list, as it ends a header element", () => {
    expect(parseCookiePairs("a=1, b=2")).toEqual([{ name: "a", value: "1" }]);
  });

  test("backslash escapes inside quotes", () => {
    expect(parseCookiePairs('a="q\\"uo\\\\te\\n"')).toEqual([{ name: "a", value: 'q"uo\\te\\n' }]);
  });
});

describe("cookie extractor enrichment", () => {
  test("accepts the example config Snowplow ships and extracts from the raw headers", async () => {
    const e = await build(cookieExtractorEnrichment, config({ cookies: ["sp"] }));
    const input = enrichmentInput(
      {},
      { headers: ["Host: a.example", "Cookie: _ga=1; sp=c6ef3124-b53a; x=y"] },
    );
    expect(contextsOf(e.enrich(input))).toEqual([cookie("sp", "c6ef3124-b53a")]);
    expect(contextsOf(e.enrich(enrichmentInput()))).toEqual([]);
  });

  test("the header name must be exactly `cookie` before the colon, in any case", async () => {
    const e = await build(cookieExtractorEnrichment, config({ cookies: ["sp"] }));
    expect(contextsOf(e.enrich(enrichmentInput({}, { headers: ["COOKIE: sp=1", "Cookie : sp=2"] })))).toEqual(
      [cookie("sp", "1")],
    );
  });

  test("cookies is required", () => {
    const parsed = parseCookieExtractorConfig(config({}));
    expect(!parsed.ok && parsed.error.path).toBe("parameters.cookies");
  });

  test.skipIf(!sharedDir)(
    sharedDir ? "contexts are valid http_cookie 1-0-0" : sharedMissing("http_cookie validation"),
    () => {
      for (const c of extractCookies(new Set(["a", "b"]), ["Cookie: a=1; b"])) {
        expect(validateAgainstIgluCentral(c).ok).toBe(true);
      }
    },
  );
});
