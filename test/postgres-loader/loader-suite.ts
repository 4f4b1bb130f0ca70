/**
 * @module
 * One suite for the Postgres loader, run against every database it supports (embedded PGlite,
 * where rows go in with JSON inserts, and a real PostgreSQL server, where they go in with COPY):
 * round trip, idempotency, bad rows, refused data, the bad-row purpose, and concurrent loaders.
 * Each test works in a schema of its own, dropped afterwards.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { LoaderDatabase } from "../../src/apps/postgres-loader/database.ts";
import {
  EnrichedLoader,
  type LoadSummary,
  prepareEventsTable,
} from "../../src/apps/postgres-loader/enriched-loader.ts";
import { POSTGRES_LOADER_PROCESSOR } from "../../src/apps/postgres-loader/main.ts";
import { SelfDescribingLoader } from "../../src/apps/postgres-loader/self-describing-loader.ts";
import { EntityTableCatalog } from "../../src/apps/postgres-loader/table-catalog.ts";
import {
  genericError,
  loaderParsingError,
  schemaViolations,
  serializeBadRow,
} from "../../src/core/badrows/bad-row.ts";
import { notJson } from "../../src/core/badrows/failure-message.ts";
import { fieldNumberMismatch } from "../../src/core/badrows/loader-failure.ts";
import { processor } from "../../src/core/badrows/processor.ts";
import { encodeEnrichedTsv } from "../../src/core/event/tsv.ts";
import { quoteIdentifier } from "../../src/core/postgres-load/identifier.ts";
import {
  eventId,
  fixtureResolver,
  PRODUCT_CONTEXT,
  pageView,
  pageViewLines,
  uniqueSchema,
} from "./fixtures.ts";

/** What the suite runs against. */
export interface DatabaseUnderTest {
  readonly db: LoaderDatabase;
  close(): Promise<void>;
}

export const PAGE_TABLE = "com_furrow_example_page_context_1";
export const PRODUCT_TABLE = "com_furrow_example_product_context_1";

/** A loader on a new schema of `db`. */
export async function enrichedLoader(db: LoaderDatabase, schema = uniqueSchema("pgl")) {
  await prepareEventsTable(db, schema);
  const catalog = new EntityTableCatalog({ db, resolver: fixtureResolver(), schema });
  const loader = new EnrichedLoader({ db, catalog, schema, processor: POSTGRES_LOADER_PROCESSOR });
  return { schema, loader, catalog };
}

/** Row counts of the events table and both context tables, and distinct event keys. */
export async function counts(db: LoaderDatabase, schema: string) {
  const s = quoteIdentifier(schema);
  const [row] = await db.query<{
    events: number;
    keys: number;
    pages: number;
    products: number;
    orphans: number;
  }>(
    `SELECT (SELECT count(*)::int FROM ${s}.events) AS events,
            (SELECT count(DISTINCT (event_id, collector_tstamp))::int FROM ${s}.events) AS keys,
            (SELECT count(*)::int FROM ${s}.${PAGE_TABLE}) AS pages,
            (SELECT count(*)::int FROM ${s}.${PRODUCT_TABLE}) AS products,
            (SELECT count(*)::int FROM ${s}.${PRODUCT_TABLE} p
               WHERE NOT EXISTS (SELECT 1 FROM ${s}.events e
                                 WHERE e.event_id = p.root_id AND e.collector_tstamp = p.root_tstamp)) AS orphans`,
  );
  return row!;
}

const dropSchema = (db: LoaderDatabase, schema: string) =>
  db.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(schema)} CASCADE`);

async function loadAll(
  loader: EnrichedLoader,
  lines: readonly string[],
  batch: number,
): Promise<LoadSummary[]> {
  const summaries: LoadSummary[] = [];
  for (let at = 0; at < lines.length; at += batch)
    summaries.push(await loader.load(lines.slice(at, at + batch)));
  return summaries;
}

/** Registers the suite as `describe(label)`; `connect` runs once, before the first test. */
export function loaderSuite(label: string, connect: () => Promise<DatabaseUnderTest>): void {
  describe(label, () => {
    let under: DatabaseUnderTest;
    let db: LoaderDatabase;
    const schemas: string[] = [];
    const fresh = async () => {
      const made = await enrichedLoader(db);
      schemas.push(made.schema);
      return made;
    };

    beforeAll(async () => {
      under = await connect();
      db = under.db;
    }, 60_000);

    afterAll(async () => {
      if (!under) return;
      for (const schema of schemas) await dropSchema(db, schema);
      await under.close();
    }, 60_000);

    test("round trip: every event and each of its contexts is there once, with its values", async () => {
      const { schema, loader } = await fresh();
      const lines = pageViewLines(1200, 1);
      const summaries = await loadAll(loader, lines, 500);
      expect(summaries.map((s) => [s.loaded, s.duplicates, s.bad.length])).toEqual([
        [500, 0, 0],
        [500, 0, 0],
        [200, 0, 0],
      ]);
      expect(await counts(db, schema)).toEqual({
        events: 1200,
        keys: 1200,
        pages: 1200,
        products: 1200,
        orphans: 0,
      });

      const id = eventId(7, 1);
      const [event] = await db.query(
        `SELECT app_id, collector_tstamp::text AS collected, event_id::text AS id, geo_latitude, geo_country,
                br_cookies, dvce_ismobile, page_urlport, domain_sessionidx, domain_sessionid::text AS session,
                se_value
         FROM ${quoteIdentifier(schema)}.events WHERE event_id = $1`,
        [id],
      );
      expect(event).toEqual({
        app_id: "shop",
        collected: "2024-06-01 12:00:00.259",
        id,
        geo_latitude: 53.3331,
        geo_country: "IE",
        br_cookies: true,
        dvce_ismobile: false,
        page_urlport: 443,
        domain_sessionidx: 8,
        session: "7a5c7e1f-8d3b-4f0a-9c2e-1b6d5f4a3c2b",
        se_value: null,
      } as never);
      const [product] = await db.query(
        `SELECT schema_vendor, schema_name, schema_format, schema_version, root_tstamp::text AS root_tstamp,
                sku, name, category, price, currency, quantity, in_stock, tags, variant, added_at::text AS added_at
         FROM ${quoteIdentifier(schema)}.${PRODUCT_TABLE} WHERE root_id = $1`,
        [id],
      );
      expect(product).toEqual({
        schema_vendor: "com.furrow.example",
        schema_name: "product_context",
        schema_format: "jsonschema",
        schema_version: "1-0-0",
        root_tstamp: "2024-06-01 12:00:00.259",
        sku: "SKU-7-XL",
        name: "Waxed cotton jacket",
        category: "outerwear",
        price: 189.5,
        currency: "EUR",
        quantity: 2,
        in_stock: true,
        tags: ["new", "autumn", "waterproof"],
        variant: "large",
        added_at: "2024-06-01 12:34:56.789",
      } as never);
      const [comment] = await db.query(`SELECT obj_description($1::regclass, 'pg_class') AS uri`, [
        `${quoteIdentifier(schema)}.${PRODUCT_TABLE}`,
      ]);
      expect(comment?.uri).toBe(PRODUCT_CONTEXT);
    }, 60_000);

    test("idempotent: replays, overlapping batches and repeats within a batch load each event once", async () => {
      const { schema, loader } = await fresh();
      const first = pageViewLines(300, 2);
      const second = pageViewLines(300, 2, 200); // events 200..499: 100 already loaded
      expect(await loader.load(first)).toMatchObject({ loaded: 300, duplicates: 0 });
      expect(await loader.load(first)).toMatchObject({ loaded: 0, duplicates: 300, bad: [] });
      expect(await loader.load(second)).toMatchObject({ loaded: 200, duplicates: 100, bad: [] });
      const repeats = [...pageViewLines(50, 2, 500), ...pageViewLines(50, 2, 500)];
      expect(await loader.load(repeats)).toMatchObject({ loaded: 50, duplicates: 50, bad: [] });
      // The same event_id at another collector_tstamp is another event.
      const moved = encodeEnrichedTsv(
        pageView(0, 2, { collector_tstamp: Date.parse("2030-01-01T00:00:00Z") }),
      );
      expect(await loader.load([moved])).toMatchObject({ loaded: 1, duplicates: 0 });
      expect(await counts(db, schema)).toEqual({
        events: 551,
        keys: 551,
        pages: 551,
        products: 551,
        orphans: 0,
      });
    }, 60_000);

    test("an event loads whole or not at all: what cannot be stored becomes a bad row", async () => {
      const { schema, loader } = await fresh();
      const good = pageViewLines(20, 3);
      const tooLong = encodeEnrichedTsv(pageView(100, 3, { app_id: "x".repeat(256) }));
      const wrongType = encodeEnrichedTsv(
        pageView(101, 3, {
          contexts: [
            { schema: PRODUCT_CONTEXT, data: { sku: "A", name: "B", price: "cheap", currency: "EUR" } },
          ],
        }),
      );
      const unknown = encodeEnrichedTsv(
        pageView(102, 3, {
          contexts: [
            ...pageView(102, 3).contexts,
            { schema: "iglu:com.furrow.example/nowhere/jsonschema/1-0-0", data: {} },
          ],
        }),
      );
      const summary = await loader.load([
        ...good.slice(0, 10),
        "not\ta\tline",
        tooLong,
        wrongType,
        unknown,
        ...good.slice(10),
      ]);
      expect(summary.loaded).toBe(20);
      expect(summary.bad.map((b) => b.kind)).toEqual([
        "loader_parsing_error",
        "loader_iglu_error",
        "loader_iglu_error",
        "loader_iglu_error",
      ]);
      const failures = summary.bad.flatMap((b) =>
        b.kind === "loader_iglu_error" ? b.failure.map((f) => f.kind) : [],
      );
      expect(failures).toEqual(["WrongType", "WrongType", "SchemaListNotFound"]);
      // Nothing of the three refused events was written, in any table.
      expect(await counts(db, schema)).toEqual({ events: 20, keys: 20, pages: 20, products: 20, orphans: 0 });
    }, 60_000);

    test("data the database refuses is bisected down to the refused events, as loader_runtime_errors", async () => {
      const { schema, loader } = await fresh();
      await loader.load(pageViewLines(1, 4, 999)); // creates the tables
      await db.query(
        `ALTER TABLE ${quoteIdentifier(schema)}.events ADD CONSTRAINT no_refusals CHECK (app_id <> 'refuse')`,
      );
      const lines = Array.from({ length: 100 }, (_, n) =>
        encodeEnrichedTsv(pageView(n, 4, n === 17 || n === 64 ? { app_id: "refuse" } : {})),
      );
      const summary = await loader.load(lines);
      expect(summary.loaded).toBe(98);
      expect(summary.bad.map((b) => b.kind)).toEqual(["loader_runtime_error", "loader_runtime_error"]);
      const messages = summary.bad.map((b) => (b.kind === "loader_runtime_error" ? b.failure : ""));
      expect(messages.every((m) => m.includes("no_refusals"))).toBe(true);
      const payloadIds = summary.bad.map((b) => (b.payload as Record<string, unknown>)["event_id"]);
      expect(payloadIds).toEqual([eventId(17, 4), eventId(64, 4)]);
      expect(await counts(db, schema)).toEqual({ events: 99, keys: 99, pages: 99, products: 99, orphans: 0 });
    }, 60_000);

    test("concurrent loaders of overlapping batches write each event once", async () => {
      const { schema, loader } = await fresh();
      const other = new EnrichedLoader({
        db,
        catalog: new EntityTableCatalog({ db, resolver: fixtureResolver(), schema }),
        schema,
        processor: POSTGRES_LOADER_PROCESSOR,
      });
      const a = pageViewLines(400, 5);
      const b = pageViewLines(400, 5, 200);
      const [x, y] = await Promise.all([loadAll(loader, a, 100), loadAll(other, b, 100)]);
      const loaded = [...x, ...y].reduce((n, s) => n + s.loaded, 0);
      const duplicates = [...x, ...y].reduce((n, s) => n + s.duplicates, 0);
      expect(loaded).toBe(600);
      expect(duplicates).toBe(200);
      expect(await counts(db, schema)).toEqual({
        events: 600,
        keys: 600,
        pages: 600,
        products: 600,
        orphans: 0,
      });
    }, 60_000);

    test("bad rows: one table per bad-row schema in atomic_bad, each row once, queryable by failure time", async () => {
      const schema = uniqueSchema("pgl_bad");
      schemas.push(schema);
      const loader = new SelfDescribingLoader({ db, schema, processor: POSTGRES_LOADER_PROCESSOR });
      const enrich = processor("furrow-enrich", "0.1.0");
      const raw = {
        vendor: "com.snowplowanalytics.snowplow",
        version: "tp2",
        parameters: [],
        contentType: null,
        loaderName: "furrow",
        encoding: "UTF-8",
        hostname: null,
        timestamp: null,
        ipAddress: null,
        useragent: null,
        refererUri: null,
        headers: [],
        userId: null,
      };
      const violation = (n: number) =>
        serializeBadRow(
          schemaViolations(
            enrich,
            {
              timestamp: new Date(Date.UTC(2024, 4, 6, 7, 8, n)),
              messages: [notJson("ue_pr", `{${n}`, "unexpected end")],
            },
            { enriched: {} as never, raw },
          ),
        );
      const parsing = serializeBadRow(
        loaderParsingError(POSTGRES_LOADER_PROCESSOR, fieldNumberMismatch(2), "a\tb"),
      );
      const withNul = serializeBadRow(
        genericError(enrich, { timestamp: new Date(0), errors: ["nul \u0000 inside"] }, "payload \u0000"),
      );
      const lines = [violation(1), violation(2), parsing, violation(1), "{not json", withNul];
      const summary = await loader.load(lines);
      expect(summary).toMatchObject({ records: 6, loaded: 4, duplicates: 1 });
      expect(summary.bad.map((b) => b.kind)).toEqual(["generic_error"]);
      expect(await loader.load(lines)).toMatchObject({ loaded: 0, duplicates: 5 });

      const s = quoteIdentifier(schema);
      const tables = await db.query<{ name: string }>(
        `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`,
        [schema],
      );
      expect(tables.map((t) => t.name)).toEqual([
        "com_snowplowanalytics_snowplow_badrows_generic_error_1",
        "com_snowplowanalytics_snowplow_badrows_loader_parsing_error_2",
        "com_snowplowanalytics_snowplow_badrows_schema_violations_2",
      ]);
      const violations = await db.query(
        `SELECT failure_tstamp::text AS at, processor_artifact, schema_version,
                data->'failure'->'messages'->0->'error' AS error, load_tstamp IS NOT NULL AS stamped
         FROM ${s}.com_snowplowanalytics_snowplow_badrows_schema_violations_2
         WHERE failure_tstamp >= '2024-05-06 07:08:02' ORDER BY failure_tstamp`,
      );
      expect(violations).toEqual([
        {
          at: "2024-05-06 07:08:02",
          processor_artifact: "furrow-enrich",
          schema_version: "2-0-1",
          error: "unexpected end",
          stamped: true,
        },
      ] as never);
      const [generic] = await db.query(
        `SELECT data->'payload' AS payload FROM ${s}.com_snowplowanalytics_snowplow_badrows_generic_error_1`,
      );
      expect(generic?.payload).toBe("payload \ufffd");
    }, 60_000);
  });
}
