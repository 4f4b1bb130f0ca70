/**
 * @module
 * SchemaCriterion, a pattern over SchemaKeys such as `iglu:com.acme/click/jsonschema/1-*-*`.
 * Enrich uses criteria to check the wrappers of contexts (`contexts/1-0-*`) and unstructured events
 * (`unstruct_event/1-0-*`); bad rows report a failed check as `CriterionMismatch`.
 */
import { err, ok, type Result } from "../result.ts";
import type { SchemaKey } from "./schema-key.ts";

/** Vendor, name and format must equal; each version part is a number or `null` for `*`. */
export interface SchemaCriterion {
  readonly vendor: string;
  readonly name: string;
  readonly format: string;
  readonly model: number | null;
  readonly revision: number | null;
  readonly addition: number | null;
}

/** Why a criterion did not parse. iglu-core has no code for this; the message is circe's. */
export interface CriterionParseError {
  readonly code: "INVALID_SCHEMA_CRITERION";
  readonly input: string;
  readonly message: string;
}

// iglu-core SchemaCriterion.criterionRegex.
const criterionPattern =
  /^iglu:([a-zA-Z0-9_.-]+)\/([a-zA-Z0-9_-]+)\/([a-zA-Z0-9_-]+)\/([1-9][0-9]*|\*)-(0|[1-9][0-9]*|\*)-(0|[1-9][0-9]*|\*)$/;

const maxPart = 2147483647;

/** Builds a criterion; omitted version parts are wildcards. */
export function schemaCriterion(
  vendor: string,
  name: string,
  format: string,
  model: number | null = null,
  revision: number | null = null,
  addition: number | null = null,
): SchemaCriterion {
  return { vendor, name, format, model, revision, addition };
}

/**
 * Parses `iglu:vendor/name/format/M-R-A` where any of M, R, A may be `*`.
 *
 * iglu-core turns a part that overflows a JVM Int into a wildcard; here that is an error instead,
 * since silently widening a criterion would accept data it was meant to reject.
 *
 * @example
 * parseSchemaCriterion("iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-*")
 */
export function parseSchemaCriterion(text: string): Result<SchemaCriterion, CriterionParseError> {
  const m = criterionPattern.exec(text);
  const fail = err({
    code: "INVALID_SCHEMA_CRITERION" as const,
    input: text,
    message: `${text} is invalid Iglu schema criterion`,
  });
  if (m === null) return fail;
  const wild = (p: string): number | null => (p === "*" ? null : Number(p));
  const [model, revision, addition] = [wild(m[4]!), wild(m[5]!), wild(m[6]!)];
  if ([model, revision, addition].some((p) => p !== null && p > maxPart)) return fail;
  return ok(schemaCriterion(m[1]!, m[2]!, m[3]!, model, revision, addition));
}

/** Writes the criterion back as `iglu:vendor/name/format/M-R-A`, `*` for wildcards. */
export function formatSchemaCriterion(criterion: SchemaCriterion): string {
  const show = (n: number | null): string => (n === null ? "*" : String(n));
  const { vendor, name, format, model, revision, addition } = criterion;
  return `iglu:${vendor}/${name}/${format}/${show(model)}-${show(revision)}-${show(addition)}`;
}

/** True when the key has the criterion's vendor, name and format, and every fixed version part. */
export function criterionMatches(criterion: SchemaCriterion, key: SchemaKey): boolean {
  const part = (fixed: number | null, actual: number): boolean => fixed === null || fixed === actual;
  return (
    key.vendor === criterion.vendor &&
    key.name === criterion.name &&
    key.format === criterion.format &&
    part(criterion.model, key.version.model) &&
    part(criterion.revision, key.version.revision) &&
    part(criterion.addition, key.version.addition)
  );
}
