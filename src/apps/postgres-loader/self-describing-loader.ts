/**
 * @module
 * Loads batches of self-describing JSON records (the Postgres loader's JSON purpose; in Furrow, the
 * bad rows of the bad-1 stream) into one table per schema vendor/name/MODEL, laid out as
 * `core/postgres-load/self-describing-table.ts` describes. Idempotent by `row_hash`, the SHA-256 of
 * the record: the same look-up-then-write in one transaction as the enriched loader, guarded by the
 * column's unique constraint. A record that is not self-describing JSON, or that the database
 * refuses, becomes a `generic_error` (Snowplow's JSON purpose reports every failure that way).
 */
import { type BadRow, genericError } from "../../core/badrows/bad-row.ts";
import type { Processor } from "../../core/badrows/processor.ts";
import type { Cells } from "../../core/postgres-load/cell.ts";
import { quoteIdentifier } from "../../core/postgres-load/identifier.ts";
import {
  createSelfDescribingTableSql,
  parseSelfDescribingRecord,
  ROW_HASH_COLUMN,
  rowHash,
  SELF_DESCRIBING_COLUMNS,
  type SelfDescribingRecord,
  selfDescribingCells,
  selfDescribingTableComment,
} from "../../core/postgres-load/self-describing-table.ts";
import { firstOfEachKey } from "../../core/postgres-load/shred.ts";
import { isDataError, isWriteConflict, type LoaderDatabase } from "./database.ts";
import type { LoadSummary } from "./enriched-loader.ts";

interface Candidate {
  readonly key: string;
  readonly record: SelfDescribingRecord;
  readonly text: string;
  readonly cells: Cells;
}

export class SelfDescribingLoader {
  readonly #db: LoaderDatabase;
  readonly #schema: string;
  readonly #processor: Processor;
  readonly #tables = new Set<string>();
  #schemaCreated = false;

  constructor(options: {
    readonly db: LoaderDatabase;
    readonly schema: string;
    readonly processor: Processor;
  }) {
    this.#db = options.db;
    this.#schema = options.schema;
    this.#processor = options.processor;
  }

  /** Loads `lines` (one JSON record each). */
  async load(lines: readonly string[]): Promise<LoadSummary> {
    const bad: BadRow[] = [];
    const parsed: { record: SelfDescribingRecord; text: string }[] = [];
    for (const text of lines) {
      const record = parseSelfDescribingRecord(text);
      if (record.ok) parsed.push({ record: record.value, text });
      else bad.push(this.#genericError(record.error, text));
    }
    const hashes = await Promise.all(parsed.map((p) => rowHash(p.text)));
    const all: Candidate[] = parsed.map((p, i) => ({
      key: hashes[i]!,
      record: p.record,
      text: p.text,
      cells: selfDescribingCells(p.record, hashes[i]!),
    }));
    const { unique, repeated } = firstOfEachKey(all);
    await this.#prepareTables(unique);
    const written = await this.#writeBisecting(unique, bad);
    return {
      records: lines.length,
      loaded: written.loaded,
      duplicates: repeated + written.skipped,
      bad,
    };
  }

  #genericError(message: string, text: string): BadRow {
    return genericError(this.#processor, { timestamp: new Date(), errors: [message] }, text);
  }

  async #prepareTables(candidates: readonly Candidate[]): Promise<void> {
    const schema = this.#schema;
    if (!this.#schemaCreated) {
      await this.#db.locked(schema, (tx) => tx.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`));
      this.#schemaCreated = true;
    }
    for (const { record } of candidates) {
      if (this.#tables.has(record.table)) continue;
      await this.#db.locked(`${schema}.${record.table}`, async (tx) => {
        if ((await tx.tableState(schema, record.table)) !== null) return;
        await tx.run(createSelfDescribingTableSql(schema, record.table));
        await tx.run(selfDescribingTableComment(schema, record.table, record.key));
      });
      this.#tables.add(record.table);
    }
  }

  async #writeBisecting(
    candidates: readonly Candidate[],
    bad: BadRow[],
  ): Promise<{ loaded: number; skipped: number }> {
    if (candidates.length === 0) return { loaded: 0, skipped: 0 };
    try {
      try {
        return await this.#write(candidates);
      } catch (e) {
        if (!isWriteConflict(e)) throw e;
        return await this.#write(candidates);
      }
    } catch (e) {
      if (!isDataError(e)) throw e;
      if (candidates.length === 1) {
        const message = e instanceof Error ? e.message : String(e);
        bad.push(this.#genericError(`the database refused the record: ${message}`, candidates[0]!.text));
        return { loaded: 0, skipped: 0 };
      }
      const half = Math.ceil(candidates.length / 2);
      const first = await this.#writeBisecting(candidates.slice(0, half), bad);
      const second = await this.#writeBisecting(candidates.slice(half), bad);
      return { loaded: first.loaded + second.loaded, skipped: first.skipped + second.skipped };
    }
  }

  async #write(candidates: readonly Candidate[]): Promise<{ loaded: number; skipped: number }> {
    const schema = this.#schema;
    const byTable = new Map<string, Candidate[]>();
    for (const c of candidates) {
      const list = byTable.get(c.record.table);
      if (list === undefined) byTable.set(c.record.table, [c]);
      else list.push(c);
    }
    return this.#db.transaction(async (tx) => {
      let loaded = 0;
      for (const [table, list] of byTable) {
        const existing = await tx.existingValues(
          schema,
          table,
          ROW_HASH_COLUMN,
          list.map((c) => c.key),
        );
        const fresh = list.filter((c) => !existing.has(c.key));
        await tx.insertRows(
          schema,
          table,
          SELF_DESCRIBING_COLUMNS,
          fresh.map((c) => c.cells),
        );
        loaded += fresh.length;
      }
      return { loaded, skipped: candidates.length - loaded };
    });
  }
}
