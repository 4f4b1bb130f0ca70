/**
 * @module
 * bot_detection: each indicator, the switches, and Enrich's indicator order.
 */
import { describe, expect, test } from "bun:test";
import type { SelfDescribingJson } from "../../event/enriched-event.ts";
import { BOT_DETECTION_SCHEMA, botDetectionEnrichment } from "./bot-detection.ts";
import { contextsOf, enrichmentInput, testDeps } from "./enrichment-input.test-support.ts";

function config(parameters: Record<string, unknown>, version = "1-0-1") {
  return {
    schema: `iglu:com.snowplowanalytics.snowplow.enrichments/bot_detection_enrichment_config/jsonschema/${version}`,
    data: {
      vendor: "com.snowplowanalytics.snowplow.enrichments",
      name: "bot_detection_enrichment_config",
      enabled: true,
      parameters,
    },
  };
}

const all = { useYauaa: true, useIab: true, useAsnLookups: true, useClientSideDetection: true };

async function verdict(
  parameters: Record<string, unknown>,
  derived: SelfDescribingJson[],
  tracked: SelfDescribingJson[] = [],
) {
  const parsed = botDetectionEnrichment.parse(config(parameters));
  if (!parsed.ok) throw new Error(parsed.error.message);
  const built = await botDetectionEnrichment.create(parsed.value, testDeps());
  if (!built.ok) throw new Error(built.error.message);
  const contexts = contextsOf(
    await built.value.enrich(enrichmentInput({ event: { contexts: tracked }, derivedContexts: derived })),
  );
  expect(contexts).toHaveLength(1);
  expect(contexts[0]!.schema).toBe(BOT_DETECTION_SCHEMA);
  return contexts[0]!.data;
}

const yauaa = (deviceClass: string, agentClass = "Browser"): SelfDescribingJson => ({
  schema: "iglu:nl.basjes/yauaa_context/jsonschema/1-0-5",
  data: { deviceClass, agentClass },
});
const iab = (spiderOrRobot: boolean): SelfDescribingJson => ({
  schema: "iglu:com.iab.snowplow/spiders_and_robots/jsonschema/1-0-0",
  data: { spiderOrRobot, category: "SPIDER_OR_ROBOT", reason: "FAILED_UA_INCLUDE", primaryImpact: "UNKNOWN" },
});
const asn = (likelyBot: boolean): SelfDescribingJson => ({
  schema: "iglu:com.snowplowanalytics.snowplow/asn/jsonschema/1-0-1",
  data: { number: 16509, likelyBot },
});
const clientSide = (bot: boolean): SelfDescribingJson => ({
  schema: "iglu:com.snowplowanalytics.snowplow/client_side_bot_detection/jsonschema/1-0-0",
  data: { bot },
});

describe("the bot_detection enrichment", () => {
  test("no signals: not a bot, but the context is always added", async () => {
    expect(await verdict(all, [yauaa("Desktop"), iab(false), asn(false)])).toEqual({
      bot: false,
      indicators: [],
    });
    expect(await verdict(all, [])).toEqual({ bot: false, indicators: [] });
  });

  test("each derived signal", async () => {
    expect(await verdict(all, [yauaa("Robot")])).toEqual({ bot: true, indicators: ["yauaa"] });
    expect(await verdict(all, [yauaa("Robot Imitator")])).toEqual({ bot: true, indicators: ["yauaa"] });
    expect(await verdict(all, [yauaa("Desktop", "Robot Mobile")])).toEqual({
      bot: true,
      indicators: ["yauaa"],
    });
    expect(await verdict(all, [iab(true)])).toEqual({ bot: true, indicators: ["iab"] });
    expect(await verdict(all, [asn(true)])).toEqual({ bot: true, indicators: ["asnLookups"] });
  });

  test("Enrich's order: client-side first, then derived in the order the enrichments ran", async () => {
    // Derived contexts are newest first: ASN (latest) before YAUAA before IAB (earliest).
    const derived = [asn(true), yauaa("Robot"), iab(true)];
    expect(await verdict(all, derived, [clientSide(true)])).toEqual({
      bot: true,
      indicators: ["clientSideDetection", "iab", "yauaa", "asnLookups"],
    });
  });

  test("switched-off indicators and other versions are ignored", async () => {
    const off = { useYauaa: false, useIab: false, useAsnLookups: false };
    expect(await verdict(off, [yauaa("Robot"), iab(true), asn(true)], [clientSide(true)])).toEqual({
      bot: false,
      indicators: [],
    });
    const olderYauaa = {
      schema: "iglu:nl.basjes/yauaa_context/jsonschema/1-0-4",
      data: { deviceClass: "Robot" },
    };
    expect(await verdict(all, [olderYauaa])).toEqual({ bot: false, indicators: [] });
  });

  test("a client-side signal in derived contexts does not count", async () => {
    expect(await verdict(all, [clientSide(true)])).toEqual({ bot: false, indicators: [] });
  });

  test("1-0-0 configs may leave out useClientSideDetection; the others are required", () => {
    const { useClientSideDetection: _, ...without } = all;
    expect(botDetectionEnrichment.parse(config(without, "1-0-0")).ok).toBe(true);
    const { useIab: __, ...noIab } = all;
    expect(botDetectionEnrichment.parse(config(noIab)).ok).toBe(false);
  });
});
