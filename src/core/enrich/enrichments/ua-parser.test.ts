/** @module Tests for the ua_parser enrichment and its uap-java rule semantics. */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import {
  assetsDir,
  build,
  contextsOf,
  enrichmentInput,
  localDeps,
  validateAgainstIgluCentral,
} from "../../../../test/enrich-enrichments/support.ts";
import { sharedDir, sharedMissing } from "../../../../test/support/shared.ts";
import type { SelfDescribingJson } from "../../event/enriched-event.ts";
import { parseUaParserConfig, UA_PARSER_CONTEXT_SCHEMA, uaParserEnrichment } from "./ua-parser.ts";
import { compileUapRules } from "./uap-rules.ts";

const config = (parameters?: Record<string, unknown>, version = "1-0-1"): SelfDescribingJson => ({
  schema: `iglu:com.snowplowanalytics.snowplow/ua_parser_config/jsonschema/${version}`,
  data: {
    vendor: "com.snowplowanalytics.snowplow",
    name: "ua_parser_config",
    enabled: true,
    ...(parameters === undefined ? {} : { parameters }),
  },
});

const customRules = { uri: join(assetsDir, "ua-parser"), database: "furrow-regexes.yaml" };

const mobileSafari =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 5_1_1 like Mac OS X) AppleWebKit/534.46 (KHTML, like Gecko) Version/5.1 Mobile/9B206 Safari/7534.48.3";
const safari =
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_10) AppleWebKit/600.1.25 (KHTML, like Gecko) Version/8.0 Safari/600.1.25";
const chrome =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.109 Safari/537.36";

function contextFor(e: { enrich: (i: ReturnType<typeof enrichmentInput>) => unknown }, ua: string | null) {
  return contextsOf(e.enrich(enrichmentInput({ useragent: ua })) as never);
}

describe("parseUaParserConfig", () => {
  test("accepts the example config Snowplow ships (custom rules)", () => {
    const parsed = parseUaParserConfig(
      config({ database: "regexes-latest.yaml", uri: "s3://snowplow-hosted-assets/third-party/ua-parser/" }),
    );
    expect(parsed.ok && parsed.value.rules).toEqual({
      database: "regexes-latest.yaml",
      uri: "s3://snowplow-hosted-assets/third-party/ua-parser/",
    });
  });

  test("1-0-0 with empty parameters, or none, uses the bundled rules", () => {
    const empty = parseUaParserConfig(config({}, "1-0-0"));
    expect(empty.ok && empty.value.rules).toBeNull();
    const none = parseUaParserConfig(config(undefined, "1-0-0"));
    expect(none.ok && none.value.rules).toBeNull();
  });

  test("a uri without database is an error", () => {
    const parsed = parseUaParserConfig(config({ uri: "s3://bucket/ua" }));
    expect(!parsed.ok && parsed.error.path).toBe("parameters.database");
  });
});

describe("ua_parser enrichment with the bundled rules", () => {
  test("Enrich's examples: Mobile Safari on iOS, Safari on macOS", async () => {
    const e = await build(uaParserEnrichment, config());
    expect(contextFor(e, mobileSafari)).toEqual([
      {
        schema: UA_PARSER_CONTEXT_SCHEMA,
        data: {
          useragentFamily: "Mobile Safari",
          useragentMajor: "5",
          useragentMinor: "1",
          useragentPatch: null,
          useragentVersion: "Mobile Safari 5.1",
          osFamily: "iOS",
          osMajor: "5",
          osMinor: "1",
          osPatch: "1",
          osPatchMinor: null,
          osVersion: "iOS 5.1.1",
          deviceFamily: "iPhone",
        },
      },
    ]);
    expect(contextFor(e, safari)[0]!.data).toEqual({
      useragentFamily: "Safari",
      useragentMajor: "8",
      useragentMinor: "0",
      useragentPatch: null,
      useragentVersion: "Safari 8.0",
      osFamily: "Mac OS X",
      osMajor: "10",
      osMinor: "10",
      osPatch: null,
      osPatchMinor: null,
      osVersion: "Mac OS X 10.10",
      deviceFamily: "Mac",
    });
  });

  test("a desktop Chrome and an unknown agent", async () => {
    const e = await build(uaParserEnrichment, config());
    expect(contextFor(e, chrome)[0]!.data).toMatchObject({
      useragentFamily: "Chrome",
      useragentVersion: "Chrome 120.0.6099",
      osFamily: "Windows",
      osMajor: "10",
      deviceFamily: "Other",
    });
    expect(contextFor(e, "")[0]!.data).toMatchObject({
      useragentFamily: "Other",
      useragentMajor: null,
      useragentVersion: "Other",
      osFamily: "Other",
      osVersion: "Other",
      deviceFamily: "Other",
    });
  });

  test("no user agent, no context", async () => {
    const e = await build(uaParserEnrichment, config());
    expect(contextFor(e, null)).toEqual([]);
  });

  test("repeated agents are served from the cache", async () => {
    const e = await build(uaParserEnrichment, config());
    const first = contextFor(e, chrome)[0];
    expect(contextFor(e, chrome)[0]).toBe(first);
  });

  test.skipIf(!sharedDir)(
    sharedDir ? "contexts are valid ua_parser_context 1-0-0" : sharedMissing("ua_parser_context validation"),
    async () => {
      const e = await build(uaParserEnrichment, config());
      for (const ua of [mobileSafari, safari, chrome, "", "curl/8.0"]) {
        for (const c of contextFor(e, ua))
          expect(validateAgainstIgluCentral(c)).toEqual({ ok: true, value: undefined });
      }
    },
  );
});

describe("ua_parser enrichment with custom rules", () => {
  test("the config's regexes file replaces the bundled one", async () => {
    const e = await build(uaParserEnrichment, config(customRules));
    expect(contextFor(e, mobileSafari)[0]!.data).toEqual({
      useragentFamily: "Furrow Test Family",
      useragentMajor: null,
      useragentMinor: null,
      useragentPatch: null,
      useragentVersion: "Furrow Test Family",
      osFamily: "Furrow Test OS",
      osMajor: null,
      osMinor: null,
      osPatch: null,
      osPatchMinor: null,
      osVersion: "Furrow Test OS",
      deviceFamily: "Furrow Test Device",
    });
    expect(contextFor(e, "FurrowBot/2.7 (FurrowOS 9; FURROWPHONE x1)")[0]!.data).toMatchObject({
      useragentFamily: "Furrow FurrowBot",
      useragentVersion: "Furrow FurrowBot 2.7",
      osVersion: "Furrow OS 9",
      deviceFamily: "Furrow x1",
    });
  });

  test("an unreadable or invalid rules file fails the build as Enrich does", async () => {
    const parsed = parseUaParserConfig(config({ uri: customRules.uri, database: "NotAFile" }));
    if (!parsed.ok) throw new Error(parsed.error.message);
    const missing = await uaParserEnrichment.create(parsed.value, localDeps());
    expect(!missing.ok && missing.error.message).toMatch(
      /^Failed to initialize ua parser: \[could not load NotAFile/,
    );
    const invalid = await uaParserEnrichment.create(
      parsed.value,
      localDeps({
        loadAsset: async () => new TextEncoder().encode("user_agent_parsers: []\nos_parsers: []\n"),
      }),
    );
    expect(!invalid.ok && invalid.error.message).toBe(
      "Failed to initialize ua parser: [device_parsers is missing from yaml]",
    );
  });
});

describe("uap-java rule semantics", () => {
  const parser = (doc: unknown) => {
    const r = compileUapRules(doc);
    if (!r.ok) throw new Error(r.error);
    return r.value;
  };

  test("user agent: $1 in the family, literal v1/v2, no patch when v2 is replaced, empty groups absent", () => {
    const p = parser({
      user_agent_parsers: [
        { regex: "A/(\\d+)\\.(\\d+)\\.(\\d+)", family_replacement: "Agent", v2_replacement: "x" },
        { regex: "(B)(\\d*)/(\\d+)\\.(\\d+)", family_replacement: "$1 $1" },
      ],
      os_parsers: [],
      device_parsers: [],
    });
    expect(p.parse("A/1.2.3").userAgent).toEqual({ family: "Agent", major: "2", minor: "x", patch: null });
    expect(p.parse("B/1.2").userAgent).toEqual({ family: "B $1", major: null, minor: "1", patch: "2" });
  });

  test("os: every $1 in the family, $N version references, patch-minor from group 5", () => {
    const p = parser({
      user_agent_parsers: [],
      os_parsers: [{ regex: "(W)(\\d)(\\d)(\\d)(\\d)", os_replacement: "$1-$1", os_v1_replacement: "$3" }],
      device_parsers: [],
    });
    expect(p.parse("W1234").os).toEqual({
      family: "W-W",
      major: "2",
      minor: "2",
      patch: "3",
      patchMinor: "4",
    });
  });

  test("device: each $N substituted, missing groups empty, trimmed; the i flag", () => {
    const p = parser({
      user_agent_parsers: [],
      os_parsers: [],
      device_parsers: [{ regex: "phone ([a-z]+)( pro)?", regex_flag: "i", device_replacement: "$1$2 " }],
    });
    expect(p.parse("PHONE x").device.family).toBe("x");
    expect(p.parse("Phone y pro").device.family).toBe("y pro");
    expect(p.parse("tablet").device.family).toBe("Other");
  });

  test("a rule yielding no family does not match; the next one is tried", () => {
    const p = parser({
      user_agent_parsers: [{ regex: "(X)?Y" }, { regex: "Y", family_replacement: "Second" }],
      os_parsers: [],
      device_parsers: [],
    });
    expect(p.parse("Y").userAgent.family).toBe("Second");
  });
});
