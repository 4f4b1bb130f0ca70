/**
 * @module
 * The database goes away and comes back: PGlite on a data directory, served on one port, is
 * stopped and started again on the same directory and port while the Iglu Server keeps running.
 * During the outage, requests that need the database answer 503 (and health without a key stays
 * OK); afterwards the same requests succeed, and everything acknowledged before is still there.
 * The real PostgreSQL server is shared with other tests, so it is not the one restarted.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { connectPostgres } from "../../src/adapters/postgres/connect.ts";
import { createIgluServerApp } from "../../src/apps/iglu-server/app.ts";
import {
  migrateSchemaStore,
  PostgresSchemaStore,
} from "../../src/apps/iglu-server/storage/postgres-store.ts";

const SUPER_KEY = "6d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6";
const HOST = "127.0.0.1";

/** PGlite on `dataDir`, served on `port` (0: any free port). */
async function servePglite(dataDir: string, port: number) {
  const db = await PGlite.create({ dataDir });
  const server = new PGLiteSocketServer({ db, host: HOST, port });
  await server.start();
  const bound = Number(server.getServerConn().split(":").at(-1));
  return {
    port: bound,
    stop: async () => {
      await server.stop();
      await db.close();
    },
  };
}

const dataDir = await mkdtemp(join(tmpdir(), "furrow-iglu-restart-"));
afterAll(() => rm(dataDir, { recursive: true, force: true }));

test("requests answer 503 while the database is down and succeed again after, with nothing lost", async () => {
  let pglite = await servePglite(dataDir, 0);
  const port = pglite.port;
  const sql = connectPostgres(
    { url: `postgres://postgres@${HOST}:${port}/postgres`, embedded: true },
    { onnotice: () => {}, connect_timeout: 2 },
  );
  const logged: string[] = [];
  try {
    await migrateSchemaStore(sql);
    const app = createIgluServerApp({
      store: new PostgresSchemaStore({ sql }),
      superApiKey: SUPER_KEY,
      cache: false,
      log: (line) => logged.push(line),
    });
    const call = (method: string, path: string, body?: unknown, key: string | null = SUPER_KEY) =>
      app.request(path, {
        method,
        headers: key ? { apikey: key } : {},
        body: body === undefined || typeof body === "string" ? body : JSON.stringify(body),
      });
    const schema = '{"type":"object","properties":{"n":{"type":"integer","maximum":9223372036854775807}}}';

    expect((await call("PUT", "/api/schemas/com.acme/before/jsonschema/1-0-0", schema)).status).toBe(201);
    const keys = (await (await call("POST", "/api/auth/keygen", { vendorPrefix: "com.acme" })).json()) as {
      read: string;
    };
    const before = await (await call("GET", "/api/schemas/com.acme/before/jsonschema/1-0-0")).text();

    await pglite.stop();
    const during = [
      await call("GET", "/api/schemas/com.acme/before/jsonschema/1-0-0"),
      await call("GET", "/api/schemas", undefined, null),
      await call("PUT", "/api/schemas/com.acme/during/jsonschema/1-0-0", schema),
      await call("GET", "/api/schemas/com.acme/before/jsonschema/1-0-0", undefined, keys.read),
      await call("GET", "/api/meta/health/db", undefined, null),
    ];
    for (const res of during) {
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ message: "The schema storage is unavailable, try again later" });
    }
    expect(await (await call("GET", "/api/meta/health", undefined, null)).text()).toBe("OK");

    pglite = await servePglite(dataDir, port);
    const after = await call("GET", "/api/schemas/com.acme/before/jsonschema/1-0-0", undefined, keys.read);
    expect(after.status).toBe(200);
    expect(await after.text()).toBe(before);
    expect((await call("PUT", "/api/schemas/com.acme/during/jsonschema/1-0-0", schema)).status).toBe(201);
    expect(await (await call("GET", "/api/meta/health/db", undefined, null)).text()).toBe("OK");
    expect(await (await call("GET", "/api/schemas")).json()).toEqual([
      "iglu:com.acme/before/jsonschema/1-0-0",
      "iglu:com.acme/during/jsonschema/1-0-0",
    ]);
    // Outages are logged; nothing was an unexpected failure.
    expect(logged.some((l) => l.startsWith("database unavailable"))).toBe(true);
    expect(logged.filter((l) => l.startsWith("unexpected failure"))).toEqual([]);
  } finally {
    await sql.end({ timeout: 1 });
    await pglite.stop().catch(() => {});
  }
}, 120_000);
