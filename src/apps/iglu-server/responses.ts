/**
 * @module
 * The JSON bodies Iglu Server answers with (`model/IgluResponse.scala`), word for word, and the
 * representations of schemas and drafts (`model/Schema.scala`, `model/SchemaDraft.scala`).
 *
 * Representations of a schema (`repr`):
 * - `canonical`: `{"$schema", "$supersededBy"?, "$supersedes"?, "self", …body}`;
 * - `meta`: `{"$supersededBy"?, "$supersedes"?, "self", "metadata", …body}`;
 * - `uri`: the string `"iglu:vendor/name/format/M-R-A"`.
 * `$supersedes` is left out when empty, `$supersededBy` when unset (circe's dropEmptyValues).
 */
import type { ValidatorReport } from "../../core/iglu/client-error.ts";
import { validatorReportJson } from "../../core/iglu/client-error.ts";
import { formatSchemaKey, type SchemaKey } from "../../core/iglu/schema-key.ts";
import { formatSchemaVer } from "../../core/iglu/schema-ver.ts";
import { SELF_DESCRIBING_METASCHEMA_URI, selfBlock } from "../../core/iglu/self-describing-schema.ts";
import { isJsonObject, parseLosslessJson } from "./json-body.ts";
import type { LintMessage } from "./schema-lint.ts";
import type { StoredDraft, StoredSchema } from "./storage/schema-store.ts";

export const MESSAGES = {
  schemaNotFound: "The schema is not found",
  notAuthorized: "Authentication error: not authorized",
  mismatch: "Mismatch: the schema metadata does not match the payload and URI",
  decodeError: "Cannot decode JSON schema",
  schemaInvalid: "The schema does not conform to a JSON Schema v4 specification",
  dataInvalid: "The data for a field instance is invalid against its schema",
  endpointNotFound: "The endpoint does not exist",
  noSchemas: "No schemas available",
  invalidApiKey: "Invalid UUID for ApiKey",
  /** Furrow's answer (503) while the database cannot be reached; the reference fails with 500. */
  storageUnavailable: "The schema storage is unavailable, try again later",
} as const;

/** `{"message": …}`, the reference's generic response. */
export const message = (text: string) => ({ message: text });

/** The answer to a successful publish: 201 for a new version, 200 for a patch. */
export function schemaUploaded(key: SchemaKey, updated: boolean) {
  return {
    message: updated ? "Schema updated" : "Schema created",
    updated,
    location: formatSchemaKey(key),
    // The reference keeps this field for igluctl before 0.7.0.
    status: updated ? 200 : 201,
  };
}

/** 400 when a self-describing body's `self` is not the URI it was PUT to. */
export function schemaMismatch(uriKey: SchemaKey, payloadKey: SchemaKey) {
  return {
    uriSchemaKey: formatSchemaKey(uriKey),
    payloadSchemaKey: formatSchemaKey(payloadKey),
    message: MESSAGES.mismatch,
  };
}

/** A lint report: 400 on publish, 200 from the validation endpoints. */
export function schemaValidationReport(report: readonly LintMessage[]) {
  return {
    message: MESSAGES.schemaInvalid,
    report: report.map((m) => ({ message: m.message, level: m.level, pointer: m.pointer })),
  };
}

/** Data that does not match its schema (200 from the instance validation endpoint). */
export function instanceValidationReport(reports: readonly ValidatorReport[]) {
  return { message: MESSAGES.dataInvalid, report: reports.map(validatorReportJson) };
}

export type Representation = "canonical" | "meta" | "uri";

/** `repr`, case-insensitively as the reference's `Format.parse`; null when unknown. */
export function parseRepresentation(text: string): Representation | null {
  const lower = text.toLowerCase();
  return lower === "canonical" || lower === "meta" || lower === "uri" ? lower : null;
}

/** A stored body as an object, numbers kept exactly; a body that is not an object counts as `{}`. */
function bodyObject(text: string): Record<string, unknown> {
  try {
    const json = parseLosslessJson(text);
    return isJsonObject(json) ? json : {};
  } catch {
    return {};
  }
}

/** `$supersededBy` and `$supersedes`, each only when set. */
function supersedingFields(schema: StoredSchema): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  if (schema.supersededBy) fields["$supersededBy"] = formatSchemaVer(schema.supersededBy);
  if (schema.supersedes.length > 0) fields["$supersedes"] = schema.supersedes.map(formatSchemaVer);
  return fields;
}

/** The reference's front keys win over body members of the same name. */
function withBody(front: Record<string, unknown>, body: Record<string, unknown>): Record<string, unknown> {
  const out = { ...front };
  for (const [k, v] of Object.entries(body)) if (!Object.hasOwn(front, k)) out[k] = v;
  return out;
}

/** One schema in the requested representation (a JSON value for `JSON.stringify`). */
export function representSchema(schema: StoredSchema, repr: Representation): unknown {
  switch (repr) {
    case "uri":
      return formatSchemaKey(schema.key);
    case "canonical":
      return withBody(
        {
          $schema: SELF_DESCRIBING_METASCHEMA_URI,
          ...supersedingFields(schema),
          self: selfBlock(schema.key),
        },
        bodyObject(schema.body),
      );
    case "meta":
      return withBody(
        { ...supersedingFields(schema), self: selfBlock(schema.key), metadata: schema.metadata },
        bodyObject(schema.body),
      );
  }
}

/** A draft: `{schemaMap:{vendor,name,format,version}, metadata, body}`. */
export function representDraft(draft: StoredDraft): unknown {
  let body: unknown;
  try {
    body = parseLosslessJson(draft.body);
  } catch {
    body = null;
  }
  return { schemaMap: { ...draft.id }, metadata: draft.metadata, body };
}
