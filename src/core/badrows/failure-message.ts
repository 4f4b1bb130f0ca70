/**
 * @module
 * The messages inside Enrich's bad rows (snowplow-badrows `FailureDetails.scala`). Each is a tagged
 * variant here; the tag (`kind`) is not written, because Snowplow tells the variants apart by their
 * members. Which bad row accepts which variant:
 *
 * | Bad row | Variants |
 * |---|---|
 * | collector_payload_format_violation | CPFormatInputData, Fallback |
 * | adapter_failures | NotJson, NotIglu, InputData, SchemaMapping |
 * | tracker_protocol_violations | InputData, NotJson, NotIglu, IgluError, CriterionMismatch |
 * | schema_violations | NotJson, NotIglu, CriterionMismatch, IgluError |
 * | enrichment_failures | `{enrichment, message}` with Simple, InputData or IgluError |
 */
import { type ClientError, clientErrorJson } from "../iglu/client-error.ts";
import type { DataParseErrorCode, IgluParseError } from "../iglu/parse-error.ts";
import { formatSchemaCriterion, type SchemaCriterion } from "../iglu/schema-criterion.ts";
import { formatSchemaKey, type SchemaKey } from "../iglu/schema-key.ts";

/** A collector payload field that broke the loader's expectation (`payloadField`, not `field`). */
export interface CPFormatInputData {
  readonly kind: "CPFormatInputData";
  readonly payloadField: string;
  readonly value: string | null;
  readonly expectation: string;
}

/** Any other failure to read a collector payload. */
export interface Fallback {
  readonly kind: "Fallback";
  readonly error: string;
}

/** A field that should have held JSON did not parse. */
export interface NotJson {
  readonly kind: "NotJson";
  readonly field: string;
  readonly value: string | null;
  readonly error: string;
}

/** JSON that should have been self-describing was not; `error` is the Iglu parse code. */
export interface NotIglu {
  readonly kind: "NotIglu";
  readonly json: unknown;
  readonly error: DataParseErrorCode;
}

/** A field whose value broke an expectation. */
export interface InputData {
  readonly kind: "InputData";
  readonly field: string;
  readonly value: string | null;
  readonly expectation: string;
}

/** A webhook's event type had no Iglu schema; `expectedMapping` is event type → schema. */
export interface SchemaMapping {
  readonly kind: "SchemaMapping";
  readonly actual: string | null;
  readonly expectedMapping: Readonly<Record<string, SchemaKey>>;
  readonly expectation: string;
}

/** The Iglu client could not resolve the schema, or the datum failed validation. */
export interface IgluError {
  readonly kind: "IgluError";
  readonly schemaKey: SchemaKey;
  readonly error: ClientError;
}

/** A self-describing datum had a schema outside the criterion it had to match. */
export interface CriterionMismatch {
  readonly kind: "CriterionMismatch";
  readonly schemaKey: SchemaKey;
  readonly schemaCriterion: SchemaCriterion;
}

/** A plain error message from an enrichment. */
export interface Simple {
  readonly kind: "Simple";
  readonly error: string;
}

/** The message of a collector_payload_format_violation. */
export type CPFormatViolationMessage = CPFormatInputData | Fallback;
/** One message of adapter_failures. */
export type AdapterFailure = NotJson | NotIglu | InputData | SchemaMapping;
/** One message of tracker_protocol_violations. */
export type TrackerProtocolViolation = InputData | NotJson | NotIglu | IgluError | CriterionMismatch;
/** One message of schema_violations. */
export type SchemaViolation = NotJson | NotIglu | CriterionMismatch | IgluError;
/** The message of one enrichment failure. */
export type EnrichmentFailureMessage = Simple | InputData | IgluError;

/** Which enrichment failed: its config's schema and its name. */
export interface EnrichmentInformation {
  readonly schemaKey: SchemaKey;
  readonly identifier: string;
}

/** One enrichment failure; `enrichment` is null when the failure belongs to no single enrichment. */
export interface EnrichmentFailure {
  readonly enrichment: EnrichmentInformation | null;
  readonly message: EnrichmentFailureMessage;
}

/** Any message variant. */
export type FailureMessage = CPFormatViolationMessage | AdapterFailure | TrackerProtocolViolation | Simple;

/**
 * collector_payload_format_violation 1-0-0 caps `expectation` at 256 characters. Java's URI errors
 * (the querystring's) echo the whole input, which `value` already holds, so a longer expectation is
 * cut there rather than making the row invalid against its own schema.
 */
const CP_EXPECTATION_MAX_LENGTH = 256;

/** `text` cut to at most `max` UTF-16 units, not splitting a surrogate pair. */
function capLength(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = /[\uD800-\uDBFF]/.test(text[max - 1]!) ? max - 1 : max;
  return text.slice(0, end);
}

/** A collector payload field that broke the loader's expectation. */
export const cpFormatInputData = (
  payloadField: string,
  value: string | null,
  expectation: string,
): CPFormatInputData => ({
  kind: "CPFormatInputData",
  payloadField,
  value,
  expectation: capLength(expectation, CP_EXPECTATION_MAX_LENGTH),
});

/** Any other failure to read a collector payload. */
export const fallback = (error: string): Fallback => ({ kind: "Fallback", error });

/** A field that should have held JSON did not parse. */
export const notJson = (field: string, value: string | null, error: string): NotJson => ({
  kind: "NotJson",
  field,
  value,
  error,
});

/** JSON that was not self-describing, with the Iglu parse error (or just its code). */
export const notIglu = (
  json: unknown,
  error: IgluParseError<DataParseErrorCode> | DataParseErrorCode,
): NotIglu => ({
  kind: "NotIglu",
  json,
  error: typeof error === "string" ? error : error.code,
});

/** A field whose value broke an expectation. */
export const inputData = (field: string, value: string | null, expectation: string): InputData => ({
  kind: "InputData",
  field,
  value,
  expectation,
});

/** A webhook event type with no schema mapping. */
export const schemaMapping = (
  actual: string | null,
  expectedMapping: Readonly<Record<string, SchemaKey>>,
  expectation: string,
): SchemaMapping => ({ kind: "SchemaMapping", actual, expectedMapping, expectation });

/** The Iglu client's error for a datum claiming `schemaKey`. */
export const igluError = (schemaKey: SchemaKey, error: ClientError): IgluError => ({
  kind: "IgluError",
  schemaKey,
  error,
});

/** A datum's schema outside the criterion it had to match. */
export const criterionMismatch = (
  schemaKey: SchemaKey,
  schemaCriterion: SchemaCriterion,
): CriterionMismatch => ({
  kind: "CriterionMismatch",
  schemaKey,
  schemaCriterion,
});

/** A plain enrichment error message. */
export const simple = (error: string): Simple => ({ kind: "Simple", error });

/** Names the enrichment that failed. */
export const enrichmentInformation = (schemaKey: SchemaKey, identifier: string): EnrichmentInformation => ({
  schemaKey,
  identifier,
});

/** One enrichment failure. */
export const enrichmentFailure = (
  enrichment: EnrichmentInformation | null,
  message: EnrichmentFailureMessage,
): EnrichmentFailure => ({ enrichment, message });

/** The JSON snowplow-badrows writes for a message, without the `kind` tag. */
export function failureMessageJson(m: FailureMessage): Record<string, unknown> {
  switch (m.kind) {
    case "CPFormatInputData":
      return { payloadField: m.payloadField, value: m.value, expectation: m.expectation };
    case "Fallback":
    case "Simple":
      return { error: m.error };
    case "NotJson":
      return { field: m.field, value: m.value, error: m.error };
    case "NotIglu":
      // `json` is required by the schemas; a value JSON cannot hold is written as null.
      return { json: m.json === undefined ? null : m.json, error: m.error };
    case "InputData":
      return { field: m.field, value: m.value, expectation: m.expectation };
    case "SchemaMapping":
      return {
        actual: m.actual,
        expectedMapping: Object.fromEntries(
          Object.entries(m.expectedMapping).map(([k, v]) => [k, formatSchemaKey(v)]),
        ),
        expectation: m.expectation,
      };
    case "IgluError":
      return { schemaKey: formatSchemaKey(m.schemaKey), error: clientErrorJson(m.error) };
    case "CriterionMismatch":
      return {
        schemaKey: formatSchemaKey(m.schemaKey),
        schemaCriterion: formatSchemaCriterion(m.schemaCriterion),
      };
  }
}

/** `{enrichment: {schemaKey, identifier} | null, message}`. */
export function enrichmentFailureJson(f: EnrichmentFailure): Record<string, unknown> {
  return {
    enrichment:
      f.enrichment === null
        ? null
        : { schemaKey: formatSchemaKey(f.enrichment.schemaKey), identifier: f.enrichment.identifier },
    message: failureMessageJson(f.message),
  };
}
