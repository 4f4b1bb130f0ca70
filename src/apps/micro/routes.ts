/**
 * @module
 * Snowplow Micro's HTTP API on Hono (snowplow-micro `Routing.scala`), over a `MicroStore` that the
 * feed fills from the pipeline's streams, plus the console and the small JSON endpoints it polls.
 *
 * Micro's routes (same paths, methods and JSON shapes):
 * - `GET|POST /micro/all`: `{total, good, bad}`;
 * - `GET|POST /micro/reset`: forgets everything, answers the (empty) summary;
 * - `GET /micro/good`, `POST /micro/good` with `{event_type, schema, contexts, limit}`: GoodEvents;
 * - `GET /micro/bad`, `POST /micro/bad` with `{vendor, version, limit}`: BadEvents;
 * - `GET /micro/events`: the flat analytics-SDK JSON of every good event (Micro 3.x);
 * - `GET /micro/iglu/{vendor}/{name}/jsonschema/{M-R-A}`: the schema through the Iglu resolver,
 *   404 with the resolver's error when it cannot be found;
 * - `GET /micro/ui`: the console.
 * The console's own endpoints live under `/micro/console/`: `stats`, `good`, `bad` (grouped by
 * bad-row type) and `POST replay`, which writes the raw records of chosen bad events to the raw
 * stream through a RecordSink (the collector's good sink) so enrich processes them again.
 */
import { Hono } from "hono";
import { clientErrorJson } from "../../core/iglu/client-error.ts";
import type { Resolver } from "../../core/iglu/resolver.ts";
import { parseSchemaVer } from "../../core/iglu/schema-ver.ts";
import { parseBadFilters, parseGoodFilters } from "../../core/micro/filters.ts";
import type { MicroStore } from "../../core/micro/store.ts";
import type { RecordSink } from "../../ports/record-sink.ts";
import { CONSOLE_HTML } from "./console-page.ts";

/** How the feed is doing, per stream, for the console. */
export interface FeedStatus {
  readonly streams: Readonly<
    Record<
      string,
      {
        readonly name: string;
        readonly shards: number;
        readonly records: number;
        readonly lastError: string | null;
      }
    >
  >;
}

/** What the Micro routes serve from. `startMicroFeed` returns one. */
export interface MicroService {
  readonly store: MicroStore;
  /** Answers `/micro/iglu/…`; without one that route answers 404. */
  readonly resolver?: Resolver | null;
  /** Where replayed records go: the raw stream. The collector passes its good sink by default. */
  readonly replaySink?: RecordSink;
  /** Epoch milliseconds, for replay timestamps and the console's rates. */
  readonly now?: () => number;
  readonly status?: () => FeedStatus;
}

const NOT_FOUND =
  "Micro paths are /micro/all, /micro/good, /micro/bad, /micro/reset, /micro/events, " +
  "/micro/iglu/{vendor}/{name}/jsonschema/{version} and /micro/ui";
const IGLU_FORMAT = "A schema lookup is /micro/iglu/{vendor}/{name}/jsonschema/{model}-{revision}-{addition}";
/** Vendor and name as Iglu allows them in a schema URI. */
const VENDOR = /^[a-zA-Z0-9_.-]+$/;
const NAME = /^[a-zA-Z0-9_-]+$/;
/** Bad events per group and good events the console asks for at most. */
const CONSOLE_MAX = 500;

const positive = (text: string | undefined, fallback: number): number => {
  const n = Number(text);
  return Number.isInteger(n) && n > 0 ? Math.min(n, CONSOLE_MAX) : fallback;
};

/**
 * The Micro routes as a Hono app with full paths (`/micro/...`): mount it with `app.route("/", …)`.
 *
 * @example
 * const micro = createMicroApp({ store: new MicroStore(), replaySink: rawSink });
 * await micro.request("/micro/all"); // {"total":0,"good":0,"bad":0}
 */
export function createMicroApp(service: MicroService): Hono {
  const { store } = service;
  const now = service.now ?? Date.now;
  const app = new Hono();

  app.on(["GET", "POST"], "/micro/all", (c) => c.json(store.summary()));
  app.on(["GET", "POST"], "/micro/reset", (c) => {
    store.reset();
    return c.json(store.summary());
  });
  app.get("/micro/good", (c) => c.json(store.good()));
  app.post("/micro/good", async (c) => {
    const filters = parseGoodFilters(await c.req.text());
    if (!filters.ok) return c.text(`Invalid filters: ${filters.error}`, 400);
    return c.json(store.good(filters.value));
  });
  app.get("/micro/bad", (c) => c.json(store.bad()));
  app.post("/micro/bad", async (c) => {
    const filters = parseBadFilters(await c.req.text());
    if (!filters.ok) return c.text(`Invalid filters: ${filters.error}`, 400);
    return c.json(store.bad(filters.value));
  });
  app.get("/micro/events", (c) => c.json(store.events()));

  app.get("/micro/iglu/:vendor/:name/:format/:version", async (c) => {
    const { vendor, name, format, version } = c.req.param();
    const ver = parseSchemaVer(version);
    if (format !== "jsonschema" || !ver.ok || !VENDOR.test(vendor) || !NAME.test(name))
      return c.text(IGLU_FORMAT, 404);
    if (!service.resolver) return c.text("This Micro has no Iglu resolver configured", 404);
    const found = await service.resolver.lookupSchema({ vendor, name, format, version: ver.value });
    return found.ok ? c.json(found.value as object) : c.json(clientErrorJson(found.error), 404);
  });

  const page = () => new Response(CONSOLE_HTML, { headers: { "content-type": "text/html; charset=UTF-8" } });
  app.get("/micro/ui", page);
  app.get("/micro/ui/", page);

  app.get("/micro/console/stats", (c) =>
    c.json({
      at: now(),
      summary: store.summary(),
      counts: store.counts(),
      feed: service.status?.() ?? null,
      replay: service.replaySink !== undefined,
      iglu: service.resolver != null,
    }),
  );
  app.get("/micro/console/good", (c) => c.json(store.recentGood(positive(c.req.query("limit"), 50))));
  app.get("/micro/console/bad", (c) => c.json(store.badGroups(positive(c.req.query("perGroup"), 50))));
  app.post("/micro/console/replay", async (c) => {
    const sink = service.replaySink;
    if (sink === undefined)
      return c.text("Replay needs a sink to the raw stream, and none is configured", 503);
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return c.text('The body must be JSON: {"ids": [1, 2]}', 400);
    }
    const ids = (body as { ids?: unknown } | null)?.ids;
    if (!Array.isArray(ids) || !ids.every((i) => Number.isInteger(i)))
      return c.text('The body must be {"ids": [<bad event id>, …]}', 400);
    const { records, skipped } = store.replayRecords(ids as number[], now());
    if (records.length > 0) {
      await sink.write(records.map((r) => ({ data: r.data, partitionKey: r.partitionKey })));
      store.markReplayed(records.map((r) => r.id));
    }
    return c.json({ replayed: records.map((r) => r.id), skipped });
  });

  app.all("/micro/*", (c) => c.text(NOT_FOUND, 404));
  app.all("/micro", (c) => c.text(NOT_FOUND, 404));
  return app;
}

/**
 * The Bun route for Micro paths of exactly two segments (`/micro/all`, `/micro/good`…). Bun's native
 * router would give them to the collector's `/:vendor/:version` tracking route; a static first
 * segment ranks above a parameter, so the collector lists this one in its `routes` table too.
 */
export const MICRO_BUN_ROUTE = "/micro/:path";
