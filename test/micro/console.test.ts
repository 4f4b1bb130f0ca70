/**
 * @module
 * The Micro console in headless Chromium (Debian's `/usr/bin/chromium` through playwright-core),
 * on the real pipeline: the Node tracker sends a page view, a link click and an event whose schema
 * is not published yet; the console shows the flow counts, the good events (one opened to its
 * fields), the schema_violations group with its message, a schema lookup that fails and then, once
 * the schema is published, succeeds; and Replay, after which enrich accepts the event and the
 * console lists it among the good ones. A screenshot is saved to
 * `.furrow/test-artifacts/console.png` (git-ignored). Without Chromium the test fails under CI and
 * is skipped with a printed reason elsewhere.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { buildPageView, buildSelfDescribingEvent } from "@snowplow/node-tracker";
import type { Browser, Page } from "playwright-core";
import {
  CHROMIUM_MISSING,
  CHROMIUM_MISSING_MESSAGE,
  launchChromium,
  skipWithoutChromium,
  TEST_ARTIFACTS,
} from "../support/chromium.ts";
import { type MicroPipeline, schemaFor, startMicroPipeline } from "./micro-pipeline.ts";

const SKIP = skipWithoutChromium("console.test.ts");

const WEB_PAGE = "iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0";
const LINK_CLICK = "iglu:com.snowplowanalytics.snowplow/link_click/jsonschema/1-0-1";
const WISHLIST = "iglu:com.furrow.example/wishlist_add/jsonschema/1-0-0";
/** Long enough for the pipeline on a busy two-core machine; a step that never happens still fails. */
const STEP = { timeout: 30_000 };

let p: MicroPipeline | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  if (SKIP) return;
  if (CHROMIUM_MISSING) throw new Error(CHROMIUM_MISSING_MESSAGE);
  p = await startMicroPipeline("micro-console");
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await p?.stop();
}, 60_000);

function eid(payload: Record<string, unknown> | undefined): string {
  const id = payload?.["eid"];
  if (typeof id !== "string") throw new Error("the tracker did not track the event");
  return id;
}

const text = (page: Page, selector: string) => page.locator(selector).first().textContent();

describe("Micro console", () => {
  test.skipIf(SKIP)(
    "shows the flow, good events, bad groups and schemas, and replays a fixed event",
    async () => {
      const pipeline = p!;
      const get = pipeline.tracker("console-get", "get");
      const post = pipeline.tracker("console-post", "post");
      const pageView = eid(
        get.track(buildPageView({ pageUrl: "https://shop.example.com/linen", pageTitle: "Linen shirt" }), [
          { schema: WEB_PAGE, data: { id: "0f64d3b0-6b4a-4e5c-9a8b-7c6d5e4f3a21" } },
        ]),
      );
      post.track(
        buildSelfDescribingEvent({
          event: { schema: LINK_CLICK, data: { targetUrl: "https://shop.example.com/cart" } },
        }),
      );
      const wish = eid(
        post.track(buildSelfDescribingEvent({ event: { schema: WISHLIST, data: { sku: "LS-01" } } })),
      );
      await Promise.all([get.flush(), post.flush()]);

      const page = await browser!.newPage({ viewport: { width: 1360, height: 1000 } });
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(`${pipeline.url}/micro/ui`);

      // The flow counts and the lists fill in as the console polls.
      await page.waitForFunction(
        () =>
          document.getElementById("stat-good")?.textContent === "2" &&
          document.getElementById("stat-bad")?.textContent === "1",
        undefined,
        STEP,
      );
      expect(Number(await text(page, "#stat-raw"))).toBeGreaterThanOrEqual(2);
      expect(await text(page, "#stat-raw-events")).toBe("3 events");
      expect(await page.locator("tr.good-row").count()).toBe(2);

      // A good event opens to its decoded fields.
      await page.locator(`tr.good-row[data-event-id="${pageView}"]`).click();
      const detail = page.locator("tr.good-detail");
      await detail.waitFor(STEP);
      const fields = await detail.textContent();
      expect(fields).toContain("page_url");
      expect(fields).toContain("https://shop.example.com/linen");
      expect(fields).toContain("contexts_com_snowplowanalytics_snowplow_web_page_1");

      // The bad event, in its group with its message.
      const group = page.locator('.bad-group[data-type="schema_violations"]');
      await group.waitFor(STEP);
      expect(await group.locator(".head").textContent()).toContain("1 event");
      const message = await group.locator(".bad-message").first().textContent();
      expect(message).toContain(WISHLIST);
      expect(message).toContain("not found");
      await group.locator(".head").click();
      expect(await group.getAttribute("class")).toContain("collapsed");
      await group.locator(".head").click();
      expect(await group.getAttribute("class")).not.toContain("collapsed");

      // Schema lookup: absent, then published.
      await page.fill("#schema-input", WISHLIST);
      await page.click("#schema-lookup");
      await page.waitForFunction(
        () => document.getElementById("schema-result")?.textContent?.startsWith("Not found"),
        undefined,
        STEP,
      );
      pipeline.registry.publish(schemaFor(WISHLIST, { sku: { type: "string" } }));
      await page.click("#schema-lookup");
      await page.waitForFunction(
        () => document.getElementById("schema-result")?.textContent?.includes('"wishlist_add"'),
        undefined,
        STEP,
      );

      // Replay the fixed event: it comes back good.
      await group.locator(`.bad-event[data-event-id="${wish}"] input.replay-select`).check();
      await page.click("#replay-button");
      await page.waitForFunction(
        () => document.getElementById("replay-result")?.textContent?.startsWith("Replayed 1 event"),
        undefined,
        STEP,
      );
      await page.locator(`tr.good-row[data-event-id="${wish}"]`).waitFor(STEP);
      expect(await page.locator(`tr.good-row[data-event-id="${wish}"]`).textContent()).toContain(WISHLIST);
      await group.locator(".tag.replayed").waitFor(STEP);
      await page.waitForFunction(
        () => document.getElementById("stat-good")?.textContent === "3",
        undefined,
        STEP,
      );
      const api = (await (
        await fetch(`${pipeline.url}/micro/good`, {
          method: "POST",
          body: JSON.stringify({ schema: WISHLIST }),
        })
      ).json()) as {
        event: { event_id: string };
      }[];
      expect(api.map((g) => g.event.event_id)).toEqual([wish]);

      // Open the replayed event too, for the screenshot.
      await page.locator(`tr.good-row[data-event-id="${wish}"]`).click();
      await page.locator(`tr.good-detail`).nth(1).waitFor(STEP);
      await mkdir(TEST_ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(TEST_ARTIFACTS, "console.png"), fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    },
    120_000,
  );
});
