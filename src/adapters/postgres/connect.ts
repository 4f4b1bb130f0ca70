/**
 * @module
 * Connects postgres.js to a real PostgreSQL server or to the embedded PGlite behind pglite-socket.
 * PGlite is a single-user backend: pglite-socket serves one connection at a time and answers any
 * further one with "Too many connections", so against it the pool is capped at one connection.
 */
import postgres from "postgres";

export interface PostgresTarget {
  /** `postgres://user[:password]@host:port/database` */
  readonly url: string;
  /** True for PGlite served in this process: one connection at most. */
  readonly embedded: boolean;
}

// biome-ignore lint/complexity/noBannedTypes: postgres.js's own default type parameter
type NoCustomTypes = {};

/** Opens a pool to `target`. `sql.end()` closes it; until then its sockets keep the process alive. */
export function connectPostgres(
  target: PostgresTarget,
  options: postgres.Options<NoCustomTypes> = {},
): postgres.Sql<NoCustomTypes> {
  return postgres(target.url, target.embedded ? { ...options, max: 1 } : options);
}

/** The URL with its password replaced by `***`, for printing. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password === "") return url;
    parsed.password = "***";
    return parsed.toString();
  } catch {
    return url;
  }
}
