/**
 * @module
 * Enriched events as Parquet columns, typed the way the Snowplow Analytics SDKs type the enriched
 * TSV (JS SDK `EVENT_STRUCTURE`, Python `ENRICHED_EVENT_FIELD_TYPES`, Scala `Event`): strings,
 * 32-bit integers, doubles, booleans and timestamps (UTC, milliseconds), under the names of the
 * SDKs' JSON (`refr_dvce_tstamp` is `refr_device_tstamp` there, as in `analytics-json.ts`).
 *
 * The three JSON columns become one column per entity type, as the SDKs lift them: each context
 * schema to `contexts_<vendor>_<name>_<model>` (a JSON array of the entities' `data`), the
 * unstructured event to `unstruct_event_<vendor>_<name>_<model>` (its `data`); a key in both
 * contexts and derived_contexts takes derived_contexts' entities, as both SDKs do. These columns
 * have Parquet's JSON logical type, and a file holds those of the entity types it has, in name
 * order. `geo_location` (`"lat,lon"`) follows the atomic columns, as in the SDKs' output.
 *
 * Decimals other than `se_value` are doubles, as in every SDK (their exact scale is only kept by
 * the TSV); `se_value` is a string, as in the JS and Python SDKs.
 *
 * The column values are plain data (`Date` for timestamps, parsed JSON for entities); the Parquet
 * encoding itself is the S3 loader's adapter's job.
 */

import { shreddedKey } from "../event/analytics-json.ts";
import type { EnrichedEvent, EnrichedFieldName, SelfDescribingJson } from "../event/enriched-event.ts";
import { enrichedFields } from "../event/enriched-event.ts";
import { javaFloatToString } from "../event/java-float.ts";

/** The Parquet types used: BYTE_ARRAY as UTF8 or JSON, INT32, DOUBLE, BOOLEAN, INT64 as TIMESTAMP_MILLIS. */
export type ParquetColumnType = "STRING" | "INT32" | "DOUBLE" | "BOOLEAN" | "TIMESTAMP" | "JSON";

/** One column of a file: every value nullable. */
export interface ParquetColumn {
  readonly name: string;
  readonly type: ParquetColumnType;
  readonly values: unknown[];
}

/** An atomic column: the event field it comes from, its SDK name and type. */
export interface AtomicParquetColumn {
  readonly field: EnrichedFieldName;
  readonly name: string;
  readonly type: Exclude<ParquetColumnType, "JSON">;
}

const SDK_NAMES: Readonly<Record<string, string>> = { refr_dvce_tstamp: "refr_device_tstamp" };

/** The 128 atomic columns, in TSV order (the three JSON columns are lifted per entity type). */
export const ATOMIC_PARQUET_COLUMNS: readonly AtomicParquetColumn[] = enrichedFields.flatMap(
  (f): AtomicParquetColumn[] => {
    const name = SDK_NAMES[f.name] ?? f.name;
    switch (f.kind) {
      case "string":
        return [{ field: f.name, name, type: "STRING" }];
      case "int":
        return [{ field: f.name, name, type: "INT32" }];
      case "decimal":
        return [{ field: f.name, name, type: f.name === "se_value" ? "STRING" : "DOUBLE" }];
      case "float":
        return [{ field: f.name, name, type: "DOUBLE" }];
      case "boolean":
        return [{ field: f.name, name, type: "BOOLEAN" }];
      case "timestamp":
        return [{ field: f.name, name, type: "TIMESTAMP" }];
      default:
        return [];
    }
  },
);

function shredded(prefix: "contexts" | "unstruct_event", schema: string): string {
  const key = shreddedKey(prefix, schema);
  // Events come from the TSV decoder, which only accepts valid Iglu URIs.
  if (key === null) throw new Error(`${prefix} entity has an invalid Iglu schema URI: ${schema}`);
  return key;
}

/** The lifted entities of one event: key → JSON value, derived_contexts winning over contexts. */
function entitiesOf(event: EnrichedEvent): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const column of [event.contexts, event.derived_contexts]) {
    const grouped = new Map<string, unknown[]>();
    for (const entity of column as readonly SelfDescribingJson[]) {
      const key = shredded("contexts", entity.schema);
      const list = grouped.get(key);
      if (list === undefined) grouped.set(key, [entity.data]);
      else list.push(entity.data);
    }
    for (const [key, list] of grouped) out.set(key, list);
  }
  if (event.unstruct_event !== null) {
    out.set(shredded("unstruct_event", event.unstruct_event.schema), event.unstruct_event.data);
  }
  return out;
}

/** The columns of a file of `events`: atomic columns, `geo_location`, then entity columns by name. */
export function enrichedParquetColumns(events: readonly EnrichedEvent[]): ParquetColumn[] {
  const n = events.length;
  const columns: ParquetColumn[] = ATOMIC_PARQUET_COLUMNS.map((c) => {
    const values = new Array<unknown>(n);
    for (let i = 0; i < n; i++) {
      const value = (events[i] as unknown as Record<string, unknown>)[c.field] ?? null;
      values[i] =
        value === null
          ? null
          : c.type === "TIMESTAMP"
            ? new Date(value as number)
            : c.type === "DOUBLE" && typeof value === "string"
              ? Number(value)
              : value;
    }
    return { name: c.name, type: c.type, values };
  });
  const geo = new Array<unknown>(n);
  const entities = new Map<string, unknown[]>();
  for (let i = 0; i < n; i++) {
    const event = events[i]!;
    geo[i] =
      event.geo_latitude !== null && event.geo_longitude !== null
        ? `${javaFloatToString(event.geo_latitude)},${javaFloatToString(event.geo_longitude)}`
        : null;
    for (const [key, value] of entitiesOf(event)) {
      let values = entities.get(key);
      if (values === undefined) {
        values = new Array<unknown>(n).fill(null);
        entities.set(key, values);
      }
      values[i] = value;
    }
  }
  columns.push({ name: "geo_location", type: "STRING", values: geo });
  for (const key of [...entities.keys()].sort())
    columns.push({ name: key, type: "JSON", values: entities.get(key)! });
  return columns;
}
