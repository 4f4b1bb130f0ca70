/**
 * @module
 * The ip_lookups enrichment (`ip_lookups` 2-0-*, Enrich's `IpLookupsEnrichment.scala` over
 * scala-maxmind-iplookups): looks `user_ipaddress` up in up to five MaxMind databases.
 *
 * | Parameter | Database | Sets |
 * |---|---|---|
 * | `geo` | GeoIP2/GeoLite2 City | geo_country, geo_region, geo_city, geo_zipcode, geo_latitude, geo_longitude, geo_region_name, geo_timezone |
 * | `isp` | GeoIP2 ISP | ip_isp, ip_organization |
 * | `domain` | GeoIP2 Domain | ip_domain |
 * | `connectionType` | GeoIP2 Connection-Type | ip_netspeed |
 * | `asn` (2-0-1) | GeoLite2 ASN | derived context `asn/1-0-1` `{number, organization?}` |
 *
 * The `asn` context also comes from the ISP database's `autonomous_system_*` members when no ASN
 * database is configured (Enrich's "add ASN derived context when only ISP database is given"); with
 * both, the ASN database is used.
 *
 * Field by field, as the GeoIP2 Java API gives them to Enrich: the country's ISO code; the most
 * specific (last) subdivision's ISO code and English name; the city's and the subdivision's English
 * names; the postal code; latitude and longitude as Java floats, 0 when the record has no location
 * (scala-maxmind-iplookups' `getOrElse(0f)`); the time zone. Connection types are GeoIP2's enum names
 * (`Cable/DSL`, `Cellular`, `Corporate`, `Dialup`, `Satellite`); any other value is not set, as the
 * Java enum yields null there.
 *
 * The enrichment never fails an event (snowplow/snowplow#351): an address that is not an IP
 * literal, or not in a database, leaves the fields empty. Unlike Enrich, a host name is not
 * resolved through DNS. Results are cached per address (20,000, as scala-maxmind-iplookups does).
 */
import type { EnrichedEvent, SelfDescribingJson } from "../../event/enriched-event.ts";
import { canonicalFloat } from "../../event/java-float.ts";
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
  MaxMindReader,
} from "../enrichment.ts";
import { hostAddress, ipLiteralOfHost } from "./ip-address.ts";
import { LruCache } from "./lru-cache.ts";
import {
  type AssetRef,
  assetLoadError,
  ConfigReader,
  isJsonObject,
  NOTHING_ADDED,
} from "./parseable-enrichment.ts";

/** The parsed `ip_lookups` config: each database is optional. */
export interface IpLookupsConfig {
  readonly schemaKey: SchemaKey;
  readonly geo: AssetRef | null;
  readonly isp: AssetRef | null;
  readonly domain: AssetRef | null;
  readonly connectionType: AssetRef | null;
  readonly asn: AssetRef | null;
}

const criterion = schemaCriterion("com.snowplowanalytics.snowplow", "ip_lookups", "jsonschema", 2, 0);
const reader = new ConfigReader("ip_lookups");
const databases = ["geo", "isp", "domain", "connectionType", "asn"] as const;

/** The context Enrich adds for the `asn` database. */
export const ASN_SCHEMA = "iglu:com.snowplowanalytics.snowplow/asn/jsonschema/1-0-1";

/** Parses Snowplow's `ip_lookups` config. */
export function parseIpLookupsConfig(json: unknown): Result<IpLookupsConfig, EnrichmentConfigError> {
  const config = reader.config(json, criterion);
  if (!config.ok) return config;
  const { data, schemaKey } = config.value;
  const params = reader.optionalObject(data, ["parameters"]);
  if (!params.ok) return params;
  const refs: Partial<Record<(typeof databases)[number], AssetRef | null>> = {};
  for (const name of databases) {
    const ref = reader.optionalAsset(data, ["parameters", name]);
    if (!ref.ok) return ref;
    refs[name] = ref.value;
  }
  return ok({
    schemaKey,
    geo: refs.geo ?? null,
    isp: refs.isp ?? null,
    domain: refs.domain ?? null,
    connectionType: refs.connectionType ?? null,
    asn: refs.asn ?? null,
  });
}

/** What the databases say about one address; null members were not found (or not configured). */
export interface IpLookupResult {
  readonly location: GeoLocation | null;
  readonly isp: { readonly isp: string | null; readonly organization: string | null } | null;
  readonly domain: string | null | undefined;
  readonly connectionType: string | null;
  readonly asn: SelfDescribingJson | null;
}

/** The geo_* fields of one City record. */
export interface GeoLocation {
  readonly country: string | null;
  readonly region: string | null;
  readonly city: string | null;
  readonly zipcode: string | null;
  readonly latitude: number;
  readonly longitude: number;
  readonly regionName: string | null;
  readonly timezone: string | null;
}

// GeoIP2 Java's ConnectionTypeResponse.ConnectionType, by its JSON name (which toString returns).
const connectionTypes = new Set(["Dialup", "Cable/DSL", "Corporate", "Cellular", "Satellite"]);

const member = (json: unknown, key: string): unknown => (isJsonObject(json) ? json[key] : undefined);
const text = (json: unknown): string | null => (typeof json === "string" ? json : null);
const englishName = (json: unknown): string | null => text(member(member(json, "names"), "en"));

/** Reads a City record the way scala-maxmind-iplookups' `IpLocation(cityResponse)` does. */
export function geoLocation(record: Readonly<Record<string, unknown>>): GeoLocation {
  const subdivisions = record["subdivisions"];
  const mostSpecific = Array.isArray(subdivisions) ? subdivisions[subdivisions.length - 1] : undefined;
  const location = record["location"];
  const coordinate = (name: string): number => {
    const v = member(location, name);
    // Enrich holds them as Java floats: `53.3331` is written as `53.3331`, not its double expansion.
    return canonicalFloat(typeof v === "number" ? v : 0);
  };
  return {
    country: text(member(record["country"], "iso_code")),
    region: text(member(mostSpecific, "iso_code")),
    city: englishName(record["city"]),
    zipcode: text(member(record["postal"], "code")),
    latitude: coordinate("latitude"),
    longitude: coordinate("longitude"),
    regionName: englishName(mostSpecific),
    timezone: text(member(location, "time_zone")),
  };
}

/** The `asn/1-0-1` context for an ASN record, or null without an AS number. */
export function asnContext(record: Readonly<Record<string, unknown>>): SelfDescribingJson | null {
  const number = record["autonomous_system_number"];
  if (typeof number !== "number" || !Number.isInteger(number)) return null;
  const organization = text(record["autonomous_system_organization"]);
  // Enrich leaves `organization` out, rather than null, when the database has none.
  return { schema: ASN_SCHEMA, data: organization === null ? { number } : { number, organization } };
}

/** The opened databases, each optional. */
export interface IpLookupsDatabases {
  readonly geo: MaxMindReader | null;
  readonly isp: MaxMindReader | null;
  readonly domain: MaxMindReader | null;
  readonly connectionType: MaxMindReader | null;
  readonly asn: MaxMindReader | null;
}

/** Looks one address (already an IP literal) up in every configured database. */
export function lookUp(dbs: IpLookupsDatabases, ip: string): IpLookupResult {
  const get = (db: MaxMindReader | null): Readonly<Record<string, unknown>> | null => {
    if (db === null) return null;
    try {
      return db.get(ip);
    } catch {
      return null;
    }
  };
  const geo = get(dbs.geo);
  const isp = get(dbs.isp);
  const domain = get(dbs.domain);
  const connection = text(get(dbs.connectionType)?.["connection_type"]);
  const asn = get(dbs.asn);
  return {
    location: geo === null ? null : geoLocation(geo),
    isp: isp === null ? null : { isp: text(isp["isp"]), organization: text(isp["organization"]) },
    domain: domain === null ? undefined : text(domain["domain"]),
    connectionType: connection !== null && connectionTypes.has(connection) ? connection : null,
    asn: dbs.asn !== null ? (asn === null ? null : asnContext(asn)) : isp === null ? null : asnContext(isp),
  };
}

/** Sets the event's geo_* and ip_* fields from a lookup, as Enrich's `EnrichmentManager.ipLookups`. */
export function applyLookup(event: EnrichedEvent, result: IpLookupResult): void {
  const loc = result.location;
  if (loc !== null) {
    event.geo_country = loc.country;
    event.geo_region = loc.region;
    event.geo_city = loc.city;
    event.geo_zipcode = loc.zipcode;
    event.geo_latitude = loc.latitude;
    event.geo_longitude = loc.longitude;
    event.geo_region_name = loc.regionName;
    event.geo_timezone = loc.timezone;
  }
  if (result.isp !== null) {
    event.ip_isp = result.isp.isp;
    event.ip_organization = result.isp.organization;
  }
  if (result.domain !== undefined) event.ip_domain = result.domain;
  if (result.connectionType !== null) event.ip_netspeed = result.connectionType;
}

class IpLookupsEnrichment implements Enrichment {
  readonly name = "ip_lookups" as const;
  readonly #cache = new LruCache<string, IpLookupResult | null>(20_000);

  constructor(
    readonly schemaKey: SchemaKey,
    readonly databases: IpLookupsDatabases,
  ) {}

  #lookUpHost = (host: string): IpLookupResult | null => {
    const address = ipLiteralOfHost(host);
    return address === null ? null : lookUp(this.databases, hostAddress(address));
  };

  enrich({ event }: EnrichmentInput): EnrichmentOutcome {
    const ip = event.user_ipaddress;
    if (ip === null) return NOTHING_ADDED;
    const result = this.#cache.getOrCompute(ip, this.#lookUpHost);
    if (result === null) return NOTHING_ADDED;
    applyLookup(event, result);
    return result.asn === null ? NOTHING_ADDED : { kind: "enriched", contexts: [result.asn] };
  }
}

async function openDatabase(
  name: string,
  ref: AssetRef | null,
  deps: EnrichmentDeps,
): Promise<Result<MaxMindReader | null, EnrichmentConfigError>> {
  if (ref === null) return ok(null);
  const open = deps.services.openMaxMind;
  if (open === undefined) {
    return err(
      reader.error(`parameters.${name}`, "ip_lookups needs a MaxMind reader, and none is available"),
    );
  }
  let bytes: Uint8Array;
  try {
    bytes = await deps.loadAsset(ref.uri, ref.database);
  } catch (e) {
    return err(reader.error(`parameters.${name}`, assetLoadError(ref, e)));
  }
  try {
    return ok(open(bytes));
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    return err(reader.error(`parameters.${name}`, `${ref.database} is not a MaxMind database: ${reason}`));
  }
}

/** The ip_lookups enrichment. */
export const ipLookupsEnrichment: EnrichmentFactory = {
  name: "ip_lookups",
  parse: parseIpLookupsConfig,
  async create(parsed, deps) {
    const c = parsed as IpLookupsConfig;
    const opened: Partial<Record<(typeof databases)[number], MaxMindReader | null>> = {};
    for (const name of databases) {
      const db = await openDatabase(name, c[name], deps);
      if (!db.ok) return db;
      opened[name] = db.value;
    }
    return ok(
      new IpLookupsEnrichment(c.schemaKey, {
        geo: opened.geo ?? null,
        isp: opened.isp ?? null,
        domain: opened.domain ?? null,
        connectionType: opened.connectionType ?? null,
        asn: opened.asn ?? null,
      }),
    );
  },
};
