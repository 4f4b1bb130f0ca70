/**
 * @module
 * The whole pipeline on the local engines, in this process: Snowplow's Node tracker (GET and POST
 * emitters) → the collector on a real port with its Kinesis sink → the raw stream (kinesalite) →
 * enrich in stream mode (KCL leases on dynalite) with campaign_attribution, referer_parser,
 * ua_parser, event_fingerprint, ip_lookups (the tiny MaxMind databases) and pii → the enriched and
 * bad streams, read back with GetRecords.
 *
 * Every enriched line must parse with the JS Analytics SDK (`snowplow-analytics-sdk`) and carry
 * what the tracker sent, by event id: each kind of event the Node tracker builds, its contexts and
 * self-describing data, and the enrichments' fields and derived contexts. Valid input leaves
 * nothing in bad-1; self-describing data the resolver cannot find, or that breaks its schema,
 * ends there as schema_violations and nowhere else.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KinesisClient } from "@aws-sdk/client-kinesis";
import {
  buildAddToCart,
  buildEcommerceTransaction,
  buildEcommerceTransactionItem,
  buildPagePing,
  buildPageView,
  buildScreenView,
  buildSelfDescribingEvent,
  buildStructEvent,
  newTracker,
  type Tracker,
  version as trackerVersion,
} from "@snowplow/node-tracker";
import sdk from "snowplow-analytics-sdk";
import { startDynalite } from "../../src/adapters/engines/dynalite.ts";
import { startKinesalite } from "../../src/adapters/engines/kinesalite.ts";
import type { RunningEngine } from "../../src/adapters/engines/running-engine.ts";
import { kinesisClient } from "../../src/adapters/kinesis/client.ts";
import { ensureStream } from "../../src/adapters/kinesis/streams.ts";
import { type RunningCollector, startCollector } from "../../src/apps/collector/main.ts";
import { buildPipeline, type RunningEnrich, startEnrichStream } from "../../src/apps/enrich/main.ts";
import { kinesisCollectorConfig } from "../support/kinesis-collector-config.ts";
import { CUSTOMER_SCHEMA, PII_SALT, writeEnrichSettings } from "./six-enrichments.ts";
import { streamContents, waitFor } from "./stream-contents.ts";

const REGION = "us-east-1";
const STREAMS = {
  raw: "e2e-raw",
  enriched: "e2e-enriched",
  bad: "e2e-bad-1",
  collectorBad: "e2e-collector-bad",
};
const WEB_PAGE = "iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0";
const LINK_CLICK = "iglu:com.snowplowanalytics.snowplow/link_click/jsonschema/1-0-1";
const TIMING = "iglu:com.snowplowanalytics.snowplow/timing/jsonschema/1-0-0";
const BUTTON_CLICK_1_0_1 = "iglu:com.furrow.example/button_click/jsonschema/1-0-1";
const SCHEMA_VIOLATIONS = "iglu:com.snowplowanalytics.snowplow.badrows/schema_violations/jsonschema/2-0-1";
const CHROME_MAC =
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";
const IPHONE =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
const LANDING =
  "https://shop.example.com/products/linen-shirt?utm_source=newsletter&utm_medium=email&utm_campaign=summer-sale";
const SEARCH = "https://www.google.com/search?q=linen+shirt";
const PAGE_VIEW_ID = "0f64d3b0-6b4a-4e5c-9a8b-7c6d5e4f3a21";
const SCREEN_ID = "5d79770b-015b-4af8-8c91-b2ed6faf4b1e";

const sha256 = (value: string) =>
  createHash("sha256")
    .update(value + PII_SALT, "utf8")
    .digest("hex");

let engines: RunningEngine[] = [];
let kinesis: KinesisClient;
let collector: RunningCollector;
let enrich: RunningEnrich;
let scratch: string;

beforeAll(async () => {
  engines = await Promise.all([startKinesalite(), startDynalite()]);
  const [kinesalite, dynalite] = engines as [RunningEngine, RunningEngine];
  kinesis = kinesisClient({ endpoint: kinesalite.url, region: REGION });
  await ensureStream(kinesis, { name: STREAMS.raw, shards: 2 });
  for (const name of [STREAMS.enriched, STREAMS.bad, STREAMS.collectorBad])
    await ensureStream(kinesis, { name, shards: 1 });

  collector = await startCollector({
    config: kinesisCollectorConfig(
      { good: STREAMS.raw, bad: STREAMS.collectorBad },
      { endpoint: kinesalite.url, region: REGION },
    ),
    stdout: () => {},
    stderr: () => {},
  });

  scratch = mkdtempSync(join(tmpdir(), "furrow-e2e-"));
  const settings = writeEnrichSettings(scratch);
  const built = await buildPipeline({ ...settings, emitFailed: false });
  if (!built.ok) throw new Error(built.error.join("\n"));
  expect(built.value.enrichments.map((e) => e.name).sort()).toEqual([
    "campaign_attribution",
    "event_fingerprint_config",
    "ip_lookups",
    "pii_enrichment_config",
    "referer_parser",
    "ua_parser_config",
  ]);
  enrich = await startEnrichStream(built.value, {
    input: { streamName: STREAMS.raw, appName: "e2e-enrich", initialPosition: { type: "TRIM_HORIZON" } },
    output: { good: STREAMS.enriched, bad: STREAMS.bad },
    kinesis: { endpoint: kinesalite.url, region: REGION },
    dynamodb: { endpoint: dynalite.url, region: REGION },
    consumer: { leaseDurationMs: 2_000, idleTimeBetweenReadsMs: 100, checkpointDebounceMs: 200 },
  });
}, 60_000);

afterAll(async () => {
  await collector?.stop({ preTerminationPeriod: 0 });
  await enrich?.stop();
  kinesis?.destroy();
  await Promise.all(engines.map((e) => e.stop()));
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
});

function tracker(
  eventMethod: "get" | "post",
  extra: { customHeaders?: Record<string, string> } = {},
): Tracker {
  return newTracker(
    { namespace: `e2e-${eventMethod}`, appId: "furrow-e2e", encodeBase64: eventMethod === "get" },
    {
      endpoint: "127.0.0.1",
      port: collector.port,
      protocol: "http",
      eventMethod,
      // GET sends each event at once; POST batches six events per tp2 request.
      bufferSize: eventMethod === "get" ? 1 : 6,
      retryFailedRequests: false,
      ...extra,
    },
  );
}

/** The event id the tracker gave an event it tracked. */
function eid(payload: Record<string, unknown> | undefined): string {
  const id = payload?.["eid"];
  if (typeof id !== "string") throw new Error("the tracker did not track the event");
  return id;
}

type Sdk = Record<string, unknown>;

/** The parts of a schema_violations bad row read here. */
interface BadRowJson {
  readonly schema: string;
  readonly data: {
    readonly payload: { readonly enriched: { readonly event_id: string } };
    readonly failure: { readonly messages: unknown[] };
  };
}

describe("Node tracker → collector → raw → enrich (stream mode) → enriched | bad-1", () => {
  test("every kind of event arrives enriched, by its event id; only invalid self-describing data is bad", async () => {
    // GET: the client address and user agent come from the request's headers, as from a browser.
    const get = tracker("get", {
      customHeaders: { "X-Forwarded-For": "192.0.2.10", "User-Agent": CHROME_MAC },
    });
    get.setUserId("customer-42");
    const customer = { schema: CUSTOMER_SCHEMA, data: { email: "jo@mail.example", plan: "plus" } };
    const webPage = { schema: WEB_PAGE, data: { id: PAGE_VIEW_ID } };
    const sent = {
      pageView: eid(
        get.track(buildPageView({ pageUrl: LANDING, pageTitle: "Linen shirt", referrer: SEARCH }), [webPage]),
      ),
      pagePing: eid(
        get.track(
          buildPagePing({
            pageUrl: LANDING,
            pageTitle: "Linen shirt",
            referrer: SEARCH,
            minXOffset: 0,
            maxXOffset: 10,
            minYOffset: 120,
            maxYOffset: 1380,
          }),
          [webPage],
        ),
      ),
      struct: eid(
        get.track(
          buildStructEvent({
            category: "basket",
            action: "add",
            label: "LS-01",
            property: "blue",
            value: 49.5,
          }),
        ),
      ),
      linkClick: eid(
        get.track(
          buildSelfDescribingEvent({
            event: {
              schema: LINK_CLICK,
              data: { targetUrl: "https://shop.example.com/cart", elementId: "cart" },
            },
          }),
          [webPage, customer],
        ),
      ),
      screenView: eid(get.track(buildScreenView({ name: "Home", id: SCREEN_ID }))),
      timing: eid(
        get.track(
          buildSelfDescribingEvent({
            event: {
              schema: TIMING,
              data: { category: "checkout", variable: "payment", timing: 1234, label: "card" },
            },
          }),
        ),
      ),
      transaction: eid(
        get.track(
          buildEcommerceTransaction({
            orderId: "order-1001",
            affiliation: "web",
            total: 104,
            tax: 17.33,
            shipping: 5,
            city: "Leeds",
            state: "West Yorkshire",
            country: "GB",
            currency: "GBP",
          }),
        ),
      ),
      transactionItem: eid(
        get.track(
          buildEcommerceTransactionItem({
            orderId: "order-1001",
            sku: "LS-01",
            name: "Linen shirt",
            category: "shirts",
            price: 49.5,
            quantity: 2,
            currency: "GBP",
          }),
        ),
      ),
      addToCart: eid(
        get.track(
          buildAddToCart({
            sku: "LS-01",
            name: "Linen shirt",
            category: "shirts",
            unitPrice: 49.5,
            quantity: 1,
            currency: "GBP",
          }),
        ),
      ),
    };

    // POST: a mobile app's tracker, which names its address and user agent in the payload.
    const post = tracker("post");
    post.setIpAddress("198.51.100.7");
    post.setUseragent(IPHONE);
    const sentByPost = {
      pageView: eid(
        post.track(buildPageView({ pageUrl: "https://shop.example.com/cart", pageTitle: "Cart" })),
      ),
      screenView: eid(
        post.track(buildScreenView({ name: "Basket", id: "9b1c9e9e-3a65-4ad7-8a3f-0f8e2b2d7c11" })),
      ),
      superseded: eid(
        post.track(
          buildSelfDescribingEvent({ event: { schema: BUTTON_CLICK_1_0_1, data: { id: "checkout" } } }),
          [customer],
        ),
      ),
      timing: eid(
        post.track(
          buildSelfDescribingEvent({
            event: { schema: TIMING, data: { category: "app", variable: "start", timing: 880 } },
          }),
        ),
      ),
      struct: eid(post.track(buildStructEvent({ category: "app", action: "open" }))),
    };
    // Invalid self-describing data, in the same tp2 batches as valid events.
    const invalid = {
      unknownSchema: eid(
        post.track(
          buildSelfDescribingEvent({
            event: { schema: "iglu:com.furrow.test/no_such_event/jsonschema/1-0-0", data: { a: 1 } },
          }),
        ),
      ),
      missingProperty: eid(
        post.track(
          buildSelfDescribingEvent({ event: { schema: LINK_CLICK, data: { elementId: "no-target" } } }),
        ),
      ),
      invalidContext: eid(
        post.track(buildPageView({ pageUrl: "https://shop.example.com/" }), [
          { schema: CUSTOMER_SCHEMA, data: { email: "x@mail.example", plan: "gold" } },
        ]),
      ),
    };
    await Promise.all([get.flush(), post.flush()]);

    const valid = [...Object.values(sent), ...Object.values(sentByPost)];
    let enriched: Sdk[] = [];
    let bad: BadRowJson[] = [];
    const arrived = await waitFor(async () => {
      enriched = (await streamContents(kinesis, STREAMS.enriched)).map(
        (l) => sdk.transform(l) as unknown as Sdk,
      );
      bad = (await streamContents(kinesis, STREAMS.bad)).map((l) => JSON.parse(l));
      return enriched.length >= valid.length && bad.length >= Object.keys(invalid).length;
    }, 30_000);
    expect(arrived).toBe(true);

    // Each valid event exactly once, nothing else; each invalid one in bad-1 as a schema violation.
    const byId = new Map(enriched.map((e) => [e["event_id"] as string, e]));
    expect([...byId.keys()].sort()).toEqual([...valid].sort());
    expect(enriched).toHaveLength(valid.length);
    expect(bad.map((b) => b.schema)).toEqual(Object.values(invalid).map(() => SCHEMA_VIOLATIONS));
    const badById = new Map(bad.map((b) => [b.data.payload.enriched.event_id, b.data.failure]));
    expect([...badById.keys()].sort()).toEqual(Object.values(invalid).sort());
    expect(badById.get(invalid.unknownSchema)?.messages).toEqual([
      expect.objectContaining({
        schemaKey: "iglu:com.furrow.test/no_such_event/jsonschema/1-0-0",
        error: expect.objectContaining({ error: "ResolutionError" }),
      }),
    ]);
    expect(badById.get(invalid.missingProperty)?.messages).toEqual([
      expect.objectContaining({
        schemaKey: LINK_CLICK,
        error: expect.objectContaining({ error: "ValidationError" }),
      }),
    ]);
    expect(JSON.stringify(badById.get(invalid.missingProperty))).toContain("targetUrl");
    expect(badById.get(invalid.invalidContext)?.messages).toEqual([
      expect.objectContaining({
        schemaKey: CUSTOMER_SCHEMA,
        error: expect.objectContaining({ error: "ValidationError" }),
      }),
    ]);

    const at = (id: string) => byId.get(id)!;
    const tv = `node-${trackerVersion}`;
    for (const e of enriched) {
      expect(e).toMatchObject({
        app_id: "furrow-e2e",
        platform: "srv",
        v_tracker: tv,
        v_collector: "furrow-0.1.0-kinesis",
        v_etl: expect.stringMatching(/^furrow-enrich-/),
      });
      // event_fingerprint: SHA-256 of the parameters, in hex.
      expect(e["event_fingerprint"]).toMatch(/^[0-9a-f]{64}$/);
    }

    // GET events: the enrichments' work on the address, user agent, page and referrer.
    const dublin = {
      user_ipaddress: "192.0.2.10",
      geo_country: "IE",
      geo_region: "D",
      geo_city: "Dublin",
      geo_zipcode: "D02",
      geo_latitude: 53.3331,
      geo_longitude: -6.2489,
      geo_region_name: "Dublin City",
      geo_timezone: "Europe/Dublin",
      ip_isp: "Furrow Broadband",
      ip_organization: "Furrow Business",
      ip_domain: "furrow.example",
      ip_netspeed: "Cable/DSL",
      useragent: CHROME_MAC,
      user_id: sha256("customer-42"),
      contexts_com_snowplowanalytics_snowplow_asn_1: [{ number: 64496, organization: "Furrow Transit" }],
      contexts_com_snowplowanalytics_snowplow_ua_parser_context_1: [
        expect.objectContaining({ useragentFamily: "Chrome", useragentMajor: "126", osFamily: "Mac OS X" }),
      ],
    };
    for (const id of Object.values(sent)) expect(at(id)).toMatchObject(dublin);
    expect(at(sent.pageView)).toMatchObject({
      event: "page_view",
      event_name: "page_view",
      page_url: LANDING,
      page_title: "Linen shirt",
      page_urlhost: "shop.example.com",
      page_urlpath: "/products/linen-shirt",
      page_referrer: SEARCH,
      refr_urlhost: "www.google.com",
      refr_medium: "search",
      refr_source: "Google",
      refr_term: "linen shirt",
      mkt_medium: "email",
      mkt_source: "newsletter",
      mkt_campaign: "summer-sale",
      contexts_com_snowplowanalytics_snowplow_web_page_1: [{ id: PAGE_VIEW_ID }],
    });
    expect(at(sent.pagePing)).toMatchObject({
      event: "page_ping",
      pp_xoffset_max: 10,
      pp_yoffset_min: 120,
      pp_yoffset_max: 1380,
      refr_medium: "search",
      mkt_source: "newsletter",
    });
    expect(at(sent.struct)).toMatchObject({
      event: "struct",
      se_category: "basket",
      se_action: "add",
      se_label: "LS-01",
      se_property: "blue",
      se_value: "49.5",
    });
    expect(at(sent.linkClick)).toMatchObject({
      event: "unstruct",
      event_vendor: "com.snowplowanalytics.snowplow",
      event_name: "link_click",
      event_version: "1-0-1",
      unstruct_event_com_snowplowanalytics_snowplow_link_click_1: {
        targetUrl: "https://shop.example.com/cart",
        elementId: "cart",
      },
      contexts_com_snowplowanalytics_snowplow_web_page_1: [{ id: PAGE_VIEW_ID }],
      // The PII enrichment hashed the email inside the context, and left the rest.
      contexts_com_furrow_test_customer_1: [{ email: sha256("jo@mail.example"), plan: "plus" }],
    });
    expect(at(sent.screenView)).toMatchObject({
      event_name: "screen_view",
      unstruct_event_com_snowplowanalytics_snowplow_screen_view_1: { name: "Home", id: SCREEN_ID },
    });
    expect(at(sent.timing)).toMatchObject({
      event_name: "timing",
      unstruct_event_com_snowplowanalytics_snowplow_timing_1: {
        category: "checkout",
        variable: "payment",
        timing: 1234,
        label: "card",
      },
    });
    expect(at(sent.transaction)).toMatchObject({
      event: "transaction",
      tr_orderid: "order-1001",
      tr_affiliation: "web",
      tr_total: 104,
      tr_tax: 17.33,
      tr_shipping: 5,
      tr_city: "Leeds",
      tr_state: "West Yorkshire",
      tr_country: "GB",
      tr_currency: "GBP",
    });
    expect(at(sent.transactionItem)).toMatchObject({
      event: "transaction_item",
      ti_orderid: "order-1001",
      ti_sku: "LS-01",
      ti_name: "Linen shirt",
      ti_category: "shirts",
      ti_price: 49.5,
      ti_quantity: 2,
      ti_currency: "GBP",
    });
    expect(at(sent.addToCart)).toMatchObject({
      event_name: "add_to_cart",
      unstruct_event_com_snowplowanalytics_snowplow_add_to_cart_1: {
        sku: "LS-01",
        name: "Linen shirt",
        category: "shirts",
        unitPrice: 49.5,
        quantity: 1,
        currency: "GBP",
      },
    });

    // POST events: the address and user agent the tracker named, another MaxMind range.
    for (const id of Object.values(sentByPost)) {
      expect(at(id)).toMatchObject({
        user_ipaddress: "198.51.100.7",
        geo_country: "FR",
        ip_isp: "Only An ISP",
        ip_netspeed: "Cellular",
        useragent: IPHONE,
        contexts_com_snowplowanalytics_snowplow_asn_1: [{ number: 64511 }],
        contexts_com_snowplowanalytics_snowplow_ua_parser_context_1: [
          expect.objectContaining({
            useragentFamily: "Mobile Safari",
            osFamily: "iOS",
            deviceFamily: "iPhone",
          }),
        ],
      });
      // That range has a country and no city; the SDK leaves empty columns out.
      expect(at(id)).not.toHaveProperty("geo_city");
    }
    expect(at(sentByPost.pageView)).toMatchObject({ event: "page_view", page_title: "Cart" });
    expect(at(sentByPost.screenView)).toMatchObject({ event_name: "screen_view" });
    expect(at(sentByPost.timing)).toMatchObject({
      unstruct_event_com_snowplowanalytics_snowplow_timing_1: {
        category: "app",
        variable: "start",
        timing: 880,
      },
    });
    expect(at(sentByPost.struct)).toMatchObject({ event: "struct", se_category: "app", se_action: "open" });
    // button_click 1-0-1 is superseded by 1-0-2: validated with it, and the swap recorded.
    expect(at(sentByPost.superseded)).toMatchObject({
      event_name: "button_click",
      event_version: "1-0-2",
      unstruct_event_com_furrow_example_button_click_1: { id: "checkout" },
      contexts_com_furrow_test_customer_1: [{ email: sha256("jo@mail.example"), plan: "plus" }],
      contexts_com_snowplowanalytics_iglu_validation_info_1: [
        { originalSchema: BUTTON_CLICK_1_0_1, validatedWith: "1-0-2" },
      ],
    });
    // Different parameters make different fingerprints.
    expect(new Set(enriched.map((e) => e["event_fingerprint"])).size).toBe(enriched.length);
    // And the collector turned nothing away.
    expect(await streamContents(kinesis, STREAMS.collectorBad)).toEqual([]);
  }, 60_000);
});
