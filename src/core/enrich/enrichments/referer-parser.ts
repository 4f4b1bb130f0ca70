/**
 * @module
 * The referer_parser enrichment (`referer_parser` 2-0-*, Enrich's `RefererParserEnrichment.scala`
 * over scala-referer-parser): classifies `page_referrer` into refr_medium, refr_source and refr_term.
 *
 * The database is referer-parser's `referers.json`: `{medium: {source: {domains[], parameters?[]}}}`,
 * loaded through `deps.loadAsset(uri, database)`; the config's optional `referrers` (same shape)
 * is laid over it. The parser, as scala-referer-parser does it:
 * 1. Only `http`, `https` and `android-app` referrers with a host are classified; others set nothing.
 * 2. A referrer whose host equals the page's host (`page_urlhost`) or one of `internalDomains`
 *    (trimmed) is `internal`.
 * 3. Otherwise `host + path` is looked up for the full path, then its first segment, then no path;
 *    for each, the host and then each parent domain (`www.google.com`, `google.com`, `com`).
 *    A hit under `unknown` is `unknown` with no source; no hit is `unknown` too.
 * 4. The term is the first query parameter (split on `&`, URL-decoded) named in the entry's
 *    `parameters`.
 * Medium, source and term are made TSV-safe, an empty term being none.
 *
 * Deviations: any medium name in the database is accepted (referer-parser 3 added `chatbot`, and
 * the list may grow); a malformed `%` escape in a search term is kept as text where Java's
 * `URLDecoder` would throw; a referrer URI that Java's strict parser rejects but Enrich's lenient
 * fallback (scala-uri) repairs is read by one lenient parse here.
 */
import { makeTsvSafe } from "../../event/tsv-safe.ts";
import { schemaCriterion } from "../../iglu/schema-criterion.ts";
import type { SchemaKey } from "../../iglu/schema-key.ts";
import { err, ok, type Result } from "../../result.ts";
import type { Enrichment, EnrichmentConfigError, EnrichmentFactory, EnrichmentInput } from "../enrichment.ts";
import {
  type AssetRef,
  assetLoadError,
  ConfigReader,
  isJsonObject,
  NOTHING_ADDED,
} from "./parseable-enrichment.ts";

/** One database entry: the medium and source a domain (and optional path) stands for. */
export interface RefererLookup {
  readonly medium: string;
  readonly source: string;
  readonly parameters: readonly string[];
}

/** `host[/path]` → lookup. */
export type RefererDatabase = ReadonlyMap<string, RefererLookup>;

/** The parsed `referer_parser` config. */
export interface RefererParserConfig {
  readonly schemaKey: SchemaKey;
  readonly database: AssetRef;
  readonly internalDomains: readonly string[];
  /** The config's own `referrers`, laid over the database. */
  readonly referrers: RefererDatabase;
}

const criterion = schemaCriterion("com.snowplowanalytics.snowplow", "referer_parser", "jsonschema", 2, 0);
const reader = new ConfigReader("referer_parser");

/**
 * Reads referer-parser's JSON database (scala-referer-parser `ParseReferers.loadJson`). Domains
 * listed twice keep the last entry.
 */
export function loadReferers(json: unknown): Result<RefererDatabase, string> {
  if (!isJsonObject(json)) return err("Referers json must be an object");
  const db = new Map<string, RefererLookup>();
  for (const [medium, sources] of Object.entries(json)) {
    if (!isJsonObject(sources)) return err(`Medium '${medium}' not an object`);
    for (const [source, entry] of Object.entries(sources)) {
      const domains = isJsonObject(entry) ? entry["domains"] : undefined;
      const parameters = isJsonObject(entry) ? (entry["parameters"] ?? []) : undefined;
      const strings = (v: unknown): v is string[] =>
        Array.isArray(v) && v.every((s) => typeof s === "string");
      if (!strings(domains) || !strings(parameters)) {
        return err(
          `Referer '${source}' under '${medium}' must have domains (and optional parameters) as string arrays`,
        );
      }
      for (const domain of domains) db.set(domain, { medium, source, parameters });
    }
  }
  return ok(db);
}

/** Parses Snowplow's `referer_parser` config, including its inline `referrers`. */
export function parseRefererParserConfig(json: unknown): Result<RefererParserConfig, EnrichmentConfigError> {
  const config = reader.config(json, criterion);
  if (!config.ok) return config;
  const { data, schemaKey } = config.value;
  const uri = reader.string(data, ["parameters", "uri"]);
  if (!uri.ok) return uri;
  const database = reader.string(data, ["parameters", "database"]);
  if (!database.ok) return database;
  const internalDomains = reader.strings(data, ["parameters", "internalDomains"]);
  if (!internalDomains.ok) return internalDomains;
  const inline = reader.at(data, ["parameters", "referrers"]);
  let referrers: RefererDatabase = new Map();
  if (inline !== undefined) {
    const loaded = loadReferers(inline);
    if (!loaded.ok)
      return err(reader.error("parameters.referrers", `Can't decode referers: ${loaded.error}`));
    referrers = loaded.value;
  }
  return ok({
    schemaKey,
    database: { uri: uri.value, database: database.value },
    internalDomains: internalDomains.value,
    referrers,
  });
}

/** What `java.net.URI` gives the parser: scheme, host (null unless a valid server name), path, raw query. */
export interface RefererUri {
  readonly scheme: string | null;
  readonly host: string | null;
  readonly path: string | null;
  readonly rawQuery: string | null;
}

const uriPattern = /^(?:([a-zA-Z][a-zA-Z0-9+.-]*):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#.*)?$/s;
// java.net.URI's hostname: dot-separated alphanumeric labels with inner dashes, the last starting
// with a letter when there are several; an IPv4 literal; or a bracketed IPv6 literal.
const hostnamePattern =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?\.)*[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?\.?$/;
const ipv4Pattern = /^[0-9]{1,3}(?:\.[0-9]{1,3}){3}$/;

function serverHost(authority: string): string | null {
  const at = authority.lastIndexOf("@");
  let hostPort = at === -1 ? authority : authority.slice(at + 1);
  if (hostPort.startsWith("[")) {
    const close = hostPort.indexOf("]");
    return close === -1 ? null : hostPort.slice(0, close + 1);
  }
  const colon = hostPort.lastIndexOf(":");
  if (colon !== -1) {
    if (!/^[0-9]*$/.test(hostPort.slice(colon + 1))) return null;
    hostPort = hostPort.slice(0, colon);
  }
  if (hostPort === "") return null;
  if (ipv4Pattern.test(hostPort)) return hostPort;
  if (!hostnamePattern.test(hostPort)) return null;
  const labels = hostPort.replace(/\.$/, "").split(".");
  // A fully qualified name's rightmost label must start with a letter.
  return labels.length > 1 && !/^[a-zA-Z]/.test(labels[labels.length - 1]!) ? null : hostPort;
}

/** Percent-decodes a path as `URI.getPath` does (UTF-8), leaving a malformed escape as it is. */
function decodePath(raw: string): string {
  if (!raw.includes("%")) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run;
      }
    });
  }
}

/** Splits a referrer URL into what the parser reads, as `ConversionUtils.stringToUri` then `java.net.URI`. */
export function parseRefererUri(url: string): RefererUri | null {
  const m = uriPattern.exec(url.replaceAll(" ", "%20"));
  if (m === null) return null;
  const [, scheme, authority, rawPath, rawQuery] = m;
  // An opaque URI (`mailto:x`) has no path in Java's sense.
  const opaque = scheme !== undefined && authority === undefined && !rawPath!.startsWith("/");
  return {
    scheme: scheme ?? null,
    host: authority === undefined ? null : serverHost(authority),
    path: opaque ? null : decodePath(rawPath ?? ""),
    rawQuery: rawQuery ?? null,
  };
}

/** The classification of one referrer. */
export type Referer =
  | { readonly medium: "unknown" }
  | { readonly medium: "internal" }
  | { readonly medium: string; readonly source: string; readonly term: string | null };

/** `URLDecoder.decode(part, "UTF-8")`, lenient about malformed escapes. */
function urlDecode(part: string): string {
  return decodePath(part.replaceAll("+", " "));
}

/** Java's `String.split` on a literal: trailing empty strings dropped (unless nothing matched). */
function javaSplit(text: string, separator: string): string[] {
  const parts = text.split(separator);
  if (parts.length === 1) return parts;
  while (parts.length > 0 && parts[parts.length - 1] === "") parts.pop();
  return parts;
}

/** The referer parser over one database. */
export class RefererParser {
  constructor(
    readonly referers: RefererDatabase,
    readonly internalDomains: readonly string[] = [],
  ) {}

  /** Classifies a referrer, or null when it is not an http(s)/android-app URL with a host. */
  parse(uri: RefererUri, pageHost: string | null): Referer | null {
    const { scheme, host, path } = uri;
    if (scheme === null || host === null || path === null) return null;
    if (scheme !== "http" && scheme !== "https" && scheme !== "android-app") return null;
    if (pageHost === host || this.internalDomains.some((d) => d.trim() === host))
      return { medium: "internal" };
    const lookup = this.#lookUp(host, path);
    if (lookup === null || lookup.medium === "unknown") return { medium: "unknown" };
    if (lookup.medium === "internal") return { medium: "internal" };
    const term = uri.rawQuery === null ? null : searchTerm(uri.rawQuery, lookup.parameters);
    return { medium: lookup.medium, source: lookup.source, term };
  }

  #lookUp(host: string, path: string): RefererLookup | null {
    const labels = javaSplit(host, ".");
    const hosts = labels.map((_, i) => labels.slice(i).join("."));
    const firstSegment = path.split("/").find((s) => s !== "");
    const paths = firstSegment === undefined ? [""] : [path, `/${firstSegment}`, ""];
    for (const p of paths) {
      for (const h of hosts) {
        const hit = this.referers.get(h + p);
        if (hit !== undefined) return hit;
      }
    }
    return null;
  }
}

function searchTerm(rawQuery: string, parameters: readonly string[]): string | null {
  if (parameters.length === 0) return null;
  for (const pair of javaSplit(rawQuery, "&")) {
    const eq = pair.indexOf("=");
    const name = urlDecode(eq > 0 ? pair.slice(0, eq) : pair);
    if (parameters.includes(name)) return eq > 0 ? urlDecode(pair.slice(eq + 1)) : "";
  }
  return null;
}

class RefererParserEnrichment implements Enrichment {
  readonly name = "referer_parser" as const;
  constructor(
    readonly schemaKey: SchemaKey,
    readonly parser: RefererParser,
  ) {}

  enrich({ event }: EnrichmentInput) {
    if (event.page_referrer === null) return NOTHING_ADDED;
    const uri = parseRefererUri(event.page_referrer);
    const referer = uri === null ? null : this.parser.parse(uri, event.page_urlhost);
    if (referer === null) return NOTHING_ADDED;
    event.refr_medium = makeTsvSafe(referer.medium);
    if ("source" in referer) {
      event.refr_source = makeTsvSafe(referer.source);
      event.refr_term = referer.term === null ? null : makeTsvSafe(referer.term);
    }
    return NOTHING_ADDED;
  }
}

/** The referer_parser enrichment. */
export const refererParserEnrichment: EnrichmentFactory = {
  name: "referer_parser",
  parse: parseRefererParserConfig,
  async create(parsed, deps) {
    const c = parsed as RefererParserConfig;
    let text: string;
    try {
      text = new TextDecoder().decode(await deps.loadAsset(c.database.uri, c.database.database));
    } catch (e) {
      return err(reader.error("parameters.database", assetLoadError(c.database, e)));
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      return err(reader.error("parameters.database", `Can't decode referers: ${(e as Error).message}`));
    }
    const loaded = loadReferers(json);
    if (!loaded.ok) return err(reader.error("parameters.database", `Can't decode referers: ${loaded.error}`));
    const merged = new Map([...loaded.value, ...c.referrers]);
    return ok(new RefererParserEnrichment(c.schemaKey, new RefererParser(merged, c.internalDomains)));
  },
};
