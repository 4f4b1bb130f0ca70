/**
 * @module
 * SchemaKey, the coordinates of one schema: vendor, name, format and a full SchemaVer. It is written
 * as an Iglu URI (`iglu:com.acme/click/jsonschema/1-0-0`) in data, and as a path
 * (`com.acme/click/jsonschema/1-0-0`) in a static registry (`{base}/schemas/{path}`).
 */
import { err, ok, type Result } from "../result.ts";
import { type IgluParseError, igluParseError } from "./parse-error.ts";
import {
  compareSchemaVer,
  formatSchemaVer,
  isFullSchemaVer,
  parsePartialSchemaVer,
  type SchemaVer,
} from "./schema-ver.ts";

/** The coordinates of one schema. */
export interface SchemaKey {
  readonly vendor: string;
  readonly name: string;
  readonly format: string;
  readonly version: SchemaVer;
}

// iglu-core: a vendor may contain dots (reverse domain); a name and a format may not.
const vendorPattern = /^[a-zA-Z0-9_.-]+$/;
const namePattern = /^[a-zA-Z0-9_-]+$/;

// iglu-core SchemaKey.schemaUriRigidRegex: the version group is deliberately loose, so that a
// well-formed URI with a bad version reports INVALID_SCHEMAVER rather than INVALID_IGLUURI.
const uriPattern = /^iglu:([a-zA-Z0-9_.-]+)\/([a-zA-Z0-9_-]+)\/([a-zA-Z0-9_-]+)\/([0-9]*(?:-[0-9]*){2})$/;
// iglu-core SchemaMap.schemaPathRigidRegex: the same, without the `iglu:` protocol.
const pathPattern = /^([a-zA-Z0-9_.-]+)\/([a-zA-Z0-9_-]+)\/([a-zA-Z0-9_-]+)\/([0-9]*(?:-[0-9]*){2})$/;

function fromParts(
  vendor: string,
  name: string,
  format: string,
  version: string,
  input: string,
): Result<SchemaKey, IgluParseError<"INVALID_SCHEMAVER">> {
  const parsed = parsePartialSchemaVer(version);
  // A partial version (`1-?-?`) is never valid in a key.
  if (!parsed.ok || !isFullSchemaVer(parsed.value)) return err(igluParseError("INVALID_SCHEMAVER", input));
  return ok({ vendor, name, format, version: parsed.value });
}

/**
 * Parses an Iglu URI.
 *
 * @example
 * parseSchemaKey("iglu:com.acme/click/jsonschema/1-0-0") // ok({ vendor: "com.acme", … })
 * parseSchemaKey("iglu:com.acme/click/jsonschema/1-0")   // err(INVALID_IGLUURI)
 * parseSchemaKey("iglu:com.acme/click/jsonschema/0-0-0") // err(INVALID_SCHEMAVER)
 */
export function parseSchemaKey(
  uri: string,
): Result<SchemaKey, IgluParseError<"INVALID_IGLUURI" | "INVALID_SCHEMAVER">> {
  const m = uriPattern.exec(uri);
  if (m === null) return err(igluParseError("INVALID_IGLUURI", uri));
  return fromParts(m[1]!, m[2]!, m[3]!, m[4]!, uri);
}

/**
 * Parses a static-registry path `vendor/name/format/M-R-A`. As in iglu-core (`SchemaMap.fromPath`),
 * a malformed path is INVALID_SCHEMA and a bad version INVALID_SCHEMAVER.
 */
export function parseSchemaKeyPath(
  path: string,
): Result<SchemaKey, IgluParseError<"INVALID_SCHEMA" | "INVALID_SCHEMAVER">> {
  const m = pathPattern.exec(path);
  if (m === null) return err(igluParseError("INVALID_SCHEMA", path));
  return fromParts(m[1]!, m[2]!, m[3]!, m[4]!, path);
}

/**
 * Builds a key from its parts, checking the characters an Iglu URI allows, so that the key can
 * always be written out and parsed back.
 */
export function makeSchemaKey(
  vendor: string,
  name: string,
  format: string,
  version: SchemaVer,
): Result<SchemaKey, IgluParseError<"INVALID_IGLUURI" | "INVALID_SCHEMAVER">> {
  const key = { vendor, name, format, version };
  const uri = formatSchemaKey(key);
  if (!vendorPattern.test(vendor) || !namePattern.test(name) || !namePattern.test(format)) {
    return err(igluParseError("INVALID_IGLUURI", uri));
  }
  return parseSchemaKey(uri);
}

/** Writes the Iglu URI, `iglu:vendor/name/format/M-R-A`. */
export function formatSchemaKey(key: SchemaKey): string {
  return `iglu:${schemaKeyPath(key)}`;
}

/** Writes the static-registry path, `vendor/name/format/M-R-A` (no leading slash). */
export function schemaKeyPath(key: SchemaKey): string {
  return `${key.vendor}/${key.name}/${key.format}/${formatSchemaVer(key.version)}`;
}

/** True when both keys name the same schema. */
export function sameSchemaKey(a: SchemaKey, b: SchemaKey): boolean {
  return compareSchemaKey(a, b) === 0;
}

/** iglu-core's ordering: vendor, name and format alphabetically, then ascending version. */
export function compareSchemaKey(a: SchemaKey, b: SchemaKey): number {
  const text = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);
  return (
    text(a.vendor, b.vendor) ||
    text(a.name, b.name) ||
    text(a.format, b.format) ||
    compareSchemaVer(a.version, b.version)
  );
}
