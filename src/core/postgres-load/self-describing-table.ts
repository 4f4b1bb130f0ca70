/**
 * @module
 * Tables for self-describing JSON records, the Postgres loader's JSON purpose, which Furrow uses for
 * bad rows: `postgres-loader-bad` loads the bad-1 stream into `atomic_bad`, one table per schema
 * vendor/name/MODEL, e.g. `atomic_bad.com_snowplowanalytics_snowplow_badrows_schema_violations_2`.
 *
 * Snowplow's JSON purpose shreds each record into columns derived from its Iglu schema. Furrow keeps
 * a fixed layout instead, so that bad rows load even when Iglu Central (where the bad-row schemas
 * live) cannot be reached, and so that every bad-row table is queried the same way:
 *
 * | column | |
 * |---|---|
 * | row_hash CHAR(64) | SHA-256 of the record as received, unique: a record delivered twice loads once |
 * | schema_vendor, schema_name, schema_format, schema_version | the record's schema |
 * | failure_tstamp TIMESTAMP | `data.failure.timestamp` when there is one (loader bad rows have none) |
 * | processor_artifact, processor_version | `data.processor` |
 * | data JSONB | the record's whole `data`: `data->'failure'`, `data->'payload'` |
 * | load_tstamp TIMESTAMP | when it was loaded (UTC), set by the database |
 *
 * JSONB cannot hold U+0000 or a lone UTF-16 surrogate; bad rows carry whatever broke an event, so
 * such escapes in `data` are stored as U+FFFD rather than refusing the row (`row_hash` is of the
 * original).
 *
 * @example
 * SELECT failure_tstamp, data->'failure'->'messages'
 * FROM atomic_bad.com_snowplowanalytics_snowplow_badrows_schema_violations_2
 * WHERE failure_tstamp > now() - interval '1 day';
 */
import { formatSchemaKey, parseSchemaKey, type SchemaKey } from "../iglu/schema-key.ts";
import { formatSchemaVer } from "../iglu/schema-ver.ts";
import { err, ok, type Result } from "../result.ts";
import type { FixedColumn } from "./atomic-events.ts";
import { type Cells, utcTimestampText } from "./cell.ts";
import { char, formatPgType, JSONB, TIMESTAMP, varchar } from "./column-type.ts";
import { qualifiedName, quoteIdentifier, tableNameOf } from "./identifier.ts";

/** The columns a record's row fills, in order (`load_tstamp` is left to its default). */
export const SELF_DESCRIBING_COLUMNS: readonly FixedColumn[] = [
  { name: "row_hash", type: char(64), notNull: true },
  { name: "schema_vendor", type: varchar(128), notNull: true },
  { name: "schema_name", type: varchar(128), notNull: true },
  { name: "schema_format", type: varchar(128), notNull: true },
  { name: "schema_version", type: varchar(128), notNull: true },
  { name: "failure_tstamp", type: TIMESTAMP, notNull: false },
  { name: "processor_artifact", type: varchar(null), notNull: false },
  { name: "processor_version", type: varchar(null), notNull: false },
  { name: "data", type: JSONB, notNull: true },
];

/** The unique column that makes loading idempotent. */
export const ROW_HASH_COLUMN = "row_hash";

/** A record read from the stream. */
export interface SelfDescribingRecord {
  readonly key: SchemaKey;
  readonly table: string;
  readonly data: unknown;
}

const isObject = (json: unknown): json is Record<string, unknown> =>
  typeof json === "object" && json !== null && !Array.isArray(json);

/** Reads one record: JSON `{"schema": <Iglu URI>, "data": …}`; otherwise why not. */
export function parseSelfDescribingRecord(text: string): Result<SelfDescribingRecord, string> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return err(`not JSON: ${(e as Error).message}`);
  }
  if (!isObject(json)) return err("not a self-describing JSON: not an object");
  const schema = json["schema"];
  if (typeof schema !== "string") return err("not a self-describing JSON: no schema");
  const key = parseSchemaKey(schema);
  if (!key.ok) return err(`not a self-describing JSON: ${schema} is not an Iglu URI`);
  if (!("data" in json)) return err("not a self-describing JSON: no data");
  return ok({ key: key.value, table: tableNameOf(key.value), data: json["data"] });
}

/** SHA-256 of `text` (UTF-8) as 64 hex digits. */
export async function rowHash(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  let hex = "";
  for (const byte of digest) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

const unstorableEscape = /((?<!\\)(?:\\\\)*)\\u(?:0000|d[89a-f][0-9a-f]{2})/gi;

/** `value` as JSONB text, with the escapes JSONB refuses replaced by U+FFFD. */
export function storableJsonText(value: unknown): string {
  const text = JSON.stringify(value) ?? "null";
  return text.includes("\\u") ? text.replace(unstorableEscape, "$1\\ufffd") : text;
}

const stringAt = (json: unknown, a: string, b: string): string | null => {
  if (!isObject(json)) return null;
  const inner = json[a];
  if (!isObject(inner)) return null;
  const value = inner[b];
  return typeof value === "string" ? value : null;
};

/** The row of a record whose hash is `hash`, in {@link SELF_DESCRIBING_COLUMNS} order. */
export function selfDescribingCells(record: SelfDescribingRecord, hash: string): Cells {
  const { key, data } = record;
  const timestamp = stringAt(data, "failure", "timestamp");
  const artifact = stringAt(data, "processor", "artifact");
  const version = stringAt(data, "processor", "version");
  const clean = (text: string | null) => (text === null ? null : text.replaceAll("\u0000", "\ufffd"));
  return [
    hash,
    key.vendor,
    key.name,
    key.format,
    formatSchemaVer(key.version),
    timestamp === null ? null : utcTimestampText(timestamp),
    clean(artifact),
    clean(version),
    storableJsonText(data),
  ];
}

/** CREATE TABLE IF NOT EXISTS for the records of one vendor/name/MODEL. */
export function createSelfDescribingTableSql(schema: string, table: string): string {
  const columns = SELF_DESCRIBING_COLUMNS.map(
    (c) => `${quoteIdentifier(c.name)} ${formatPgType(c.type)}${c.notNull ? " NOT NULL" : ""}`,
  );
  columns.push(`"load_tstamp" TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC')`);
  columns.push(`UNIQUE (${quoteIdentifier(ROW_HASH_COLUMN)})`);
  return `CREATE TABLE IF NOT EXISTS ${qualifiedName(schema, table)} (\n  ${columns.join(",\n  ")}\n)`;
}

/** The table's comment: which records it holds, e.g. `iglu:com.acme/thing/jsonschema/1-*-*`. */
export function selfDescribingTableComment(schema: string, table: string, key: SchemaKey): string {
  const criterion = `${formatSchemaKey(key).replace(/\/[^/]+$/, "")}/${key.version.model}-*-*`;
  return `COMMENT ON TABLE ${qualifiedName(schema, table)} IS '${criterion.replaceAll("'", "''")}'`;
}
