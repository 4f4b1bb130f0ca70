/**
 * @module
 * SchemaVer, Iglu's MODEL-REVISION-ADDITION version. MODEL changes break all historical data,
 * REVISION changes may break some, ADDITION changes break none. A full version is what schemas and
 * data carry; a partial one (`1-?-?`) only describes data whose exact version is unknown.
 */
import { err, ok, type Result } from "../result.ts";
import { type IgluParseError, igluParseError } from "./parse-error.ts";

/** A fully known version such as `1-0-2`. MODEL is at least 1. */
export interface SchemaVer {
  readonly model: number;
  readonly revision: number;
  readonly addition: number;
}

/** A version whose parts may be unknown (`null`, written `?`), such as `1-?-?`. */
export interface PartialSchemaVer {
  readonly model: number | null;
  readonly revision: number | null;
  readonly addition: number | null;
}

// iglu-core SchemaVer.schemaVerFullRegex and schemaVerPartialRegex: no leading zeros, MODEL ≥ 1.
const fullPattern = /^([1-9][0-9]*)-(0|[1-9][0-9]*)-(0|[1-9][0-9]*)$/;
const partialPattern = /^([1-9][0-9]*|\?)-(0|[1-9][0-9]*|\?)-(0|[1-9][0-9]*|\?)$/;

// The parts are JVM Ints; iglu-core rejects a part that overflows one (NumberFormatException).
const maxPart = 2147483647;

function part(text: string): number | null | undefined {
  if (text === "?") return null;
  const n = Number(text);
  return n <= maxPart ? n : undefined;
}

/**
 * Parses a full SchemaVer.
 *
 * @example
 * parseSchemaVer("1-0-2") // ok({ model: 1, revision: 0, addition: 2 })
 * parseSchemaVer("1-?-?") // err(INVALID_SCHEMAVER)
 */
export function parseSchemaVer(text: string): Result<SchemaVer, IgluParseError<"INVALID_SCHEMAVER">> {
  const m = fullPattern.exec(text);
  if (m === null) return err(igluParseError("INVALID_SCHEMAVER", text));
  const [model, revision, addition] = [part(m[1]!), part(m[2]!), part(m[3]!)];
  if (model == null || revision == null || addition == null) {
    return err(igluParseError("INVALID_SCHEMAVER", text));
  }
  return ok({ model, revision, addition });
}

/** Parses a full or partial SchemaVer (`1-0-0`, `1-?-?`, `?-?-?`). */
export function parsePartialSchemaVer(
  text: string,
): Result<PartialSchemaVer, IgluParseError<"INVALID_SCHEMAVER">> {
  const m = partialPattern.exec(text);
  if (m === null) return err(igluParseError("INVALID_SCHEMAVER", text));
  const [model, revision, addition] = [part(m[1]!), part(m[2]!), part(m[3]!)];
  if (model === undefined || revision === undefined || addition === undefined) {
    return err(igluParseError("INVALID_SCHEMAVER", text));
  }
  return ok({ model, revision, addition });
}

/** True when every part of a partial version is known. */
export function isFullSchemaVer(version: PartialSchemaVer): version is SchemaVer {
  return version.model !== null && version.revision !== null && version.addition !== null;
}

/** Writes `M-R-A`. */
export function formatSchemaVer(version: SchemaVer): string {
  return `${version.model}-${version.revision}-${version.addition}`;
}

/** Writes `M-R-A` with `?` for unknown parts. */
export function formatPartialSchemaVer(version: PartialSchemaVer): string {
  const show = (n: number | null): string => (n === null ? "?" : String(n));
  return `${show(version.model)}-${show(version.revision)}-${show(version.addition)}`;
}

/** Ascending order by MODEL, then REVISION, then ADDITION (negative when `a` comes first). */
export function compareSchemaVer(a: SchemaVer, b: SchemaVer): number {
  return a.model - b.model || a.revision - b.revision || a.addition - b.addition;
}

/** True when both versions are the same. */
export function sameSchemaVer(a: SchemaVer, b: SchemaVer): boolean {
  return compareSchemaVer(a, b) === 0;
}
