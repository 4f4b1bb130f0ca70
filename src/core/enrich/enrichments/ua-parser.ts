/**
 * @module
 * The ua_parser enrichment (`ua_parser_config` 1-0-*, Enrich's `UaParserEnrichment.scala` over
 * uap-java): adds a `com.snowplowanalytics.snowplow/ua_parser_context/jsonschema/1-0-0` context for
 * the event's `useragent`, with user agent, OS and device families and versions.
 *
 * The rules are uap-core's `regexes.yaml`: the copy bundled with the `uap-core` package, or the
 * config's own file (`uri` + `database`, 1-0-1), loaded through `deps.loadAsset`. Parsing walks
 * hundreds of regexes, so results are cached per user agent (5,000, as Enrich does); the contexts are
 * shared between events and must not be mutated.
 *
 * `useragentVersion` is `family[ major][.minor][.patch]` and `osVersion` is
 * `family[ major][.minor][.patch][.patchMinor]`, as Enrich builds them.
 *
 * Deviation: uap-java 1.5.4 ships the regexes of its release; the bundled ones here are uap-core's
 * current release, so new browsers are recognised and a few families may be named differently.
 */

import { inputData } from "../../badrows/failure-message.ts";
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
import { LruCache } from "./lru-cache.ts";
import { type AssetRef, assetLoadError, ConfigReader, NOTHING_ADDED } from "./parseable-enrichment.ts";
import { loadUapRules, type UapClient, type UapParser } from "./uap-rules.ts";

/** The parsed `ua_parser_config` config. */
export interface UaParserConfig {
  readonly schemaKey: SchemaKey;
  /** A custom `regexes.yaml`, or null for the bundled rules. */
  readonly rules: AssetRef | null;
}

export const UA_PARSER_CONTEXT_SCHEMA =
  "iglu:com.snowplowanalytics.snowplow/ua_parser_context/jsonschema/1-0-0";

const criterion = schemaCriterion("com.snowplowanalytics.snowplow", "ua_parser_config", "jsonschema", 1, 0);
const reader = new ConfigReader("ua_parser_config");

/** Parses Snowplow's `ua_parser_config` config: custom rules only when `parameters.uri` is given. */
export function parseUaParserConfig(json: unknown): Result<UaParserConfig, EnrichmentConfigError> {
  const config = reader.config(json, criterion);
  if (!config.ok) return config;
  const { data, schemaKey } = config.value;
  if (reader.at(data, ["parameters", "uri"]) === undefined) return ok({ schemaKey, rules: null });
  const rules = reader.asset(data, ["parameters"]);
  return rules.ok ? ok({ schemaKey, rules: rules.value }) : rules;
}

const dot = (v: string | null) => (v === null ? "" : `.${v}`);
const space = (v: string | null) => (v === null ? "" : ` ${v}`);

/** The `ua_parser_context` data Enrich's `assembleContext` builds, members in its order. */
export function uaParserContextData(c: UapClient): Record<string, string | null> {
  const { userAgent: ua, os, device } = c;
  return {
    useragentFamily: ua.family,
    useragentMajor: ua.major,
    useragentMinor: ua.minor,
    useragentPatch: ua.patch,
    useragentVersion: ua.family + space(ua.major) + dot(ua.minor) + dot(ua.patch),
    osFamily: os.family,
    osMajor: os.major,
    osMinor: os.minor,
    osPatch: os.patch,
    osPatchMinor: os.patchMinor,
    osVersion: os.family + space(os.major) + dot(os.minor) + dot(os.patch) + dot(os.patchMinor),
    deviceFamily: device.family,
  };
}

let bundled: Promise<Result<UapParser, string>> | null = null;

/**
 * The rules of the `uap-core` package, read once per process. The file is located by module
 * resolution and read with `fetch`, which both Bun and Deno serve for `file:` URLs.
 */
export function bundledUapRules(): Promise<Result<UapParser, string>> {
  bundled ??= (async () => {
    try {
      const response = await fetch(import.meta.resolve("uap-core/regexes.yaml"));
      if (!response.ok) return err(`uap-core/regexes.yaml: HTTP ${response.status}`);
      return loadUapRules(await response.text());
    } catch (e) {
      return err(`uap-core/regexes.yaml: ${(e as Error).message}`);
    }
  })();
  return bundled;
}

class UaParserEnrichment implements Enrichment {
  readonly name = "ua_parser_config" as const;
  readonly #cache = new LruCache<string, SelfDescribingJson>(5_000);

  constructor(
    readonly schemaKey: SchemaKey,
    readonly parser: UapParser,
  ) {}

  enrich({ event }: EnrichmentInput): EnrichmentOutcome {
    const ua = event.useragent;
    if (ua === null) return NOTHING_ADDED;
    let context = this.#cache.get(ua);
    if (context === undefined) {
      try {
        context = { schema: UA_PARSER_CONTEXT_SCHEMA, data: uaParserContextData(this.parser.parse(ua)) };
      } catch (e) {
        // Enrich's failure for a parser exception (not cached, as in Enrich).
        const message = `could not parse useragent: ${(e as Error).message}`;
        return { kind: "failed", messages: [inputData("useragent", ua, message)] };
      }
      this.#cache.set(ua, context);
    }
    return { kind: "enriched", contexts: [context] };
  }
}

/** The ua_parser enrichment. */
export const uaParserEnrichment: EnrichmentFactory = {
  name: "ua_parser_config",
  parse: parseUaParserConfig,
  async create(parsed, deps) {
    const c = parsed as UaParserConfig;
    const failed = (reason: string) =>
      err(reader.error("parameters", `Failed to initialize ua parser: [${reason}]`));
    let rules: Result<UapParser, string>;
    if (c.rules === null) rules = await bundledUapRules();
    else {
      let bytes: Uint8Array;
      try {
        bytes = await deps.loadAsset(c.rules.uri, c.rules.database);
      } catch (e) {
        return failed(assetLoadError(c.rules, e));
      }
      rules = loadUapRules(new TextDecoder().decode(bytes));
    }
    return rules.ok ? ok(new UaParserEnrichment(c.schemaKey, rules.value)) : failed(rules.error);
  },
};
