/**
 * @module
 * One pass over a batch of enriched TSV lines, a chunk at a time: each line is decoded and shredded
 * (by the fast lane of `line-shred.ts` when it can, else by the general path),
 * and the events rows of each chunk are handed out as soon as the chunk is done (with the lines the
 * fast lane read, from which `events-copy.ts` writes them), so that they can be
 * written while the next chunk is being shredded. Lines that cannot be loaded become bad rows
 * (`loader_parsing_error`, `loader_iglu_error`); repeats of an event key within the batch are
 * dropped; entity rows are gathered per table, to be written after the events.
 */
import { type BadRow, loaderIgluError, loaderParsingError } from "../badrows/bad-row.ts";
import type { Processor } from "../badrows/processor.ts";
import type { Cells } from "./cell.ts";
import { decodeForLoading } from "./enriched-input.ts";
import type { EntityTable } from "./entity-table.ts";
import { type EventsChunk, eventsChunk } from "./events-copy.ts";
import { shredLine } from "./line-shred.ts";
import { loaderPayloadOf } from "./loader-payload.ts";
import { type ShreddedEvent, shredEvent, type TargetLookup } from "./shred.ts";

/** What a pass produced besides the events rows. */
export interface ShreddedBatch {
  /** Lines that cannot be loaded, in line order. */
  readonly bad: BadRow[];
  /** Entity rows by the table they were built for, in line order. */
  readonly entityRows: Map<EntityTable, Cells[]>;
  /** Events rows handed out. */
  events: number;
  /** Lines whose event key came earlier in the batch. */
  repeats: number;
}

/** A new, empty result. */
export function shreddedBatch(): ShreddedBatch {
  return { bad: [], entityRows: new Map(), events: 0, repeats: 0 };
}

/**
 * Yields the events rows of `lines`, `chunkRows` lines at a time (a chunk may be empty), filling
 * `into` as it goes; the first chunk has `firstChunkRows` lines, so that a writer can start sooner.
 * `lookup` may throw, which ends the pass.
 */
export function* shredLines(
  lines: readonly string[],
  lookup: TargetLookup,
  processor: Processor,
  chunkRows: number,
  into: ShreddedBatch,
  firstChunkRows = chunkRows,
): Generator<EventsChunk> {
  const seen = new Set<string>();
  for (let at = 0; at < lines.length; ) {
    const chunk = eventsChunk();
    const end = Math.min(lines.length, at + (at === 0 ? firstChunkRows : chunkRows));
    for (let i = at; i < end; i++) {
      const line = lines[i]!;
      const fast = shredLine(line, lookup);
      let shredded: ShreddedEvent;
      if (fast !== null) shredded = fast;
      else {
        // Not a plain line: the general path, which also says why a line cannot load.
        const decoded = decodeForLoading(line);
        if (!decoded.ok) {
          into.bad.push(loaderParsingError(processor, decoded.error, line));
          continue;
        }
        const general = shredEvent(decoded.value, lookup);
        if (!("key" in general)) {
          into.bad.push(loaderIgluError(processor, general, loaderPayloadOf(decoded.value)));
          continue;
        }
        shredded = general;
      }
      if (seen.has(shredded.key)) {
        into.repeats++;
        continue;
      }
      seen.add(shredded.key);
      chunk.rows.push(shredded.atomic);
      chunk.lines.push(fast === null ? undefined : line);
      chunk.columns.push(fast?.columns);
      for (const row of shredded.entities) {
        const rows = into.entityRows.get(row.table);
        if (rows === undefined) into.entityRows.set(row.table, [row.cells]);
        else rows.push(row.cells);
      }
    }
    into.events += chunk.rows.length;
    at = end;
    yield chunk;
  }
}
