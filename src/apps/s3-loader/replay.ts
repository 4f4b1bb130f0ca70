/**
 * @module
 * Replay: the S3 loader's files pushed back into a stream, so data can be processed again after a
 * fix (raw files into the raw stream for enrich, enriched files into the enriched stream for the
 * loaders). This is Furrow's answer to failed-event recovery: the raw archive holds every payload
 * the collector accepted, so anything enrich rejected or mishandled can be enriched again.
 *
 * Files are read in key (or path) order; each `.gz` file is gunzipped and split into lines
 * (`core/loading/framing.ts`), every line checked before anything of it is written: a raw line
 * must be base64 of a Thrift `CollectorPayload`, an enriched line must have Enrich's 131 columns.
 * A line that fails is reported and not written; other files (Parquet, stray files) are skipped
 * and reported. When no purpose is given it is taken from the first line: a line with a tab is
 * enriched TSV, anything else a base64 raw record. Replay is at least once: replaying a file
 * twice writes its records twice (enrich and the loaders do not deduplicate).
 */
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { enrichedFieldCount } from "../../core/event/enriched-event.ts";
import { lineRecord, splitLines } from "../../core/loading/framing.ts";
import { gunzip, isGzip } from "../../core/loading/gzip.ts";
import { compareKeys } from "../../core/loading/object-key.ts";
import { decodeCollectorPayload } from "../../core/thrift/collector-payload.ts";
import type { ObjectStore } from "../../ports/object-store.ts";
import type { OutboundRecord, RecordSink } from "../../ports/record-sink.ts";

export const REPLAY_PURPOSES = ["raw", "enriched"] as const;
export type ReplayPurpose = (typeof REPLAY_PURPOSES)[number];

/** One file to replay. */
export interface ReplayFile {
  readonly name: string;
  read(): Promise<Uint8Array>;
}

/** Where files come from: a bucket prefix or a local folder. */
export interface ReplaySource {
  /** `s3://bucket/prefix` or the folder, for messages. */
  readonly description: string;
  /** The files, in ascending name order. */
  files(): AsyncIterable<ReplayFile>;
}

/** The objects under `prefix`, in key order (sorted here too, whatever the store's order). */
export function objectStoreSource(store: ObjectStore, prefix: string): ReplaySource {
  return {
    description: `s3://${store.bucket}/${prefix}`,
    async *files() {
      const keys: string[] = [];
      for await (const o of store.list(prefix)) keys.push(o.key);
      keys.sort(compareKeys);
      for (const key of keys) {
        yield {
          name: key,
          async read() {
            const object = await store.get(key);
            if (object === null) throw new Error(`s3://${store.bucket}/${key} disappeared while replaying`);
            return object.body;
          },
        };
      }
    },
  };
}

/** The files under `directory`, recursively, by relative path. */
export function directorySource(directory: string): ReplaySource {
  return {
    description: directory,
    async *files() {
      const entries = await readdir(directory, { recursive: true, withFileTypes: true });
      const paths = entries
        .filter((e) => e.isFile())
        .map((e) => join(e.parentPath, e.name))
        .sort((a, b) => compareKeys(relative(directory, a), relative(directory, b)));
      for (const path of paths) {
        yield { name: relative(directory, path), read: async () => new Uint8Array(await readFile(path)) };
      }
    },
  };
}

/** A line that was not replayed. */
export interface InvalidLine {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  readonly error: string;
}

export interface ReplaySummary {
  /** The purpose used (given or inferred); null when no record was found. */
  readonly purpose: ReplayPurpose | null;
  readonly files: number;
  /** Records written to the stream and acknowledged. */
  readonly records: number;
  readonly skippedFiles: readonly { readonly name: string; readonly reason: string }[];
  readonly invalidLines: number;
  /** The first invalid lines (at most 20). */
  readonly invalidSamples: readonly InvalidLine[];
  /** True when the stop signal ended the replay before the last file. */
  readonly interrupted: boolean;
}

export interface ReplayOptions {
  readonly source: ReplaySource;
  readonly sink: RecordSink;
  /** Inferred from the first line when absent. */
  readonly purpose?: ReplayPurpose;
  /** Records per `write` call; 500, one PutRecords. */
  readonly chunkRecords?: number;
  /** Writes awaiting acknowledgement at once; 8. */
  readonly maxPendingWrites?: number;
  /** Called after each file is written (or skipped). */
  readonly onFile?: (name: string, records: number) => void;
  /** Ends the replay after the file in progress. */
  readonly signal?: AbortSignal;
}

const MAX_SAMPLES = 20;
const text = new TextDecoder();

/** Checks one line and returns its record bytes, or why it is not one. */
function recordOf(purpose: ReplayPurpose, line: string): { data: Uint8Array } | { error: string } {
  const record = lineRecord(purpose, line);
  if (!record.ok) return { error: record.error };
  if (purpose === "raw") {
    const payload = decodeCollectorPayload(record.value);
    if (!payload.ok) return { error: `not a Thrift CollectorPayload: ${payload.error.message}` };
  } else {
    let fields = 1;
    for (let i = line.indexOf("\t"); i >= 0; i = line.indexOf("\t", i + 1)) fields++;
    if (fields !== enrichedFieldCount) {
      return { error: `expected ${enrichedFieldCount} tab-separated fields, found ${fields}` };
    }
  }
  return { data: record.value };
}

/** Replays every file of `source` into `sink`; resolves once every written record is acknowledged. */
export async function replay(options: ReplayOptions): Promise<ReplaySummary> {
  const chunkRecords = options.chunkRecords ?? 500;
  const maxPending = Math.max(1, options.maxPendingWrites ?? 8);
  let purpose: ReplayPurpose | null = options.purpose ?? null;
  let files = 0;
  let records = 0;
  let invalidLines = 0;
  let interrupted = false;
  const invalidSamples: InvalidLine[] = [];
  const skippedFiles: { name: string; reason: string }[] = [];
  const pending: Promise<void>[] = [];

  const send = async (chunk: OutboundRecord[]) => {
    if (pending.length >= maxPending) await pending.shift();
    pending.push(options.sink.write(chunk));
  };

  for await (const file of options.source.files()) {
    if (options.signal?.aborted) {
      interrupted = true;
      break;
    }
    if (!file.name.endsWith(".gz")) {
      skippedFiles.push({
        name: file.name,
        reason: file.name.endsWith(".parquet")
          ? "Parquet files are not replayed (replay the gzip files of the same events)"
          : "not a .gz file",
      });
      continue;
    }
    const bytes = await file.read();
    let body: Uint8Array;
    try {
      body = isGzip(bytes) ? await gunzip(bytes) : bytes;
    } catch (e) {
      skippedFiles.push({ name: file.name, reason: `not valid gzip: ${(e as Error).message}` });
      continue;
    }
    const lines = splitLines(text.decode(body));
    let chunk: OutboundRecord[] = [];
    let written = 0;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      // Not `trim()`: an enriched event with every column empty is a line of 130 tabs.
      if (line === "" || /^ +$/.test(line)) continue;
      purpose ??= line.includes("\t") ? "enriched" : "raw";
      const record = recordOf(purpose, line);
      if ("error" in record) {
        invalidLines++;
        if (invalidSamples.length < MAX_SAMPLES)
          invalidSamples.push({ file: file.name, line: i + 1, error: record.error });
        continue;
      }
      chunk.push({ data: record.data, partitionKey: crypto.randomUUID() });
      if (chunk.length >= chunkRecords) {
        await send(chunk);
        chunk = [];
      }
      written++;
    }
    if (chunk.length > 0) await send(chunk);
    files++;
    records += written;
    options.onFile?.(file.name, written);
  }
  await options.sink.flush();
  await Promise.all(pending);
  return { purpose, files, records, skippedFiles, invalidLines, invalidSamples, interrupted };
}
