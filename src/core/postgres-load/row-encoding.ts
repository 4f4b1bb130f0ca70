/**
 * @module
 * The two ways a batch of rows reaches a table, both set-based (one statement per table per batch,
 * never a statement per row):
 *
 * - `COPY … FROM STDIN` in text format, against PostgreSQL (PostgreSQL docs, "COPY", File Formats →
 *   Text Format): columns separated by tab, rows by newline, `\N` for NULL, and backslash, tab,
 *   newline and carriage return escaped.
 * - Against embedded PGlite, whose socket server aborts on COPY FROM STDIN (electric-sql/pglite
 *   PR #1028): one `INSERT … SELECT` over a JSONB array of rows, each row an array of the same
 *   input texts, passed as a single parameter. String columns take the text as it is (the
 *   assignment to VARCHAR(n) checks the length; an explicit `::varchar(n)` cast would truncate),
 *   other columns cast it explicitly.
 */
import type { Cells } from "./cell.ts";
import { formatPgType, type PgType } from "./column-type.ts";
import { qualifiedName, quoteIdentifier } from "./identifier.ts";

/** A column as the row encodings need it: its name and type. */
export interface TargetColumn {
  readonly name: string;
  readonly type: PgType;
}

const needsEscape = /[\\\t\n\r]/;
const escapes = /[\\\t\n\r]/g;
const escapeOf: Readonly<Record<string, string>> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };

/** One value in COPY text format. */
export function copyValue(value: string | null): string {
  if (value === null) return "\\N";
  return needsEscape.test(value) ? value.replace(escapes, (c) => escapeOf[c]!) : value;
}

/**
 * Which columns can hold text that needs escaping: strings and JSON. Numbers, times, UUIDs and
 * booleans are written by the loader itself and never contain a backslash, tab or line break.
 */
export function escapeMask(columns: readonly TargetColumn[]): Uint8Array {
  return Uint8Array.from(columns, (c) =>
    c.type.kind === "varchar" || c.type.kind === "char" || c.type.kind === "jsonb" ? 1 : 0,
  );
}

/**
 * Rows `start` to `end` (exclusive) in COPY text format, each ending in a newline. With a `mask`
 * (see {@link escapeMask}), only the columns it marks are checked for characters to escape.
 */
export function copyText(rows: readonly Cells[], start = 0, end = rows.length, mask?: Uint8Array): string {
  let out = "";
  for (let r = start; r < end && r < rows.length; r++) {
    const row = rows[r]!;
    for (let i = 0; i < row.length; i++) {
      if (i > 0) out += "\t";
      const value = row[i]!;
      if (value === null) out += "\\N";
      else if (mask !== undefined && mask[i] === 0) out += value;
      else out += needsEscape.test(value) ? value.replace(escapes, (c) => escapeOf[c]!) : value;
    }
    out += "\n";
  }
  return out;
}

/** `COPY "schema"."table" ("a", "b", …) FROM STDIN` (text format). */
export function copySql(schema: string, table: string, columns: readonly string[]): string {
  return `COPY ${qualifiedName(schema, table)} (${columns.map(quoteIdentifier).join(", ")}) FROM STDIN`;
}

/** Rows as the JSON text the JSON insert takes: an array of arrays of strings and nulls. */
export function jsonRowsText(rows: readonly Cells[]): string {
  return JSON.stringify(rows);
}

function selectExpression(index: number, type: PgType): string {
  const text = `(r ->> ${index})`;
  switch (type.kind) {
    case "varchar":
    case "char":
      return text;
    default:
      // Cast to the base type: a length modifier on a cast truncates instead of failing.
      return `${text}::${formatPgType(type)}`;
  }
}

/**
 * `INSERT INTO "schema"."table" (…) SELECT … FROM jsonb_array_elements($1::text::jsonb) AS r`:
 * every row of the batch in one statement, given {@link jsonRowsText} as its one parameter.
 */
export function insertFromJsonSql(schema: string, table: string, columns: readonly TargetColumn[]): string {
  const names = columns.map((c) => quoteIdentifier(c.name)).join(", ");
  const values = columns.map((c, i) => selectExpression(i, c.type)).join(", ");
  return `INSERT INTO ${qualifiedName(schema, table)} (${names}) SELECT ${values} FROM jsonb_array_elements($1::text::jsonb) AS r`;
}
