/**
 * @module
 * Issue #7: the whole pipeline, round trip. Snowplow's Node tracker sends page views, structured
 * and self-describing events with contexts (by GET, one event a request, and by POST, in tp2
 * batches), plus invalid events and requests that break the tracker protocol, to the collector;
 * enrich, the three S3 loaders (and a Parquet one) and the two Postgres loaders run as `furrow up`
 * would run them, on the embedded engines. Once every app has read everything the apps stop,
 * flushing what they hold, and what they stored is read back independently: every request is in
 * the raw files once (Thrift-decoded), every valid event once in the enriched files (read by the
 * JS Analytics SDK), the Parquet files (read by hyparquet), `atomic.events` and its context tables,
 * and every invalid event or request once as a bad row of its kind in the bucket and in
 * `atomic_bad`; and every consumer checkpointed each shard at its last record.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  buildPageView,
  buildSelfDescribingEvent,
  buildStructEvent,
  newTracker,
  type SelfDescribingJson,
  type Tracker,
} from "@snowplow/node-tracker";
import sdk from "snowplow-analytics-sdk";
import { kinesisClient } from "../../src/adapters/kinesis/client.ts";
import { connectPostgres } from "../../src/adapters/postgres/connect.ts";
import { parseSchemaKey } from "../../src/core/iglu/schema-key.ts";
import { qualifiedName, tableNameOf } from "../../src/core/postgres-load/identifier.ts";
import { lastSequenceNumbers, readStream } from "../support/kinesis-stream-contents.ts";
import { PARQUET_DIRECTORY, REGION, type RunningPipeline, startPipeline } from "./pipeline-under-test.ts";
import {
  checkpointsOf,
  collectorPayload,
  eventIdsOf,
  gzipRecords,
  parquetRows,
  storedObjects,
  textRecords,
} from "./stored-output.ts";

const PAGE_CONTEXT = "iglu:com.furrow.example/page_context/jsonschema/1-0-0";
const PRODUCT_CONTEXT = "iglu:com.furrow.example/product_context/jsonschema/1-0-0";
const CHECKOUT = "iglu:com.furrow.example/checkout/jsonschema/1-0-0";
const BUTTON_CLICK = "iglu:com.furrow.example/button_click/jsonschema/1-0-2";
const LINK_CLICK = "iglu:com.snowplowanalytics.snowplow/link_click/jsonschema/1-0-1";
const WEB_PAGE = "iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0";
const PAYLOAD_DATA = "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4";
const SCHEMA_VIOLATIONS = "iglu:com.snowplowanalytics.snowplow.badrows/schema_violations/jsonschema/2-0-1";
const PROTOCOL_VIOLATIONS =
  "iglu:com.snowplowanalytics.snowplow.badrows/tracker_protocol_violations/jsonschema/1-0-1";
/** Where the S3 loader of bad rows puts each kind (Snowplow's partitioning: vendor.name). */
const BAD_FOLDERS: Readonly<Record<string, string>> = {
  [SCHEMA_VIOLATIONS]: "bad/com.snowplowanalytics.snowplow.badrows.schema_violations/",
  [PROTOCOL_VIOLATIONS]: "bad/com.snowplowanalytics.snowplow.badrows.tracker_protocol_violations/",
};
/**
 * The Postgres loader of bad rows: one table per schema vendor, name and model, its name fitted to
 * Postgres's 63 bytes (`com_snowplowanalytics_snowplow_badrows_tracker_protocol_violations_1` is
 * not).
 */
function badTable(schema: string): string {
  const key = parseSchemaKey(schema);
  if (!key.ok) throw new Error(`${schema} is not an Iglu URI`);
  return qualifiedName("atomic_bad", tableNameOf(key.value));
}
const CHROME =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";
/** Rounds of the event mix below; each sends 11 valid and 4 invalid events. */
const ROUNDS = 3;

/**
 * Event ids of what was sent: valid events, events whose data breaks their schemas, tp2 requests
 * that break the tracker protocol (one event each), and the valid events with each context.
 */
interface SentEvents {
  readonly valid: string[];
  readonly invalid: string[];
  readonly malformed: string[];
  readonly pageContexts: string[];
  readonly productContexts: string[];
}

let pipeline: RunningPipeline;

beforeAll(async () => {
  pipeline = await startPipeline("roundtrip");
}, 60_000);

afterAll(async () => {
  await pipeline?.stop();
});

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const sorted = (values: Iterable<string>) => [...values].sort(byText);
const uuid = () => crypto.randomUUID();

function tracker(eventMethod: "get" | "post"): Tracker {
  return newTracker(
    { namespace: `rt-${eventMethod}`, appId: "furrow-round-trip", encodeBase64: eventMethod === "get" },
    {
      endpoint: "127.0.0.1",
      port: pipeline.collector.port,
      protocol: "http",
      eventMethod,
      // GET sends each event at once; POST batches them into tp2 requests.
      bufferSize: eventMethod === "get" ? 1 : 4,
      retryFailedRequests: false,
      customHeaders: { "User-Agent": CHROME, "X-Forwarded-For": "192.0.2.44" },
    },
  );
}

/** The event id the tracker gave an event it tracked. */
function eid(payload: Record<string, unknown> | undefined): string {
  const id = payload?.["eid"];
  if (typeof id !== "string") throw new Error("the tracker did not track the event");
  return id;
}

/**
 * Tracks the event mix `ROUNDS` times on a GET and a POST tracker and sends `ROUNDS` malformed
 * requests; resolves once both trackers flushed.
 */
async function sendEvents(): Promise<SentEvents> {
  const get = tracker("get");
  const post = tracker("post");
  const out: SentEvents = { valid: [], invalid: [], malformed: [], pageContexts: [], productContexts: [] };
  const page = (): SelfDescribingJson => ({ schema: PAGE_CONTEXT, data: { id: uuid() } });
  const product = (sku: string, price: number): SelfDescribingJson => ({
    schema: PRODUCT_CONTEXT,
    data: { sku, name: `Product ${sku}`, price, currency: "GBP", tags: ["linen"], in_stock: true },
  });
  const valid = (t: Tracker, event: Parameters<Tracker["track"]>[0], contexts: SelfDescribingJson[] = []) => {
    const id = eid(t.track(event, contexts));
    out.valid.push(id);
    for (const c of contexts) {
      if (c.schema === PAGE_CONTEXT) out.pageContexts.push(id);
      if (c.schema === PRODUCT_CONTEXT) out.productContexts.push(id);
    }
  };
  const invalid = (
    t: Tracker,
    event: Parameters<Tracker["track"]>[0],
    contexts: SelfDescribingJson[] = [],
  ) => {
    out.invalid.push(eid(t.track(event, contexts)));
  };
  for (let round = 0; round < ROUNDS; round++) {
    for (const t of [get, post]) {
      valid(t, buildPageView({ pageUrl: `https://shop.example.com/p/${round}`, pageTitle: "Shirt" }), [
        page(),
      ]);
      valid(t, buildStructEvent({ category: "basket", action: "add", label: `LS-${round}`, value: 49.5 }));
      valid(
        t,
        buildSelfDescribingEvent({
          event: { schema: CHECKOUT, data: { order_id: `o-${round}`, total: 99 } },
        }),
        [product("LS-01", 49.5), product("LS-02", 49.5)],
      );
      valid(t, buildPageView({ pageUrl: "https://shop.example.com/cart" }), [page(), product("LS-03", 12)]);
    }
    valid(
      get,
      buildSelfDescribingEvent({
        event: { schema: LINK_CLICK, data: { targetUrl: "https://shop.example.com/cart" } },
      }),
      [{ schema: WEB_PAGE, data: { id: uuid() } }],
    );
    valid(
      post,
      buildSelfDescribingEvent({ event: { schema: BUTTON_CLICK, data: { id: "buy", label: "Buy" } } }),
    );
    valid(post, buildStructEvent({ category: "app", action: "open" }), [page()]);
    // Invalid: an unknown schema, a missing required property, and two contexts that break theirs.
    invalid(
      post,
      buildSelfDescribingEvent({
        event: { schema: "iglu:com.furrow.test/no_such_event/jsonschema/1-0-0", data: {} },
      }),
    );
    invalid(get, buildSelfDescribingEvent({ event: { schema: CHECKOUT, data: { total: 5 } } }));
    invalid(post, buildPageView({ pageUrl: "https://shop.example.com/" }), [product("LS-04", -1)]);
    invalid(get, buildStructEvent({ category: "c", action: "a" }), [
      { schema: PAGE_CONTEXT, data: { id: "not-a-uuid" } },
    ]);
  }
  // A tp2 request whose event lacks the required `p` and `tv`: a tracker protocol violation.
  for (let i = 0; i < ROUNDS; i++) {
    const id = uuid();
    const response = await fetch(`${pipeline.collector.url}/com.snowplowanalytics.snowplow/tp2`, {
      method: "POST",
      headers: { "Content-Type": "application/json; charset=UTF-8", "User-Agent": CHROME },
      body: JSON.stringify({ schema: PAYLOAD_DATA, data: [{ e: "pv", eid: id, aid: "furrow-round-trip" }] }),
    });
    expect(response.status).toBe(200);
    out.malformed.push(id);
  }
  await Promise.all([get.flush(), post.flush()]);
  return out;
}

/**
 * Polls `check` every 200 ms until it holds; after 40 s fails naming `what`, with `state()` and
 * the apps' log.
 */
async function waitFor(
  what: string,
  check: () => Promise<boolean> | boolean,
  state: () => unknown = () => null,
): Promise<void> {
  const deadline = Date.now() + 40_000;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${what}: ${JSON.stringify(state())}\n${pipeline.log.join("\n")}`,
      );
    }
    await Bun.sleep(200);
  }
}

/** The parts of the bad rows read here. */
interface BadRowJson {
  readonly schema: string;
  readonly data: {
    readonly payload: { readonly enriched?: { readonly event_id: string }; readonly body?: string };
  };
}

/** The events a bad row stands for: its enriched event's id, or the eids of its raw request. */
function badRowEventIds(row: BadRowJson): string[] {
  const { payload } = row.data;
  if (payload.enriched) return [payload.enriched.event_id];
  const body = JSON.parse(payload.body ?? "{}") as { data?: { eid?: string }[] };
  return (body.data ?? []).map((e) => e.eid ?? "(none)");
}

/** Text records the bucket holds under `prefix` (gzip files), all files together. */
async function bucketTexts(prefix: string, purpose: "enriched" | "bad"): Promise<string[]> {
  const { endpoints } = pipeline.engines;
  return textRecords(await storedObjects(endpoints.s3, pipeline.topology.bucket.name, prefix), purpose);
}

describe("tracker → collector → enrich → S3 and Postgres loaders", () => {
  test("every event is stored once everywhere it belongs; every invalid one is a bad row once", async () => {
    const sent = await sendEvents();
    expect(sent.valid).toHaveLength(ROUNDS * 11);
    expect(sent.invalid).toHaveLength(ROUNDS * 4);
    const bad = sent.invalid.length + sent.malformed.length;
    const { topology, engines, enrich, postgresLoaders } = pipeline;
    const bucket = topology.bucket.name;
    const { endpoints } = engines;
    const kinesis = kinesisClient({ endpoint: endpoints.kinesis, region: REGION });
    try {
      // Arrival: enrich has handled every event; then every loader has read all of its stream.
      await waitFor(
        "enrich to handle every event",
        () => enrich.totals.good >= sent.valid.length && enrich.totals.bad >= bad,
        () => enrich.totals,
      );
      const rawStream = await readStream(kinesis, topology.streams.raw.name);
      const { s3Loaders } = pipeline;
      // Read by an S3 loader: in a written file, or held for the next one.
      const read = (loader: keyof typeof s3Loaders) => {
        const metrics = s3Loaders[loader].app.metrics();
        return metrics.recordsLoaded + metrics.heldRecords;
      };
      await waitFor(
        "the loaders to read everything",
        () =>
          postgresLoaders.enriched.totals.loaded >= sent.valid.length &&
          postgresLoaders.bad.totals.loaded >= bad &&
          read("raw") >= rawStream.length &&
          read("enriched") >= sent.valid.length &&
          read("parquet") >= sent.valid.length &&
          read("bad") >= bad,
        () => ({
          postgres: { enriched: postgresLoaders.enriched.totals, bad: postgresLoaders.bad.totals },
          s3: Object.fromEntries(Object.entries(s3Loaders).map(([name, l]) => [name, l.app.metrics()])),
          rawStream: rawStream.length,
        }),
      );
      await pipeline.stopApps();
      // Stopping wrote what the S3 loaders still held.
      for (const loader of Object.values(s3Loaders)) expect(loader.app.metrics().heldRecords).toBe(0);

      // Raw: the raw stream's records, each once; between them every request, each event once.
      const raw = (await gzipRecords(await storedObjects(endpoints.s3, bucket, "raw/"), "raw")).flatMap(
        (f) => f.records,
      );
      const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
      expect(sorted(raw.map(hex))).toEqual(sorted(rawStream.map((r) => hex(r.Data!))));
      const payloads = raw.map(collectorPayload);
      expect(sorted(payloads.flatMap(eventIdsOf))).toEqual(
        sorted([...sent.valid, ...sent.invalid, ...sent.malformed]),
      );
      const gets = payloads.filter((p) => p.path === "/i");
      const posts = payloads.filter((p) => p.path === "/com.snowplowanalytics.snowplow/tp2");
      expect(gets.length + posts.length).toBe(payloads.length);
      // GET sends one event a request (5 valid and 2 invalid a round); POST batches the other 8.
      expect(gets.length).toBe(ROUNDS * 7);
      expect(posts.flatMap(eventIdsOf)).toHaveLength(ROUNDS * 8 + sent.malformed.length);
      for (const p of payloads) expect(p.userAgent).toBe(CHROME);

      // Enriched TSV, read by the JS Analytics SDK: every valid event once, nothing else.
      const enriched = (await bucketTexts("enriched/", "enriched")).map(
        (line) => sdk.transform(line) as unknown as Record<string, unknown>,
      );
      expect(sorted(enriched.map((e) => String(e["event_id"])))).toEqual(sorted(sent.valid));
      for (const e of enriched) expect(e).toMatchObject({ app_id: "furrow-round-trip", useragent: CHROME });
      const withPage = enriched.filter((e) => e["contexts_com_furrow_example_page_context_1"] !== undefined);
      expect(sorted(withPage.map((e) => String(e["event_id"])))).toEqual(sorted(sent.pageContexts));

      // Parquet, read by hyparquet: the same events.
      const rows = await parquetRows(await storedObjects(endpoints.s3, bucket, `${PARQUET_DIRECTORY}/`));
      expect(sorted(rows.map((r) => String(r["event_id"])))).toEqual(sorted(sent.valid));

      // Bad rows in the bucket, each in its schema's folder: a schema_violations row per invalid
      // event, a tracker_protocol_violations row (holding the request) per malformed request.
      const badObjects = await storedObjects(endpoints.s3, bucket, "bad/");
      const badRows = await Promise.all(
        badObjects.map(async (o) => {
          const rows = (await textRecords([o], "bad")).map((r) => JSON.parse(r) as BadRowJson);
          for (const row of rows) expect(o.key.startsWith(BAD_FOLDERS[row.schema] ?? "(none)")).toBe(true);
          return rows;
        }),
      ).then((files) => files.flat());
      const idsOf = (schema: string) =>
        sorted(badRows.filter((r) => r.schema === schema).flatMap(badRowEventIds));
      expect(idsOf(SCHEMA_VIOLATIONS)).toEqual(sorted(sent.invalid));
      expect(idsOf(PROTOCOL_VIOLATIONS)).toEqual(sorted(sent.malformed));
      expect(badRows).toHaveLength(bad);

      // The loaders' own failures: none.
      expect(await readStream(kinesis, topology.streams["bad-2"].name)).toEqual([]);

      // Every consumer, stopped, checkpointed each shard at its last record.
      expect(pipeline.consumers).toHaveLength(7);
      for (const { appName, stream } of pipeline.consumers) {
        const last = await lastSequenceNumbers(kinesis, stream);
        expect(Object.keys(last).length).toBeGreaterThan(0);
        expect({
          appName,
          checkpoints: await checkpointsOf(endpoints.dynamodb, appName, Object.keys(last)),
        }).toEqual({ appName, checkpoints: last });
      }
    } finally {
      kinesis.destroy();
    }

    // Postgres: atomic.events, two context tables and the bad-row table.
    const sql = connectPostgres(
      { url: endpoints.postgresUrl, embedded: endpoints.embedded.postgres },
      { max: 1, onnotice: () => {} },
    );
    try {
      const column = async (query: string) =>
        sorted((await sql.unsafe(query)).map((row) => String(Object.values(row)[0])));
      expect(await column("SELECT event_id FROM atomic.events")).toEqual(sorted(sent.valid));
      expect(await column("SELECT root_id FROM atomic.com_furrow_example_page_context_1")).toEqual(
        sorted(sent.pageContexts),
      );
      expect(await column("SELECT root_id FROM atomic.com_furrow_example_product_context_1")).toEqual(
        sorted(sent.productContexts),
      );
      expect(
        await column(`SELECT data->'payload'->'enriched'->>'event_id' FROM ${badTable(SCHEMA_VIOLATIONS)}`),
      ).toEqual(sorted(sent.invalid));
      const protocolRows = await sql.unsafe(`SELECT data FROM ${badTable(PROTOCOL_VIOLATIONS)}`);
      expect(
        sorted(
          protocolRows.flatMap((row) => badRowEventIds({ schema: PROTOCOL_VIOLATIONS, data: row["data"] })),
        ),
      ).toEqual(sorted(sent.malformed));
      const [orphans] = await sql.unsafe(
        `SELECT count(*)::int AS n FROM atomic.com_furrow_example_product_context_1 p
          WHERE NOT EXISTS (SELECT 1 FROM atomic.events e
                             WHERE e.event_id = p.root_id AND e.collector_tstamp = p.root_tstamp)`,
      );
      expect(orphans?.["n"]).toBe(0);
    } finally {
      await sql.end({ timeout: 5 });
    }
  }, 90_000);
});
