/**
 * @module
 * Postgres column types of the loader, and the type a JSON Schema property gets
 * (snowplow-postgres-loader `shredding/Type.scala`, `dataTypeSuggestions`: the first suggestion
 * that matches wins, JSONB otherwise). The reference digest is iglu-and-loaders.md §4.
 *
 * Differences from Snowplow, each a fix of a defect:
 * - Suggestions look at the property's types without `null` and at its own `enum`, never at the
 *   `null` that optional properties get in schema-ddl's FlatSchema, so `{"enum": [1, 2]}` is
 *   INTEGER whether or not it is required (Snowplow: INTEGER when required, JSONB when optional).
 * - An enum is "mixed" (JSONB) when it holds two JSON kinds among number, string, boolean and
 *   structure; Snowplow's predicate counts `true` as both boolean and non-numeric, which makes every
 *   boolean enum JSONB.
 * - An integer whose `minimum` is below −2^31 is BIGINT, as one whose `maximum` is above 2^31 − 1.
 * - DATE columns are written (Snowplow creates them, then fails every value).
 */

/** A column type. `varchar` with a null length is unbounded (`text`-like, as other tools create). */
export type PgType =
  | { readonly kind: "varchar"; readonly length: number | null }
  | { readonly kind: "char"; readonly length: number }
  | { readonly kind: "uuid" }
  | { readonly kind: "timestamp" }
  | { readonly kind: "date" }
  | { readonly kind: "integer" }
  | { readonly kind: "bigint" }
  | { readonly kind: "double" }
  | { readonly kind: "boolean" }
  | { readonly kind: "jsonb" };

/** Type.scala `DefaultVarcharSize`: a string without `maxLength`. */
export const DEFAULT_VARCHAR_LENGTH = 4096;

const INT_MAX = 2147483647;
const INT_MIN = -2147483648;
const LONG_MAX = 9223372036854775807n;
const LONG_MIN = -9223372036854775808n;

export const varchar = (length: number | null): PgType => ({ kind: "varchar", length });
export const char = (length: number): PgType => ({ kind: "char", length });
export const UUID: PgType = { kind: "uuid" };
export const TIMESTAMP: PgType = { kind: "timestamp" };
export const DATE: PgType = { kind: "date" };
export const INTEGER: PgType = { kind: "integer" };
export const BIGINT: PgType = { kind: "bigint" };
export const DOUBLE: PgType = { kind: "double" };
export const BOOLEAN: PgType = { kind: "boolean" };
export const JSONB: PgType = { kind: "jsonb" };

/** The type as DDL writes it (`Type.ddl`). */
export function formatPgType(type: PgType): string {
  switch (type.kind) {
    case "varchar":
      return type.length === null ? "VARCHAR" : `VARCHAR(${type.length})`;
    case "char":
      return `CHAR(${type.length})`;
    case "uuid":
      return "UUID";
    case "timestamp":
      return "TIMESTAMP";
    case "date":
      return "DATE";
    case "integer":
      return "INTEGER";
    case "bigint":
      return "BIGINT";
    case "double":
      return "DOUBLE PRECISION";
    case "boolean":
      return "BOOLEAN";
    case "jsonb":
      return "JSONB";
  }
}

/** True when both are the same type. */
export function samePgType(a: PgType, b: PgType): boolean {
  return formatPgType(a) === formatPgType(b);
}

/**
 * The type of an existing column from `information_schema.columns` (`data_type`,
 * `character_maximum_length`). Types the loader never creates map to the nearest one it writes:
 * `text` and `json` as unbounded VARCHAR and JSONB, `smallint` as INTEGER, `real` and `numeric` as
 * DOUBLE, `timestamp with time zone` as TIMESTAMP (the loader's sessions run in UTC).
 */
export function pgTypeOfColumn(dataType: string, characterMaximumLength: number | null): PgType {
  switch (dataType) {
    case "character varying":
      return varchar(characterMaximumLength);
    case "character":
      return char(characterMaximumLength ?? 1);
    case "uuid":
      return UUID;
    case "timestamp without time zone":
    case "timestamp with time zone":
      return TIMESTAMP;
    case "date":
      return DATE;
    case "integer":
    case "smallint":
      return INTEGER;
    case "bigint":
      return BIGINT;
    case "double precision":
    case "real":
    case "numeric":
      return DOUBLE;
    case "boolean":
      return BOOLEAN;
    case "jsonb":
    case "json":
      return JSONB;
    default:
      return varchar(null);
  }
}

type JsonObject = Readonly<Record<string, unknown>>;

const isObject = (json: unknown): json is JsonObject =>
  typeof json === "object" && json !== null && !Array.isArray(json);

/** The property's JSON types without `null`; undefined when it has no `type`. */
export function nonNullTypes(schema: JsonObject): ReadonlySet<string> | undefined {
  const type = schema["type"];
  if (typeof type === "string") return new Set(type === "null" ? [] : [type]);
  if (Array.isArray(type))
    return new Set(type.filter((t): t is string => typeof t === "string" && t !== "null"));
  return undefined;
}

/** True when the property allows `null` through its `type` or its `enum` (schema.scala `canBeNull`). */
export function canBeNull(schema: JsonObject): boolean {
  const type = schema["type"];
  const enumValues = schema["enum"];
  if (Array.isArray(enumValues) && enumValues.includes(null)) return true;
  if (type === "null") return true;
  return Array.isArray(type) && type.includes("null");
}

/** Exactly `only`, ignoring null (schema-ddl `possiblyWithNull`). */
const exactly = (types: ReadonlySet<string> | undefined, only: string): boolean =>
  types !== undefined && types.size === 1 && types.has(only);

const isInt = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v);
const isInt32 = (v: unknown): boolean => isInt(v) && v >= INT_MIN && v <= INT_MAX;
const isInt64 = (v: unknown): boolean =>
  isInt(v) && BigInt(v) >= LONG_MIN && BigInt(v) <= LONG_MAX && Number.isSafeInteger(v);

function jsonKind(v: unknown): string {
  if (typeof v === "number") return "number";
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "boolean";
  return "structure";
}

function integerType(schema: JsonObject, enumValues: readonly unknown[] | undefined): PgType {
  const maximum = schema["maximum"];
  const minimum = schema["minimum"];
  if (typeof maximum === "number") {
    const wide = (isInt(maximum) && maximum > INT_MAX) || (typeof minimum === "number" && minimum < INT_MIN);
    return wide ? BIGINT : INTEGER;
  }
  if (enumValues === undefined) return BIGINT;
  return enumValues.length > 0 && enumValues.every(isInt32) ? INTEGER : BIGINT;
}

/**
 * The column type of one flattened property (Type.scala `getDataType` with
 * `dataTypeSuggestions`, in their order).
 */
export function columnTypeOf(schema: JsonObject): PgType {
  const types = nonNullTypes(schema);
  const rawEnum = schema["enum"];
  const enumValues = Array.isArray(rawEnum) ? rawEnum.filter((v) => v !== null) : undefined;
  const format = schema["format"];

  // complexEnumSuggestion
  if (enumValues !== undefined && new Set(enumValues.map(jsonKind)).size > 1) return JSONB;
  // productSuggestion: a union of types, or an array
  if (types !== undefined && (types.size > 1 || types.has("array"))) return JSONB;
  // timestampSuggestion, dateSuggestion
  if (exactly(types, "string") && format === "date-time") return TIMESTAMP;
  if (exactly(types, "string") && format === "date") return DATE;
  // integerSuggestion
  if (exactly(types, "integer")) return integerType(schema, enumValues);
  if (types === undefined && enumValues !== undefined && enumValues.length > 0) {
    if (enumValues.every(isInt32)) return INTEGER;
    if (enumValues.every(isInt64)) return BIGINT;
  }
  const multipleOf = schema["multipleOf"];
  if (isInt(multipleOf) && (types === undefined || exactly(types, "number"))) return INTEGER;
  // numberSuggestion
  if (exactly(types, "number")) return DOUBLE;
  // booleanSuggestion
  if (exactly(types, "boolean")) return BOOLEAN;
  if (types === undefined && enumValues !== undefined && enumValues.length > 0) {
    if (enumValues.every((v) => typeof v === "boolean")) return BOOLEAN;
  }
  // charSuggestion
  const minLength = schema["minLength"];
  const maxLength = schema["maxLength"];
  if (exactly(types, "string") && isInt(minLength) && minLength === maxLength && minLength > 0) {
    return char(minLength);
  }
  // uuidSuggestion
  if (exactly(types, "string") && format === "uuid") return UUID;
  // varcharSuggestion
  if (exactly(types, "string") && isInt(maxLength) && maxLength > 0) return varchar(maxLength);
  if (exactly(types, "string") && enumValues === undefined) return varchar(DEFAULT_VARCHAR_LENGTH);
  if (enumValues !== undefined && enumValues.length > 0 && enumValues.every((v) => typeof v === "string")) {
    const longest = Math.max(...enumValues.map((v) => codePointLength(v as string)));
    return varchar(longest > 0 ? longest : DEFAULT_VARCHAR_LENGTH);
  }
  return JSONB;
}

/** Characters as Postgres counts them (code points), not UTF-16 units. */
export function codePointLength(text: string): number {
  let n = text.length;
  // Only surrogate pairs make the two counts differ.
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** The object form of a JSON Schema node, or null for `true`/`false` and non-objects. */
export function schemaObject(json: unknown): JsonObject | null {
  return isObject(json) ? json : null;
}
