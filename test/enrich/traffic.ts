/**
 * @module
 * Synthetic but realistic raw-stream traffic for the kill-restart test and `bench/enrich.ts`: the
 * records a collector writes for many visitors of a shop, built with our Thrift encoder. The mix
 * is page views, page pings and self-describing events with two contexts as GET pixels (base64
 * `cx`/`ue_px`), and tp2 POST batches of ten events (`co`/`ue_pr`). Visitors vary as production
 * traffic does, so the enrichments' caches work as they would there: 500 distinct user agents, a
 * few thousand addresses (some in the tiny MaxMind databases, most not), search, social, email,
 * internal and no referrers, campaign parameters on some landing pages, a signed-in user on some.
 *
 * Every event has its own `eid`, so an enriched event or a bad row can be traced to what was sent.
 * The same seed gives the same records.
 */
import {
  base64url,
  collectorPayload,
  contexts,
  queryString,
  unstruct,
} from "../../src/core/enrich/test-records.test-support.ts";
import { encodeCollectorPayload } from "../../src/core/thrift/collector-payload.ts";
import { CUSTOMER_SCHEMA } from "./six-enrichments.ts";

/** One raw record and the event ids it carries. */
export interface TrafficRecord {
  readonly kind: "page_view" | "page_ping" | "self_describing" | "tp2_batch";
  readonly record: Uint8Array;
  readonly eventIds: readonly string[];
}

/** A small deterministic generator (mulberry32), so runs are comparable. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rnd: () => number, items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;

/** A UUID v4 from the generator. */
function uuid(rnd: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(rnd() * 16).toString(16));
  hex[12] = "4";
  hex[16] = "89ab"[Math.floor(rnd() * 4)]!;
  const h = hex.join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** `count` distinct user agents of the browsers, systems and bots a shop sees. */
export function userAgents(count = 500): string[] {
  const rnd = random(7);
  const out = new Set<string>();
  const desktop = [
    "Windows NT 10.0; Win64; x64",
    "Macintosh; Intel Mac OS X 10_15_7",
    "X11; Linux x86_64",
    "X11; Ubuntu; Linux x86_64",
  ];
  const android = ["Linux; Android 10; K", "Linux; Android 13; SM-S911B", "Linux; Android 14; Pixel 8"];
  const ios = ["17_5_1", "16_7_8", "18_0", "17_4"];
  const makers: (() => string)[] = [
    () => {
      const v = 100 + Math.floor(rnd() * 30);
      return `Mozilla/5.0 (${pick(rnd, desktop)}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.${Math.floor(rnd() * 7000)}.${Math.floor(rnd() * 200)} Safari/537.36`;
    },
    () => {
      const v = 100 + Math.floor(rnd() * 30);
      return `Mozilla/5.0 (${pick(rnd, android)}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.${Math.floor(rnd() * 7000)}.${Math.floor(rnd() * 200)} Mobile Safari/537.36`;
    },
    () => {
      const v = pick(rnd, ios);
      const device = rnd() < 0.8 ? "iPhone; CPU iPhone OS" : "iPad; CPU OS";
      return `Mozilla/5.0 (${device} ${v} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${v.split("_")[0]}.${Math.floor(rnd() * 6)} Mobile/15E148 Safari/604.1`;
    },
    () => {
      const v = 110 + Math.floor(rnd() * 20);
      return `Mozilla/5.0 (${pick(rnd, desktop)}; rv:${v}.0) Gecko/20100101 Firefox/${v}.0`;
    },
    () => {
      const v = 15 + Math.floor(rnd() * 3);
      return `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/${v}.${Math.floor(rnd() * 6)} Safari/605.1.15`;
    },
    () => {
      const v = 110 + Math.floor(rnd() * 20);
      return `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Safari/537.36 Edg/${v}.0.${Math.floor(rnd() * 3000)}.${Math.floor(rnd() * 100)}`;
    },
    () =>
      `Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-A536B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/${20 + Math.floor(rnd() * 6)}.0 Chrome/${110 + Math.floor(rnd() * 15)}.0.0.0 Mobile Safari/537.36`,
    () =>
      pick(rnd, [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        `facebookexternalhit/1.${Math.floor(rnd() * 3)} (+http://www.facebook.com/externalhit_uatext.php)`,
        `curl/8.${Math.floor(rnd() * 10)}.${Math.floor(rnd() * 3)}`,
      ]),
  ];
  // Chrome and Safari dominate, as on most sites.
  const weights = [0.34, 0.2, 0.18, 0.08, 0.07, 0.06, 0.04, 0.03];
  while (out.size < count) {
    let r = rnd();
    let i = 0;
    while (i < weights.length - 1 && r >= weights[i]!) r -= weights[i++]!;
    out.add(makers[i]!());
  }
  return [...out];
}

/** `count` distinct client addresses: a fifth in the tiny databases' ranges, the rest unknown to them. */
export function ipAddresses(count = 5000): string[] {
  const rnd = random(11);
  const out = new Set<string>();
  while (out.size < count) {
    const r = rnd();
    const octet = () => Math.floor(rnd() * 256);
    if (r < 0.08) out.add(`192.0.2.${octet()}`);
    else if (r < 0.14) out.add(`198.51.100.${octet()}`);
    else if (r < 0.17) out.add(`203.0.113.${octet()}`);
    else if (r < 0.2) out.add(`2001:db8::${Math.floor(rnd() * 65536).toString(16)}`);
    else out.add(`${1 + Math.floor(rnd() * 222)}.${octet()}.${octet()}.${octet()}`);
  }
  return [...out];
}

const REFERRERS: readonly (string | null)[] = [
  null,
  null,
  "https://www.google.com/search?q=linen+shirt",
  "https://www.google.fr/search?q=chemise+lin&hl=fr",
  "https://images.google.com/?q=shirt",
  "https://www.facebook.com/",
  "https://mail.google.com/mail/u/0/",
  "https://shop.example.com/",
  "https://checkout.example.com/basket",
  "https://blog.partner.example/best-shirts-2024",
];
const PATHS = [
  "/",
  "/products/linen-shirt",
  "/products/wool-scarf",
  "/collections/summer",
  "/cart",
  "/search",
];
const CAMPAIGNS = ["", "", "", "?utm_source=newsletter&utm_medium=email&utm_campaign=summer-sale"];
const PRODUCTS = [
  { sku: "LS-01", name: "Linen shirt", category: "shirts", price: 49.5 },
  { sku: "WS-02", name: "Wool scarf", category: "accessories", price: 25 },
  { sku: "CT-03", name: "Cotton tee", category: "shirts", price: 19.99 },
];

const WEB_PAGE = "iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0";
const PRODUCT = "iglu:com.furrow.example/product_context/jsonschema/1-0-0";

/** One visitor: what stays the same across their requests. */
interface Visitor {
  readonly ip: string;
  readonly ua: string;
  readonly nuid: string;
  readonly duid: string;
  readonly sid: string;
  readonly userId: string | null;
  readonly referrer: string | null;
  readonly landing: string;
}

/**
 * `count` raw records of `visitors` visitors (each from one address with one user agent), in the
 * mix described above. The eids are UUIDs unique across the whole run.
 */
export function trafficRecords(
  count: number,
  options: { readonly seed?: number; readonly visitors?: number } = {},
): TrafficRecord[] {
  const rnd = random(options.seed ?? 1);
  const uas = userAgents(500);
  const ips = ipAddresses(5000);
  const visitors: Visitor[] = Array.from({ length: options.visitors ?? 3000 }, (_, i) => ({
    ip: ips[i % ips.length]!,
    ua: pick(rnd, uas),
    nuid: uuid(rnd),
    duid: uuid(rnd),
    sid: uuid(rnd),
    userId: rnd() < 0.25 ? `customer-${Math.floor(rnd() * 100_000)}` : null,
    referrer: pick(rnd, REFERRERS),
    landing: `https://shop.example.com${pick(rnd, PATHS)}${pick(rnd, CAMPAIGNS)}`,
  }));
  const base = Date.UTC(2024, 5, 10, 6, 0, 0);

  /** The parameters of one event of `v` at `t`. */
  const common = (v: Visitor, t: number, pageViewId: string): Record<string, string> => {
    const params: Record<string, string> = {
      eid: uuid(rnd),
      tv: "js-3.23.0",
      tna: "sp1",
      aid: "furrow-shop",
      p: "web",
      cookie: "1",
      cs: "UTF-8",
      lang: pick(rnd, ["en-GB", "en-US", "fr-FR", "de-DE"]),
      res: pick(rnd, ["2560x1440", "1920x1080", "390x844", "1440x900"]),
      cd: "24",
      tz: pick(rnd, ["Europe/London", "Europe/Paris", "America/New_York"]),
      dtm: String(t),
      stm: String(t + 40),
      vp: "1440x789",
      ds: "1425x4210",
      vid: String(1 + Math.floor(rnd() * 5)),
      sid: v.sid,
      duid: v.duid,
      url: v.landing,
      page: "Furrow shop",
    };
    if (v.referrer !== null) params["refr"] = v.referrer;
    if (v.userId !== null) params["uid"] = v.userId;
    params["_pvid"] = pageViewId;
    return params;
  };
  const webPage = (id: string) => ({ schema: WEB_PAGE, data: { id } });
  const secondContext = (v: Visitor) => {
    if (v.userId !== null && rnd() < 0.5) {
      return { schema: CUSTOMER_SCHEMA, data: { email: `${v.userId}@mail.example`, plan: "plus" } };
    }
    const p = pick(rnd, PRODUCTS);
    return {
      schema: PRODUCT,
      data: { sku: p.sku, name: p.name, category: p.category, price: p.price, currency: "GBP", quantity: 1 },
    };
  };
  const selfDescribing = (): { schema: string; data: unknown } =>
    pick(rnd, [
      {
        schema: "iglu:com.snowplowanalytics.snowplow/link_click/jsonschema/1-0-1",
        data: {
          targetUrl: "https://shop.example.com/cart",
          elementId: "go-to-cart",
          elementClasses: ["btn"],
        },
      },
      { schema: "iglu:com.furrow.example/button_click/jsonschema/1-0-2", data: { id: "checkout" } },
      { schema: "iglu:com.furrow.example/button_click/jsonschema/1-0-1", data: { id: "add-to-basket" } },
    ]);
  /** One event's parameters; `post` puts JSON in `co`/`ue_pr`, else base64url in `cx`/`ue_px`. */
  const event = (v: Visitor, t: number, post: boolean): Record<string, string> => {
    const pageViewId = uuid(rnd);
    const params = common(v, t, pageViewId);
    const r = rnd();
    let entities: { schema: string; data: unknown }[] = [webPage(pageViewId)];
    if (r < 0.4) params["e"] = "pv";
    else if (r < 0.75) {
      params["e"] = "pp";
      params["pp_mix"] = "0";
      params["pp_max"] = String(Math.floor(rnd() * 100));
      params["pp_miy"] = "0";
      params["pp_may"] = String(Math.floor(rnd() * 3000));
    } else {
      params["e"] = "ue";
      const ue = unstruct(selfDescribing());
      if (post) params["ue_pr"] = ue;
      else params["ue_px"] = base64url(ue);
      entities = [webPage(pageViewId), secondContext(v)];
    }
    const co = contexts(...entities);
    if (post) params["co"] = co;
    else params["cx"] = base64url(co);
    delete params["_pvid"];
    return params;
  };

  const out: TrafficRecord[] = [];
  for (let i = 0; i < count; i++) {
    const v = pick(rnd, visitors);
    const t = base + i * 37;
    const headers = [
      "Host: collector.example.com",
      `User-Agent: ${v.ua}`,
      `X-Forwarded-For: ${v.ip}`,
      "Accept-Language: en-GB,en;q=0.9",
      `Cookie: sp=${v.nuid}`,
    ];
    const payload = {
      ipAddress: v.ip,
      timestamp: t + 500,
      userAgent: v.ua,
      refererUri: v.landing,
      networkUserId: v.nuid,
      headers,
    };
    const r = rnd();
    if (r < 0.15) {
      const events = Array.from({ length: 10 }, (_, j) => event(v, t + j, true));
      const body = JSON.stringify({
        schema: "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4",
        data: events,
      });
      out.push({
        kind: "tp2_batch",
        record: encodeCollectorPayload(
          collectorPayload({
            ...payload,
            path: "/com.snowplowanalytics.snowplow/tp2",
            body,
            contentType: "application/json; charset=utf-8",
            headers: [...headers, "application/json; charset=utf-8"],
          }),
        ),
        eventIds: events.map((e) => e["eid"]!),
      });
      continue;
    }
    const params = event(v, t, false);
    const kind = params["e"] === "pv" ? "page_view" : params["e"] === "pp" ? "page_ping" : "self_describing";
    out.push({
      kind,
      record: encodeCollectorPayload(
        collectorPayload({ ...payload, path: "/i", querystring: queryString(params) }),
      ),
      eventIds: [params["eid"]!],
    });
  }
  return out;
}
