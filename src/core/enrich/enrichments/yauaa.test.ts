/** @module Tests for the YAUAA enrichment's approximation, against Enrich's own expectations (YauaaEnrichmentSpec). */
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
  analyzeUserAgent,
  clientHints,
  parseYauaaConfig,
  YAUAA_CONTEXT_SCHEMA,
  yauaaEnrichment,
} from "./yauaa.ts";

const config = (parameters?: Record<string, unknown>): SelfDescribingJson => ({
  schema: "iglu:com.snowplowanalytics.snowplow.enrichments/yauaa_enrichment_config/jsonschema/1-0-0",
  data: {
    enabled: true,
    vendor: "com.snowplowanalytics.snowplow.enrichments",
    name: "yauaa_enrichment_config",
    ...(parameters === undefined ? {} : { parameters }),
  },
});

// The agents of Enrich's YauaaEnrichmentSpec.
const ua = {
  ipad: "Mozilla/5.0 (iPad; CPU OS 6_1_3 like Mac OS X) AppleWebKit/536.26 (KHTML, like Gecko) Version/6.0 Mobile/10B329 Safari/8536.25",
  iphoneX:
    "Mozilla/5.0 (iPhone; CPU iPhone OS 11_0 like Mac OS X) AppleWebKit/604.1.38 (KHTML, like Gecko) Version/11.0 Mobile/15A372 Safari/604.1",
  iphone7:
    "Mozilla/5.0 (iPhone9,3; U; CPU iPhone OS 10_0_1 like Mac OS X) AppleWebKit/602.1.50 (KHTML, like Gecko) Version/10.0 Mobile/14A403 Safari/602.1",
  galaxyTab:
    "Mozilla/5.0 (Linux; U; Android 2.2; fr-fr; GT-P1000 Build/FROYO) AppleWebKit/533.1 (KHTML, like Gecko) Version/4.0 Mobile Safari/533.1",
  galaxyS9:
    "Mozilla/5.0 (Linux; Android 8.0.0; SM-G960F Build/R16NW) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/62.0.3202.84 Mobile Safari/537.36",
  galaxyS8:
    "Mozilla/5.0 (Linux; Android 7.0; SM-G892A Build/NRD90M; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/60.0.3112.107 Mobile Safari/537.36",
  xperiaXZ:
    "Mozilla/5.0 (Linux; Android 7.1.1; G8231 Build/41.2.A.0.219; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/59.0.3071.125 Mobile Safari/537.36",
  nexusOne:
    "Mozilla/5.0 (Linux; U; Android 2.2; en-us; Nexus One Build/FRF91) AppleWebKit/533.1 (KHTML, like Gecko) Version/4.0 Mobile Safari/533.1",
  nexusS:
    "Mozilla/5.0 (Linux; Android 4.1.2; Nexus S Build/JZO54K) AppleWebKit/535.19 (KHTML, like Gecko) Chrome/18.0.1025.166 Mobile Safari/535.19",
  playstation4: "Mozilla/5.0 (PlayStation 4 1.52) AppleWebKit/536.26 (KHTML, like Gecko)",
  chrome13:
    "Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/535.1 (KHTML, like Gecko) Chrome/13.0.782.112 Safari/535.1",
  chrome106:
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/106.0.0.0 Safari/537.36",
  chromium:
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.22 (KHTML, like Gecko) Ubuntu Chromium/25.0.1364.160 Chrome/25.0.1364.160 Safari/537.22",
  firefox: "Mozilla/5.0 (Windows NT 6.1; rv:2.0b7pre) Gecko/20100921 Firefox/4.0b7pre",
  ie: "Mozilla/5.0 (compatible; MSIE 9.0; Windows NT 6.0; Trident/5.0)",
  opera: "Mozilla/4.0 (compatible; MSIE 6.0; MSIE 5.5; Windows NT 5.0) Opera 7.02 Bork-edition [en]",
  safari:
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_8_4) AppleWebKit/536.30.1 (KHTML, like Gecko) Version/6.0.5 Safari/536.30.1",
  googleBot: "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
};

function field(name: string, expected: Record<string, string>) {
  for (const [agent, value] of Object.entries(expected)) {
    expect({ agent, [name]: analyzeUserAgent(ua[agent as keyof typeof ua])[name] }).toEqual({
      agent,
      [name]: value,
    });
  }
}

describe("analyzeUserAgent matches Enrich's YAUAA expectations", () => {
  test("deviceClass", () =>
    field("deviceClass", {
      chromium: "Desktop",
      galaxyTab: "Tablet",
      ipad: "Tablet",
      nexusS: "Phone",
      playstation4: "Game Console",
      googleBot: "Robot",
    }));

  test("deviceName (where ua-parser-js and Yauaa agree)", () =>
    field("deviceName", {
      galaxyS9: "Samsung SM-G960F",
      galaxyS8: "Samsung SM-G892A",
      xperiaXZ: "Sony G8231",
      iphone7: "Apple iPhone",
      iphoneX: "Apple iPhone",
      nexusS: "Google Nexus S",
      playstation4: "Sony PlayStation 4",
      googleBot: "Google",
    }));

  test("operatingSystemClass", () =>
    field("operatingSystemClass", {
      chromium: "Desktop",
      ie: "Desktop",
      ipad: "Mobile",
      nexusS: "Mobile",
      playstation4: "Game Console",
      googleBot: "Cloud",
    }));

  test("operatingSystemName", () =>
    field("operatingSystemName", {
      chromium: "Ubuntu",
      ie: "Windows NT",
      nexusOne: "Android",
      iphoneX: "iOS",
      ipad: "iOS",
      safari: "Mac OS",
      googleBot: "Google Cloud",
    }));

  test("layoutEngineClass", () =>
    field("layoutEngineClass", {
      chrome13: "Browser",
      ie: "Browser",
      nexusOne: "Browser",
      iphoneX: "Browser",
      ipad: "Browser",
      safari: "Browser",
      playstation4: "Browser",
      googleBot: "Robot",
    }));

  test("agentClass", () =>
    field("agentClass", {
      chromium: "Browser",
      ie: "Browser",
      nexusOne: "Browser",
      iphoneX: "Browser",
      ipad: "Browser",
      safari: "Browser",
      playstation4: "Browser",
      googleBot: "Robot",
    }));

  test("agentName", () =>
    field("agentName", {
      chrome13: "Chrome",
      chromium: "Chromium",
      firefox: "Firefox",
      ie: "Internet Explorer",
      nexusOne: "Stock Android Browser",
      iphoneX: "Safari",
      ipad: "Safari",
      opera: "Opera",
      safari: "Safari",
      googleBot: "Googlebot",
    }));

  test("client hints give the full version of a frozen Chrome agent", () => {
    const hint =
      'Sec-CH-UA-Full-Version-List: "Chromium";v="106.0.5249.119", "Google Chrome";v="106.0.5249.119", "Not;A=Brand";v="99.0.0.0"';
    expect(analyzeUserAgent(ua.chrome106)["agentNameVersion"]).toBe("Chrome 106");
    expect(analyzeUserAgent(ua.chrome106, clientHints([hint]))["agentNameVersion"]).toBe(
      "Chrome 106.0.5249.119",
    );
  });

  test("the platform-version hint tells Windows 11 from 10", () => {
    expect(analyzeUserAgent(ua.chrome106)["operatingSystemVersion"]).toBe(">=10");
    const w11 = clientHints(['Sec-CH-UA-Platform: "Windows"', 'Sec-CH-UA-Platform-Version: "15.0.0"']);
    expect(analyzeUserAgent(ua.chrome106, w11)["operatingSystemNameVersion"]).toBe("Windows NT 11");
  });

  test("the Galaxy S9 context: the fields Enrich's example shares with the approximation", () => {
    expect(analyzeUserAgent(ua.galaxyS9)).toEqual({
      deviceClass: "Phone",
      deviceName: "Samsung SM-G960F",
      deviceBrand: "Samsung",
      operatingSystemClass: "Mobile",
      operatingSystemName: "Android",
      operatingSystemVersion: "8.0.0",
      operatingSystemVersionMajor: "8",
      operatingSystemNameVersion: "Android 8.0.0",
      operatingSystemNameVersionMajor: "Android 8",
      operatingSystemVersionBuild: "R16NW",
      layoutEngineClass: "Browser",
      layoutEngineName: "Blink",
      layoutEngineVersion: "62.0",
      layoutEngineVersionMajor: "62",
      layoutEngineNameVersion: "Blink 62.0",
      layoutEngineNameVersionMajor: "Blink 62",
      agentClass: "Browser",
      agentName: "Chrome",
      agentVersion: "62.0.3202.84",
      agentVersionMajor: "62",
      agentNameVersion: "Chrome 62.0.3202.84",
      agentNameVersionMajor: "Chrome 62",
    });
  });

  test("an Android WebView is a Browser Webview", () => {
    expect(analyzeUserAgent(ua.galaxyS8)).toMatchObject({
      agentClass: "Browser Webview",
      agentName: "Chrome Webview",
    });
  });

  test("desktop computers get Yauaa's device names and the CPU", () => {
    expect(analyzeUserAgent(ua.chrome13)).toMatchObject({
      deviceName: "Desktop",
      deviceBrand: "Unknown",
      deviceCpu: "Intel x86_64",
      deviceCpuBits: "64",
      operatingSystemNameVersion: "Windows NT 7",
    });
    expect(analyzeUserAgent(ua.safari)).toMatchObject({
      deviceName: "Apple Macintosh",
      deviceBrand: "Apple",
    });
    expect(analyzeUserAgent(ua.chromium)).toMatchObject({ deviceName: "Linux Desktop" });
  });

  test("an agent nothing recognises is Unknown with ?? versions", () => {
    expect(analyzeUserAgent("something/1.0")).toMatchObject({
      deviceClass: "Unknown",
      agentClass: "Unknown",
      agentNameVersion: "Unknown ??",
      operatingSystemNameVersion: "Unknown ??",
    });
  });
});

describe("yauaa enrichment", () => {
  test("accepts the example config Snowplow ships, and a cacheSize", () => {
    expect(parseYauaaConfig(config()).ok).toBe(true);
    const sized = parseYauaaConfig(config({ cacheSize: 42 }));
    expect(sized.ok && sized.value.cacheSize).toBe(42);
    const bad = parseYauaaConfig(config({ cacheSize: "big" }));
    expect(!bad.ok && bad.error.path).toBe("parameters.cacheSize");
  });

  test("an empty or missing user agent gives deviceClass Unknown only", async () => {
    const e = await build(yauaaEnrichment, config());
    const expected = [{ schema: YAUAA_CONTEXT_SCHEMA, data: { deviceClass: "Unknown" } }];
    expect(contextsOf(e.enrich(enrichmentInput({ useragent: null })))).toEqual(expected);
    expect(contextsOf(e.enrich(enrichmentInput({ useragent: "" })))).toEqual(expected);
  });

  test("reads client hints from the raw headers; the explicit user agent wins over the header", async () => {
    const e = await build(yauaaEnrichment, config({ cacheSize: 0 }));
    const input = enrichmentInput(
      { useragent: ua.chrome106 },
      {
        headers: ["User-Agent: curl/7.54", 'Sec-CH-UA-Full-Version-List: "Google Chrome";v="106.0.5249.119"'],
      },
    );
    expect(contextsOf(e.enrich(input))[0]!.data).toMatchObject({
      agentName: "Chrome",
      agentNameVersion: "Chrome 106.0.5249.119",
    });
  });

  test.skipIf(!sharedDir)(
    sharedDir ? "contexts are valid yauaa_context 1-0-5" : sharedMissing("yauaa_context validation"),
    async () => {
      const e = await build(yauaaEnrichment, config());
      for (const agent of [...Object.values(ua), "", "x".repeat(3000), "curl/8.0"]) {
        for (const c of contextsOf(e.enrich(enrichmentInput({ useragent: agent })))) {
          expect(validateAgainstIgluCentral(c)).toEqual({ ok: true, value: undefined });
        }
      }
    },
  );
});
