import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { sampleEvents } from "../../../test/enriched-samples.ts";
import { shreddedKey, toAnalyticsJson } from "./analytics-json.ts";
import { emptyEnrichedEvent } from "./enriched-event.ts";
import { decodeEnrichedTsv } from "./tsv.ts";

const fixture = (name: string) =>
  readFileSync(new URL(`../../../fixtures/enriched/${name}`, import.meta.url), "utf8");
const lines = fixture("events.tsv")
  .split("\n")
  .filter((line) => line.length > 0);
/** What the JS Analytics SDK's `transform` made of each line of events.tsv. */
const expected = JSON.parse(fixture("events.json")) as Record<string, unknown>[];

describe("shreddedKey", () => {
  test("lower-cases the vendor with dots as underscores", () => {
    expect(shreddedKey("contexts", "iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0")).toBe(
      "contexts_com_snowplowanalytics_snowplow_web_page_1",
    );
    expect(shreddedKey("unstruct_event", "iglu:com.Acme.Labs/x/jsonschema/2-1-3")).toBe(
      "unstruct_event_com_acme_labs_x_2",
    );
  });

  test("turns a camelCase name into snake_case as the Scala SDK's regex does", () => {
    const key = (name: string) => shreddedKey("contexts", `iglu:v/${name}/jsonschema/1-0-0`);
    expect(key("userAccountID")).toBe("contexts_v_user_account_id_1");
    expect(key("addToBasket")).toBe("contexts_v_add_to_basket_1");
    expect(key("HTTPHeader")).toBe("contexts_v_httpheader_1");
    expect(key("header2Value")).toBe("contexts_v_header2_value_1");
    expect(key("already_Snake")).toBe("contexts_v_already_snake_1");
    expect(key("WebPage")).toBe("contexts_v_web_page_1");
  });

  test("turns dashes into underscores in vendor and name (Scala SDK)", () => {
    expect(shreddedKey("contexts", "iglu:com.acme-labs/add-to-basket/jsonschema/10-0-0")).toBe(
      "contexts_com_acme_labs_add_to_basket_10",
    );
  });

  test("is null for anything that is not an Iglu URI", () => {
    expect(shreddedKey("contexts", "com.acme/x/jsonschema/1-0-0")).toBeNull();
    expect(shreddedKey("contexts", "iglu:com.acme/x/jsonschema/1-0")).toBeNull();
  });
});

describe("toAnalyticsJson", () => {
  test("gives what the JS Analytics SDK gives for every fixture line, key order included", () => {
    expect(lines).toHaveLength(expected.length);
    lines.forEach((line, i) => {
      const decoded = decodeEnrichedTsv(line);
      expect(decoded.ok).toBe(true);
      if (!decoded.ok) return;
      const json = toAnalyticsJson(decoded.value);
      expect(json).toEqual(expected[i]!);
      expect(JSON.stringify(json)).toBe(JSON.stringify(expected[i]));
    });
  });

  test("leaves out empty columns", () => {
    expect(toAnalyticsJson(emptyEnrichedEvent())).toEqual({});
  });

  test("types the atomic fields", () => {
    const json = toAnalyticsJson(sampleEvents[0]!.event);
    expect(json["txn_id"]).toBe(28288);
    expect(json["geo_latitude"]).toBe(53.3331);
    expect(json["br_cookies"]).toBe(true);
    expect(json["collector_tstamp"]).toBe("2024-03-10T12:00:00.100Z");
    expect(json["tr_total"]).toBe(28.5);
    // The JS and Python SDKs keep se_value as text, and call column 122 refr_device_tstamp.
    expect(json["se_value"]).toBe("2.0");
    expect(json["refr_device_tstamp"]).toBe("2024-03-10T11:58:00.000Z");
    expect(json).not.toHaveProperty("refr_dvce_tstamp");
    expect(json).not.toHaveProperty("contexts");
    expect(json).not.toHaveProperty("unstruct_event");
    expect(json).not.toHaveProperty("derived_contexts");
    expect(json["geo_location"]).toBe("53.3331,-6.2489");
  });

  test("groups contexts by key, and lets derived_contexts replace a key from contexts", () => {
    const event = emptyEnrichedEvent();
    event.contexts = [
      { schema: "iglu:com.acme/a/jsonschema/1-0-0", data: { n: 1 } },
      { schema: "iglu:com.acme/b/jsonschema/1-0-0", data: { n: 2 } },
      { schema: "iglu:com.acme/a/jsonschema/1-1-0", data: { n: 3 } },
    ];
    event.derived_contexts = [{ schema: "iglu:com.acme/a/jsonschema/1-0-1", data: { n: 4 } }];
    const json = toAnalyticsJson(event);
    expect(json).toEqual({ contexts_com_acme_a_1: [{ n: 4 }], contexts_com_acme_b_1: [{ n: 2 }] });
    expect(Object.keys(json)).toEqual(["contexts_com_acme_a_1", "contexts_com_acme_b_1"]);
  });

  test("adds geo_location only when both coordinates are set", () => {
    const event = emptyEnrichedEvent();
    event.geo_latitude = 1e7;
    expect(toAnalyticsJson(event)).toEqual({ geo_latitude: 1e7 });
    event.geo_longitude = -0.001;
    expect(toAnalyticsJson(event)["geo_location"]).toBe("1.0E7,-0.001");
  });

  test("treats an invalid schema URI in a hand-built event as a bug", () => {
    const event = emptyEnrichedEvent();
    event.unstruct_event = { schema: "not a uri", data: {} };
    expect(() => toAnalyticsJson(event)).toThrow("invalid Iglu schema URI");
  });
});
