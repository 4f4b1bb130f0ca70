/**
 * @module
 * Rows per second from enriched TSV into Postgres, against a plain COPY of the same rows into the
 * same tables, in the same run. Each event is a page view with about 60 atomic fields and two
 * contexts (fixtures/iglu-resolver `page_context` and `product_context`), so one event is three
 * rows: `events`, `com_furrow_example_page_context_1`, `com_furrow_example_product_context_1`.
 *
 * - **Loader:** `EnrichedLoader.load` on batches of TSV lines (flat strings, as decoded from stream
 *   records): decode, shred, and one COPY per table in one transaction per batch, streamed chunk by
 *   chunk while the next chunk is shredded (what a stream batch costs; no key look-up, since no
 *   event is there yet).
 * - **Plain COPY:** the same rows, encoded beforehand (not timed) into the very bytes the loader
 *   sends (events rows with NULL as the empty string, `COPY … WITH (NULL '')`), written with the
 *   same transactions and COPY statements through postgres.js, nothing else.
 * - **Replay:** the loader on the same batches again, every event already loaded: the optimistic
 *   COPY is refused by the unique key and the batch is loaded again after a key look-up.
 *
 * Both write into the same tables (unique event key included), emptied before every round; rounds
 * alternate so a burst of load on a shared machine does not land on one side only. The median of
 * the rounds is reported (and the range of the per-round ratios, each round's loader against the
 * same round's plain COPY), with the loader process's CPU time per event (all its threads): on a small
 * machine that also runs the server, the loader is bound by that CPU, not by the server. A second
 * table gives the embedded PGlite path (JSON inserts, no COPY).
 *
 * Run: `bun bench/postgres-loader.ts [events, default 20000] [batch size, default 1000] [rounds, default 7]`
 */
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { startPglite } from "../src/adapters/engines/pglite.ts";
import { connectPostgres } from "../src/adapters/postgres/connect.ts";
import { LoaderDatabase } from "../src/apps/postgres-loader/database.ts";
import { EnrichedLoader, prepareEventsTable } from "../src/apps/postgres-loader/enriched-loader.ts";
import { POSTGRES_LOADER_PROCESSOR } from "../src/apps/postgres-loader/main.ts";
import { EntityTableCatalog } from "../src/apps/postgres-loader/table-catalog.ts";
import { parseSchemaKey } from "../src/core/iglu/schema-key.ts";
import { ATOMIC_COLUMNS } from "../src/core/postgres-load/atomic-events.ts";
import type { Cells } from "../src/core/postgres-load/cell.ts";
import { decodeForLoading } from "../src/core/postgres-load/enriched-input.ts";
import { META_COLUMNS } from "../src/core/postgres-load/entity-table.ts";
import { qualifiedName, quoteIdentifier } from "../src/core/postgres-load/identifier.ts";
import {
  type CopyNull,
  copyBytes,
  copySql,
  insertFromJsonSql,
  jsonRowsText,
  type TargetColumn,
} from "../src/core/postgres-load/row-encoding.ts";
import { rowsByTable, shredEvent } from "../src/core/postgres-load/shred.ts";
import {
  fixtureResolver,
  PAGE_CONTEXT,
  PRODUCT_CONTEXT,
  pageViewLines,
  REAL_POSTGRES,
  realPostgresProblem,
  uniqueSchema,
} from "../test/postgres-loader/fixtures.ts";

const EVENTS = Number(process.argv[2] ?? 20_000);
const BATCH = Number(process.argv[3] ?? 1000);
const ROUNDS = Number(process.argv[4] ?? 7);
const PGLITE_EVENTS = Math.min(EVENTS, 5000);
const WARM_UP_EVENTS = 100_000;

interface TableRows {
  readonly table: string;
  readonly columns: readonly TargetColumn[];
  /** The COPY statement and its data, as the loader sends them (events with NULL as ''). */
  readonly copySql: string;
  readonly copy: Uint8Array;
  /** The JSON insert and its parameter (PGlite). */
  readonly jsonSql: string;
  readonly json: string;
}

/** A loader on a fresh schema of `db`, and the batches' rows as plain writes would send them. */
async function setUp(db: LoaderDatabase, lines: readonly string[]) {
  const schema = uniqueSchema("bench_pg_loader");
  await prepareEventsTable(db, schema);
  const catalog = new EntityTableCatalog({ db, resolver: fixtureResolver(), schema });
  const loader = new EnrichedLoader({ db, catalog, schema, processor: POSTGRES_LOADER_PROCESSOR });
  const targets = new Map();
  for (const uri of [PAGE_CONTEXT, PRODUCT_CONTEXT]) {
    const key = parseSchemaKey(uri);
    if (!key.ok) throw new Error(uri);
    targets.set(uri, await catalog.prepare(key.value));
  }
  const batches: TableRows[][] = [];
  for (let at = 0; at < lines.length; at += BATCH) {
    const shredded = lines.slice(at, at + BATCH).map((line) => {
      const event = decodeForLoading(line);
      if (!event.ok) throw new Error("fixture line does not decode");
      const rows = shredEvent(event.value, (uri) => targets.get(uri));
      if (!("key" in rows)) throw new Error(`fixture event does not shred: ${JSON.stringify(rows)}`);
      return rows;
    });
    const grouped = rowsByTable(shredded);
    const tables: [string, readonly TargetColumn[], Cells[]][] = [
      ["events", ATOMIC_COLUMNS, grouped.events],
      ...[...grouped.entities].map(([table, cells]): [string, readonly TargetColumn[], Cells[]] => [
        table.name,
        [...META_COLUMNS, ...table.columns],
        cells,
      ]),
    ];
    batches.push(
      tables.map(([table, columns, cells]) => {
        const nulls: CopyNull = table === "events" ? "empty" : "\\N";
        const names = columns.map((c) => c.name);
        return {
          table,
          columns,
          copySql: copySql(schema, table, names, nulls),
          copy: copyBytes(cells, 0, cells.length, nulls),
          jsonSql: insertFromJsonSql(schema, table, columns),
          json: jsonRowsText(cells),
        };
      }),
    );
  }
  const tables = ["events", "com_furrow_example_page_context_1", "com_furrow_example_product_context_1"];
  const empty = () => db.query(`TRUNCATE ${tables.map((t) => qualifiedName(schema, t)).join(", ")}`);
  const drop = () => db.query(`DROP SCHEMA ${quoteIdentifier(schema)} CASCADE`);
  return { schema, loader, batches, empty, drop };
}

type Plain = (batches: readonly TableRows[][]) => Promise<void>;

/** Plain COPY of pre-encoded rows through postgres.js: one transaction per batch, one COPY per table. */
const plainCopy =
  (sql: ReturnType<typeof connectPostgres>): Plain =>
  async (batches) => {
    for (const batch of batches) {
      await sql.begin(async (tx) => {
        for (const rows of batch) {
          const writable = await tx.unsafe(rows.copySql).writable();
          await pipeline(Readable.from([Buffer.from(rows.copy)]), writable);
        }
      });
    }
  };

/** Plain JSON inserts of pre-encoded rows (the PGlite path without the loader's work). */
const plainJson =
  (db: LoaderDatabase): Plain =>
  async (batches) => {
    for (const batch of batches) {
      await db.transaction(async (tx) => {
        for (const rows of batch) await tx.query(rows.jsonSql, [rows.json]);
      });
    }
  };

async function loaderRun(loader: EnrichedLoader, lines: readonly string[], replay = false): Promise<void> {
  for (let at = 0; at < lines.length; at += BATCH) {
    const summary = await loader.load(lines.slice(at, at + BATCH));
    const expected = Math.min(BATCH, lines.length - at);
    if (summary.bad.length > 0 || (replay ? summary.duplicates : summary.loaded) !== expected) {
      throw new Error(
        `batch at ${at}: ${summary.loaded} loaded, ${summary.duplicates} duplicates, ${summary.bad.length} bad`,
      );
    }
  }
}

async function seconds(fn: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await fn();
  return (performance.now() - start) / 1000;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Lines as a stream or a file gives them: flat strings decoded from bytes, not concatenations. */
function asReceived(lines: readonly string[]): string[] {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  return lines.map((line) => decoder.decode(encoder.encode(line)));
}

interface Rates {
  readonly loader: number;
  /** Microseconds of this process's CPU per event while the loader runs. */
  readonly loaderCpu: number;
  readonly plain: number;
  /** The same batches again, every event a duplicate: the optimistic write fails, the careful path skips. */
  readonly replay: number;
  /** Lowest and highest loader / plain ratio of a round. */
  readonly ratios: readonly [number, number];
}

async function measure(db: LoaderDatabase, count: number, plain: Plain): Promise<Rates> {
  const lines = asReceived(pageViewLines(count, 7));
  const setup = await setUp(db, lines);
  try {
    // Warm-up, not timed: a long-running loader is measured, not a cold one. JavaScriptCore only
    // reaches its optimising tier after some 100k events; the plain side warms its statements and
    // table files with one run.
    for (let warm = 0; warm < Math.ceil(WARM_UP_EVENTS / count); warm++) {
      await setup.empty();
      await loaderRun(setup.loader, lines);
    }
    await setup.empty();
    await plain(setup.batches);
    const loaderTimes: number[] = [];
    const loaderCpu: number[] = [];
    const plainTimes: number[] = [];
    let replay = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const sides = [
        async () => {
          const cpu = process.cpuUsage();
          loaderTimes.push(await seconds(() => loaderRun(setup.loader, lines)));
          const used = process.cpuUsage(cpu);
          loaderCpu.push((used.user + used.system) / count);
          if (round === 0) replay = count / (await seconds(() => loaderRun(setup.loader, lines, true)));
        },
        async () => plainTimes.push(await seconds(() => plain(setup.batches))),
      ];
      if (round % 2 === 1) sides.reverse();
      for (const side of sides) {
        await setup.empty();
        await side();
      }
    }
    const ratios = loaderTimes.map((t, i) => plainTimes[i]! / t);
    return {
      loader: count / median(loaderTimes),
      loaderCpu: median(loaderCpu),
      plain: count / median(plainTimes),
      replay,
      ratios: [Math.min(...ratios), Math.max(...ratios)],
    };
  } finally {
    await setup.drop();
  }
}

const fmt = (n: number) => `${Math.round(n).toLocaleString("en")}`;
const results: Record<string, string>[] = [];

const problem = await realPostgresProblem();
if (problem === null) {
  const db = await LoaderDatabase.connect({ url: REAL_POSTGRES, embedded: false }, { maxConnections: 2 });
  const raw = connectPostgres({ url: REAL_POSTGRES, embedded: false }, { max: 1, onnotice: () => {} });
  try {
    const r = await measure(db, EVENTS, plainCopy(raw));
    results.push({
      database: "PostgreSQL 127.0.0.1:5432 (COPY)",
      events: fmt(EVENTS),
      "loader events/s": fmt(r.loader),
      "loader rows/s": fmt(r.loader * 3),
      "loader CPU µs/event": r.loaderCpu.toFixed(0),
      "plain COPY events/s": fmt(r.plain),
      "plain COPY rows/s": fmt(r.plain * 3),
      "loader / plain": (r.loader / r.plain).toFixed(2),
      "rounds' range": `${r.ratios[0].toFixed(2)}–${r.ratios[1].toFixed(2)}`,
      "replay events/s": fmt(r.replay),
    });
  } finally {
    await raw.end();
    await db.close();
  }
} else {
  console.warn(`skipping PostgreSQL: ${REAL_POSTGRES} is unreachable (${problem})`);
}

const engine = await startPglite();
try {
  const db = await LoaderDatabase.connect({ url: engine.url, embedded: true });
  try {
    const r = await measure(db, PGLITE_EVENTS, plainJson(db));
    results.push({
      database: "PGlite in process (JSON insert)",
      events: fmt(PGLITE_EVENTS),
      "loader events/s": fmt(r.loader),
      "loader rows/s": fmt(r.loader * 3),
      "loader CPU µs/event": r.loaderCpu.toFixed(0),
      "plain COPY events/s": `${fmt(r.plain)} (plain JSON insert)`,
      "plain COPY rows/s": fmt(r.plain * 3),
      "loader / plain": (r.loader / r.plain).toFixed(2),
      "rounds' range": `${r.ratios[0].toFixed(2)}–${r.ratios[1].toFixed(2)}`,
      "replay events/s": fmt(r.replay),
    });
  } finally {
    await db.close();
  }
} finally {
  await engine.stop();
}

console.log(`Postgres loader: ${BATCH} events per batch, 3 rows per event, median of ${ROUNDS} rounds`);
console.table(results);
