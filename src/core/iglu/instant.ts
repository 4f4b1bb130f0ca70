/**
 * @module
 * Timestamps as the JVM's `java.time.Instant.toString()` writes them, because that is how the Iglu
 * client (`lastAttempt`) and bad rows (`failure.timestamp`) encode them: ISO-8601 in UTC with a `Z`,
 * and fractional seconds only when they are not zero (`…:05Z`, `…:05.120Z`).
 */

/**
 * Writes a Date as `Instant.toString()` would, at millisecond precision.
 *
 * @example
 * formatInstant(new Date(Date.UTC(2024, 0, 2, 3, 4, 5)))      // "2024-01-02T03:04:05Z"
 * formatInstant(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 120))) // "2024-01-02T03:04:05.120Z"
 */
export function formatInstant(date: Date): string {
  const iso = date.toISOString();
  return iso.endsWith(".000Z") ? `${iso.slice(0, -5)}Z` : iso;
}
