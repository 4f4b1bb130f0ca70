/**
 * @module
 * The event as a bad row carries it (Enrich's `EnrichedEvent.toPartiallyEnrichedEvent`): each field
 * as the TSV column would show it, the JSON columns as their enveloped JSON text, the integers,
 * flags and coordinates as numbers. Never throws: a value that cannot be shown is null.
 */
import type { PartiallyEnrichedEvent } from "../badrows/partially-enriched-event.ts";
import { type EnrichedEvent, enrichedFields, type SelfDescribingJson } from "../event/enriched-event.ts";
import { formatTimestamp, maxTimestamp, minTimestamp } from "../event/timestamp.ts";
import { contextsSchema, unstructEventSchema } from "../event/tsv.ts";
import { compactJson } from "./json-text.ts";

const entityJson = (e: SelfDescribingJson) => ({ schema: e.schema, data: e.data });

/** The event's fields for a bad row's `payload.enriched`. */
export function partiallyEnrichedEvent(event: EnrichedEvent): PartiallyEnrichedEvent {
  const fields = event as unknown as Record<string, unknown>;
  const out: Record<string, string | number | null> = {};
  for (const { name, kind } of enrichedFields) {
    const value = fields[name];
    if (value === null || value === undefined) {
      out[name] = null;
      continue;
    }
    switch (kind) {
      case "string":
      case "decimal":
        out[name] = value as string;
        break;
      case "int":
      case "float":
        out[name] = value as number;
        break;
      case "boolean":
        out[name] = value ? 1 : 0;
        break;
      case "timestamp": {
        const ms = value as number;
        out[name] =
          Number.isInteger(ms) && ms >= minTimestamp && ms <= maxTimestamp ? formatTimestamp(ms) : null;
        break;
      }
      case "contexts": {
        const list = value as SelfDescribingJson[];
        out[name] =
          list.length === 0 ? null : compactJson({ schema: contextsSchema, data: list.map(entityJson) });
        break;
      }
      case "unstruct":
        out[name] = compactJson({
          schema: unstructEventSchema,
          data: entityJson(value as SelfDescribingJson),
        });
        break;
    }
  }
  return out;
}
