/**
 * @module
 * Snowplow's own Node tracker (@snowplow/node-tracker) against the collector on a real port: GET
 * and POST emitters, page views, structured events, self-describing events with contexts and
 * batches. Records read back from the sink decode with our Thrift codec to what the tracker sent:
 * GET query strings carry one event each, POST bodies are payload_data JSON with `stm` added.
 */
import { afterAll, describe, expect, test } from "bun:test";
import {
  buildPageView,
  buildSelfDescribingEvent,
  buildStructEvent,
  newTracker,
  type Tracker,
  version as trackerVersion,
} from "@snowplow/node-tracker";
import {
  type CollectorUnderTest,
  decodeRecord,
  eventually,
  startCollectorUnderTest,
} from "./collector-under-test.ts";

const PAYLOAD_DATA = "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4";
const UNSTRUCT = "iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0";
const CONTEXTS = "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0";
const LINK_CLICK = "iglu:com.snowplowanalytics.snowplow/link_click/jsonschema/1-0-1";
const WEB_PAGE = "iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0";
const TV = `node-${trackerVersion}`;

let collector: CollectorUnderTest;
const collectorReady = startCollectorUnderTest().then((c) => {
  collector = c;
  return c;
});
afterAll(async () => (await collectorReady).stop());

function tracker(
  eventMethod: "get" | "post",
  options: { bufferSize?: number; encodeBase64?: boolean } = {},
): Tracker {
  return newTracker(
    { namespace: `ns-${eventMethod}`, appId: "furrow-test", encodeBase64: options.encodeBase64 ?? true },
    {
      endpoint: "127.0.0.1",
      port: collector.port,
      protocol: "http",
      eventMethod,
      bufferSize: options.bufferSize ?? 1,
      retryFailedRequests: false,
    },
  );
}

/** Base64url (what trackers use for ue_px and cx) to JSON. */
const fromBase64Url = (text: string): unknown =>
  JSON.parse(Buffer.from(text.replaceAll("-", "+").replaceAll("_", "/"), "base64").toString("utf8"));

/** Clears the sink between tests. */
const takeRecords = () => collector.good.records.splice(0);

describe("GET emitter", () => {
  test("each event is one /i request whose query string is the event", async () => {
    await collectorReady;
    takeRecords();
    const t = tracker("get");
    // The tracker sends it as the nuid parameter, which beats any cookie.
    t.setNetworkUserId("5a9c0f8e-1f7e-4a7b-9a2d-8d1b3c4e5f60");
    t.track(
      buildPageView({
        pageUrl: "http://shop.example/products",
        pageTitle: "Products",
        referrer: "http://ref.example/",
      }),
    );
    t.track(
      buildStructEvent({
        category: "shop",
        action: "add-to-basket",
        label: "sku-1",
        property: "size",
        value: 2,
      }),
    );
    t.track(
      buildSelfDescribingEvent({ event: { schema: LINK_CLICK, data: { targetUrl: "http://out.example/" } } }),
      [{ schema: WEB_PAGE, data: { id: "0f64d3b0-6b4a-4e5c-9a8b-7c6d5e4f3a21" } }],
    );
    await t.flush();
    await eventually(() => collector.good.records.length === 3);
    const payloads = takeRecords().map(decodeRecord);
    for (const p of payloads) {
      expect(p.path).toBe("/i");
      expect(p.body).toBeUndefined();
      expect(p.contentType).toBeUndefined();
      expect(p.ipAddress).toBe("127.0.0.1");
      expect(p.collector).toBe("furrow-0.1.0-memory");
      expect(p.networkUserId).toBe("5a9c0f8e-1f7e-4a7b-9a2d-8d1b3c4e5f60");
    }
    const [pv, se, ue] = payloads.map((p) => new URLSearchParams(p.querystring));
    expect(pv!.get("e")).toBe("pv");
    expect(pv!.get("url")).toBe("http://shop.example/products");
    expect(pv!.get("page")).toBe("Products");
    expect(pv!.get("refr")).toBe("http://ref.example/");
    expect(pv!.get("tv")).toBe(TV);
    expect(pv!.get("aid")).toBe("furrow-test");
    expect(pv!.get("p")).toBe("srv");
    expect(pv!.get("eid")).toMatch(/^[0-9a-f-]{36}$/);
    expect(pv!.get("stm")).toMatch(/^\d{13}$/);
    expect([
      se!.get("e"),
      se!.get("se_ca"),
      se!.get("se_ac"),
      se!.get("se_la"),
      se!.get("se_pr"),
      se!.get("se_va"),
    ]).toEqual(["se", "shop", "add-to-basket", "sku-1", "size", "2"]);
    expect(ue!.get("e")).toBe("ue");
    expect(fromBase64Url(ue!.get("ue_px")!)).toEqual({
      schema: UNSTRUCT,
      data: { schema: LINK_CLICK, data: { targetUrl: "http://out.example/" } },
    });
    expect(fromBase64Url(ue!.get("cx")!)).toEqual({
      schema: CONTEXTS,
      data: [{ schema: WEB_PAGE, data: { id: "0f64d3b0-6b4a-4e5c-9a8b-7c6d5e4f3a21" } }],
    });
  });
});

describe("POST emitter", () => {
  test("a batch is one tp2 POST with a payload_data body, each event stamped with stm", async () => {
    await collectorReady;
    takeRecords();
    const t = tracker("post", { bufferSize: 5, encodeBase64: false });
    for (let i = 0; i < 4; i++) t.track(buildPageView({ pageUrl: `http://shop.example/p/${i}` }));
    t.track(
      buildSelfDescribingEvent({ event: { schema: LINK_CLICK, data: { targetUrl: "http://out.example/" } } }),
      [{ schema: WEB_PAGE, data: { id: "0f64d3b0-6b4a-4e5c-9a8b-7c6d5e4f3a21" } }],
    );
    await t.flush();
    await eventually(() => collector.good.records.length === 1);
    const [p] = takeRecords().map(decodeRecord);
    expect(p!.path).toBe("/com.snowplowanalytics.snowplow/tp2");
    expect(p!.contentType).toBe("application/json; charset=utf-8");
    expect(p!.headers?.at(-1)).toBe("application/json; charset=utf-8");
    expect(p!.querystring).toBe("");
    const body = JSON.parse(p!.body!) as { schema: string; data: Record<string, string>[] };
    expect(body.schema).toBe(PAYLOAD_DATA);
    expect(body.data.length).toBe(5);
    for (const e of body.data) {
      expect(e.stm).toMatch(/^\d{13}$/);
      expect(e.tv).toBe(TV);
      // payload_data 1-0-4: every value is a string.
      expect(Object.values(e).every((v) => typeof v === "string")).toBe(true);
    }
    expect(body.data.slice(0, 4).map((e) => e.url)).toEqual(
      [0, 1, 2, 3].map((i) => `http://shop.example/p/${i}`),
    );
    const ue = body.data[4]!;
    expect(ue.e).toBe("ue");
    expect(JSON.parse(ue.ue_pr!)).toEqual({
      schema: UNSTRUCT,
      data: { schema: LINK_CLICK, data: { targetUrl: "http://out.example/" } },
    });
    expect(JSON.parse(ue.co!)).toEqual({
      schema: CONTEXTS,
      data: [{ schema: WEB_PAGE, data: { id: "0f64d3b0-6b4a-4e5c-9a8b-7c6d5e4f3a21" } }],
    });
  });

  test("base64 contexts travel as cx in POST bodies too, and single events flush at once", async () => {
    await collectorReady;
    takeRecords();
    const t = tracker("post");
    t.track(buildStructEvent({ category: "c", action: "a" }), [
      { schema: WEB_PAGE, data: { id: "1b3c5d7e-0000-4000-8000-000000000001" } },
    ]);
    await t.flush();
    await eventually(() => collector.good.records.length === 1);
    const body = JSON.parse(decodeRecord(takeRecords()[0]!).body!) as { data: Record<string, string>[] };
    expect(body.data.length).toBe(1);
    expect(body.data[0]!.e).toBe("se");
    expect(fromBase64Url(body.data[0]!.cx!)).toEqual({
      schema: CONTEXTS,
      data: [{ schema: WEB_PAGE, data: { id: "1b3c5d7e-0000-4000-8000-000000000001" } }],
    });
  });
});
