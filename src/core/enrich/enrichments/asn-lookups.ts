/**
 * @module
 * ASN bot lookups (`asn_lookups` 1-0-0, Enrich's `AsnLookupsEnrichment` and
 * `EnrichmentManager.asnLookups`). The ip_lookups enrichment adds an
 * `asn/jsonschema/1-0-1` context `{number, organization?}`; this enrichment, which runs right after
 * it, rewrites that context in place with `likelyBot`: true when the number is one of the
 * configured ASNs of cloud, hosting and colocation providers.
 *
 * Configuration: `botAsns` `[{asn, name?}]` (the name is documentation only) and `botAsnsFile`
 * `{uri, database}`, a CSV whose first line is a header and whose lines start with an ASN; the two
 * are merged. Events whose `platform` is in `bypassPlatforms` keep their context unchanged.
 *
 * As in Enrich, the rewritten context is rebuilt from `number` and a string `organization` (a null
 * organization is left out), and a context whose `number` is not an integer is left alone.
 */
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
  type AssetRef,
  assetLoadError,
  ConfigReader,
  isJsonObject,
  NOTHING_ADDED,
} from "./parseable-enrichment.ts";

/** The context ip_lookups adds and this enrichment rewrites. */
export const ASN_CONTEXT_SCHEMA = "iglu:com.snowplowanalytics.snowplow/asn/jsonschema/1-0-1";

/** The parsed `asn_lookups` config. */
export interface AsnLookupsConfig {
  readonly schemaKey: SchemaKey;
  readonly botAsnsFile: AssetRef | null;
  readonly botAsns: readonly number[];
  readonly bypassPlatforms: readonly string[];
}

const criterion = schemaCriterion(
  "com.snowplowanalytics.snowplow.enrichments",
  "asn_lookups",
  "jsonschema",
  1,
  0,
);
const reader = new ConfigReader("asn_lookups");

/** Parses Snowplow's `asn_lookups` config. */
export function parseAsnLookupsConfig(json: unknown): Result<AsnLookupsConfig, EnrichmentConfigError> {
  const config = reader.config(json, criterion);
  if (!config.ok) return config;
  const { data, schemaKey } = config.value;
  const file = reader.optionalAsset(data, ["parameters", "botAsnsFile"]);
  if (!file.ok) return file;
  const listed = reader.at(data, ["parameters", "botAsns"]);
  const botAsns: number[] = [];
  if (listed !== undefined && listed !== null) {
    if (!Array.isArray(listed)) return err(reader.error("parameters.botAsns", "botAsns must be an array"));
    for (const [i, entry] of listed.entries()) {
      const asn = isJsonObject(entry) ? entry["asn"] : undefined;
      if (typeof asn !== "number" || !Number.isSafeInteger(asn) || asn < 0) {
        return err(
          reader.error(`parameters.botAsns[${i}].asn`, "each bot ASN must be a non-negative integer"),
        );
      }
      botAsns.push(asn);
    }
  }
  const bypass = reader.optionalStrings(data, ["parameters", "bypassPlatforms"]);
  if (!bypass.ok) return bypass;
  return ok({ schemaKey, botAsnsFile: file.value, botAsns, bypassPlatforms: bypass.value });
}

/**
 * The ASNs of a bot-ASN CSV, as Enrich reads it: the first line is a header, and every other line's
 * first comma-separated field, trimmed, must be a long.
 */
export function parseBotAsnsCsv(text: string): Result<number[], string> {
  const lines = text.split(/\r?\n/);
  // Scala's getLines yields no final empty line after a trailing newline.
  if (lines.at(-1) === "") lines.pop();
  const asns: number[] = [];
  for (const line of lines.slice(1)) {
    const field = (line.split(",")[0] ?? "").trim();
    if (!/^[+-]?[0-9]+$/.test(field) || !Number.isSafeInteger(Number(field))) {
      return err(`Failed to parse CSV file with ASNs. Error: For input string: "${field}"`);
    }
    asns.push(Number(field));
  }
  return ok(asns);
}

/** The asn context with `likelyBot`, or null when it has no integer `number` (left unchanged). */
export function markAsnContext(
  context: SelfDescribingJson,
  botAsns: ReadonlySet<number>,
): SelfDescribingJson | null {
  const data = context.data;
  if (!isJsonObject(data)) return null;
  const number = data["number"];
  if (typeof number !== "number" || !Number.isSafeInteger(number)) return null;
  const organization = data["organization"];
  return {
    schema: ASN_CONTEXT_SCHEMA,
    data: {
      number,
      ...(typeof organization === "string" ? { organization } : {}),
      likelyBot: botAsns.has(number),
    },
  };
}

class AsnLookupsEnrichment implements Enrichment {
  readonly name = "asn_lookups" as const;
  constructor(
    readonly schemaKey: SchemaKey,
    readonly botAsns: ReadonlySet<number>,
    readonly bypassPlatforms: ReadonlySet<string>,
  ) {}

  enrich({ event, derivedContexts }: EnrichmentInput): EnrichmentOutcome {
    if (event.platform !== null && this.bypassPlatforms.has(event.platform)) return NOTHING_ADDED;
    if (!derivedContexts.some((c) => c.schema === ASN_CONTEXT_SCHEMA)) return NOTHING_ADDED;
    const contexts = derivedContexts.map((c) =>
      c.schema === ASN_CONTEXT_SCHEMA ? (markAsnContext(c, this.botAsns) ?? c) : c,
    );
    return { kind: "enriched", contexts, replacesDerivedContexts: true };
  }
}

/** The asn_lookups enrichment: marks likely bots in ip_lookups' asn context. */
export const asnLookupsEnrichment: EnrichmentFactory = {
  name: "asn_lookups",
  parse: parseAsnLookupsConfig,
  async create(parsed, deps: EnrichmentDeps) {
    const c = parsed as AsnLookupsConfig;
    const asns = new Set(c.botAsns);
    if (c.botAsnsFile !== null) {
      let text: string;
      try {
        text = new TextDecoder().decode(await deps.loadAsset(c.botAsnsFile.uri, c.botAsnsFile.database));
      } catch (e) {
        return err(reader.error("parameters.botAsnsFile", assetLoadError(c.botAsnsFile, e)));
      }
      const fromFile = parseBotAsnsCsv(text);
      if (!fromFile.ok) return err(reader.error("parameters.botAsnsFile", fromFile.error));
      for (const asn of fromFile.value) asns.add(asn);
    }
    return ok(new AsnLookupsEnrichment(c.schemaKey, asns, new Set(c.bypassPlatforms)));
  },
};
