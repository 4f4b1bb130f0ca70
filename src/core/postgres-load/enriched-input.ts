/**
 * @module
 * Reading one enriched TSV line for loading, with the Scala Analytics SDK's rules (the Postgres
 * loader parses with it, `Event.parse`): the 131 columns and their types (Furrow's
 * `decodeEnrichedTsv`), plus the four values the SDK requires and the events table declares NOT
 * NULL: collector_tstamp, event_id (a UUID), v_collector and v_etl. A line that fails becomes a
 * `loader_parsing_error` with the SDK's `ParsingError`.
 */
import {
  fieldNumberMismatch,
  invalidValue,
  type RowDecodingErrorInfo,
  rowDecodingError,
  type TsvParsingError,
} from "../badrows/loader-failure.ts";
import type { EnrichedEvent } from "../event/enriched-event.ts";
import { decodeEnrichedTsv } from "../event/tsv.ts";
import { err, ok, type Result } from "../result.ts";
import { isUuid } from "./cell.ts";

/** The event of `line`, or the SDK's reason it is not one. */
export function decodeForLoading(line: string): Result<EnrichedEvent, TsvParsingError> {
  const decoded = decodeEnrichedTsv(line);
  if (!decoded.ok) {
    const e = decoded.error;
    if (e.kind === "field-count") return err(fieldNumberMismatch(e.actual));
    return err(rowDecodingError([invalidValue(e.field, e.value, e.message)]));
  }
  const event = decoded.value;
  const missing: RowDecodingErrorInfo[] = [];
  if (event.collector_tstamp === null) {
    missing.push(invalidValue("collector_tstamp", "", "Field collector_tstamp cannot be empty"));
  }
  if (event.event_id === null) {
    missing.push(invalidValue("event_id", "", "Field event_id cannot be empty"));
  } else if (!isUuid(event.event_id)) {
    missing.push(invalidValue("event_id", event.event_id, "Cannot parse key event_id into UUID"));
  }
  for (const key of ["v_collector", "v_etl"] as const) {
    if (event[key] === null) missing.push(invalidValue(key, "", `Field ${key} cannot be empty`));
  }
  const [first, ...rest] = missing;
  return first === undefined ? ok(event) : err(rowDecodingError([first, ...rest]));
}
