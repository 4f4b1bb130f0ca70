/**
 * @module
 * The Micro store fed with what the real enrich pipeline makes of real raw records: joins by event
 * id in either order, Micro's response shapes and filters, the bounds, reset, and replay records
 * that enrich turns into a good event once the missing schema exists.
 */
import { describe, expect, test } from "bun:test";
import { testResolver } from "../../../test/support/enrich-test-resolver.ts";
import { serializeBadRow } from "../badrows/bad-row.ts";
import { EnrichPipeline } from "../enrich/pipeline.ts";
import {
  contexts,
  ETL_TSTAMP,
  pixel,
  TEST_PROCESSOR,
  tp2Post,
  unstruct,
} from "../enrich/test-records.test-support.ts";
import { encodeEnrichedTsv } from "../event/tsv.ts";
import { parseSelfDescribingSchema } from "../iglu/self-describing-schema.ts";
import { MicroStore } from "./store.ts";

const PAGE_CONTEXT = "iglu:com.furrow.example/page_context/jsonschema/1-0-0";
const LINK_CLICK = "iglu:com.snowplowanalytics.snowplow/link_click/jsonschema/1-0-1";
const MISSING = "iglu:com.furrow.example/not_yet_published/jsonschema/1-0-0";
const ctx = contexts({ schema: PAGE_CONTEXT, data: { id: "0f64d3b0-6b4a-4e5c-9a8b-7c6d5e4f3a21" } });

const EID = {
  pv: "11111111-1111-4111-8111-111111111111",
  click: "22222222-2222-4222-8222-222222222222",
  missing: "33333333-3333-4333-8333-333333333333",
};

const pageView = pixel({ e: "pv", eid: EID.pv, p: "web", tv: "js-4.0.0", aid: "shop", co: ctx });
/** A batch of two: a link click (valid) and an event whose schema no registry has. */
const batch = tp2Post([
  {
    e: "ue",
    eid: EID.click,
    p: "web",
    tv: "js-4.0.0",
    aid: "shop",
    ue_pr: unstruct({ schema: LINK_CLICK, data: { targetUrl: "https://example.com" } }),
  },
  {
    e: "ue",
    eid: EID.missing,
    p: "web",
    tv: "js-4.0.0",
    aid: "shop",
    ue_pr: unstruct({ schema: MISSING, data: { colour: "blue" } }),
  },
]);

const pipeline = (resolver = testResolver()) => new EnrichPipeline({ resolver, processor: TEST_PROCESSOR });

/** What enrich writes to the enriched and bad-1 streams for these raw records. */
async function enrichAll(records: readonly Uint8Array[], p = pipeline()) {
  const good: string[] = [];
  const bad: string[] = [];
  for (const r of records) {
    const out = await p.enrichRecord(r, ETL_TSTAMP);
    good.push(...out.good.map(encodeEnrichedTsv));
    bad.push(...out.bad.map(serializeBadRow));
  }
  return { good, bad };
}

async function filled(order: "raw-first" | "raw-last", store = new MicroStore()) {
  const out = await enrichAll([pageView, batch]);
  expect(out.good).toHaveLength(2);
  expect(out.bad).toHaveLength(1);
  const raw = () => {
    store.addRaw(pageView, 1);
    store.addRaw(batch, 2);
  };
  if (order === "raw-first") raw();
  for (const line of out.good) store.addEnriched(line, 3);
  for (const row of out.bad) store.addBadRow(row, 4);
  if (order === "raw-last") raw();
  return store;
}

describe("MicroStore", () => {
  for (const order of ["raw-first", "raw-last"] as const) {
    test(`joins good and bad events to their raw request (${order})`, async () => {
      const store = await filled(order);
      expect(store.summary()).toEqual({ total: 3, good: 2, bad: 1 });
      const good = store.good();
      // Newest first.
      expect(good.map((g) => g.event["event_id"])).toEqual([EID.click, EID.pv]);
      const [click, pv] = good as [(typeof good)[0], (typeof good)[0]];
      expect(pv.eventType).toBe("page_view");
      expect(pv.schema).toBe("iglu:com.snowplowanalytics.snowplow/page_view/jsonschema/1-0-0");
      expect(pv.contexts).toEqual([PAGE_CONTEXT]);
      expect(pv.incomplete).toBe(false);
      expect(pv.event["app_id"]).toBe("shop");
      expect(pv.event["contexts"]).toEqual({
        schema: "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0",
        data: [{ schema: PAGE_CONTEXT, data: { id: "0f64d3b0-6b4a-4e5c-9a8b-7c6d5e4f3a21" } }],
      });
      expect(pv.rawEvent?.api).toEqual({ vendor: "com.snowplowanalytics.snowplow", version: "tp1" });
      expect(pv.rawEvent?.parameters["eid"]).toBe(EID.pv);
      expect(pv.rawEvent?.source.name).toBe("ssc-3.4.0-kinesis");
      expect(pv.rawEvent?.context.userId).toBe("4f1c7a52-9d0e-4b8a-a5c3-2e6f8b1d9c07");
      expect(click.eventType).toBe("unstruct");
      expect(click.schema).toBe(LINK_CLICK);
      expect(click.rawEvent?.api.version).toBe("tp2");
      // The batch's querystring is empty: the event's own parameters only.
      expect(click.rawEvent?.parameters["eid"]).toBe(EID.click);

      const [bad] = store.bad();
      expect(bad?.rawEvent?.parameters["eid"]).toBe(EID.missing);
      expect(bad?.collectorPayload?.api).toEqual({
        vendor: "com.snowplowanalytics.snowplow",
        version: "tp2",
      });
      expect(bad?.collectorPayload?.body).toContain(EID.missing);
      expect(bad?.errors[0]).toContain("schema_violations");
      expect(bad?.errors.some((e) => e.includes(MISSING) && e.includes("not found"))).toBe(true);
      expect(JSON.parse(bad!.errors.at(-1)!).schema).toMatch(
        /^iglu:com\.snowplowanalytics\.snowplow\.badrows\/schema_violations\//,
      );

      const counts = store.counts();
      expect(counts).toMatchObject({ rawRecords: 2, rawEvents: 3, good: 2, bad: 1 });
      expect(counts.badByType).toEqual({ schema_violations: 1 });
    });
  }

  test("filters good events as Micro does", async () => {
    const store = await filled("raw-first");
    expect(store.good({ event_type: "page_view" }).map((g) => g.event["event_id"])).toEqual([EID.pv]);
    expect(store.good({ schema: LINK_CLICK }).map((g) => g.event["event_id"])).toEqual([EID.click]);
    expect(store.good({ contexts: [PAGE_CONTEXT] })).toHaveLength(1);
    expect(store.good({ contexts: [PAGE_CONTEXT, LINK_CLICK] })).toHaveLength(0);
    expect(store.good({ limit: 1 }).map((g) => g.event["event_id"])).toEqual([EID.click]);
    expect(store.good({ event_type: "struct" })).toEqual([]);
  });

  test("filters bad events by the request's vendor and version", async () => {
    const store = await filled("raw-first");
    expect(store.bad({ vendor: "com.snowplowanalytics.snowplow", version: "tp2" })).toHaveLength(1);
    expect(store.bad({ version: "tp1" })).toHaveLength(0);
    expect(store.bad({ limit: 0 })).toHaveLength(0);
    // Without a collector payload a bad event passes the filters, as in Micro.
    const alone = new MicroStore();
    alone.addBadRow("not a bad row", 1);
    expect(alone.bad({ vendor: "com.acme" })).toHaveLength(1);
    expect(alone.counts().badByType).toEqual({ unreadable: 1 });
  });

  test("lists the flat JSON of good events, and groups bad ones for the console", async () => {
    const store = await filled("raw-first");
    const events = store.events();
    expect(events.map((e) => e["event_id"])).toEqual([EID.click, EID.pv]);
    expect(events[0]!["unstruct_event_com_snowplowanalytics_snowplow_link_click_1"]).toEqual({
      targetUrl: "https://example.com",
    });
    const [group] = store.badGroups(10);
    expect(group?.type).toBe("schema_violations");
    expect(group?.count).toBe(1);
    expect(group?.events[0]).toMatchObject({ eventId: EID.missing, replayable: true, replayed: false });
    expect(store.recentGood(1)[0]?.fields["event_id"]).toBe(EID.click);
  });

  test("keeps at most maxGood and maxBad events, the newest", async () => {
    const store = new MicroStore({ maxGood: 1, maxBad: 1 });
    const out = await enrichAll([pageView, batch]);
    for (const line of out.good) store.addEnriched(line, 1);
    for (const row of [...out.bad, "junk"]) store.addBadRow(row, 2);
    expect(store.summary()).toEqual({ total: 2, good: 1, bad: 1 });
    expect(store.good()[0]?.event["event_id"]).toBe(EID.click);
    expect(store.badGroups(5).map((g) => g.type)).toEqual(["unreadable"]);
    // Counters are not bounded by eviction.
    expect(store.counts()).toMatchObject({ good: 2, bad: 2 });
  });

  test("reset forgets everything", async () => {
    const store = await filled("raw-first");
    store.reset();
    expect(store.summary()).toEqual({ total: 0, good: 0, bad: 0 });
    expect(store.good()).toEqual([]);
    expect(store.counts()).toMatchObject({ rawRecords: 0, good: 0, bad: 0 });
  });

  test("replays only the failed event of a batch, which enrich accepts once the schema exists", async () => {
    const store = await filled("raw-first");
    const [group] = store.badGroups(10);
    const id = group!.events[0]!.id;
    const { records, skipped } = store.replayRecords([id, 9999], 5);
    expect(skipped).toEqual([9999]);
    expect(records).toHaveLength(1);
    expect(records[0]!.partitionKey).toBe(EID.missing);

    const schema = parseSelfDescribingSchema({
      $schema: "http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#",
      self: {
        vendor: "com.furrow.example",
        name: "not_yet_published",
        format: "jsonschema",
        version: "1-0-0",
      },
      type: "object",
      properties: { colour: { type: "string" } },
    });
    if (!schema.ok) throw new Error("bad test schema");
    const fixed = pipeline(testResolver({ extra: [schema.value] }));
    const out = await enrichAll([records[0]!.data], fixed);
    expect(out.bad).toEqual([]);
    expect(out.good).toHaveLength(1);
    store.addEnriched(out.good[0]!, 6);
    store.markReplayed([id]);
    expect(store.good({ schema: MISSING })[0]?.event["event_id"]).toBe(EID.missing);
    expect(store.badGroups(10)[0]?.events[0]?.replayed).toBe(true);
    expect(store.counts().replayed).toBe(1);
  });

  test("rebuilds a replay record from the bad row when the raw request was never seen", async () => {
    const store = new MicroStore();
    const out = await enrichAll([batch]);
    store.addBadRow(out.bad[0]!, 1);
    const id = store.badGroups(1)[0]!.events[0]!.id;
    const { records } = store.replayRecords([id], 2);
    const again = await enrichAll([records[0]!.data]);
    // Still failing (the schema is still missing), but for the same event and the same reason.
    expect(again.good).toEqual([]);
    const reread = new MicroStore();
    reread.addBadRow(again.bad[0]!, 3);
    expect(reread.bad()[0]?.rawEvent?.parameters["eid"]).toBe(EID.missing);
    expect(reread.bad()[0]?.errors.some((e) => e.includes(MISSING))).toBe(true);
  });
});
