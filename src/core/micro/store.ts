/**
 * @module
 * Micro's memory: the good events, bad events and raw requests seen on the pipeline's streams, in
 * bounded memory (Micro keeps everything until `/micro/reset`; a long-running Furrow keeps the most
 * recent `maxGood`/`maxBad` events and evicts the oldest).
 *
 * The three streams are read independently, so an event's enriched line may be read before its raw
 * request, or after: each side is joined to the other by event id when the second one arrives. A
 * good event gets its raw event; a bad row from enrich gets the request it came from and the raw
 * record, which is what replay writes back to the raw stream.
 *
 * Counters (raw records and events, good, bad by type) run from the last reset and are not bounded
 * by eviction: the console derives rates from them.
 */
import type { CollectorPayload, RawEvent } from "../badrows/payload.ts";
import { processor as makeProcessor, type Processor } from "../badrows/processor.ts";
import type { RawCollectorPayload } from "../enrich/thrift-loader.ts";
import type { AnalyticsJson } from "../event/analytics-json.ts";
import type { EnrichedEvent } from "../event/enriched-event.ts";
import { decodeEnrichedTsv } from "../event/tsv.ts";
import { type BadRowReading, readBadRow } from "./bad-row-reading.ts";
import { type BadFilters, type GoodFilters, keepBadEvent, keepGoodEvent } from "./filters.ts";
import {
  type BadEvent,
  type CollectorPayloadJson,
  collectorPayloadJson,
  contextSchemasOf,
  eventSchemaOf,
  type GoodEvent,
  goodEventOf,
  lossyEventOf,
  type RawEventJson,
  rawEventJson,
  type ValidationSummary,
} from "./micro-event.ts";
import { collectorPayloadRecord, narrowRawRecord, rawEventRecord, readRawRecord } from "./raw-record.ts";

export interface MicroStoreOptions {
  /** Good events kept; the oldest go first. */
  readonly maxGood?: number;
  /** Bad events kept. */
  readonly maxBad?: number;
  /** Raw events indexed by event id for joining and replay. */
  readonly maxRawEvents?: number;
  /** Bytes of raw records held for that index (a batch's bytes count once per event). */
  readonly maxRawBytes?: number;
  /** Named in the format-violation messages of raw records Micro cannot read. */
  readonly processor?: Processor;
}

export const DEFAULT_MAX_GOOD = 10_000;
export const DEFAULT_MAX_BAD = 10_000;
export const DEFAULT_MAX_RAW_EVENTS = 20_000;
export const DEFAULT_MAX_RAW_BYTES = 64 * 1024 * 1024;

/** Counters since the last reset. */
export interface MicroCounts {
  readonly rawRecords: number;
  readonly rawEvents: number;
  readonly good: number;
  readonly bad: number;
  readonly badByType: Readonly<Record<string, number>>;
  readonly replayed: number;
  /** Enriched lines that did not decode. */
  readonly unreadable: number;
}

/** A good event as the console lists it. */
export interface GoodEntryView {
  readonly id: number;
  readonly receivedAt: number;
  readonly eventId: string | null;
  readonly eventType: string | null;
  readonly schema: string | null;
  readonly appId: string | null;
  readonly contexts: readonly string[];
  /** The flat analytics-SDK JSON: every set field, entities under their shredded keys. */
  readonly fields: AnalyticsJson;
  readonly rawEvent: RawEventJson | null;
}

/** A bad event as the console lists it. */
export interface BadEntryView {
  readonly id: number;
  readonly receivedAt: number;
  readonly type: string;
  readonly eventId: string | null;
  readonly messages: readonly string[];
  readonly replayable: boolean;
  readonly replayed: boolean;
  readonly collectorPayload: CollectorPayloadJson | null;
  readonly rawEvent: RawEventJson | null;
}

/** Bad events of one type, newest first. */
export interface BadGroup {
  readonly type: string;
  readonly count: number;
  readonly events: readonly BadEntryView[];
}

/** A record to write to the raw stream for a replayed bad event. */
export interface ReplayRecord {
  readonly id: number;
  readonly data: Uint8Array;
  readonly partitionKey: string;
}

interface RawEntry {
  readonly bytes: Uint8Array;
  readonly payload: RawCollectorPayload;
  readonly rawEvent: RawEvent;
}

interface GoodEntry {
  readonly id: number;
  readonly receivedAt: number;
  readonly event: EnrichedEvent;
  readonly eventType: string | null;
  readonly schema: string | null;
  readonly contexts: readonly string[];
  rawEvent: RawEvent | null;
}

interface BadEntry {
  readonly id: number;
  readonly receivedAt: number;
  readonly reading: BadRowReading;
  readonly text: string;
  collectorPayload: CollectorPayload | null;
  rawBytes: Uint8Array | null;
  replayed: boolean;
}

function emptyCounts(): { -readonly [K in keyof MicroCounts]: MicroCounts[K] } & {
  badByType: Record<string, number>;
} {
  return { rawRecords: 0, rawEvents: 0, good: 0, bad: 0, badByType: {}, replayed: 0, unreadable: 0 };
}

/** Removes `entry` from the list under `key`, dropping the key when the list empties. */
function unlink<T>(map: Map<string, T[]>, key: string | null, entry: T): void {
  if (key === null) return;
  const list = map.get(key);
  if (list === undefined) return;
  const i = list.indexOf(entry);
  if (i >= 0) list.splice(i, 1);
  if (list.length === 0) map.delete(key);
}

function link<T>(map: Map<string, T[]>, key: string, entry: T): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [entry]);
  else list.push(entry);
}

/**
 * What Micro has seen.
 *
 * @example
 * const store = new MicroStore({ maxGood: 1000 });
 * store.addRaw(record.data, Date.now());
 * store.addEnriched(tsvLine, Date.now());
 * store.summary(); // { total: 1, good: 1, bad: 0 }
 */
export class MicroStore {
  readonly #maxGood: number;
  readonly #maxBad: number;
  readonly #maxRawEvents: number;
  readonly #maxRawBytes: number;
  readonly #processor: Processor;
  #nextId = 1;
  /** Oldest first. */
  #good: GoodEntry[] = [];
  #bad: BadEntry[] = [];
  #raw = new Map<string, RawEntry>();
  #rawBytes = 0;
  /** Entries still waiting for their raw request, by event id. */
  #goodWaiting = new Map<string, GoodEntry[]>();
  #badWaiting = new Map<string, BadEntry[]>();
  #counts = emptyCounts();

  constructor(options: MicroStoreOptions = {}) {
    this.#maxGood = options.maxGood ?? DEFAULT_MAX_GOOD;
    this.#maxBad = options.maxBad ?? DEFAULT_MAX_BAD;
    this.#maxRawEvents = options.maxRawEvents ?? DEFAULT_MAX_RAW_EVENTS;
    this.#maxRawBytes = options.maxRawBytes ?? DEFAULT_MAX_RAW_BYTES;
    this.#processor = options.processor ?? makeProcessor("furrow-micro", "0");
  }

  /** A record of the raw stream (Thrift CollectorPayload). */
  addRaw(bytes: Uint8Array, receivedAt: number): void {
    this.#counts.rawRecords++;
    const read = readRawRecord(bytes, this.#processor, new Date(receivedAt));
    if (!read.ok) return;
    for (const { eventId, rawEvent } of read.value.events) {
      this.#counts.rawEvents++;
      if (eventId === null) continue;
      this.#indexRaw(eventId, { bytes, payload: read.value.payload, rawEvent });
      const good = this.#goodWaiting.get(eventId);
      if (good !== undefined) {
        for (const g of good) g.rawEvent = rawEvent;
        this.#goodWaiting.delete(eventId);
      }
      const bad = this.#badWaiting.get(eventId);
      if (bad !== undefined) {
        for (const b of bad) {
          b.collectorPayload ??= read.value.payload;
          b.rawBytes = bytes;
        }
        this.#badWaiting.delete(eventId);
      }
    }
  }

  #indexRaw(eventId: string, entry: RawEntry): void {
    const old = this.#raw.get(eventId);
    if (old !== undefined) {
      this.#rawBytes -= old.bytes.length;
      this.#raw.delete(eventId);
    }
    this.#raw.set(eventId, entry);
    this.#rawBytes += entry.bytes.length;
    while (
      this.#raw.size > this.#maxRawEvents ||
      (this.#rawBytes > this.#maxRawBytes && this.#raw.size > 1)
    ) {
      const [key, first] = this.#raw.entries().next().value as [string, RawEntry];
      this.#raw.delete(key);
      this.#rawBytes -= first.bytes.length;
    }
  }

  /** A line of the enriched stream (TSV). */
  addEnriched(line: string, receivedAt: number): void {
    const decoded = decodeEnrichedTsv(line.endsWith("\n") ? line.slice(0, -1) : line);
    if (!decoded.ok) {
      this.#counts.unreadable++;
      return;
    }
    const event = decoded.value;
    this.#counts.good++;
    const eventId = event.event_id;
    const raw = eventId === null ? undefined : this.#raw.get(eventId);
    const entry: GoodEntry = {
      id: this.#nextId++,
      receivedAt,
      event,
      eventType: event.event,
      schema: eventSchemaOf(event),
      contexts: contextSchemasOf(event),
      rawEvent: raw?.rawEvent ?? null,
    };
    if (entry.rawEvent === null && eventId !== null) link(this.#goodWaiting, eventId, entry);
    this.#good.push(entry);
    if (this.#good.length > this.#maxGood) {
      for (const gone of this.#good.splice(0, this.#good.length - this.#maxGood))
        unlink(this.#goodWaiting, gone.event.event_id, gone);
    }
  }

  /** A record of the bad stream (a bad row's JSON). */
  addBadRow(text: string, receivedAt: number): void {
    const reading = readBadRow(text);
    this.#counts.bad++;
    this.#counts.badByType[reading.type] = (this.#counts.badByType[reading.type] ?? 0) + 1;
    const raw = reading.eventId === null ? undefined : this.#raw.get(reading.eventId);
    const entry: BadEntry = {
      id: this.#nextId++,
      receivedAt,
      reading,
      text,
      collectorPayload: reading.collectorPayload ?? raw?.payload ?? null,
      rawBytes: raw?.bytes ?? null,
      replayed: false,
    };
    if (raw === undefined && reading.eventId !== null) link(this.#badWaiting, reading.eventId, entry);
    this.#bad.push(entry);
    if (this.#bad.length > this.#maxBad) {
      for (const gone of this.#bad.splice(0, this.#bad.length - this.#maxBad))
        unlink(this.#badWaiting, gone.reading.eventId, gone);
    }
  }

  /** `/micro/all`: the events held now. */
  summary(): ValidationSummary {
    return { total: this.#good.length + this.#bad.length, good: this.#good.length, bad: this.#bad.length };
  }

  /** `/micro/good`: newest first. */
  good(filters: GoodFilters = {}): GoodEvent[] {
    const out: GoodEvent[] = [];
    const limit = filters.limit ?? Number.POSITIVE_INFINITY;
    for (let i = this.#good.length - 1; i >= 0 && out.length < limit; i--) {
      const e = this.#good[i]!;
      if (keepGoodEvent(e, filters)) out.push(goodEventOf(e.event, e.rawEvent));
    }
    return out;
  }

  /** `/micro/bad`: newest first. */
  bad(filters: BadFilters = {}): BadEvent[] {
    const out: BadEvent[] = [];
    const limit = filters.limit ?? Number.POSITIVE_INFINITY;
    for (let i = this.#bad.length - 1; i >= 0 && out.length < limit; i--) {
      const e = this.#bad[i]!;
      const event = this.#badEvent(e);
      if (keepBadEvent(event, filters)) out.push(event);
    }
    return out;
  }

  #badEvent(e: BadEntry): BadEvent {
    const { reading } = e;
    return {
      collectorPayload: e.collectorPayload === null ? null : collectorPayloadJson(e.collectorPayload),
      rawEvent: reading.rawEvent === null ? null : rawEventJson(reading.rawEvent),
      errors: [`The pipeline wrote a ${reading.type} bad row for this event.`, ...reading.messages, e.text],
    };
  }

  /** `/micro/events`: the flat JSON of every good event, newest first. */
  events(): AnalyticsJson[] {
    const out: AnalyticsJson[] = [];
    for (let i = this.#good.length - 1; i >= 0; i--) out.push(lossyEventOf(this.#good[i]!.event));
    return out;
  }

  /** Forgets every event and zeroes the counters. */
  reset(): void {
    this.#good = [];
    this.#bad = [];
    this.#raw.clear();
    this.#rawBytes = 0;
    this.#goodWaiting.clear();
    this.#badWaiting.clear();
    this.#counts = emptyCounts();
  }

  counts(): MicroCounts {
    return { ...this.#counts, badByType: { ...this.#counts.badByType } };
  }

  /** The newest good events for the console. */
  recentGood(limit: number): GoodEntryView[] {
    const out: GoodEntryView[] = [];
    for (let i = this.#good.length - 1; i >= 0 && out.length < limit; i--) {
      const e = this.#good[i]!;
      out.push({
        id: e.id,
        receivedAt: e.receivedAt,
        eventId: e.event.event_id,
        eventType: e.eventType,
        schema: e.schema,
        appId: e.event.app_id,
        contexts: e.contexts,
        fields: lossyEventOf(e.event),
        rawEvent: e.rawEvent === null ? null : rawEventJson(e.rawEvent),
      });
    }
    return out;
  }

  #replayable(e: BadEntry): boolean {
    return e.rawBytes !== null || e.reading.rawEvent !== null || e.reading.collectorPayload !== null;
  }

  /** Bad events grouped by bad-row type (most frequent first), up to `perGroup` each, newest first. */
  badGroups(perGroup: number): BadGroup[] {
    const groups = new Map<string, { count: number; events: BadEntryView[] }>();
    for (let i = this.#bad.length - 1; i >= 0; i--) {
      const e = this.#bad[i]!;
      let g = groups.get(e.reading.type);
      if (g === undefined) {
        g = { count: 0, events: [] };
        groups.set(e.reading.type, g);
      }
      g.count++;
      if (g.events.length < perGroup) {
        g.events.push({
          id: e.id,
          receivedAt: e.receivedAt,
          type: e.reading.type,
          eventId: e.reading.eventId,
          messages: e.reading.messages,
          replayable: this.#replayable(e),
          replayed: e.replayed,
          collectorPayload: e.collectorPayload === null ? null : collectorPayloadJson(e.collectorPayload),
          rawEvent: e.reading.rawEvent === null ? null : rawEventJson(e.reading.rawEvent),
        });
      }
    }
    return [...groups]
      .map(([type, g]) => ({ type, count: g.count, events: g.events }))
      .sort((a, b) => b.count - a.count || a.type.localeCompare(b.type));
  }

  /**
   * The raw records that replay these bad events: the original record (narrowed to the event when it
   * was part of a batch) when it was seen on the raw stream, else one rebuilt from the bad row's
   * payload. Ids that are unknown, or whose bad row carries nothing to rebuild from, are `skipped`.
   */
  replayRecords(ids: readonly number[], now: number): { records: ReplayRecord[]; skipped: number[] } {
    const byId = new Map(this.#bad.map((e) => [e.id, e]));
    const records: ReplayRecord[] = [];
    const skipped: number[] = [];
    for (const id of ids) {
      const e = byId.get(id);
      const data = e === undefined ? null : this.#replayData(e, now);
      if (e === undefined || data === null) skipped.push(id);
      else records.push({ id, data, partitionKey: e.reading.eventId ?? `micro-replay-${id}` });
    }
    return { records, skipped };
  }

  #replayData(e: BadEntry, now: number): Uint8Array | null {
    if (e.rawBytes !== null) {
      const narrowed = narrowRawRecord(e.rawBytes, e.reading.eventId);
      if (narrowed !== null) return narrowed;
    }
    if (e.reading.rawEvent !== null) return rawEventRecord(e.reading.rawEvent, now);
    if (e.reading.collectorPayload !== null) return collectorPayloadRecord(e.reading.collectorPayload, now);
    return null;
  }

  /** Marks bad events as replayed (once their records are on the raw stream). */
  markReplayed(ids: readonly number[]): void {
    const wanted = new Set(ids);
    for (const e of this.#bad) {
      if (wanted.has(e.id) && !e.replayed) {
        e.replayed = true;
        this.#counts.replayed++;
      }
    }
  }
}
