/**
 * @module
 * The PostgreSQL query runner against real databases: the server of the test machine
 * (127.0.0.1:5432, database `test`; skipped when it does not answer) and embedded PGlite served on
 * a free port. The same cases run on both: typed JDBC-style parameters, placeholders hidden in
 * literals, the JDBC-like conversion of each column type, and errors.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { SqlQueryRunner } from "../../core/enrich/enrichment.ts";
import type { SqlParameter } from "../../core/enrich/enrichments/sql-query.ts";
import { columnValue, postgresSqlService } from "./postgres-query-runner.ts";
import { freshSchemaName, postgresTargets, REAL_POSTGRES } from "./postgres-targets.test-support.ts";

const targets = await postgresTargets();

const p = (type: SqlParameter["type"], value: SqlParameter["value"]) => ({ type, value }) as SqlParameter;

for (const target of targets) {
  describe.if(target.skip === null)(`postgres query runner on ${target.name}`, () => {
    let runner: SqlQueryRunner;
    let stop: () => Promise<void>;
    const schema = freshSchemaName("furrow_sqlq");

    beforeAll(async () => {
      const connected = await target.connect();
      stop = connected.stop;
      runner = postgresSqlService()(connected.config);
      for (const statement of [
        `CREATE SCHEMA ${schema}`,
        `CREATE TABLE ${schema}.users (id int PRIMARY KEY, name text, plan_name varchar(20), account uuid)`,
        `INSERT INTO ${schema}.users VALUES (1, 'Ada', 'pro', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'), (2, 'Bob', NULL, NULL)`,
      ]) {
        const done = await runner.query(statement, []);
        if (!done.ok) throw new Error(done.error);
      }
    }, 60_000);

    afterAll(async () => {
      await runner.query(`DROP SCHEMA ${schema} CASCADE`, []);
      await runner.close();
      await stop();
    });

    test("values are sent with pgjdbc's types", async () => {
      const answer = await runner.query(
        "SELECT pg_typeof(?)::text AS s, pg_typeof(?)::text AS i, pg_typeof(?)::text AS l, pg_typeof(?)::text AS b, pg_typeof(?)::text AS f, pg_typeof(?)::text AS d, pg_typeof(?)::text AS t",
        [
          p("string", "x"),
          p("int", 5),
          p("long", 5_000_000_000),
          p("byte", 1),
          p("float", 1.5),
          p("double", 2.25),
          p("boolean", true),
        ],
      );
      expect(answer).toEqual({
        ok: true,
        value: [
          {
            s: "character varying",
            i: "integer",
            l: "bigint",
            b: "smallint",
            f: "real",
            d: "double precision",
            t: "boolean",
          },
        ],
      });
    });

    test("a parameterised lookup, with ? inside literals left alone", async () => {
      const answer = await runner.query(
        `SELECT id, name, '?' AS q FROM ${schema}.users WHERE name = ? AND id > ?`,
        [p("string", "Ada"), p("int", 0)],
      );
      expect(answer).toEqual({ ok: true, value: [{ id: 1, name: "Ada", q: "?" }] });
    });

    test("columns become JSON as Enrich's JDBC path makes them", async () => {
      const answer = await runner.query(
        `SELECT 12.50::numeric AS num, 1.1::float4 AS f4, 'NaN'::float8 AS nan, 9007199254740993::int8 AS big,
                true AS yes, '{"a":[1,2]}'::jsonb AS doc, '[1,"x"]'::json AS arr, account, plan_name,
                '2024-01-15'::date AS day, '2024-01-15 10:20:30.500'::timestamp AS ts,
                '2024-01-15 10:20:30+02'::timestamptz AS tstz, ARRAY['a','b'] AS tags, NULL::text AS nothing
         FROM ${schema}.users WHERE id = ?`,
        [p("int", 1)],
      );
      expect(answer.ok).toBe(true);
      expect(answer.ok && answer.value[0]).toEqual({
        num: 12.5,
        f4: 1.100000023841858,
        nan: null,
        big: 9007199254740992,
        yes: true,
        doc: { a: [1, 2] },
        arr: [1, "x"],
        account: "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
        plan_name: "pro",
        day: "2024-01-15T00:00:00.000Z",
        ts: "2024-01-15 10:20:30.5",
        tstz: "2024-01-15 08:20:30.0",
        tags: "{a,b}",
        nothing: null,
      });
    });

    test("no rows, and SQL errors as values", async () => {
      expect(await runner.query(`SELECT * FROM ${schema}.users WHERE id = ?`, [p("int", 99)])).toEqual({
        ok: true,
        value: [],
      });
      const bad = await runner.query(`SELECT * FROM ${schema}.nope`, []);
      expect(bad.ok).toBe(false);
      expect(bad.ok ? "" : bad.error).toContain("does not exist");
      // A string compared with a uuid needs a cast, as with pgjdbc.
      const uncast = await runner.query(`SELECT id FROM ${schema}.users WHERE account = ?`, [
        p("string", "x"),
      ]);
      expect(uncast.ok).toBe(false);
    });
  });
}

describe("postgres query runner, offline", () => {
  test("an unreachable server is an error value", async () => {
    const runner = postgresSqlService({ connectTimeoutSeconds: 2 })({ ...REAL_POSTGRES, port: 9 });
    const answer = await runner.query("SELECT 1", []);
    expect(answer.ok).toBe(false);
    await runner.close();
  });

  test("MySQL is refused", () => {
    expect(() => postgresSqlService()({ ...REAL_POSTGRES, kind: "mysql" })).toThrow("PostgreSQL only");
  });

  test("columnValue falls back to JSON, then text", () => {
    expect(columnValue(25, "plain")).toBe("plain");
    expect(columnValue(25, "42")).toBe("42");
    expect(columnValue(1700, "42.10")).toBe(42.1);
    expect(columnValue(3802, '{"a":1}')).toEqual({ a: 1 });
    expect(columnValue(1184, "infinity")).toBe("infinity");
  });
});
