/**
 * @module
 * The entity tables of one database schema, created and migrated from Iglu as entities arrive
 * (snowplow-postgres-loader `api/State.scala` and `storage/ddl.scala`):
 *
 * - A table this process has not built yet, or one whose newest known version is older than an
 *   arriving entity's, is (re)built: the resolver lists the model's versions (`listSchemasLike`, so
 *   a cached list without the new version is fetched again; `lookupSchemasUntil` for registries
 *   without lists), every schema is fetched, and under the table's advisory lock the table is
 *   created with all their columns, or migrated with `ADD COLUMN`, and its comment set to the
 *   newest version's URI.
 * - Entities of a version the table already covers need nothing from Iglu or the database.
 * - An entity whose schemas no registry has becomes a `loader_iglu_error`; a registry that cannot
 *   be reached is not the event's fault, so {@link IgluUnavailableError} is thrown and the batch is
 *   retried later (Snowplow writes a bad row either way).
 */

import { igluError } from "../../core/badrows/failure-message.ts";
import type { LoaderIgluFailure } from "../../core/badrows/loader-failure.ts";
import { schemaListNotFound } from "../../core/badrows/loader-failure.ts";
import type { KeyedSchema, Resolver } from "../../core/iglu/resolver.ts";
import { schemaCriterion } from "../../core/iglu/schema-criterion.ts";
import { formatSchemaKey, type SchemaKey, sameSchemaKey } from "../../core/iglu/schema-key.ts";
import { compareSchemaVer, type SchemaVer } from "../../core/iglu/schema-ver.ts";
import {
  commentOnTableSql,
  createEntityTableSql,
  type EntityTable,
  META_COLUMN_NAMES,
  planMigration,
  tableCommentKey,
} from "../../core/postgres-load/entity-table.ts";
import { entityColumns } from "../../core/postgres-load/flat-schema.ts";
import { tableNameOf } from "../../core/postgres-load/identifier.ts";
import type { EntityTarget } from "../../core/postgres-load/shred.ts";
import { err, ok, type Result } from "../../core/result.ts";
import type { LoaderDatabase } from "./database.ts";

/** Iglu registries could not be reached: the batch waits and is retried, nothing becomes a bad row. */
export class IgluUnavailableError extends Error {
  override readonly name = "IgluUnavailableError";
}

interface Built {
  /** The newest version the table's columns cover. */
  readonly latest: SchemaVer;
  readonly table: EntityTable;
}

/** What the catalog reports (DDL it ran), for logs. */
export type CatalogEvent =
  | { readonly type: "table-created"; readonly table: string; readonly schemaKey: string }
  | {
      readonly type: "table-migrated";
      readonly table: string;
      readonly schemaKey: string;
      readonly statements: readonly string[];
    };

export class EntityTableCatalog {
  readonly #db: LoaderDatabase;
  readonly #resolver: Resolver;
  readonly #schema: string;
  readonly #onEvent: (event: CatalogEvent) => void;
  readonly #tables = new Map<string, Built>();
  #version = 0;
  /** One build per table at a time within this process (the advisory lock covers other processes). */
  readonly #building = new Map<string, Promise<EntityTarget | LoaderIgluFailure>>();

  constructor(options: {
    readonly db: LoaderDatabase;
    readonly resolver: Resolver;
    readonly schema: string;
    readonly onEvent?: (event: CatalogEvent) => void;
  }) {
    this.#db = options.db;
    this.#resolver = options.resolver;
    this.#schema = options.schema;
    this.#onEvent = options.onEvent ?? (() => {});
  }

  /** Grows each time a table is (re)built, so that callers can tell their cached targets are stale. */
  get version(): number {
    return this.#version;
  }

  /** The table for `key` if this process has it at that version already; no I/O. */
  cached(key: SchemaKey): EntityTarget | undefined {
    const built = this.#tables.get(tableNameOf(key));
    return built !== undefined && compareSchemaVer(built.latest, key.version) >= 0
      ? { key, table: built.table }
      : undefined;
  }

  /** The table for entities of `key`, created or migrated if needed, or why there cannot be one. */
  async prepare(key: SchemaKey): Promise<EntityTarget | LoaderIgluFailure> {
    const hit = this.cached(key);
    if (hit !== undefined) return hit;
    const table = tableNameOf(key);
    for (;;) {
      const running = this.#building.get(table);
      if (running === undefined) break;
      await running.catch(() => {});
      const again = this.cached(key);
      if (again !== undefined) return again;
    }
    const build = this.#build(key, table);
    this.#building.set(table, build);
    try {
      return await build;
    } finally {
      this.#building.delete(table);
    }
  }

  async #build(key: SchemaKey, table: string): Promise<EntityTarget | LoaderIgluFailure> {
    const schemas = await this.#schemasOf(key);
    if (!schemas.ok) return schemas.error;
    const newest = schemas.value.at(-1)!.key;
    const desired = entityColumns(
      schemas.value.map((s) => s.schema),
      META_COLUMN_NAMES,
    );
    const schema = this.#schema;
    const built = await this.#db.locked(`${schema}.${table}`, async (tx): Promise<Built> => {
      const state = await tx.tableState(schema, table);
      if (state === null) {
        await tx.run(createEntityTableSql(schema, table, desired));
        await tx.run(commentOnTableSql(schema, table, newest));
        this.#onEvent({ type: "table-created", table, schemaKey: formatSchemaKey(newest) });
        return { latest: newest.version, table: { name: table, columns: desired } };
      }
      const migration = planMigration(schema, table, state.columns, desired);
      for (const statement of migration.statements) await tx.run(statement);
      const commented = tableCommentKey(state.comment);
      if (commented === null || compareSchemaVer(commented.version, newest.version) < 0) {
        await tx.run(commentOnTableSql(schema, table, newest));
      }
      if (migration.statements.length > 0) {
        this.#onEvent({
          type: "table-migrated",
          table,
          schemaKey: formatSchemaKey(newest),
          statements: migration.statements,
        });
      }
      return { latest: newest.version, table: migration.table };
    });
    this.#tables.set(table, built);
    this.#version++;
    return { key, table: built.table };
  }

  /** Every schema of `key`'s model, oldest first, including `key`. */
  async #schemasOf(key: SchemaKey): Promise<Result<KeyedSchema[], LoaderIgluFailure>> {
    const resolver = this.#resolver;
    const unavailable = (what: string) =>
      new IgluUnavailableError(`Iglu registries could not be reached for ${what} (${formatSchemaKey(key)})`);
    const listed = await resolver.listSchemasLike(key);
    // The resolver keeps a cached list when fetching it again fails, so the key may still be absent.
    if (listed.ok && listed.value.some((k) => sameSchemaKey(k, key))) {
      return this.#fetchAll(listed.value, unavailable);
    }
    if (!listed.ok && !resolver.isNotFound(listed.error)) throw unavailable("the schema list");
    // Registries without list endpoints (a static Iglu Central): probe versions up to the key.
    const probed = await resolver.lookupSchemasUntil(key);
    if (probed.ok) return ok([...probed.value]);
    if (!resolver.isNotFound(probed.error.error)) throw unavailable("the schemas");
    const criterion = schemaCriterion(key.vendor, key.name, key.format, key.version.model);
    return err(schemaListNotFound(criterion, listed.ok ? probed.error.error : listed.error));
  }

  /** Every schema of a list, in its order. */
  async #fetchAll(
    keys: readonly SchemaKey[],
    unavailable: (what: string) => Error,
  ): Promise<Result<KeyedSchema[], LoaderIgluFailure>> {
    const resolver = this.#resolver;
    const schemas: KeyedSchema[] = [];
    for (const listedKey of keys) {
      const schema = await resolver.lookupSchema(listedKey);
      if (!schema.ok) {
        if (!resolver.isNotFound(schema.error)) throw unavailable("a schema");
        return err(igluError(listedKey, schema.error));
      }
      schemas.push({ key: listedKey, schema: schema.value });
    }
    return ok(schemas);
  }
}
