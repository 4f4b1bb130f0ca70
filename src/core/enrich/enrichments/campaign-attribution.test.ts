/** @module Tests for the campaign_attribution enrichment, on Enrich's own cases (CampaignAttributionEnrichmentSpec). */
import { describe, expect, test } from "bun:test";
import { build, contextsOf, enrichmentInput } from "../../../../test/enrich-enrichments/support.ts";
import type { SelfDescribingJson } from "../../event/enriched-event.ts";
import {
  type CampaignAttributionConfig,
  campaignAttributionEnrichment,
  DEFAULT_CLICK_IDS,
  extractMarketingFields,
  parseCampaignAttributionConfig,
  parseFormQuery,
  rawQueryOf,
} from "./campaign-attribution.ts";

const config = (fields: Record<string, unknown>, version = "1-0-1"): SelfDescribingJson => ({
  schema: `iglu:com.snowplowanalytics.snowplow/campaign_attribution/jsonschema/${version}`,
  data: {
    name: "campaign_attribution",
    vendor: "com.snowplowanalytics.snowplow",
    enabled: true,
    parameters: { mapping: "static", fields },
  },
});

const shippedFields = {
  mktMedium: ["utm_medium"],
  mktSource: ["utm_source"],
  mktTerm: ["utm_term"],
  mktContent: ["utm_content"],
  mktCampaign: ["utm_campaign"],
};

function settings(
  lists: Partial<Record<"mktMedium" | "mktSource" | "mktTerm" | "mktContent" | "mktCampaign", string[]>>,
  clickIds: (readonly [string, string])[] = [],
): CampaignAttributionConfig {
  return {
    schemaKey: {
      vendor: "v",
      name: "n",
      format: "jsonschema",
      version: { model: 1, revision: 0, addition: 0 },
    },
    mktMedium: lists.mktMedium ?? [],
    mktSource: lists.mktSource ?? [],
    mktTerm: lists.mktTerm ?? [],
    mktContent: lists.mktContent ?? [],
    mktCampaign: lists.mktCampaign ?? [],
    mktClickId: clickIds,
  };
}

const q = (pairs: [string, string][]) => new Map<string, string | null>(pairs);
const googleUri = q([
  ["utm_source", "GoogleSearch"],
  ["utm_medium", "cpc"],
  ["utm_term", "native american tarot deck"],
  ["utm_content", "39254295088"],
  ["utm_campaign", "uk-tarot--native-american"],
]);
const heterogeneousUri = q([
  ["utm_source", "GoogleSearch"],
  ["source", "bad_source"],
  ["utm_medium", "cpc"],
  ["legacy_term", "bad_term"],
  ["utm_term", "native american tarot deck"],
  ["legacy_campaign", "bad_campaign"],
  ["cid", "uk-tarot--native-american"],
]);
const none = {
  medium: null,
  source: null,
  term: null,
  content: null,
  campaign: null,
  clickId: null,
  network: null,
};

describe("extractMarketingFields (Enrich's cases)", () => {
  test("no configured fields give an empty campaign", () => {
    expect(extractMarketingFields(settings({}), googleUri)).toEqual(none);
  });

  test("the standard Google-style settings", () => {
    const s = settings({
      mktMedium: ["utm_medium"],
      mktSource: ["utm_source"],
      mktTerm: ["utm_term"],
      mktContent: ["utm_content"],
      mktCampaign: ["utm_campaign"],
    });
    expect(extractMarketingFields(s, googleUri)).toEqual({
      ...none,
      medium: "cpc",
      source: "GoogleSearch",
      term: "native american tarot deck",
      content: "39254295088",
      campaign: "uk-tarot--native-american",
    });
  });

  test("the standard Omniture settings", () => {
    const s = settings({ mktCampaign: ["cid"] });
    expect(extractMarketingFields(s, q([["cid", "uk-tarot--native-american"]]))).toEqual({
      ...none,
      campaign: "uk-tarot--native-american",
    });
  });

  const precedence = settings({
    mktMedium: ["utm_medium", "medium"],
    mktSource: ["utm_source", "source"],
    mktTerm: ["utm_term", "legacy_term"],
    mktContent: ["utm_content"],
    mktCampaign: ["utm_campaign", "cid", "legacy_campaign"],
  });
  const precedenceResult = {
    ...none,
    medium: "cpc",
    source: "GoogleSearch",
    term: "native american tarot deck",
    campaign: "uk-tarot--native-american",
  };

  test("the configured order decides, not the query's", () => {
    expect(extractMarketingFields(precedence, heterogeneousUri)).toEqual(precedenceResult);
  });

  test("click ids give mkt_clickid and mkt_network", () => {
    const withClick = new Map([...heterogeneousUri, ["msclkid", "500"]]);
    expect(extractMarketingFields({ ...precedence, mktClickId: DEFAULT_CLICK_IDS }, withClick)).toEqual({
      ...precedenceResult,
      clickId: "500",
      network: "Microsoft",
    });
  });
});

describe("parseCampaignAttributionConfig", () => {
  test("accepts the example config Snowplow ships, with the default click ids", () => {
    const parsed = parseCampaignAttributionConfig(config(shippedFields));
    expect(parsed.ok && parsed.value.mktMedium).toEqual(["utm_medium"]);
    expect(parsed.ok && parsed.value.mktClickId).toEqual(DEFAULT_CLICK_IDS);
  });

  test("custom click ids are merged over the defaults", () => {
    const parsed = parseCampaignAttributionConfig(
      config({ ...shippedFields, mktClickId: { gclid: "Google Ads", fbclid: "Facebook" } }),
    );
    expect(parsed.ok && parsed.value.mktClickId).toEqual([
      ["gclid", "Google Ads"],
      ["msclkid", "Microsoft"],
      ["dclid", "DoubleClick"],
      ["fbclid", "Facebook"],
    ]);
  });

  test("1-0-0 (no mktClickId, no mapping) parses", () => {
    expect(parseCampaignAttributionConfig(config(shippedFields, "1-0-0")).ok).toBe(true);
  });

  test("a missing field list is an error at its path", () => {
    const { mktTerm: _, ...rest } = shippedFields;
    const parsed = parseCampaignAttributionConfig(config(rest));
    expect(!parsed.ok && parsed.error.path).toBe("parameters.fields.mktTerm");
  });
});

describe("page URL query", () => {
  test("rawQueryOf takes what lies between ? and #, with spaces encoded", () => {
    expect(rawQueryOf("http://a.com/p?x=1&y=2#frag?z=3")).toBe("x=1&y=2");
    expect(rawQueryOf("http://a.com/p#frag?z=3")).toBeNull();
    expect(rawQueryOf("http://a.com/p?q=a b")).toBe("q=a%20b");
  });

  test("parseFormQuery decodes like URLEncodedUtils: + and %XX, ; as a separator, last value wins", () => {
    const p = parseFormQuery("a=1+2&b=%E2%9C%93;c&=x&a=3&d=%zz&e=", "UTF-8");
    expect([...p]).toEqual([
      ["a", "3"],
      ["b", "✓"],
      ["c", null],
      ["d", "%zz"],
      ["e", ""],
    ]);
  });

  test("the payload's encoding decodes the escapes", () => {
    expect(parseFormQuery("t=caf%E9", "ISO-8859-1").get("t")).toBe("café");
  });
});

describe("campaign_attribution enrichment", () => {
  test("sets the mkt_* fields from the page URL, TSV-safe", async () => {
    const e = await build(
      campaignAttributionEnrichment,
      config({ ...shippedFields, mktMedium: ["utm_medium"] }),
    );
    const input = enrichmentInput({
      page_url:
        "https://shop.example.com/?utm_source=news&utm_medium=e%09mail&utm_campaign=&gclid=abc&utm_term=a+b#top",
    });
    expect(contextsOf(e.enrich(input))).toEqual([]);
    expect(input.event).toMatchObject({
      mkt_medium: "e    mail",
      mkt_source: "news",
      mkt_term: "a b",
      mkt_content: null,
      mkt_campaign: null,
      mkt_clickid: "abc",
      mkt_network: "Google",
    });
  });

  test("a page URL without a query clears the fields; no page URL leaves them alone", async () => {
    const e = await build(campaignAttributionEnrichment, config(shippedFields));
    const noQuery = enrichmentInput({ page_url: "https://a.example/", mkt_source: "x" });
    e.enrich(noQuery);
    expect(noQuery.event.mkt_source).toBeNull();
    const noUrl = enrichmentInput({ mkt_source: "x" });
    e.enrich(noUrl);
    expect(noUrl.event.mkt_source).toBe("x");
  });
});
