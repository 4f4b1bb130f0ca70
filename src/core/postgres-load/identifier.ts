/**
 * @module
 * Postgres names for Iglu entities: table names and column names as the Snowplow Postgres loader
 * derives them (iglu schema-ddl `StringUtils.getTableName` and `snakeCase`), quoted for SQL, and
 * kept within Postgres's identifier limit.
 *
 * Postgres cuts every identifier to NAMEDATALEN − 1 = 63 bytes without an error (only a NOTICE),
 * so two long names that share their first 63 bytes would silently become one table or column.
 * Snowplow leaves that to Postgres; here a name over the limit keeps its first 54 bytes and ends in
 * `_` plus 8 hex digits of its FNV-1a hash, e.g.
 * `com_snowplowanalytics_snowplow_badrows_collector_payloa_3f1c09ab`.
 */
import type { SchemaKey } from "../iglu/schema-key.ts";

/** Postgres's longest identifier, in bytes of UTF-8 (NAMEDATALEN − 1). */
export const MAX_IDENTIFIER_BYTES = 63;

const encoder = new TextEncoder();

/** FNV-1a (32-bit) over the UTF-8 bytes of `text`, as 8 hex digits. */
export function fnv1aHex(text: string): string {
  let hash = 0x811c9dc5;
  for (const byte of encoder.encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, "0");
}

/**
 * `name` if it fits in 63 bytes; otherwise its longest prefix of at most 54 bytes (cut between
 * characters), `_`, and the hash of the whole name, so distinct long names stay distinct.
 */
export function fitIdentifier(name: string): string {
  if (encoder.encode(name).length <= MAX_IDENTIFIER_BYTES) return name;
  let prefix = "";
  let bytes = 0;
  for (const char of name) {
    const size = encoder.encode(char).length;
    if (bytes + size > MAX_IDENTIFIER_BYTES - 9) break;
    prefix += char;
    bytes += size;
  }
  return `${prefix}_${fnv1aHex(name)}`;
}

/** `"name"`, with inner quotes doubled: safe for any name, including `a.b` column names. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** `"schema"."table"`. */
export function qualifiedName(schema: string, table: string): string {
  return `${quoteIdentifier(schema)}.${quoteIdentifier(table)}`;
}

/**
 * schema-ddl `StringUtils.snakeCase`: splits camelCase and PascalCase words with `_`, turns `-`
 * into `_`, and lower-cases.
 *
 * @example snakeCase("PascalCase") // "pascal_case"; snakeCase("HTTPHeader") // "http_header"
 */
export function snakeCase(text: string): string {
  return text
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .replace(/([a-z\d])([A-Z])/g, "$1_$2")
    .replaceAll("-", "_")
    .toLowerCase();
}

/**
 * The table of an entity's vendor, name and MODEL (schema-ddl `StringUtils.getTableName`): vendor
 * with `.` and `-` as `_`, the name in snake_case, then the model.
 *
 * @example tableNameOf(key("iglu:com.acme/PascalCase/jsonschema/13-0-0")) // "com_acme_pascal_case_13"
 */
export function tableNameOf(key: Pick<SchemaKey, "vendor" | "name" | "version">): string {
  const vendor = key.vendor.replaceAll(".", "_").replaceAll("-", "_").toLowerCase();
  return fitIdentifier(`${vendor}_${snakeCase(key.name)}_${key.version.model}`);
}
