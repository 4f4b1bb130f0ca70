/**
 * @module
 * The streaming path stores exactly the events rows of the general path. The stream writes events
 * rows from their TSV lines (`line-shred.ts`, `events-copy.ts`: COPY with NULL as the empty string);
 * the reference here writes the general path's cells (`decodeForLoading`, `atomicCells`) with the
 * plain `\N` COPY (or the JSON insert on PGlite). Lines include what the fast lane treats specially:
 * non-canonical numbers and times, booleans, backslashes, non-ASCII text, lines it leaves to the
 * general path. Both tables must then hold the same rows, compared as JSON.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { startPglite } from "../../src/adapters/engines/pglite.ts";
import { LoaderDatabase } from "../../src/apps/postgres-loader/database.ts";
import { prepareEventsTable } from "../../src/apps/postgres-loader/enriched-loader.ts";
import { enrichedFields } from "../../src/core/event/enriched-event.ts";
import { encodeEnrichedTsv } from "../../src/core/event/tsv.ts";
import { ATOMIC_COLUMNS, atomicCells } from "../../src/core/postgres-load/atomic-events.ts";
import type { Cells } from "../../src/core/postgres-load/cell.ts";
import { decodeForLoading } from "../../src/core/postgres-load/enriched-input.ts";
import { quoteIdentifier } from "../../src/core/postgres-load/identifier.ts";
import { pageView, REAL_POSTGRES, realPostgresProblem, uniqueSchema } from "./fixtures.ts";
import { enrichedLoader } from "./loader-suite.ts";

const column = (name: string) => enrichedFields.findIndex((f) => f.name === name);

/** Page views, each with one column replaced by text the fast lane handles in its own way. */
function lines(): string[] {
  const edits: [string, string][] = [
    ["txn_id", "007"],
    ["txn_id", "+12"],
    ["txn_id", "-0"],
    ["page_urlport", "0443"],
    ["geo_latitude", "1e7"],
    ["geo_longitude", "0.123456789"],
    ["tr_total", "1E+3"],
    ["tr_tax", "0.0000001"],
    ["dvce_created_tstamp", "2024-06-01 12:00:00"],
    ["dvce_sent_tstamp", "2024-06-01 12:00:00.123456"],
    ["true_tstamp", "2024-06-01 12:00:00.1"],
    ["br_features_java", "0"],
    ["br_features_flash", "1"],
    ["page_title", "a\\b \\N"],
    ["page_title", "café ☕ 😀"],
    ["user_id", "\\N"],
    ["mkt_campaign", "x\ry"],
  ];
  const out: string[] = [];
  for (let n = 0; n < 40; n++) out.push(encodeEnrichedTsv(pageView(n, 3)));
  edits.forEach(([name, text], i) => {
    const columns = encodeEnrichedTsv(pageView(100 + i, 3)).split("\t");
    columns[column(name)] = text;
    out.push(columns.join("\t"));
  });
  return out;
}

/** The general path's events row of each line. */
function generalRows(input: readonly string[]): Cells[] {
  return input.map((line) => {
    const decoded = decodeForLoading(line);
    if (!decoded.ok) throw new Error(`fixture line does not decode: ${JSON.stringify(decoded.error)}`);
    const cells = atomicCells(decoded.value);
    if (!cells.ok) throw new Error(`fixture line does not load: ${JSON.stringify(cells.error)}`);
    return cells.value;
  });
}

const eventsJson = (db: LoaderDatabase, schema: string) =>
  db.query<{ row: string }>(
    `SELECT row_to_json(e)::text AS row FROM ${quoteIdentifier(schema)}.events e ORDER BY event_id, collector_tstamp`,
  );

function suite(label: string, connect: () => Promise<{ db: LoaderDatabase; close(): Promise<void> }>) {
  describe(label, () => {
    let under: { db: LoaderDatabase; close(): Promise<void> } | undefined;
    const schemas: string[] = [];
    afterAll(async () => {
      if (under === undefined) return;
      for (const schema of schemas)
        await under.db.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(schema)} CASCADE`);
      await under.close();
    }, 60_000);

    test("the streaming path stores the general path's events rows", async () => {
      under = await connect();
      const db = under.db;
      const input = lines();
      const streamed = await enrichedLoader(db);
      schemas.push(streamed.schema);
      // The first batch builds the entity tables (the careful path); the second is streamed.
      const first = await streamed.loader.load(input.slice(0, 1));
      const summary = await streamed.loader.load(input.slice(1));
      expect([first.loaded, summary.loaded, summary.duplicates, summary.bad.length]).toEqual([
        1,
        input.length - 1,
        0,
        0,
      ]);

      const reference = uniqueSchema("pgl_ref");
      schemas.push(reference);
      await prepareEventsTable(db, reference);
      await db.transaction((tx) => tx.insertRows(reference, "events", ATOMIC_COLUMNS, generalRows(input)));

      const got = await eventsJson(db, streamed.schema);
      const want = await eventsJson(db, reference);
      expect(got.length).toBe(input.length);
      expect(got).toEqual(want);
      // The edited values did arrive as values, not as the text the line held.
      expect(got.some((r) => r.row.includes('"page_title":"a\\\\b \\\\N"'))).toBe(true);
      expect(got.some((r) => r.row.includes('"user_id":"\\\\N"'))).toBe(true);
      expect(got.some((r) => r.row.includes('"txn_id":7,'))).toBe(true);
    }, 60_000);
  });
}

suite("events rows on PGlite (JSON inserts)", async () => {
  const engine = await startPglite();
  const db = await LoaderDatabase.connect({ url: engine.url, embedded: true });
  return {
    db,
    close: async () => {
      await db.close();
      await engine.stop();
    },
  };
});

const problem = await realPostgresProblem();
if (problem === null) {
  suite("events rows on PostgreSQL 127.0.0.1:5432/test (COPY)", async () => {
    const db = await LoaderDatabase.connect({ url: REAL_POSTGRES, embedded: false }, { maxConnections: 2 });
    return { db, close: () => db.close() };
  });
} else {
  console.warn(
    `skipping the events-rows comparison on PostgreSQL: ${REAL_POSTGRES} is unreachable (${problem})`,
  );
}
