/**
 * @module
 * Cross-domain navigation (`cross_navigation_config` 1-0-0, Enrich's `CrossNavigationEnrichment`
 * and `EnrichmentManager.getCrossDomain`). A tracker decorating an outbound link adds
 * `_sp=duid.tstampMs[.sessionId.b64userId.b64sourceId.sourcePlatform.b64reason]` to the target URL;
 * the destination page's events carry it in their page URL's query string.
 *
 * Enrich always reads `_sp`, configured or not: it sets `refr_domain_userid` and
 * `refr_dvce_tstamp`, and a bad timestamp fails the event (with no enrichment named). Only when the
 * enrichment is configured does it also add `com.snowplowanalytics.snowplow/cross_navigation/
 * jsonschema/1-0-0`, and only when both the user id and the timestamp are present. So the
 * pipeline calls {@link applyCrossDomain} on every event, and this factory's enrichment (which
 * does the same plus the context) replaces that call when configured.
 *
 * Parsing, as Enrich does it: the value is split on `.` keeping empty parts; fewer than seven parts
 * are padded with empty ones, more than seven make the whole value ignored. Empty (or blank) parts
 * are absent. The user id, source id and reason are URL-safe base64, decoded leniently as Commons
 * Codec does; the domain user id is made TSV-safe.
 */
import type { EnrichmentFailureMessage } from "../../badrows/failure-message.ts";
import { inputData } from "../../badrows/failure-message.ts";
import type { EnrichedEvent, SelfDescribingJson } from "../../event/enriched-event.ts";
import { formatTimestamp, maxTimestamp, minTimestamp } from "../../event/timestamp.ts";
import { makeTsvSafe } from "../../event/tsv-safe.ts";
import { schemaCriterion } from "../../iglu/schema-criterion.ts";
import type { SchemaKey } from "../../iglu/schema-key.ts";
import { err, ok, type Result } from "../../result.ts";
import { decodeBase64UrlText } from "../base64url.ts";
import type {
  Enrichment,
  EnrichmentConfigError,
  EnrichmentFactory,
  EnrichmentInput,
  EnrichmentOutcome,
} from "../enrichment.ts";
import { parameterMap, parseQueryString } from "../query-string.ts";
import { ConfigReader, NOTHING_ADDED } from "./parseable-enrichment.ts";

/** The context this enrichment adds. */
export const CROSS_NAVIGATION_SCHEMA =
  "iglu:com.snowplowanalytics.snowplow/cross_navigation/jsonschema/1-0-0";

/** The parsed `cross_navigation_config`: it has no parameters. */
export interface CrossNavigationConfig {
  readonly schemaKey: SchemaKey;
}

const criterion = schemaCriterion(
  "com.snowplowanalytics.snowplow.enrichments",
  "cross_navigation_config",
  "jsonschema",
  1,
  0,
);
const reader = new ConfigReader("cross_navigation_config");

/** Parses Snowplow's `cross_navigation_config`. */
export function parseCrossNavigationConfig(
  json: unknown,
): Result<CrossNavigationConfig, EnrichmentConfigError> {
  const config = reader.config(json, criterion);
  return config.ok ? ok({ schemaKey: config.value.schemaKey }) : config;
}

/** The parts of an `_sp` value; null when absent. */
export interface CrossDomainValues {
  readonly domainUserId: string | null;
  /** Epoch milliseconds. */
  readonly timestamp: number | null;
  readonly sessionId: string | null;
  readonly userId: string | null;
  readonly sourceId: string | null;
  readonly sourcePlatform: string | null;
  readonly reason: string | null;
}

const PARTS = 7;

/** Java's `String.trim` test: is anything above U+0020 left? */
const notBlank = (s: string): string | null => (/[^\x00-\x20]/.test(s) ? s : null);

const decoded = (s: string): string | null => notBlank(decodeBase64UrlText(s));

/** Days since 1970-01-01 to a proleptic Gregorian year (H. Hinnant's `civil_from_days`), for any size. */
function yearOfDays(days: bigint): { year: bigint; month: number; day: number } {
  const z = days + 719468n;
  const era = (z >= 0n ? z : z - 146096n) / 146097n;
  const doe = Number(z - era * 146097n);
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: BigInt(yoe) + era * 400n + (month <= 2 ? 1n : 0n), month, day };
}

/** Joda's `yyyy-MM-dd HH:mm:ss.SSS` for any long, as Enrich shows it in its error message. */
function jodaFormat(ms: bigint): string {
  const dayMs = 86400000n;
  const days = ms >= 0n ? ms / dayMs : (ms - dayMs + 1n) / dayMs;
  const rest = Number(ms - days * dayMs);
  const { year, month, day } = yearOfDays(days);
  const p2 = (n: number) => String(n).padStart(2, "0");
  const y = year < 0n ? `-${String(-year).padStart(4, "0")}` : String(year).padStart(4, "0");
  const time = `${p2(Math.floor(rest / 3600000))}:${p2(Math.floor(rest / 60000) % 60)}:${p2(Math.floor(rest / 1000) % 60)}`;
  return `${y}-${p2(month)}-${p2(day)} ${time}.${String(rest % 1000).padStart(3, "0")}`;
}

/**
 * Enrich's `extractTimestamp("sp_dtm", …)`: milliseconds since the epoch as a Java long, within
 * years 0–9999.
 */
function parseSpTimestamp(text: string): Result<number, EnrichmentFailureMessage> {
  // Long.parseLong: an optional sign, then decimal digits, within 64 bits.
  if (!/^[+-]?[0-9]+$/.test(text))
    return err(inputData("sp_dtm", text, "Not in the expected format: ms since epoch"));
  const ms = BigInt(text);
  if (ms > 9223372036854775807n || ms < -9223372036854775808n) {
    return err(inputData("sp_dtm", text, "Not in the expected format: ms since epoch"));
  }
  if (ms < BigInt(minTimestamp) || ms > BigInt(maxTimestamp)) {
    return err(inputData("sp_dtm", text, `Formatting as ${jodaFormat(ms)} is not Redshift-compatible`));
  }
  return ok(Number(ms));
}

/**
 * Parses an `_sp` value. A value with more than seven parts is ignored (all fields absent); a bad
 * timestamp is an InputData failure on `sp_dtm`.
 *
 * @example parseCrossDomain("abc.1697398398279") // ok({ domainUserId: "abc", timestamp: 1697398398279, … })
 */
export function parseCrossDomain(sp: string): Result<CrossDomainValues, EnrichmentFailureMessage> {
  const parts = sp.split(".");
  const none: CrossDomainValues = {
    domainUserId: null,
    timestamp: null,
    sessionId: null,
    userId: null,
    sourceId: null,
    sourcePlatform: null,
    reason: null,
  };
  if (parts.length > PARTS) return ok(none);
  while (parts.length < PARTS) parts.push("");
  const [duid, tstamp, session, user, source, platform, reason] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  let timestamp: number | null = null;
  if (tstamp !== "") {
    const parsed = parseSpTimestamp(tstamp);
    if (!parsed.ok) return parsed;
    timestamp = parsed.value;
  }
  return ok({
    domainUserId: makeTsvSafe(duid),
    timestamp,
    sessionId: notBlank(session),
    userId: decoded(user),
    sourceId: decoded(source),
    sourcePlatform: notBlank(platform),
    reason: decoded(reason),
  });
}

/**
 * Java's `ISO_LOCAL_DATE_TIME` of the timestamp, plus `Z`: seconds always, the fraction only when
 * non-zero and without trailing zeros (`2023-10-13T05:44:03.762Z`, `…:03.1Z`, `…:03Z`).
 */
function isoTimestamp(ms: number): string {
  const text = formatTimestamp(ms);
  const fraction = text.slice(20).replace(/0+$/, "");
  return `${text.slice(0, 10)}T${text.slice(11, 19)}${fraction === "" ? "" : `.${fraction}`}Z`;
}

/** The `cross_navigation` context, or null when the user id or the timestamp is missing. */
export function crossNavigationContext(values: CrossDomainValues): SelfDescribingJson | null {
  if (values.domainUserId === null || values.timestamp === null) return null;
  return {
    schema: CROSS_NAVIGATION_SCHEMA,
    data: {
      domain_user_id: values.domainUserId,
      timestamp: isoTimestamp(values.timestamp),
      session_id: values.sessionId,
      user_id: values.userId,
      source_id: values.sourceId,
      source_platform: values.sourcePlatform,
      reason: values.reason,
    },
  };
}

const decoders = new Map<string, TextDecoder>();

function decoderFor(encoding: string): TextDecoder {
  let decoder = decoders.get(encoding);
  if (decoder === undefined) {
    try {
      decoder = new TextDecoder(encoding);
    } catch {
      decoder = new TextDecoder("utf-8");
    }
    decoders.set(encoding, decoder);
  }
  return decoder;
}

/** The `_sp` parameter of the page URL's query string ("" for a bare `_sp`), or null. */
function spParameter(event: EnrichedEvent, encoding: string): string | null {
  const query = event.page_urlquery;
  if (query === null || !query.includes("_sp")) return null;
  const pairs = parseQueryString(query, decoderFor(encoding));
  // The page URL parsed as a Java URI earlier, so its query parses too; if not, there is no `_sp`.
  if (!pairs.ok) return null;
  const map = parameterMap(pairs.value);
  return map.has("_sp") ? (map.get("_sp") ?? "") : null;
}

/**
 * What Enrich does with `_sp` on every event: sets refr_domain_userid and refr_dvce_tstamp from
 * it. Returns the parsed values (null when there is no `_sp`), or the failure for a bad timestamp.
 */
export function applyCrossDomain(
  input: EnrichmentInput,
): Result<CrossDomainValues | null, EnrichmentFailureMessage> {
  const sp = spParameter(input.event, input.raw.encoding);
  if (sp === null || sp === "") return ok(null);
  const parsed = parseCrossDomain(sp);
  if (!parsed.ok) return parsed;
  const { domainUserId, timestamp } = parsed.value;
  if (domainUserId !== null) input.event.refr_domain_userid = domainUserId;
  if (timestamp !== null) input.event.refr_dvce_tstamp = timestamp;
  return parsed;
}

class CrossNavigationEnrichment implements Enrichment {
  readonly name = "cross_navigation_config" as const;
  constructor(readonly schemaKey: SchemaKey) {}

  enrich(input: EnrichmentInput): EnrichmentOutcome {
    const applied = applyCrossDomain(input);
    if (!applied.ok) return { kind: "failed", messages: [applied.error] };
    if (applied.value === null) return NOTHING_ADDED;
    const context = crossNavigationContext(applied.value);
    return context === null ? NOTHING_ADDED : { kind: "enriched", contexts: [context] };
  }
}

/** The cross_navigation enrichment (failures are Enrich's `cross-navigation`). */
export const crossNavigationEnrichment: EnrichmentFactory = {
  name: "cross_navigation_config",
  parse: parseCrossNavigationConfig,
  async create(parsed) {
    return ok(new CrossNavigationEnrichment((parsed as CrossNavigationConfig).schemaKey));
  },
};
