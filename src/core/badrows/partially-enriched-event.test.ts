/** @module Tests for the partially enriched event: 131 fields in order, Snowplow's JSON types. */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { sharedDir, sharedMissing } from "../../../test/support/shared.ts";
import {
  PARTIALLY_ENRICHED_EVENT_FIELDS,
  partiallyEnrichedEventJson,
  partiallyEnrichedFieldType,
} from "./partially-enriched-event.ts";

describe("partiallyEnrichedEventJson", () => {
  test("writes all 131 fields in TSV order, unset ones as null", () => {
    expect(PARTIALLY_ENRICHED_EVENT_FIELDS).toHaveLength(131);
    expect(new Set(PARTIALLY_ENRICHED_EVENT_FIELDS).size).toBe(131);
    const out = partiallyEnrichedEventJson({ app_id: "shop" });
    expect(Object.keys(out)).toEqual([...PARTIALLY_ENRICHED_EVENT_FIELDS]);
    expect(out["app_id"]).toBe("shop");
    expect(out["event_id"]).toBe(null);
    expect(PARTIALLY_ENRICHED_EVENT_FIELDS[52]).toBe("contexts");
    expect(PARTIALLY_ENRICHED_EVENT_FIELDS[130]).toBe("true_tstamp");
  });

  test("turns integer, flag and coordinate fields into numbers", () => {
    const out = partiallyEnrichedEventJson({
      domain_sessionidx: "3",
      page_urlport: 443,
      br_features_pdf: "1",
      dvce_ismobile: "0",
      geo_latitude: "53.3331",
      geo_longitude: -6.25,
      se_value: "1.5",
      txn_id: "028288",
    });
    expect(out["domain_sessionidx"]).toBe(3);
    expect(out["page_urlport"]).toBe(443);
    expect(out["br_features_pdf"]).toBe(1);
    expect(out["dvce_ismobile"]).toBe(0);
    expect(out["geo_latitude"]).toBe(53.3331);
    expect(out["geo_longitude"]).toBe(-6.25);
    // se_value and txn_id are strings in snowplow-badrows, so they stay as given.
    expect(out["se_value"]).toBe("1.5");
    expect(out["txn_id"]).toBe("028288");
  });

  test("a value a typed field cannot hold becomes null", () => {
    const out = partiallyEnrichedEventJson({
      domain_sessionidx: "three",
      page_urlport: "1.5",
      br_cookies: "300",
      doc_width: "99999999999",
      geo_latitude: "north",
      geo_longitude: "",
    });
    for (const field of [
      "domain_sessionidx",
      "page_urlport",
      "br_cookies",
      "doc_width",
      "geo_latitude",
      "geo_longitude",
    ]) {
      expect(out[field]).toBe(null);
    }
  });

  test("ignores names outside the 131", () => {
    expect(Object.keys(partiallyEnrichedEventJson({ not_a_field: "x" }))).toHaveLength(131);
  });

  const title = "field order and types agree with the schema_violations 2-0-1 schema";
  test.skipIf(!sharedDir)(sharedDir ? title : sharedMissing(title), () => {
    const path = `${sharedDir}/iglu-central/schemas/com.snowplowanalytics.snowplow.badrows/schema_violations/jsonschema/2-0-1`;
    const schema = JSON.parse(readFileSync(path, "utf8"));
    const props: Record<string, { type: string[] }> =
      schema.properties.payload.properties.enriched.properties;
    expect(Object.keys(props)).toEqual([...PARTIALLY_ENRICHED_EVENT_FIELDS]);
    for (const [field, def] of Object.entries(props)) {
      expect([field, def.type]).toEqual([field, [partiallyEnrichedFieldType(field), "null"]]);
    }
  });
});
