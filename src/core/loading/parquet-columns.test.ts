/**
 * @module
 * Parquet columns of enriched events: a row rebuilt from the columns must be the event's Analytics
 * SDK JSON (`toAnalyticsJson`, itself checked against the JS SDK), with timestamps as `Date`s.
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { enrichedEvent } from "../../../test/enriched-arbitrary.ts";
import { sampleEvents } from "../../../test/enriched-samples.ts";
import { toAnalyticsJson } from "../event/analytics-json.ts";
import type { EnrichedEvent } from "../event/enriched-event.ts";
import { ATOMIC_PARQUET_COLUMNS, enrichedParquetColumns } from "./parquet-columns.ts";

/** Row `i` of `columns`, nulls left out, dates as ISO text: the shape of the SDK's JSON. */
function rows(events: readonly EnrichedEvent[]): Record<string, unknown>[] {
  const columns = enrichedParquetColumns(events);
  for (const c of columns) expect(c.values).toHaveLength(events.length);
  return events.map((_, i) => {
    const row: Record<string, unknown> = {};
    for (const c of columns) {
      const v = c.values[i];
      if (v !== null && v !== undefined) row[c.name] = v instanceof Date ? v.toISOString() : v;
    }
    return row;
  });
}

/** The SDK JSON without keys whose value is null: an entity of `null` data is a null in Parquet. */
function sdkJson(event: EnrichedEvent): Record<string, unknown> {
  return Object.fromEntries(Object.entries(toAnalyticsJson(event)).filter(([, v]) => v !== null));
}

describe("enrichedParquetColumns", () => {
  test("128 typed atomic columns with the SDKs' names, then geo_location, then entities by name", () => {
    expect(ATOMIC_PARQUET_COLUMNS).toHaveLength(128);
    const byName = new Map(ATOMIC_PARQUET_COLUMNS.map((c) => [c.name, c.type]));
    expect(byName.get("refr_device_tstamp")).toBe("TIMESTAMP");
    expect(byName.has("refr_dvce_tstamp")).toBe(false);
    expect(byName.get("se_value")).toBe("STRING");
    expect(byName.get("tr_total")).toBe("DOUBLE");
    expect(byName.get("geo_latitude")).toBe("DOUBLE");
    expect(byName.get("txn_id")).toBe("INT32");
    expect(byName.get("br_cookies")).toBe("BOOLEAN");
    const columns = enrichedParquetColumns(sampleEvents.map((s) => s.event));
    const names = columns.map((c) => c.name);
    expect(names.slice(0, 128)).toEqual(ATOMIC_PARQUET_COLUMNS.map((c) => c.name));
    expect(names[128]).toBe("geo_location");
    const entities = names.slice(129);
    expect(entities.length).toBeGreaterThan(0);
    expect(entities).toEqual([...entities].sort());
    for (const c of columns.slice(129)) {
      expect(c.type).toBe("JSON");
      expect(c.name).toMatch(/^(contexts|unstruct_event)_/);
    }
  });

  test("each row is the Analytics SDK JSON of its event, for the sample events", () => {
    const events = sampleEvents.map((s) => s.event);
    const back = rows(events);
    for (const [i, event] of events.entries()) expect(back[i]).toEqual(sdkJson(event));
  });

  test("and for generated events, several per file", () => {
    fc.assert(
      fc.property(fc.array(enrichedEvent(), { minLength: 1, maxLength: 5 }), (events) => {
        const back = rows(events);
        for (const [i, event] of events.entries()) expect(back[i]).toEqual(sdkJson(event));
      }),
      { numRuns: 100 },
    );
  });

  test("no events, no rows, and only the fixed columns", () => {
    expect(enrichedParquetColumns([]).map((c) => c.values.length)).toEqual(new Array(129).fill(0));
  });
});
