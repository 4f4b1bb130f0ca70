import { describe, expect, test } from "bun:test";
import { emptyEnrichedEvent, enrichedFields } from "../event/enriched-event.ts";
import {
  ATOMIC_COLUMNS,
  atomicCells,
  COLLECTOR_TSTAMP_CELL,
  createEventsKeyIndexSql,
  createEventsTableSql,
  EVENT_ID_CELL,
} from "./atomic-events.ts";
import { formatPgType } from "./column-type.ts";

const event = (fields: Record<string, unknown>) => Object.assign(emptyEnrichedEvent(), fields);

describe("the events table (definitions.scala atomicColumns)", () => {
  test("has the 128 non-JSON columns of the enriched TSV, in TSV order", () => {
    const scalar = enrichedFields
      .filter((f) => !["contexts", "unstruct"].includes(f.kind))
      .map((f) => f.name);
    expect(ATOMIC_COLUMNS.map((c) => c.name)).toEqual(scalar);
    expect(ATOMIC_COLUMNS).toHaveLength(128);
  });

  test("only collector_tstamp, event_id, v_collector and v_etl are NOT NULL", () => {
    expect(ATOMIC_COLUMNS.filter((c) => c.notNull).map((c) => c.name)).toEqual([
      "collector_tstamp",
      "event_id",
      "v_collector",
      "v_etl",
    ]);
  });

  test("uses Snowplow's types", () => {
    const type = (name: string) => formatPgType(ATOMIC_COLUMNS.find((c) => c.name === name)!.type);
    expect(type("event_id")).toBe("UUID");
    expect(type("domain_sessionid")).toBe("UUID");
    expect(type("geo_country")).toBe("CHAR(2)");
    expect(type("geo_region")).toBe("CHAR(3)");
    expect(type("tr_currency")).toBe("CHAR(3)");
    expect(type("page_url")).toBe("VARCHAR(4096)");
    expect(type("page_urlquery")).toBe("VARCHAR(6000)");
    expect(type("se_value")).toBe("DOUBLE PRECISION");
    expect(type("br_cookies")).toBe("BOOLEAN");
    expect(type("true_tstamp")).toBe("TIMESTAMP");
    expect(type("domain_sessionidx")).toBe("INTEGER");
  });

  test("DDL: CREATE TABLE IF NOT EXISTS, and the unique key that makes loading idempotent", () => {
    const ddl = createEventsTableSql("atomic");
    expect(ddl.startsWith('CREATE TABLE IF NOT EXISTS "atomic"."events" (')).toBe(true);
    expect(ddl).toContain('"collector_tstamp" TIMESTAMP NOT NULL');
    expect(ddl).toContain('"event_id" UUID NOT NULL');
    expect(ddl).toContain('"app_id" VARCHAR(255),');
    expect(createEventsKeyIndexSql("atomic")).toBe(
      'CREATE UNIQUE INDEX IF NOT EXISTS "events_event_id_collector_tstamp_key" ON "atomic"."events" ("event_id", "collector_tstamp")',
    );
  });
});

describe("atomicCells (transform.shredAtomic)", () => {
  const base = {
    event_id: "c6ef3124-b53a-4b13-a233-0088f79dcbcb",
    collector_tstamp: Date.parse("2024-03-10T12:00:00.100Z"),
    v_collector: "c",
    v_etl: "e",
  };

  test("writes every kind as Postgres input text", () => {
    const cells = atomicCells(
      event({
        ...base,
        app_id: "shop",
        txn_id: 28288,
        geo_latitude: 53.3331,
        se_value: "1E-7",
        br_cookies: true,
        dvce_ismobile: false,
      }),
    );
    if (!cells.ok) throw new Error(JSON.stringify(cells.error));
    const at = (name: string) => cells.value[ATOMIC_COLUMNS.findIndex((c) => c.name === name)];
    expect(at("app_id")).toBe("shop");
    expect(at("txn_id")).toBe("28288");
    expect(at("geo_latitude")).toBe("53.3331");
    expect(at("se_value")).toBe("1E-7");
    expect(at("br_cookies")).toBe("t");
    expect(at("dvce_ismobile")).toBe("f");
    expect(at("platform")).toBeNull();
    expect(cells.value[COLLECTOR_TSTAMP_CELL]).toBe("2024-03-10 12:00:00.100");
    expect(cells.value[EVENT_ID_CELL]).toBe(base.event_id);
  });

  test("refuses what the columns cannot hold, naming the atomic pseudo-schema, without truncating", () => {
    const cells = atomicCells(
      event({
        ...base,
        app_id: "x".repeat(256),
        page_url: "y".repeat(4096),
        geo_country: "IRL",
        domain_sessionid: "not-a-uuid",
        etl_tstamp: -62167219200000,
        tr_total: "1E+400",
        user_id: "a\u0000b",
      }),
    );
    expect(cells.ok).toBe(false);
    if (cells.ok) return;
    expect(cells.error.map((f) => (f.kind === "WrongType" ? f.expected : f.kind))).toEqual([
      "VARCHAR(255)",
      "TIMESTAMP",
      "VARCHAR(255)",
      "CHAR(2)",
      "DOUBLE PRECISION",
      "UUID",
    ]);
    expect(cells.error[0]).toMatchObject({
      kind: "WrongType",
      schemaKey: { vendor: "com.snowplowanalytics.snowplow", name: "atomic" },
    });
  });
});
