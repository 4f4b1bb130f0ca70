/**
 * @module
 * The events rows of a chunk of lines as COPY bytes, written with NULL as the empty string
 * (`COPY … WITH (NULL '')`). An events row is mostly its TSV line: the same columns in the same
 * order (`events` lacks only the three JSON columns), empty where the row is null, and the same
 * text in most cells. So a row read by the fast lane is written by encoding its line a run of
 * columns at a time (the runs between the JSON columns, which are left out) and moving the spans
 * that differ (a boolean's `1` made `t`, a re-formatted number), instead of writing its 128 cells
 * a character at a time. A row whose
 * columns hold a backslash, a line break or any non-ASCII character, or that came from the general
 * path, is written cell by cell. Either way the server reads the same values as from the cells
 * written with `\N` for NULL (an events cell is never the empty string, so NULL stays unambiguous).
 */

import type { Cells } from "./cell.ts";
import { ATOMIC_TSV_COLUMNS } from "./line-shred.ts";
import { CopyBuffer } from "./row-encoding.ts";

/** Some events rows, and where the fast lane read them from. */
export interface EventsChunk {
  readonly rows: Cells[];
  /** Per row: its TSV line if the fast lane read it, else undefined. */
  readonly lines: (string | undefined)[];
  /** Per row: that line's columns (`line.split("\t")`), else undefined. */
  readonly columns: (readonly string[] | undefined)[];
}

/** A new, empty chunk. */
export function eventsChunk(): EventsChunk {
  return { rows: [], lines: [], columns: [] };
}

const TAB = 0x09;
const NEWLINE = 0x0a;
const BACKSLASH = 0x5c;
const utf8 = new TextEncoder();
const buffer = new CopyBuffer();

/**
 * The runs of consecutive TSV columns the events row is made of, between the JSON columns it lacks
 * (contexts, unstruct_event, derived_contexts): `[first, end)` column indexes, and the row cell
 * the run starts at.
 */
const SEGMENTS: readonly { readonly first: number; readonly end: number; readonly cell: number }[] = (() => {
  const segments: { first: number; end: number; cell: number }[] = [];
  for (let i = 0; i < ATOMIC_TSV_COLUMNS.length; i++) {
    const column = ATOMIC_TSV_COLUMNS[i]!;
    const last = segments.at(-1);
    if (last !== undefined && last.end === column) last.end++;
    else segments.push({ first: column, end: column + 1, cell: i });
  }
  return segments;
})();

/**
 * Writes `row` from its line into `out`; false (with nothing kept) when a part of the line the row
 * is made of holds a backslash, a line break or a non-ASCII character, or a cell longer than its
 * column's text would overrun the line. The JSON columns in between may hold anything.
 */
function writeFromLine(out: CopyBuffer, line: string, columns: readonly string[], row: Cells): boolean {
  out.reserve(line.length * 3 + 1);
  const bytes = out.bytes;
  let dst = out.at; // where the row's next byte goes
  let lineAt = 0; // where column `column` starts in the line
  let column = 0;
  for (let s = 0; s < SEGMENTS.length; s++) {
    const segment = SEGMENTS[s]!;
    while (column < segment.first) lineAt += columns[column++]!.length + 1;
    let lineEnd = lineAt - 1;
    for (let c = segment.first; c < segment.end; c++) lineEnd += columns[c]!.length + 1;
    const text = line.slice(lineAt, lineEnd);
    if (text.indexOf("\\") !== -1 || text.indexOf("\r") !== -1 || text.indexOf("\n") !== -1) return false;
    if (s > 0) bytes[dst++] = TAB;
    // As many bytes as UTF-16 units means all ASCII: each column's byte offset is its offset in
    // the text.
    if (utf8.encodeInto(text, bytes.subarray(dst)).written !== text.length) return false;
    let src = dst; // where the segment's next column starts
    let runFrom = dst; // a span of the segment to keep as it is, not yet moved to `dst`
    let runTo = dst;
    for (let c = segment.first, i = segment.cell; c < segment.end; c++, i++) {
      const source = columns[c]!;
      const cell = row[i]!;
      // The cell's span is its leading tab (but for the segment's first) and its text, to `to`.
      const to = src + source.length;
      if (cell === null ? source.length === 0 : cell === source) {
        runTo = to;
      } else {
        if (runTo > runFrom) {
          if (runFrom !== dst) bytes.copyWithin(dst, runFrom, runTo);
          dst += runTo - runFrom;
        }
        const tab = c > segment.first ? 1 : 0;
        const length = cell === null ? 0 : cell.length;
        // Written in place, the cell must not reach beyond its own column's text.
        if (dst + tab + length > to) return false;
        if (tab === 1) bytes[dst++] = TAB;
        for (let j = 0; j < length; j++) {
          const code = (cell as string).charCodeAt(j);
          if (code >= 0x80 || code <= 0x0d || code === BACKSLASH) return false;
          bytes[dst++] = code;
        }
        runFrom = runTo = to;
      }
      src = to + 1;
    }
    if (runTo > runFrom) {
      if (runFrom !== dst) bytes.copyWithin(dst, runFrom, runTo);
      dst += runTo - runFrom;
    }
    lineAt = lineEnd + 1;
    column = segment.end;
  }
  bytes[dst++] = NEWLINE;
  out.at = dst;
  return true;
}

/** The chunk's rows in COPY text format with NULL as the empty string, as UTF-8 bytes. */
export function eventsCopyBytes(chunk: EventsChunk): Uint8Array {
  for (let r = 0; r < chunk.rows.length; r++) {
    const row = chunk.rows[r]!;
    const line = chunk.lines[r];
    const columns = chunk.columns[r];
    if (line === undefined || columns === undefined || !writeFromLine(buffer, line, columns, row)) {
      buffer.row(row, "empty");
    }
  }
  return buffer.take();
}
