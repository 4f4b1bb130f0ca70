/**
 * @module
 * The SQL query enrichment (`sql_query_enrichment_config` 1-0-*, Enrich's
 * `sqlquery.SqlQueryEnrichment`): runs a parameterised query with values from the event and
 * attaches the rows as derived contexts. The database is reached through `deps.services.sql`
 * (PostgreSQL over postgres.js in `src/adapters/sql/`).
 *
 * Per event:
 * 1. Each input fills the JDBC `?` placeholder at its position, typed as Enrich types it: an atomic
 *    field by its Java type (String, Integer, Byte for booleans, Float, and BigDecimal sent as a
 *    double); a JSON value as a boolean, an int, a long, a double, or a string (a string that
 *    parses as a number or a boolean is sent as one, as Enrich's `extractFromJson` does). Null,
 *    arrays and objects give no value.
 * 2. If the values filled are not exactly positions 1…n, with n the statement's placeholder count,
 *    the query is not run and nothing is added.
 * 3. The rows become JSON objects (column names converted by `propertyNames`), checked against
 *    `expectedRows` (EXACTLY_ONE, AT_MOST_ONE, AT_LEAST_ONE, AT_LEAST_ZERO), and described by the
 *    output schema: one context for all rows (`ALL_ROWS`: an array, or the single row for the
 *    EXACTLY_ONE and AT_MOST_ONE modes) or one per row (`EVERY_ROW`).
 *
 * Results (and errors, for a tenth of the time) are cached by the bound values (`cache.size`,
 * `cache.ttl` seconds). A failure is two messages, as in Enrich: `Error while executing the sql
 * lookup` and the cause; `ignoreOnError` turns it into adding nothing.
 */
import { simple } from "../../badrows/failure-message.ts";
import type { SelfDescribingJson } from "../../event/enriched-event.ts";
import { schemaCriterion } from "../../iglu/schema-criterion.ts";
import { formatSchemaKey, parseSchemaKey, type SchemaKey } from "../../iglu/schema-key.ts";
import { err, ok, type Result } from "../../result.ts";
import type {
  Enrichment,
  EnrichmentConfigError,
  EnrichmentDeps,
  EnrichmentFactory,
  EnrichmentInput,
  EnrichmentOutcome,
  SqlConnectionConfig,
  SqlQueryRunner,
} from "../enrichment.ts";
import { CachingEvaluator } from "./caching-evaluator.ts";
import { type InputSource, jsonInputValue, parseInputSource, pojoText } from "./lookup-input.ts";
import { ConfigReader, isJsonObject, type LookupPolicy, NOTHING_ADDED } from "./parseable-enrichment.ts";
import { countPlaceholders } from "./sql-placeholders.ts";

/**
 * A value bound to a placeholder, with the JDBC setter Enrich would use. This is what the
 * sql_query enrichment passes as `SqlQueryRunner.query` parameters.
 */
export type SqlParameter =
  | { readonly type: "string"; readonly value: string }
  | { readonly type: "int" | "long" | "byte" | "float" | "double"; readonly value: number }
  | { readonly type: "boolean"; readonly value: boolean };

export type ExpectedRows = "EXACTLY_ONE" | "AT_MOST_ONE" | "AT_LEAST_ONE" | "AT_LEAST_ZERO";
export type PropertyNames =
  | "AS_IS"
  | "CAMEL_CASE"
  | "PASCAL_CASE"
  | "SNAKE_CASE"
  | "LOWER_CASE"
  | "UPPER_CASE";

export interface SqlQueryInput {
  readonly placeholder: number;
  readonly source: InputSource;
}

/** The parsed `sql_query_enrichment_config`. */
export interface SqlQueryConfig extends LookupPolicy {
  readonly schemaKey: SchemaKey;
  readonly inputs: readonly SqlQueryInput[];
  readonly connection: SqlConnectionConfig;
  readonly sql: string;
  readonly expectedRows: ExpectedRows;
  readonly outputSchema: string;
  readonly describes: "ALL_ROWS" | "EVERY_ROW";
  readonly propertyNames: PropertyNames;
}

const criterion = schemaCriterion(
  "com.snowplowanalytics.snowplow.enrichments",
  "sql_query_enrichment_config",
  "jsonschema",
  1,
  0,
);
const reader = new ConfigReader("sql_query_enrichment_config");

function oneOf<T extends string>(
  data: Readonly<Record<string, unknown>>,
  path: string[],
  allowed: readonly T[],
  what: string,
): Result<T, EnrichmentConfigError> {
  const v = reader.at(data, path);
  if (typeof v === "string" && (allowed as readonly string[]).includes(v)) return ok(v as T);
  return err(reader.error(path.join("."), `${JSON.stringify(v)} is not valid ${what}`));
}

function parseConnection(
  data: Readonly<Record<string, unknown>>,
): Result<SqlConnectionConfig, EnrichmentConfigError> {
  const database = reader.at(data, ["parameters", "database"]);
  const kind = isJsonObject(database)
    ? (["postgresql", "mysql"] as const).find((k) => isJsonObject(database[k]))
    : undefined;
  if (kind === undefined) {
    return err(
      reader.error(
        "parameters.database",
        `No known DB present in ${JSON.stringify(database)}. "postgresql" and "mysql" are supported`,
      ),
    );
  }
  const base = ["parameters", "database", kind];
  const host = reader.string(data, [...base, "host"]);
  if (!host.ok) return host;
  const port = reader.integer(data, [...base, "port"], 1, 65535);
  if (!port.ok) return port;
  const sslMode = reader.at(data, [...base, "sslMode"]);
  if (typeof sslMode !== "boolean")
    return err(reader.error(`${base.join(".")}.sslMode`, "sslMode must be a boolean"));
  const username = reader.string(data, [...base, "username"]);
  if (!username.ok) return username;
  const password = reader.string(data, [...base, "password"]);
  if (!password.ok) return password;
  const name = reader.string(data, [...base, "database"]);
  if (!name.ok) return name;
  return ok({
    kind,
    host: host.value,
    port: port.value,
    database: name.value,
    username: username.value,
    password: password.value,
    sslMode,
  });
}

/** Parses Snowplow's `sql_query_enrichment_config`. */
export function parseSqlQueryConfig(json: unknown): Result<SqlQueryConfig, EnrichmentConfigError> {
  const config = reader.config(json, criterion);
  if (!config.ok) return config;
  const { data, schemaKey } = config.value;

  const rawInputs = reader.at(data, ["parameters", "inputs"]);
  if (!Array.isArray(rawInputs))
    return err(reader.error("parameters.inputs", "parameters.inputs must be an array"));
  const inputs: SqlQueryInput[] = [];
  for (const [i, entry] of rawInputs.entries()) {
    const path = `parameters.inputs[${i}]`;
    const placeholder = isJsonObject(entry) ? entry["placeholder"] : undefined;
    if (typeof placeholder !== "number" || !Number.isInteger(placeholder) || placeholder < 1) {
      return err(reader.error(`${path}.placeholder`, "Placeholder must be greater than 1"));
    }
    const source = parseInputSource(entry as Readonly<Record<string, unknown>>);
    if (!source.ok) return err(reader.error(`${path}.${source.error.path}`, source.error.message));
    inputs.push({ placeholder, source: source.value });
  }
  const connection = parseConnection(data);
  if (!connection.ok) return connection;
  const sql = reader.string(data, ["parameters", "query", "sql"]);
  if (!sql.ok) return sql;
  const expectedRows = oneOf(
    data,
    ["parameters", "output", "expectedRows"],
    ["EXACTLY_ONE", "AT_MOST_ONE", "AT_LEAST_ONE", "AT_LEAST_ZERO"] as const,
    "ExpectedRowMode",
  );
  if (!expectedRows.ok) return expectedRows;
  const schema = reader.string(data, ["parameters", "output", "json", "schema"]);
  if (!schema.ok) return schema;
  const schemaKeyOut = parseSchemaKey(schema.value);
  if (!schemaKeyOut.ok)
    return err(reader.error("parameters.output.json.schema", `${schema.value} is not an Iglu schema URI`));
  const describes = oneOf(
    data,
    ["parameters", "output", "json", "describes"],
    ["ALL_ROWS", "EVERY_ROW"] as const,
    "DescribeMode",
  );
  if (!describes.ok) return describes;
  const propertyNames = oneOf(
    data,
    ["parameters", "output", "json", "propertyNames"],
    ["AS_IS", "CAMEL_CASE", "PASCAL_CASE", "SNAKE_CASE", "LOWER_CASE", "UPPER_CASE"] as const,
    "PropertyName",
  );
  if (!propertyNames.ok) return propertyNames;
  const policy = reader.lookupPolicy(data);
  if (!policy.ok) return policy;
  return ok({
    schemaKey,
    inputs,
    connection: connection.value,
    sql: sql.value,
    expectedRows: expectedRows.value,
    outputSchema: formatSchemaKey(schemaKeyOut.value),
    describes: describes.value,
    propertyNames: propertyNames.value,
    ...policy.value,
  });
}

/** Enrich's `PropertyNameMode.transform` for a column label. */
export function transformPropertyName(mode: PropertyNames, key: string): string {
  switch (mode) {
    case "AS_IS":
      return key;
    case "CAMEL_CASE":
      return key.replace(/_([a-z\d])/g, (_, c: string) => c.toUpperCase());
    case "PASCAL_CASE": {
      const camel = key.replace(/_([a-z\d])/g, (_, c: string) => c.toUpperCase());
      return camel.charAt(0).toUpperCase() + camel.slice(1);
    }
    case "SNAKE_CASE":
      return key.replace(/[A-Z\d]/g, (c) => `_${c.toLowerCase()}`);
    case "LOWER_CASE":
      return key.toLowerCase();
    case "UPPER_CASE":
      return key.toUpperCase();
  }
}

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const LONG = /^[+-]?[0-9]+$/;
// Java's Double.parseDouble after trimming: decimal, optional exponent and f/d suffix, NaN, Infinity.
const DOUBLE = /^[+-]?(?:NaN|Infinity|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[fFdD]?)$/;

/** Enrich's `extractFromJson`: the typed value a JSON input binds, or null for none. */
export function parameterOfJson(json: unknown): SqlParameter | null {
  if (typeof json === "boolean") return { type: "boolean", value: json };
  if (typeof json === "number") {
    if (Number.isInteger(json))
      return { type: json >= INT_MIN && json <= INT_MAX ? "int" : "long", value: json };
    return { type: "double", value: json };
  }
  if (typeof json === "string") {
    if (LONG.test(json)) {
      const n = Number(json);
      if (n >= INT_MIN && n <= INT_MAX) return { type: "int", value: n };
      if (BigInt(json) >= -9223372036854775808n && BigInt(json) <= 9223372036854775807n)
        return { type: "long", value: n };
    }
    const trimmed = json.replace(/^[\x00-\x20]+|[\x00-\x20]+$/g, "");
    if (DOUBLE.test(trimmed)) return { type: "double", value: Number(trimmed.replace(/[fFdD]$/, "")) };
    const lower = json.toLowerCase();
    if (lower === "true" || lower === "false") return { type: "boolean", value: lower === "true" };
    return { type: "string", value: json };
  }
  return null;
}

function parameterOfPojo(
  input: EnrichmentInput,
  source: Extract<InputSource, { kind: "pojo" }>,
): SqlParameter | null {
  const value = input.event[source.field];
  if (value === null) return null;
  switch (source.fieldKind) {
    case "int":
      return { type: "int", value: value as number };
    case "boolean":
      return { type: "byte", value: value ? 1 : 0 };
    case "float":
      return { type: "float", value: value as number };
    case "decimal":
      return { type: "double", value: Number(value) };
    default:
      return { type: "string", value: pojoText(input.event, source.field, source.fieldKind) as string };
  }
}

class SqlQueryEnrichment implements Enrichment {
  readonly name = "sql_query_enrichment_config" as const;
  readonly schemaKey: SchemaKey;
  readonly #config: SqlQueryConfig;
  readonly #runner: SqlQueryRunner;
  readonly #placeholderCount: number;
  readonly #cache: CachingEvaluator<readonly SelfDescribingJson[]>;

  constructor(config: SqlQueryConfig, runner: SqlQueryRunner, deps: EnrichmentDeps) {
    this.schemaKey = config.schemaKey;
    this.#config = config;
    this.#runner = runner;
    this.#placeholderCount = countPlaceholders(config.sql);
    this.#cache = new CachingEvaluator(config.cache, deps.now);
  }

  /** The values by position, or null when they are not exactly 1…n (Enrich's `isConsistent`). */
  #parameters(input: EnrichmentInput): SqlParameter[] | null {
    const byPosition = new Map<number, SqlParameter>();
    for (const { placeholder, source } of this.#config.inputs) {
      const value =
        source.kind === "pojo"
          ? parameterOfPojo(input, source)
          : (() => {
              const json = jsonInputValue(source, input.event, input.derivedContexts);
              return json === undefined ? null : parameterOfJson(json);
            })();
      if (value !== null) byPosition.set(placeholder, value);
    }
    const out: SqlParameter[] = [];
    for (let i = 1; i <= byPosition.size; i++) {
      const value = byPosition.get(i);
      if (value === undefined) return null;
      out.push(value);
    }
    return out;
  }

  enrich(input: EnrichmentInput): EnrichmentOutcome | Promise<EnrichmentOutcome> {
    const parameters = this.#parameters(input);
    if (parameters === null) return NOTHING_ADDED;
    return this.#lookup(parameters);
  }

  async #lookup(parameters: SqlParameter[]): Promise<EnrichmentOutcome> {
    const result = await this.#cache.evaluate(JSON.stringify(parameters), () => this.#run(parameters));
    if (result.ok) return { kind: "enriched", contexts: result.value };
    if (this.#config.ignoreOnError) return NOTHING_ADDED;
    return {
      kind: "failed",
      messages: [simple("Error while executing the sql lookup"), simple(result.error)],
    };
  }

  async #run(parameters: SqlParameter[]): Promise<Result<readonly SelfDescribingJson[], string>> {
    // Not enough values for the statement: Enrich runs nothing and adds nothing.
    if (parameters.length !== this.#placeholderCount) return ok([]);
    let rows: readonly Record<string, unknown>[];
    try {
      const answer = await this.#runner.query(this.#config.sql, parameters);
      if (!answer.ok) return answer;
      rows = answer.value;
    } catch (e) {
      return err(String(e instanceof Error ? e.message : e));
    }
    const mode = this.#config.propertyNames;
    const objects = rows.map((row) =>
      Object.fromEntries(Object.entries(row).map(([k, v]) => [transformPropertyName(mode, k), v])),
    );
    return this.#envelope(objects);
  }

  /** Enrich's `Output.envelope`: the row count check, then one context or one per row. */
  #envelope(rows: Record<string, unknown>[]): Result<readonly SelfDescribingJson[], string> {
    const { expectedRows, describes, outputSchema: schema } = this.#config;
    if (expectedRows === "EXACTLY_ONE" && rows.length !== 1) {
      return err("SQL Query Enrichment: exactly one row was expected");
    }
    if (expectedRows === "AT_MOST_ONE" && rows.length > 1) {
      return err("SQL Query Enrichment: at most one row was expected");
    }
    if (expectedRows === "AT_LEAST_ONE" && rows.length === 0) {
      return err("SQL Query Enrichment: at least one row was expected. 0 given instead");
    }
    if (describes === "EVERY_ROW") return ok(rows.map((data) => ({ schema, data })));
    if (expectedRows === "AT_LEAST_ONE" || expectedRows === "AT_LEAST_ZERO")
      return ok([{ schema, data: rows }]);
    return ok(rows.slice(0, 1).map((data) => ({ schema, data })));
  }

  close(): Promise<void> {
    return this.#runner.close();
  }
}

/** The sql_query enrichment (failures are Enrich's `sql-query`). */
export const sqlQueryEnrichment: EnrichmentFactory = {
  name: "sql_query_enrichment_config",
  parse: parseSqlQueryConfig,
  async create(parsed, deps) {
    const config = parsed as SqlQueryConfig;
    const sql = deps.services.sql;
    if (sql === undefined) {
      return err(
        reader.error(
          "parameters.database",
          "this deployment offers no SQL service for the sql_query enrichment",
        ),
      );
    }
    let runner: SqlQueryRunner;
    try {
      runner = sql(config.connection);
    } catch (e) {
      return err(reader.error("parameters.database", e instanceof Error ? e.message : String(e)));
    }
    return ok(new SqlQueryEnrichment(config, runner, deps));
  },
};
