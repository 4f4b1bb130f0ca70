/**
 * @module
 * Micro's API on the real pipeline: Snowplow's Node tracker sends good and invalid events to the
 * collector (with the `micro` option), enrich reads them from the raw stream and writes the
 * enriched and bad-1 streams, and the Micro feed reads all three. `/micro/good`, `/micro/bad`,
 * their filters, `/micro/all`, `/micro/events`, `/micro/iglu` and `/micro/reset` are then asked
 * over HTTP, as a user's test suite would ask Snowplow Micro.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { buildPageView, buildSelfDescribingEvent, buildStructEvent } from "@snowplow/node-tracker";
import { pollUntil } from "../../src/adapters/poll-until.ts";
import { type MicroPipeline, startMicroPipeline } from "./micro-pipeline.ts";

const WEB_PAGE = "iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0";
const LINK_CLICK = "iglu:com.snowplowanalytics.snowplow/link_click/jsonschema/1-0-1";
const MISSING = "iglu:com.furrow.example/wishlist_add/jsonschema/1-0-0";
const PAGE_VIEW_ID = "0f64d3b0-6b4a-4e5c-9a8b-7c6d5e4f3a21";

interface GoodEvent {
  rawEvent: { api: { vendor: string; version: string }; parameters: Record<string, string | null> } | null;
  eventType: string | null;
  schema: string | null;
  contexts: string[];
  event: Record<string, unknown>;
  incomplete: boolean;
}
interface BadEvent {
  collectorPayload: { api: { vendor: string; version: string }; body: string | null } | null;
  rawEvent: { parameters: Record<string, string | null> } | null;
  errors: string[];
}

let p: MicroPipeline;

beforeAll(async () => {
  p = await startMicroPipeline("micro-api");
}, 60_000);

afterAll(async () => {
  await p?.stop();
}, 60_000);

async function micro<T>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(
    `${p.url}${path}`,
    body === undefined ? {} : { method: "POST", body: JSON.stringify(body) },
  );
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

function eid(payload: Record<string, unknown> | undefined): string {
  const id = payload?.["eid"];
  if (typeof id !== "string") throw new Error("the tracker did not track the event");
  return id;
}

describe("Micro API over the pipeline's streams", () => {
  test("good and bad events, filters, all, events, iglu and reset", async () => {
    const get = p.tracker("micro-get", "get");
    const post = p.tracker("micro-post", "post");
    const sent = {
      pageView: eid(
        get.track(buildPageView({ pageUrl: "https://shop.example.com/", pageTitle: "Shop" }), [
          { schema: WEB_PAGE, data: { id: PAGE_VIEW_ID } },
        ]),
      ),
      struct: eid(get.track(buildStructEvent({ category: "basket", action: "add", label: "LS-01" }))),
      linkClick: eid(
        post.track(
          buildSelfDescribingEvent({
            event: { schema: LINK_CLICK, data: { targetUrl: "https://shop.example.com/cart" } },
          }),
        ),
      ),
      missing: eid(
        post.track(buildSelfDescribingEvent({ event: { schema: MISSING, data: { sku: "LS-01" } } })),
      ),
      invalid: eid(
        post.track(buildSelfDescribingEvent({ event: { schema: LINK_CLICK, data: { targetUrl: "" } } })),
      ),
    };
    await Promise.all([get.flush(), post.flush()]);

    // Done when every event is in and each one has been joined to its raw request.
    await pollUntil(
      async () => {
        const all = await micro<{ total: number }>("/micro/all");
        if (all.total < 5) return false;
        const good = await micro<GoodEvent[]>("/micro/good");
        const bad = await micro<BadEvent[]>("/micro/bad");
        return good.every((g) => g.rawEvent !== null) && bad.every((b) => b.collectorPayload !== null);
      },
      { what: "five events in Micro, joined to their requests", timeoutMs: 45_000 },
    );
    expect(await micro("/micro/all")).toEqual({ total: 5, good: 3, bad: 2 });
    expect(await micro("/micro/all", {})).toEqual({ total: 5, good: 3, bad: 2 });

    const good = await micro<GoodEvent[]>("/micro/good");
    const byId = new Map(good.map((g) => [g.event["event_id"], g]));
    expect([...byId.keys()].sort()).toEqual([sent.pageView, sent.struct, sent.linkClick].sort());
    const pv = byId.get(sent.pageView)!;
    expect(pv).toMatchObject({
      eventType: "page_view",
      schema: "iglu:com.snowplowanalytics.snowplow/page_view/jsonschema/1-0-0",
      contexts: [WEB_PAGE],
      incomplete: false,
    });
    expect(pv.event["app_id"]).toBe("furrow-micro");
    expect(pv.event["page_url"]).toBe("https://shop.example.com/");
    // The GET tracker sends to /i, the legacy pixel path, which Enrich reads as tp1.
    expect(pv.rawEvent?.api).toEqual({ vendor: "com.snowplowanalytics.snowplow", version: "tp1" });
    expect(pv.rawEvent?.parameters["eid"]).toBe(sent.pageView);
    const click = byId.get(sent.linkClick)!;
    expect(click).toMatchObject({ eventType: "unstruct", schema: LINK_CLICK, contexts: [] });
    expect(click.rawEvent?.parameters["eid"]).toBe(sent.linkClick);
    expect(byId.get(sent.struct)?.event["se_action"]).toBe("add");

    const ids = (list: GoodEvent[]) => list.map((g) => g.event["event_id"]).sort();
    expect(ids(await micro<GoodEvent[]>("/micro/good", { event_type: "struct" }))).toEqual([sent.struct]);
    expect(ids(await micro<GoodEvent[]>("/micro/good", { schema: LINK_CLICK }))).toEqual([sent.linkClick]);
    expect(ids(await micro<GoodEvent[]>("/micro/good", { contexts: [WEB_PAGE] }))).toEqual([sent.pageView]);
    expect(await micro<GoodEvent[]>("/micro/good", { limit: 2 })).toHaveLength(2);
    expect(await micro<GoodEvent[]>("/micro/good", { event_type: "page_view", schema: LINK_CLICK })).toEqual(
      [],
    );

    const bad = await micro<BadEvent[]>("/micro/bad");
    const badById = new Map(bad.map((b) => [b.rawEvent?.parameters["eid"], b]));
    expect([...badById.keys()].sort()).toEqual([sent.missing, sent.invalid].sort());
    const missing = badById.get(sent.missing)!;
    expect(missing.collectorPayload?.api).toEqual({
      vendor: "com.snowplowanalytics.snowplow",
      version: "tp2",
    });
    expect(missing.collectorPayload?.body).toContain(sent.missing);
    expect(missing.errors.some((e) => e.includes(MISSING) && e.includes("not found"))).toBe(true);
    expect(
      badById.get(sent.invalid)!.errors.some((e) => e.includes(LINK_CLICK) && e.includes("targetUrl")),
    ).toBe(true);
    expect(
      await micro<BadEvent[]>("/micro/bad", { vendor: "com.snowplowanalytics.snowplow", version: "tp2" }),
    ).toHaveLength(2);
    expect(await micro<BadEvent[]>("/micro/bad", { version: "tp1" })).toEqual([]);
    expect(await micro<BadEvent[]>("/micro/bad", { limit: 1 })).toHaveLength(1);

    const events = await micro<Record<string, unknown>[]>("/micro/events");
    expect(events).toHaveLength(3);
    const flatClick = events.find((e) => e["event_id"] === sent.linkClick)!;
    expect(flatClick["unstruct_event_com_snowplowanalytics_snowplow_link_click_1"]).toEqual({
      targetUrl: "https://shop.example.com/cart",
    });

    const schema = await micro<{ self: { name: string } }>(
      "/micro/iglu/com.snowplowanalytics.snowplow/link_click/jsonschema/1-0-1",
    );
    expect(schema.self.name).toBe("link_click");
    const absent = await fetch(`${p.url}/micro/iglu/com.furrow.example/wishlist_add/jsonschema/1-0-0`);
    expect(absent.status).toBe(404);

    expect(await micro("/micro/reset")).toEqual({ total: 0, good: 0, bad: 0 });
    expect(await micro("/micro/good")).toEqual([]);
    expect(await micro("/micro/bad")).toEqual([]);

    // After a reset, only what comes next.
    const after = eid(get.track(buildStructEvent({ category: "after", action: "reset" })));
    await get.flush();
    await pollUntil(async () => (await micro<{ good: number }>("/micro/all")).good === 1, {
      what: "the event sent after the reset",
      timeoutMs: 30_000,
    });
    expect((await micro<GoodEvent[]>("/micro/good")).map((g) => g.event["event_id"])).toEqual([after]);
    expect(await micro("/micro/all")).toEqual({ total: 1, good: 1, bad: 0 });
  }, 60_000);
});
