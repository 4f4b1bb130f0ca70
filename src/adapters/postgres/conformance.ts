/**
 * @module
 * One Postgres conformance suite, run against every way Furrow reaches a database (embedded PGlite
 * behind pglite-socket, a real PostgreSQL server). It checks the statements the loaders rely on:
 * DDL, parameterised INSERT with the loaders' column types, COPY, SELECT, rollback, table comments
 * (the Postgres loader keeps each table's schema URI there) and error codes. Each run works in its
 * own schema, dropped afterwards, so it can share a database with other tests.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type postgres from "postgres";

/** What the suite connects to. */
export interface PostgresUnderTest {
  // biome-ignore lint/complexity/noBannedTypes: postgres.js's own default type parameter
  readonly sql: postgres.Sql<{}>;
  /** Ends the pool and stops whatever was started for it. */
  close(): Promise<void>;
}

export interface PostgresCapabilities {
  /**
   * Null when `COPY … FROM STDIN` works; otherwise why not, printed as the skip reason.
   * PGlite behind pglite-socket aborts on it (electric-sql/pglite PR #1028).
   */
  readonly copyFromStdinUnsupported: string | null;
}

/** Registers the suite as `describe(label)`. `connect` runs once, before the first test. */
export function postgresConformance(
  label: string,
  capabilities: PostgresCapabilities,
  connect: () => Promise<PostgresUnderTest>,
): void {
  describe(label, () => {
    let db: PostgresUnderTest;
    const schema = `furrow_conformance_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;

    beforeAll(async () => {
      db = await connect();
      await db.sql`create schema ${db.sql(schema)}`;
      await db.sql`
        create table ${db.sql(schema)}.events (
          event_id uuid not null,
          collector_tstamp timestamp not null,
          app_id varchar(255),
          br_cookies boolean,
          tr_total double precision,
          domain_sessionidx integer,
          contexts jsonb
        )`;
    }, 60_000);

    afterAll(async () => {
      if (!db) return;
      await db.sql`drop schema if exists ${db.sql(schema)} cascade`;
      await db.close();
    }, 60_000);

    test("inserts parameterised rows and reads them back with their types", async () => {
      const id = crypto.randomUUID();
      const rows = await db.sql`
        insert into ${db.sql(schema)}.events
          (event_id, collector_tstamp, app_id, br_cookies, tr_total, domain_sessionidx, contexts)
        values
          (${id}, ${"2024-05-06 07:08:09.123"}, ${"shop"}, ${true}, ${12.5}, ${3},
           ${db.sql.json({ schema: "iglu:com.acme/ctx/jsonschema/1-0-0", data: { a: [1, 2] } })})
        returning event_id, app_id`;
      expect(rows).toEqual([{ event_id: id, app_id: "shop" }] as never);
      const [row] = await db.sql`
        select event_id, collector_tstamp::text as ts, br_cookies, tr_total, domain_sessionidx, contexts
        from ${db.sql(schema)}.events where event_id = ${id}`;
      expect(row).toEqual({
        event_id: id,
        ts: "2024-05-06 07:08:09.123",
        br_cookies: true,
        tr_total: 12.5,
        domain_sessionidx: 3,
        contexts: { schema: "iglu:com.acme/ctx/jsonschema/1-0-0", data: { a: [1, 2] } },
      });
    });

    test.skipIf(capabilities.copyFromStdinUnsupported !== null)(
      `COPY FROM STDIN loads tab-separated rows${capabilities.copyFromStdinUnsupported ? ` (skipped: ${capabilities.copyFromStdinUnsupported})` : ""}`,
      async () => {
        const ids = [crypto.randomUUID(), crypto.randomUUID()];
        const writable = await db.sql`
          copy ${db.sql(schema)}.events (event_id, collector_tstamp, app_id, br_cookies) from stdin`.writable();
        await pipeline(
          Readable.from([
            `${ids[0]}\t2024-01-01 00:00:00\tcopy\tt\n`,
            `${ids[1]}\t2024-01-01 00:00:01\t\\N\tf\n`,
          ]),
          writable,
        );
        const rows = await db.sql`
          select app_id, br_cookies from ${db.sql(schema)}.events where event_id in ${db.sql(ids)}
          order by collector_tstamp`;
        expect(rows).toEqual([
          { app_id: "copy", br_cookies: true },
          { app_id: null, br_cookies: false },
        ] as never);
      },
    );

    test("a transaction that fails rolls back all of its statements", async () => {
      const count = async () =>
        Number((await db.sql`select count(*)::int as n from ${db.sql(schema)}.events`)[0]?.n);
      const before = await count();
      const failure = db.sql.begin(async (tx) => {
        await tx`insert into ${tx(schema)}.events (event_id, collector_tstamp) values (${crypto.randomUUID()}, now())`;
        await tx`insert into ${tx(schema)}.events (event_id, collector_tstamp) values (${crypto.randomUUID()}, now())`;
        throw new Error("abort this event");
      });
      await expect(failure).rejects.toThrow("abort this event");
      expect(await count()).toBe(before);
      // The connection is usable again after the rollback.
      expect(await db.sql`select 1 as one`).toEqual([{ one: 1 }] as never);
    });

    test("a violated constraint is a PostgresError with its SQLSTATE, and the connection survives", async () => {
      const failure = db.sql`insert into ${db.sql(schema)}.events (event_id, collector_tstamp) values (null, now())`;
      await expect(failure).rejects.toMatchObject({ name: "PostgresError", code: "23502" });
      expect(await db.sql`select 2 as two`).toEqual([{ two: 2 }] as never);
    });

    test("keeps a table comment and adds columns (how the Postgres loader tracks schema versions)", async () => {
      const table = `${schema}.com_acme_link_click_1`;
      await db.sql`create table ${db.sql(schema)}.com_acme_link_click_1 (root_id uuid not null, "target.url" varchar(4096))`;
      await db.sql.unsafe(`comment on table ${table} is 'iglu:com.acme/link_click/jsonschema/1-0-0'`);
      await db.sql`alter table ${db.sql(schema)}.com_acme_link_click_1 add column element_id varchar(255)`;
      const [row] = await db.sql`select obj_description(${table}::regclass, 'pg_class') as comment`;
      expect(row?.comment).toBe("iglu:com.acme/link_click/jsonschema/1-0-0");
      const columns = await db.sql`
        select column_name from information_schema.columns
        where table_schema = ${schema} and table_name = 'com_acme_link_click_1' order by ordinal_position`;
      expect(columns.map((c) => c.column_name)).toEqual(["root_id", "target.url", "element_id"]);
    });
  });
}
