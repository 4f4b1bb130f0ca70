/**
 * @module
 * Why the Iglu client could not vouch for a datum: the schema could not be resolved
 * (`ResolutionError`, with each repository's lookup history), or the datum or the schema was invalid
 * (`ValidationError`). Bad rows embed these as `{"schemaKey": …, "error": …}`, and the JSON written
 * here follows iglu-scala-client's encoder member for member, since the bad-row schemas check it.
 */
import { formatInstant } from "./instant.ts";

/** A list with at least one element. */
export type NonEmpty<T> = readonly [T, ...T[]];

/** One repository's failure: definitely absent, or a failure with a message. */
export type RegistryError =
  | { readonly kind: "NotFound" }
  | { readonly kind: "RepoFailure"; readonly message: string }
  | { readonly kind: "ClientFailure"; readonly message: string };

/** What happened when one repository was asked for a schema. */
export interface LookupHistory {
  readonly repository: string;
  readonly errors: readonly RegistryError[];
  readonly attempts: number;
  readonly lastAttempt: Date;
}

/**
 * One problem with a datum, as the validator reports it. `path` is a JSONPath such as `$.a.b[0]`;
 * `keyword` is the JSON Schema keyword that failed (Enrich also uses its own, such as
 * `atomic_field_parse_error`); `targets` are the keyword's arguments.
 */
export interface ValidatorReport {
  readonly message: string;
  readonly path: string | null;
  readonly keyword: string | null;
  readonly targets: readonly string[];
}

/** One problem with a schema: where in the schema (JSONPath), and what. */
export interface SchemaIssue {
  readonly path: string;
  readonly message: string;
}

/** The datum does not match its schema, or the schema itself cannot be used. */
export type ValidatorError =
  | { readonly kind: "InvalidData"; readonly dataReports: NonEmpty<ValidatorReport> }
  | { readonly kind: "InvalidSchema"; readonly schemaIssues: NonEmpty<SchemaIssue> };

/** Any failure of the Iglu client. `supersededBy` is the version that was validated instead, if any. */
export type ClientError =
  | { readonly kind: "ResolutionError"; readonly lookupHistory: readonly LookupHistory[] }
  | {
      readonly kind: "ValidationError";
      readonly error: ValidatorError;
      readonly supersededBy: string | null;
    };

/** Builds a report; `targets` defaults to none. */
export function validatorReport(
  message: string,
  path: string | null,
  keyword: string | null,
  targets: readonly string[] = [],
): ValidatorReport {
  return { message, path, keyword, targets };
}

/** A ValidationError for an invalid datum. */
export function invalidData(
  dataReports: NonEmpty<ValidatorReport>,
  supersededBy: string | null = null,
): ClientError {
  return { kind: "ValidationError", error: { kind: "InvalidData", dataReports }, supersededBy };
}

/** A ValidationError for a schema that cannot validate anything. */
export function invalidSchema(
  schemaIssues: NonEmpty<SchemaIssue>,
  supersededBy: string | null = null,
): ClientError {
  return { kind: "ValidationError", error: { kind: "InvalidSchema", schemaIssues }, supersededBy };
}

/** A ResolutionError from each repository's history. */
export function resolutionError(lookupHistory: readonly LookupHistory[]): ClientError {
  return { kind: "ResolutionError", lookupHistory };
}

/** `{error, message?}`, as iglu-scala-client writes a RegistryError. */
export function registryErrorJson(e: RegistryError): Record<string, unknown> {
  return e.kind === "NotFound" ? { error: e.kind } : { error: e.kind, message: e.message };
}

/** `{message, path, keyword, targets}`, the member order of iglu-scala-client's encoder. */
export function validatorReportJson(r: ValidatorReport): Record<string, unknown> {
  return { message: r.message, path: r.path, keyword: r.keyword, targets: [...r.targets] };
}

/**
 * The JSON Snowplow writes for a ClientError:
 * - `{"error":"ResolutionError","lookupHistory":[{errors,attempts,lastAttempt,repository}]}`;
 * - `{"dataReports":[…],"error":"ValidationError"}` or `{"schemaIssues":[…],"error":"ValidationError"}`,
 *   with `"supersededBy"` appended only when set (the encoder deep-merges it onto the report).
 */
export function clientErrorJson(e: ClientError): Record<string, unknown> {
  if (e.kind === "ResolutionError") {
    return {
      error: "ResolutionError",
      lookupHistory: e.lookupHistory.map((h) => ({
        errors: h.errors.map(registryErrorJson),
        attempts: h.attempts,
        lastAttempt: formatInstant(h.lastAttempt),
        repository: h.repository,
      })),
    };
  }
  const body =
    e.error.kind === "InvalidData"
      ? { dataReports: e.error.dataReports.map(validatorReportJson) }
      : { schemaIssues: e.error.schemaIssues.map((i) => ({ path: i.path, message: i.message })) };
  return e.supersededBy === null
    ? { ...body, error: "ValidationError" }
    : { ...body, error: "ValidationError", supersededBy: e.supersededBy };
}
