/**
 * @module
 * Shredding one enriched event into rows: its events row and one row per entity (contexts, then
 * derived_contexts, then the unstructured event, as snowplow-postgres-loader `transform.shredEvent`
 * orders them), each entity row starting with the meta columns. An event loads whole or not at all:
 * if any value cannot be stored, or any entity's table is unavailable, the event becomes one
 * `loader_iglu_error` with every failure found (Snowplow accumulates them the same way).
 */
import { type LoaderIgluFailure, missingInValue, wrongType } from "../badrows/loader-failure.ts";
import type { EnrichedEvent, SelfDescribingJson } from "../event/enriched-event.ts";
import type { NonEmpty } from "../iglu/client-error.ts";
import type { SchemaKey } from "../iglu/schema-key.ts";
import { formatSchemaVer } from "../iglu/schema-ver.ts";
import { atomicCells, COLLECTOR_TSTAMP_CELL } from "./atomic-events.ts";
import { type Cells, cellText } from "./cell.ts";
import { formatPgType } from "./column-type.ts";
import type { EntityTable } from "./entity-table.ts";

/** Where the entities of one schema go. */
export interface EntityTarget {
  readonly key: SchemaKey;
  readonly table: EntityTable;
}

/** The target of an entity's schema URI, or why its table cannot take it. */
export type TargetLookup = (schemaUri: string) => EntityTarget | LoaderIgluFailure;

/** One entity row and the table it was built for (the cells follow that table's columns). */
export interface EntityRow {
  readonly table: EntityTable;
  readonly cells: Cells;
}

/** An event ready to load. */
export interface ShreddedEvent {
  /** The idempotency key, `event_id` (lower case) and `collector_tstamp`: see {@link eventKey}. */
  readonly key: string;
  readonly atomic: Cells;
  readonly entities: readonly EntityRow[];
}

/** The key two deliveries of one event share: lower-case event_id, a space, collector_tstamp text. */
export function eventKey(eventId: string, collectorTstamp: string): string {
  return `${eventId.toLowerCase()} ${collectorTstamp}`;
}

/** The entities of an event in Snowplow's order: contexts, derived contexts, unstructured event. */
export function entitiesOf(event: EnrichedEvent): SelfDescribingJson[] {
  const all = [...event.contexts, ...event.derived_contexts];
  if (event.unstruct_event !== null) all.push(event.unstruct_event);
  return all;
}

/** The value at `path` in `data`, undefined where an object along the way lacks it (`getPath`). */
function valueAt(data: unknown, path: readonly string[]): unknown {
  let current = data;
  for (const segment of path) {
    if (typeof current !== "object" || current === null || Array.isArray(current)) return undefined;
    if (!Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** `schema_version` text by target: formatted once, not once per row. */
const versionTexts = new WeakMap<EntityTarget, string>();

/**
 * The row of one entity for `target`'s table: the meta columns, then each column's value in
 * `data`. A value the column cannot take adds its failure to `failures` (the row is then unusable).
 */
export function entityRow(
  target: EntityTarget,
  data: unknown,
  rootId: string,
  rootTstamp: string,
  failures: LoaderIgluFailure[],
): Cells {
  const { key, table } = target;
  let version = versionTexts.get(target);
  if (version === undefined) {
    version = formatSchemaVer(key.version);
    versionTexts.set(target, version);
  }
  const cells: Cells = [key.vendor, key.name, key.format, version, rootId, rootTstamp];
  for (const column of table.columns) {
    const value = valueAt(data, column.path);
    const text = cellText(value, column.type);
    if (text === undefined) failures.push(wrongType(key, value, formatPgType(column.type)));
    else if (text === null && !column.nullable) failures.push(missingInValue(key, column.name, data ?? null));
    cells.push(text ?? null);
  }
  return cells;
}

/** The rows of `event`, or every reason it cannot be loaded. */
export function shredEvent(
  event: EnrichedEvent,
  lookup: TargetLookup,
): ShreddedEvent | NonEmpty<LoaderIgluFailure> {
  const atomic = atomicCells(event);
  const failures: LoaderIgluFailure[] = atomic.ok ? [] : [...atomic.error];
  // A decoded event always has both (decodeForLoading checks them); they key the entity rows.
  const rootId = event.event_id ?? "";
  const rootTstamp = atomic.ok ? (atomic.value[COLLECTOR_TSTAMP_CELL] ?? "") : "";
  const entities: EntityRow[] = [];
  for (const entity of entitiesOf(event)) {
    const target = lookup(entity.schema);
    if (!("table" in target)) {
      failures.push(target);
      continue;
    }
    entities.push({
      table: target.table,
      cells: entityRow(target, entity.data, rootId, rootTstamp, failures),
    });
  }
  const [first, ...rest] = failures;
  if (first !== undefined) return [first, ...rest];
  return atomic.ok ? { key: eventKey(rootId, rootTstamp), atomic: atomic.value, entities } : atomic.error;
}

/** Keeps the first of each key, in order; `repeated` counts the others. */
export function firstOfEachKey<T extends { readonly key: string }>(
  items: readonly T[],
): { unique: T[]; repeated: number } {
  const seen = new Set<string>();
  const unique: T[] = [];
  for (const item of items) {
    if (seen.has(item.key)) continue;
    seen.add(item.key);
    unique.push(item);
  }
  return { unique, repeated: items.length - unique.length };
}

/** The rows of `events`, grouped: the events rows, and each entity table's rows. */
export function rowsByTable(events: readonly ShreddedEvent[]): {
  events: Cells[];
  entities: Map<EntityTable, Cells[]>;
} {
  const entities = new Map<EntityTable, Cells[]>();
  const atomic: Cells[] = [];
  for (const event of events) {
    atomic.push(event.atomic);
    for (const row of event.entities) {
      const rows = entities.get(row.table);
      if (rows === undefined) entities.set(row.table, [row.cells]);
      else rows.push(row.cells);
    }
  }
  return { events: atomic, entities };
}
