/**
 * @module
 * The partially enriched event inside `schema_violations` and `enrichment_failures` bad rows: all
 * 131 enriched-event fields, in TSV order, as far as Enrich got before failing. snowplow-badrows
 * types most fields as strings, but a few as JSON numbers, and the bad-row schemas check those types,
 * so values given as TSV-style strings are converted here. The field list and each field's JSON type
 * come from the event module's field table.
 */

import { type EnrichedField, type EnrichedFieldName, enrichedFields } from "../event/enriched-event.ts";

/** The 131 enriched-event field names, in TSV column order (the order bad rows write them). */
export const PARTIALLY_ENRICHED_EVENT_FIELDS: readonly EnrichedFieldName[] = enrichedFields.map(
  (f) => f.name,
);

/** One of the 131 field names. */
export type PartiallyEnrichedEventField = EnrichedFieldName;

/**
 * Field values by name, as the event module holds them (strings, `null` or absent for unset).
 * Numbers are accepted too. Names outside the 131 are ignored.
 */
export type PartiallyEnrichedEvent = Readonly<Record<string, string | number | null | undefined>>;

/** The JSON type snowplow-badrows gives a field, and how a given value becomes one. */
interface JsonForm {
  readonly type: "string" | "integer" | "number";
  readonly convert: (value: string | number) => string | number | null;
}

const text: JsonForm = { type: "string", convert: String };
const int: JsonForm = { type: "integer", convert: (v) => integerIn(v, -2147483648, 2147483647) };
const byte: JsonForm = { type: "integer", convert: (v) => integerIn(v, -128, 127) };
const float: JsonForm = { type: "number", convert: finiteNumber };

/**
 * snowplow-badrows `Payload.PartiallyEnrichedEvent` types the `int` columns Option[Int], the
 * `boolean` 0/1 flags Option[Byte] and the two `float` coordinates Option[Float]; every other field
 * is Option[String]. The exception is txn_id: an `int` column in the event module (as in the Analytics SDKs), but
 * Option[String] there, and `["string", "null"]` in the bad-row schemas.
 */
function jsonForm(field: EnrichedField): JsonForm {
  if (field.name === "txn_id") return text;
  switch (field.kind) {
    case "int":
      return int;
    case "boolean":
      return byte;
    case "float":
      return float;
    default:
      return text;
  }
}

const jsonForms: ReadonlyMap<string, JsonForm> = new Map(
  enrichedFields.map((f) => [f.name, jsonForm(f)] as const),
);

/** The JSON type snowplow-badrows gives a field: most are strings, a few integers or numbers. */
export function partiallyEnrichedFieldType(field: string): "string" | "integer" | "number" {
  return jsonForms.get(field)?.type ?? "string";
}

function integerIn(value: string | number, min: number, max: number): number | null {
  const n =
    typeof value === "number" ? value : /^[+-]?[0-9]+$/.test(value.trim()) ? Number(value) : Number.NaN;
  return Number.isInteger(n) && n >= min && n <= max ? n : null;
}

function finiteNumber(value: string | number): number | null {
  const n = typeof value === "number" ? value : value.trim() === "" ? Number.NaN : Number(value);
  return Number.isFinite(n) ? n : null;
}

/**
 * The `enriched` object of an EnrichmentPayload: all 131 fields in order, unset ones as `null`.
 * Integer fields (JVM Int; Byte for the 0/1 flags) and the two coordinates become JSON numbers. A
 * value that cannot be one (Enrich would never have stored it in a typed field) becomes `null`.
 */
export function partiallyEnrichedEventJson(
  event: PartiallyEnrichedEvent,
): Record<string, string | number | null> {
  const out: Record<string, string | number | null> = {};
  for (const [field, form] of jsonForms) {
    const value = Object.hasOwn(event, field) ? event[field] : undefined;
    out[field] = value === undefined || value === null ? null : form.convert(value);
  }
  return out;
}
