/**
 * @module
 * The "lossy" JSON shape of an enriched event that the Snowplow Analytics SDKs produce (Scala
 * `Event.toJson(lossy = true)`, Python `transform`, JS `snowplow-analytics-sdk` `transform`): one
 * flat object of typed atomic fields, with each context and the unstructured event lifted to a
 * top-level key named after its schema, and `geo_location` added.
 *
 * The SDKs disagree on details. This module follows the JS SDK (0.1.0, itself a port of the Python
 * SDK) wherever they differ, and its tests check equality with that package on the same lines:
 * - empty columns are left out (Scala writes `null` for every empty atomic field);
 * - context entities are the bare `data` objects (Scala 3.x adds `_schema_version` to each);
 * - column 122 is `refr_device_tstamp` (Scala 3.x: `refr_dvce_tstamp`);
 * - se_value stays a string, the canonical decimal (Scala: a Double); the other decimals are numbers;
 * - timestamps are `yyyy-MM-ddTHH:mm:ss.SSSZ` (Scala's `Instant.toString` drops a zero fraction);
 * - keys are built with the Scala SDK's `transformSchema`: in the vendor `.` and `-` become `_`;
 *   in the name `.` and `-` become `_`, then camelCase becomes snake_case; all lower case; then the
 *   model. The JS SDK rejects a vendor containing `-` and keeps `-` in a name; the tests show both.
 * - when contexts and derived_contexts produce the same key, derived_contexts wins (as in both SDKs);
 * - `geo_location` is `"<lat>,<lon>"` in the columns' `Float.toString` text, present only when both
 *   are set.
 */
import type { EnrichedEvent, SelfDescribingJson } from "./enriched-event.ts";
import { enrichedFieldCount, enrichedFields } from "./enriched-event.ts";
import { javaFloatToString } from "./java-float.ts";
import { formatIsoTimestamp } from "./timestamp.ts";

/** The flat JSON object of one event. */
export type AnalyticsJson = Record<string, unknown>;

// vendor, name, model of an Iglu URI (the TSV decoder has already checked the full syntax).
const igluParts = /^iglu:([a-zA-Z0-9_.-]+)\/([a-zA-Z0-9_-]+)\/[a-zA-Z0-9_-]+\/([0-9]+)-[0-9]+-[0-9]+$/;

/** The key `prefix_vendor_name_model` for entities of `schema`, or null if it is not an Iglu URI. */
export function shreddedKey(prefix: "contexts" | "unstruct_event", schema: string): string | null {
  const m = igluParts.exec(schema);
  if (m === null) return null;
  const vendor = m[1]!.replace(/[.-]/g, "_").toLowerCase();
  const name = m[2]!
    .replace(/[.-]/g, "_")
    .replace(/([^A-Z_])([A-Z])/g, "$1_$2")
    .toLowerCase();
  return `${prefix}_${vendor}_${name}_${Number(m[3])}`;
}

function keyOf(prefix: "contexts" | "unstruct_event", schema: string): string {
  const key = shreddedKey(prefix, schema);
  // Events come from the TSV decoder or from Enrich, both of which only hold valid URIs.
  if (key === null) throw new Error(`${prefix} entity has an invalid Iglu schema URI: ${schema}`);
  return key;
}

/** Names that differ from the column name, as the JS and Python SDKs spell them. */
const renamed: Readonly<Record<string, string>> = { refr_dvce_tstamp: "refr_device_tstamp" };

/**
 * The analytics-SDK JSON of `event`, keys in column order (contexts and the unstructured event at
 * their columns' places), `geo_location` last.
 */
export function toAnalyticsJson(event: EnrichedEvent): AnalyticsJson {
  const fields = event as unknown as Record<string, unknown>;
  const out: AnalyticsJson = {};
  for (let i = 0; i < enrichedFieldCount; i++) {
    const { name, kind } = enrichedFields[i]!;
    const value = fields[name];
    if (value === null || value === undefined) continue;
    switch (kind) {
      case "decimal":
        out[name] = name === "se_value" ? value : Number(value);
        break;
      case "timestamp":
        out[renamed[name] ?? name] = formatIsoTimestamp(value as number);
        break;
      case "contexts": {
        // Grouped per column: a key repeated in derived_contexts replaces the one from contexts.
        const grouped = new Map<string, unknown[]>();
        for (const entity of value as SelfDescribingJson[]) {
          const key = keyOf("contexts", entity.schema);
          const list = grouped.get(key);
          if (list === undefined) grouped.set(key, [entity.data]);
          else list.push(entity.data);
        }
        for (const [key, list] of grouped) out[key] = list;
        break;
      }
      case "unstruct": {
        const entity = value as SelfDescribingJson;
        out[keyOf("unstruct_event", entity.schema)] = entity.data;
        break;
      }
      default:
        out[name] = value;
    }
  }
  if (event.geo_latitude !== null && event.geo_longitude !== null) {
    out["geo_location"] =
      `${javaFloatToString(event.geo_latitude)},${javaFloatToString(event.geo_longitude)}`;
  }
  return out;
}
