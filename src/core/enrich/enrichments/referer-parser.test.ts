/** @module Tests for the referer_parser enrichment: config, the project's tiny database, and referer-parser's test cases. */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  assetsDir,
  build,
  contextsOf,
  enrichmentInput,
  localDeps,
} from "../../../../test/enrich-enrichments/support.ts";
import { sharedDir, sharedMissing } from "../../../../test/support/shared.ts";
import type { SelfDescribingJson } from "../../event/enriched-event.ts";
import type { Enrichment } from "../enrichment.ts";
import { parseRefererParserConfig, parseRefererUri, refererParserEnrichment } from "./referer-parser.ts";

const tinyDir = join(assetsDir, "referer-parser");

function config(parameters: Record<string, unknown>, version = "2-0-1"): SelfDescribingJson {
  return {
    schema: `iglu:com.snowplowanalytics.snowplow/referer_parser/jsonschema/${version}`,
    data: { name: "referer_parser", vendor: "com.snowplowanalytics.snowplow", enabled: true, parameters },
  };
}

const tiny = (extra: Record<string, unknown> = {}) =>
  config({ internalDomains: [], uri: tinyDir, database: "referers-tiny.json", ...extra });

const PAGE_HOST = "www.snowplowanalytics.com";

function classify(e: Enrichment, referrer: string | null, pageHost: string | null = PAGE_HOST) {
  const input = enrichmentInput({ page_referrer: referrer, page_urlhost: pageHost });
  expect(contextsOf(e.enrich(input))).toEqual([]);
  const { refr_medium, refr_source, refr_term } = input.event;
  return { medium: refr_medium, source: refr_source, term: refr_term };
}

describe("parseRefererParserConfig", () => {
  test("accepts the example config Snowplow ships, with its inline referrers", () => {
    const parsed = parseRefererParserConfig(
      config({
        internalDomains: [],
        database: "referers-latest.json",
        uri: "https://s3-eu-west-1.amazonaws.com/snowplow-hosted-assets/third-party/referer-parser/",
        referrers: {
          search: {
            "Search website 1": { domains: ["search.acme.com"], parameters: ["q"] },
            "Search website 2": { domains: ["search.acmebis.com"] },
          },
          social: { "Social website": { domains: ["social.acme.com"] } },
        },
      }),
    );
    expect(parsed.ok && parsed.value.referrers.get("search.acme.com")).toEqual({
      medium: "search",
      source: "Search website 1",
      parameters: ["q"],
    });
    expect(parsed.ok && parsed.value.referrers.get("social.acme.com")?.parameters).toEqual([]);
  });

  test("referrers that are not an object fail with Enrich's message", () => {
    const parsed = parseRefererParserConfig(
      config({
        internalDomains: [],
        uri: "http://snowplow.com",
        database: "x.json",
        referrers: "not_an_object",
      }),
    );
    expect(!parsed.ok && parsed.error.message).toBe("Can't decode referers: Referers json must be an object");
  });

  test("internalDomains, uri and database are required", () => {
    const parsed = parseRefererParserConfig(config({ uri: "http://snowplow.com", database: "x.json" }));
    expect(!parsed.ok && parsed.error.path).toBe("parameters.internalDomains");
  });
});

describe("parseRefererUri", () => {
  test("reads scheme, host, decoded path and raw query as java.net.URI does", () => {
    expect(parseRefererUri("https://user@www.Google.com:8080/a%20b/c?q=x%20y#f")).toEqual({
      scheme: "https",
      host: "www.Google.com",
      path: "/a b/c",
      rawQuery: "q=x%20y",
    });
  });

  test("a host that is not a server name has no host (registry-based authority)", () => {
    expect(parseRefererUri("http://bigcommerce%20wordpress%20plugin/")?.host).toBeNull();
    expect(parseRefererUri("http://foo_bar.example/")?.host).toBeNull();
    expect(parseRefererUri("http://1.2.3.4/")?.host).toBe("1.2.3.4");
    expect(parseRefererUri("http://[::1]:80/")?.host).toBe("[::1]");
  });

  test("an opaque URI has no path", () => {
    expect(parseRefererUri("mailto:someone@example.com")?.path).toBeNull();
  });
});

describe("referer_parser on the project's tiny database", () => {
  test("classifies each medium, with the search term when the source names its parameter", async () => {
    const e = await build(refererParserEnrichment, tiny());
    expect(classify(e, "https://www.google.com/search?hl=en&q=gateway+oracle%20cards")).toEqual({
      medium: "search",
      source: "Google",
      term: "gateway oracle cards",
    });
    expect(classify(e, "http://www.facebook.com/l.php?u=x")).toEqual({
      medium: "social",
      source: "Facebook",
      term: null,
    });
    expect(classify(e, "https://mail.google.com/mail/u/0/")).toEqual({
      medium: "email",
      source: "Gmail",
      term: null,
    });
    expect(classify(e, "https://chatgpt.com/")).toEqual({ medium: "chatbot", source: "ChatGPT", term: null });
    expect(classify(e, "https://www.googleadservices.com/pagead")).toEqual({
      medium: "paid",
      source: "Google",
      term: null,
    });
  });

  test("a path-specific entry wins over the bare domain", async () => {
    const e = await build(refererParserEnrichment, tiny());
    expect(classify(e, "http://www.google.com/imgres/x?q=tarot")).toEqual({
      medium: "search",
      source: "Google Images",
      term: "tarot",
    });
  });

  test("an `unknown` entry and an unlisted domain are both unknown, with no source", async () => {
    const e = await build(refererParserEnrichment, tiny());
    expect(classify(e, "https://support.google.com/x")).toEqual({
      medium: "unknown",
      source: null,
      term: null,
    });
    expect(classify(e, "http://www.spyfu.com/domain.aspx?d=3")).toEqual({
      medium: "unknown",
      source: null,
      term: null,
    });
  });

  test("the page's own host and the configured internal domains are internal", async () => {
    const e = await build(refererParserEnrichment, tiny({ internalDomains: [" www.internaldomain.com "] }));
    expect(classify(e, "https://www.snowplowanalytics.com/account/profile").medium).toBe("internal");
    expect(classify(e, "https://www.internaldomain.com/path").medium).toBe("internal");
    expect(classify(e, "https://www.google.com/", null).medium).toBe("search");
  });

  test("tabs and newlines in the term are made TSV-safe", async () => {
    const e = await build(refererParserEnrichment, tiny());
    expect(classify(e, "http://www.google.com/search?q=%0Agateway%09oracle%09cards&hl=en").term).toBe(
      "gateway    oracle    cards",
    );
  });

  test("the config's referrers are laid over the database", async () => {
    const e = await build(
      refererParserEnrichment,
      tiny({ referrers: { search: { MyDomain: { domains: ["acme.com", "google.fr"] } } } }),
    );
    expect(classify(e, "http://www.acme.com?whatever")).toEqual({
      medium: "search",
      source: "MyDomain",
      term: null,
    });
    expect(classify(e, "http://www.google.fr/?q=x").source).toBe("MyDomain");
  });

  test("no referrer, or one that is not http(s)/android-app with a host, sets nothing", async () => {
    const e = await build(refererParserEnrichment, tiny());
    const nothing = { medium: null, source: null, term: null };
    for (const r of [
      null,
      "ftp://www.google.com/",
      "mailto:a@b.c",
      "http://bigcommerce%20wordpress%20plugin/",
      "/relative",
    ]) {
      expect(classify(e, r)).toEqual(nothing);
    }
    expect(classify(e, "android-app://com.google.android.gm").medium).toBe("unknown");
  });

  test("a missing or malformed database fails the build", async () => {
    const parsed = parseRefererParserConfig(
      config({ internalDomains: [], uri: tinyDir, database: "nope.json" }),
    );
    if (!parsed.ok) throw new Error(parsed.error.message);
    const missing = await refererParserEnrichment.create(parsed.value, localDeps());
    expect(!missing.ok && missing.error.message).toContain("could not load nope.json");
    const bad = await refererParserEnrichment.create(
      parsed.value,
      localDeps({ loadAsset: async () => new TextEncoder().encode('{"search": []}') }),
    );
    expect(!bad.ok && bad.error.message).toBe("Can't decode referers: Medium 'search' not an object");
  });
});

describe("referer_parser on referer-parser's own database and tests", () => {
  const dir = sharedDir === null ? "" : join(sharedDir, "fixtures/referer-parser");
  const title = (what: string) => (sharedDir ? what : sharedMissing(`referer_parser: ${what}`));

  test.skipIf(!sharedDir)(title("every case in referer-tests.json"), async () => {
    const e = await build(
      refererParserEnrichment,
      config({ internalDomains: [], uri: dir, database: "referers.json" }),
    );
    const cases = JSON.parse(readFileSync(join(dir, "referer-tests.json"), "utf8")) as {
      spec: string;
      uri: string;
      medium: string;
      source: string | null;
      term: string | null;
    }[];
    expect(cases.length).toBeGreaterThan(100);
    for (const c of cases) {
      expect({ spec: c.spec, ...classify(e, c.uri) }).toEqual({
        spec: c.spec,
        medium: c.medium,
        source: c.source,
        term: c.term,
      });
    }
  });

  test.skipIf(!sharedDir)(title("Enrich's RefererParserEnrichmentSpec cases"), async () => {
    const e = await build(
      refererParserEnrichment,
      config({ internalDomains: ["www.internaldomain.com"], uri: dir, database: "referers.json" }),
    );
    expect(
      classify(e, "http://www.google.com/search?q=gateway+oracle+cards+denise+linn&hl=en&client=safari"),
    ).toEqual({
      medium: "search",
      source: "Google",
      term: "gateway oracle cards denise linn",
    });
    expect(
      classify(e, "http://www.facebook.com/l.php?u=http%3A%2F%2Fwww.psychicbazaar.com&h=yAQHZtXxS&s=1"),
    ).toEqual({
      medium: "social",
      source: "Facebook",
      term: null,
    });
    expect(
      classify(
        e,
        "http://36ohk6dgmcd1n-c.c.yom.mail.yahoo.net/om/api/1.0/openmail.app.invoke/36ohk6dgmcd1n/11/1.0.35/us/en-US/view.html/0",
      ),
    ).toEqual({ medium: "email", source: "Yahoo! Mail", term: null });
    expect(classify(e, "https://www.chatgpt.com")).toEqual({
      medium: "chatbot",
      source: "ChatGPT",
      term: null,
    });
    expect(classify(e, "https://www.snowplowanalytics.com/account/profile").medium).toBe("internal");
    expect(classify(e, "https://www.internaldomain.com/path").medium).toBe("internal");
    expect(classify(e, "http://www.spyfu.com/domain.aspx?d=3897225171967988459").medium).toBe("unknown");
    expect(
      classify(
        e,
        "http://www.google.com/search?q=%0Agateway%09oracle%09cards%09denise%09linn&hl=en&client=safari",
      ).term,
    ).toBe("gateway    oracle    cards    denise    linn");
  });
});
