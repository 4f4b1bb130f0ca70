/**
 * @module
 * The bad rows an S3 loader writes for records it cannot load, and the guard that keeps each within
 * the failures stream's record size. Snowplow S3 loader 3.x (`BadRowsSerializer.withMaxSize`): a
 * bad row of `maxSize` bytes or more is replaced by a size_violation whose payload is the first
 * `maxSize / 10` bytes of the original row, with the expectation "Bad row exceeds allowed max size".
 */
import {
  type BadRow,
  genericError,
  loaderParsingError,
  serializeBadRow,
  sizeViolation,
} from "../badrows/bad-row.ts";
import {
  fieldNumberMismatch,
  invalidValue,
  notTsv,
  rowDecodingError,
  type TsvParsingError,
} from "../badrows/loader-failure.ts";
import type { Processor } from "../badrows/processor.ts";
import type { EnrichedTsvError } from "../event/tsv.ts";
import { encodeBase64 } from "../thrift/base64.ts";

const utf8 = new TextEncoder();
const text = new TextDecoder();

/** A record that is not self-describing: generic_error with the record as base64 (3.x `createBadRow`). */
export function notSelfDescribing(
  processor: Processor,
  data: Uint8Array,
  message: string,
  now: Date,
): BadRow {
  return genericError(processor, { timestamp: now, errors: [message] }, encodeBase64(data));
}

/**
 * The Analytics SDK's `ParsingError` for a line the TSV decoder refused: one field is `NotTSV`
 * (the SDK's answer for a line without tabs), a wrong count is `FieldNumberMismatch`, a bad value
 * is `RowDecodingError` naming the field.
 */
export function tsvParsingError(error: EnrichedTsvError): TsvParsingError {
  if (error.kind === "field-count") return error.actual === 1 ? notTsv() : fieldNumberMismatch(error.actual);
  return rowDecodingError([invalidValue(error.field, error.value, error.message)]);
}

/** loader_parsing_error for an enriched line; `payload` is the line itself. */
export function unreadableEnrichedLine(processor: Processor, line: string, failure: TsvParsingError): BadRow {
  return loaderParsingError(processor, failure, line);
}

/**
 * Serializes `row`, or a size_violation in its place when it is `maxBytes` or larger (3.x
 * `withMaxSize`). `maxBytes` is what the failures sink takes for the data, its limit less the
 * partition key.
 */
export function serializeWithinLimit(
  row: BadRow,
  processor: Processor,
  maxBytes: number,
  now: Date,
): Uint8Array {
  const serialized = utf8.encode(serializeBadRow(row));
  if (serialized.length < maxBytes) return serialized;
  const trimmed = text.decode(serialized.subarray(0, Math.floor(maxBytes / 10)));
  const violation = sizeViolation(
    processor,
    {
      timestamp: now,
      maximumAllowedSizeBytes: maxBytes,
      actualSizeBytes: serialized.length,
      expectation: "Bad row exceeds allowed max size",
    },
    trimmed,
  );
  return utf8.encode(serializeBadRow(violation));
}
