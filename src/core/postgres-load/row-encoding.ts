/**
 * @module
 * The two ways a batch of rows reaches a table, both set-based (one statement per table per batch,
 * never a statement per row):
 *
 * - `COPY … FROM STDIN` in text format, against PostgreSQL (PostgreSQL docs, "COPY", File Formats →
 *   Text Format): columns separated by tab, rows by newline, `\N` for NULL (or the empty string,
 *   with `NULL ''`), and backslash, tab, newline and carriage return escaped; written as UTF-8 bytes
 *   straight from the cells ({@link copyBytes}), {@link copyText} being the same as text.
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

const BACKSLASH = 0x5c;
const TAB = 0x09;
const NEWLINE = 0x0a;
const utf8 = new TextEncoder();

/**
 * How NULL is written. PostgreSQL's default is `\N`; `empty` writes nothing, for tables whose
 * rows never hold an empty string (the events row: an empty TSV column is null), so that a row can
 * be copied from its TSV line as it is (`COPY … WITH (NULL '')`, which the server compares with
 * the raw field before reading escapes).
 */
export type CopyNull = "\\N" | "empty";

/**
 * A growing byte buffer that COPY rows are written into. One per thread of work: it is reused
 * between chunks, and {@link CopyBuffer.take} hands out a copy of what was written.
 */
export class CopyBuffer {
  bytes = new Uint8Array(128 * 1024);
  at = 0;

  /** Makes room for `count` more bytes. */
  reserve(count: number): void {
    if (this.at + count <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.at + count + 1024));
    grown.set(this.bytes.subarray(0, this.at));
    this.bytes = grown;
  }

  /** The bytes written since the last take, as a new array; the buffer starts again empty. */
  take(): Uint8Array {
    const taken = this.bytes.slice(0, this.at);
    this.at = 0;
    return taken;
  }

  /** Writes one row in COPY text format, with its newline. */
  row(cells: Cells, nulls: CopyNull = "\\N"): void {
    // The most the row takes: 3 bytes per UTF-16 unit (escapes take 2), and per cell a tab and
    // `\N`, and the newline.
    let most = 1;
    for (let i = 0; i < cells.length; i++) most += (cells[i]?.length ?? 0) * 3 + 3;
    this.reserve(most);
    const out = this.bytes;
    let at = this.at;
    const nullMarker = nulls !== "empty";
    for (let i = 0; i < cells.length; i++) {
      const value = cells[i]!;
      if (i > 0) out[at++] = TAB;
      if (value === null) {
        if (nullMarker) {
          out[at++] = BACKSLASH;
          out[at++] = 0x4e; // N
        }
        continue;
      }
      const length = value.length;
      let j = 0;
      for (; j < length; j++) {
        const c = value.charCodeAt(j);
        if (c >= 0x80) break;
        if (c > 0x0d && c !== BACKSLASH) out[at++] = c;
        else if (c === BACKSLASH) {
          out[at++] = BACKSLASH;
          out[at++] = BACKSLASH;
        } else if (c === TAB) {
          out[at++] = BACKSLASH;
          out[at++] = 0x74; // t
        } else if (c === NEWLINE) {
          out[at++] = BACKSLASH;
          out[at++] = 0x6e; // n
        } else if (c === 0x0d) {
          out[at++] = BACKSLASH;
          out[at++] = 0x72; // r
        } else out[at++] = c;
      }
      if (j < length) {
        // Beyond ASCII: the rest of the value, escaped, through the UTF-8 encoder.
        const rest = value.slice(j);
        const text = needsEscape.test(rest) ? rest.replace(escapes, (e) => escapeOf[e]!) : rest;
        at += utf8.encodeInto(text, out.subarray(at)).written;
      }
    }
    out[at++] = NEWLINE;
    this.at = at;
  }
}

const shared = new CopyBuffer();

/**
 * Rows `start` to `end` (exclusive) in COPY text format as UTF-8 bytes: with `\N` for NULL, the
 * bytes of {@link copyText}'s text, written straight into a byte buffer. Building the text and
 * encoding it afterwards costs about twice as much (a string of many small pieces, flattened, then
 * encoded), and the loader's process is what bounds its rate.
 */
export function copyBytes(
  rows: readonly Cells[],
  start = 0,
  end = rows.length,
  nulls: CopyNull = "\\N",
): Uint8Array {
  for (let r = start; r < end && r < rows.length; r++) shared.row(rows[r]!, nulls);
  return shared.take();
}

/**
 * `COPY "schema"."table" ("a", "b", …) FROM STDIN` (text format), with `WITH (NULL '')` when NULL
 * is written as nothing.
 */
export function copySql(
  schema: string,
  table: string,
  columns: readonly string[],
  nulls: CopyNull = "\\N",
): string {
  const statement = `COPY ${qualifiedName(schema, table)} (${columns.map(quoteIdentifier).join(", ")}) FROM STDIN`;
  return nulls === "empty" ? `${statement} WITH (NULL '')` : statement;
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
