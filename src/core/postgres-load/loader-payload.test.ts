import { describe, expect, test } from "bun:test";
import { emptyEnrichedEvent, enrichedFields } from "../event/enriched-event.ts";
import { loaderPayloadOf } from "./loader-payload.ts";

describe("loaderPayloadOf (the Scala Analytics SDK's Event encoder)", () => {
  test("every field in column order, null when empty, JSON fields in their envelopes", () => {
    const payload = loaderPayloadOf(emptyEnrichedEvent());
    expect(Object.keys(payload)).toEqual(enrichedFields.map((f) => f.name));
    expect(payload["app_id"]).toBeNull();
    expect(payload["contexts"]).toEqual({
      schema: "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0",
      data: [],
    });
    expect(payload["unstruct_event"]).toEqual({
      schema: "iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0",
      data: null,
    });
  });

  test("timestamps as Instant.toString, decimals as numbers", () => {
    const payload = loaderPayloadOf(
      Object.assign(emptyEnrichedEvent(), {
        collector_tstamp: Date.parse("2024-03-10T12:00:00.000Z"),
        etl_tstamp: Date.parse("2024-03-10T12:00:00.120Z"),
        tr_total: "28.50",
        br_cookies: true,
        unstruct_event: { schema: "iglu:com.acme/e/jsonschema/1-0-0", data: { a: 1 } },
      }),
    );
    expect(payload["collector_tstamp"]).toBe("2024-03-10T12:00:00Z");
    expect(payload["etl_tstamp"]).toBe("2024-03-10T12:00:00.120Z");
    expect(payload["tr_total"]).toBe(28.5);
    expect(payload["br_cookies"]).toBe(true);
    expect((payload["unstruct_event"] as { data: unknown }).data).toEqual({
      schema: "iglu:com.acme/e/jsonschema/1-0-0",
      data: { a: 1 },
    });
  });
});
