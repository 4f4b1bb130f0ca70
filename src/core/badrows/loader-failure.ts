/**
 * @module
 * The failures inside loaders' bad rows:
 * - loader_parsing_error: why an enriched TSV line could not be read (the Analytics SDK's
 *   `ParsingError`, written with a `type` member);
 * - loader_iglu_error: why a loader could not get or apply a schema (`FailureDetails.LoaderIgluError`);
 * - loader_recovery_error: why a recovery tool could not re-insert a row.
 */
import { type ClientError, clientErrorJson, type NonEmpty } from "../iglu/client-error.ts";
import { formatSchemaCriterion, type SchemaCriterion } from "../iglu/schema-criterion.ts";
import { formatSchemaKey, type SchemaKey } from "../iglu/schema-key.ts";
import type { IgluError } from "./failure-message.ts";

/** One field of a TSV line that could not be decoded. */
export type RowDecodingErrorInfo =
  | { readonly kind: "InvalidValue"; readonly key: string; readonly value: string; readonly message: string }
  | { readonly kind: "UnhandledRowDecodingError"; readonly message: string };

/** Why an enriched TSV line could not be read. */
export type TsvParsingError =
  | { readonly kind: "NotTSV" }
  | { readonly kind: "FieldNumberMismatch"; readonly fieldCount: number }
  | { readonly kind: "RowDecodingError"; readonly errors: NonEmpty<RowDecodingErrorInfo> };

/** Why a loader could not get or apply a schema. `IgluError` is the usual case (schema not found). */
export type LoaderIgluFailure =
  | IgluError
  | { readonly kind: "InvalidSchema"; readonly schemaKey: SchemaKey; readonly message: string }
  | {
      readonly kind: "SchemaListNotFound";
      readonly schemaCriterion: SchemaCriterion;
      readonly error: ClientError;
    }
  | {
      readonly kind: "WrongType";
      readonly schemaKey: SchemaKey;
      readonly value: unknown;
      readonly expected: string;
    }
  | {
      readonly kind: "NotAnArray";
      readonly schemaKey: SchemaKey;
      readonly value: unknown;
      readonly expected: string;
    }
  | {
      readonly kind: "MissingInValue";
      readonly schemaKey: SchemaKey;
      readonly key: string;
      readonly value: unknown;
    };

/** Why a recovery tool could not re-insert a row. */
export type LoaderRecoveryCause =
  | { readonly kind: "ParsingError"; readonly message: string; readonly location: readonly string[] }
  | {
      readonly kind: "RuntimeError";
      readonly message: string;
      readonly location: string | null;
      readonly reason: string | null;
    };

/** A field whose value could not be decoded. */
export const invalidValue = (key: string, value: string, message: string): RowDecodingErrorInfo => ({
  kind: "InvalidValue",
  key,
  value,
  message,
});

/** A decoding failure outside any one field. */
export const unhandledRowDecodingError = (message: string): RowDecodingErrorInfo => ({
  kind: "UnhandledRowDecodingError",
  message,
});

/** The line is not TSV at all. */
export const notTsv = (): TsvParsingError => ({ kind: "NotTSV" });

/** The line does not have 131 fields. */
export const fieldNumberMismatch = (fieldCount: number): TsvParsingError => ({
  kind: "FieldNumberMismatch",
  fieldCount,
});

/** Some fields could not be decoded. */
export const rowDecodingError = (errors: NonEmpty<RowDecodingErrorInfo>): TsvParsingError => ({
  kind: "RowDecodingError",
  errors,
});

/** The schema was fetched but could not be turned into a usable form. */
export const loaderInvalidSchema = (schemaKey: SchemaKey, message: string): LoaderIgluFailure => ({
  kind: "InvalidSchema",
  schemaKey,
  message,
});

/** The schema list (needed for migrations) could not be fetched. */
export const schemaListNotFound = (
  schemaCriterion: SchemaCriterion,
  error: ClientError,
): LoaderIgluFailure => ({
  kind: "SchemaListNotFound",
  schemaCriterion,
  error,
});

/** A value does not have the type its schema gives it. */
export const wrongType = (schemaKey: SchemaKey, value: unknown, expected: string): LoaderIgluFailure => ({
  kind: "WrongType",
  schemaKey,
  value,
  expected,
});

/** A value should be an array but is not. */
export const notAnArray = (schemaKey: SchemaKey, value: unknown, expected: string): LoaderIgluFailure => ({
  kind: "NotAnArray",
  schemaKey,
  value,
  expected,
});

/** A required key is missing from an object. */
export const missingInValue = (schemaKey: SchemaKey, key: string, value: unknown): LoaderIgluFailure => ({
  kind: "MissingInValue",
  schemaKey,
  key,
  value,
});

/** A payload could not be turned back into an event. */
export const recoveryParsingError = (message: string, location: readonly string[]): LoaderRecoveryCause => ({
  kind: "ParsingError",
  message,
  location,
});

/** A third-party service failed during recovery. */
export const recoveryRuntimeError = (
  message: string,
  location: string | null,
  reason: string | null,
): LoaderRecoveryCause => ({ kind: "RuntimeError", message, location, reason });

const json = (value: unknown): unknown => (value === undefined ? null : value);

/** The Analytics SDK's JSON for a parsing error: `{"type": …, …}`. */
export function tsvParsingErrorJson(e: TsvParsingError): Record<string, unknown> {
  switch (e.kind) {
    case "NotTSV":
      return { type: "NotTSV" };
    case "FieldNumberMismatch":
      return { type: "FieldNumberMismatch", fieldCount: e.fieldCount };
    case "RowDecodingError":
      return {
        type: "RowDecodingError",
        errors: e.errors.map((i) =>
          i.kind === "InvalidValue"
            ? { type: "InvalidValue", key: i.key, value: i.value, message: i.message }
            : { type: "UnhandledRowDecodingError", message: i.message },
        ),
      };
  }
}

/** The JSON snowplow-badrows writes for one loader Iglu failure, without the `kind` tag. */
export function loaderIgluFailureJson(f: LoaderIgluFailure): Record<string, unknown> {
  switch (f.kind) {
    case "IgluError":
      return { schemaKey: formatSchemaKey(f.schemaKey), error: clientErrorJson(f.error) };
    case "InvalidSchema":
      return { schemaKey: formatSchemaKey(f.schemaKey), message: f.message };
    case "SchemaListNotFound":
      return { schemaCriterion: formatSchemaCriterion(f.schemaCriterion), error: clientErrorJson(f.error) };
    case "WrongType":
    case "NotAnArray":
      return { schemaKey: formatSchemaKey(f.schemaKey), value: json(f.value), expected: f.expected };
    case "MissingInValue":
      return { schemaKey: formatSchemaKey(f.schemaKey), key: f.key, value: json(f.value) };
  }
}

/** `{message, location}` or `{message, location, reason}`, as the recovery cause's JSON. */
export function loaderRecoveryCauseJson(c: LoaderRecoveryCause): Record<string, unknown> {
  return c.kind === "ParsingError"
    ? { message: c.message, location: [...c.location] }
    : { message: c.message, location: c.location, reason: c.reason };
}
