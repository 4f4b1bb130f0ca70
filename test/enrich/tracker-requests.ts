/**
 * @module
 * Realistic tracker requests as the collector records them, built with our Thrift encoder: what
 * the JavaScript tracker sends for a browsing session (GET pixels with base64 `cx`/`ue_px`, a tp2
 * POST batch with `co`/`ue_pr`), an ecommerce transaction, a redirect and an Iglu webhook call. The
 * CLI test, the benchmark and `fixtures/enrich/tracker-requests.b64` use them.
 */
import {
  base64url,
  collectorPayload,
  contexts,
  pixel,
  queryString,
  tp2Post,
  unstruct,
} from "../../src/core/enrich/test-records.test-support.ts";
import { encodeCollectorPayload } from "../../src/core/thrift/collector-payload.ts";

const WEB_PAGE = "iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0";
const PAGE_VIEW_ID = "e4b3c2d1-0f9e-4d8c-b7a6-5f4e3d2c1b0a";
const webPage = { schema: WEB_PAGE, data: { id: PAGE_VIEW_ID } };
const product = {
  schema: "iglu:com.furrow.example/product_context/jsonschema/1-0-0",
  data: {
    sku: "LS-01",
    name: "Linen shirt",
    category: "shirts",
    price: 49.5,
    currency: "GBP",
    quantity: 1,
    in_stock: true,
    tags: ["linen"],
    variant: "medium",
    added_at: "2024-06-10T06:13:20.000Z",
  },
};

/** Parameters every JS tracker event carries. */
const common = (eid: string, dtm: string) => ({
  stm: String(Number(dtm) + 40),
  eid,
  tv: "js-3.23.0",
  tna: "sp1",
  aid: "furrow-shop",
  p: "web",
  cookie: "1",
  cs: "UTF-8",
  lang: "en-GB",
  res: "2560x1440",
  cd: "24",
  tz: "Europe/London",
  dtm,
  vp: "1440x789",
  ds: "1425x4210",
  vid: "3",
  sid: "0d9a7f2e-3c1b-4e5d-9f8a-6b2c1d0e3f4a",
  duid: "7e2d4c1b-8a9f-4b3e-a6d5-0c1f2e3d4b5a",
  url: "https://shop.example.com/products/linen-shirt?colour=blue&utm_source=newsletter",
  refr: "https://www.search.example/search?q=linen+shirt",
});

const eid = (n: number) => `b3e9a1c2-5d4f-4e6a-8b7c-${String(n).padStart(12, "0")}`;

export interface TrackerRequest {
  readonly name: string;
  readonly record: Uint8Array;
  /** How many events the request carries. */
  readonly events: number;
}

/** The requests, in the order a session would send them. */
export function trackerRequests(): TrackerRequest[] {
  const headers = {
    headers: [
      "X-Forwarded-For: 198.51.100.23, 10.0.0.1",
      "Accept: */*",
      "Accept-Language: en-GB,en;q=0.9",
      "Cookie: sp=4f1c7a52-9d0e-4b8a-a5c3-2e6f8b1d9c07; _sp_id.1fff=7e2d4c1b",
    ],
  };
  return [
    {
      name: "page view (GET, cx)",
      record: pixel(
        {
          e: "pv",
          page: "Linen shirt – Furrow",
          ...common(eid(1), "1718000000001"),
          cx: base64url(contexts(webPage)),
        },
        headers,
      ),
      events: 1,
    },
    {
      name: "page ping (GET)",
      record: pixel(
        {
          e: "pp",
          pp_mix: "0",
          pp_max: "0",
          pp_miy: "120",
          pp_may: "1380",
          ...common(eid(2), "1718000010001"),
          cx: base64url(contexts(webPage)),
        },
        headers,
      ),
      events: 1,
    },
    {
      name: "structured event (GET)",
      record: pixel(
        {
          e: "se",
          se_ca: "basket",
          se_ac: "add",
          se_la: "LS-01",
          se_pr: "blue",
          se_va: "49.50",
          ...common(eid(3), "1718000020001"),
          cx: base64url(contexts(webPage, product)),
        },
        headers,
      ),
      events: 1,
    },
    {
      name: "self-describing link click (GET, ue_px)",
      record: pixel(
        {
          e: "ue",
          ue_px: base64url(
            unstruct({
              schema: "iglu:com.snowplowanalytics.snowplow/link_click/jsonschema/1-0-1",
              data: {
                targetUrl: "https://shop.example.com/cart",
                elementId: "go-to-cart",
                elementClasses: ["btn"],
              },
            }),
          ),
          ...common(eid(4), "1718000030001"),
          cx: base64url(contexts(webPage)),
        },
        headers,
      ),
      events: 1,
    },
    {
      name: "transaction (GET)",
      record: pixel(
        {
          e: "tr",
          tr_id: "order-1001",
          tr_af: "web",
          tr_tt: "104.00",
          tr_tx: "17.33",
          tr_sh: "5.00",
          tr_ci: "Leeds",
          tr_st: "West Yorkshire",
          tr_co: "GB",
          tr_cu: "GBP",
          ...common(eid(5), "1718000040001"),
        },
        headers,
      ),
      events: 1,
    },
    {
      name: "transaction item (GET)",
      record: pixel(
        {
          e: "ti",
          ti_id: "order-1001",
          ti_sk: "LS-01",
          ti_nm: "Linen shirt",
          ti_ca: "shirts",
          ti_pr: "49.50",
          ti_qu: "2",
          ti_cu: "GBP",
          ...common(eid(6), "1718000040002"),
        },
        headers,
      ),
      events: 1,
    },
    {
      name: "tp2 batch: page view, ping, self-describing add to cart (POST, co/ue_pr)",
      record: tp2Post(
        [
          {
            e: "pv",
            page: "Cart",
            ...common(eid(7), "1718000050001"),
            url: "https://shop.example.com/cart",
            co: contexts(webPage),
          },
          {
            e: "pp",
            pp_mix: "0",
            pp_max: "10",
            pp_miy: "0",
            pp_may: "300",
            ...common(eid(8), "1718000060001"),
            url: "https://shop.example.com/cart",
            co: contexts(webPage),
          },
          {
            e: "ue",
            ue_pr: unstruct({
              schema: "iglu:com.furrow.example/button_click/jsonschema/1-0-1",
              data: { id: "checkout" },
            }),
            ...common(eid(9), "1718000061001"),
            url: "https://shop.example.com/cart",
            co: contexts(webPage, product),
          },
        ],
        headers,
      ),
      events: 3,
    },
    {
      name: "redirect (r/tp2)",
      record: encodeCollectorPayload(
        collectorPayload({
          path: "/r/tp2",
          querystring: queryString({ u: "https://partner.example/offer?id=7", aid: "email", eid: eid(10) }),
          refererUri: undefined,
        }),
      ),
      events: 1,
    },
    {
      name: "Iglu webhook (GET)",
      record: encodeCollectorPayload(
        collectorPayload({
          path: "/com.snowplowanalytics.iglu/v1",
          querystring: queryString({
            schema: "iglu:com.furrow.example/page_context/jsonschema/1-0-0",
            id: PAGE_VIEW_ID,
            aid: "backend",
          }),
          refererUri: undefined,
          userAgent: "curl/8.5.0",
        }),
      ),
      events: 1,
    },
  ];
}

// `bun test/enrich/tracker-requests.ts` rewrites fixtures/enrich/tracker-requests.b64.
if (import.meta.main) {
  const { encodeBase64 } = await import("../../src/core/thrift/base64.ts");
  const path = new URL("../../fixtures/enrich/tracker-requests.b64", import.meta.url);
  await Bun.write(
    path,
    `${trackerRequests()
      .map((r) => encodeBase64(r.record))
      .join("\n")}\n`,
  );
}
