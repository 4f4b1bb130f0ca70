/**
 * @module
 * The payload of the loader's bad rows (`loader_iglu_error`, `loader_runtime_error`): the event as
 * the Scala Analytics SDK encodes its `Event` (`Event.jsonEncoder`, not the lossy `toJson`), which
 * is what snowplow-badrows' `Payload.LoaderPayload` holds: all 131 fields in column order, null
 * when empty, timestamps as `Instant.toString`, decimals as numbers, and the three JSON fields in
 * their envelopes (`contexts` and `derived_contexts` as `contexts/jsonschema/1-0-0`,
 * `unstruct_event` as `unstruct_event/jsonschema/1-0-0` with null data when there is none).
 */
import type { LoaderPayload } from "../badrows/payload.ts";
import type { EnrichedEvent, SelfDescribingJson } from "../event/enriched-event.ts";
import { enrichedFields } from "../event/enriched-event.ts";
import { formatInstant } from "../iglu/instant.ts";

const CONTEXTS_SCHEMA = "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0";
const UNSTRUCT_SCHEMA = "iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0";

const sdj = (entity: SelfDescribingJson) => ({ schema: entity.schema, data: entity.data ?? null });

/** The SDK's JSON of `event`. */
export function loaderPayloadOf(event: EnrichedEvent): LoaderPayload {
  const fields = event as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const { name, kind } of enrichedFields) {
    const value = fields[name];
    switch (kind) {
      case "contexts":
        out[name] = { schema: CONTEXTS_SCHEMA, data: (value as SelfDescribingJson[]).map(sdj) };
        break;
      case "unstruct":
        out[name] = {
          schema: UNSTRUCT_SCHEMA,
          data: value === null ? null : sdj(value as SelfDescribingJson),
        };
        break;
      case "timestamp":
        out[name] = value === null ? null : formatInstant(new Date(value as number));
        break;
      case "decimal":
        out[name] = value === null ? null : Number(value);
        break;
      default:
        out[name] = value ?? null;
    }
  }
  return out;
}
