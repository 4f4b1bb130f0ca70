/**
 * @module
 * The PostgreSQL databases the sql_query tests run against: the real server of the test machine
 * (127.0.0.1:5432, database `test`, user `postgres`), used only when it answers, and embedded
 * PGlite served by pglite-socket on a free port. PGlite serves one connection at a time, so a test
 * sets up its tables through the runner it then uses (or closes its own first).
 */
import type { SqlConnectionConfig } from "../../core/enrich/enrichment.ts";
import { startPglite } from "../engines/pglite.ts";
import type { RunningEngine } from "../engines/running-engine.ts";
import { postgresSqlService } from "./postgres-query-runner.ts";

export const REAL_POSTGRES: SqlConnectionConfig = {
  kind: "postgresql",
  host: "127.0.0.1",
  port: 5432,
  database: "test",
  username: "postgres",
  password: "",
  sslMode: false,
};

/** Null when the real server answers a query, else the reason. */
export async function realPostgresProblem(): Promise<string | null> {
  const runner = postgresSqlService({ connectTimeoutSeconds: 3 })(REAL_POSTGRES);
  try {
    const answer = await runner.query("SELECT 1 AS one", []);
    return answer.ok ? null : answer.error;
  } finally {
    await runner.close();
  }
}

/** The connection config for an engine's `postgres://user@host:port/db` URL. */
export function connectionOf(engine: RunningEngine): SqlConnectionConfig {
  const url = new URL(engine.url);
  return {
    kind: "postgresql",
    host: url.hostname,
    port: Number(url.port),
    database: url.pathname.slice(1),
    username: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    sslMode: false,
  };
}

export interface PostgresTarget {
  readonly name: string;
  /** Why the target is skipped, or null. */
  readonly skip: string | null;
  connect(): Promise<{ readonly config: SqlConnectionConfig; stop(): Promise<void> }>;
}

/** Both targets; the real server's `skip` says why when it is unreachable (and is printed). */
export async function postgresTargets(): Promise<PostgresTarget[]> {
  const problem = await realPostgresProblem();
  if (problem !== null)
    console.warn(`skipped: real PostgreSQL at 127.0.0.1:5432/test is unreachable (${problem})`);
  return [
    {
      name: "PostgreSQL 127.0.0.1:5432/test",
      skip: problem,
      connect: async () => ({ config: REAL_POSTGRES, stop: async () => {} }),
    },
    {
      name: "embedded PGlite",
      skip: null,
      connect: async () => {
        const engine = await startPglite();
        return { config: connectionOf(engine), stop: engine.stop };
      },
    },
  ];
}

/** A schema name no other run uses. */
export function freshSchemaName(prefix: string): string {
  return `${prefix}_${crypto.randomUUID().replaceAll("-", "").slice(0, 10)}`;
}
