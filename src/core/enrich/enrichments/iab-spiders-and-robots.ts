/**
 * @module
 * The IAB Spiders & Robots enrichment (`com.snowplowanalytics.snowplow.enrichments/
 * iab_spiders_and_robots_enrichment` 1-0-*, Enrich's `IabEnrichment.scala` over Snowplow's
 * iab-spiders-and-robots-java-client): adds a `com.iab.snowplow/spiders_and_robots/jsonschema/1-0-0`
 * context `{spiderOrRobot, category, reason, primaryImpact}` from the IAB/ABC International Spiders
 * and Bots List, which the user licenses and supplies as three files (`ipFile`,
 * `excludeUseragentFile`, `includeUseragentFile`, each `{uri, database}`, read through
 * `deps.loadAsset`).
 *
 * The files, as the Java client reads them (ISO-8859-1 text):
 * - IP list (`ip_exclude_current_cidr.txt`): one IPv4/IPv6 address or CIDR block per line; blank
 *   lines are skipped (and, here, `#` comments). A block that does not parse fails the build; an
 *   address that does not parse can never match and is skipped, as in the client.
 * - User-agent lists: `|`-separated records (Commons CSV: `"` quoting, `#` comment lines, blank
 *   lines skipped), fields trimmed, patterns lower-cased.
 *   - include (`include_current.txt`): `pattern|active|start-of-string|inactive date`.
 *   - exclude (`exclude_current.txt`): `pattern|active|exception patterns (comma-separated)|
 *     additional flag|primary impact|start-of-string|inactive date`.
 *   Flags are `0`/`1` (anything else is false); dates are `MM/dd/yyyy`, read as UTC midnight; the
 *   primary impact is `0` page, `1` ad, `2` page and ad impressions.
 *
 * The check, in the client's order, for the lower-cased user agent at the event's derived_tstamp:
 * 1. a custom `includeUseragents` substring → browser; a custom `excludeUseragents` substring →
 *    `SPIDER_OR_ROBOT`/`FAILED_UA_EXCLUDE`/`UNKNOWN` (1-0-1);
 * 2. the IP in the list → `SPIDER_OR_ROBOT`/`FAILED_IP_EXCLUDE`/`UNKNOWN`; no user agent → browser;
 * 3. no include pattern present (at the start, or anywhere, per its flag) that is active or not yet
 *    inactive → `SPIDER_OR_ROBOT`/`FAILED_UA_INCLUDE`/`UNKNOWN`;
 * 4. the first exclude record (active, or with an inactive date) whose pattern is present and none
 *    of whose exception patterns is → `ACTIVE_` or `INACTIVE_SPIDER_OR_ROBOT` (by its inactive date)
 *    /`FAILED_UA_EXCLUDE`/its primary impact;
 * 5. otherwise `BROWSER`/`PASSED_ALL`/`NONE`.
 * Enrich runs it only with a derived_tstamp and a non-blank user agent or a valid IP address.
 * User-agent results are cached per agent; an IP address listed uncompressed or compressed matches
 * either way (the client compares plain IPv6 entries as text).
 */
import { simple } from "../../badrows/failure-message.ts";
import type { SelfDescribingJson } from "../../event/enriched-event.ts";
import { schemaCriterion } from "../../iglu/schema-criterion.ts";
import type { SchemaKey } from "../../iglu/schema-key.ts";
import { err, ok, type Result } from "../../result.ts";
import type {
  Enrichment,
  EnrichmentConfigError,
  EnrichmentDeps,
  EnrichmentFactory,
  EnrichmentInput,
  EnrichmentOutcome,
} from "../enrichment.ts";
import {
  blockContains,
  hostAddress,
  type InetAddress,
  type IpBlock,
  ipLiteralOfHost,
  parseInetAddress,
  parseIpBlock,
} from "./ip-address.ts";
import { LruCache } from "./lru-cache.ts";
import { type AssetRef, assetLoadError, ConfigReader, NOTHING_ADDED } from "./parseable-enrichment.ts";

/** The parsed `iab_spiders_and_robots_enrichment` config. */
export interface IabConfig {
  readonly schemaKey: SchemaKey;
  readonly ipFile: AssetRef;
  readonly excludeUseragentFile: AssetRef;
  readonly includeUseragentFile: AssetRef;
  readonly excludeUseragents: readonly string[];
  readonly includeUseragents: readonly string[];
}

export const SPIDERS_AND_ROBOTS_SCHEMA = "iglu:com.iab.snowplow/spiders_and_robots/jsonschema/1-0-0";

const criterion = schemaCriterion(
  "com.snowplowanalytics.snowplow.enrichments",
  "iab_spiders_and_robots_enrichment",
  "jsonschema",
  1,
  0,
);
const reader = new ConfigReader("iab_spiders_and_robots_enrichment");

/** Parses Snowplow's `iab_spiders_and_robots_enrichment` config. */
export function parseIabConfig(json: unknown): Result<IabConfig, EnrichmentConfigError> {
  const config = reader.config(json, criterion);
  if (!config.ok) return config;
  const { data, schemaKey } = config.value;
  const ipFile = reader.asset(data, ["parameters", "ipFile"]);
  if (!ipFile.ok) return ipFile;
  const excludeFile = reader.asset(data, ["parameters", "excludeUseragentFile"]);
  if (!excludeFile.ok) return excludeFile;
  const includeFile = reader.asset(data, ["parameters", "includeUseragentFile"]);
  if (!includeFile.ok) return includeFile;
  const exclude = reader.optionalStrings(data, ["parameters", "excludeUseragents"]);
  if (!exclude.ok) return exclude;
  const include = reader.optionalStrings(data, ["parameters", "includeUseragents"]);
  if (!include.ok) return include;
  return ok({
    schemaKey,
    ipFile: ipFile.value,
    excludeUseragentFile: excludeFile.value,
    includeUseragentFile: includeFile.value,
    excludeUseragents: exclude.value,
    includeUseragents: include.value,
  });
}

/** ISO-8859-1, byte for byte (WHATWG's "latin1" label decodes windows-1252 instead). */
export function decodeLatin1(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 8192) out += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return out;
}

/** Commons CSV's DEFAULT format with `|` as delimiter and `#` comments: the records of a text. */
export function parsePipeRecords(text: string): string[][] {
  const records: string[][] = [];
  let pos = 0;
  const n = text.length;
  while (pos < n) {
    // At a record's start: skip blank lines and comment lines.
    const c = text[pos]!;
    if (c === "\n" || c === "\r") {
      pos++;
      continue;
    }
    if (c === "#") {
      while (pos < n && text[pos] !== "\n" && text[pos] !== "\r") pos++;
      continue;
    }
    const fields: string[] = [];
    for (;;) {
      let field = "";
      if (text[pos] === '"') {
        pos++;
        for (;;) {
          if (pos >= n) break;
          if (text[pos] === '"') {
            if (text[pos + 1] === '"') {
              field += '"';
              pos += 2;
              continue;
            }
            pos++;
            break;
          }
          field += text[pos++];
        }
        // Anything between the closing quote and the delimiter is kept, as Commons CSV would fail.
        while (pos < n && text[pos] !== "|" && text[pos] !== "\n" && text[pos] !== "\r") field += text[pos++];
      } else {
        while (pos < n && text[pos] !== "|" && text[pos] !== "\n" && text[pos] !== "\r") field += text[pos++];
      }
      fields.push(field);
      if (pos < n && text[pos] === "|") {
        pos++;
        continue;
      }
      break;
    }
    records.push(fields);
  }
  return records;
}

// IabFile: fields are trimmed (StringUtils.trim: code points up to U+0020) and patterns lower-cased.
const field = (r: readonly string[], i: number): string | null =>
  i < r.length ? r[i]!.replace(/^[\x00-\x20]+|[\x00-\x20]+$/g, "") : null;
const flag = (r: readonly string[], i: number): boolean => field(r, i) === "1";

/** `MM/dd/yyyy` as UTC midnight in ms, or null (SimpleDateFormat is lenient: 13/01 rolls over). */
export function parseIabDate(text: string | null): number | null {
  if (text === null) return null;
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{1,4})/.exec(text.trim());
  if (m === null) return null;
  return Date.UTC(Number(m[3]), Number(m[1]) - 1, Number(m[2]));
}

interface IncludeRecord {
  readonly pattern: string;
  readonly active: boolean;
  readonly startOfString: boolean;
  readonly inactiveDate: number | null;
}

interface ExcludeRecord {
  readonly pattern: string;
  readonly active: boolean;
  readonly exceptions: readonly string[];
  readonly primaryImpactFlag: string | null;
  readonly startOfString: boolean;
  readonly inactiveDate: number | null;
}

const lower = (s: string | null) => (s === null ? "" : s.toLowerCase());

export function readIncludeRecords(text: string): IncludeRecord[] {
  return parsePipeRecords(text).map((r) => ({
    pattern: lower(field(r, 0)),
    active: flag(r, 1),
    startOfString: flag(r, 2),
    inactiveDate: parseIabDate(field(r, 3)),
  }));
}

export function readExcludeRecords(text: string): ExcludeRecord[] {
  return parsePipeRecords(text).map((r) => ({
    pattern: lower(field(r, 0)),
    active: flag(r, 1),
    exceptions: lower(field(r, 2))
      .split(",")
      .map((p) => p.replace(/^[\x00-\x20]+|[\x00-\x20]+$/g, ""))
      .filter((p) => p !== ""),
    primaryImpactFlag: field(r, 4),
    startOfString: flag(r, 5),
    inactiveDate: parseIabDate(field(r, 6)),
  }));
}

/** The IP list: plain addresses by Java's host-address text, and CIDR blocks. */
export interface IpList {
  readonly addresses: ReadonlySet<string>;
  readonly blocks: readonly IpBlock[];
}

export function readIpList(text: string): Result<IpList, string> {
  const addresses = new Set<string>();
  const blocks: IpBlock[] = [];
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "" || line.startsWith("#")) continue;
    if (line.includes("/")) {
      const block = parseIpBlock(line);
      if (block === null) return err(`line ${i + 1}: '${line}' is not an IP address block`);
      blocks.push(block);
    } else {
      const address = parseInetAddress(line);
      if (address !== null) addresses.add(hostAddress(address));
    }
  }
  return ok({ addresses, blocks });
}

/** The category, reason and impact of one check. */
export interface IabResponse {
  readonly spiderOrRobot: boolean;
  readonly category: "SPIDER_OR_ROBOT" | "ACTIVE_SPIDER_OR_ROBOT" | "INACTIVE_SPIDER_OR_ROBOT" | "BROWSER";
  readonly reason: "FAILED_IP_EXCLUDE" | "FAILED_UA_INCLUDE" | "FAILED_UA_EXCLUDE" | "PASSED_ALL";
  readonly primaryImpact:
    | "PAGE_IMPRESSIONS"
    | "AD_IMPRESSIONS"
    | "PAGE_AND_AD_IMPRESSIONS"
    | "UNKNOWN"
    | "NONE";
}

const BROWSER: IabResponse = Object.freeze({
  spiderOrRobot: false,
  category: "BROWSER",
  reason: "PASSED_ALL",
  primaryImpact: "NONE",
});
const robot = (reason: IabResponse["reason"]): IabResponse =>
  Object.freeze({ spiderOrRobot: true, category: "SPIDER_OR_ROBOT", reason, primaryImpact: "UNKNOWN" });
const IP_EXCLUDED = robot("FAILED_IP_EXCLUDE");
const NOT_INCLUDED = robot("FAILED_UA_INCLUDE");
const CUSTOM_EXCLUDED = robot("FAILED_UA_EXCLUDE");

const impacts: Readonly<Record<string, IabResponse["primaryImpact"]>> = {
  "0": "PAGE_IMPRESSIONS",
  "1": "AD_IMPRESSIONS",
  "2": "PAGE_AND_AD_IMPRESSIONS",
};

/** What a user agent alone decides, cached per agent: everything but the IP and the date. */
interface AgentVerdict {
  readonly custom: "include" | "exclude" | null;
  /** Included whatever the date. */
  readonly includedAlways: boolean;
  /** Otherwise included before this time (the latest inactive date of a matching record), or never. */
  readonly includedUntil: number | null;
  readonly exclusion: { readonly inactiveDate: number | null; readonly impactFlag: string | null } | null;
}

/** The IAB lists, checked as the Java client checks them. */
export class IabLists {
  readonly #cache = new LruCache<string, AgentVerdict>(10_000);

  constructor(
    readonly ips: IpList,
    readonly include: readonly IncludeRecord[],
    readonly exclude: readonly ExcludeRecord[],
    readonly customExclude: readonly string[] = [],
    readonly customInclude: readonly string[] = [],
  ) {
    this.customExclude = customExclude.map((p) => p.toLowerCase());
    this.customInclude = customInclude.map((p) => p.toLowerCase());
  }

  #verdict = (ua: string): AgentVerdict => {
    const custom = this.customInclude.some((p) => ua.includes(p))
      ? "include"
      : this.customExclude.some((p) => ua.includes(p))
        ? "exclude"
        : null;
    const present = (pattern: string, start: boolean) =>
      start ? ua.startsWith(pattern) : ua.includes(pattern);
    let includedAlways = false;
    let includedUntil: number | null = null;
    for (const r of this.include) {
      if (!present(r.pattern, r.startOfString)) continue;
      if (r.active) {
        includedAlways = true;
        break;
      }
      if (r.inactiveDate !== null && (includedUntil === null || r.inactiveDate > includedUntil)) {
        includedUntil = r.inactiveDate;
      }
    }
    let exclusion: AgentVerdict["exclusion"] = null;
    for (const r of this.exclude) {
      if (!r.active && r.inactiveDate === null) continue;
      if (present(r.pattern, r.startOfString) && !r.exceptions.some((e) => ua.includes(e))) {
        exclusion = { inactiveDate: r.inactiveDate, impactFlag: r.primaryImpactFlag };
        break;
      }
    }
    return { custom, includedAlways, includedUntil, exclusion };
  };

  #ipListed(ip: InetAddress): boolean {
    if (this.ips.addresses.has(hostAddress(ip))) return true;
    for (const b of this.ips.blocks) if (blockContains(b, ip)) return true;
    return false;
  }

  /**
   * The client's `checkAt(userAgent, ipAddress, accurateAt)`; an error for a record whose primary
   * impact flag is not 0, 1 or 2, as the client throws then.
   */
  check(userAgent: string | null, ip: InetAddress | null, accurateAt: number): Result<IabResponse, string> {
    const verdict =
      userAgent === null ? null : this.#cache.getOrCompute(userAgent.toLowerCase(), this.#verdict);
    if (verdict?.custom === "include") return ok(BROWSER);
    if (verdict?.custom === "exclude") return ok(CUSTOM_EXCLUDED);
    if (ip !== null && this.#ipListed(ip)) return ok(IP_EXCLUDED);
    if (verdict === null) return ok(BROWSER);
    const included =
      verdict.includedAlways || (verdict.includedUntil !== null && accurateAt < verdict.includedUntil);
    if (!included) return ok(NOT_INCLUDED);
    const ex = verdict.exclusion;
    if (ex === null) return ok(BROWSER);
    const impact = ex.impactFlag === null ? undefined : impacts[ex.impactFlag];
    if (impact === undefined) return err(`Invalid value of impression flag: '${ex.impactFlag}'`);
    const active = ex.inactiveDate === null || accurateAt < ex.inactiveDate;
    return ok({
      spiderOrRobot: true,
      category: active ? "ACTIVE_SPIDER_OR_ROBOT" : "INACTIVE_SPIDER_OR_ROBOT",
      reason: "FAILED_UA_EXCLUDE",
      primaryImpact: impact,
    });
  }
}

// Java's String.trim().nonEmpty: something above U+0020.
const nonBlank = /[^\x00-\x20]/;

class IabEnrichment implements Enrichment {
  readonly name = "iab_spiders_and_robots_enrichment" as const;
  constructor(
    readonly schemaKey: SchemaKey,
    readonly lists: IabLists,
  ) {}

  enrich({ event }: EnrichmentInput): EnrichmentOutcome {
    const at = event.derived_tstamp;
    if (at === null) return NOTHING_ADDED;
    const ua = event.useragent !== null && nonBlank.test(event.useragent) ? event.useragent : null;
    const ip = event.user_ipaddress === null ? null : ipLiteralOfHost(event.user_ipaddress);
    if (ua === null && ip === null) return NOTHING_ADDED;
    const r = this.lists.check(ua, ip, at);
    if (!r.ok) return { kind: "failed", messages: [simple(r.error)] };
    const context: SelfDescribingJson = {
      schema: SPIDERS_AND_ROBOTS_SCHEMA,
      data: {
        spiderOrRobot: r.value.spiderOrRobot,
        category: r.value.category,
        reason: r.value.reason,
        primaryImpact: r.value.primaryImpact,
      },
    };
    return { kind: "enriched", contexts: [context] };
  }
}

async function loadText(
  name: string,
  ref: AssetRef,
  deps: EnrichmentDeps,
): Promise<Result<string, EnrichmentConfigError>> {
  try {
    return ok(decodeLatin1(await deps.loadAsset(ref.uri, ref.database)));
  } catch (e) {
    return err(reader.error(`parameters.${name}`, assetLoadError(ref, e)));
  }
}

/** The IAB Spiders & Robots enrichment. */
export const iabSpidersAndRobotsEnrichment: EnrichmentFactory = {
  name: "iab_spiders_and_robots_enrichment",
  parse: parseIabConfig,
  async create(parsed, deps) {
    const c = parsed as IabConfig;
    const ipText = await loadText("ipFile", c.ipFile, deps);
    if (!ipText.ok) return ipText;
    const excludeText = await loadText("excludeUseragentFile", c.excludeUseragentFile, deps);
    if (!excludeText.ok) return excludeText;
    const includeText = await loadText("includeUseragentFile", c.includeUseragentFile, deps);
    if (!includeText.ok) return includeText;
    const ips = readIpList(ipText.value);
    if (!ips.ok) return err(reader.error("parameters.ipFile", `${c.ipFile.database}: ${ips.error}`));
    const lists = new IabLists(
      ips.value,
      readIncludeRecords(includeText.value),
      readExcludeRecords(excludeText.value),
      c.excludeUseragents,
      c.includeUseragents,
    );
    return ok(new IabEnrichment(c.schemaKey, lists));
  },
};
