import { describe, expect, test } from "bun:test";
import { emptyEnrichedEvent, enrichedFieldCount, enrichedFields, type FieldKind } from "./enriched-event.ts";

const position = (name: string) => enrichedFields.findIndex((f) => f.name === name) + 1;
const named = (kind: FieldKind) => enrichedFields.filter((f) => f.kind === kind).map((f) => f.name);

describe("enrichedFields", () => {
  test("has 131 distinct columns", () => {
    expect(enrichedFieldCount).toBe(131);
    expect(new Set(enrichedFields.map((f) => f.name)).size).toBe(131);
  });

  test("puts the landmark columns where Enrich writes them", () => {
    expect(position("app_id")).toBe(1);
    expect(position("collector_tstamp")).toBe(4);
    expect(position("event_id")).toBe(7);
    expect(position("geo_latitude")).toBe(23);
    expect(position("page_url")).toBe(30);
    expect(position("contexts")).toBe(53);
    expect(position("se_value")).toBe(58);
    expect(position("unstruct_event")).toBe(59);
    expect(position("useragent")).toBe(78);
    expect(position("tr_currency")).toBe(109);
    expect(position("etl_tags")).toBe(119);
    expect(position("refr_dvce_tstamp")).toBe(122);
    expect(position("derived_contexts")).toBe(123);
    expect(position("event_fingerprint")).toBe(130);
    expect(position("true_tstamp")).toBe(131);
  });

  test("types the columns as the Analytics SDKs decode them", () => {
    expect(named("timestamp")).toEqual([
      "etl_tstamp",
      "collector_tstamp",
      "dvce_created_tstamp",
      "dvce_sent_tstamp",
      "refr_dvce_tstamp",
      "derived_tstamp",
      "true_tstamp",
    ]);
    expect(named("decimal")).toEqual([
      "se_value",
      "tr_total",
      "tr_tax",
      "tr_shipping",
      "ti_price",
      "tr_total_base",
      "tr_tax_base",
      "tr_shipping_base",
      "ti_price_base",
    ]);
    expect(named("float")).toEqual(["geo_latitude", "geo_longitude"]);
    expect(named("contexts")).toEqual(["contexts", "derived_contexts"]);
    expect(named("unstruct")).toEqual(["unstruct_event"]);
    expect(named("int")).toEqual([
      "txn_id",
      "domain_sessionidx",
      "page_urlport",
      "refr_urlport",
      "ti_quantity",
      "pp_xoffset_min",
      "pp_xoffset_max",
      "pp_yoffset_min",
      "pp_yoffset_max",
      "br_viewwidth",
      "br_viewheight",
      "dvce_screenwidth",
      "dvce_screenheight",
      "doc_width",
      "doc_height",
    ]);
    expect(named("boolean")).toEqual([
      "br_features_pdf",
      "br_features_flash",
      "br_features_java",
      "br_features_director",
      "br_features_quicktime",
      "br_features_realplayer",
      "br_features_windowsmedia",
      "br_features_gears",
      "br_features_silverlight",
      "br_cookies",
      "dvce_ismobile",
    ]);
    // Everything else, br_colordepth included, is text.
    expect(named("string")).toHaveLength(131 - 7 - 9 - 2 - 2 - 1 - 15 - 11);
    expect(named("string")).toContain("br_colordepth");
  });
});

describe("emptyEnrichedEvent", () => {
  test("has every column, all empty, in column order", () => {
    const event = emptyEnrichedEvent();
    expect(Object.keys(event)).toEqual(enrichedFields.map((f) => f.name));
    for (const f of enrichedFields) {
      const value = (event as unknown as Record<string, unknown>)[f.name];
      expect(value).toEqual(f.kind === "contexts" ? [] : null);
    }
  });

  test("gives each event its own context lists", () => {
    const a = emptyEnrichedEvent();
    const b = emptyEnrichedEvent();
    a.contexts.push({ schema: "iglu:com.acme/x/jsonschema/1-0-0", data: {} });
    a.app_id = "a";
    expect(b.contexts).toEqual([]);
    expect(b.derived_contexts).not.toBe(a.derived_contexts);
    expect(b.app_id).toBeNull();
  });
});
