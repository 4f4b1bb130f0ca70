/**
 * @module
 * Builds the configured enrichments from Snowplow's own enrichment configs: the self-describing
 * JSONs of an `--enrichments` directory, each `{"schema": "iglu:…/<name>/jsonschema/…", "data":
 * {"name": …, "vendor": …, "enabled": …, "parameters": …}}`. Each is checked, dispatched on
 * `data.name` to its enrichment's factory, parsed, and built (loading its assets); `enabled: false`
 * skips one. Every problem is reported, one line each, and nothing is built unless all are fine.
 * Only `javascript_script_config` may appear more than once (Enrich runs a list of scripts).
 */
import type { SelfDescribingJson } from "../event/enriched-event.ts";
import { parseSelfDescribingData } from "../iglu/self-describing-data.ts";
import { err, ok, type Result } from "../result.ts";
import {
  ENRICHMENT_ORDER,
  type Enrichment,
  type EnrichmentConfigError,
  type EnrichmentDeps,
  type EnrichmentFactory,
  type EnrichmentName,
} from "./enrichment.ts";
import { isJsonObject } from "./json-text.ts";

/** One config and where it came from (a file name), for error messages. */
export interface EnrichmentConfigSource {
  readonly source: string;
  readonly json: unknown;
}

/** A config problem, with its source. */
export interface EnrichmentConfigProblem extends EnrichmentConfigError {
  readonly source: string;
}

/** `file.json: ua_parser_config: $.data.parameters.uri: must be a string`. */
export function formatEnrichmentConfigProblem(p: EnrichmentConfigProblem): string {
  return `${p.source}: ${p.enrichment}: ${p.path}: ${p.message}`;
}

const ORDER = new Map<string, number>(ENRICHMENT_ORDER.map((name, i) => [name, i]));

/** A registry of factories by enrichment name. */
export function factoryRegistry(
  factories: readonly EnrichmentFactory[],
): ReadonlyMap<EnrichmentName, EnrichmentFactory> {
  return new Map(factories.map((f) => [f.name, f]));
}

interface Parsed {
  readonly source: string;
  readonly factory: EnrichmentFactory;
  readonly parsed: unknown;
}

/**
 * Checks every config, then builds the enabled ones in Enrich's order (scripts in the order given).
 *
 * @example
 * const built = await buildEnrichments([{ source: "ua.json", json }], ENRICHMENT_FACTORIES, deps);
 * if (!built.ok) for (const p of built.error) console.error(formatEnrichmentConfigProblem(p));
 */
export async function buildEnrichments(
  configs: readonly EnrichmentConfigSource[],
  factories: readonly EnrichmentFactory[],
  deps: EnrichmentDeps,
): Promise<Result<Enrichment[], EnrichmentConfigProblem[]>> {
  const registry = factoryRegistry(factories);
  const problems: EnrichmentConfigProblem[] = [];
  const accepted: Parsed[] = [];
  const seen = new Map<string, string>();
  for (const { source, json } of configs) {
    const problem = (enrichment: string, path: string, message: string) =>
      problems.push({ source, enrichment, path, message });
    const sdd = parseSelfDescribingData(json);
    if (!sdd.ok) {
      problem(
        "?",
        "$",
        `not a self-describing JSON (${sdd.error.code}): needs "schema" (an Iglu URI) and "data"`,
      );
      continue;
    }
    const data = sdd.value.data;
    if (!isJsonObject(data)) {
      problem("?", "$.data", "must be an object");
      continue;
    }
    const name = data["name"];
    if (typeof name !== "string") {
      problem("?", "$.data.name", "must be a string naming the enrichment");
      continue;
    }
    if (data["enabled"] !== undefined && typeof data["enabled"] !== "boolean") {
      problem(name, "$.data.enabled", "must be true or false");
      continue;
    }
    if (data["enabled"] === false) continue;
    if (!ORDER.has(name)) {
      problem(name, "$.data.name", `unknown enrichment; known ones are ${ENRICHMENT_ORDER.join(", ")}`);
      continue;
    }
    const earlier = seen.get(name);
    if (earlier !== undefined && name !== "javascript_script_config") {
      problem(name, "$.data.name", `configured twice (also in ${earlier})`);
      continue;
    }
    seen.set(name, source);
    const factory = registry.get(name as EnrichmentName);
    if (factory === undefined) {
      problem(name, "$.data.name", "not available in this build of Furrow");
      continue;
    }
    const parsed = factory.parse(json as SelfDescribingJson);
    if (!parsed.ok) {
      problems.push({ source, ...parsed.error });
      continue;
    }
    accepted.push({ source, factory, parsed: parsed.value });
  }
  if (problems.length > 0) return err(problems);

  accepted.sort((a, b) => ORDER.get(a.factory.name)! - ORDER.get(b.factory.name)!);
  const built: Enrichment[] = [];
  for (const { source, factory, parsed } of accepted) {
    let enrichment: Result<Enrichment, EnrichmentConfigError>;
    try {
      enrichment = await factory.create(parsed, deps);
    } catch (e) {
      enrichment = err({
        enrichment: factory.name,
        path: "$",
        message: e instanceof Error ? e.message : String(e),
      });
    }
    if (enrichment.ok) built.push(enrichment.value);
    else problems.push({ source, ...enrichment.error });
  }
  if (problems.length > 0) {
    await Promise.allSettled(built.map((e) => e.close?.()));
    return err(problems);
  }
  return ok(built);
}

/** Releases what the enrichments hold. */
export async function closeEnrichments(enrichments: readonly Enrichment[]): Promise<void> {
  await Promise.allSettled(enrichments.map((e) => e.close?.()));
}
