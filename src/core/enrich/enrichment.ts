/**
 * @module
 * The contract between the enrichment pipeline and each enrichment (Snowplow Enrich's
 * `EnrichmentRegistry`). An enrichment is built once from its Snowplow config JSON (the same
 * `enrichments/*.json` files a Snowplow user already has) and then called per event, in Snowplow's
 * fixed order (`ENRICHMENT_ORDER`). It reads the raw event and the event enriched so far, may set
 * atomic fields, may add derived contexts, and reports expected failures as values, which the
 * pipeline turns into `enrichment_failures` bad rows.
 *
 * Everything here is Web-standard: I/O an enrichment needs (MaxMind databases, user scripts, SQL,
 * HTTP, asset files) comes in through `EnrichmentDeps`, which adapters outside `src/core` provide.
 */

import type { EnrichmentFailureMessage } from "../badrows/failure-message.ts";
import type { NVP, RawEvent } from "../badrows/payload.ts";
import type { EnrichedEvent, SelfDescribingJson } from "../event/enriched-event.ts";
import type { SchemaKey } from "../iglu/schema-key.ts";
import type { Result } from "../result.ts";

/** Snowplow's enrichment names (`data.name` of the config JSON), in the order Enrich runs them. */
export const ENRICHMENT_ORDER = [
  "iab_spiders_and_robots_enrichment",
  "user_agent_utils_config",
  "ua_parser_config",
  "currency_conversion_config",
  "referer_parser",
  "campaign_attribution",
  "cross_navigation_config",
  "event_fingerprint_config",
  "cookie_extractor_config",
  "http_header_extractor_config",
  "weather_enrichment_config",
  "yauaa_enrichment_config",
  "ip_lookups",
  "asn_lookups",
  "bot_detection_enrichment_config",
  "javascript_script_config",
  "sql_query_enrichment_config",
  "api_request_enrichment_config",
  "anon_ip",
  "pii_enrichment_config",
  "event_spec_enrichment_config",
] as const;

export type EnrichmentName = (typeof ENRICHMENT_ORDER)[number];

/** What an enrichment sees of one event. */
export interface EnrichmentInput {
  /** The event being enriched; enrichments set atomic fields on it directly. */
  readonly event: EnrichedEvent;
  /** The raw event the adapter produced: parameters, headers, IP, user agent, collector time. */
  readonly raw: RawEvent;
  /** The raw parameters by name (first value wins), for enrichments that read `tr_cu`, `_sp`, etc. */
  readonly parameters: ReadonlyMap<string, string | null>;
  /** The derived contexts produced so far in this event (read-only; add through the outcome). */
  readonly derivedContexts: readonly SelfDescribingJson[];
}

/** What one enrichment did to one event. */
export type EnrichmentOutcome =
  /**
   * Done; `contexts` (possibly empty) are added to derived_contexts. With `replacesDerivedContexts`
   * they are instead the whole new list, replacing every derived context so far: asn_lookups and
   * pii rewrite earlier contexts in place, and JavaScript's `eraseDerived_contexts()` keeps only
   * the script's own (Enrich's `asnLookups`, `fromPiiEnrichmentResult`, `fromJsEnrichmentResult`).
   */
  | {
      readonly kind: "enriched";
      readonly contexts: readonly SelfDescribingJson[];
      readonly replacesDerivedContexts?: boolean;
    }
  /** Expected failures: the event becomes an enrichment_failures bad row. */
  | { readonly kind: "failed"; readonly messages: readonly EnrichmentFailureMessage[] }
  /** The JavaScript enrichment's `drop()`: the event is discarded, neither good nor bad. */
  | { readonly kind: "dropped" };

/** One configured enrichment. */
export interface Enrichment {
  readonly name: EnrichmentName;
  /** Its config's schema key, named in enrichment_failures bad rows (`enrichment.schemaKey`). */
  readonly schemaKey: SchemaKey;
  /**
   * Enriches one event. Most enrichments are synchronous; those that do I/O (API, SQL, currency)
   * return a promise. The pipeline awaits only promises, keeping the common path synchronous.
   */
  enrich(input: EnrichmentInput): EnrichmentOutcome | Promise<EnrichmentOutcome>;
  /** Releases what it holds (connections, timers, worker threads). */
  close?(): Promise<void>;
}

/** A config problem, reported at start-up as one line naming the enrichment and the JSON path. */
export interface EnrichmentConfigError {
  readonly enrichment: string;
  readonly path: string;
  readonly message: string;
}

/** The I/O enrichments may need, provided by adapters (or by tests with real local files/servers). */
export interface EnrichmentDeps {
  /** Reads an asset named by an enrichment config (`uri` + `database`): local path, http(s) or s3. */
  readonly loadAsset: (uri: string, database: string) => Promise<Uint8Array>;
  /** HTTP for the API, currency and weather enrichments. */
  readonly fetch: typeof fetch;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  /** Optional services only some deployments have; an enrichment that needs a missing one fails to build. */
  readonly services: Partial<EnrichmentServices>;
}

/** Runtime-specific services, implemented in `src/adapters`. */
export interface EnrichmentServices {
  /** Opens a MaxMind database (`.mmdb` bytes) for lookups. */
  openMaxMind(bytes: Uint8Array): MaxMindReader;
  /** Runs a user's JavaScript enrichment script in a sandbox (no filesystem or network, time-limited). */
  compileScript(source: string, options: { readonly timeoutMs: number }): Promise<ScriptRunner>;
  /** Runs a parameterised SQL query (sql_query enrichment). */
  sql(connection: SqlConnectionConfig): SqlQueryRunner;
}

export interface MaxMindReader {
  /** The record for `ip`, or null if the address is not in the database. Throws only on invalid IPs. */
  get(ip: string): Record<string, unknown> | null;
}

export interface ScriptRunner {
  /** Calls the script's `process(event, params, headers)` and returns what it returned, or a failure. */
  run(event: Record<string, unknown>, params: unknown, headers: readonly string[]): Promise<ScriptResult>;
  close(): Promise<void>;
}

export type ScriptResult =
  | {
      readonly kind: "ok";
      readonly contexts: readonly SelfDescribingJson[] | null;
      /** The event's fields after the script's setters. */
      readonly event: Record<string, unknown>;
      readonly dropped: boolean;
      readonly erasedDerivedContexts: boolean;
    }
  | { readonly kind: "error"; readonly message: string };

export interface SqlConnectionConfig {
  readonly kind: "postgresql" | "mysql";
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly username: string;
  readonly password: string;
  readonly sslMode: boolean;
}

export interface SqlQueryRunner {
  /**
   * `sql` keeps the config's JDBC `?` placeholders; `params` are the sql_query enrichment's typed
   * `SqlParameter`s, in placeholder order. Rows come back as JSON objects, column label → value.
   */
  query(sql: string, params: readonly unknown[]): Promise<Result<readonly Record<string, unknown>[], string>>;
  close(): Promise<void>;
}

/** How an enrichment module builds itself from its Snowplow config JSON (the whole SDJ). */
export interface EnrichmentFactory {
  readonly name: EnrichmentName;
  /** Validates the config's shape (and its schema URI) without doing I/O. */
  parse(config: SelfDescribingJson): Result<unknown, EnrichmentConfigError>;
  /** Builds the enrichment from a parsed config, loading assets through `deps`. */
  create(parsed: unknown, deps: EnrichmentDeps): Promise<Result<Enrichment, EnrichmentConfigError>>;
}

export type { NVP };
