/**
 * @module
 * The loader's fast lane: one enriched TSV line straight to its rows, without building the
 * 131-field `EnrichedEvent` first. Most values are stored as the very text the line holds (a
 * string, a `yyyy-MM-dd HH:mm:ss.SSS` time), so the lane checks each column with the decoder's own
 * parsers and keeps the text, where the general path parses it into a value and formats it back.
 *
 * The lane only ever answers for a line that loads: anything it is not sure of (a column that does
 * not parse, a value the table cannot hold, a missing required field, an entity without a table)
 * makes it answer `null`, and the caller takes the general path (`decodeForLoading`, then
 * `shredEvent`), which then finds and reports the failure exactly as before. For every line it does
 * answer, its rows are the general path's rows (checked over generated lines in the tests).
 */

import type { LoaderIgluFailure } from "../badrows/loader-failure.ts";
import type { SelfDescribingJson } from "../event/enriched-event.ts";
import { enrichedFieldCount, enrichedFields } from "../event/enriched-event.ts";
import { canonicalDecimal } from "../event/java-decimal.ts";
import { canonicalFloat, javaFloatToString, parseJavaFloat } from "../event/java-float.ts";
import { parseJavaInt } from "../event/java-int.ts";
import { parseTimestamp } from "../event/timestamp.ts";
// The same envelope and URI rules as the TSV decoder: a line it would refuse never passes here,
// and one these refuse goes to the general path, which reports why.
import { contextsEnvelope, igluUri, unstructEnvelope } from "../event/tsv.ts";
import { ATOMIC_COLUMNS, COLLECTOR_TSTAMP_CELL, EVENT_ID_CELL } from "./atomic-events.ts";
import { type Cells, fitsText, isUuid, MIN_POSTGRES_TIMESTAMP, timestampText } from "./cell.ts";
import { codePointLength, type PgType } from "./column-type.ts";
import { type EntityRow, entityRow, eventKey, type ShreddedEvent, type TargetLookup } from "./shred.ts";

const STRING = 0;
const INT = 1;
const DECIMAL = 2;
const FLOAT = 3;
const BOOL = 4;
const TIME = 5;
const kindCode: Readonly<Record<string, number>> = {
  string: STRING,
  int: INT,
  decimal: DECIMAL,
  float: FLOAT,
  boolean: BOOL,
  timestamp: TIME,
};
const tsvIndex = new Map<string, number>(enrichedFields.map((f, i) => [f.name, i]));
const kindOf = new Map<string, string>(enrichedFields.map((f) => [f.name, f.kind]));
/** Per events-row cell, the TSV column it comes from (ascending: `events` keeps the TSV order). */
export const ATOMIC_TSV_COLUMNS: Int32Array = Int32Array.from(
  ATOMIC_COLUMNS,
  (c) => tsvIndex.get(c.name) ?? -1,
);
const sources = ATOMIC_TSV_COLUMNS;
// Per events-row cell, its kind and its type.
const codes = Uint8Array.from(ATOMIC_COLUMNS, (c) => kindCode[kindOf.get(c.name) ?? ""] ?? 255);
const types: readonly PgType[] = ATOMIC_COLUMNS.map((c) => c.type);
const CONTEXTS_COLUMN = tsvIndex.get("contexts")!;
const DERIVED_CONTEXTS_COLUMN = tsvIndex.get("derived_contexts")!;
const UNSTRUCT_COLUMN = tsvIndex.get("unstruct_event")!;
/** Cells the decoder requires besides event_id and collector_tstamp (`decodeForLoading`). */
const REQUIRED_CELLS = ["v_collector", "v_etl"].map((name) =>
  ATOMIC_COLUMNS.findIndex((c) => c.name === name),
);
const TIMESTAMP_TEXT_LENGTH = "yyyy-MM-dd HH:mm:ss.SSS".length;

/** Float columns repeat (a city's coordinates): their stored text by column text, bounded. */
const floatCells = new Map<string, string>();

function floatCell(text: string): string | null {
  let cell = floatCells.get(text);
  if (cell === undefined) {
    const parsed = parseJavaFloat(text);
    if (!parsed.ok) return null;
    cell = javaFloatToString(canonicalFloat(parsed.value));
    if (floatCells.size >= 4096) floatCells.clear();
    floatCells.set(text, cell);
  }
  return cell;
}

/**
 * True for `0`, or at most nine digits without a leading zero after an optional `-`: an int that
 * `String(parseJavaInt(text))` gives back unchanged (most int columns, so they skip the parse).
 */
function isShortCanonicalInt(text: string): boolean {
  const negative = text.charCodeAt(0) === 45; // -
  const digits = text.length - (negative ? 1 : 0);
  if (digits < 1 || digits > 9) return false;
  const first = text.charCodeAt(negative ? 1 : 0);
  if (first === 48) return digits === 1 && !negative; // "0", but not "-0" or "007"
  if (first < 49 || first > 57) return false;
  for (let i = negative ? 2 : 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** The stored text of a non-empty column, as `decodeEnrichedTsv` then `atomicCells` make it; null if unsure. */
function atomicCell(text: string, code: number, type: PgType, mayHoldNul: boolean): string | null {
  switch (code) {
    case STRING:
      if (type.kind === "uuid") return isUuid(text) ? text : null;
      if (type.kind !== "varchar" && type.kind !== "char") return null;
      // `fitsText`, with its U+0000 check made once for the whole line.
      if (mayHoldNul) return fitsText(text, type.length) ? text : null;
      return type.length === null || text.length <= type.length || codePointLength(text) <= type.length
        ? text
        : null;
    case INT: {
      if (isShortCanonicalInt(text)) return text;
      const parsed = parseJavaInt(text);
      return parsed.ok ? String(parsed.value) : null;
    }
    case DECIMAL: {
      const parsed = canonicalDecimal(text);
      return parsed.ok && Number.isFinite(Number(parsed.value)) ? parsed.value : null;
    }
    case FLOAT:
      return floatCell(text);
    case BOOL:
      return text === "1" ? "t" : text === "0" ? "f" : null;
    case TIME: {
      const parsed = parseTimestamp(text);
      if (!parsed.ok) return null;
      // Parsed whole at this length, the text is what formatting the time gives back.
      if (text.length === TIMESTAMP_TEXT_LENGTH && parsed.value >= MIN_POSTGRES_TIMESTAMP) return text;
      return timestampText(parsed.value);
    }
    default:
      return null;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The envelope's data, if it parses, names a schema `envelope` matches and has data. */
function envelopeData(text: string, envelope: RegExp): { data: unknown } | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(json)) return null;
  const schema = json["schema"];
  if (typeof schema !== "string" || !envelope.test(schema) || !("data" in json)) return null;
  return { data: json["data"] };
}

function selfDescribing(value: unknown): SelfDescribingJson | null {
  if (!isObject(value)) return null;
  const schema = value["schema"];
  if (typeof schema !== "string" || !igluUri.test(schema) || !("data" in value)) return null;
  return { schema, data: value["data"] };
}

/** Appends the entities of a contexts column to `into`; false if unsure. */
function addContexts(text: string, into: SelfDescribingJson[]): boolean {
  if (text.length === 0) return true;
  const envelope = envelopeData(text, contextsEnvelope);
  if (envelope === null || !Array.isArray(envelope.data)) return false;
  for (const item of envelope.data) {
    const entity = selfDescribing(item);
    if (entity === null) return false;
    into.push(entity);
  }
  return true;
}

/** The rows of a line, and its columns (for writing the events row from the line itself). */
export interface ShreddedLine extends ShreddedEvent {
  readonly columns: readonly string[];
}

/**
 * `line.split("\t")` when that gives `enrichedFieldCount` columns, else null. Found tab by tab with
 * `indexOf` (empty columns, most of them, cost no substring), which is faster here than `split`.
 */
function tsvColumns(line: string): string[] | null {
  const columns: string[] = new Array(enrichedFieldCount);
  let from = 0;
  for (let i = 0; i < enrichedFieldCount - 1; i++) {
    const tab = line.indexOf("\t", from);
    if (tab === -1) return null;
    columns[i] = tab === from ? "" : line.slice(from, tab);
    from = tab + 1;
  }
  if (line.indexOf("\t", from) !== -1) return null;
  columns[enrichedFieldCount - 1] = line.slice(from);
  return columns;
}

/**
 * The rows of one enriched TSV line, the same as `shredEvent(decodeForLoading(line))` gives, or
 * null when the line needs the general path (it may not load, or holds something unusual).
 * `lookup` is called for the line's entities in order, as `shredEvent` calls it, and may throw.
 */
export function shredLine(line: string, lookup: TargetLookup): ShreddedLine | null {
  const columns = tsvColumns(line);
  if (columns === null) return null;
  const mayHoldNul = line.indexOf("\u0000") !== -1;
  const atomic: Cells = new Array(sources.length);
  for (let i = 0; i < sources.length; i++) {
    const text = columns[sources[i]!]!;
    if (text.length === 0) {
      atomic[i] = null;
      continue;
    }
    const cell = atomicCell(text, codes[i]!, types[i]!, mayHoldNul);
    if (cell === null) return null;
    atomic[i] = cell;
  }
  const rootId = atomic[EVENT_ID_CELL];
  const rootTstamp = atomic[COLLECTOR_TSTAMP_CELL];
  if (rootId == null || rootTstamp == null) return null;
  for (const required of REQUIRED_CELLS) if (atomic[required] === null) return null;
  // Entities in Snowplow's order (`entitiesOf`): contexts, derived contexts, unstructured event.
  const entities: SelfDescribingJson[] = [];
  if (!addContexts(columns[CONTEXTS_COLUMN]!, entities)) return null;
  const unstructText = columns[UNSTRUCT_COLUMN]!;
  let unstruct: SelfDescribingJson | null = null;
  if (unstructText.length > 0) {
    const envelope = envelopeData(unstructText, unstructEnvelope);
    unstruct = envelope === null ? null : selfDescribing(envelope.data);
    if (unstruct === null) return null;
  }
  if (!addContexts(columns[DERIVED_CONTEXTS_COLUMN]!, entities)) return null;
  if (unstruct !== null) entities.push(unstruct);
  const rows: EntityRow[] = [];
  const failures: LoaderIgluFailure[] = [];
  for (const entity of entities) {
    const target = lookup(entity.schema);
    if (!("table" in target)) return null;
    const cells = entityRow(target, entity.data, rootId, rootTstamp, failures);
    if (failures.length > 0) return null;
    rows.push({ table: target.table, cells });
  }
  return { key: eventKey(rootId, rootTstamp), atomic, entities: rows, columns };
}
