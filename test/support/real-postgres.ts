/**
 * @module
 * The real PostgreSQL 15 of the test machine (127.0.0.1:5432, trust auth, database `test`): its
 * URL, and whether it answers, so a test that needs it can skip with a message where it does not.
 */
import { connectPostgres } from "../../src/adapters/postgres/connect.ts";

export const REAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/test";

/** Null if the real server answers `select 1` within 3 seconds, else why not. */
export async function realPostgresProblem(): Promise<string | null> {
  const sql = connectPostgres({ url: REAL_POSTGRES, embedded: false }, { connect_timeout: 3, max: 1 });
  try {
    await sql`select 1`;
    return null;
  } catch (e) {
    return (e as Error).message;
  } finally {
    await sql.end({ timeout: 1 });
  }
}
