/**
 * @module
 * The cookie extractor enrichment (`cookie_extractor_config` 1-0-*, Enrich's
 * `CookieExtractorEnrichment.scala`): one `org.ietf/http_cookie/jsonschema/1-0-0` context
 * `{name, value}` for each configured cookie found in the request's `Cookie` headers, in header
 * order.
 *
 * A header is a `Cookie` header when the text before its first `:` is `cookie` in any case (not
 * trimmed). Its value is read as Apache HttpCore's `BasicHeaderValueParser.parseParameters` reads it
 * (RFC 6265 §4.2.1–4.2.2, loosely): `name=value` pairs separated by `;`, whitespace around tokens
 * dropped, a quoted value unquoted, a name without `=` having a null value, and a `,` ending the
 * list (HttpCore treats it as the end of a header element). Names match exactly.
 */
import type { SelfDescribingJson } from "../../event/enriched-event.ts";
import { schemaCriterion } from "../../iglu/schema-criterion.ts";
import type { SchemaKey } from "../../iglu/schema-key.ts";
import { ok, type Result } from "../../result.ts";
import type {
  Enrichment,
  EnrichmentConfigError,
  EnrichmentFactory,
  EnrichmentInput,
  EnrichmentOutcome,
} from "../enrichment.ts";
import { ConfigReader, NOTHING_ADDED } from "./parseable-enrichment.ts";

/** The parsed `cookie_extractor_config` config. */
export interface CookieExtractorConfig {
  readonly schemaKey: SchemaKey;
  readonly cookies: readonly string[];
}

export const HTTP_COOKIE_SCHEMA = "iglu:org.ietf/http_cookie/jsonschema/1-0-0";

const criterion = schemaCriterion(
  "com.snowplowanalytics.snowplow",
  "cookie_extractor_config",
  "jsonschema",
  1,
  0,
);
const reader = new ConfigReader("cookie_extractor_config");

/** Parses Snowplow's `cookie_extractor_config` config. */
export function parseCookieExtractorConfig(
  json: unknown,
): Result<CookieExtractorConfig, EnrichmentConfigError> {
  const config = reader.config(json, criterion);
  if (!config.ok) return config;
  const cookies = reader.strings(config.value.data, ["parameters", "cookies"]);
  if (!cookies.ok) return cookies;
  return ok({ schemaKey: config.value.schemaKey, cookies: cookies.value });
}

const isWhitespace = (c: string) => c === " " || c === "\t" || c === "\r" || c === "\n";

/**
 * HttpCore's `BasicHeaderValueParser.parseParameters` over one header value: the name/value pairs of
 * the first header element.
 */
export function parseCookiePairs(value: string): { name: string; value: string | null }[] {
  let pos = 0;
  const end = value.length;
  // `TokenParser.parseToken`/`parseValue`: whitespace runs fold to one space between words and are
  // dropped at the ends; `quoted` also copies "…" content verbatim (with \-escapes) for values.
  const parse = (delimiters: string, quoted: boolean): string => {
    let out = "";
    let whitespace = false;
    while (pos < end) {
      const c = value[pos]!;
      if (delimiters.includes(c)) break;
      if (isWhitespace(c)) {
        while (pos < end && isWhitespace(value[pos]!)) pos++;
        whitespace = true;
      } else if (quoted && c === '"') {
        if (whitespace && out.length > 0) out += " ";
        pos++;
        let escaped = false;
        while (pos < end) {
          const q = value[pos]!;
          pos++;
          if (escaped) {
            if (q !== '"' && q !== "\\") out += "\\";
            out += q;
            escaped = false;
          } else if (q === '"') break;
          else if (q === "\\") escaped = true;
          else if (q !== "\r" && q !== "\n") out += q;
        }
        whitespace = false;
      } else {
        if (whitespace && out.length > 0) out += " ";
        while (pos < end) {
          const u = value[pos]!;
          if (delimiters.includes(u) || isWhitespace(u) || (quoted && u === '"')) break;
          out += u;
          pos++;
        }
        whitespace = false;
      }
    }
    return out;
  };

  const pairs: { name: string; value: string | null }[] = [];
  while (pos < end && isWhitespace(value[pos]!)) pos++;
  while (pos < end) {
    const name = parse("=;,", false);
    if (pos >= end) {
      pairs.push({ name, value: null });
      break;
    }
    const delimiter = value[pos]!;
    pos++;
    if (delimiter !== "=") {
      pairs.push({ name, value: null });
      if (delimiter === ",") break;
      continue;
    }
    const v = parse(";,", true);
    const next = pos < end ? value[pos] : undefined;
    if (next !== undefined) pos++;
    pairs.push({ name, value: v });
    if (next === ",") break;
  }
  return pairs;
}

/** The http_cookie contexts for the configured cookies in these headers. */
export function extractCookies(names: ReadonlySet<string>, headers: readonly string[]): SelfDescribingJson[] {
  const contexts: SelfDescribingJson[] = [];
  for (const header of headers) {
    const colon = header.indexOf(":");
    if (colon === -1 || header.slice(0, colon).toLowerCase() !== "cookie") continue;
    for (const pair of parseCookiePairs(header.slice(colon + 1))) {
      if (names.has(pair.name)) contexts.push({ schema: HTTP_COOKIE_SCHEMA, data: pair });
    }
  }
  return contexts;
}

class CookieExtractorEnrichment implements Enrichment {
  readonly name = "cookie_extractor_config" as const;
  readonly #names: ReadonlySet<string>;
  constructor(
    readonly schemaKey: SchemaKey,
    cookies: readonly string[],
  ) {
    this.#names = new Set(cookies);
  }

  enrich({ raw }: EnrichmentInput): EnrichmentOutcome {
    if (this.#names.size === 0 || raw.headers.length === 0) return NOTHING_ADDED;
    const contexts = extractCookies(this.#names, raw.headers);
    return contexts.length === 0 ? NOTHING_ADDED : { kind: "enriched", contexts };
  }
}

/** The cookie extractor enrichment. */
export const cookieExtractorEnrichment: EnrichmentFactory = {
  name: "cookie_extractor_config",
  parse: parseCookieExtractorConfig,
  async create(parsed) {
    const c = parsed as CookieExtractorConfig;
    return ok(new CookieExtractorEnrichment(c.schemaKey, c.cookies));
  },
};
