/**
 * @module
 * asn_lookups: the bot-ASN list from the config and from a CSV asset, the in-place rewrite of the
 * asn context, and the platform bypass.
 */
import { describe, expect, test } from "bun:test";
import type { SelfDescribingJson } from "../../event/enriched-event.ts";
import { ASN_CONTEXT_SCHEMA, asnLookupsEnrichment, parseBotAsnsCsv } from "./asn-lookups.ts";
import { enrichmentInput, testDeps } from "./enrichment-input.test-support.ts";

const csv = "asn,name\n16509,Amazon.com Inc.\n 15169 ,Google LLC\n";

function config(parameters: Record<string, unknown>) {
  return {
    schema: "iglu:com.snowplowanalytics.snowplow.enrichments/asn_lookups/jsonschema/1-0-0",
    data: {
      vendor: "com.snowplowanalytics.snowplow.enrichments",
      name: "asn_lookups",
      enabled: true,
      parameters,
    },
  };
}

async function build(parameters: Record<string, unknown>) {
  const parsed = asnLookupsEnrichment.parse(config(parameters));
  if (!parsed.ok) throw new Error(parsed.error.message);
  const deps = testDeps({
    loadAsset: async (uri, database) => {
      if (uri === "http://assets.example.com/asn" && database === "bot-asns.csv")
        return new TextEncoder().encode(csv);
      throw new Error("not found");
    },
  });
  return asnLookupsEnrichment.create(parsed.value, deps);
}

const asn = (number: number, organization?: string | null): SelfDescribingJson => ({
  schema: ASN_CONTEXT_SCHEMA,
  data: organization === undefined ? { number } : { number, organization },
});
const other: SelfDescribingJson = { schema: "iglu:com.acme/other/jsonschema/1-0-0", data: {} };

describe("parseBotAsnsCsv", () => {
  test("skips the header and trims the first field", () => {
    expect(parseBotAsnsCsv(csv)).toEqual({ ok: true, value: [16509, 15169] });
  });
  test("a line that is not a number is an error, as in Enrich", () => {
    expect(parseBotAsnsCsv("asn\nabc,x\n")).toEqual({
      ok: false,
      error: 'Failed to parse CSV file with ASNs. Error: For input string: "abc"',
    });
  });
});

describe("the asn_lookups enrichment", () => {
  const parameters = {
    botAsnsFile: { uri: "http://assets.example.com/asn", database: "bot-asns.csv" },
    botAsns: [{ asn: 14061, name: "DigitalOcean" }],
    bypassPlatforms: ["srv"],
  };

  test("marks listed ASNs (config and file) and keeps the others' order", async () => {
    const built = await build(parameters);
    if (!built.ok) throw new Error(built.error.message);
    for (const [number, bot] of [
      [14061, true],
      [16509, true],
      [15169, true],
      [3320, false],
    ] as const) {
      const input = enrichmentInput({
        event: { platform: "web" },
        derivedContexts: [other, asn(number, "Org")],
      });
      expect(await built.value.enrich(input)).toEqual({
        kind: "enriched",
        contexts: [
          other,
          { schema: ASN_CONTEXT_SCHEMA, data: { number, organization: "Org", likelyBot: bot } },
        ],
        replacesDerivedContexts: true,
      });
    }
  });

  test("a null organization is left out; a context without a number is unchanged", async () => {
    const built = await build({ botAsns: [] });
    if (!built.ok) throw new Error(built.error.message);
    const odd: SelfDescribingJson = { schema: ASN_CONTEXT_SCHEMA, data: { number: "x" } };
    const input = enrichmentInput({ derivedContexts: [asn(1, null), odd] });
    const outcome = await built.value.enrich(input);
    expect(outcome.kind === "enriched" && outcome.contexts).toEqual([
      { schema: ASN_CONTEXT_SCHEMA, data: { number: 1, likelyBot: false } },
      odd,
    ]);
  });

  test("bypassed platforms and events without an asn context are untouched", async () => {
    const built = await build(parameters);
    if (!built.ok) throw new Error(built.error.message);
    const bypassed = enrichmentInput({ event: { platform: "srv" }, derivedContexts: [asn(14061)] });
    expect(await built.value.enrich(bypassed)).toEqual({ kind: "enriched", contexts: [] });
    const none = enrichmentInput({ event: { platform: "web" }, derivedContexts: [other] });
    expect(await built.value.enrich(none)).toEqual({ kind: "enriched", contexts: [] });
  });

  test("an unreadable ASN file fails start-up", async () => {
    const built = await build({
      botAsnsFile: { uri: "http://assets.example.com/asn", database: "missing.csv" },
    });
    expect(built.ok).toBe(false);
  });

  test("a bad botAsns entry is a config error", () => {
    expect(asnLookupsEnrichment.parse(config({ botAsns: [{ name: "x" }] })).ok).toBe(false);
  });
});
