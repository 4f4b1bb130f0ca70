/**
 * @module
 * Phase 1's parameter mapping (Enrich's `Transform.scala`): each tracker-protocol parameter is
 * checked and converted into its atomic field; unknown parameters are ignored, and parameters
 * without a value (`?x`) too. A value that does not convert is an `atomic_field_parse_error` named
 * after the parameter; the event keeps going, so every such error is reported at once.
 *
 * Conversions, with Enrich's messages:
 * - strings are made TSV-safe (tab → 4 spaces, control characters removed, `""` → null);
 * - `e` takes the event codes (`pv`, `pp`, `se`/`ev`, `ue`, `tr`, `ti`, `ad`), `p` the platforms;
 * - integers are Java ints, decimals Java `BigDecimal`s, and for both the string `null` (any case,
 *   a JavaScript tracker bug of old) is no value;
 * - `dtm`/`stm`/`ttm` are epoch milliseconds, within years 0–9999;
 * - `res`/`vp`/`ds` are `WIDTHxHEIGHT`; `f_*` and `cookie` are `1` or `0`;
 * - `eid` and `sid` are canonical UUIDs, lower-cased;
 * - `ip` keeps the first address of a list (`[,| ]`);
 * - `co`/`ue_pr` are JSON text, `cx`/`ue_px` the same in lenient base64url, read in phase 1's Iglu
 *   validation; `tnuid` is applied last, so it wins over `nuid`.
 */
import type { RawEvent } from "../badrows/payload.ts";
import type { EnrichedEvent } from "../event/enriched-event.ts";
import { canonicalDecimal } from "../event/java-decimal.ts";
import { parseJavaInt } from "../event/java-int.ts";
import { maxTimestamp, minTimestamp } from "../event/timestamp.ts";
import { makeTsvSafe } from "../event/tsv-safe.ts";
import { type AtomicError, parseError } from "./atomic-fields.ts";
import { decodeBase64UrlText } from "./base64url.ts";

/** What the mapping leaves for phase 1's Iglu validation. */
export interface MappedParameters {
  readonly errors: AtomicError[];
  /** The unstructured event's JSON text (from `ue_pr` or decoded `ue_px`). */
  readonly unstruct: string | null;
  /** The contexts' JSON text (from `co` or decoded `cx`). */
  readonly contexts: string | null;
}

interface Specials {
  unstruct: string | null;
  contexts: string | null;
  /** undefined while absent: `tnuid=` (empty) still overrides `nuid`, with null. */
  tnuid: string | null | undefined;
}

/** Sets a field from a parameter's value, or returns why it cannot. */
type Mapping = (
  value: string,
  event: EnrichedEvent,
  specials: Specials,
  name: string,
) => AtomicError | undefined;

export const EVENT_TYPES: Readonly<Record<string, string>> = {
  se: "struct",
  ev: "struct",
  ue: "unstruct",
  ad: "ad_impression",
  tr: "transaction",
  ti: "transaction_item",
  pv: "page_view",
  pp: "page_ping",
};

export const PLATFORMS: ReadonlySet<string> = new Set([
  "web",
  "iot",
  "app",
  "mob",
  "pc",
  "cnsl",
  "tv",
  "srv",
  "headset",
]);

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const LONG = /^[+-]?[0-9]+$/;
const DIMENSIONS = /^([0-9]+)x([0-9]+)$/;
const IP_SPLIT = /[,| ]/;

type Fields = Record<string, unknown>;

const text =
  (field: keyof EnrichedEvent): Mapping =>
  (value, event) => {
    (event as unknown as Fields)[field] = makeTsvSafe(value);
    return undefined;
  };

const int =
  (field: keyof EnrichedEvent): Mapping =>
  (value, event, _, name) => {
    if (value.toLowerCase() === "null") {
      (event as unknown as Fields)[field] = null;
      return undefined;
    }
    const n = parseJavaInt(value);
    if (!n.ok) return parseError("Cannot be converted to java.lang.Integer", name, value);
    (event as unknown as Fields)[field] = n.value;
    return undefined;
  };

const decimal =
  (field: keyof EnrichedEvent): Mapping =>
  (value, event, _, name) => {
    if (value.toLowerCase() === "null") {
      (event as unknown as Fields)[field] = null;
      return undefined;
    }
    const d = canonicalDecimal(value);
    if (!d.ok)
      return parseError(`Cannot be converted to java.math.BigDecimal. Error : ${d.error}`, name, value);
    (event as unknown as Fields)[field] = d.value;
    return undefined;
  };

const booleanLike =
  (field: keyof EnrichedEvent): Mapping =>
  (value, event, _, name) => {
    if (value !== "1" && value !== "0")
      return parseError("Cannot be converted to Boolean-like java.lang.Byte", name, value);
    (event as unknown as Fields)[field] = value === "1";
    return undefined;
  };

/** Joda's `yyyy-MM-dd HH:mm:ss.SSS` of any epoch millisecond a JS Date can hold, for messages. */
function jodaTimestamp(ms: number): string {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  const year = y < 0 ? `-${String(-y).padStart(4, "0")}` : String(y).padStart(4, "0");
  return `${year}${d
    .toISOString()
    .replace(/^[+-]?\d+/, "")
    .replace("T", " ")
    .replace("Z", "")}`;
}

/** `EventEnrichments.extractTimestamp`: epoch milliseconds within years 0–9999. */
export function parseEpochMillis(value: string, name: string): AtomicError | number {
  if (!LONG.test(value)) return parseError("Not in the expected format: ms since epoch", name, value);
  const ms = Number(value);
  // Java's `toLong` throws beyond a long; near that bound a double cannot tell, a BigInt can.
  if (Math.abs(ms) >= 9e18) {
    const big = BigInt(value);
    if (big > 9223372036854775807n || big < -9223372036854775808n) {
      return parseError("Not in the expected format: ms since epoch", name, value);
    }
  }
  if (ms < minTimestamp || ms > maxTimestamp) {
    const shown = Math.abs(ms) <= 8.64e15 ? jodaTimestamp(ms) : value;
    return parseError(`Formatting as ${shown} is not Redshift-compatible`, name, value);
  }
  return ms === 0 ? 0 : ms;
}

const timestamp =
  (field: keyof EnrichedEvent): Mapping =>
  (value, event, _, name) => {
    const ms = parseEpochMillis(value, name);
    if (typeof ms !== "number") return ms;
    (event as unknown as Fields)[field] = ms;
    return undefined;
  };

const dimensions =
  (width: keyof EnrichedEvent, height: keyof EnrichedEvent): Mapping =>
  (value, event, _, name) => {
    const m = DIMENSIONS.exec(value);
    if (m === null) return parseError(`Does not conform to regex (\\d+)x(\\d+)`, name, value);
    const w = parseJavaInt(m[1]!);
    const h = parseJavaInt(m[2]!);
    if (!w.ok || !h.ok) return parseError("Could not be converted to java.lang.Integer s", name, value);
    (event as unknown as Fields)[width] = w.value;
    (event as unknown as Fields)[height] = h.value;
    return undefined;
  };

const uuid =
  (field: keyof EnrichedEvent): Mapping =>
  (value, event, _, name) => {
    if (!UUID.test(value)) return parseError("Not a valid UUID", name, value);
    (event as unknown as Fields)[field] = value.toLowerCase();
    return undefined;
  };

/** The mapping of every parameter Enrich reads (`Transform.transformMap`). */
const MAPPINGS: ReadonlyMap<string, Mapping> = new Map<string, Mapping>([
  [
    "tnuid",
    (value, _, specials) => {
      specials.tnuid = makeTsvSafe(value);
      return undefined;
    },
  ],
  [
    "co",
    (value, _, specials) => {
      specials.contexts = value;
      return undefined;
    },
  ],
  [
    "cx",
    (value, _, specials) => {
      specials.contexts = decodeBase64UrlText(value);
      return undefined;
    },
  ],
  [
    "ue_pr",
    (value, _, specials) => {
      specials.unstruct = value;
      return undefined;
    },
  ],
  [
    "ue_px",
    (value, _, specials) => {
      specials.unstruct = decodeBase64UrlText(value);
      return undefined;
    },
  ],
  [
    "e",
    (value, event, _, name) => {
      const type = Object.hasOwn(EVENT_TYPES, value) ? EVENT_TYPES[value]! : undefined;
      if (type === undefined) return parseError("Not a valid event type", name, value);
      event.event = type;
      return undefined;
    },
  ],
  [
    "ip",
    (value, event) => {
      event.user_ipaddress = makeTsvSafe(value.split(IP_SPLIT, 1)[0]!);
      return undefined;
    },
  ],
  ["aid", text("app_id")],
  [
    "p",
    (value, event, _, name) => {
      if (!PLATFORMS.has(value)) return parseError("Not a valid platform", name, value);
      event.platform = value;
      return undefined;
    },
  ],
  ["tid", int("txn_id")],
  ["uid", text("user_id")],
  ["duid", text("domain_userid")],
  ["nuid", text("network_userid")],
  ["ua", text("useragent")],
  ["fp", text("user_fingerprint")],
  ["vid", int("domain_sessionidx")],
  ["sid", uuid("domain_sessionid")],
  ["dtm", timestamp("dvce_created_tstamp")],
  ["ttm", timestamp("true_tstamp")],
  ["stm", timestamp("dvce_sent_tstamp")],
  ["tna", text("name_tracker")],
  ["tv", text("v_tracker")],
  ["cv", text("v_collector")],
  ["lang", text("br_lang")],
  ["f_pdf", booleanLike("br_features_pdf")],
  ["f_fla", booleanLike("br_features_flash")],
  ["f_java", booleanLike("br_features_java")],
  ["f_dir", booleanLike("br_features_director")],
  ["f_qt", booleanLike("br_features_quicktime")],
  ["f_realp", booleanLike("br_features_realplayer")],
  ["f_wma", booleanLike("br_features_windowsmedia")],
  ["f_gears", booleanLike("br_features_gears")],
  ["f_ag", booleanLike("br_features_silverlight")],
  ["cookie", booleanLike("br_cookies")],
  ["res", dimensions("dvce_screenwidth", "dvce_screenheight")],
  ["cd", text("br_colordepth")],
  ["tz", text("os_timezone")],
  ["refr", text("page_referrer")],
  ["url", text("page_url")],
  ["page", text("page_title")],
  ["cs", text("doc_charset")],
  ["ds", dimensions("doc_width", "doc_height")],
  ["vp", dimensions("br_viewwidth", "br_viewheight")],
  ["eid", uuid("event_id")],
  ["ev_ca", text("se_category")],
  ["ev_ac", text("se_action")],
  ["ev_la", text("se_label")],
  ["ev_pr", text("se_property")],
  ["ev_va", decimal("se_value")],
  ["se_ca", text("se_category")],
  ["se_ac", text("se_action")],
  ["se_la", text("se_label")],
  ["se_pr", text("se_property")],
  ["se_va", decimal("se_value")],
  ["tr_id", text("tr_orderid")],
  ["tr_af", text("tr_affiliation")],
  ["tr_tt", decimal("tr_total")],
  ["tr_tx", decimal("tr_tax")],
  ["tr_sh", decimal("tr_shipping")],
  ["tr_ci", text("tr_city")],
  ["tr_st", text("tr_state")],
  ["tr_co", text("tr_country")],
  ["ti_id", text("ti_orderid")],
  ["ti_sk", text("ti_sku")],
  ["ti_na", text("ti_name")],
  ["ti_nm", text("ti_name")],
  ["ti_ca", text("ti_category")],
  ["ti_pr", decimal("ti_price")],
  ["ti_qu", int("ti_quantity")],
  ["pp_mix", int("pp_xoffset_min")],
  ["pp_max", int("pp_xoffset_max")],
  ["pp_miy", int("pp_yoffset_min")],
  ["pp_may", int("pp_yoffset_max")],
  ["tr_cu", text("tr_currency")],
  ["ti_cu", text("ti_currency")],
]);

/** The parameters Enrich maps to atomic fields. */
export const MAPPED_PARAMETERS: readonly string[] = [...MAPPINGS.keys()];

/**
 * Maps the raw event's parameters onto `event` (mutated in place), returning the parse errors and
 * the unstructured event and contexts left for Iglu validation.
 */
export function mapParameters(raw: RawEvent, event: EnrichedEvent): MappedParameters {
  const specials: Specials = { unstruct: null, contexts: null, tnuid: undefined };
  const errors: AtomicError[] = [];
  const params = raw.parameters;
  for (let i = 0; i < params.length; i++) {
    const { name, value } = params[i]!;
    if (value === null) continue;
    const mapping = MAPPINGS.get(name);
    if (mapping === undefined) continue;
    const error = mapping(value, event, specials, name);
    if (error !== undefined) errors.push(error);
  }
  if (specials.tnuid !== undefined) event.network_userid = specials.tnuid;
  return { errors, unstruct: specials.unstruct, contexts: specials.contexts };
}
