/**
 * @module
 * The loader's database: sessions on PostgreSQL or PGlite, what the server can do, and the few
 * statements the loader runs: DDL under an advisory lock, the idempotency look-ups, and set-based
 * row writes (COPY FROM STDIN, or the JSON `INSERT … SELECT` where COPY is unsafe).
 *
 * **Sessions, not `sql.begin`.** Each session is a postgres.js client of one connection, reused
 * while it is healthy. postgres.js 3.4 crashes the process when a connection closes inside
 * `sql.begin`: its own ROLLBACK is written to the closed socket from a `setImmediate`
 * (porsager/postgres#1208, #1154, PRs #1209 and #1215, open), and a client of one connection would
 * silently reconnect and run the rest of a transaction outside it. So a session notes when its
 * connection closes (the `onclose` option), no statement is sent once it has, and a transaction
 * that fails for any reason is not rolled back over the wire: its session is ended, and the server
 * rolls the transaction back when the connection goes. Only a session whose transaction committed
 * is reused.
 *
 * **Capability.** PGlite behind pglite-socket dies on `COPY … FROM STDIN` (electric-sql/pglite
 * PR #1028), so a server whose `version()` names PGlite is written with the JSON insert, whether
 * it runs in this process or behind `furrow up` in another; it serves one connection at a time, so
 * it gets one session.
 *
 * **Bytes, not text.** COPY data is written as UTF-8 bytes straight from the cells
 * (`copyBytes`), and the events rows of a stream pass from their TSV lines (`events-copy.ts`, with
 * `NULL ''`): the loader's own CPU is what bounds its rate on a small machine that also runs the
 * server, so each byte is handled as few times as possible.
 *
 * Sessions run with `TimeZone=UTC`, so no TIMESTAMP value depends on where the loader runs.
 */
import { once } from "node:events";
import postgres from "postgres";
import type { PostgresTarget } from "../../adapters/postgres/connect.ts";
import { ATOMIC_COLUMNS, EVENTS_TABLE } from "../../core/postgres-load/atomic-events.ts";
import type { Cells } from "../../core/postgres-load/cell.ts";
import { pgTypeOfColumn } from "../../core/postgres-load/column-type.ts";
import type { ExistingColumn } from "../../core/postgres-load/entity-table.ts";
import { type EventsChunk, eventsCopyBytes } from "../../core/postgres-load/events-copy.ts";
import { qualifiedName, quoteIdentifier } from "../../core/postgres-load/identifier.ts";
import {
  copyBytes,
  copySql,
  insertFromJsonSql,
  jsonRowsText,
  type TargetColumn,
} from "../../core/postgres-load/row-encoding.ts";

// biome-ignore lint/complexity/noBannedTypes: postgres.js's own default type parameter
type NoCustomTypes = {};
type Client = postgres.Sql<NoCustomTypes>;

/** What the server can do, found once at connection. */
export interface DatabaseCapabilities {
  /** False for PGlite, which dies on COPY FROM STDIN through pglite-socket. */
  readonly copyFromStdin: boolean;
  /** `version()`, for logs. */
  readonly server: string;
}

/** A table as the catalog has it. */
export interface TableState {
  /** `COMMENT ON TABLE`, if any. */
  readonly comment: string | null;
  readonly columns: readonly ExistingColumn[];
}

/** The session's connection closed: the statement was not sent, the transaction is gone. */
export class ConnectionLostError extends Error {
  override readonly name = "ConnectionLostError";
  readonly code = "CONNECTION_CLOSED";
}

/** Errors the server reports about the data of one statement (SQLSTATE classes 22 and 23). */
export function isDataError(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  if (typeof code !== "string" || (e as { name?: unknown }).name !== "PostgresError") return false;
  return (code.startsWith("22") || code.startsWith("23")) && code !== "23505";
}

/**
 * A conflict with another writer that a new attempt resolves: a unique violation (the key was
 * committed since this batch looked, or the batch did not look), a deadlock, a serialization
 * failure.
 */
export function isWriteConflict(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  return code === "23505" || code === "40P01" || code === "40001";
}

/** One connection, and whether it has closed. */
class Session {
  readonly client: Client;
  lost = false;

  constructor(target: PostgresTarget, connectTimeoutSeconds: number) {
    this.client = postgres(target.url, {
      max: 1,
      onnotice: () => {},
      onclose: () => {
        this.lost = true;
      },
      // No array parameters are sent, so the array types need not be fetched on each connection.
      fetch_types: false,
      // A connection is only closed while idle between transactions, never under one.
      max_lifetime: null,
      connect_timeout: connectTimeoutSeconds,
      connection: { TimeZone: "UTC", application_name: "furrow-postgres-loader" },
    });
  }

  /** Throws instead of sending on a closed connection (which postgres.js would reopen). */
  check(): void {
    if (this.lost) throw new ConnectionLostError("the database connection closed during the transaction");
  }

  /** Ends the connection, waiting up to `seconds` for a query in flight (none after a failure). */
  end(seconds: number): Promise<void> {
    return this.client.end({ timeout: seconds });
  }
}

/** One transaction's statements. */
export class LoaderTransaction {
  readonly #session: Session;
  readonly #capabilities: DatabaseCapabilities;

  constructor(session: Session, capabilities: DatabaseCapabilities) {
    this.#session = session;
    this.#capabilities = capabilities;
  }

  /** Runs one statement and returns its rows. */
  async query<T extends Record<string, unknown>>(
    statement: string,
    parameters: readonly string[] = [],
  ): Promise<T[]> {
    this.#session.check();
    const rows = await this.#session.client.unsafe(statement, [...parameters]);
    return rows as unknown as T[];
  }

  /** Runs one statement without parameters. */
  async run(statement: string): Promise<void> {
    await this.query(statement);
  }

  /** The table's comment and columns, or null when there is no such table. */
  async tableState(schema: string, table: string): Promise<TableState | null> {
    const found = await this.query<{ comment: string | null }>(
      `SELECT obj_description(c.oid, 'pg_class') AS comment
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')`,
      [schema, table],
    );
    if (found.length === 0) return null;
    const columns = await this.query<{
      name: string;
      data_type: string;
      length: number | string | null;
      is_nullable: string;
    }>(
      `SELECT column_name AS name, data_type, character_maximum_length AS length, is_nullable
       FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2
       ORDER BY ordinal_position`,
      [schema, table],
    );
    return {
      comment: found[0]?.comment ?? null,
      columns: columns.map((c) => ({
        name: c.name,
        type: pgTypeOfColumn(c.data_type, c.length === null ? null : Number(c.length)),
        notNull: c.is_nullable === "NO",
      })),
    };
  }

  /**
   * The {@link eventKey}s of the events table's rows whose event_id is one of `eventIds`: one
   * look-up for the whole batch. `= ANY` on the index's leading column plans as an index scan
   * whatever the table's statistics say (a join with `unnest` plans as a full scan on a table that
   * was never analysed); the caller matches the collector_tstamp part.
   */
  async existingEventKeys(schema: string, eventIds: readonly string[]): Promise<Set<string>> {
    if (eventIds.length === 0) return new Set();
    const rows = await this.query<{ key: string }>(
      `SELECT lower(event_id::text) || ' ' || to_char(collector_tstamp, 'YYYY-MM-DD HH24:MI:SS.MS') AS key
       FROM ${qualifiedName(schema, "events")} WHERE event_id = ANY(string_to_array($1, ',')::uuid[])`,
      [eventIds.join(",")],
    );
    return new Set(rows.map((r) => r.key));
  }

  /** Which of `values` (without commas) the unique column `column` of a table holds already. */
  async existingValues(
    schema: string,
    table: string,
    column: string,
    values: readonly string[],
  ): Promise<Set<string>> {
    if (values.length === 0) return new Set();
    const rows = await this.query<{ value: string }>(
      `SELECT t.${quoteIdentifier(column)}::text AS value FROM ${qualifiedName(schema, table)} t
       WHERE t.${quoteIdentifier(column)} = ANY(string_to_array($1, ','))`,
      [values.join(",")],
    );
    return new Set(rows.map((r) => r.value));
  }

  /** Writes `rows` (cells in `columns` order) with one statement: COPY, or the JSON insert. */
  async insertRows(
    schema: string,
    table: string,
    columns: readonly TargetColumn[],
    rows: readonly Cells[],
  ): Promise<number> {
    return this.insertChunks(schema, table, columns, chunksOf(rows, COPY_CHUNK_ROWS));
  }

  /**
   * Writes rows produced a chunk at a time, with one statement, and returns how many. With COPY,
   * each chunk is encoded and sent as the socket takes it, so the server parses one chunk while
   * the next is produced (the two run on different cores); a chunk source that throws aborts the
   * COPY (CopyFail) and its error is rethrown. Without COPY, the chunks are gathered into one JSON
   * insert.
   */
  async insertChunks(
    schema: string,
    table: string,
    columns: readonly TargetColumn[],
    chunks: Iterable<readonly Cells[]>,
  ): Promise<number> {
    const source = chunks[Symbol.iterator]();
    let first = source.next();
    while (!first.done && first.value.length === 0) first = source.next();
    if (first.done) return 0;
    if (!this.#capabilities.copyFromStdin) {
      const rows = [...first.value];
      for (let next = source.next(); !next.done; next = source.next()) rows.push(...next.value);
      await this.query(insertFromJsonSql(schema, table, columns), [jsonRowsText(rows)]);
      return rows.length;
    }
    let count = 0;
    const firstChunk = first.value;
    function* bytes(): Generator<Uint8Array> {
      count += firstChunk.length;
      yield copyBytes(firstChunk);
      for (let next = source.next(); !next.done; next = source.next()) {
        if (next.value.length === 0) continue;
        count += next.value.length;
        yield copyBytes(next.value);
      }
    }
    await this.#copy(
      copySql(
        schema,
        table,
        columns.map((c) => c.name),
      ),
      bytes(),
    );
    return count;
  }

  /** True when rows go in with COPY (PostgreSQL), false when with the JSON insert (PGlite). */
  get copies(): boolean {
    return this.#capabilities.copyFromStdin;
  }

  /**
   * COPY of rows encoded already (`copyBytes`, NULL as `\N`), a piece at a time. Only where
   * {@link copies} holds.
   */
  async copyEncoded(
    schema: string,
    table: string,
    columns: readonly TargetColumn[],
    pieces: Iterable<Uint8Array>,
  ): Promise<void> {
    if (!this.#capabilities.copyFromStdin) throw new Error("this database is not written with COPY");
    const names = columns.map((c) => c.name);
    await this.#copy(copySql(schema, table, names), pieces[Symbol.iterator]());
  }

  /**
   * Writes the events rows of a stream pass, with one statement, and returns how many: COPY with
   * NULL as the empty string, each chunk written from its lines (see `events-copy.ts`) as the
   * socket takes it; or, without COPY, one JSON insert of all the rows.
   */
  async insertEventsChunks(schema: string, chunks: Iterable<EventsChunk>): Promise<number> {
    const source = chunks[Symbol.iterator]();
    let first = source.next();
    while (!first.done && first.value.rows.length === 0) first = source.next();
    if (first.done) return 0;
    if (!this.#capabilities.copyFromStdin) {
      const rows = [...first.value.rows];
      for (let next = source.next(); !next.done; next = source.next()) rows.push(...next.value.rows);
      await this.query(insertFromJsonSql(schema, EVENTS_TABLE, ATOMIC_COLUMNS), [jsonRowsText(rows)]);
      return rows.length;
    }
    let count = 0;
    const firstChunk = first.value;
    function* bytes(): Generator<Uint8Array> {
      count += firstChunk.rows.length;
      yield eventsCopyBytes(firstChunk);
      for (let next = source.next(); !next.done; next = source.next()) {
        if (next.value.rows.length === 0) continue;
        count += next.value.rows.length;
        yield eventsCopyBytes(next.value);
      }
    }
    const names = ATOMIC_COLUMNS.map((c) => c.name);
    await this.#copy(copySql(schema, EVENTS_TABLE, names, "empty"), bytes());
    return count;
  }

  /**
   * COPY FROM STDIN of every chunk of `source`, each written as the socket takes it.
   *
   * The outcome is the server's answer. postgres.js 3.4 resolves a COPY query twice (once with the
   * stream, once at ReadyForQuery) and never settles the stream when the server refuses the data
   * after CopyDone, so both callbacks are observed here: the second resolve is success, a reject
   * carries the server's error (or the lost connection's).
   */
  async #copy(statement: string, source: Iterator<Uint8Array>): Promise<void> {
    this.#session.check();
    const query = this.#session.client.unsafe(statement) as unknown as postgres.PendingQuery<
      postgres.Row[]
    > & {
      resolve: (value: unknown) => void;
      reject: (error: unknown) => void;
    };
    const settled = new Promise<void>((resolve, reject) => {
      const firstResolve = query.resolve;
      const firstReject = query.reject;
      let answers = 0;
      query.resolve = (value) => {
        answers++;
        if (answers === 2) resolve();
        firstResolve(value);
      };
      query.reject = (error) => {
        reject(error);
        firstReject(error);
      };
    });
    settled.catch(() => {}); // awaited below; a failure before the stream opens rejects both
    const writable = await query.writable();
    writable.on("error", () => {}); // the same failure settles `settled`
    for (;;) {
      if (writable.destroyed || this.#session.lost) break;
      let next: IteratorResult<Uint8Array>;
      try {
        next = source.next();
      } catch (e) {
        // The data's producer failed: abort the COPY (CopyFail); the transaction is not committed.
        writable.destroy(e instanceof Error ? e : new Error(String(e)));
        await settled.catch(() => {});
        throw e;
      }
      if (next.done) {
        if (!writable.destroyed && !this.#session.lost) writable.end();
        await settled;
        return;
      }
      if (!writable.write(next.value)) await Promise.race([once(writable, "drain"), settled]);
    }
    // The server refused the data, or the connection closed: let the producer release what it holds.
    source.return?.();
    await settled;
  }
}

/** Rows per COPY data message: about 64 KiB of events rows. */
export const COPY_CHUNK_ROWS = 64;

/** `rows` in slices of `size`. */
function* chunksOf(rows: readonly Cells[], size: number): Generator<readonly Cells[]> {
  for (let at = 0; at < rows.length; at += size) yield rows.slice(at, at + size);
}

/** Sessions on one database, at most `maxSessions` at a time. */
export class LoaderDatabase {
  readonly capabilities: DatabaseCapabilities;
  readonly #target: PostgresTarget;
  readonly #maxSessions: number;
  readonly #connectTimeoutSeconds: number;
  readonly #idle: Session[] = [];
  readonly #waiting: ((session: Session | null) => void)[] = [];
  #open = 0;
  #closed = false;

  private constructor(
    target: PostgresTarget,
    capabilities: DatabaseCapabilities,
    maxSessions: number,
    connectTimeoutSeconds: number,
    first: Session,
  ) {
    this.#target = target;
    this.capabilities = capabilities;
    this.#maxSessions = maxSessions;
    this.#connectTimeoutSeconds = connectTimeoutSeconds;
    this.#open = 1;
    this.#idle.push(first);
  }

  /**
   * Connects and finds what the server can do. `maxConnections` applies to PostgreSQL; PGlite gets
   * one, whether `target.embedded` says so or its `version()` does.
   */
  static async connect(
    target: PostgresTarget,
    options: { readonly maxConnections?: number; readonly connectTimeoutSeconds?: number } = {},
  ): Promise<LoaderDatabase> {
    const timeout = options.connectTimeoutSeconds ?? 10;
    const session = new Session(target, timeout);
    try {
      const [row] = await session.client.unsafe<{ version: string }[]>("SELECT version() AS version");
      const server = row?.version ?? "";
      const pglite = server.includes("PGlite");
      const max = pglite || target.embedded ? 1 : (options.maxConnections ?? 4);
      return new LoaderDatabase(target, { copyFromStdin: !pglite, server }, max, timeout, session);
    } catch (e) {
      await session.end(0);
      throw e;
    }
  }

  /**
   * Runs `fn` in one transaction; it commits when `fn` resolves, and rolls back when it throws. If
   * the connection closed, nothing more is sent: the session is ended, and the server has rolled
   * the transaction back.
   */
  async transaction<T>(fn: (tx: LoaderTransaction) => Promise<T>): Promise<T> {
    const session = await this.#acquire();
    let healthy = false;
    try {
      session.check();
      // Awaited before the first statement: sent in one pipeline with it, PGlite behind
      // pglite-socket ran that statement outside the transaction (restart.test.ts lost a batch).
      await session.client.unsafe("BEGIN");
      const result = await fn(new LoaderTransaction(session, this.capabilities));
      session.check();
      await session.client.unsafe("COMMIT");
      healthy = !session.lost;
      return result;
    } catch (e) {
      // A ROLLBACK is only sent while the connection is known to be open (see the module notes).
      if (!session.lost) {
        try {
          await session.client.unsafe("ROLLBACK");
          healthy = !session.lost;
        } catch {
          healthy = false;
        }
      }
      throw e;
    } finally {
      await this.#release(session, healthy);
    }
  }

  /**
   * Runs `fn` in a transaction holding the advisory lock of `name`, so that loaders sharing a
   * database create and migrate each table one at a time (concurrent `CREATE TABLE IF NOT EXISTS`
   * can fail on the catalog's unique index).
   */
  async locked<T>(name: string, fn: (tx: LoaderTransaction) => Promise<T>): Promise<T> {
    return this.transaction(async (tx) => {
      await tx.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`furrow-postgres-loader:${name}`]);
      return fn(tx);
    });
  }

  /** One statement in a transaction of its own (tests, tools). */
  query<T extends Record<string, unknown>>(
    statement: string,
    parameters: readonly string[] = [],
  ): Promise<T[]> {
    return this.transaction((tx) => tx.query<T>(statement, parameters));
  }

  /** Ends every session; transactions in flight fail. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const wake of this.#waiting.splice(0)) wake(null);
    const idle = this.#idle.splice(0);
    await Promise.all(idle.map((s) => s.end(5)));
  }

  async #acquire(): Promise<Session> {
    for (;;) {
      if (this.#closed) throw new Error("the loader's database is closed");
      const idle = this.#idle.pop();
      if (idle !== undefined) {
        if (!idle.lost) return idle;
        await this.#discard(idle);
        continue;
      }
      if (this.#open < this.#maxSessions) {
        this.#open++;
        return new Session(this.#target, this.#connectTimeoutSeconds);
      }
      const handed = await new Promise<Session | null>((resolve) => this.#waiting.push(resolve));
      if (handed !== null) return handed;
    }
  }

  async #release(session: Session, healthy: boolean): Promise<void> {
    if (!healthy || this.#closed) {
      await this.#discard(session);
      return;
    }
    const waiter = this.#waiting.shift();
    if (waiter !== undefined) waiter(session);
    else this.#idle.push(session);
  }

  /**
   * Ends a session, and only then lets a waiter open another: PGlite serves one connection at a
   * time, so the next must not connect before this one is gone.
   */
  async #discard(session: Session): Promise<void> {
    try {
      // A failed session has nothing left to wait for (postgres.js would wait out the timeout).
      await session.end(0);
    } catch {
      // Ending a broken connection may fail; it is gone either way.
    }
    this.#open--;
    this.#waiting.shift()?.(null);
  }
}
