/**
 * @module
 * Where every event ended: the reconciliation of a scenario. It reads, straight from the engines,
 * the enriched bucket objects (`enriched/`, gzip TSV, event_id is column 7), the bad bucket objects
 * (`bad/`, bad rows as JSON whose payload carries the enriched event), `atomic.events` and the
 * bad-row tables of `atomic_bad`, and counts each event id in each place. An accepted event is
 * delivered when it is in Postgres and in the bucket, as good in both or as bad in both; it is
 * lost otherwise. Copies beyond the first (at-least-once delivery) are duplicates before dedup.
 */
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import type postgres from "postgres";
import type { Expected } from "./traffic.ts";

/** Event id → copies, in one place. */
export type Copies = Map<string, number>;

export interface Holdings {
  readonly s3Good: Copies;
  readonly s3Bad: Copies;
  readonly pgGood: Copies;
  readonly pgBad: Copies;
}

const add = (copies: Copies, id: string) => copies.set(id, (copies.get(id) ?? 0) + 1);

/** Reads the bucket and the database; objects already read are not read again (their keys are unique). */
export class Ledger {
  readonly #s3: S3Client;
  readonly #bucket: string;
  readonly #sql: postgres.Sql;
  readonly #objects = new Map<string, string[]>();

  constructor(s3: S3Client, bucket: string, sql: postgres.Sql) {
    this.#s3 = s3;
    this.#bucket = bucket;
    this.#sql = sql;
  }

  /** Object key → the event ids in it (bad rows without an event id are skipped). */
  async #objectIds(prefix: string, parse: (line: string) => string | null): Promise<string[][]> {
    const out: string[][] = [];
    let token: string | undefined;
    do {
      const page = await this.#s3.send(
        new ListObjectsV2Command({ Bucket: this.#bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const o of page.Contents ?? []) {
        const key = o.Key!;
        let ids = this.#objects.get(key);
        if (ids === undefined) {
          const body = await this.#s3.send(new GetObjectCommand({ Bucket: this.#bucket, Key: key }));
          const bytes = await body.Body!.transformToByteArray();
          const text = new TextDecoder().decode(
            key.endsWith(".gz") ? Bun.gunzipSync(new Uint8Array(bytes)) : bytes,
          );
          ids = text
            .split("\n")
            .filter((l) => l !== "")
            .map(parse)
            .filter((id): id is string => id !== null);
          this.#objects.set(key, ids);
        }
        out.push(ids);
      }
      token = page.NextContinuationToken;
    } while (token);
    return out;
  }

  async #badTables(): Promise<string[]> {
    const rows = await this.#sql<{ table_name: string }[]>`
      select table_name from information_schema.tables where table_schema = 'atomic_bad'`;
    return rows.map((r) => r.table_name);
  }

  async read(): Promise<Holdings> {
    const h: Holdings = { s3Good: new Map(), s3Bad: new Map(), pgGood: new Map(), pgBad: new Map() };
    for (const ids of await this.#objectIds("enriched/", (l) => l.split("\t", 7)[6] ?? null))
      for (const id of ids) add(h.s3Good, id);
    for (const ids of await this.#objectIds("bad/", badRowEventId)) for (const id of ids) add(h.s3Bad, id);
    const events = await this.#sql<{ id: string; n: number }[]>`
      select event_id::text as id, count(*)::int as n from atomic.events group by 1`.catch(missingTable);
    for (const r of events) h.pgGood.set(r.id.trim(), r.n);
    for (const table of await this.#badTables()) {
      const rows = await this.#sql<{ id: string | null; n: number }[]>`
        select data->'payload'->'enriched'->>'event_id' as id, count(*)::int as n
        from ${this.#sql("atomic_bad")}.${this.#sql(table)} group by 1`;
      for (const r of rows) if (r.id !== null) h.pgBad.set(r.id, (h.pgBad.get(r.id) ?? 0) + r.n);
    }
    return h;
  }
}

/** `atomic.events` does not exist until the loader's first batch. */
function missingTable(e: unknown): never[] {
  if (String((e as Error).message).includes("does not exist")) return [];
  throw e;
}

function badRowEventId(line: string): string | null {
  const row = JSON.parse(line) as { data?: { payload?: { enriched?: { event_id?: unknown } } } };
  const id = row.data?.payload?.enriched?.event_id;
  return typeof id === "string" ? id : null;
}

/** Where one event is: good or bad when both Postgres and the bucket hold it that way. */
export function outcome(h: Holdings, id: string): Expected | null {
  if (h.pgGood.has(id) && h.s3Good.has(id)) return "good";
  if (h.pgBad.has(id) && h.s3Bad.has(id)) return "bad";
  return null;
}

/** The figures of one scenario. */
export interface Reckoning {
  readonly sent: number;
  readonly accepted: number;
  readonly good: number;
  readonly bad: number;
  /** Accepted, but not delivered. */
  readonly lost: string[];
  /** Copies beyond the first, in the bucket and in the tables. */
  readonly duplicated: number;
  /** Delivered as the other kind than intended (a good event as a bad row, or the reverse). */
  readonly misfiled: string[];
  /** Found both as good and as bad somewhere. */
  readonly both: string[];
  /** Sent, never accepted, yet delivered: the collector wrote it but its answer never arrived. */
  readonly unacknowledgedDelivered: number;
}

export function reckon(h: Holdings, sent: Map<string, Expected>, accepted: Map<string, number>): Reckoning {
  let good = 0;
  let bad = 0;
  let duplicated = 0;
  let unacknowledgedDelivered = 0;
  const lost: string[] = [];
  const misfiled: string[] = [];
  const both: string[] = [];
  for (const [id, expected] of sent) {
    const where = outcome(h, id);
    for (const copies of [h.s3Good, h.s3Bad, h.pgGood, h.pgBad])
      duplicated += Math.max(0, (copies.get(id) ?? 0) - 1);
    const anyGood = h.s3Good.has(id) || h.pgGood.has(id);
    const anyBad = h.s3Bad.has(id) || h.pgBad.has(id);
    if (anyGood && anyBad) both.push(id);
    if (!accepted.has(id)) {
      if (where !== null) unacknowledgedDelivered++;
      continue;
    }
    if (where === null) lost.push(id);
    else if (where !== expected) misfiled.push(id);
    if (where === "good") good++;
    if (where === "bad") bad++;
  }
  return {
    sent: sent.size,
    accepted: accepted.size,
    good,
    bad,
    lost,
    duplicated,
    misfiled,
    both,
    unacknowledgedDelivered,
  };
}
