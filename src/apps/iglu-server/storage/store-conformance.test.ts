/**
 * @module
 * Runs the SchemaStore conformance suite against the memory store, against Postgres on embedded
 * PGlite, and against the real PostgreSQL server of the test machine (127.0.0.1:5432, database
 * `test`), skipped with a message when that server does not answer. Each Postgres test works in
 * its own namespace (Postgres schema), dropped afterwards, so runs can share a database.
 */
import { describe, expect, test } from "bun:test";
import { onEveryStore } from "../../../../test/iglu/postgres-under-test.ts";
import { migrateSchemaStore, PostgresSchemaStore } from "./postgres-store.ts";
import { schemaStoreConformance } from "./store-conformance.ts";

const embeddedReady = (await onEveryStore("SchemaStore", schemaStoreConformance)).pglite;

describe("Postgres store migrations", () => {
  test("creating the tables again changes nothing and keeps the data", async () => {
    const { sql } = await embeddedReady;
    const ns = `furrow_iglu_again_${crypto.randomUUID().replaceAll("-", "").slice(0, 8)}`;
    try {
      await migrateSchemaStore(sql, ns);
      await sql`insert into ${sql(`${ns}.iglu_drafts`)} values ('v', 'n', 'f', 0, now(), now(), true, '{}')`;
      await migrateSchemaStore(sql, ns);
      const rows = await sql`select count(*)::int as n from ${sql(`${ns}.iglu_drafts`)}`;
      expect(rows[0]?.n).toBe(1);
    } finally {
      await sql`drop schema if exists ${sql(ns)} cascade`;
    }
  }, 60_000);

  test("adds the superseding columns to a table made by an old server", async () => {
    const { sql } = await embeddedReady;
    const ns = `furrow_iglu_old_${crypto.randomUUID().replaceAll("-", "").slice(0, 8)}`;
    try {
      await sql`create schema ${sql(ns)}`;
      await sql`create table ${sql(`${ns}.iglu_schemas`)} (
        vendor varchar(128) not null, name varchar(128) not null, format varchar(128) not null,
        model integer not null, revision integer not null, addition integer not null,
        created_at timestamp not null, updated_at timestamp not null, is_public boolean not null,
        body json not null)`;
      await migrateSchemaStore(sql, ns);
      const columns = await sql`
        select column_name from information_schema.columns
        where table_schema = ${ns} and table_name = 'iglu_schemas' order by ordinal_position`;
      expect(columns.map((c) => c.column_name)).toContain("superseded_by");
      expect(columns.map((c) => c.column_name)).toContain("supersedes");
    } finally {
      await sql`drop schema if exists ${sql(ns)} cascade`;
    }
  }, 60_000);

  test("a schema written by Snowplow's server (local-time stamps, no supersedes) reads back", async () => {
    const { sql } = await embeddedReady;
    const ns = `furrow_iglu_snowplow_${crypto.randomUUID().replaceAll("-", "").slice(0, 8)}`;
    try {
      await migrateSchemaStore(sql, ns);
      // What the reference inserts: current_timestamp, a null superseded_by, an empty array.
      await sql.unsafe(
        `insert into ${ns}.iglu_schemas values ('com.acme', 'old', 'jsonschema', 1, 0, 0,
          '2019-05-06 07:08:09.5', '2019-05-06 07:08:09.5', true, '{ "type" : "object" }', null, '{}')`,
      );
      const store = new PostgresSchemaStore({ sql, namespace: ns });
      const [schema] = await store.listSchemas();
      expect(schema).toEqual({
        key: {
          vendor: "com.acme",
          name: "old",
          format: "jsonschema",
          version: { model: 1, revision: 0, addition: 0 },
        },
        metadata: {
          createdAt: "2019-05-06T07:08:09.500Z",
          updatedAt: "2019-05-06T07:08:09.500Z",
          isPublic: true,
        },
        body: '{ "type" : "object" }',
        supersededBy: null,
        supersedes: [],
      });
    } finally {
      await sql`drop schema if exists ${sql(ns)} cascade`;
    }
  }, 60_000);
});
