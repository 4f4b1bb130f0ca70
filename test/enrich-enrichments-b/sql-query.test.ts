/**
 * @module
 * The sql_query enrichment end to end through `postgresSqlService`, on the real PostgreSQL of the
 * test machine (skipped when unreachable) and on embedded PGlite: pojo and JSON inputs, the
 * expectedRows and describes modes, property names, caching, missing inputs, errors and
 * ignoreOnError.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { postgresSqlService } from "../../src/adapters/sql/postgres-query-runner.ts";
import { freshSchemaName, postgresTargets } from "../../src/adapters/sql/postgres-targets.test-support.ts";
import { simple } from "../../src/core/badrows/failure-message.ts";
import type {
  Enrichment,
  EnrichmentDeps,
  EnrichmentOutcome,
  SqlConnectionConfig,
  SqlQueryRunner,
} from "../../src/core/enrich/enrichment.ts";
import {
  enrichmentInput,
  testDeps,
} from "../../src/core/enrich/enrichments/enrichment-input.test-support.ts";
import { sqlQueryEnrichment } from "../../src/core/enrich/enrichments/sql-query.ts";
import type { EnrichedEvent, SelfDescribingJson } from "../../src/core/event/enriched-event.ts";

const targets = await postgresTargets();

const session: SelfDescribingJson = {
  schema: "iglu:com.acme/session/jsonschema/1-0-0",
  data: { plan: "pro", tenant: "7" },
};

for (const target of targets) {
  describe.if(target.skip === null)(`sql_query on ${target.name}`, () => {
    const schema = freshSchemaName("furrow_sqlq_e2e");
    let connection: SqlConnectionConfig;
    let stop: () => Promise<void>;
    const built: Enrichment[] = [];
    /** Every query the enrichments send, counted through the real service. */
    let queries = 0;
    let deps: EnrichmentDeps;
    let now = 1_700_000_000_000;

    beforeAll(async () => {
      const connected = await target.connect();
      connection = connected.config;
      stop = connected.stop;
      const setup = postgresSqlService()(connection);
      for (const statement of [
        `CREATE SCHEMA ${schema}`,
        `CREATE TABLE ${schema}.users (user_id text PRIMARY KEY, first_name text, "planName" text, tenant int, lifetime_value numeric)`,
        `INSERT INTO ${schema}.users VALUES ('u-1', 'Ada', 'pro', 7, 1234.50), ('u-2', 'Bob', 'pro', 7, 10), ('u-3', 'Cy', 'free', 8, 0)`,
      ]) {
        const done = await setup.query(statement, []);
        if (!done.ok) throw new Error(done.error);
      }
      await setup.close();
      const service = postgresSqlService();
      deps = testDeps({
        now: () => now,
        services: {
          sql: (c) => {
            const runner = service(c);
            const counted: SqlQueryRunner = {
              query: (sql, params) => {
                queries++;
                return runner.query(sql, params);
              },
              close: () => runner.close(),
            };
            return counted;
          },
        },
      });
    }, 60_000);

    afterAll(async () => {
      // PGlite serves one connection: close every enrichment's before cleaning up.
      for (const e of built) await e.close?.();
      const cleanup = postgresSqlService()(connection);
      await cleanup.query(`DROP SCHEMA ${schema} CASCADE`, []);
      await cleanup.close();
      await stop();
    });

    async function build(parameters: Record<string, unknown>): Promise<Enrichment> {
      // One connection at a time on PGlite: close the previous enrichment first.
      for (const e of built.splice(0)) await e.close?.();
      const { host, port, database, username, password } = connection;
      const parsed = sqlQueryEnrichment.parse({
        schema:
          "iglu:com.snowplowanalytics.snowplow.enrichments/sql_query_enrichment_config/jsonschema/1-0-1",
        data: {
          vendor: "com.snowplowanalytics.snowplow.enrichments",
          name: "sql_query_enrichment_config",
          enabled: true,
          parameters: {
            inputs: [{ placeholder: 1, pojo: { field: "user_id" } }],
            database: {
              postgresql: { host, port, sslMode: false, username, password: password || "", database },
            },
            query: {
              sql: `SELECT first_name, "planName", lifetime_value FROM ${schema}.users WHERE user_id = ?`,
            },
            output: {
              expectedRows: "AT_MOST_ONE",
              json: {
                schema: "iglu:com.acme/user/jsonschema/1-0-0",
                describes: "ALL_ROWS",
                propertyNames: "CAMEL_CASE",
              },
            },
            cache: { size: 100, ttl: 60 },
            ...parameters,
          },
        },
      });
      if (!parsed.ok) throw new Error(parsed.error.message);
      const enrichment = await sqlQueryEnrichment.create(parsed.value, deps);
      if (!enrichment.ok) throw new Error(enrichment.error.message);
      built.push(enrichment.value);
      return enrichment.value;
    }

    const run = async (e: Enrichment, event: Partial<EnrichedEvent>) =>
      e.enrich(enrichmentInput({ event: { contexts: [session], ...event } }));

    test("one row, ALL_ROWS with AT_MOST_ONE: the row itself, names in camel case", async () => {
      const e = await build({});
      expect(await run(e, { user_id: "u-1" })).toEqual({
        kind: "enriched",
        contexts: [
          {
            schema: "iglu:com.acme/user/jsonschema/1-0-0",
            data: { firstName: "Ada", planName: "pro", lifetimeValue: 1234.5 },
          },
        ],
      });
      expect(await run(e, { user_id: "nobody" })).toEqual({ kind: "enriched", contexts: [] });
    });

    test("a JSON input (a string that reads as an int binds as one) and EVERY_ROW", async () => {
      const e = await build({
        inputs: [
          {
            placeholder: 1,
            json: {
              field: "contexts",
              schemaCriterion: "iglu:com.acme/session/jsonschema/1-*-*",
              jsonPath: "$.plan",
            },
          },
          {
            placeholder: 2,
            json: {
              field: "contexts",
              schemaCriterion: "iglu:com.acme/session/jsonschema/1-*-*",
              jsonPath: "$.tenant",
            },
          },
        ],
        query: {
          sql: `SELECT user_id FROM ${schema}.users WHERE "planName" = ? AND tenant = ? ORDER BY user_id`,
        },
        output: {
          expectedRows: "AT_LEAST_ONE",
          json: {
            schema: "iglu:com.acme/user_id/jsonschema/1-0-0",
            describes: "EVERY_ROW",
            propertyNames: "AS_IS",
          },
        },
      });
      expect(await run(e, {})).toEqual({
        kind: "enriched",
        contexts: [
          { schema: "iglu:com.acme/user_id/jsonschema/1-0-0", data: { user_id: "u-1" } },
          { schema: "iglu:com.acme/user_id/jsonschema/1-0-0", data: { user_id: "u-2" } },
        ],
      });
    });

    test("ALL_ROWS with AT_LEAST_ZERO: one context holding the array, even when empty", async () => {
      const e = await build({
        inputs: [{ placeholder: 1, pojo: { field: "app_id" } }],
        query: {
          sql: `SELECT user_id AS "USER_ID" FROM ${schema}.users WHERE "planName" = ? ORDER BY user_id`,
        },
        output: {
          expectedRows: "AT_LEAST_ZERO",
          json: {
            schema: "iglu:com.acme/users/jsonschema/1-0-0",
            describes: "ALL_ROWS",
            propertyNames: "LOWER_CASE",
          },
        },
      });
      expect(await run(e, { app_id: "pro" })).toEqual({
        kind: "enriched",
        contexts: [
          { schema: "iglu:com.acme/users/jsonschema/1-0-0", data: [{ user_id: "u-1" }, { user_id: "u-2" }] },
        ],
      });
      expect(await run(e, { app_id: "none" })).toEqual({
        kind: "enriched",
        contexts: [{ schema: "iglu:com.acme/users/jsonschema/1-0-0", data: [] }],
      });
    });

    test("row-count rules fail the event with Enrich's two messages; ignoreOnError adds nothing", async () => {
      const exactlyOne = {
        inputs: [{ placeholder: 1, pojo: { field: "app_id" } }],
        query: { sql: `SELECT user_id FROM ${schema}.users WHERE "planName" = ?` },
        output: {
          expectedRows: "EXACTLY_ONE",
          json: {
            schema: "iglu:com.acme/user/jsonschema/1-0-0",
            describes: "ALL_ROWS",
            propertyNames: "AS_IS",
          },
        },
      };
      const e = await build(exactlyOne);
      const failure: EnrichmentOutcome = {
        kind: "failed",
        messages: [
          simple("Error while executing the sql lookup"),
          simple("SQL Query Enrichment: exactly one row was expected"),
        ],
      };
      expect(await run(e, { app_id: "pro" })).toEqual(failure);
      expect(await run(e, { app_id: "none" })).toEqual(failure);
      expect(await run(e, { app_id: "free" })).toEqual({
        kind: "enriched",
        contexts: [{ schema: "iglu:com.acme/user/jsonschema/1-0-0", data: { user_id: "u-3" } }],
      });
      const ignoring = await build({ ...exactlyOne, ignoreOnError: true });
      expect(await run(ignoring, { app_id: "pro" })).toEqual({ kind: "enriched", contexts: [] });
    });

    test("a missing input, or fewer values than placeholders: no query", async () => {
      const e = await build({
        inputs: [
          { placeholder: 1, pojo: { field: "user_id" } },
          { placeholder: 2, pojo: { field: "app_id" } },
        ],
        query: {
          sql: `SELECT first_name FROM ${schema}.users WHERE user_id = ? AND "planName" = ? AND tenant = ?`,
        },
      });
      const before = queries;
      expect(await run(e, { user_id: null, app_id: "pro" })).toEqual({ kind: "enriched", contexts: [] });
      expect(await run(e, { user_id: "u-1", app_id: "pro" })).toEqual({ kind: "enriched", contexts: [] });
      expect(queries).toBe(before);
    });

    test("results are cached by the bound values for ttl seconds", async () => {
      const e = await build({});
      const before = queries;
      await run(e, { user_id: "u-1" });
      await run(e, { user_id: "u-1" });
      expect(queries).toBe(before + 1);
      now += 61_000;
      await run(e, { user_id: "u-1" });
      await run(e, { user_id: "u-2" });
      expect(queries).toBe(before + 3);
    });

    test("an SQL error is an enrichment failure", async () => {
      const e = await build({ query: { sql: `SELECT * FROM ${schema}.missing WHERE user_id = ?` } });
      const outcome = await run(e, { user_id: "u-1" });
      expect(outcome.kind).toBe("failed");
      expect(outcome.kind === "failed" && (outcome.messages[1] as { error: string }).error).toContain(
        "does not exist",
      );
    });
  });
}
