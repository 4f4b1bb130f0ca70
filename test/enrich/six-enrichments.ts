/**
 * @module
 * The enrich settings of the end-to-end tests and `bench/enrich.ts`, written as Snowplow's own files
 * into a directory: a resolver config over the fixture registries plus `stand-in-schemas/`, and an
 * enrichments directory with the six enrichments most pipelines run: campaign_attribution,
 * referer_parser, ua_parser (built-in rules), event_fingerprint, ip_lookups (all five tiny MaxMind
 * databases) and pii (a user id and an email in a context, SHA-256 with a salt).
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const fixtures = fileURLToPath(new URL("../../fixtures/", import.meta.url));
const standIns = fileURLToPath(new URL("./stand-in-schemas", import.meta.url));
const assets = join(fixtures, "enrich-assets");

/** The PII enrichment's salt: a hashed value is `sha256hex(value + PII_SALT)`. */
export const PII_SALT = "furrow-e2e-salt";
/** The schema of the context whose `email` the PII enrichment hashes. */
export const CUSTOMER_SCHEMA = "iglu:com.furrow.test/customer/jsonschema/1-0-0";
/** Hosts the referer parser treats as the site itself. */
export const INTERNAL_DOMAINS = ["shop.example.com", "checkout.example.com"];

/** Where `writeEnrichSettings` put the files. */
export interface EnrichSettingsFiles {
  /** The resolver config, for `--iglu-config`. */
  readonly igluConfig: string;
  /** The enrichment configs, for `--enrichments`. */
  readonly enrichmentsDir: string;
}

const fixtureEnrichment = (name: string): unknown =>
  JSON.parse(readFileSync(join(fixtures, "enrich/enrichments", `${name}.json`), "utf8"));

/** The six enrichment configs by file name, in Snowplow's format. */
export function sixEnrichmentConfigs(): Record<string, unknown> {
  const maxmind = (database: string) => ({ database, uri: join(assets, "maxmind") });
  return {
    "campaign_attribution.json": fixtureEnrichment("campaign_attribution"),
    "ua_parser_config.json": fixtureEnrichment("ua_parser_config"),
    "event_fingerprint_config.json": fixtureEnrichment("event_fingerprint_config"),
    "referer_parser.json": {
      schema: "iglu:com.snowplowanalytics.snowplow/referer_parser/jsonschema/2-0-1",
      data: {
        name: "referer_parser",
        vendor: "com.snowplowanalytics.snowplow",
        enabled: true,
        parameters: {
          internalDomains: INTERNAL_DOMAINS,
          uri: join(assets, "referer-parser"),
          database: "referers-tiny.json",
        },
      },
    },
    "ip_lookups.json": {
      schema: "iglu:com.snowplowanalytics.snowplow/ip_lookups/jsonschema/2-0-1",
      data: {
        name: "ip_lookups",
        vendor: "com.snowplowanalytics.snowplow",
        enabled: true,
        parameters: {
          geo: maxmind("Furrow-City-Test.mmdb"),
          isp: maxmind("Furrow-ISP-Test.mmdb"),
          domain: maxmind("Furrow-Domain-Test.mmdb"),
          connectionType: maxmind("Furrow-Connection-Type-Test.mmdb"),
          asn: maxmind("Furrow-ASN-Test.mmdb"),
        },
      },
    },
    "pii_enrichment_config.json": {
      schema: "iglu:com.snowplowanalytics.snowplow.enrichments/pii_enrichment_config/jsonschema/2-0-1",
      data: {
        vendor: "com.snowplowanalytics.snowplow.enrichments",
        name: "pii_enrichment_config",
        enabled: true,
        emitEvent: false,
        parameters: {
          pii: [
            { pojo: { field: "user_id" } },
            {
              json: {
                field: "contexts",
                schemaCriterion: "iglu:com.furrow.test/customer/jsonschema/1-*-*",
                jsonPath: "$.email",
              },
            },
          ],
          strategy: { pseudonymize: { hashFunction: "SHA-256", salt: PII_SALT } },
        },
      },
    },
  };
}

/** The resolver config: the fixtures' two registries (as `fixtures/enrich/resolver.json`), then the stand-ins. */
export function resolverConfig(): unknown {
  return {
    schema: "iglu:com.snowplowanalytics.iglu/resolver-config/jsonschema/1-0-3",
    data: {
      cacheSize: 500,
      cacheTtl: 600,
      repositories: [
        {
          name: "Furrow enrich stand-ins",
          priority: 0,
          vendorPrefixes: ["com.snowplowanalytics", "org.ietf"],
          connection: { embedded: { path: join(fixtures, "enrich/iglu") } },
        },
        {
          name: "Furrow examples",
          priority: 1,
          vendorPrefixes: ["com.furrow"],
          connection: { embedded: { path: join(fixtures, "iglu-resolver/registry") } },
        },
        {
          name: "Furrow end-to-end stand-ins",
          priority: 2,
          vendorPrefixes: ["com.snowplowanalytics", "com.furrow.test"],
          connection: { embedded: { path: standIns } },
        },
      ],
    },
  };
}

/** Writes `resolver.json` and `enrichments/` into `dir` (which must exist). */
export function writeEnrichSettings(dir: string): EnrichSettingsFiles {
  const igluConfig = join(dir, "resolver.json");
  writeFileSync(igluConfig, JSON.stringify(resolverConfig(), null, 2));
  const enrichmentsDir = join(dir, "enrichments");
  mkdirSync(enrichmentsDir, { recursive: true });
  for (const [name, config] of Object.entries(sixEnrichmentConfigs())) {
    writeFileSync(join(enrichmentsDir, name), JSON.stringify(config, null, 2));
  }
  return { igluConfig, enrichmentsDir };
}
