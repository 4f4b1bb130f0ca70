/**
 * @module
 * The schema store over Postgres (a real server or PGlite), in the reference's own tables
 * (`migrations/Bootstrap.scala`), so a database can move between Snowplow's Iglu Server and
 * Furrow's: `iglu_schemas` (no primary key), `iglu_drafts`, `iglu_permissions`, and the enum types
 * `schema_action` and `key_action`. {@link migrateSchemaStore} creates them and adds the two
 * superseding columns older servers lack, as the reference does on start.
 *
 * Additions that do not change the tables' meaning:
 * - two indexes, on `(vendor, name)` and `created_at`;
 * - timestamps are written in UTC (`now() at time zone 'utc'`; the reference uses the session's
 *   zone) and each new or patched schema gets a `created_at` after every existing one, so lists
 *   keep creation order even where the clock ticks in milliseconds (PGlite);
 * - a publish checks its group and writes in one transaction under an advisory lock on the
 *   vendor/name, so two concurrent publishes of a version cannot both succeed;
 * - a draft PUT replaces the draft instead of adding a duplicate row.
 *
 * Postgres rejects text containing NUL; reads with such a value find nothing instead of failing.
 */
import type postgres from "postgres";
import type { SchemaKey } from "../../../core/iglu/schema-key.ts";
import { formatSchemaVer, parseSchemaVer, type SchemaVer } from "../../../core/iglu/schema-ver.ts";
import {
  KEY_ACTIONS,
  type KeyAction,
  type Permission,
  parseVendorScope,
  SCHEMA_ACTIONS,
  type SchemaAction,
  vendorScopeText,
} from "../permission.ts";
import {
  type DraftId,
  instantText,
  type PublishOutcome,
  type SchemaFilter,
  type SchemaListing,
  type SchemaMetadata,
  type SchemaPublication,
  type SchemaStore,
  StorageUnavailable,
  type StoredDraft,
  type StoredSchema,
} from "./schema-store.ts";

// biome-ignore lint/complexity/noBannedTypes: postgres.js's own default type parameter
type Sql = postgres.Sql<{}>;
type Tx = postgres.TransactionSql<Record<string, never>>;

/** Where the tables live: a pool, and the Postgres schema (namespace) holding them. */
export interface PostgresStoreOptions {
  readonly sql: Sql;
  /** `public` by default; tests use one namespace per run. */
  readonly namespace?: string;
}

const NAMESPACE = /^[a-z_][a-z0-9_]{0,62}$/;
// First key of the two-key advisory locks this store takes ("iglu" in ASCII).
const LOCK_SPACE = 0x69676c75;

/**
 * SQLSTATE classes that mean the database is away or overloaded, not that the statement is wrong:
 * connection exception, transaction rollback, insufficient resources, operator intervention
 * (e.g. 57P01 admin_shutdown), system error.
 */
const UNAVAILABLE_CLASSES = new Set(["08", "40", "53", "57", "58"]);

/** True when `e` says the database could not be used, rather than that a query was wrong. */
export function isUnavailable(e: unknown): boolean {
  if (typeof e !== "object" || e === null) return false;
  const code = (e as { code?: unknown }).code;
  if ((e as Error).name === "PostgresError") {
    return typeof code === "string" && UNAVAILABLE_CLASSES.has(code.slice(0, 2));
  }
  // postgres.js' connection errors (CONNECTION_CLOSED, CONNECT_TIMEOUT…) and socket errors
  // (ECONNREFUSED, ECONNRESET…); its other codes (UNDEFINED_VALUE…) are bugs in the caller.
  return typeof code === "string" && (code.startsWith("CONNECT") || /^E[A-Z]+$/.test(code));
}

const hasNul = (...values: string[]): boolean => values.some((v) => v.includes("\u0000"));

interface SchemaRow {
  vendor: string;
  name: string;
  format: string;
  model: number;
  revision: number;
  addition: number;
  created_s: string;
  created_us: string;
  updated_s: string;
  updated_us: string;
  is_public: boolean;
  body?: string;
  superseded_by?: string | null;
  supersedes?: string[] | null;
}

function metadataOf(row: {
  created_s: string;
  created_us: string;
  updated_s: string;
  updated_us: string;
  is_public: boolean;
}): SchemaMetadata {
  return {
    createdAt: instantText(row.created_s, row.created_us),
    updatedAt: instantText(row.updated_s, row.updated_us),
    isPublic: row.is_public,
  };
}

const versionOrNull = (text: string | null | undefined): SchemaVer | null => {
  if (typeof text !== "string") return null;
  const parsed = parseSchemaVer(text);
  return parsed.ok ? parsed.value : null;
};

function keyOf(row: SchemaRow): SchemaKey {
  return {
    vendor: row.vendor,
    name: row.name,
    format: row.format,
    version: { model: row.model, revision: row.revision, addition: row.addition },
  };
}

function schemaOf(row: SchemaRow): StoredSchema {
  return {
    key: keyOf(row),
    metadata: metadataOf(row),
    body: row.body ?? "{}",
    supersededBy: versionOrNull(row.superseded_by),
    // The reference drops entries it cannot parse.
    supersedes: (row.supersedes ?? []).flatMap((v) => versionOrNull(v) ?? []),
  };
}

/** A Postgres array literal of SchemaVers (digits and dashes only, so nothing to quote). */
const versionArray = (versions: readonly SchemaVer[]): string =>
  `{${versions.map(formatSchemaVer).join(",")}}`;

export class PostgresSchemaStore implements SchemaStore {
  readonly kind = "postgres" as const;
  readonly #sql: Sql;
  readonly #ns: string;

  constructor(options: PostgresStoreOptions) {
    const ns = options.namespace ?? "public";
    if (!NAMESPACE.test(ns)) throw new Error(`invalid Postgres schema name for the Iglu tables: ${ns}`);
    this.#sql = options.sql;
    this.#ns = ns;
  }

  #table(name: "iglu_schemas" | "iglu_drafts" | "iglu_permissions") {
    return this.#sql(`${this.#ns}.${name}`);
  }

  #type(name: "schema_action" | "key_action") {
    return this.#sql(`${this.#ns}.${name}`);
  }

  /** Runs `work`, turning lost-database failures into StorageUnavailable. */
  async #run<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (e) {
      if (isUnavailable(e)) {
        throw new StorageUnavailable(`database unavailable: ${(e as Error).message}`, { cause: e });
      }
      throw e;
    }
  }

  #schemaColumns(withBody: boolean) {
    const s = this.#sql;
    const body = withBody
      ? s`, body::text as body, superseded_by, array_to_json(supersedes) as supersedes`
      : s``;
    return s`vendor, name, format, model, revision, addition,
      to_char(created_at, 'YYYY-MM-DD"T"HH24:MI:SS') as created_s, to_char(created_at, 'US') as created_us,
      to_char(updated_at, 'YYYY-MM-DD"T"HH24:MI:SS') as updated_s, to_char(updated_at, 'US') as updated_us,
      is_public ${body}`;
  }

  getSchema(key: SchemaKey): Promise<StoredSchema | null> {
    if (hasNul(key.vendor, key.name, key.format)) return Promise.resolve(null);
    return this.#run(async () => {
      const { model, revision, addition } = key.version;
      const rows = await this.#sql<SchemaRow[]>`
        select ${this.#schemaColumns(true)} from ${this.#table("iglu_schemas")}
        where vendor = ${key.vendor} and name = ${key.name} and format = ${key.format}
          and model = ${model} and revision = ${revision} and addition = ${addition}
        limit 1`;
      return rows[0] ? schemaOf(rows[0]) : null;
    });
  }

  listSchemas(filter: SchemaFilter = {}): Promise<StoredSchema[]> {
    const { vendor, name, model } = filter;
    if (hasNul(vendor ?? "", name ?? "")) return Promise.resolve([]);
    return this.#run(async () => {
      const s = this.#sql;
      const byVendor = vendor === undefined ? s`true` : s`vendor = ${vendor}`;
      const byName = name === undefined ? s`true` : s`name = ${name}`;
      const byModel = model === undefined ? s`true` : s`model = ${model}`;
      const rows = await s<SchemaRow[]>`
        select ${this.#schemaColumns(true)} from ${this.#table("iglu_schemas")}
        where ${byVendor} and ${byName} and ${byModel}
        order by created_at, model, revision, addition`;
      return rows.map(schemaOf);
    });
  }

  listSchemaKeys(): Promise<SchemaListing[]> {
    return this.#run(async () => {
      const rows = await this.#sql<SchemaRow[]>`
        select ${this.#schemaColumns(false)} from ${this.#table("iglu_schemas")}
        order by created_at, model, revision, addition`;
      return rows.map((r) => ({ key: keyOf(r), metadata: metadataOf(r) }));
    });
  }

  publishSchema(p: SchemaPublication): Promise<PublishOutcome> {
    const { vendor, name, format } = p.key;
    if (hasNul(vendor, name, format, p.body)) throw new Error("a schema key or body holds NUL");
    const { model, revision, addition } = p.key.version;
    const table = this.#table("iglu_schemas");
    return this.#run(() =>
      this.#sql.begin(async (tx: Tx) => {
        await tx`select pg_advisory_xact_lock(${LOCK_SPACE}, hashtext(${`${vendor}/${name}`}))`;
        const group = await tx<
          { model: number; revision: number; addition: number; format: string; is_public: boolean }[]
        >`
          select model, revision, addition, format, is_public from ${table}
          where vendor = ${vendor} and name = ${name}`;
        const problem = p.check(
          group.map((r) => ({
            version: { model: r.model, revision: r.revision, addition: r.addition },
            isPublic: r.is_public,
          })),
        );
        if (problem) return { kind: "refused", inconsistency: problem } as const;
        const exists = group.some(
          (r) =>
            r.format === format && r.model === model && r.revision === revision && r.addition === addition,
        );
        // After every existing row, so that lists keep the order of publication.
        const stamp = tx`greatest(now() at time zone 'utc', (select max(created_at) + interval '1 microsecond' from ${table}))`;
        if (exists) {
          await tx`
            update ${table} set created_at = ${stamp}, updated_at = ${stamp},
              is_public = ${p.isPublic}, body = ${p.body}::text::json
            where vendor = ${vendor} and name = ${name} and format = ${format}
              and model = ${model} and revision = ${revision} and addition = ${addition}`;
          return { kind: "stored", updated: true } as const;
        }
        await tx`
          insert into ${table}
            (vendor, name, format, model, revision, addition, created_at, updated_at, is_public, body,
             superseded_by, supersedes)
          select ${vendor}, ${name}, ${format}, ${model}, ${revision}, ${addition}, t, t, ${p.isPublic},
            ${p.body}::text::json, null, ${versionArray(p.supersedes)}::varchar(32)[]
          from (select ${stamp} as t) as stamp`;
        if (p.supersedes.length > 0) {
          const version = formatSchemaVer(p.key.version);
          const listed = p.supersedes.map(
            (v) =>
              tx`(model = ${v.model} and revision = ${v.revision} and addition = ${v.addition}) or superseded_by = ${formatSchemaVer(v)}`,
          );
          const anyListed = listed.reduce((acc, cond) => tx`${acc} or ${cond}`);
          // The reference's updateSupersedingVersion: only NULL or numerically lower values move.
          await tx`
            update ${table} set superseded_by = ${version}
            where vendor = ${vendor} and name = ${name} and (${anyListed})
              and (superseded_by is null
                or string_to_array(superseded_by, '-')::int[] < string_to_array(${version}, '-')::int[])`;
        }
        return { kind: "stored", updated: false } as const;
      }),
    ) as Promise<PublishOutcome>;
  }

  deleteSchema(key: SchemaKey): Promise<void> {
    if (hasNul(key.vendor, key.name, key.format)) return Promise.resolve();
    const { model, revision, addition } = key.version;
    return this.#run(async () => {
      await this.#sql`
        delete from ${this.#table("iglu_schemas")}
        where vendor = ${key.vendor} and name = ${key.name} and format = ${key.format}
          and model = ${model} and revision = ${revision} and addition = ${addition}`;
    });
  }

  #draftColumns() {
    return this.#sql`vendor, name, format, version,
      to_char(created_at, 'YYYY-MM-DD"T"HH24:MI:SS') as created_s, to_char(created_at, 'US') as created_us,
      to_char(updated_at, 'YYYY-MM-DD"T"HH24:MI:SS') as updated_s, to_char(updated_at, 'US') as updated_us,
      is_public, body::text as body`;
  }

  getDraft(id: DraftId): Promise<StoredDraft | null> {
    if (hasNul(id.vendor, id.name, id.format)) return Promise.resolve(null);
    return this.#run(async () => {
      // Snowplow's server may have left duplicates (its PUT always inserts): the newest wins.
      const rows = await this.#sql<DraftRow[]>`
        select ${this.#draftColumns()} from ${this.#table("iglu_drafts")}
        where vendor = ${id.vendor} and name = ${id.name} and format = ${id.format} and version = ${id.version}
        order by updated_at desc limit 1`;
      return rows[0] ? draftOf(rows[0]) : null;
    });
  }

  listDrafts(): Promise<StoredDraft[]> {
    return this.#run(async () => {
      const rows = await this.#sql<DraftRow[]>`
        select ${this.#draftColumns()} from ${this.#table("iglu_drafts")}
        order by created_at, vendor, name, format, version`;
      return rows.map(draftOf);
    });
  }

  putDraft(id: DraftId, body: string, isPublic: boolean): Promise<{ readonly updated: boolean }> {
    if (hasNul(id.vendor, id.name, id.format, body)) throw new Error("a draft id or body holds NUL");
    const table = this.#table("iglu_drafts");
    return this.#run(() =>
      this.#sql.begin(async (tx: Tx) => {
        const key = JSON.stringify([id.vendor, id.name, id.format, id.version]);
        await tx`select pg_advisory_xact_lock(${LOCK_SPACE}, hashtext(${key}))`;
        const updated = await tx`
          update ${table} set updated_at = now() at time zone 'utc', is_public = ${isPublic},
            body = ${body}::text::json
          where vendor = ${id.vendor} and name = ${id.name} and format = ${id.format} and version = ${id.version}`;
        if (updated.count > 0) return { updated: true };
        await tx`
          insert into ${table} (vendor, name, format, version, created_at, updated_at, is_public, body)
          values (${id.vendor}, ${id.name}, ${id.format}, ${id.version}, now() at time zone 'utc',
            now() at time zone 'utc', ${isPublic}, ${body}::text::json)`;
        return { updated: false };
      }),
    ) as Promise<{ updated: boolean }>;
  }

  getPermission(apikey: string): Promise<Permission | null> {
    return this.#run(async () => {
      const rows = await this.#sql<
        {
          vendor: string | null;
          wildcard: boolean;
          schema_action: string | null;
          key_action: string[] | null;
        }[]
      >`
        select vendor, wildcard, schema_action::text as schema_action, array_to_json(key_action) as key_action
        from ${this.#table("iglu_permissions")} where apikey = ${apikey}`;
      const row = rows[0];
      if (!row) return null;
      const schema = SCHEMA_ACTIONS.find((a) => a === row.schema_action) ?? null;
      const key = (row.key_action ?? []).filter((a): a is KeyAction =>
        (KEY_ACTIONS as readonly string[]).includes(a),
      );
      const vendor =
        row.vendor === null ? { parts: [], wildcard: row.wildcard } : parseVendorScope(row.vendor);
      return { vendor, schema: schema as SchemaAction | null, key };
    });
  }

  addPermission(apikey: string, permission: Permission): Promise<void> {
    return this.#run(async () => {
      const keyActions = `{${permission.key.join(",")}}`;
      await this.#sql`
        insert into ${this.#table("iglu_permissions")} (apikey, vendor, wildcard, schema_action, key_action)
        values (${apikey}, ${vendorScopeText(permission.vendor)}, ${permission.vendor.wildcard},
          ${permission.schema}::text::${this.#type("schema_action")},
          ${keyActions}::text::${this.#type("key_action")}[])`;
    });
  }

  deletePermission(apikey: string): Promise<void> {
    return this.#run(async () => {
      await this.#sql`delete from ${this.#table("iglu_permissions")} where apikey = ${apikey}`;
    });
  }

  ping(): Promise<void> {
    return this.#run(async () => {
      await this.#sql`select 42`;
    });
  }

  close(): Promise<void> {
    return this.#sql.end({ timeout: 5 });
  }
}

interface DraftRow {
  vendor: string;
  name: string;
  format: string;
  version: number;
  created_s: string;
  created_us: string;
  updated_s: string;
  updated_us: string;
  is_public: boolean;
  body: string;
}

function draftOf(row: DraftRow): StoredDraft {
  return {
    id: { vendor: row.vendor, name: row.name, format: row.format, version: row.version },
    metadata: metadataOf(row),
    body: row.body,
  };
}

/**
 * Creates the reference's types, tables and columns where missing (`setup`, and every start),
 * in one transaction under an advisory lock so that servers starting together do not race.
 */
export async function migrateSchemaStore(sql: Sql, namespace = "public"): Promise<void> {
  if (!NAMESPACE.test(namespace))
    throw new Error(`invalid Postgres schema name for the Iglu tables: ${namespace}`);
  const id = (name: string) => sql(`${namespace}.${name}`);
  try {
    await sql.begin(async (tx: Tx) => {
      await tx`select pg_advisory_xact_lock(${LOCK_SPACE}, 0)`;
      await tx`create schema if not exists ${sql(namespace)}`;
      const types = await tx<{ typname: string }[]>`
        select t.typname from pg_type t join pg_namespace n on n.oid = t.typnamespace
        where n.nspname = ${namespace} and t.typname in ('key_action', 'schema_action')`;
      const has = (name: string) => types.some((t) => t.typname === name);
      if (!has("key_action")) await tx`create type ${id("key_action")} as enum ('CREATE', 'DELETE')`;
      if (!has("schema_action")) {
        await tx`create type ${id("schema_action")} as enum ('READ', 'BUMP', 'CREATE', 'CREATE_VENDOR')`;
      }
      await tx`
        create table if not exists ${id("iglu_permissions")} (
          apikey        uuid                      not null,
          vendor        varchar(128),
          wildcard      bool                      not null,
          schema_action ${id("schema_action")},
          key_action    ${id("key_action")}[]     not null,
          primary key (apikey)
        )`;
      await tx`
        create table if not exists ${id("iglu_schemas")} (
          vendor        varchar(128) not null,
          name          varchar(128) not null,
          format        varchar(128) not null,
          model         integer      not null,
          revision      integer      not null,
          addition      integer      not null,
          created_at    timestamp    not null,
          updated_at    timestamp    not null,
          is_public     boolean      not null,
          body          json         not null,
          superseded_by varchar(32)  null,
          supersedes    varchar(32) array null
        )`;
      await tx`
        create table if not exists ${id("iglu_drafts")} (
          vendor     varchar(128) not null,
          name       varchar(128) not null,
          format     varchar(128) not null,
          version    integer      not null,
          created_at timestamp    not null,
          updated_at timestamp    not null,
          is_public  boolean      not null,
          body       json         not null
        )`;
      // The reference's automatic migrations (runAutomaticMigrations), for tables made before 0.9.
      await tx`alter table ${id("iglu_schemas")} add column if not exists superseded_by varchar(32)`;
      await tx`alter table ${id("iglu_schemas")} add column if not exists supersedes varchar(32) array`;
      await tx`create index if not exists iglu_schemas_vendor_name_idx on ${id("iglu_schemas")} (vendor, name)`;
      await tx`create index if not exists iglu_schemas_created_at_idx on ${id("iglu_schemas")} (created_at)`;
    });
  } catch (e) {
    if (isUnavailable(e))
      throw new StorageUnavailable(`database unavailable: ${(e as Error).message}`, { cause: e });
    throw e;
  }
}
