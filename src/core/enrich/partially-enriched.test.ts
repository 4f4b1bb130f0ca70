/** @module Tests of the event as bad rows carry it. */
import { describe, expect, test } from "bun:test";
import { partiallyEnrichedEventJson } from "../badrows/partially-enriched-event.ts";
import { emptyEnrichedEvent } from "../event/enriched-event.ts";
import { partiallyEnrichedEvent } from "./partially-enriched.ts";

describe("partiallyEnrichedEvent", () => {
  test("shows each field as its TSV column would, numbers as numbers", () => {
    const event = emptyEnrichedEvent();
    event.app_id = "shop";
    event.txn_id = 28288;
    event.page_urlport = 443;
    event.br_cookies = true;
    event.geo_latitude = 53.3331;
    event.se_value = "1E-7";
    event.collector_tstamp = 1718000000500;
    event.contexts = [{ schema: "iglu:com.acme/a/jsonschema/1-0-0", data: { x: 1 } }];
    event.unstruct_event = { schema: "iglu:com.acme/b/jsonschema/1-0-0", data: {} };
    const out = partiallyEnrichedEventJson(partiallyEnrichedEvent(event));
    expect(out).toMatchObject({
      app_id: "shop",
      txn_id: "28288",
      page_urlport: 443,
      br_cookies: 1,
      geo_latitude: 53.3331,
      se_value: "1E-7",
      collector_tstamp: "2024-06-10 06:13:20.500",
      contexts:
        '{"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1","data":[{"schema":"iglu:com.acme/a/jsonschema/1-0-0","data":{"x":1}}]}',
      unstruct_event:
        '{"schema":"iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0","data":{"schema":"iglu:com.acme/b/jsonschema/1-0-0","data":{}}}',
      derived_contexts: null,
      platform: null,
    });
    expect(Object.keys(out)).toHaveLength(131);
  });
});
