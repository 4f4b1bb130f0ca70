/**
 * @module
 * Entity tables: one per vendor/name/MODEL of context or self-describing event, holding Snowplow's
 * meta columns (schema_vendor, schema_name, schema_format, schema_version, root_id = event_id,
 * root_tstamp = collector_tstamp) and then one column per flattened property
 * (snowplow-postgres-loader `storage/sql.scala` and `storage/ddl.scala`).
 *
 * State lives in the database, as in Snowplow: each table's `COMMENT ON TABLE` is the Iglu URI of
 * the newest version it was built for. A table is created with every version of its model, and
 * migrated when an entity of a newer version arrives: the columns that version adds are appended
 * with `ADD COLUMN` (Snowplow's `migrateTable` omits those words), always nullable, and VARCHARs a
 * revision widened are widened. Nothing is ever dropped or narrowed.
 */
import { formatSchemaKey, parseSchemaKey, type SchemaKey } from "../iglu/schema-key.ts";
import type { FixedColumn } from "./atomic-events.ts";
import { formatPgType, type PgType, samePgType, TIMESTAMP, UUID, varchar } from "./column-type.ts";
import type { EntityColumn } from "./flat-schema.ts";
import { qualifiedName, quoteIdentifier } from "./identifier.ts";

/** definitions.scala `metaColumns`, in order; NOT NULL, since every entity row has them. */
export const META_COLUMNS: readonly FixedColumn[] = [
  { name: "schema_vendor", type: varchar(128), notNull: true },
  { name: "schema_name", type: varchar(128), notNull: true },
  { name: "schema_format", type: varchar(128), notNull: true },
  { name: "schema_version", type: varchar(128), notNull: true },
  { name: "root_id", type: UUID, notNull: true },
  { name: "root_tstamp", type: TIMESTAMP, notNull: true },
];

/** The meta columns' names, which no property column may take. */
export const META_COLUMN_NAMES: readonly string[] = META_COLUMNS.map((c) => c.name);

/** A column as the database has it. */
export interface ExistingColumn {
  readonly name: string;
  readonly type: PgType;
  readonly notNull: boolean;
}

/** An entity table ready for rows: its name and its property columns with their database types. */
export interface EntityTable {
  readonly name: string;
  readonly columns: readonly EntityColumn[];
}

const columnDdl = (name: string, type: PgType, notNull: boolean): string =>
  `${quoteIdentifier(name)} ${formatPgType(type)}${notNull ? " NOT NULL" : ""}`;

/** `sql.createTable` with the meta columns: CREATE TABLE IF NOT EXISTS, columns in order. */
export function createEntityTableSql(
  schema: string,
  table: string,
  columns: readonly EntityColumn[],
): string {
  const lines = [
    ...META_COLUMNS.map((c) => columnDdl(c.name, c.type, c.notNull)),
    ...columns.map((c) => columnDdl(c.name, c.type, !c.nullable)),
  ];
  return `CREATE TABLE IF NOT EXISTS ${qualifiedName(schema, table)} (\n  ${lines.join(",\n  ")}\n)`;
}

/** `sql.commentTable`: the table's comment is the Iglu URI of its newest version. */
export function commentOnTableSql(schema: string, table: string, key: SchemaKey): string {
  return `COMMENT ON TABLE ${qualifiedName(schema, table)} IS '${formatSchemaKey(key).replaceAll("'", "''")}'`;
}

/** The schema key a table comment names, or null for another comment (or none). */
export function tableCommentKey(comment: string | null): SchemaKey | null {
  if (comment === null) return null;
  const key = parseSchemaKey(comment.trim());
  return key.ok ? key.value : null;
}

/** What to run to bring a table to `desired`, and the table as it will be afterwards. */
export interface TableMigration {
  /** ALTER TABLE statements; empty when the table already has every column. */
  readonly statements: readonly string[];
  readonly table: EntityTable;
}

/**
 * The migration from the columns a table has to the ones its schemas want: `ADD COLUMN` for each
 * missing column (nullable), `ALTER COLUMN … TYPE VARCHAR(n)` for each narrower VARCHAR. Columns
 * of the table that no schema names are left alone (rows get NULL there); a column whose type
 * differs otherwise keeps the database's type, which values are then checked against.
 */
export function planMigration(
  schema: string,
  table: string,
  existing: readonly ExistingColumn[],
  desired: readonly EntityColumn[],
): TableMigration {
  const have = new Map(existing.map((c) => [c.name, c]));
  const statements: string[] = [];
  const columns: EntityColumn[] = [];
  const target = qualifiedName(schema, table);
  for (const column of desired) {
    const found = have.get(column.name);
    if (found === undefined) {
      statements.push(
        `ALTER TABLE ${target} ADD COLUMN IF NOT EXISTS ${columnDdl(column.name, column.type, false)}`,
      );
      columns.push({ ...column, nullable: true });
      continue;
    }
    // Rows are checked against the table as it is: its types and its NOT NULLs.
    const current = found.type;
    const nullable = !found.notNull;
    if (
      current.kind === "varchar" &&
      column.type.kind === "varchar" &&
      current.length !== null &&
      (column.type.length === null || column.type.length > current.length)
    ) {
      statements.push(
        `ALTER TABLE ${target} ALTER COLUMN ${quoteIdentifier(column.name)} TYPE ${formatPgType(column.type)}`,
      );
      columns.push({ ...column, nullable });
    } else {
      columns.push({ ...column, type: samePgType(current, column.type) ? column.type : current, nullable });
    }
  }
  return { statements, table: { name: table, columns } };
}
