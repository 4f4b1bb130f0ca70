/**
 * @module
 * The sql_query enrichment's pure parts: config parsing, Enrich's property-name conversions and
 * JSON-input typing. Lookups against real databases are in `test/enrich-enrichments-b/`.
 */
import { describe, expect, test } from "bun:test";
import { testDeps } from "./enrichment-input.test-support.ts";
import { parameterOfJson, sqlQueryEnrichment, transformPropertyName } from "./sql-query.ts";

function sqlQueryConfig(parameters: Record<string, unknown> = {}) {
  return {
    schema: "iglu:com.snowplowanalytics.snowplow.enrichments/sql_query_enrichment_config/jsonschema/1-0-1",
    data: {
      vendor: "com.snowplowanalytics.snowplow.enrichments",
      name: "sql_query_enrichment_config",
      enabled: true,
      parameters: {
        inputs: [{ placeholder: 1, pojo: { field: "user_id" } }],
        database: {
          postgresql: {
            host: "127.0.0.1",
            port: 5432,
            sslMode: false,
            username: "postgres",
            password: "",
            database: "test",
          },
        },
        query: { sql: "SELECT name FROM users WHERE id = ?" },
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
  };
}

describe("transformPropertyName (Enrich's PropertyNameMode)", () => {
  const cases = [
    ["AS_IS", "user_plan_2x", "user_plan_2x"],
    ["CAMEL_CASE", "user_plan_2x", "userPlan2x"],
    ["PASCAL_CASE", "user_plan_2x", "UserPlan2x"],
    ["SNAKE_CASE", "userPlan2X", "user_plan_2_x"],
    ["LOWER_CASE", "UserPlan", "userplan"],
    ["UPPER_CASE", "userPlan", "USERPLAN"],
  ] as const;
  for (const [mode, input, expected] of cases) {
    test(`${mode} ${input}`, () => expect(transformPropertyName(mode, input)).toBe(expected));
  }
});

describe("parameterOfJson (Enrich's extractFromJson)", () => {
  test("scalars by type; strings that read as numbers or booleans become them", () => {
    expect(parameterOfJson(true)).toEqual({ type: "boolean", value: true });
    expect(parameterOfJson(42)).toEqual({ type: "int", value: 42 });
    expect(parameterOfJson(5_000_000_000)).toEqual({ type: "long", value: 5_000_000_000 });
    expect(parameterOfJson(1.5)).toEqual({ type: "double", value: 1.5 });
    expect(parameterOfJson("42")).toEqual({ type: "int", value: 42 });
    expect(parameterOfJson("-5000000000")).toEqual({ type: "long", value: -5_000_000_000 });
    expect(parameterOfJson("2.5e3")).toEqual({ type: "double", value: 2500 });
    expect(parameterOfJson("TRUE")).toEqual({ type: "boolean", value: true });
    expect(parameterOfJson("Ada")).toEqual({ type: "string", value: "Ada" });
  });
  test("null, arrays and objects bind nothing", () => {
    expect(parameterOfJson(null)).toBeNull();
    expect(parameterOfJson([1])).toBeNull();
    expect(parameterOfJson({ a: 1 })).toBeNull();
  });
});

describe("config", () => {
  test("parses Snowplow's example shape", () => {
    const parsed = sqlQueryEnrichment.parse(sqlQueryConfig());
    expect(parsed.ok).toBe(true);
  });

  test("refusals", () => {
    const refused = (p: Record<string, unknown>) =>
      expect(sqlQueryEnrichment.parse(sqlQueryConfig(p)).ok).toBe(false);
    refused({ inputs: [{ placeholder: 0, pojo: { field: "user_id" } }] });
    refused({ inputs: [{ placeholder: 1, pojo: { field: "user_id" }, json: {} }] });
    refused({
      inputs: [
        {
          placeholder: 1,
          json: { field: "contexts", schemaCriterion: "iglu:a/b/jsonschema/1-*-*", jsonPath: "x" },
        },
      ],
    });
    refused({ database: { oracle: {} } });
    refused({
      output: {
        expectedRows: "MANY",
        json: {
          schema: "iglu:com.acme/user/jsonschema/1-0-0",
          describes: "ALL_ROWS",
          propertyNames: "AS_IS",
        },
      },
    });
    refused({
      output: {
        expectedRows: "EXACTLY_ONE",
        json: {
          schema: "iglu:com.acme/user/jsonschema/1-0-0",
          describes: "SOME_ROWS",
          propertyNames: "AS_IS",
        },
      },
    });
    refused({
      output: {
        expectedRows: "EXACTLY_ONE",
        json: {
          schema: "iglu:com.acme/user/jsonschema/1-0-0",
          describes: "ALL_ROWS",
          propertyNames: "kebab",
        },
      },
    });
    refused({ query: {} });
  });

  test("without an SQL service the enrichment cannot be built", async () => {
    const parsed = sqlQueryEnrichment.parse(sqlQueryConfig());
    if (!parsed.ok) throw new Error(parsed.error.message);
    const built = await sqlQueryEnrichment.create(parsed.value, testDeps());
    expect(built.ok).toBe(false);
  });
});
