/** @module Tests for the IAB Spiders & Robots enrichment over the project's small lists. */
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
import type { Enrichment } from "../enrichment.ts";
import {
  decodeLatin1,
  iabSpidersAndRobotsEnrichment,
  parseIabConfig,
  parseIabDate,
  parsePipeRecords,
  readIpList,
  SPIDERS_AND_ROBOTS_SCHEMA,
} from "./iab-spiders-and-robots.ts";

const dir = join(assetsDir, "iab");

function config(extra: Record<string, unknown> = {}, version = "1-0-1", uri = dir): SelfDescribingJson {
  return {
    schema: `iglu:com.snowplowanalytics.snowplow.enrichments/iab_spiders_and_robots_enrichment/jsonschema/${version}`,
    data: {
      name: "iab_spiders_and_robots_enrichment",
      vendor: "com.snowplowanalytics.snowplow.enrichments",
      enabled: false,
      parameters: {
        ipFile: { database: "ip_exclude_current_cidr.txt", uri },
        excludeUseragentFile: { database: "exclude_current.txt", uri },
        includeUseragentFile: { database: "include_current.txt", uri },
        ...extra,
      },
    },
  };
}

const NOW = Date.parse("2024-06-01T12:00:00Z");

function check(e: Enrichment, useragent: string | null, ip: string | null, at: number | null = NOW) {
  const contexts = contextsOf(
    e.enrich(enrichmentInput({ useragent, user_ipaddress: ip, derived_tstamp: at })),
  );
  return contexts.length === 0 ? null : contexts[0]!.data;
}

const browser = { spiderOrRobot: false, category: "BROWSER", reason: "PASSED_ALL", primaryImpact: "NONE" };
const robot = (reason: string, category = "SPIDER_OR_ROBOT", primaryImpact = "UNKNOWN") => ({
  spiderOrRobot: true,
  category,
  reason,
  primaryImpact,
});

describe("parseIabConfig", () => {
  test("accepts the example config Snowplow ships (1-0-1) and 1-0-0 without custom lists", () => {
    const shipped = parseIabConfig(
      config({ excludeUseragents: [], includeUseragents: [] }, "1-0-1", "s3://my-private-bucket/iab"),
    );
    expect(shipped.ok && shipped.value.ipFile).toEqual({
      database: "ip_exclude_current_cidr.txt",
      uri: "s3://my-private-bucket/iab",
    });
    const old = parseIabConfig(config({}, "1-0-0"));
    expect(old.ok && old.value.includeUseragents).toEqual([]);
  });

  test("each file is required", () => {
    const c = config();
    const { ipFile: _, ...rest } = (c.data as { parameters: Record<string, unknown> }).parameters;
    const parsed = parseIabConfig({ ...c, data: { ...(c.data as object), parameters: rest } });
    expect(!parsed.ok && parsed.error.path).toBe("parameters.ipFile.uri");
  });
});

describe("the list files", () => {
  test("pipe records: comments and blank lines skipped, quotes honoured, short records kept", () => {
    expect(parsePipeRecords('# c\n\na|1|\r\n"b|c"|0\nd\n')).toEqual([["a", "1", ""], ["b|c", "0"], ["d"]]);
  });

  test("dates are MM/dd/yyyy at UTC midnight; anything else is no date", () => {
    expect(parseIabDate("03/30/2017")).toBe(Date.UTC(2017, 2, 30));
    expect(parseIabDate("")).toBeNull();
    expect(parseIabDate("2017-03-30")).toBeNull();
  });

  test("IP lists take addresses and blocks; a malformed block is an error, a malformed address is skipped", () => {
    const list = readIpList("10.0.0.0/8\n1.2.3.4\nnot-an-ip\n");
    expect(list.ok && [list.value.blocks.length, [...list.value.addresses]]).toEqual([1, ["1.2.3.4"]]);
    const bad = readIpList("10.0.0.0/99\n");
    expect(!bad.ok && bad.error).toBe("line 1: '10.0.0.0/99' is not an IP address block");
  });

  test("ISO-8859-1 is decoded byte for byte", () => {
    expect(decodeLatin1(new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x80]))).toBe("café\u0080");
  });
});

describe("IAB enrichment", () => {
  test("a listed IP address fails the IP check, by address or by block, v4 or v6", async () => {
    const e = await build(iabSpidersAndRobotsEnrichment, config());
    for (const ip of [
      "198.51.100.42",
      "203.0.113.7",
      "2001:db8:bad:1::5",
      "2001:db8:0:0:0:0:dead:beef",
      "203.0.113.7:443",
    ]) {
      expect(check(e, "Mozilla/5.0 (X11)", ip)).toEqual(robot("FAILED_IP_EXCLUDE"));
    }
    expect(check(e, "Mozilla/5.0 (X11)", "203.0.113.8")).toEqual(browser);
  });

  test("an agent matching no include pattern fails the include check", async () => {
    const e = await build(iabSpidersAndRobotsEnrichment, config());
    expect(check(e, "curl/8.0", "192.0.2.1")).toEqual(robot("FAILED_UA_INCLUDE"));
    // `mozilla` must be at the start; `opera` too.
    expect(check(e, "Something Mozilla-like", null)).toEqual(robot("FAILED_UA_INCLUDE"));
    expect(check(e, "FurrowBrowser/1.0 anywhere", null)).toEqual(browser);
    expect(check(e, "x quoted|browser x", null)).toEqual(browser);
  });

  test("an inactive include record counts only before its inactive date", async () => {
    const e = await build(iabSpidersAndRobotsEnrichment, config());
    expect(check(e, "Retired Browser 2", null, Date.UTC(2020, 5, 29))).toEqual(browser);
    expect(check(e, "Retired Browser 2", null, Date.UTC(2020, 5, 30))).toEqual(robot("FAILED_UA_INCLUDE"));
  });

  test("the exclude list gives active robots with their impact, honouring exceptions and start-of-string", async () => {
    const e = await build(iabSpidersAndRobotsEnrichment, config());
    expect(check(e, "Mozilla/5.0 FurrowBot/1.0", null)).toEqual(
      robot("FAILED_UA_EXCLUDE", "ACTIVE_SPIDER_OR_ROBOT", "PAGE_IMPRESSIONS"),
    );
    expect(check(e, "Mozilla/5.0 (some crawler)", null)).toEqual(
      robot("FAILED_UA_EXCLUDE", "ACTIVE_SPIDER_OR_ROBOT", "AD_IMPRESSIONS"),
    );
    expect(check(e, "Mozilla/5.0 (a Friendly Crawler)", null)).toEqual(browser);
    expect(check(e, "Mozilla/5.0 (compatible; Scanner/2)", null)).toEqual(
      robot("FAILED_UA_EXCLUDE", "ACTIVE_SPIDER_OR_ROBOT", "PAGE_AND_AD_IMPRESSIONS"),
    );
  });

  test("an exclude record with an inactive date is active before it and inactive after; without one it is off", async () => {
    const e = await build(iabSpidersAndRobotsEnrichment, config());
    const ua = "Mozilla/5.0 OldBot";
    expect(check(e, ua, null, Date.UTC(2021, 0, 14))).toEqual(
      robot("FAILED_UA_EXCLUDE", "ACTIVE_SPIDER_OR_ROBOT", "PAGE_AND_AD_IMPRESSIONS"),
    );
    expect(check(e, ua, null, Date.UTC(2021, 0, 16))).toEqual(
      robot("FAILED_UA_EXCLUDE", "INACTIVE_SPIDER_OR_ROBOT", "PAGE_AND_AD_IMPRESSIONS"),
    );
    expect(check(e, "Mozilla/5.0 DeadBot", null)).toEqual(browser);
  });

  test("a record with an invalid impact flag fails the event with the client's message", async () => {
    const e = await build(iabSpidersAndRobotsEnrichment, config());
    const outcome = e.enrich(enrichmentInput({ useragent: "Mozilla/5.0 WeirdBot", derived_tstamp: NOW }));
    expect(outcome).toEqual({
      kind: "failed",
      messages: [{ kind: "Simple", error: "Invalid value of impression flag: '7'" }],
    });
  });

  test("custom lists (1-0-1): include wins over exclude, then over the IP check", async () => {
    const e = await build(
      iabSpidersAndRobotsEnrichment,
      config({ includeUseragents: ["TrustedBot"], excludeUseragents: ["Bot", "SCRAPER"] }),
    );
    expect(check(e, "TRUSTEDBOT/1.0", "198.51.100.1")).toEqual(browser);
    expect(check(e, "OtherBot/1.0", null)).toEqual(robot("FAILED_UA_EXCLUDE"));
    expect(check(e, "my scraper", null)).toEqual(robot("FAILED_UA_EXCLUDE"));
  });

  test("no user agent: the IP alone decides; no derived_tstamp or neither input: no context", async () => {
    const e = await build(iabSpidersAndRobotsEnrichment, config());
    expect(check(e, null, "198.51.100.1")).toEqual(robot("FAILED_IP_EXCLUDE"));
    expect(check(e, "   ", "192.0.2.1")).toEqual(browser);
    expect(check(e, "Mozilla/5.0", "192.0.2.1", null)).toBeNull();
    expect(check(e, null, null)).toBeNull();
    expect(check(e, " ", "not an ip")).toBeNull();
  });

  test("a missing file or a bad IP block fails the build", async () => {
    const parsed = parseIabConfig(config());
    if (!parsed.ok) throw new Error(parsed.error.message);
    const missing = await iabSpidersAndRobotsEnrichment.create(
      parsed.value,
      localDeps({
        loadAsset: async (_u, db) =>
          db === "include_current.txt" ? Promise.reject(new Error("gone")) : new Uint8Array(),
      }),
    );
    expect(!missing.ok && missing.error).toMatchObject({
      path: "parameters.includeUseragentFile",
      message: `could not load include_current.txt from ${dir}: gone`,
    });
    const badIp = await iabSpidersAndRobotsEnrichment.create(
      parsed.value,
      localDeps({ loadAsset: async () => new TextEncoder().encode("1.2.3.0/33\n") }),
    );
    expect(!badIp.ok && badIp.error.path).toBe("parameters.ipFile");
  });

  test("the context carries the schema", async () => {
    const e = await build(iabSpidersAndRobotsEnrichment, config());
    const input = enrichmentInput({ useragent: "Mozilla/5.0", derived_tstamp: NOW });
    expect(contextsOf(e.enrich(input))[0]!.schema).toBe(SPIDERS_AND_ROBOTS_SCHEMA);
  });

  test.skipIf(!sharedDir)(
    sharedDir
      ? "contexts are valid spiders_and_robots 1-0-0"
      : sharedMissing("spiders_and_robots validation"),
    async () => {
      const e = await build(iabSpidersAndRobotsEnrichment, config());
      for (const [ua, ip] of [
        ["Mozilla/5.0", "198.51.100.1"],
        ["curl", null],
        ["Mozilla/5.0 FurrowBot", null],
        ["Mozilla/5.0", null],
      ] as const) {
        const input = enrichmentInput({ useragent: ua, user_ipaddress: ip, derived_tstamp: NOW });
        for (const c of contextsOf(e.enrich(input)))
          expect(validateAgainstIgluCentral(c)).toEqual({ ok: true, value: undefined });
      }
    },
  );
});
