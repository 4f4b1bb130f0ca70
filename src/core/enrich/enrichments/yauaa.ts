/**
 * @module
 * The YAUAA enrichment (`com.snowplowanalytics.snowplow.enrichments/yauaa_enrichment_config` 1-0-*,
 * Enrich's `YauaaEnrichment.scala`): adds a `nl.basjes/yauaa_context/jsonschema/1-0-5` context for
 * the event's `useragent`. An empty or missing user agent gives `{"deviceClass": "Unknown"}`, as
 * Enrich does; every other agent gets the fields below.
 *
 * Yauaa itself is a Java library with thousands of matcher rules; there is no JavaScript port. This
 * enrichment derives Yauaa's fields from ua-parser-js 1.x, named and valued as Yauaa names and values
 * them, as far as that can be done honestly. Values are approximations wherever the two libraries
 * see an agent differently, and a consumer should treat the context as "Yauaa-shaped":
 *
 * | Field | How it is derived | Fidelity |
 * |---|---|---|
 * | deviceClass | ua-parser-js device type (mobile → Phone, tablet → Tablet, smarttv → TV, console → Game Console, wearable → Watch, xr → Virtual Reality), a desktop OS → Desktop, an untyped Android/iOS device → Mobile, a crawler token → Robot | good for common agents; Yauaa's finer classes (eReader, Set-top box, Robot Mobile, Hacker, Anonymized) are never produced |
 * | deviceName, deviceBrand | vendor + model; `Apple Macintosh`, `Linux Desktop`, `Desktop` for computers; a crawler's site name for robots | approximate (Yauaa normalises model names, e.g. `Nexus ONE`) |
 * | deviceCpu, deviceCpuBits | ua-parser-js CPU architecture (amd64, ia32, arm64, arm) | partial |
 * | operatingSystemClass/Name/Version(+Major, NameVersion, NameVersionMajor) | ua-parser-js OS, renamed to Yauaa's names (`Windows NT`, `Mac OS`); Windows NT 10.0 is `>=10` unless the `Sec-CH-UA-Platform-Version` client hint tells 10 from 11 | good |
 * | operatingSystemVersionBuild | the `Build/…` token of Android agents | good |
 * | layoutEngineClass/Name/Version(+Major, NameVersion, NameVersionMajor) | ua-parser-js engine (WebKit is `AppleWebKit`; Blink's version is the Chrome major, `62.0`) | good |
 * | agentClass/Name/Version(+Major, NameVersion, NameVersionMajor) | ua-parser-js browser, renamed (`Internet Explorer`, `Stock Android Browser`, `Chrome Webview`, Mobile Safari is `Safari`); a frozen Chrome version (`106.0.0.0`) is its major, or the full version from `Sec-CH-UA-Full-Version-List` | good |
 *
 * Fields Yauaa fills with defaults (`webviewAppName: "Unknown"`, `networkType: "Unknown"`, …) and
 * the rarer ones (agentLanguage, agentSecurity, device/firmware versions, Facebook and Kobo fields,
 * hacker fields) are not produced. Results are cached per user agent and client hints
 * (`cacheSize`, default 10,000 as Yauaa's).
 */
import { UAParser } from "ua-parser-js";
import type { SelfDescribingJson } from "../../event/enriched-event.ts";
import { schemaCriterion } from "../../iglu/schema-criterion.ts";
import type { SchemaKey } from "../../iglu/schema-key.ts";
import { err, ok, type Result } from "../../result.ts";
import type { Enrichment, EnrichmentConfigError, EnrichmentFactory, EnrichmentInput } from "../enrichment.ts";
import { LruCache } from "./lru-cache.ts";
import { ConfigReader } from "./parseable-enrichment.ts";

/** The parsed `yauaa_enrichment_config` config. */
export interface YauaaConfig {
  readonly schemaKey: SchemaKey;
  readonly cacheSize: number | null;
}

export const YAUAA_CONTEXT_SCHEMA = "iglu:nl.basjes/yauaa_context/jsonschema/1-0-5";

const criterion = schemaCriterion(
  "com.snowplowanalytics.snowplow.enrichments",
  "yauaa_enrichment_config",
  "jsonschema",
  1,
  0,
);
const reader = new ConfigReader("yauaa_enrichment_config");

/** Parses Snowplow's `yauaa_enrichment_config` config. */
export function parseYauaaConfig(json: unknown): Result<YauaaConfig, EnrichmentConfigError> {
  const config = reader.config(json, criterion);
  if (!config.ok) return config;
  const cacheSize = reader.optionalInteger(config.value.data, ["parameters", "cacheSize"]);
  if (!cacheSize.ok) return cacheSize;
  if (cacheSize.value !== null && cacheSize.value < 0) {
    return err(reader.error("parameters.cacheSize", "cacheSize must not be negative"));
  }
  return ok({ schemaKey: config.value.schemaKey, cacheSize: cacheSize.value });
}

/** The client hints (RFC 8942, WICG UA-CH) the approximation reads, by lower-case header name. */
export interface ClientHints {
  readonly fullVersionList?: string;
  readonly platform?: string;
  readonly platformVersion?: string;
}

/** Reads the client hints from `Name: value` headers (as Enrich passes them to Yauaa). */
export function clientHints(headers: readonly string[]): ClientHints {
  const hints: { fullVersionList?: string; platform?: string; platformVersion?: string } = {};
  for (const h of headers) {
    const i = h.indexOf(":");
    if (i === -1) continue;
    const name = h.slice(0, i).trim().toLowerCase();
    if (!name.startsWith("sec-ch-ua-")) continue;
    const value = h.slice(i + 1).trim();
    if (name === "sec-ch-ua-full-version-list") hints.fullVersionList = value;
    else if (name === "sec-ch-ua-platform") hints.platform = value.replaceAll('"', "");
    else if (name === "sec-ch-ua-platform-version") hints.platformVersion = value.replaceAll('"', "");
  }
  return hints;
}

const UNKNOWN = "Unknown";
const UNKNOWN_VERSION = "??";

const desktopOses = new Set([
  "Windows",
  "Mac OS",
  "macOS",
  "Linux",
  "Ubuntu",
  "Debian",
  "Fedora",
  "Chromium OS",
  "Chrome OS",
  "FreeBSD",
  "OpenBSD",
  "NetBSD",
  "Solaris",
  "Mint",
  "Arch",
  "Gentoo",
  "CentOS",
  "RedHat",
  "SUSE",
  "Mandriva",
  "Slackware",
  "Kubuntu",
  "Xubuntu",
  "Lubuntu",
  "Unix",
  "Haiku",
  "elementary OS",
  "Deepin",
  "Manjaro",
]);
const mobileOses = new Set([
  "Android",
  "iOS",
  "Windows Phone",
  "Windows Mobile",
  "BlackBerry",
  "KaiOS",
  "HarmonyOS",
  "Symbian",
  "Firefox OS",
  "Sailfish",
  "Bada",
  "webOS",
]);
const consoleOses = new Set(["PlayStation", "Xbox", "Nintendo"]);

const deviceClasses: Readonly<Record<string, string>> = {
  mobile: "Phone",
  tablet: "Tablet",
  smarttv: "TV",
  console: "Game Console",
  wearable: "Watch",
  xr: "Virtual Reality",
  embedded: UNKNOWN,
};

const agentNames: Readonly<Record<string, string>> = {
  "Mobile Safari": "Safari",
  "Chrome WebView": "Chrome Webview",
  "Android Browser": "Stock Android Browser",
  IE: "Internet Explorer",
  IEMobile: "IE Mobile",
  "Mobile Firefox": "Firefox",
  "Samsung Internet": "SamsungBrowser",
  "Chrome Headless": "HeadlessChrome",
  WebKit: "AppleWebKit",
};

const cpus: Readonly<Record<string, readonly [string, string]>> = {
  amd64: ["Intel x86_64", "64"],
  ia32: ["Intel i686", "32"],
  arm64: ["ARM v8", "64"],
  arm: ["ARM", "32"],
};

// Crawlers name themselves with a token ending in bot/crawler/spider, or as one of a few well-known
// agents; the optional version follows a slash.
const robotToken = /\b([A-Za-z][\w.-]*?(?:bot|crawler|spider|Slurp|archiver))(?:\/([0-9][\w.]*))?/i;
const robotMarkers = /bot\b|crawl|spider|slurp|facebookexternalhit|mediapartners-google|bingpreview/i;
const robotSite =
  /https?:\/\/(?:www\.)?(?:[\w-]+\.)*?([\w-]+)\.(?:com|net|org|io|ai|co|de|fr|ru|cn|jp)(?:\.[a-z]{2})?\b/i;

const capitalize = (s: string) => (s === "" ? s : s[0]!.toUpperCase() + s.slice(1));
const majorOf = (version: string) => version.split(".")[0]!;

/** The Yauaa fields, in a stable order. */
export type YauaaFields = Record<string, string>;

function robotFields(ua: string): YauaaFields {
  const token = robotToken.exec(ua);
  const name = token?.[1] ?? UNKNOWN;
  const version = token?.[2] ?? UNKNOWN_VERSION;
  const site = robotSite.exec(ua)?.[1];
  const brand = site === undefined ? UNKNOWN : capitalize(site.toLowerCase());
  return {
    deviceClass: "Robot",
    deviceName: brand,
    deviceBrand: brand,
    operatingSystemClass: "Cloud",
    operatingSystemName: brand === UNKNOWN ? "Cloud" : `${brand} Cloud`,
    operatingSystemVersion: UNKNOWN_VERSION,
    operatingSystemVersionMajor: UNKNOWN_VERSION,
    operatingSystemNameVersion: `${brand === UNKNOWN ? "Cloud" : `${brand} Cloud`} ${UNKNOWN_VERSION}`,
    operatingSystemNameVersionMajor: `${brand === UNKNOWN ? "Cloud" : `${brand} Cloud`} ${UNKNOWN_VERSION}`,
    layoutEngineClass: "Robot",
    layoutEngineName: UNKNOWN,
    layoutEngineVersion: UNKNOWN_VERSION,
    layoutEngineVersionMajor: UNKNOWN_VERSION,
    layoutEngineNameVersion: `${UNKNOWN} ${UNKNOWN_VERSION}`,
    layoutEngineNameVersionMajor: `${UNKNOWN} ${UNKNOWN_VERSION}`,
    agentClass: "Robot",
    agentName: name,
    agentVersion: version,
    agentVersionMajor: version === UNKNOWN_VERSION ? version : majorOf(version),
    agentNameVersion: `${name} ${version}`,
    agentNameVersionMajor: `${name} ${version === UNKNOWN_VERSION ? version : majorOf(version)}`,
  };
}

/** The full version of `brand` in a `Sec-CH-UA-Full-Version-List` header, e.g. `"Google Chrome";v="106.0.5249.119"`. */
function hintedVersion(list: string | undefined, brands: readonly string[]): string | null {
  if (list === undefined) return null;
  for (const m of list.matchAll(/"([^"]*)"\s*;\s*v\s*=\s*"([^"]*)"/g)) {
    if (brands.includes(m[1]!)) return m[2]!;
  }
  return null;
}

const hintBrands: Readonly<Record<string, readonly string[]>> = {
  Chrome: ["Google Chrome", "Chromium"],
  Edge: ["Microsoft Edge"],
  Opera: ["Opera"],
};

/** Derives Yauaa's fields for a non-empty user agent. */
export function analyzeUserAgent(ua: string, hints: ClientHints = {}): YauaaFields {
  if (robotMarkers.test(ua)) return robotFields(ua);
  const r = new UAParser(ua).getResult();
  const osName = r.os.name;
  const type = r.device.type;

  // Device.
  let deviceClass: string;
  if (type !== undefined) deviceClass = deviceClasses[type] ?? UNKNOWN;
  else if (osName !== undefined && desktopOses.has(osName)) deviceClass = "Desktop";
  else if (osName !== undefined && mobileOses.has(osName)) deviceClass = "Mobile";
  else deviceClass = UNKNOWN;
  let brand = r.device.vendor ?? (/^(?:Nexus|Pixel)\b/.test(r.device.model ?? "") ? "Google" : undefined);
  let model = r.device.model?.replace(/^(iPhone|iPad|iPod)\d+,\d+$/, "$1");
  if (deviceClass === "Desktop") {
    if (osName === "Mac OS" || osName === "macOS") {
      brand = "Apple";
      model = "Macintosh";
    } else model = osName !== undefined && osName !== "Windows" ? "Linux Desktop" : "Desktop";
  }
  const deviceBrand = brand ?? UNKNOWN;
  const deviceName =
    model === undefined
      ? deviceBrand
      : brand === undefined || model.startsWith(brand)
        ? model
        : `${brand} ${model}`;
  const cpu = r.cpu.architecture === undefined ? undefined : cpus[r.cpu.architecture];

  // Operating system.
  let osClass = UNKNOWN;
  if (osName !== undefined) {
    if (consoleOses.has(osName)) osClass = "Game Console";
    else if (deviceClass === "TV" || deviceClass === "Watch")
      osClass = deviceClass === "TV" ? "Embedded" : "Mobile";
    else if (desktopOses.has(osName)) osClass = "Desktop";
    else if (mobileOses.has(osName)) osClass = "Mobile";
  }
  let osNameOut = osName ?? UNKNOWN;
  let osVersion = r.os.version ?? UNKNOWN_VERSION;
  if (osName === "Windows" && !/Windows (?:Phone|Mobile|CE)/.test(ua)) {
    osNameOut = "Windows NT";
    if (osVersion === "10") {
      // Windows 11 still sends NT 10.0; only the platform-version client hint tells them apart.
      const pv =
        hints.platform === "Windows" && hints.platformVersion !== undefined
          ? Number(majorOf(hints.platformVersion))
          : Number.NaN;
      osVersion = Number.isNaN(pv) ? ">=10" : pv >= 13 ? "11" : "10";
    }
  }
  const osMajor =
    osVersion === UNKNOWN_VERSION || osVersion.startsWith(">=") ? osVersion : majorOf(osVersion);
  const build = /\bBuild\/([^;)]+)/.exec(ua)?.[1]?.trim();

  // Layout engine.
  const engineName =
    r.engine.name === undefined ? UNKNOWN : r.engine.name === "WebKit" ? "AppleWebKit" : r.engine.name;
  let engineVersion = r.engine.version ?? UNKNOWN_VERSION;
  if (engineName === "Blink" && engineVersion !== UNKNOWN_VERSION)
    engineVersion = `${majorOf(engineVersion)}.0`;
  const engineMajor = engineVersion === UNKNOWN_VERSION ? engineVersion : majorOf(engineVersion);

  // Agent.
  const browser = r.browser.name;
  const agentName = browser === undefined ? UNKNOWN : (agentNames[browser] ?? browser);
  let agentVersion = r.browser.version ?? UNKNOWN_VERSION;
  if (browser !== undefined && hintBrands[browser] !== undefined) {
    const hinted = hintedVersion(hints.fullVersionList, hintBrands[browser]!);
    // Chrome 101+ freezes its version to MAJOR.0.0.0; Yauaa then reports the major only.
    if (hinted !== null) agentVersion = hinted;
    else if (/^\d+\.0\.0\.0$/.test(agentVersion)) agentVersion = majorOf(agentVersion);
  }
  const agentMajor =
    r.browser.major ?? (agentVersion === UNKNOWN_VERSION ? agentVersion : majorOf(agentVersion));
  const agentClass =
    browser === undefined
      ? UNKNOWN
      : browser === "Chrome WebView" || /; wv\)/.test(ua)
        ? "Browser Webview"
        : "Browser";

  const fields: YauaaFields = { deviceClass, deviceName, deviceBrand };
  if (cpu !== undefined) {
    fields["deviceCpu"] = cpu[0];
    fields["deviceCpuBits"] = cpu[1];
  }
  Object.assign(fields, {
    operatingSystemClass: osClass,
    operatingSystemName: osNameOut,
    operatingSystemVersion: osVersion,
    operatingSystemVersionMajor: osMajor,
    operatingSystemNameVersion: `${osNameOut} ${osVersion}`,
    operatingSystemNameVersionMajor: `${osNameOut} ${osMajor}`,
  });
  if (build !== undefined && build !== "") fields["operatingSystemVersionBuild"] = build;
  Object.assign(fields, {
    layoutEngineClass: engineName === UNKNOWN ? UNKNOWN : "Browser",
    layoutEngineName: engineName,
    layoutEngineVersion: engineVersion,
    layoutEngineVersionMajor: engineMajor,
    layoutEngineNameVersion: `${engineName} ${engineVersion}`,
    layoutEngineNameVersionMajor: `${engineName} ${engineMajor}`,
    agentClass,
    agentName,
    agentVersion,
    agentVersionMajor: agentMajor,
    agentNameVersion: `${agentName} ${agentVersion}`,
    agentNameVersionMajor: `${agentName} ${agentMajor}`,
  });
  return fields;
}

const DEFAULT_CONTEXT: SelfDescribingJson = Object.freeze({
  schema: YAUAA_CONTEXT_SCHEMA,
  data: Object.freeze({ deviceClass: UNKNOWN }),
});

// Yauaa's limits (yauaa_context 1-0-5 maxLength): long values are cut rather than failing validation.
const limit = (fields: YauaaFields): YauaaFields => {
  for (const [k, v] of Object.entries(fields)) {
    const max =
      k === "deviceClass" ||
      k.endsWith("Class") ||
      k === "deviceBrand" ||
      k === "deviceCpu" ||
      k === "deviceCpuBits"
        ? 128
        : k.endsWith("Name")
          ? 256
          : 1000;
    if (v.length > max) fields[k] = v.slice(0, max);
  }
  return fields;
};

class YauaaEnrichment implements Enrichment {
  readonly name = "yauaa_enrichment_config" as const;
  readonly #cache: LruCache<string, SelfDescribingJson> | null;

  constructor(
    readonly schemaKey: SchemaKey,
    cacheSize: number,
  ) {
    this.#cache = cacheSize > 0 ? new LruCache(cacheSize) : null;
  }

  enrich({ event, raw }: EnrichmentInput) {
    const ua = event.useragent;
    if (ua === null || ua === "") return { kind: "enriched" as const, contexts: [DEFAULT_CONTEXT] };
    const hints = clientHints(raw.headers);
    const key =
      hints.fullVersionList === undefined && hints.platformVersion === undefined
        ? ua
        : `${ua}\n${hints.fullVersionList ?? ""}\n${hints.platform ?? ""}\n${hints.platformVersion ?? ""}`;
    const compute = (): SelfDescribingJson => ({
      schema: YAUAA_CONTEXT_SCHEMA,
      data: limit(analyzeUserAgent(ua, hints)),
    });
    const context = this.#cache === null ? compute() : this.#cache.getOrCompute(key, compute);
    return { kind: "enriched" as const, contexts: [context] };
  }
}

/** The YAUAA enrichment (approximated with ua-parser-js; see the module notes). */
export const yauaaEnrichment: EnrichmentFactory = {
  name: "yauaa_enrichment_config",
  parse: parseYauaaConfig,
  async create(parsed) {
    const c = parsed as YauaaConfig;
    return ok(new YauaaEnrichment(c.schemaKey, c.cacheSize ?? 10_000));
  },
};
