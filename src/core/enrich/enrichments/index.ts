/**
 * @module
 * Every enrichment Furrow has: one factory per enrichment module of this folder, which
 * `buildEnrichments` dispatches Snowplow's configs to by `data.name`. Enrichments not listed here
 * (`user_agent_utils_config`, `weather_enrichment_config`, `event_spec_enrichment_config`) are
 * reported as "not available in this build" when configured.
 */
import type { EnrichmentFactory } from "../enrichment.ts";
import { anonIpEnrichment } from "./anon-ip.ts";
import { apiRequestEnrichment } from "./api-request.ts";
import { asnLookupsEnrichment } from "./asn-lookups.ts";
import { botDetectionEnrichment } from "./bot-detection.ts";
import { campaignAttributionEnrichment } from "./campaign-attribution.ts";
import { cookieExtractorEnrichment } from "./cookie-extractor.ts";
import { crossNavigationEnrichment } from "./cross-navigation.ts";
import { currencyConversionEnrichment } from "./currency-conversion.ts";
import { eventFingerprintEnrichment } from "./event-fingerprint.ts";
import { httpHeaderExtractorEnrichment } from "./http-header-extractor.ts";
import { iabSpidersAndRobotsEnrichment } from "./iab-spiders-and-robots.ts";
import { ipLookupsEnrichment } from "./ip-lookups.ts";
import { javascriptScriptEnrichment } from "./javascript-script.ts";
import { piiEnrichment } from "./pii-pseudonymizer.ts";
import { refererParserEnrichment } from "./referer-parser.ts";
import { sqlQueryEnrichment } from "./sql-query.ts";
import { uaParserEnrichment } from "./ua-parser.ts";
import { yauaaEnrichment } from "./yauaa.ts";

/** The factories, in Enrich's order. */
export const ENRICHMENT_FACTORIES: readonly EnrichmentFactory[] = [
  iabSpidersAndRobotsEnrichment,
  uaParserEnrichment,
  currencyConversionEnrichment,
  refererParserEnrichment,
  campaignAttributionEnrichment,
  crossNavigationEnrichment,
  eventFingerprintEnrichment,
  cookieExtractorEnrichment,
  httpHeaderExtractorEnrichment,
  yauaaEnrichment,
  ipLookupsEnrichment,
  asnLookupsEnrichment,
  botDetectionEnrichment,
  javascriptScriptEnrichment,
  sqlQueryEnrichment,
  apiRequestEnrichment,
  anonIpEnrichment,
  piiEnrichment,
];
