/**
 * @module
 * Micro's routes over a store filled by the real enrich pipeline: paths, methods, status codes and
 * JSON shapes, filter bodies, reset, the Iglu lookup, the console endpoints and replay into a sink;
 * and the collector with the `micro` option, where `/micro/good` must not be taken for a
 * `/{vendor}/{version}` tracking request, on Hono and on Bun's native router.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { testResolver } from "../../../test/support/enrich-test-resolver.ts";
import { MemorySink } from "../../adapters/memory/memory-sink.ts";
import { serializeBadRow } from "../../core/badrows/bad-row.ts";
import { EnrichPipeline } from "../../core/enrich/pipeline.ts";
import {
  ETL_TSTAMP,
  pixel,
  TEST_PROCESSOR,
  tp2Post,
  unstruct,
} from "../../core/enrich/test-records.test-support.ts";
import { encodeEnrichedTsv } from "../../core/event/tsv.ts";
import { MicroStore } from "../../core/micro/store.ts";
import { decodeCollectorPayload } from "../../core/thrift/collector-payload.ts";
import { createCollectorApp } from "../collector/app.ts";
import { defaultCollectorConfig } from "../collector/config.ts";
import { createMicroApp } from "./routes.ts";

const resolver = testResolver();
const MISSING = "iglu:com.furrow.example/absent/jsonschema/1-0-0";
const LINK_CLICK = "iglu:com.snowplowanalytics.snowplow/link_click/jsonschema/1-0-1";

async function filledStore(): Promise<MicroStore> {
  const store = new MicroStore();
  const pipeline = new EnrichPipeline({ resolver, processor: TEST_PROCESSOR });
  const records = [
    pixel({ e: "pv", eid: "a0000000-0000-4000-8000-000000000001", p: "web", tv: "t" }),
    tp2Post([
      {
        e: "ue",
        eid: "a0000000-0000-4000-8000-000000000002",
        p: "web",
        tv: "t",
        ue_pr: unstruct({ schema: LINK_CLICK, data: { targetUrl: "x" } }),
      },
      {
        e: "ue",
        eid: "a0000000-0000-4000-8000-000000000003",
        p: "web",
        tv: "t",
        ue_pr: unstruct({ schema: MISSING, data: {} }),
      },
    ]),
  ];
  for (const r of records) {
    store.addRaw(r, 1);
    const out = await pipeline.enrichRecord(r, ETL_TSTAMP);
    for (const g of out.good) store.addEnriched(encodeEnrichedTsv(g), 2);
    for (const b of out.bad) store.addBadRow(serializeBadRow(b), 3);
  }
  return store;
}

const json = async (res: Response) => {
  expect(res.headers.get("content-type")).toContain("application/json");
  return res.json() as Promise<unknown>;
};
const post = (body: unknown) => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: typeof body === "string" ? body : JSON.stringify(body),
});

describe("Micro routes", () => {
  test("/micro/all, /micro/good and /micro/bad answer Micro's shapes, GET and POST", async () => {
    const app = createMicroApp({ store: await filledStore(), resolver });
    expect(await json(await app.request("/micro/all"))).toEqual({ total: 3, good: 2, bad: 1 });
    expect(await json(await app.request("/micro/all", { method: "POST" }))).toEqual({
      total: 3,
      good: 2,
      bad: 1,
    });
    const good = (await json(await app.request("/micro/good"))) as Record<string, unknown>[];
    expect(good).toHaveLength(2);
    expect(Object.keys(good[0]!)).toEqual([
      "rawEvent",
      "eventType",
      "schema",
      "contexts",
      "event",
      "incomplete",
    ]);
    const bad = (await json(await app.request("/micro/bad"))) as Record<string, unknown>[];
    expect(Object.keys(bad[0]!)).toEqual(["collectorPayload", "rawEvent", "errors"]);
    const cp = bad[0]!["collectorPayload"] as Record<string, unknown>;
    expect(Object.keys(cp)).toEqual(["api", "querystring", "contentType", "body", "source", "context"]);

    const filtered = (await json(await app.request("/micro/good", post({ event_type: "page_view" })))) as {
      event: { event_id: string };
    }[];
    expect(filtered.map((g) => g.event.event_id)).toEqual(["a0000000-0000-4000-8000-000000000001"]);
    expect(await json(await app.request("/micro/good", post({ schema: LINK_CLICK, limit: 5 })))).toHaveLength(
      1,
    );
    expect(await json(await app.request("/micro/bad", post({ vendor: "com.acme" })))).toEqual([]);
    expect(await json(await app.request("/micro/bad", post({ version: "tp2" })))).toHaveLength(1);
    const refused = await app.request("/micro/good", post({ limit: "ten" }));
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("limit");

    const events = (await json(await app.request("/micro/events"))) as Record<string, unknown>[];
    expect(events.map((e) => e["event"])).toEqual(["unstruct", "page_view"]);
  });

  test("/micro/reset empties the store and answers the summary", async () => {
    const app = createMicroApp({ store: await filledStore() });
    expect(await json(await app.request("/micro/reset"))).toEqual({ total: 0, good: 0, bad: 0 });
    expect(await json(await app.request("/micro/good"))).toEqual([]);
  });

  test("/micro/iglu looks schemas up through the resolver", async () => {
    const app = createMicroApp({ store: new MicroStore(), resolver });
    const found = await app.request("/micro/iglu/com.snowplowanalytics.snowplow/link_click/jsonschema/1-0-1");
    expect(found.status).toBe(200);
    expect(((await found.json()) as { self: { name: string } }).self.name).toBe("link_click");
    const missing = await app.request("/micro/iglu/com.furrow.example/absent/jsonschema/1-0-0");
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: string }).error).toBe("ResolutionError");
    expect((await app.request("/micro/iglu/com.acme/x/jsonschema/one")).status).toBe(404);
    const none = createMicroApp({ store: new MicroStore() });
    expect(await (await none.request("/micro/iglu/a/b/jsonschema/1-0-0")).text()).toContain(
      "no Iglu resolver",
    );
    expect((await app.request("/micro/nothing")).status).toBe(404);
  });

  test("the console page and its endpoints; replay writes the failed event's record", async () => {
    const sink = new MemorySink();
    const store = await filledStore();
    const app = createMicroApp({ store, replaySink: sink });
    const page = await app.request("/micro/ui");
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(await page.text()).toContain('id="replay-button"');
    const stats = (await json(await app.request("/micro/console/stats"))) as {
      counts: { rawEvents: number };
    };
    expect(stats.counts.rawEvents).toBe(3);
    expect(await json(await app.request("/micro/console/good?limit=1"))).toHaveLength(1);
    const groups = (await json(await app.request("/micro/console/bad"))) as {
      type: string;
      events: { id: number }[];
    }[];
    expect(groups.map((g) => g.type)).toEqual(["schema_violations"]);
    const id = groups[0]!.events[0]!.id;
    const replay = await app.request("/micro/console/replay", post({ ids: [id, 424242] }));
    expect(await json(replay)).toEqual({ replayed: [id], skipped: [424242] });
    expect(sink.records).toHaveLength(1);
    const written = decodeCollectorPayload(sink.records[0]!.data);
    if (!written.ok) throw new Error("replayed record is not Thrift");
    // The batch narrowed to the one failed event.
    const body = JSON.parse(written.value.body!) as { data: { eid: string }[] };
    expect(body.data.map((e) => e.eid)).toEqual(["a0000000-0000-4000-8000-000000000003"]);
    expect((await app.request("/micro/console/replay", post("nope"))).status).toBe(400);
    expect((await createMicroApp({ store }).request("/micro/console/replay", post({ ids: [] }))).status).toBe(
      503,
    );
  });
});

describe("the collector with the micro option", () => {
  const config = { ...defaultCollectorConfig({ good: "raw", bad: "bad" }), interface: "127.0.0.1", port: 0 };
  let server: ReturnType<typeof Bun.serve> | undefined;
  afterAll(() => server?.stop(true));
  /** The collector on memory sinks, with Micro's routes when `micro` is given. */
  const collectorOnMemory = (micro?: { store: MicroStore }) => {
    const goodSink = new MemorySink();
    const collector = createCollectorApp({
      config,
      goodSink,
      badSink: new MemorySink(),
      version: "0.1.0",
      sinkName: "memory",
      ...(micro === undefined ? {} : { micro }),
    });
    return { collector, goodSink };
  };

  test("serves Micro's paths before the tracking routes, and replays to the good sink", async () => {
    const { collector, goodSink } = collectorOnMemory({ store: await filledStore() });
    expect(await json(await collector.hono.request("/micro/all"))).toEqual({ total: 3, good: 2, bad: 1 });
    expect(goodSink.records).toHaveLength(0);
    // Bun's router: the static `/micro/…` route wins over `/:vendor/:version`.
    server = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      routes: collector.routes,
      fetch: collector.hono.fetch,
    });
    const base = `http://127.0.0.1:${server.port}`;
    expect(await json(await fetch(`${base}/micro/good`, post({ limit: 1 })))).toHaveLength(1);
    expect(await json(await fetch(`${base}/micro/reset`))).toEqual({ total: 0, good: 0, bad: 0 });
    expect((await fetch(`${base}/micro/iglu/a/b/jsonschema/1-0-0`)).status).toBe(404);
    expect(goodSink.records).toHaveLength(0);
    // Tracking still works beside it.
    expect((await fetch(`${base}/com.acme/v1?x=1`)).status).toBe(200);
    expect(goodSink.records).toHaveLength(1);
  });

  test("without the option, /micro/good is a tracking request as before", async () => {
    const { collector, goodSink } = collectorOnMemory();
    expect(Object.keys(collector.routes)).toEqual(["/i", "/ice.png", "/:vendor/:version"]);
    expect((await collector.hono.request("/micro/good")).status).toBe(200);
    expect(goodSink.records).toHaveLength(1);
  });
});
