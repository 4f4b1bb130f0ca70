/**
 * @module
 * Snowplow's browser tracker (@snowplow/browser-tracker) in headless Chromium against the collector
 * on a real port. A page served from a second local origin (`127.0.0.1`, another port) creates a GET
 * and a POST tracker (page/tracker-page.ts, bundled with `Bun.build`); Playwright makes it track a
 * page view, a structured event and a self-describing event with a context through each. The
 * records the collector wrote decode to what a browser sends: `/i` query strings with base64
 * `ue_px`/`cx`, a tp2 POST batch with `ue_pr`/`co`, the browser's User-Agent, Origin and Referer,
 * and one network user id for every request, carried by the `sp` cookie the first answer set.
 *
 * Cookies: Snowplow's default cookie is `SameSite=None; Secure`, for a collector on its own domain
 * behind TLS. Browsers refuse `Secure` cookies from plain-HTTP origins, except the loopback ones:
 * Chromium treats `http://127.0.0.1` and `http://localhost` as potentially trustworthy (W3C Secure
 * Contexts §3.2) and stores and sends their Secure cookies (checked: Chromium 156 keeps
 * `sp=…; SameSite=None; Secure; HttpOnly` from `http://127.0.0.1:<port>`). So the main run keeps
 * Snowplow's default cookie unchanged. A collector on a non-loopback host over plain HTTP would lose
 * that cookie; there the setting is `cookie.secure: false` with `sameSite: "Lax"`, which the second
 * run checks: Lax works because the page and the collector are different origins of the same site
 * (a site is scheme and host, ports do not count), so the tracker's credentialed fetches are
 * same-site (`Sec-Fetch-Site: same-site`). A collector on another site over plain HTTP cannot keep a
 * cookie at all: Lax is not sent cross-site and None requires Secure.
 *
 * Chromium: Debian's `/usr/bin/chromium` as test/support/chromium.ts starts it. When it is missing
 * the test fails if `CI` is set and is skipped with a printed reason otherwise. A screenshot of
 * the page is saved to `.furrow/test-artifacts/browser-tracker.png` (git-ignored).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Browser, Cookie } from "playwright-core";
import type { CookieSettings } from "../../src/core/collector/set-cookie.ts";
import type { CollectorPayload } from "../../src/core/thrift/collector-payload.ts";
import {
  CHROMIUM_MISSING,
  CHROMIUM_MISSING_MESSAGE,
  launchChromium,
  skipWithoutChromium,
  TEST_ARTIFACTS,
} from "../support/chromium.ts";
import {
  type CollectorUnderTest,
  decodeRecord,
  eventually,
  startCollectorUnderTest,
} from "./collector-under-test.ts";
import { BASKET_CONTEXT, LINK_CLICK } from "./page/schemas.ts";
import type { SentRequest } from "./page/tracker-page.ts";

const TP2 = "/com.snowplowanalytics.snowplow/tp2";
const PAYLOAD_DATA = "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4";
const UNSTRUCT = "iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0";
const CONTEXTS = "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0";
const WEB_PAGE = "iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const PAGE_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Furrow browser test</title></head>
<body style="font-family: sans-serif">
<h1>Furrow browser-tracker test</h1>
<p>Requests the trackers sent to the collector:</p>
<ol id="sent"></ol>
<script type="module" src="/tracker.js"></script>
</body></html>`;

/** What the browser did against one collector, gathered once and checked by the tests below. */
interface BrowserRun {
  readonly collector: CollectorUnderTest;
  /** Decoded records, in the order the collector wrote them. */
  readonly payloads: CollectorPayload[];
  readonly sent: SentRequest[];
  readonly userAgent: string;
  /** `http://127.0.0.1:<page port>`. */
  readonly pageOrigin: string;
  readonly pageUrl: string;
  /** Cookies Chromium holds for the collector's URL. */
  readonly cookies: Cookie[];
}

const collectors: CollectorUnderTest[] = [];
let pageServer: ReturnType<typeof Bun.serve> | undefined;
let browser: Browser | undefined;
/** Snowplow's default cookie: every kind of event through both emitters. */
let defaultCookieRun: BrowserRun | undefined;
/** `secure: false`, `SameSite=Lax`: two page-view GETs, for the cookie. */
let laxCookieRun: BrowserRun | undefined;

/** Bundles the page script for the browser. */
async function pageScript(): Promise<string> {
  const built = await Bun.build({
    entrypoints: [join(import.meta.dir, "page/tracker-page.ts")],
    target: "browser",
    minify: true,
  });
  if (!built.success) throw new AggregateError(built.logs, "bundling the tracker page failed");
  return built.outputs[0]!.text();
}

type Step = readonly ["get" | "post", "pv" | "se" | "ue"];

/**
 * Opens the page (in a new browser context: no cookies) against a new collector with `cookie`
 * settings, tracks `first` alone, so that its answer sets the cookie before anything else is sent,
 * then `rest`, and waits until the collector stored `records` records and the page saw `requests`
 * answers.
 */
async function drive(
  cookie: Partial<CookieSettings>,
  first: Step,
  rest: readonly Step[],
  expected: { readonly records: number; readonly requests: number },
  screenshot?: string,
): Promise<BrowserRun> {
  const collector = await startCollectorUnderTest((config) => ({
    ...config,
    cookie: { ...config.cookie, ...cookie },
  }));
  collectors.push(collector);
  const pageOrigin = `http://127.0.0.1:${pageServer!.port}`;
  const pageUrl = `${pageOrigin}/?collector=${encodeURIComponent(collector.url)}`;
  const context = await browser!.newContext();
  try {
    const page = await context.newPage();
    await page.goto(pageUrl);
    await page.waitForFunction(() => window.furrow !== undefined);
    const track = ([method, kind]: Step) =>
      page.evaluate(([m, k]) => window.furrow!.track(m, k), [method, kind] as const);

    const t0 = performance.now();
    await track(first);
    await eventually(() => collector.good.records.length === 1, 10_000);
    await page.waitForFunction(() => window.furrow!.sent.length === 1);
    // Each emitter sends one request at a time, in order.
    for (const step of rest) await track(step);
    await eventually(() => collector.good.records.length === expected.records, 10_000);
    await page.waitForFunction((n) => window.furrow!.sent.length === n, expected.requests);

    console.log("drive", performance.now() - t0);
    if (screenshot !== undefined) {
      await mkdir(TEST_ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(TEST_ARTIFACTS, screenshot) });
    }
    return {
      collector,
      payloads: collector.good.records.map(decodeRecord),
      sent: await page.evaluate(() => window.furrow!.sent),
      userAgent: await page.evaluate(() => navigator.userAgent),
      pageOrigin,
      pageUrl,
      cookies: await context.cookies(collector.url),
    };
  } finally {
    await context.close();
  }
}

beforeAll(
  async () => {
    if (CHROMIUM_MISSING) return;
    const script = await pageScript();
    pageServer = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      routes: {
        "/": new Response(PAGE_HTML, { headers: { "Content-Type": "text/html; charset=utf-8" } }),
        "/tracker.js": new Response(script, {
          headers: { "Content-Type": "text/javascript; charset=utf-8" },
        }),
      },
      fetch: () => new Response("Not found", { status: 404 }),
    });
    browser = await launchChromium();
    // Three GETs, then three POST events that fill the POST buffer: one tp2 request (after a CORS preflight).
    defaultCookieRun = await drive(
      {},
      ["get", "pv"],
      [
        ["get", "se"],
        ["get", "ue"],
        ["post", "pv"],
        ["post", "se"],
        ["post", "ue"],
      ],
      { records: 4, requests: 4 },
      "browser-tracker.png",
    );
    laxCookieRun = await drive({ secure: false, sameSite: "Lax" }, ["get", "pv"], [["get", "pv"]], {
      records: 2,
      requests: 2,
    });
  },
  { timeout: 60_000 },
);

afterAll(async () => {
  await browser?.close();
  await pageServer?.stop(true);
  for (const c of collectors) await c.stop();
});

/** A run, or a clear failure when Chromium is missing under CI. */
function completed(run: BrowserRun | undefined): BrowserRun {
  if (CHROMIUM_MISSING) throw new Error(CHROMIUM_MISSING_MESSAGE);
  if (run === undefined) throw new Error("the browser run did not complete (see the beforeAll error)");
  return run;
}

/** The value of header `name` in a payload's recorded list. */
const header = (p: CollectorPayload, name: string): string | undefined =>
  p.headers?.find((h) => h.startsWith(`${name}: `))?.slice(name.length + 2);

/** Base64url (what trackers use for ue_px and cx) to JSON. */
const fromBase64Url = (text: string): unknown =>
  JSON.parse(Buffer.from(text.replaceAll("-", "+").replaceAll("_", "/"), "base64").toString("utf8"));

const skipped = skipWithoutChromium("browser-tracker.test.ts");

describe.skipIf(skipped)("browser tracker in headless Chromium", () => {
  test("every request was answered 200 and recorded: three GETs, one POST batch", () => {
    const { payloads, sent } = completed(defaultCookieRun);
    expect(sent.map((s) => [s.tracker, s.ok, s.status, s.events])).toEqual([
      ["get", true, 200, 1],
      ["get", true, 200, 1],
      ["get", true, 200, 1],
      ["post", true, 200, 3],
    ]);
    expect(payloads.map((p) => p.path)).toEqual(["/i", "/i", "/i", TP2]);
    expect(completed(defaultCookieRun).collector.bad.records.length).toBe(0);
  });

  test("GET: one event per /i query string, base64 ue_px and cx", () => {
    const { payloads, pageUrl } = completed(defaultCookieRun);
    const [pv, se, ue] = payloads.slice(0, 3).map((p) => new URLSearchParams(p.querystring));
    for (const q of [pv!, se!, ue!]) {
      expect(q.get("aid")).toBe("furrow-browser-test");
      expect(q.get("p")).toBe("web");
      expect(q.get("tv")).toMatch(/^js-\d+\.\d+\.\d+/);
      expect(q.get("eid")).toMatch(UUID);
      expect(q.get("url")).toBe(pageUrl);
      expect(q.get("stm")).toMatch(/^\d{13}$/);
      // The web_page context (on by default) rides along every event.
      const cx = fromBase64Url(q.get("cx")!) as { schema: string; data: { schema: string }[] };
      expect(cx.schema).toBe(CONTEXTS);
      expect(cx.data.map((d) => d.schema)).toContain(WEB_PAGE);
    }
    expect(pv!.get("e")).toBe("pv");
    expect(pv!.get("page")).toBe("Furrow browser test");
    expect([se!.get("e"), se!.get("se_ca"), se!.get("se_ac"), se!.get("se_la"), se!.get("se_pr")]).toEqual([
      "se",
      "shop",
      "add-to-basket",
      "sku-42",
      "size",
    ]);
    expect(se!.get("se_va")).toBe("2");
    expect(ue!.get("e")).toBe("ue");
    expect(fromBase64Url(ue!.get("ue_px")!)).toEqual({
      schema: UNSTRUCT,
      data: { schema: LINK_CLICK, data: { targetUrl: "https://out.example/" } },
    });
    const cx = fromBase64Url(ue!.get("cx")!) as { data: { schema: string; data: unknown }[] };
    expect(cx.data.find((d) => d.schema === BASKET_CONTEXT)?.data).toEqual({ items: 2, currency: "EUR" });
    for (const p of payloads.slice(0, 3)) {
      expect(p.body).toBeUndefined();
      expect(p.contentType).toBeUndefined();
    }
  });

  test("POST: one tp2 payload_data batch of the three events, plain JSON ue_pr and co", () => {
    const { payloads } = completed(defaultCookieRun);
    const post = payloads[3]!;
    expect(post.querystring).toBe("");
    expect(post.contentType).toBe("application/json; charset=utf-8");
    expect(post.headers?.at(-1)).toBe("application/json; charset=utf-8");
    const body = JSON.parse(post.body!) as { schema: string; data: Record<string, string>[] };
    expect(body.schema).toBe(PAYLOAD_DATA);
    expect(body.data.map((e) => e.e)).toEqual(["pv", "se", "ue"]);
    for (const e of body.data) {
      expect(Object.values(e).every((v) => typeof v === "string")).toBe(true);
      expect(e.stm).toMatch(/^\d{13}$/);
      expect(e.cx).toBeUndefined();
    }
    const ue = body.data[2]!;
    expect(JSON.parse(ue.ue_pr!)).toEqual({
      schema: UNSTRUCT,
      data: { schema: LINK_CLICK, data: { targetUrl: "https://out.example/" } },
    });
    const co = JSON.parse(ue.co!) as { schema: string; data: { schema: string; data: unknown }[] };
    expect(co.schema).toBe(CONTEXTS);
    expect(co.data.find((d) => d.schema === BASKET_CONTEXT)?.data).toEqual({ items: 2, currency: "EUR" });
  });

  test("the browser's own headers are recorded: User-Agent, Origin, Referer, Host", () => {
    const { payloads, userAgent, pageOrigin } = completed(defaultCookieRun);
    expect(userAgent).toContain("Chrome/");
    for (const p of payloads) {
      expect(p.userAgent).toBe(userAgent);
      expect(header(p, "User-Agent")).toBe(userAgent);
      // Cross-origin fetches carry Origin; the default referrer policy (strict-origin-when-cross-origin)
      // cuts the Referer to the page's origin.
      expect(header(p, "Origin")).toBe(pageOrigin);
      expect(p.refererUri).toBe(`${pageOrigin}/`);
      expect(header(p, "Referer")).toBe(`${pageOrigin}/`);
      expect(p.hostname).toBe("127.0.0.1");
      expect(p.ipAddress).toBe("127.0.0.1");
      expect(p.collector).toBe("furrow-0.1.0-memory");
    }
  });

  test("one network user id: the first answer sets the sp cookie, every later request carries it", () => {
    const { payloads, cookies } = completed(defaultCookieRun);
    const nuid = sameNetworkUserId(payloads);
    const sp = cookies.find((c) => c.name === "sp");
    // Snowplow's default cookie, kept by Chromium from a loopback origin over plain HTTP.
    expect(sp).toMatchObject({ value: nuid, httpOnly: true, secure: true, sameSite: "None", path: "/" });
  });

  test("a non-Secure SameSite=Lax cookie works the same between origins of one site", () => {
    const { payloads, cookies } = completed(laxCookieRun);
    expect(payloads.length).toBe(2);
    const nuid = sameNetworkUserId(payloads);
    const sp = cookies.find((c) => c.name === "sp");
    expect(sp).toMatchObject({ value: nuid, httpOnly: true, secure: false, sameSite: "Lax", path: "/" });
    expect(header(payloads[1]!, "Sec-Fetch-Site")).toBe("same-site");
  });
});

/**
 * Checks that the first payload came without an `sp` cookie and got a new id, and that every later
 * one carried that id in its cookie; returns the id.
 */
function sameNetworkUserId(payloads: readonly CollectorPayload[]): string {
  const [first, ...later] = payloads;
  const nuid = first!.networkUserId!;
  expect(nuid).toMatch(UUID);
  // The tracker's own first-party cookies (_sp_id, _sp_ses) may already be there, but no sp.
  expect(header(first!, "Cookie") ?? "").not.toMatch(/(^|;)sp=/);
  for (const p of later) {
    expect(p.networkUserId).toBe(nuid);
    expect(header(p, "Cookie")).toMatch(new RegExp(`(^|;)sp=${nuid}(;|$)`));
  }
  return nuid;
}
