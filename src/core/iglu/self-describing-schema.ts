/**
 * @module
 * Self-describing schemas: a JSON Schema that declares Iglu's metaschema in `$schema` and its own
 * coordinates in a `self` block `{vendor, name, format, version}`. The body (everything but `self`
 * and `$schema`) is what gets compiled and stored; Iglu Server stores bodies without either member.
 */
import { err, ok, type Result } from "../result.ts";
import { type IgluParseError, igluParseError } from "./parse-error.ts";
import type { SchemaKey } from "./schema-key.ts";
import { formatSchemaVer, parseSchemaVer } from "./schema-ver.ts";

/** The `$schema` every self-describing schema must declare, character for character. */
export const SELF_DESCRIBING_METASCHEMA_URI =
  "http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#";

/** The JSON form of a SchemaKey inside a schema (`self`), with the version as `M-R-A`. */
export interface SelfBlock {
  readonly vendor: string;
  readonly name: string;
  readonly format: string;
  readonly version: string;
}

/** A schema's own key and its body (the schema without `self` and `$schema`). */
export interface SelfDescribingSchema {
  readonly self: SchemaKey;
  readonly schema: Readonly<Record<string, unknown>>;
}

/** Errors parsing a schema can produce. */
export type SchemaParseError = IgluParseError<"INVALID_METASCHEMA" | "INVALID_SCHEMA" | "INVALID_SCHEMAVER">;

const isObject = (json: unknown): json is Record<string, unknown> =>
  typeof json === "object" && json !== null && !Array.isArray(json);

/**
 * Reads a parsed JSON value as a self-describing schema, in iglu-core's order:
 * 1. `$schema` must be exactly {@link SELF_DESCRIBING_METASCHEMA_URI}, else INVALID_METASCHEMA;
 * 2. `self.vendor`, `self.name` and `self.format` must be strings, else INVALID_SCHEMA;
 * 3. `self.version` must be a full SchemaVer, else INVALID_SCHEMAVER.
 * Like iglu-core, this does not check the characters of vendor, name and format; a registry that
 * serves the schema under a path does.
 */
export function parseSelfDescribingSchema(json: unknown): Result<SelfDescribingSchema, SchemaParseError> {
  if (!isObject(json) || json["$schema"] !== SELF_DESCRIBING_METASCHEMA_URI) {
    const declared = isObject(json) ? json["$schema"] : undefined;
    return err(
      igluParseError("INVALID_METASCHEMA", typeof declared === "string" ? declared : String(declared)),
    );
  }
  const self = json["self"];
  if (!isObject(self)) return err(igluParseError("INVALID_SCHEMA", JSON.stringify(self) ?? "undefined"));
  const { vendor, name, format, version } = self;
  if (typeof vendor !== "string" || typeof name !== "string" || typeof format !== "string") {
    return err(igluParseError("INVALID_SCHEMA", JSON.stringify(self)));
  }
  const ver = typeof version === "string" ? parseSchemaVer(version) : null;
  if (ver === null || !ver.ok) return err(igluParseError("INVALID_SCHEMAVER", String(version)));
  return ok({ self: { vendor, name, format, version: ver.value }, schema: schemaBody(json) });
}

/** The schema without `self` and `$schema`: what a validator compiles and a registry stores. */
export function schemaBody(schema: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { self: _self, $schema: _meta, ...body } = schema;
  return body;
}

/** The `self` block for a key. */
export function selfBlock(key: SchemaKey): SelfBlock {
  return { vendor: key.vendor, name: key.name, format: key.format, version: formatSchemaVer(key.version) };
}

/**
 * Writes the canonical JSON form: `$schema`, then `self`, then the body (as Iglu Server's
 * `repr=canonical` does). A body member named `self` or `$schema` never overrides them.
 */
export function normalizeSelfDescribingSchema(schema: SelfDescribingSchema): Record<string, unknown> {
  return {
    $schema: SELF_DESCRIBING_METASCHEMA_URI,
    self: selfBlock(schema.self),
    ...schemaBody(schema.schema),
  };
}
