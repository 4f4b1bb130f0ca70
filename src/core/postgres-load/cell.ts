/**
 * @module
 * One value as the text Postgres reads for a column (the type's input syntax): the unit both row
 * encodings share (COPY text and the JSON rows of the embedded fallback). A value that cannot be
 * stored as its column's type is refused here, before the database sees it, so one bad value turns
 * its event into a bad row instead of failing a whole batch (snowplow-postgres-loader
 * `transform.cast`, whose failures are `WrongType` loader_iglu_errors).
 *
 * Differences from Snowplow:
 * - No truncation: Snowplow cuts every atomic string to 1024 characters; here a string is stored
 *   whole, and one longer than its VARCHAR(n) (counted in characters, as Postgres does) is refused.
 * - `date-time` values keep their precision (to the microsecond) and their offset is applied, so
 *   `…T10:00:00+02:00` is stored as 08:00 in the TIMESTAMP (UTC) column.
 * - `date` values are stored (Snowplow refuses all of them).
 * - Text holding U+0000 is refused: Postgres text and JSONB cannot hold it. So is JSON with a lone
 *   UTF-16 surrogate, which JSONB rejects.
 */
import { formatTimestamp, maxTimestamp } from "../event/timestamp.ts";
import { codePointLength, type PgType } from "./column-type.ts";

/** A row's values in column order: Postgres input text, or null for SQL NULL. */
export type Cells = (string | null)[];

/** 0001-01-01 00:00:00 UTC: Postgres has no year 0 (`0000-01-01` is out of range). */
export const MIN_POSTGRES_TIMESTAMP = -62135596800000;

const uuidPattern = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;
const dateTimePattern =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;
// An escape JSONB refuses (U+0000, or a surrogate JSON.stringify escaped because it is alone),
// preceded by an even number of backslashes so that it is an escape and not escaped text.
const badJsonEscape = /(?<!\\)(?:\\\\)*\\u(?:0000|d[89a-f][0-9a-f]{2})/i;

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const LONG_LIMIT = 2 ** 63; // exact as a double

/** True when `text` is a UUID in the hyphenated 8-4-4-4-12 form. */
export function isUuid(text: string): boolean {
  return uuidPattern.test(text);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's `days_from_civil`). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const validDate = (year: number, month: number, day: number): boolean =>
  year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);

/**
 * An RFC 3339 `date-time` (JSON Schema's format) as a UTC TIMESTAMP literal,
 * `yyyy-MM-dd HH:mm:ss[.ffffff]`, keeping at most microseconds (Postgres's precision); null when it
 * is not one, or falls outside years 1–9999.
 *
 * @example utcTimestampText("2024-05-06T10:00:00.5+02:00") // "2024-05-06 08:00:00.5"
 */
export function utcTimestampText(text: string): string | null {
  const fast = isoUtcText(text);
  if (fast !== undefined) return fast;
  const m = dateTimePattern.exec(text);
  if (m === null) return null;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (!validDate(year, month, day) || hour > 23 || minute > 59 || second > 60) return null;
  let seconds = daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
  if (m[8] !== undefined) {
    const offsetHours = Number(m[9]);
    const offsetMinutes = Number(m[10]);
    if (offsetHours > 23 || offsetMinutes > 59) return null;
    seconds -= (m[8] === "+" ? 1 : -1) * (offsetHours * 3600 + offsetMinutes * 60);
  }
  const ms = seconds * 1000;
  if (ms < MIN_POSTGRES_TIMESTAMP || ms > maxTimestamp) return null;
  const fraction = (m[7] ?? "").slice(0, 6);
  return `${formatTimestamp(ms).slice(0, 19)}${fraction === "" ? "" : `.${fraction}`}`;
}

/** The number of the `count` ASCII digits at `start`, or -1. */
function digitsAt(text: string, start: number, count: number): number {
  let n = 0;
  for (let i = start; i < start + count; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * `utcTimestampText` of the form `Date#toISOString` writes, `yyyy-MM-ddTHH:mm:ss.SSSZ` (most
 * date-times trackers send), without the general parse: in UTC already, so its text is the answer
 * once its fields are in range. Undefined for any other form, and for a leap second (which the
 * general path rolls over to the next minute).
 */
function isoUtcText(text: string): string | null | undefined {
  if (
    text.length !== 24 ||
    text.charCodeAt(23) !== 90 || // Z
    text.charCodeAt(10) !== 84 || // T
    text.charCodeAt(19) !== 46 || // .
    text.charCodeAt(4) !== 45 || // -
    text.charCodeAt(7) !== 45 ||
    text.charCodeAt(13) !== 58 || // :
    text.charCodeAt(16) !== 58
  ) {
    return undefined;
  }
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  if (digitsAt(text, 20, 3) < 0 || year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0) {
    return undefined;
  }
  if (second < 0 || second > 59) return undefined;
  if (!validDate(year, month, day) || hour > 23 || minute > 59) return null;
  return `${text.slice(0, 10)} ${text.slice(11, 23)}`;
}

/** An RFC 3339 `full-date` if it is a real date in years 1–9999, else null. */
export function dateText(text: string): string | null {
  const m = datePattern.exec(text);
  if (m === null) return null;
  return validDate(Number(m[1]), Number(m[2]), Number(m[3])) ? text : null;
}

/** A TIMESTAMP literal for epoch milliseconds, or null before year 1 (Postgres has no year 0). */
export function timestampText(ms: number): string | null {
  return ms < MIN_POSTGRES_TIMESTAMP ? null : formatTimestamp(ms);
}

/** Text that fits a VARCHAR(n)/CHAR(n) of `length` (null: unbounded) and holds no U+0000. */
export function fitsText(text: string, length: number | null): boolean {
  if (text.includes("\u0000")) return false;
  return length === null || text.length <= length || codePointLength(text) <= length;
}

/** `JSON.stringify(value)` if JSONB can hold it, else null. */
export function jsonbText(value: unknown): string | null {
  const text = JSON.stringify(value);
  if (text === undefined) return null;
  return text.includes("\\u") && badJsonEscape.test(text) ? null : text;
}

/**
 * The input text of `value` (a JSON value from an entity) for a column of `type`: null for SQL
 * NULL (`null` or absent), undefined when the value cannot be stored as that type.
 */
export function cellText(value: unknown, type: PgType): string | null | undefined {
  if (value === null || value === undefined) return null;
  switch (type.kind) {
    case "varchar": {
      // Snowplow `cast`: a non-string in a VARCHAR column is stored as its compact JSON.
      const text = typeof value === "string" ? value : JSON.stringify(value);
      return fitsText(text, type.length) ? text : undefined;
    }
    case "char":
      return typeof value === "string" && fitsText(value, type.length) ? value : undefined;
    case "uuid":
      return typeof value === "string" && isUuid(value) ? value : undefined;
    case "timestamp":
      return typeof value === "string" ? (utcTimestampText(value) ?? undefined) : undefined;
    case "date":
      return typeof value === "string" ? (dateText(value) ?? undefined) : undefined;
    case "integer":
      return typeof value === "number" && Number.isInteger(value) && value >= INT_MIN && value <= INT_MAX
        ? String(value)
        : undefined;
    case "bigint":
      return typeof value === "number" &&
        Number.isInteger(value) &&
        value >= -LONG_LIMIT &&
        value < LONG_LIMIT
        ? BigInt(value).toString()
        : undefined;
    case "double":
      return typeof value === "number" && Number.isFinite(value) ? String(value) : undefined;
    case "boolean":
      return typeof value === "boolean" ? (value ? "t" : "f") : undefined;
    case "jsonb":
      return jsonbText(value) ?? undefined;
  }
}
