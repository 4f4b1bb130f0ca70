/**
 * @module
 * Enriched-event timestamps: `yyyy-MM-dd HH:mm:ss.SSS` in UTC (Enrich's Joda formatter in
 * `EventEnrichments.scala`), held as milliseconds since the Unix epoch. Enrich treats a year outside
 * 0–9999 as a parse error, so both directions keep to that range; the calendar is the proleptic
 * Gregorian one (year 0 exists and is a leap year), as in Joda and in JavaScript's `Date`.
 */
import { err, ok, type Result } from "../result.ts";

/** 0000-01-01 00:00:00.000 UTC. */
export const minTimestamp = -62167219200000;
/** 9999-12-31 23:59:59.999 UTC. */
export const maxTimestamp = 253402300799999;

const twoDigits = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, "0"));
const threeDigits = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, "0"));

/**
 * Formats epoch milliseconds as `yyyy-MM-dd HH:mm:ss.SSS`.
 * An event never holds a time Enrich could not have parsed, so a value out of range is a bug.
 *
 * @example formatTimestamp(0) // "1970-01-01 00:00:00.000"
 */
export function formatTimestamp(ms: number): string {
  if (!Number.isInteger(ms) || ms < minTimestamp || ms > maxTimestamp) {
    throw new RangeError(`timestamp ${ms} is not an integer millisecond within years 0000-9999`);
  }
  // Seven timestamps per event: plain arithmetic (H. Hinnant's `civil_from_days`) is several
  // times faster than going through `Date#toISOString`.
  const days = Math.floor(ms / 86400000);
  let rest = ms - days * 86400000;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const hour = Math.floor(rest / 3600000);
  rest -= hour * 3600000;
  const minute = Math.floor(rest / 60000);
  rest -= minute * 60000;
  const second = Math.floor(rest / 1000);
  return (
    twoDigits[Math.floor(year / 100)]! +
    twoDigits[year % 100]! +
    "-" +
    twoDigits[month]! +
    "-" +
    twoDigits[day]! +
    " " +
    twoDigits[hour]! +
    ":" +
    twoDigits[minute]! +
    ":" +
    twoDigits[second]! +
    "." +
    threeDigits[rest - second * 1000]!
  );
}

/** Formats epoch milliseconds as the analytics SDKs do: `yyyy-MM-ddTHH:mm:ss.SSSZ`. */
export function formatIsoTimestamp(ms: number): string {
  if (!Number.isInteger(ms) || ms < minTimestamp || ms > maxTimestamp) {
    throw new RangeError(`timestamp ${ms} is not an integer millisecond within years 0000-9999`);
  }
  return new Date(ms).toISOString();
}

const zero = 48;

function digitsAt(text: string, start: number, count: number): number {
  let n = 0;
  for (let i = start; i < start + count; i++) {
    const d = text.charCodeAt(i) - zero;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

const monthLengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days from 1970-01-01 to the given proleptic Gregorian date (H. Hinnant's `days_from_civil`). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/**
 * Parses `yyyy-MM-dd HH:mm:ss[.f…]` (UTC) to epoch milliseconds. Enrich always writes three
 * fraction digits; like the Scala Analytics SDK (which reads the column with `Instant.parse`) this
 * also accepts none or up to nine, keeping whole milliseconds.
 *
 * @example parseTimestamp("2013-11-26 00:02:05.123") // ok(1385424125123)
 */
export function parseTimestamp(text: string): Result<number, string> {
  const n = text.length;
  if (
    n < 19 ||
    text.charCodeAt(4) !== 45 || // -
    text.charCodeAt(7) !== 45 ||
    text.charCodeAt(10) !== 32 || // space
    text.charCodeAt(13) !== 58 || // :
    text.charCodeAt(16) !== 58
  ) {
    return err(`'${text}' is not a timestamp of the form yyyy-MM-dd HH:mm:ss.SSS`);
  }
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  let millis = 0;
  if (n > 19) {
    const fraction = n - 20;
    if (text.charCodeAt(19) !== 46 || fraction < 1 || fraction > 9) {
      return err(`'${text}' is not a timestamp of the form yyyy-MM-dd HH:mm:ss.SSS`);
    }
    const f = digitsAt(text, 20, Math.min(fraction, 3));
    if (f < 0 || (fraction > 3 && digitsAt(text, 23, fraction - 3) < 0)) {
      return err(`'${text}' has a non-digit in its fraction of a second`);
    }
    millis = fraction === 1 ? f * 100 : fraction === 2 ? f * 10 : f;
  }
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) {
    return err(`'${text}' is not a timestamp of the form yyyy-MM-dd HH:mm:ss.SSS`);
  }
  if (month < 1 || month > 12) return err(`'${text}' has month ${month}`);
  const monthLength = month === 2 && isLeapYear(year) ? 29 : monthLengths[month - 1]!;
  if (day < 1 || day > monthLength) return err(`'${text}' has day ${day}, not in 1-${monthLength}`);
  if (hour > 23 || minute > 59 || second > 59) return err(`'${text}' has a time of day out of range`);
  const days = daysFromCivil(year, month, day);
  return ok(days * 86400000 + hour * 3600000 + minute * 60000 + second * 1000 + millis);
}
