/**
 * @module
 * The campaign_attribution enrichment (`campaign_attribution` 1-0-*, Enrich's
 * `CampaignAttributionEnrichment.scala`): reads marketing parameters from the page URL's query.
 *
 * - Each of mkt_medium, mkt_source, mkt_term, mkt_content and mkt_campaign takes the value of the
 *   first parameter in its configured list that the query has (order of the list, not of the query).
 * - mkt_clickid and mkt_network come from the first click-id parameter present, among
 *   `gclid` → Google, `msclkid` → Microsoft, `dclid` → DoubleClick and the config's `mktClickId`
 *   map merged over them (a custom entry for `gclid` replaces Google in place; new ones follow).
 * - The query is read as Enrich reads it (Apache HttpClient's `URLEncodedUtils.parse`): pairs split
 *   on `&` and `;`, `+` is a space, `%XX` is decoded in the payload's encoding and a bad escape is
 *   kept as text. A repeated parameter takes its last value (Scala's `toMap`); a parameter without
 *   `=` counts as present with an empty value, which becomes an empty (null) field.
 * - Values are made TSV-safe. When the event has a page URL every mkt_* field is set, to null if
 *   nothing matched; without a page URL nothing is touched.
 */
import { makeTsvSafe } from "../../event/tsv-safe.ts";
import { schemaCriterion } from "../../iglu/schema-criterion.ts";
import type { SchemaKey } from "../../iglu/schema-key.ts";
import { ok, type Result } from "../../result.ts";
import type { Enrichment, EnrichmentConfigError, EnrichmentFactory, EnrichmentInput } from "../enrichment.ts";
import { ConfigReader, isJsonObject, NOTHING_ADDED } from "./parseable-enrichment.ts";

/** The parsed `campaign_attribution` config. */
export interface CampaignAttributionConfig {
  readonly schemaKey: SchemaKey;
  readonly mktMedium: readonly string[];
  readonly mktSource: readonly string[];
  readonly mktTerm: readonly string[];
  readonly mktContent: readonly string[];
  readonly mktCampaign: readonly string[];
  /** Click-id parameter → network, defaults first, in the order a match is looked for. */
  readonly mktClickId: readonly (readonly [string, string])[];
}

/** Enrich's `DefaultNetworkMap`. */
export const DEFAULT_CLICK_IDS: readonly (readonly [string, string])[] = [
  ["gclid", "Google"],
  ["msclkid", "Microsoft"],
  ["dclid", "DoubleClick"],
];

const criterion = schemaCriterion(
  "com.snowplowanalytics.snowplow",
  "campaign_attribution",
  "jsonschema",
  1,
  0,
);
const reader = new ConfigReader("campaign_attribution");
const fieldNames = ["mktMedium", "mktSource", "mktTerm", "mktContent", "mktCampaign"] as const;

/** Parses Snowplow's `campaign_attribution` config (`mapping` is informational: only "static" exists). */
export function parseCampaignAttributionConfig(
  json: unknown,
): Result<CampaignAttributionConfig, EnrichmentConfigError> {
  const config = reader.config(json, criterion);
  if (!config.ok) return config;
  const { data, schemaKey } = config.value;
  const lists: Partial<Record<(typeof fieldNames)[number], readonly string[]>> = {};
  for (const name of fieldNames) {
    const list = reader.strings(data, ["parameters", "fields", name]);
    if (!list.ok) return list;
    lists[name] = list.value;
  }
  // 1-0-0 has no mktClickId; Enrich also ignores a malformed one rather than failing.
  const custom = reader.at(data, ["parameters", "fields", "mktClickId"]);
  const clickIds = new Map(DEFAULT_CLICK_IDS);
  if (isJsonObject(custom) && Object.values(custom).every((v) => typeof v === "string")) {
    for (const [param, network] of Object.entries(custom)) clickIds.set(param, network as string);
  }
  return ok({
    schemaKey,
    mktMedium: lists.mktMedium ?? [],
    mktSource: lists.mktSource ?? [],
    mktTerm: lists.mktTerm ?? [],
    mktContent: lists.mktContent ?? [],
    mktCampaign: lists.mktCampaign ?? [],
    mktClickId: [...clickIds],
  });
}

/** Java's `Character.digit(c, 16)` for ASCII. */
function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

const utf8 = new TextEncoder();

/** HttpClient's `urlDecode(content, charset, plusAsBlank = true)`: lenient about bad escapes. */
function decodeFormField(text: string, decoder: TextDecoder): string {
  if (!text.includes("%") && !text.includes("+")) return text;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x25 && i + 2 < text.length) {
      const u = hexDigit(text.charCodeAt(i + 1));
      const l = hexDigit(text.charCodeAt(i + 2));
      if (u !== -1 && l !== -1) bytes.push((u << 4) + l);
      else bytes.push(0x25, ...utf8.encode(text.slice(i + 1, i + 3)));
      i += 2;
    } else if (c === 0x2b) bytes.push(0x20);
    else if (c < 0x80) bytes.push(c);
    else {
      // HttpClient truncates such a char to a byte; the raw query of a URI rarely has one, and
      // keeping its UTF-8 bytes preserves it instead.
      const cp = text.codePointAt(i)!;
      bytes.push(...utf8.encode(String.fromCodePoint(cp)));
      if (cp > 0xffff) i++;
    }
  }
  return decoder.decode(new Uint8Array(bytes));
}

/** HttpCore's `TokenParser`: surrounding whitespace dropped, inner runs folded to one space. */
function token(text: string): string {
  return /[ \t\r\n]/.test(text) ? text.trim().replace(/[ \t\r\n]+/g, " ") : text;
}

const decoders = new Map<string, TextDecoder>();

function decoderFor(encoding: string): TextDecoder {
  let d = decoders.get(encoding);
  if (d === undefined) {
    try {
      d = new TextDecoder(encoding);
    } catch {
      // An encoding the runtime lacks: UTF-8 is what trackers send.
      d = new TextDecoder("utf-8");
    }
    decoders.set(encoding, d);
  }
  return d;
}

/**
 * The raw query of a URL as `java.net.URI.getRawQuery` gives it (between the first `?` and the
 * fragment), after Enrich's `stringToUri` has encoded spaces as `%20`; null when there is none.
 */
export function rawQueryOf(url: string): string | null {
  const hash = url.indexOf("#");
  const beforeFragment = hash === -1 ? url : url.slice(0, hash);
  const q = beforeFragment.indexOf("?");
  return q === -1 ? null : beforeFragment.slice(q + 1).replaceAll(" ", "%20");
}

/**
 * Parses a raw query as `URLEncodedUtils.parse(uri, charset)`: name → value, the last of repeated
 * names winning; a name without `=` maps to null, one with an empty name is dropped.
 */
export function parseFormQuery(rawQuery: string, encoding: string): Map<string, string | null> {
  const decoder = decoderFor(encoding);
  const params = new Map<string, string | null>();
  for (const pair of rawQuery.split(/[&;]/)) {
    const eq = pair.indexOf("=");
    const name = token(eq === -1 ? pair : pair.slice(0, eq));
    if (name === "") continue;
    const value = eq === -1 ? null : token(pair.slice(eq + 1));
    params.set(decodeFormField(name, decoder), value === null ? null : decodeFormField(value, decoder));
  }
  return params;
}

/** The fields the enrichment sets. */
export interface MarketingCampaign {
  readonly medium: string | null;
  readonly source: string | null;
  readonly term: string | null;
  readonly content: string | null;
  readonly campaign: string | null;
  readonly clickId: string | null;
  readonly network: string | null;
}

/** Enrich's `extractMarketingFields`, before TSV-safety. */
export function extractMarketingFields(
  config: CampaignAttributionConfig,
  query: ReadonlyMap<string, string | null>,
): MarketingCampaign {
  const first = (names: readonly string[]): string | null => {
    for (const n of names) if (query.has(n)) return query.get(n) ?? "";
    return null;
  };
  let clickId: string | null = null;
  let network: string | null = null;
  for (const [param, net] of config.mktClickId) {
    if (query.has(param)) {
      clickId = query.get(param) ?? "";
      network = net;
      break;
    }
  }
  return {
    medium: first(config.mktMedium),
    source: first(config.mktSource),
    term: first(config.mktTerm),
    content: first(config.mktContent),
    campaign: first(config.mktCampaign),
    clickId,
    network,
  };
}

const safe = (v: string | null): string | null => (v === null ? null : makeTsvSafe(v));

class CampaignAttributionEnrichment implements Enrichment {
  readonly name = "campaign_attribution" as const;
  constructor(
    readonly schemaKey: SchemaKey,
    readonly config: CampaignAttributionConfig,
  ) {}

  enrich({ event, raw }: EnrichmentInput) {
    if (event.page_url === null) return NOTHING_ADDED;
    const rawQuery = rawQueryOf(event.page_url);
    const query = rawQuery === null || rawQuery === "" ? new Map() : parseFormQuery(rawQuery, raw.encoding);
    const c = extractMarketingFields(this.config, query);
    event.mkt_medium = safe(c.medium);
    event.mkt_source = safe(c.source);
    event.mkt_term = safe(c.term);
    event.mkt_content = safe(c.content);
    event.mkt_campaign = safe(c.campaign);
    event.mkt_clickid = safe(c.clickId);
    event.mkt_network = safe(c.network);
    return NOTHING_ADDED;
  }
}

/** The campaign_attribution enrichment. */
export const campaignAttributionEnrichment: EnrichmentFactory = {
  name: "campaign_attribution",
  parse: parseCampaignAttributionConfig,
  async create(parsed) {
    const c = parsed as CampaignAttributionConfig;
    return ok(new CampaignAttributionEnrichment(c.schemaKey, c));
  },
};
