/**
 * @module
 * The HTTP header extractor enrichment (`com.snowplowanalytics.snowplow.enrichments/
 * http_header_extractor_config` 1-0-*, Enrich's `HttpHeaderExtractorEnrichment.scala`): one
 * `org.ietf/http_header/jsonschema/1-0-0` context `{name, value}` for each request header whose
 * name matches `headersPattern`, in header order.
 *
 * As in Enrich, a header is split at its first `:`; the pattern must match the whole name as
 * written (Java's `Matcher.matches`, so `X-Forwarded-For` does not match `x-forwarded-for`), and name
 * and value are then trimmed of spaces and control characters (Java's `String.trim`). The pattern is
 * a Java regex compiled as a JavaScript one; the common syntax (classes, alternation, `(?i)` aside)
 * is the same, and a pattern JavaScript cannot compile is a config error.
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
import { ConfigReader, NOTHING_ADDED } from "./parseable-enrichment.ts";

/** The parsed `http_header_extractor_config` config. */
export interface HttpHeaderExtractorConfig {
  readonly schemaKey: SchemaKey;
  readonly headersPattern: string;
  /** `headersPattern` anchored at both ends, as Java's `matches()` reads it. */
  readonly matcher: RegExp;
}

export const HTTP_HEADER_SCHEMA = "iglu:org.ietf/http_header/jsonschema/1-0-0";

const criterion = schemaCriterion(
  "com.snowplowanalytics.snowplow.enrichments",
  "http_header_extractor_config",
  "jsonschema",
  1,
  0,
);
const reader = new ConfigReader("http_header_extractor_config");

/**
 * Compiles a Java regex for whole-string matching. A leading `(?i)` (Java's embedded flag, common
 * in header patterns since names are case-insensitive in HTTP) becomes the `i` flag.
 */
export function compileWholeMatch(pattern: string): RegExp {
  const m = /^\(\?([is]+)\)/.exec(pattern);
  const flags = m === null ? "" : [...new Set(m[1])].join("");
  const body = m === null ? pattern : pattern.slice(m[0].length);
  return new RegExp(`^(?:${body})$`, flags);
}

/** Parses Snowplow's `http_header_extractor_config` config. */
export function parseHttpHeaderExtractorConfig(
  json: unknown,
): Result<HttpHeaderExtractorConfig, EnrichmentConfigError> {
  const config = reader.config(json, criterion);
  if (!config.ok) return config;
  const pattern = reader.string(config.value.data, ["parameters", "headersPattern"]);
  if (!pattern.ok) return pattern;
  let matcher: RegExp;
  try {
    matcher = compileWholeMatch(pattern.value);
  } catch (e) {
    return err(
      reader.error("parameters.headersPattern", `invalid regular expression: ${(e as Error).message}`),
    );
  }
  return ok({ schemaKey: config.value.schemaKey, headersPattern: pattern.value, matcher });
}

/** Java's `String.trim()`: strips code points up to U+0020 at both ends. */
export function javaTrim(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) <= 0x20) start++;
  while (end > start && text.charCodeAt(end - 1) <= 0x20) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

/** The http_header contexts for the headers whose name matches. */
export function extractHeaders(matcher: RegExp, headers: readonly string[]): SelfDescribingJson[] {
  const contexts: SelfDescribingJson[] = [];
  for (const header of headers) {
    const colon = header.indexOf(":");
    if (colon === -1) continue;
    const name = header.slice(0, colon);
    if (!matcher.test(name)) continue;
    contexts.push({
      schema: HTTP_HEADER_SCHEMA,
      data: { name: javaTrim(name), value: javaTrim(header.slice(colon + 1)) },
    });
  }
  return contexts;
}

class HttpHeaderExtractorEnrichment implements Enrichment {
  readonly name = "http_header_extractor_config" as const;
  constructor(
    readonly schemaKey: SchemaKey,
    readonly matcher: RegExp,
  ) {}

  enrich({ raw }: EnrichmentInput): EnrichmentOutcome {
    if (raw.headers.length === 0) return NOTHING_ADDED;
    const contexts = extractHeaders(this.matcher, raw.headers);
    return contexts.length === 0 ? NOTHING_ADDED : { kind: "enriched", contexts };
  }
}

/** The HTTP header extractor enrichment. */
export const httpHeaderExtractorEnrichment: EnrichmentFactory = {
  name: "http_header_extractor_config",
  parse: parseHttpHeaderExtractorConfig,
  async create(parsed) {
    const c = parsed as HttpHeaderExtractorConfig;
    return ok(new HttpHeaderExtractorEnrichment(c.schemaKey, c.matcher));
  },
};
