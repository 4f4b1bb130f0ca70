/**
 * @module
 * The sql_query enrichment's database access (`EnrichmentServices.sql`) for PostgreSQL, over
 * postgres.js, behaving as Enrich's JDBC path does (pgjdbc behind a one-connection Hikari pool):
 *
 * - The statement keeps JDBC `?` placeholders; they are numbered `$1…` here (see
 *   `sql-placeholders.ts`), and each value is sent with the type pgjdbc's setter would give it:
 *   `setString` as varchar, `setInt` int4, `setLong` int8, `setByte` int2, `setFloat` float4,
 *   `setDouble` float8, `setBoolean` bool. So, as with JDBC, a string compared with a uuid column
 *   needs a cast in the SQL (`? ::uuid`).
 * - Rows come back as JSON objects built as Enrich's `JsonOutput.getValue` builds them from
 *   `ResultSet.getObject`: integers, floats (float4 widened from its float32 value) and booleans as
 *   JSON scalars, NaN and infinities as null, `date` as a UTC midnight ISO timestamp,
 *   `timestamp`/`timestamptz` as `java.sql.Timestamp#toString` in UTC (`2024-01-15 10:20:30.5`),
 *   character types as strings, and anything else through its text: parsed as JSON when it is
 *   JSON (numeric, json, jsonb), otherwise kept as a string (uuid, arrays like `{1,2}`).
 * - `sslMode: true` means TLS without certificate checks (pgjdbc's `NonValidatingFactory`).
 * - Connections: one by default, as Enrich's pool has (snowplow/enrich#549); PGlite, which serves
 *   a single connection, needs exactly that.
 *
 * MySQL configs are refused: no MySQL client is installed.
 */
import postgres from "postgres";
import type { SqlConnectionConfig, SqlQueryRunner } from "../../core/enrich/enrichment.ts";
import { numberPlaceholders } from "../../core/enrich/enrichments/sql-placeholders.ts";
import type { SqlParameter } from "../../core/enrich/enrichments/sql-query.ts";
import { err, ok, type Result } from "../../core/result.ts";

export interface PostgresQueryRunnerOptions {
  /** Pool size; Enrich uses 1. */
  readonly maxConnections?: number;
  /** Seconds to wait for a connection. */
  readonly connectTimeoutSeconds?: number;
}

// PostgreSQL type OIDs (pg_type.dat).
const OID = {
  char: 18,
  name: 19,
  text: 25,
  bpchar: 1042,
  bool: 16,
  int8: 20,
  int2: 21,
  int4: 23,
  oid: 26,
  json: 114,
  float4: 700,
  float8: 701,
  varchar: 1043,
  date: 1082,
  timestamp: 1114,
  timestamptz: 1184,
  numeric: 1700,
  jsonb: 3802,
} as const;

const PARAMETER_OID: Record<SqlParameter["type"], number> = {
  string: OID.varchar,
  int: OID.int4,
  long: OID.int8,
  byte: OID.int2,
  float: OID.float4,
  double: OID.float8,
  boolean: OID.bool,
};

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** `java.sql.Timestamp#toString` of a server timestamp, in UTC: fraction without trailing zeros, at least `.0`. */
function timestampText(text: string, withZone: boolean): string {
  const m = /^(\d{4,})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d+))?([+-]\d\d(?::?\d\d){0,2})?$/.exec(text);
  if (m === null) return text; // infinity, BC dates: leave the server's text
  const [, y, mo, d, h, mi, s, fraction = "0", zone] = m;
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (withZone && zone !== undefined) {
    // PostgreSQL's ISO output writes offsets as +hh, +hh:mm or +hh:mm:ss.
    const [zh = "0", zm = "0", zs = "0"] = zone.slice(1).split(":");
    const offset = (Number(zh) * 3600 + Number(zm) * 60 + Number(zs)) * 1000;
    ms -= zone.startsWith("-") ? -offset : offset;
  }
  const iso = new Date(ms).toISOString();
  const trimmed = fraction.replace(/0+$/, "") || "0";
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${trimmed}`;
}

/** A column value, from its text form, as Enrich's `JsonOutput.getValue` would write it. */
export function columnValue(type: number, text: string): unknown {
  switch (type) {
    case OID.text:
    case OID.varchar:
    case OID.bpchar:
    case OID.name:
    case OID.char:
      return text;
    case OID.bool:
      return text === "t";
    case OID.int2:
    case OID.int4:
    case OID.int8:
    case OID.oid:
      return Number(text);
    case OID.float4:
      return finiteOrNull(Math.fround(Number(text)));
    case OID.float8:
      return finiteOrNull(Number(text));
    case OID.numeric:
      return finiteOrNull(Number(text));
    case OID.date:
      return /^\d{4}-\d\d-\d\d$/.test(text) ? `${text}T00:00:00.000Z` : text;
    case OID.timestamp:
      return timestampText(text, false);
    case OID.timestamptz:
      return timestampText(text, true);
    default:
      try {
        return JSON.parse(text);
      } catch {
        return text;
      }
  }
}

function describeError(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}

const utf8 = new TextDecoder();

/**
 * The `sql` service: a runner per configured database. Connections open on the first query.
 *
 * @example deps.services.sql = postgresSqlService();
 */
export function postgresSqlService(
  options: PostgresQueryRunnerOptions = {},
): (c: SqlConnectionConfig) => SqlQueryRunner {
  return (connection) => {
    if (connection.kind !== "postgresql") {
      throw new Error("the sql_query enrichment supports PostgreSQL only: no MySQL client is installed");
    }
    const sql = postgres({
      host: connection.host,
      port: connection.port,
      database: connection.database,
      username: connection.username,
      password: connection.password,
      ssl: connection.sslMode ? { rejectUnauthorized: false } : false,
      max: options.maxConnections ?? 1,
      connect_timeout: options.connectTimeoutSeconds ?? 10,
      // Rows are converted from the raw text below; notices are not ours to print.
      onnotice: () => {},
    });
    return {
      async query(statement, params): Promise<Result<readonly Record<string, unknown>[], string>> {
        const values = params.map((p) => {
          const parameter = p as SqlParameter;
          return sql.typed(parameter.value as never, PARAMETER_OID[parameter.type]);
        });
        try {
          const result = await sql.unsafe(numberPlaceholders(statement), values).raw();
          const columns = result.columns;
          return ok(
            result.map((row) => {
              const object: Record<string, unknown> = {};
              columns.forEach((column, i) => {
                const raw = row[i];
                object[column.name] =
                  raw === null || raw === undefined ? null : columnValue(column.type, utf8.decode(raw));
              });
              return object;
            }),
          );
        } catch (e) {
          return err(describeError(e));
        }
      },
      async close() {
        await sql.end({ timeout: 5 });
      },
    };
  };
}
