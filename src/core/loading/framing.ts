/**
 * @module
 * How records become the lines of a loader's file, and back.
 *
 * Every file is UTF-8 text with one record per line, each line ended by `\n`, then gzipped: the
 * framing of Snowplow S3 loader 2.x's `GZipSerializer` (`write(record); write("\n")`). 3.x puts
 * `\n` between records and none after the last (`CompressedStream.addLines`); readers split on
 * `\n` and take both.
 * - enriched: the TSV line as Enrich wrote it (Enrich escapes tabs and newlines in values);
 * - bad: the self-describing JSON, one per line;
 * - raw: the Thrift `CollectorPayload` as standard base64 with padding (RFC 4648 §4). Snowplow 2.x's
 *   GZIP output wrote the Thrift bytes themselves followed by `\n`, but Thrift's binary protocol may
 *   hold `0x0a` anywhere, so those files cannot be split back into records (2.x recommends LZO for
 *   raw data; 3.x dropped raw data). A base64 line is what Snowplow's stdout collector sink and
 *   `furrow enrich --from` use, so a raw file can be read back (`furrow replay`), or piped:
 *   `gunzip -c file.gz | furrow enrich --from -`.
 */

import { err, ok, type Result } from "../result.ts";
import { decodeBase64, encodeBase64 } from "../thrift/base64.ts";
import type { LoaderPurpose } from "./purpose.ts";

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const utf8 = new TextEncoder();

/** True when `data` holds a line break, which would split one record into two lines. */
export const hasLineBreak = (data: Uint8Array): boolean =>
  data.indexOf(NEWLINE) >= 0 || data.indexOf(CARRIAGE_RETURN) >= 0;

/**
 * The file body of `records`, each followed by `\n`. Records must not hold line breaks (raw
 * records are base64-encoded here, so they never do; see `hasLineBreak` for the others).
 */
export function frameLines(purpose: LoaderPurpose, records: readonly Uint8Array[]): Uint8Array {
  const lines = purpose === "raw" ? records.map((r) => utf8.encode(encodeBase64(r))) : records;
  let size = 0;
  for (const line of lines) size += line.length + 1;
  const body = new Uint8Array(size);
  let offset = 0;
  for (const line of lines) {
    body.set(line, offset);
    offset += line.length;
    body[offset++] = NEWLINE;
  }
  return body;
}

/** The lines of a file's text, without their `\n` (or `\r\n`); a last empty line is not a record. */
export function splitLines(text: string): string[] {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.endsWith("\r")) lines[i] = line.slice(0, -1);
  }
  return lines;
}

/** The record a line holds: the base64-decoded bytes for raw data, the UTF-8 line otherwise. */
export function lineRecord(purpose: LoaderPurpose, line: string): Result<Uint8Array, string> {
  if (purpose !== "raw") return ok(utf8.encode(line));
  const bytes = decodeBase64(line.trim());
  return bytes.ok ? bytes : err(`not base64: ${bytes.error.message}`);
}
