/**
 * @module
 * The `events` table: the 128 atomic columns of the enriched event in TSV order (the three JSON
 * columns go to entity tables), with the names, types and NOT NULLs of snowplow-postgres-loader
 * (`storage/definitions.scala`, `atomicColumns`), and the row of one event.
 *
 * One addition, for idempotent loading: a unique index on (event_id, collector_tstamp). Snowplow's
 * table has no key, so a replayed batch is loaded twice there. Enrich gives each event a fresh
 * event_id, and a tracker's retry of the same payload gets a new one too, so two rows sharing both
 * values are the same record delivered twice (a stream replay or an at-least-once duplicate).
 */
import { type LoaderIgluFailure, wrongType } from "../badrows/loader-failure.ts";
import type { EnrichedEvent } from "../event/enriched-event.ts";
import { enrichedFields } from "../event/enriched-event.ts";
import { javaFloatToString } from "../event/java-float.ts";
import type { NonEmpty } from "../iglu/client-error.ts";
import type { SchemaKey } from "../iglu/schema-key.ts";
import { err, ok, type Result } from "../result.ts";
import { type Cells, fitsText, isUuid, timestampText } from "./cell.ts";
import {
  BOOLEAN,
  char,
  DOUBLE,
  formatPgType,
  INTEGER,
  type PgType,
  TIMESTAMP,
  UUID,
  varchar,
} from "./column-type.ts";
import { qualifiedName, quoteIdentifier } from "./identifier.ts";

/** One column of a table the loader defines itself. */
export interface FixedColumn {
  readonly name: string;
  readonly type: PgType;
  readonly notNull: boolean;
}

/** The events table's name (Snowplow: `<schema>.events`). */
export const EVENTS_TABLE = "events";

/** The unique index that makes loading idempotent (not in Snowplow's DDL). */
export const EVENTS_KEY_INDEX = "events_event_id_collector_tstamp_key";

/**
 * The key of the pseudo-schema Snowplow reports atomic-field failures against
 * (`transform.Atomic`): `iglu:com.snowplowanalytics.snowplow/atomic/jsonschema/1-0-0`.
 */
export const ATOMIC_SCHEMA_KEY: SchemaKey = {
  vendor: "com.snowplowanalytics.snowplow",
  name: "atomic",
  format: "jsonschema",
  version: { model: 1, revision: 0, addition: 0 },
};

const col = (name: string, type: PgType, notNull = false): FixedColumn => ({ name, type, notNull });

/** definitions.scala `atomicColumns`, in order. */
export const ATOMIC_COLUMNS: readonly FixedColumn[] = [
  col("app_id", varchar(255)),
  col("platform", varchar(255)),
  col("etl_tstamp", TIMESTAMP),
  col("collector_tstamp", TIMESTAMP, true),
  col("dvce_created_tstamp", TIMESTAMP),
  col("event", varchar(128)),
  col("event_id", UUID, true),
  col("txn_id", INTEGER),
  col("name_tracker", varchar(128)),
  col("v_tracker", varchar(100)),
  col("v_collector", varchar(100), true),
  col("v_etl", varchar(100), true),
  col("user_id", varchar(255)),
  col("user_ipaddress", varchar(45)),
  col("user_fingerprint", varchar(50)),
  col("domain_userid", varchar(36)),
  col("domain_sessionidx", INTEGER),
  col("network_userid", varchar(38)),
  col("geo_country", char(2)),
  col("geo_region", char(3)),
  col("geo_city", varchar(75)),
  col("geo_zipcode", varchar(15)),
  col("geo_latitude", DOUBLE),
  col("geo_longitude", DOUBLE),
  col("geo_region_name", varchar(100)),
  col("ip_isp", varchar(100)),
  col("ip_organization", varchar(100)),
  col("ip_domain", varchar(100)),
  col("ip_netspeed", varchar(100)),
  col("page_url", varchar(4096)),
  col("page_title", varchar(2000)),
  col("page_referrer", varchar(4096)),
  col("page_urlscheme", varchar(16)),
  col("page_urlhost", varchar(255)),
  col("page_urlport", INTEGER),
  col("page_urlpath", varchar(3000)),
  col("page_urlquery", varchar(6000)),
  col("page_urlfragment", varchar(3000)),
  col("refr_urlscheme", varchar(16)),
  col("refr_urlhost", varchar(255)),
  col("refr_urlport", INTEGER),
  col("refr_urlpath", varchar(6000)),
  col("refr_urlquery", varchar(6000)),
  col("refr_urlfragment", varchar(3000)),
  col("refr_medium", varchar(25)),
  col("refr_source", varchar(50)),
  col("refr_term", varchar(255)),
  col("mkt_medium", varchar(255)),
  col("mkt_source", varchar(255)),
  col("mkt_term", varchar(255)),
  col("mkt_content", varchar(500)),
  col("mkt_campaign", varchar(255)),
  col("se_category", varchar(1000)),
  col("se_action", varchar(1000)),
  col("se_label", varchar(1000)),
  col("se_property", varchar(1000)),
  col("se_value", DOUBLE),
  col("tr_orderid", varchar(255)),
  col("tr_affiliation", varchar(255)),
  col("tr_total", DOUBLE),
  col("tr_tax", DOUBLE),
  col("tr_shipping", DOUBLE),
  col("tr_city", varchar(255)),
  col("tr_state", varchar(255)),
  col("tr_country", varchar(255)),
  col("ti_orderid", varchar(255)),
  col("ti_sku", varchar(255)),
  col("ti_name", varchar(255)),
  col("ti_category", varchar(255)),
  col("ti_price", DOUBLE),
  col("ti_quantity", INTEGER),
  col("pp_xoffset_min", INTEGER),
  col("pp_xoffset_max", INTEGER),
  col("pp_yoffset_min", INTEGER),
  col("pp_yoffset_max", INTEGER),
  col("useragent", varchar(1000)),
  col("br_name", varchar(50)),
  col("br_family", varchar(50)),
  col("br_version", varchar(50)),
  col("br_type", varchar(50)),
  col("br_renderengine", varchar(50)),
  col("br_lang", varchar(255)),
  col("br_features_pdf", BOOLEAN),
  col("br_features_flash", BOOLEAN),
  col("br_features_java", BOOLEAN),
  col("br_features_director", BOOLEAN),
  col("br_features_quicktime", BOOLEAN),
  col("br_features_realplayer", BOOLEAN),
  col("br_features_windowsmedia", BOOLEAN),
  col("br_features_gears", BOOLEAN),
  col("br_features_silverlight", BOOLEAN),
  col("br_cookies", BOOLEAN),
  col("br_colordepth", varchar(12)),
  col("br_viewwidth", INTEGER),
  col("br_viewheight", INTEGER),
  col("os_name", varchar(50)),
  col("os_family", varchar(50)),
  col("os_manufacturer", varchar(50)),
  col("os_timezone", varchar(50)),
  col("dvce_type", varchar(50)),
  col("dvce_ismobile", BOOLEAN),
  col("dvce_screenwidth", INTEGER),
  col("dvce_screenheight", INTEGER),
  col("doc_charset", varchar(128)),
  col("doc_width", INTEGER),
  col("doc_height", INTEGER),
  col("tr_currency", char(3)),
  col("tr_total_base", DOUBLE),
  col("tr_tax_base", DOUBLE),
  col("tr_shipping_base", DOUBLE),
  col("ti_currency", char(3)),
  col("ti_price_base", DOUBLE),
  col("base_currency", char(3)),
  col("geo_timezone", varchar(64)),
  col("mkt_clickid", varchar(128)),
  col("mkt_network", varchar(64)),
  col("etl_tags", varchar(500)),
  col("dvce_sent_tstamp", TIMESTAMP),
  col("refr_domain_userid", varchar(36)),
  col("refr_dvce_tstamp", TIMESTAMP),
  col("domain_sessionid", UUID),
  col("derived_tstamp", TIMESTAMP),
  col("event_vendor", varchar(1000)),
  col("event_name", varchar(1000)),
  col("event_format", varchar(128)),
  col("event_version", varchar(128)),
  col("event_fingerprint", varchar(128)),
  col("true_tstamp", TIMESTAMP),
];

/** `definitions.atomicSql`, plus IF NOT EXISTS (Snowplow checks the catalog first). */
export function createEventsTableSql(schema: string): string {
  const columns = ATOMIC_COLUMNS.map(
    (c) => `  ${quoteIdentifier(c.name)} ${formatPgType(c.type)}${c.notNull ? " NOT NULL" : ""}`,
  );
  return `CREATE TABLE IF NOT EXISTS ${qualifiedName(schema, EVENTS_TABLE)} (\n${columns.join(",\n")}\n)`;
}

/** The unique index on the event key (fails on a table that already holds duplicates). */
export function createEventsKeyIndexSql(schema: string): string {
  return `CREATE UNIQUE INDEX IF NOT EXISTS ${quoteIdentifier(EVENTS_KEY_INDEX)} ON ${qualifiedName(schema, EVENTS_TABLE)} ("event_id", "collector_tstamp")`;
}

// The event's value of each atomic column, and how to write it, precomputed once.
const STRING = 0;
const INT = 1;
const DECIMAL = 2;
const FLOAT = 3;
const BOOL = 4;
const TIME = 5;
const fieldKinds = new Map<string, string>(enrichedFields.map((f) => [f.name, f.kind]));
const kindCode: Readonly<Record<string, number>> = {
  string: STRING,
  int: INT,
  decimal: DECIMAL,
  float: FLOAT,
  boolean: BOOL,
  timestamp: TIME,
};
const names = ATOMIC_COLUMNS.map((c) => c.name);
const codes = Uint8Array.from(ATOMIC_COLUMNS, (c) => {
  const kind = fieldKinds.get(c.name);
  const code = kind === undefined ? undefined : kindCode[kind];
  if (code === undefined) throw new Error(`atomic column ${c.name} is not a scalar enriched field`);
  return code;
});
const types = ATOMIC_COLUMNS.map((c) => c.type);

/** Index of `collector_tstamp` in an events row (the second half of the event key). */
export const COLLECTOR_TSTAMP_CELL = names.indexOf("collector_tstamp");
/** Index of `event_id` in an events row. */
export const EVENT_ID_CELL = names.indexOf("event_id");

function stringCell(text: string, type: PgType): boolean {
  switch (type.kind) {
    case "uuid":
      return isUuid(text);
    case "varchar":
    case "char":
      return fitsText(text, type.length);
    default:
      return false;
  }
}

/**
 * The events row of `event`, or why some atomic values cannot be stored (Snowplow
 * `transform.shredAtomic`: `WrongType` against the atomic pseudo-schema). Checked here: string
 * lengths against VARCHAR(n) and CHAR(n), UUIDs (event_id, domain_sessionid), decimals beyond a
 * double, times before year 1, and U+0000.
 */
export function atomicCells(event: EnrichedEvent): Result<Cells, NonEmpty<LoaderIgluFailure>> {
  const fields = event as unknown as Record<string, unknown>;
  const cells: Cells = new Array(names.length);
  let failures: [LoaderIgluFailure, ...LoaderIgluFailure[]] | null = null;
  for (let i = 0; i < names.length; i++) {
    const value = fields[names[i]!];
    if (value === null || value === undefined) {
      cells[i] = null;
      continue;
    }
    let text: string | null;
    switch (codes[i]) {
      case STRING:
        text = stringCell(value as string, types[i]!) ? (value as string) : null;
        break;
      case INT:
        text = String(value);
        break;
      case DECIMAL:
        text = Number.isFinite(Number(value)) ? (value as string) : null;
        break;
      case FLOAT:
        text = javaFloatToString(value as number);
        break;
      case BOOL:
        text = value ? "t" : "f";
        break;
      default:
        text = timestampText(value as number);
    }
    if (text === null) {
      const failure = wrongType(ATOMIC_SCHEMA_KEY, value, formatPgType(types[i]!));
      if (failures === null) failures = [failure];
      else failures.push(failure);
    }
    cells[i] = text;
  }
  return failures === null ? ok(cells) : err(failures);
}
