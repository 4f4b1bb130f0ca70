/**
 * @module
 * Two fields of phase 2 derived from others (Enrich's `EventEnrichments.getDerivedTimestamp` and
 * `SchemaEnrichment.extractSchema`):
 * - `derived_tstamp`: `true_tstamp` when the tracker sent one; otherwise the collector time less the
 *   device's delay in sending (`dvce_sent_tstamp − dvce_created_tstamp`) when that is positive;
 *   otherwise the collector time;
 * - `event_vendor`/`event_name`/`event_format`/`event_version`: the schema of the event, the
 *   Snowplow schema of each built-in type, Google Analytics' for structured events, or the
 *   self-describing event's own.
 */
import { type EnrichmentFailure, enrichmentFailure, inputData, simple } from "../badrows/failure-message.ts";
import type { EnrichedEvent } from "../event/enriched-event.ts";
import { maxTimestamp, minTimestamp } from "../event/timestamp.ts";
import { parseSchemaKey, type SchemaKey } from "../iglu/schema-key.ts";
import { formatSchemaVer } from "../iglu/schema-ver.ts";
import { err, ok, type Result } from "../result.ts";

/**
 * Sets `derived_tstamp`. Deviation: a result outside years 0–9999 (a device clock off by millennia)
 * is an enrichment failure here, where Enrich would write a timestamp no loader can read.
 */
export function setDerivedTimestamp(event: EnrichedEvent): Result<void, EnrichmentFailure> {
  const { true_tstamp: ttm, dvce_created_tstamp: dtm, dvce_sent_tstamp: stm, collector_tstamp: ct } = event;
  let derived: number | null;
  if (ttm !== null) derived = ttm;
  else if (stm !== null && dtm !== null && ct !== null) derived = dtm < stm ? ct - (stm - dtm) : ct;
  else derived = ct;
  if (derived !== null && (derived < minTimestamp || derived > maxTimestamp)) {
    const message = `Exception calculating derived timestamp: ${derived} ms is outside years 0000-9999`;
    return err(enrichmentFailure(null, simple(message)));
  }
  event.derived_tstamp = derived;
  return ok(undefined);
}

const snowplow = (name: string): SchemaKey => ({
  vendor: "com.snowplowanalytics.snowplow",
  name,
  format: "jsonschema",
  version: { model: 1, revision: 0, addition: 0 },
});

const BUILT_IN_SCHEMAS: Readonly<Record<string, SchemaKey>> = {
  page_view: snowplow("page_view"),
  page_ping: snowplow("page_ping"),
  transaction: snowplow("transaction"),
  transaction_item: snowplow("transaction_item"),
  struct: { ...snowplow("event"), vendor: "com.google.analytics" },
};

/**
 * Sets the four schema fields. An unstructured event without a valid unstruct_event is left alone
 * (its violation is already reported); any other type, or none, is an enrichment failure.
 */
export function setSchemaFields(event: EnrichedEvent): Result<void, EnrichmentFailure> {
  const type = event.event;
  let key: SchemaKey | null = null;
  if (type !== null && Object.hasOwn(BUILT_IN_SCHEMAS, type)) key = BUILT_IN_SCHEMAS[type]!;
  else if (type === "unstruct") {
    if (event.unstruct_event === null) return ok(undefined);
    const parsed = parseSchemaKey(event.unstruct_event.schema);
    if (!parsed.ok) return ok(undefined);
    key = parsed.value;
  } else {
    // Enrich's message, on one line.
    const message = `trying to extract the schema of the enriched event but event type [${type}] doesn't match any of page_view, page_ping, struct, transaction, transaction_item and unstruct`;
    return err(enrichmentFailure(null, inputData("event", type, message)));
  }
  event.event_vendor = key.vendor;
  event.event_name = key.name;
  event.event_format = key.format;
  event.event_version = formatSchemaVer(key.version);
  return ok(undefined);
}
