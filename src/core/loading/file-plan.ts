/**
 * @module
 * What one flush of an S3 loader writes: the records it holds, sorted into files, and the bad rows
 * of the records it cannot load. Pure: the loader app encodes each file (gzip, or Parquet), puts
 * it, writes the bad rows, and only then acknowledges the records.
 *
 * Records are grouped, then each group is cut into files of at most `maxRecordsPerFile` records and
 * `maxBytesPerFile` bytes (a record over the byte limit gets a file of its own):
 * - raw data: one group;
 * - enriched events: one group, or one per app_id when the partition has `{app}` (Snowplow 2.x);
 * - self-describing data (bad rows): one group per schema key (3.x: "one gzip file per SchemaKey").
 * With `sequence` naming each shard is grouped apart too, so a file's name follows from its first
 * record (see `object-key.ts`).
 *
 * Failures (3.x `Processing.parseBytes`): a self-describing record that is not JSON or has no Iglu
 * URI is a generic_error; an enriched line the Parquet output cannot decode is a
 * loader_parsing_error, as is an enriched record holding a line break (it would corrupt the file's
 * framing; Enrich never writes one). A pretty-printed JSON record is written back on one line.
 */
import type { BadRow } from "../badrows/bad-row.ts";
import { notTsv } from "../badrows/loader-failure.ts";
import type { Processor } from "../badrows/processor.ts";
import type { EnrichedEvent } from "../event/enriched-event.ts";
import { decodeEnrichedTsv } from "../event/tsv.ts";
import { formatSchemaKey, type SchemaKey } from "../iglu/schema-key.ts";
import { hasLineBreak } from "./framing.ts";
import { notSelfDescribing, tsvParsingError, unreadableEnrichedLine } from "./loader-bad-rows.ts";
import { type ObjectNaming, type OutputPath, objectKey, sequenceFileId } from "./object-key.ts";
import { type PartitionFormat, partitionsByApp, renderPartition } from "./partition-format.ts";
import type { LoaderPurpose } from "./purpose.ts";
import { readSelfDescribingRecord } from "./self-describing.ts";

/** `gzip`: gzipped lines (Snowplow's only format); `parquet`: enriched events only, beyond Snowplow. */
export const FILE_FORMATS = ["gzip", "parquet"] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];

/** A record the loader holds, as read from its shard. */
export interface LoadedRecord {
  readonly data: Uint8Array;
  readonly shardId: string;
  readonly sequenceNumber: string;
  /** Kinesis' ApproximateArrivalTimestamp, epoch milliseconds. */
  readonly arrivedAt: number;
}

/** Where and how files are written. */
export interface FileLayout {
  readonly purpose: LoaderPurpose;
  readonly format: FileFormat;
  readonly output: OutputPath;
  /** A checked template, or null for no partition folders. */
  readonly partition: PartitionFormat | null;
  readonly filenamePrefix: string;
  readonly naming: ObjectNaming;
  readonly maxRecordsPerFile: number;
  /** Counted on the records as read (before base64 for raw data, before compression). */
  readonly maxBytesPerFile: number;
}

/** One file to write. */
export interface PlannedFile {
  readonly key: string;
  /** The records of its lines, in order (raw records still binary: framing encodes them). */
  readonly records: readonly Uint8Array[];
  /** The decoded events, for Parquet files. */
  readonly events: readonly EnrichedEvent[] | null;
  /** Sum of the records' bytes. */
  readonly bytes: number;
  /** Shard and sequence numbers of its first and last records (for logs). */
  readonly first: { readonly shardId: string; readonly sequenceNumber: string };
  readonly last: { readonly shardId: string; readonly sequenceNumber: string };
}

export interface FilePlan {
  readonly files: readonly PlannedFile[];
  /** Bad rows for the records that cannot be loaded, in record order. */
  readonly failures: readonly BadRow[];
}

/** What a plan needs besides the layout. */
export interface PlanContext {
  /** Epoch milliseconds of the flush: the time of `uuid`-named files and their partitions. */
  readonly now: number;
  /** A new unique id per file for `uuid` naming (`crypto.randomUUID`). */
  readonly newId: () => string;
  readonly processor: Processor;
}

interface Member {
  readonly record: LoadedRecord;
  /** What goes on the line (a pretty-printed JSON record is rewritten). */
  readonly line: Uint8Array;
  readonly event: EnrichedEvent | null;
}

interface Group {
  readonly shardId: string;
  readonly schema: SchemaKey | undefined;
  readonly app: string | null | undefined;
  readonly members: Member[];
}

const utf8 = new TextEncoder();
const text = new TextDecoder();
const TAB = 0x09;

/** The app_id column of an enriched line: the text before the first tab; null when empty. */
function appIdOf(data: Uint8Array): string | null {
  const tab = data.indexOf(TAB);
  const app = text.decode(tab < 0 ? data : data.subarray(0, tab));
  return app === "" ? null : app;
}

const extensionOf: Record<FileFormat, string> = { gzip: ".gz", parquet: ".parquet" };

/** Sorts `records` (in the order read) into files and failures. */
export function planFiles(
  records: readonly LoadedRecord[],
  layout: FileLayout,
  context: PlanContext,
): FilePlan {
  const now = new Date(context.now);
  const failures: BadRow[] = [];
  const groups = new Map<string, Group>();
  const byApp = layout.purpose === "enriched" && partitionsByApp(layout.partition);
  const perShard = layout.naming === "sequence";

  for (const record of records) {
    let line = record.data;
    let event: EnrichedEvent | null = null;
    let schema: SchemaKey | undefined;
    let app: string | null | undefined;
    if (layout.purpose === "bad") {
      const read = readSelfDescribingRecord(record.data);
      if (!read.ok) {
        failures.push(notSelfDescribing(context.processor, record.data, read.error, now));
        continue;
      }
      schema = read.value.schema;
      if (hasLineBreak(line)) line = utf8.encode(JSON.stringify(read.value.json));
    } else if (layout.purpose === "enriched") {
      if (layout.format === "parquet") {
        const tsv = text.decode(record.data);
        const decoded = decodeEnrichedTsv(tsv);
        if (!decoded.ok) {
          failures.push(unreadableEnrichedLine(context.processor, tsv, tsvParsingError(decoded.error)));
          continue;
        }
        event = decoded.value;
      } else if (hasLineBreak(record.data)) {
        failures.push(unreadableEnrichedLine(context.processor, text.decode(record.data), notTsv()));
        continue;
      }
      if (byApp) app = event ? event.app_id : appIdOf(record.data);
    }
    const groupKey = `${perShard ? record.shardId : ""}\u0000${schema ? formatSchemaKey(schema) : ""}\u0000${app ?? ""}`;
    let group = groups.get(groupKey);
    if (group === undefined) {
      group = { shardId: record.shardId, schema, app, members: [] };
      groups.set(groupKey, group);
    }
    group.members.push({ record, line, event });
  }

  const files: PlannedFile[] = [];
  for (const group of groups.values()) {
    for (const part of cutFiles(group.members, layout.maxRecordsPerFile, layout.maxBytesPerFile)) {
      const first = part[0]!.record;
      const last = part.at(-1)!.record;
      const time = perShard ? first.arrivedAt : context.now;
      const partition = layout.partition
        ? renderPartition(layout.partition, { time, schema: group.schema, app: group.app })
        : "";
      const id = perShard ? sequenceFileId(first.shardId, first.sequenceNumber) : context.newId();
      let bytes = 0;
      for (const m of part) bytes += m.line.length;
      files.push({
        key: objectKey(layout.output, partition, {
          prefix: layout.filenamePrefix,
          time,
          id,
          extension: extensionOf[layout.format],
        }),
        records: part.map((m) => m.line),
        events: layout.format === "parquet" ? part.map((m) => m.event!) : null,
        bytes,
        first: { shardId: first.shardId, sequenceNumber: first.sequenceNumber },
        last: { shardId: last.shardId, sequenceNumber: last.sequenceNumber },
      });
    }
  }
  return { files, failures };
}

/**
 * Cuts `members` into runs of at most `maxRecords` records and `maxBytes` bytes, in order. The
 * cuts depend only on the records, so the same records from the same first record are cut the
 * same way again (what makes `sequence` names stable).
 */
export function cutFiles<T extends { readonly line: Uint8Array }>(
  members: readonly T[],
  maxRecords: number,
  maxBytes: number,
): T[][] {
  const parts: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const member of members) {
    const size = member.line.length;
    if (current.length > 0 && (current.length >= maxRecords || bytes + size > maxBytes)) {
      parts.push(current);
      current = [];
      bytes = 0;
    }
    current.push(member);
    bytes += size;
  }
  if (current.length > 0) parts.push(current);
  return parts;
}
