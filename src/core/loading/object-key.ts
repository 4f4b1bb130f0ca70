/**
 * @module
 * Where a loader's file goes in the bucket: `{path}/{partition}/{prefix}{yyyy-MM-dd-HHmmss}-{id}{ext}`,
 * the layout of Snowplow's S3 loader 3.x (`DynamicPath.getFullPath`: UTC time, then a random UUID,
 * path segments normalized).
 *
 * Two ways to name a file (`ObjectNaming`):
 * - `uuid` (Snowplow 3.x): the write time and a random UUID. Each write makes a new object.
 * - `sequence`: the arrival time of the file's first record, then its shard and Kinesis sequence
 *   number. Snowplow 2.x named files `{time}-{firstSeq}-{lastSeq}` after the write time; Furrow
 *   leaves out the last sequence number and the write time, so that the name depends only on the
 *   file's first record. A loader that crashed after writing a file but before its checkpoint
 *   reads the shard again from the same record, and writes the same key again: the object is
 *   replaced, not duplicated.
 */
import { err, ok, type Result } from "../result.ts";

export const OBJECT_NAMINGS = ["uuid", "sequence"] as const;
export type ObjectNaming = (typeof OBJECT_NAMINGS)[number];

/** A bucket and a folder in it, as Snowplow's `output.s3.path` gives them. */
export interface OutputPath {
  readonly bucket: string;
  /** The folder below the bucket without leading or trailing `/`; `""` for the bucket's root. */
  readonly directory: string;
}

/**
 * Reads `s3://bucket/folder` or, as Snowplow 2.x also accepts "for backward-compatibility",
 * `bucket/folder` without the scheme.
 */
export function parseOutputPath(text: string): Result<OutputPath, string> {
  const rest = text.startsWith("s3://") ? text.slice(5) : text;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(rest)) return err(`output path '${text}' must be s3://bucket/folder`);
  const slash = rest.indexOf("/");
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    return err(`output path '${text}': '${bucket}' is not an S3 bucket name`);
  }
  const directory = slash < 0 ? "" : normalizeKey(rest.slice(slash + 1));
  if (directory === null) return err(`output path '${text}': '..' is not allowed in a key`);
  return ok({ bucket, directory });
}

/**
 * Joins key segments and normalizes them as `java.nio.file.Paths.normalize` does for Snowplow:
 * empty and `.` segments drop out. Null when a `..` would climb (keys never hold one).
 */
export function normalizeKey(...segments: readonly string[]): string | null {
  const out: string[] = [];
  for (const segment of segments) {
    for (const part of segment.split("/")) {
      if (part === "" || part === ".") continue;
      if (part === "..") return null;
      out.push(part);
    }
  }
  return out.join("/");
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** `yyyy-MM-dd-HHmmss` in UTC, Snowplow's file-name time. */
export function fileTimestamp(ms: number): string {
  const d = new Date(ms);
  return (
    `${String(d.getUTCFullYear()).padStart(4, "0")}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}` +
    `-${pad2(d.getUTCHours())}${pad2(d.getUTCMinutes())}${pad2(d.getUTCSeconds())}`
  );
}

/** What names one file. */
export interface FileName {
  /** Snowplow's `filenamePrefix`, written as given (3.x puts no separator after it). */
  readonly prefix: string;
  readonly time: number;
  /** A UUID, or `{shardId}-{sequenceNumber}`. */
  readonly id: string;
  /** `.gz` or `.parquet`. */
  readonly extension: string;
}

/** `{prefix}{yyyy-MM-dd-HHmmss}-{id}{extension}`. */
export function fileName(name: FileName): string {
  return `${name.prefix}${fileTimestamp(name.time)}-${name.id}${name.extension}`;
}

/** The id of a file named by `sequence`: its first record's shard and sequence number. */
export function sequenceFileId(shardId: string, sequenceNumber: string): string {
  return `${shardId}-${sequenceNumber}`;
}

/**
 * The object key of a file: output folder, partition, file name. Partitions are rendered from
 * checked templates and escaped values, so they never hold `..`; a null here is a bug.
 */
export function objectKey(output: OutputPath, partition: string, name: FileName): string {
  const key = normalizeKey(output.directory, partition, fileName(name));
  if (key === null) throw new RangeError(`partition '${partition}' climbs out of the output folder`);
  return key;
}

/** Orders keys by code point, which is the UTF-8 byte order S3 lists keys in. */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}
