/**
 * @module
 * Loads batches of enriched TSV lines: events into `<schema>.events`, each context and
 * unstructured event into its vendor/name/MODEL table (snowplow-postgres-loader, purpose
 * ENRICHED_EVENTS). What Furrow does differently, and why:
 *
 * - **Batches, not events.** Snowplow inserts each event in its own transaction, row by row. Here a
 *   batch is one transaction, and every table's rows go in with one COPY each (one JSON insert on
 *   PGlite). Tables are created or migrated before the transaction (DDL commits on its own).
 * - **Idempotent.** A unique index on (event_id, collector_tstamp) makes the database refuse an
 *   event it holds already, and entity rows are only ever written in the transaction that writes
 *   their event, so they need no key of their own. A batch is first written optimistically: repeats
 *   within the batch are dropped, and everything else is copied. If the index refuses a row (a
 *   replay, an at-least-once duplicate, a batch that committed but whose acknowledgement was lost,
 *   or another loader that wrote the same event first), the transaction rolls back and the batch is
 *   written again after one indexed look-up of its keys inside the transaction, skipping those
 *   events with all their entities. Streams are mostly fresh events, so the common batch pays for
 *   no look-up; a replayed batch pays one failed attempt.
 * - **Bad rows, not lost batches.** Values that cannot be stored are found before the database sees
 *   them (`loader_iglu_error`). If the database still refuses the data (SQLSTATE classes 22/23), the
 *   batch is split in halves until the refused events are alone, and each becomes a
 *   `loader_runtime_error`; the rest loads. Any other database failure (lost connection, shutdown)
 *   is thrown, so the consumer retries the whole batch and never checkpoints past it.
 *
 * Two paths give the same result. The streaming path, taken first, decodes and shreds the batch a
 * chunk at a time inside the events COPY, so that JavaScript works while the server parses (they
 * run on different cores); most lines go through the fast lane (`line-shred.ts`), and their events
 * rows are copied from the lines themselves (`events-copy.ts`); it needs every entity table to be prepared already, and writes without
 * looking keys up. When a table is not prepared, or the database refuses something (a known key,
 * bad data), the batch is rolled back and loaded by the careful path: decode all, create or migrate
 * tables, shred all, look the keys up, then write, bisecting on refused data.
 */
import {
  type BadRow,
  loaderIgluError,
  loaderParsingError,
  loaderRuntimeError,
} from "../../core/badrows/bad-row.ts";
import type { LoaderIgluFailure } from "../../core/badrows/loader-failure.ts";
import type { Processor } from "../../core/badrows/processor.ts";
import type { EnrichedEvent } from "../../core/event/enriched-event.ts";
import type { NonEmpty } from "../../core/iglu/client-error.ts";
import { parseSchemaKey, type SchemaKey } from "../../core/iglu/schema-key.ts";
import {
  ATOMIC_COLUMNS,
  createEventsKeyIndexSql,
  createEventsTableSql,
  EVENTS_TABLE,
} from "../../core/postgres-load/atomic-events.ts";
import { shreddedBatch, shredLines } from "../../core/postgres-load/batch-shredder.ts";
import { decodeForLoading } from "../../core/postgres-load/enriched-input.ts";
import { type EntityTable, META_COLUMNS } from "../../core/postgres-load/entity-table.ts";
import type { EventsChunk } from "../../core/postgres-load/events-copy.ts";
import { quoteIdentifier } from "../../core/postgres-load/identifier.ts";
import { loaderPayloadOf } from "../../core/postgres-load/loader-payload.ts";
import { copyBytes, type TargetColumn } from "../../core/postgres-load/row-encoding.ts";
import {
  type EntityTarget,
  entitiesOf,
  firstOfEachKey,
  rowsByTable,
  type ShreddedEvent,
  shredEvent,
} from "../../core/postgres-load/shred.ts";
import {
  COPY_CHUNK_ROWS,
  isDataError,
  isWriteConflict,
  type LoaderDatabase,
  type LoaderTransaction,
} from "./database.ts";
import type { EntityTableCatalog } from "./table-catalog.ts";

/** What one batch came to. `loaded + duplicates + bad.length` is the number of lines. */
export interface LoadSummary {
  readonly records: number;
  /** Events (or records) written by this batch. */
  readonly loaded: number;
  /** Already in the table, or repeated within the batch: skipped. */
  readonly duplicates: number;
  /** Lines that could not be loaded, as bad rows for the failures stream. */
  readonly bad: readonly BadRow[];
}

interface Candidate {
  readonly shredded: ShreddedEvent;
  readonly event: EnrichedEvent;
}

/** The streaming path met an entity table this process has not prepared: take the careful path. */
class TablesNotReady extends Error {
  override readonly name = "TablesNotReady";
}

/** Creates the schema, the events table and its unique key, under one advisory lock. */
export async function prepareEventsTable(db: LoaderDatabase, schema: string): Promise<void> {
  await db.locked(`${schema}.${EVENTS_TABLE}`, async (tx) => {
    await tx.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
    await tx.run(createEventsTableSql(schema));
    await tx.run(createEventsKeyIndexSql(schema));
  });
}

export class EnrichedLoader {
  readonly #db: LoaderDatabase;
  readonly #catalog: EntityTableCatalog;
  readonly #schema: string;
  readonly #processor: Processor;
  readonly #entityColumns = new WeakMap<EntityTable, readonly TargetColumn[]>();
  /** Parsed entity schema URIs (a bounded set in practice: one per schema version in use). */
  readonly #keys = new Map<string, SchemaKey | null>();
  /** Prepared targets by URI, valid while the catalog's version is `#targetsVersion`. */
  readonly #targets = new Map<string, EntityTarget>();
  #targetsVersion = -1;

  constructor(options: {
    readonly db: LoaderDatabase;
    readonly catalog: EntityTableCatalog;
    readonly schema: string;
    readonly processor: Processor;
  }) {
    this.#db = options.db;
    this.#catalog = options.catalog;
    this.#schema = options.schema;
    this.#processor = options.processor;
  }

  /** Loads `lines` (enriched TSV, one event each) in one transaction (more only to bisect refused data). */
  async load(lines: readonly string[]): Promise<LoadSummary> {
    try {
      return await this.#db.transaction((tx) => this.#stream(tx, lines));
    } catch (e) {
      if (!(e instanceof TablesNotReady || isDataError(e) || isWriteConflict(e))) throw e;
      return this.#loadCarefully(lines);
    }
  }

  #schemaKey(uri: string): SchemaKey | null {
    let key = this.#keys.get(uri);
    if (key === undefined) {
      const parsed = parseSchemaKey(uri);
      key = parsed.ok ? parsed.value : null;
      if (this.#keys.size < 10_000) this.#keys.set(uri, key);
    }
    return key;
  }

  /**
   * The target of `uri` if the catalog has it at that version; throws TablesNotReady otherwise.
   * Targets are remembered per URI until the catalog changes a table.
   */
  #cachedTarget = (uri: string): EntityTarget => {
    if (this.#targetsVersion !== this.#catalog.version) {
      this.#targets.clear();
      this.#targetsVersion = this.#catalog.version;
    }
    let target = this.#targets.get(uri);
    if (target === undefined) {
      const key = this.#schemaKey(uri);
      target = key === null ? undefined : this.#catalog.cached(key);
      if (target === undefined) throw new TablesNotReady(uri);
      if (this.#targets.size < 10_000) this.#targets.set(uri, target);
    }
    return target;
  };

  /**
   * The streaming path on this thread: one pass that decodes, shreds and writes, chunk by chunk.
   * With COPY, the entity rows of each chunk are encoded while the server reads that chunk's events
   * rows (as the next chunk is asked for), so that their COPYs afterwards only send bytes.
   */
  async #stream(tx: LoaderTransaction, lines: readonly string[]): Promise<LoadSummary> {
    const schema = this.#schema;
    const batch = shreddedBatch();
    // A small first chunk: the server starts reading while the rest of the batch is shredded.
    const chunks = shredLines(lines, this.#cachedTarget, this.#processor, COPY_CHUNK_ROWS, batch, 16);
    if (!tx.copies) {
      const loaded = await tx.insertEventsChunks(schema, chunks);
      for (const [table, cells] of batch.entityRows) {
        await tx.insertRows(schema, table.name, this.#columnsOf(table), cells);
      }
      return { records: lines.length, loaded, duplicates: batch.repeats, bad: batch.bad };
    }
    const encoded = new Map<EntityTable, { rows: number; pieces: Uint8Array[] }>();
    const encodeNewRows = () => {
      for (const [table, cells] of batch.entityRows) {
        let done = encoded.get(table);
        if (done === undefined) {
          done = { rows: 0, pieces: [] };
          encoded.set(table, done);
        }
        if (cells.length > done.rows) {
          done.pieces.push(copyBytes(cells, done.rows));
          done.rows = cells.length;
        }
      }
    };
    function* encodingAlong(): Generator<EventsChunk> {
      for (const chunk of chunks) {
        yield chunk;
        encodeNewRows();
      }
    }
    const loaded = await tx.insertEventsChunks(schema, encodingAlong());
    encodeNewRows();
    for (const [table, done] of encoded) {
      await tx.copyEncoded(schema, table.name, this.#columnsOf(table), done.pieces);
    }
    return { records: lines.length, loaded, duplicates: batch.repeats, bad: batch.bad };
  }

  /** The careful path: decode all, prepare tables, shred all, write bisecting on refused data. */
  async #loadCarefully(lines: readonly string[]): Promise<LoadSummary> {
    const bad: BadRow[] = [];
    const events: EnrichedEvent[] = [];
    for (const line of lines) {
      const decoded = decodeForLoading(line);
      if (decoded.ok) events.push(decoded.value);
      else bad.push(loaderParsingError(this.#processor, decoded.error, line));
    }
    const targets = await this.#prepareTables(events);
    const candidates: Candidate[] = [];
    for (const event of events) {
      const shredded = shredEvent(event, (uri) => targets.get(uri)!);
      if ("key" in shredded) candidates.push({ shredded, event });
      else bad.push(this.#igluError(shredded, event));
    }
    const { unique, repeated } = firstOfEachKey(
      candidates.map((c) => ({ key: c.shredded.key, candidate: c })),
    );
    const written = await this.#writeBisecting(
      unique.map((u) => u.candidate),
      bad,
    );
    return { records: lines.length, loaded: written.loaded, duplicates: repeated + written.skipped, bad };
  }

  /** The target (or failure) of every entity schema in the batch; tables are built as needed. */
  async #prepareTables(
    events: readonly EnrichedEvent[],
  ): Promise<Map<string, EntityTarget | LoaderIgluFailure>> {
    const targets = new Map<string, EntityTarget | LoaderIgluFailure>();
    for (const event of events) {
      for (const entity of entitiesOf(event)) {
        if (targets.has(entity.schema)) continue;
        const key = this.#schemaKey(entity.schema);
        // The TSV decoder accepts only valid Iglu URIs, so this holds for every decoded event.
        if (key === null) throw new Error(`entity schema ${entity.schema} is not an Iglu URI`);
        targets.set(entity.schema, await this.#catalog.prepare(key));
      }
    }
    return targets;
  }

  #igluError(failures: NonEmpty<LoaderIgluFailure>, event: EnrichedEvent): BadRow {
    return loaderIgluError(this.#processor, failures, loaderPayloadOf(event));
  }

  #columnsOf(table: EntityTable): readonly TargetColumn[] {
    let columns = this.#entityColumns.get(table);
    if (columns === undefined) {
      columns = [...META_COLUMNS, ...table.columns];
      this.#entityColumns.set(table, columns);
    }
    return columns;
  }

  /** Writes in one transaction; on refused data, halves until the refused events are alone. */
  async #writeBisecting(
    candidates: readonly Candidate[],
    bad: BadRow[],
  ): Promise<{ loaded: number; skipped: number }> {
    if (candidates.length === 0) return { loaded: 0, skipped: 0 };
    try {
      return await this.#writeRetryingConflicts(candidates);
    } catch (e) {
      if (!isDataError(e)) throw e;
      if (candidates.length === 1) {
        const message = e instanceof Error ? e.message : String(e);
        bad.push(loaderRuntimeError(this.#processor, message, loaderPayloadOf(candidates[0]!.event)));
        return { loaded: 0, skipped: 0 };
      }
      const half = Math.ceil(candidates.length / 2);
      const first = await this.#writeBisecting(candidates.slice(0, half), bad);
      const second = await this.#writeBisecting(candidates.slice(half), bad);
      return { loaded: first.loaded + second.loaded, skipped: first.skipped + second.skipped };
    }
  }

  /** One transaction; run again once if a concurrent loader committed one of the keys first. */
  async #writeRetryingConflicts(
    candidates: readonly Candidate[],
  ): Promise<{ loaded: number; skipped: number }> {
    try {
      return await this.#write(candidates);
    } catch (e) {
      if (!isWriteConflict(e)) throw e;
      return this.#write(candidates);
    }
  }

  async #write(candidates: readonly Candidate[]): Promise<{ loaded: number; skipped: number }> {
    const schema = this.#schema;
    return this.#db.transaction(async (tx) => {
      const existing = await tx.existingEventKeys(
        schema,
        candidates.map((c) => c.event.event_id!),
      );
      const fresh =
        existing.size === 0 ? candidates : candidates.filter((c) => !existing.has(c.shredded.key));
      const rows = rowsByTable(fresh.map((c) => c.shredded));
      await tx.insertRows(schema, EVENTS_TABLE, ATOMIC_COLUMNS, rows.events);
      for (const [table, cells] of rows.entities) {
        await tx.insertRows(schema, table.name, this.#columnsOf(table), cells);
      }
      return { loaded: fresh.length, skipped: candidates.length - fresh.length };
    });
  }
}
