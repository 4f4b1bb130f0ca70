/**
 * @module
 * The anon_ip enrichment (`anon_ip` 1-0-*, Enrich's `AnonIpEnrichment.scala`): masks the trailing
 * octets of `user_ipaddress` with `x`, or trailing segments of an IPv6 address. It runs late (after
 * the IP lookups, IAB and API/SQL enrichments), so those still see the full address.
 *
 * Snowplow's masking, kept here quirks and all:
 * - A valid IPv4 address keeps its leading `4 − anonOctets` octets: `168.192.102.4` → `168.192.x.x`.
 *   An IPv4-mapped address written `::FFFF:a.b.c.d` keeps the prefix (upper-case only, as Enrich
 *   compares it literally).
 * - A valid IPv6 address is first expanded to Java's form (eight uncompressed hextets), then keeps
 *   its leading `8 − anonSegments` segments: `2605:2700:0:3::4713:93e3` with 4 → `2605:2700:0:3:x:x:x:x`.
 * - Anything else is masked as text: with a `.` (or empty) as IPv4, else with a `:` as IPv6, else
 *   left alone (`hello;goodbye`). Splitting follows Java's `String.split`, which drops trailing
 *   empty strings, so `:::::::::::::::` becomes `x:x:x:x:x:x:x:x`.
 */
import { schemaCriterion } from "../../iglu/schema-criterion.ts";
import type { SchemaKey } from "../../iglu/schema-key.ts";
import { err, ok, type Result } from "../../result.ts";
import type { Enrichment, EnrichmentConfigError, EnrichmentFactory, EnrichmentInput } from "../enrichment.ts";
import { hostAddress, parseInetAddress } from "./ip-address.ts";
import { ConfigReader, NOTHING_ADDED } from "./parseable-enrichment.ts";

/** The parsed `anon_ip` config. */
export interface AnonIpConfig {
  readonly schemaKey: SchemaKey;
  /** IPv4 octets to mask, 1–4. */
  readonly anonOctets: number;
  /** IPv6 segments to mask, 1–8; defaults to `anonOctets` as in Enrich. */
  readonly anonSegments: number;
}

const criterion = schemaCriterion("com.snowplowanalytics.snowplow", "anon_ip", "jsonschema", 1, 0);
const reader = new ConfigReader("anon_ip");

/** Parses Snowplow's `anon_ip` config. */
export function parseAnonIpConfig(json: unknown): Result<AnonIpConfig, EnrichmentConfigError> {
  const config = reader.config(json, criterion);
  if (!config.ok) return config;
  const { data, schemaKey } = config.value;
  const octets = reader.integer(data, ["parameters", "anonOctets"]);
  if (!octets.ok) return octets;
  if (octets.value < 1 || octets.value > 4) {
    return err(
      reader.error(
        "parameters.anonOctets",
        `IPv4 address octets to anonymize must be 1, 2, 3 or 4. Value: ${octets.value} was given.`,
      ),
    );
  }
  const segments = reader.optionalInteger(data, ["parameters", "anonSegments"]);
  if (!segments.ok) return segments;
  const anonSegments = segments.value ?? octets.value;
  if (anonSegments < 1 || anonSegments > 8) {
    return err(
      reader.error(
        "parameters.anonSegments",
        `IPv6 address segments to anonymize must be 1, 2, 3, 4, 5, 6, 7 or 8. Value ${anonSegments} was given.`,
      ),
    );
  }
  return ok({ schemaKey, anonOctets: octets.value, anonSegments });
}

const MASK = "x";
const MAPPED_PREFIX = "::FFFF:";

/** Java's `String.split(regex)` for a one-character separator: trailing empty strings are dropped. */
function javaSplit(text: string, separator: string): string[] {
  const parts = text.split(separator);
  // When the separator matches nowhere Java returns the input itself, even if empty.
  if (parts.length === 1) return parts;
  while (parts.length > 0 && parts[parts.length - 1] === "") parts.pop();
  return parts;
}

/** Keeps `keep` leading parts and pads with `x` up to `size` (Scala's `take(keep).padTo(size, "x")`). */
function mask(parts: string[], keep: number, size: number, separator: string): string {
  const kept = parts.slice(0, Math.max(0, keep));
  while (kept.length < size) kept.push(MASK);
  return kept.join(separator);
}

/** Masks an IP address as Enrich's `AnonIpEnrichment.anonymizeIp` does. */
export function anonymizeIp(ip: string, anonOctets: number, anonSegments: number): string {
  const v4 = (text: string): string => {
    const maskV4 = (t: string) => {
      const parts = javaSplit(t, ".");
      return mask(parts, 4 - anonOctets, parts.length, ".");
    };
    return text.startsWith(MAPPED_PREFIX)
      ? MAPPED_PREFIX + maskV4(text.replaceAll(MAPPED_PREFIX, ""))
      : maskV4(text);
  };
  const v6 = (text: string): string => mask(javaSplit(text, ":"), 8 - anonSegments, 8, ":");

  const address = parseInetAddress(ip);
  if (address !== null) return address.version === 4 ? v4(ip) : v6(hostAddress(address));
  // Enrich keeps masking invalid addresses such as `777.2.23` rather than failing the event.
  if (ip.includes(".") || ip === "") return v4(ip);
  if (ip.includes(":")) return v6(ip);
  return ip;
}

class AnonIpEnrichment implements Enrichment {
  readonly name = "anon_ip" as const;
  constructor(
    readonly schemaKey: SchemaKey,
    readonly anonOctets: number,
    readonly anonSegments: number,
  ) {}

  enrich({ event }: EnrichmentInput) {
    if (event.user_ipaddress !== null) {
      // An empty result is an empty column, which the event holds as null.
      event.user_ipaddress = anonymizeIp(event.user_ipaddress, this.anonOctets, this.anonSegments) || null;
    }
    return NOTHING_ADDED;
  }
}

/** The anon_ip enrichment. */
export const anonIpEnrichment: EnrichmentFactory = {
  name: "anon_ip",
  parse: parseAnonIpConfig,
  async create(parsed) {
    const c = parsed as AnonIpConfig;
    return ok(new AnonIpEnrichment(c.schemaKey, c.anonOctets, c.anonSegments));
  },
};
