import { describe, expect, test } from "bun:test";
import { BOOLEAN, DOUBLE, formatPgType, JSONB, varchar } from "./column-type.ts";
import {
  commentOnTableSql,
  createEntityTableSql,
  META_COLUMN_NAMES,
  planMigration,
  tableCommentKey,
} from "./entity-table.ts";
import type { EntityColumn } from "./flat-schema.ts";

const column = (name: string, type = varchar(4096), nullable = true): EntityColumn => ({
  name,
  path: name.split("."),
  type,
  nullable,
});

describe("entity tables (sql.createTable with metaColumns)", () => {
  test("start with the meta columns, then the property columns in order", () => {
    expect(META_COLUMN_NAMES).toEqual([
      "schema_vendor",
      "schema_name",
      "schema_format",
      "schema_version",
      "root_id",
      "root_tstamp",
    ]);
    const ddl = createEntityTableSql("atomic", "com_acme_link_click_1", [
      column("target_url", varchar(4096), false),
      column("element.id"),
    ]);
    expect(ddl).toBe(
      [
        'CREATE TABLE IF NOT EXISTS "atomic"."com_acme_link_click_1" (',
        '  "schema_vendor" VARCHAR(128) NOT NULL,',
        '  "schema_name" VARCHAR(128) NOT NULL,',
        '  "schema_format" VARCHAR(128) NOT NULL,',
        '  "schema_version" VARCHAR(128) NOT NULL,',
        '  "root_id" UUID NOT NULL,',
        '  "root_tstamp" TIMESTAMP NOT NULL,',
        '  "target_url" VARCHAR(4096) NOT NULL,',
        '  "element.id" VARCHAR(4096)',
        ")",
      ].join("\n"),
    );
  });

  test("the comment is the newest version's Iglu URI, and reads back", () => {
    const key = {
      vendor: "com.acme",
      name: "link_click",
      format: "jsonschema",
      version: { model: 1, revision: 0, addition: 2 },
    };
    expect(commentOnTableSql("atomic", "com_acme_link_click_1", key)).toBe(
      `COMMENT ON TABLE "atomic"."com_acme_link_click_1" IS 'iglu:com.acme/link_click/jsonschema/1-0-2'`,
    );
    expect(tableCommentKey("iglu:com.acme/link_click/jsonschema/1-0-2")).toEqual(key);
    expect(tableCommentKey("made by hand")).toBeNull();
    expect(tableCommentKey(null)).toBeNull();
  });
});

describe("planMigration", () => {
  const existing = [
    { name: "schema_vendor", type: varchar(128), notNull: true },
    { name: "id", type: varchar(36), notNull: true },
    { name: "note", type: varchar(100), notNull: false },
    { name: "score", type: JSONB, notNull: false },
    { name: "legacy", type: BOOLEAN, notNull: false },
  ];

  test("adds missing columns with ADD COLUMN, nullable, and widens narrower VARCHARs", () => {
    const plan = planMigration("atomic", "t_1", existing, [
      column("id", varchar(36), false),
      column("note", varchar(500)),
      column("score", DOUBLE),
      column("added", BOOLEAN, false),
    ]);
    expect(plan.statements).toEqual([
      'ALTER TABLE "atomic"."t_1" ALTER COLUMN "note" TYPE VARCHAR(500)',
      'ALTER TABLE "atomic"."t_1" ADD COLUMN IF NOT EXISTS "added" BOOLEAN',
    ]);
    expect(plan.table.columns.map((c) => `${c.name} ${formatPgType(c.type)} ${c.nullable}`)).toEqual([
      "id VARCHAR(36) false",
      "note VARCHAR(500) true",
      // The table's own type wins over the schema's: values are checked against what it holds.
      "score JSONB true",
      "added BOOLEAN true",
    ]);
  });

  test("a table that has every column needs no statement", () => {
    const plan = planMigration("atomic", "t_1", existing, [column("id", varchar(36), false)]);
    expect(plan.statements).toEqual([]);
    expect(plan.table).toEqual({ name: "t_1", columns: [column("id", varchar(36), false)] });
  });
});
