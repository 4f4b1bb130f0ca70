/**
 * @module
 * Consolidated bot detection (`bot_detection_enrichment_config` 1-0-*, Enrich's
 * `BotDetectionEnrichment`). It runs after YAUAA, IAB and the ASN lookups and reads their contexts
 * (and, optionally, the client-side detection plugin's context sent by the tracker), then always
 * adds one `com.snowplowanalytics.snowplow/bot_detection/jsonschema/1-0-1` `{bot, indicators}`.
 *
 * | Indicator | Context (exact version) | Bot when |
 * |---|---|---|
 * | `yauaa` (`useYauaa`) | derived `nl.basjes/yauaa_context/1-0-5` | deviceClass is Robot, Robot Mobile or Robot Imitator, or agentClass is Robot or Robot Mobile |
 * | `iab` (`useIab`) | derived `com.iab.snowplow/spiders_and_robots/1-0-0` | spiderOrRobot is true |
 * | `asnLookups` (`useAsnLookups`) | derived `com.snowplowanalytics.snowplow/asn/1-0-1` | likelyBot is true |
 * | `clientSideDetection` (`useClientSideDetection`, optional) | tracker-sent `…/client_side_bot_detection/1-0-0` | bot is true |
 *
 * The order of `indicators` is Enrich's: client-side ones first, then derived ones, each group in
 * the reverse order of the contexts that raised them.
 */
import type { SelfDescribingJson } from "../../event/enriched-event.ts";
import { schemaCriterion } from "../../iglu/schema-criterion.ts";
import type { SchemaKey } from "../../iglu/schema-key.ts";
import { err, ok, type Result } from "../../result.ts";
import type {
  Enrichment,
  EnrichmentConfigError,
  EnrichmentFactory,
  EnrichmentInput,
  EnrichmentOutcome,
} from "../enrichment.ts";
import { ConfigReader, isJsonObject } from "./parseable-enrichment.ts";

/** The context this enrichment adds. */
export const BOT_DETECTION_SCHEMA = "iglu:com.snowplowanalytics.snowplow/bot_detection/jsonschema/1-0-1";

/** The parsed `bot_detection_enrichment_config`. */
export interface BotDetectionConfig {
  readonly schemaKey: SchemaKey;
  readonly useYauaa: boolean;
  readonly useIab: boolean;
  readonly useAsnLookups: boolean;
  readonly useClientSideDetection: boolean;
}

type IndicatorName = "yauaa" | "iab" | "asnLookups" | "clientSideDetection";

interface Indicator {
  readonly name: IndicatorName;
  readonly schema: string;
  readonly isBot: (data: Readonly<Record<string, unknown>>) => boolean;
}

const botDeviceClasses = new Set(["Robot", "Robot Mobile", "Robot Imitator"]);
const botAgentClasses = new Set(["Robot", "Robot Mobile"]);

const indicators: Record<IndicatorName, Indicator> = {
  yauaa: {
    name: "yauaa",
    schema: "iglu:nl.basjes/yauaa_context/jsonschema/1-0-5",
    isBot: (d) =>
      botDeviceClasses.has(String(d["deviceClass"] ?? "")) ||
      botAgentClasses.has(String(d["agentClass"] ?? "")),
  },
  iab: {
    name: "iab",
    schema: "iglu:com.iab.snowplow/spiders_and_robots/jsonschema/1-0-0",
    isBot: (d) => d["spiderOrRobot"] === true,
  },
  asnLookups: {
    name: "asnLookups",
    schema: "iglu:com.snowplowanalytics.snowplow/asn/jsonschema/1-0-1",
    isBot: (d) => d["likelyBot"] === true,
  },
  clientSideDetection: {
    name: "clientSideDetection",
    schema: "iglu:com.snowplowanalytics.snowplow/client_side_bot_detection/jsonschema/1-0-0",
    isBot: (d) => d["bot"] === true,
  },
};

const criterion = schemaCriterion(
  "com.snowplowanalytics.snowplow.enrichments",
  "bot_detection_enrichment_config",
  "jsonschema",
  1,
  0,
);
const reader = new ConfigReader("bot_detection_enrichment_config");

function flag(
  data: Readonly<Record<string, unknown>>,
  name: string,
  optional: boolean,
): Result<boolean, EnrichmentConfigError> {
  const v = reader.at(data, ["parameters", name]);
  if (typeof v === "boolean") return ok(v);
  if (optional && (v === undefined || v === null)) return ok(false);
  return err(
    reader.error(`parameters.${name}`, `Could not extract parameters.${name} as Boolean from supplied JSON`),
  );
}

/** Parses Snowplow's `bot_detection_enrichment_config`. */
export function parseBotDetectionConfig(json: unknown): Result<BotDetectionConfig, EnrichmentConfigError> {
  const config = reader.config(json, criterion);
  if (!config.ok) return config;
  const { data, schemaKey } = config.value;
  const useYauaa = flag(data, "useYauaa", false);
  if (!useYauaa.ok) return useYauaa;
  const useIab = flag(data, "useIab", false);
  if (!useIab.ok) return useIab;
  const useAsnLookups = flag(data, "useAsnLookups", false);
  if (!useAsnLookups.ok) return useAsnLookups;
  const useClientSideDetection = flag(data, "useClientSideDetection", true);
  if (!useClientSideDetection.ok) return useClientSideDetection;
  return ok({
    schemaKey,
    useYauaa: useYauaa.value,
    useIab: useIab.value,
    useAsnLookups: useAsnLookups.value,
    useClientSideDetection: useClientSideDetection.value,
  });
}

/** The names of the indicators raised by `contexts`, latest context first (Enrich's fold). */
function triggered(
  contexts: readonly SelfDescribingJson[],
  enabled: ReadonlyMap<string, Indicator>,
): IndicatorName[] {
  const out: IndicatorName[] = [];
  if (enabled.size === 0) return out;
  for (const context of contexts) {
    const indicator = enabled.get(context.schema);
    if (indicator !== undefined && isJsonObject(context.data) && indicator.isBot(context.data)) {
      out.unshift(indicator.name);
    }
  }
  return out;
}

class BotDetectionEnrichment implements Enrichment {
  readonly name = "bot_detection_enrichment_config" as const;
  readonly #derived: ReadonlyMap<string, Indicator>;
  readonly #input: ReadonlyMap<string, Indicator>;

  constructor(config: BotDetectionConfig) {
    this.schemaKey = config.schemaKey;
    const on = (use: boolean, i: Indicator): [string, Indicator][] => (use ? [[i.schema, i]] : []);
    this.#derived = new Map([
      ...on(config.useYauaa, indicators.yauaa),
      ...on(config.useIab, indicators.iab),
      ...on(config.useAsnLookups, indicators.asnLookups),
    ]);
    this.#input = new Map(on(config.useClientSideDetection, indicators.clientSideDetection));
  }
  readonly schemaKey: SchemaKey;

  enrich({ event, derivedContexts }: EnrichmentInput): EnrichmentOutcome {
    const raised = [...triggered(event.contexts, this.#input), ...triggered(derivedContexts, this.#derived)];
    return {
      kind: "enriched",
      contexts: [{ schema: BOT_DETECTION_SCHEMA, data: { bot: raised.length > 0, indicators: raised } }],
    };
  }
}

/** The bot_detection enrichment: one verdict from the other enrichments' bot signals. */
export const botDetectionEnrichment: EnrichmentFactory = {
  name: "bot_detection_enrichment_config",
  parse: parseBotDetectionConfig,
  async create(parsed) {
    return ok(new BotDetectionEnrichment(parsed as BotDetectionConfig));
  },
};
