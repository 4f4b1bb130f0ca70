/**
 * @module
 * Iglu benchmarks, each printed as a ratio against a baseline measured in the same run.
 *
 * Server: requests per second of `GET /api/schemas/{v}/{n}/jsonschema/1-1-0` answered from the
 * response cache (what resolvers hit), against a bare Hono route returning the same JSON:
 * - in process (`app.fetch`, no sockets), which isolates the app's own cost;
 * - over HTTP on loopback, with a load generator in a child process (this file with `--load`),
 *   keep-alive connections, so the figure includes Bun's HTTP server and client.
 * Uncached reads (memory store, then Postgres on PGlite) are shown against the same baseline.
 *
 * Run: `bun bench/iglu.ts [seconds per measurement, default 2]`
 */
import { Hono } from "hono";
import { startPglite } from "../src/adapters/engines/pglite.ts";
import { connectPostgres } from "../src/adapters/postgres/connect.ts";
import { createIgluServerApp } from "../src/apps/iglu-server/app.ts";
import { MemorySchemaStore } from "../src/apps/iglu-server/storage/memory-store.ts";
import { migrateSchemaStore, PostgresSchemaStore } from "../src/apps/iglu-server/storage/postgres-store.ts";
import type { SchemaStore } from "../src/apps/iglu-server/storage/schema-store.ts";

const SUPER_KEY = "11111111-2222-4333-8444-555555555555";
const PATH = "/api/schemas/com.furrow.bench/button_click/jsonschema/1-1-0";
const BODY = {
  description: "A click on a button",
  type: "object",
  properties: {
    id: { type: "string", maxLength: 36, description: "Button id" },
    label: { type: ["string", "null"], maxLength: 255, description: "Label" },
    count: { type: "integer", minimum: 0, maximum: 2147483647, description: "Clicks" },
  },
  required: ["id"],
  additionalProperties: false,
};

type Fetch = (request: Request) => Response | Promise<Response>;

// ---- Load generator mode: `bun bench/iglu.ts --load URL MS CONNECTIONS` prints requests/s ----
if (process.argv[2] === "--load") {
  const [url, ms, connections] = [process.argv[3]!, Number(process.argv[4]), Number(process.argv[5])];
  let done = 0;
  const end = performance.now() + ms;
  const worker = async () => {
    while (performance.now() < end) {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`status ${res.status}`);
      done++;
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: connections }, worker));
  console.log(String(done / ((performance.now() - start) / 1000)));
  process.exit(0);
}

const seconds = Number(process.argv[2] ?? 2);
const ROUNDS = 3;

/** Completed requests per second with `concurrency` requests in flight, over `ms`. */
async function inProcessRate(fetcher: Fetch, url: string, ms: number, concurrency = 32): Promise<number> {
  let done = 0;
  const end = performance.now() + ms;
  const worker = async () => {
    while (performance.now() < end) {
      const res = await fetcher(new Request(url));
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${url}: status ${res.status}`);
      done++;
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return done / ((performance.now() - start) / 1000);
}

/** Requests per second from a load generator in a child process. */
async function httpRate(url: string, ms: number, connections = 64): Promise<number> {
  const child = Bun.spawn(
    [process.execPath, import.meta.path, "--load", url, String(ms), String(connections)],
    {
      stdout: "pipe",
      stderr: "inherit",
    },
  );
  const out = await new Response(child.stdout).text();
  if ((await child.exited) !== 0) throw new Error(`load generator failed for ${url}`);
  return Number(out.trim());
}

/** Best of interleaved rounds for each side, after a warm-up. */
async function compare(
  measure: (side: "ours" | "bare") => Promise<number>,
): Promise<{ ours: number; bare: number }> {
  await measure("ours");
  await measure("bare");
  const best = { ours: 0, bare: 0 };
  for (let round = 0; round < ROUNDS; round++) {
    best.ours = Math.max(best.ours, await measure("ours"));
    best.bare = Math.max(best.bare, await measure("bare"));
  }
  return best;
}

/** An Iglu Server app holding the bench schema, and the bare route serving the same JSON. */
async function apps(store: SchemaStore, cache: boolean): Promise<{ iglu: Hono; bare: Hono }> {
  const iglu = createIgluServerApp({
    store,
    superApiKey: SUPER_KEY,
    cache: cache ? {} : false,
    log: () => {},
  });
  for (const v of ["1-0-0", "1-0-1", "1-1-0"]) {
    const res = await iglu.request(
      `/api/schemas/com.furrow.bench/button_click/jsonschema/${v}?isPublic=true`,
      {
        method: "PUT",
        headers: { apikey: SUPER_KEY },
        body: JSON.stringify(BODY),
      },
    );
    if (res.status !== 201) throw new Error(`publishing ${v}: ${res.status} ${await res.text()}`);
  }
  const canonical = await (await iglu.request(PATH)).json();
  const bare = new Hono();
  bare.get("/api/schemas/:vendor/:name/:format/:version", (c) => c.json(canonical));
  return { iglu, bare };
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const rows: string[][] = [["case", "ours req/s", "bare Hono req/s", "ratio"]];
const row = (label: string, r: { ours: number; bare: number }) =>
  rows.push([label, fmt(r.ours), fmt(r.bare), (r.ours / r.bare).toFixed(2)]);
const ms = (seconds * 1000) / ROUNDS;

const cached = await apps(new MemorySchemaStore(), true);
row(
  "cached GET, in process",
  await compare((side) =>
    inProcessRate((side === "ours" ? cached.iglu : cached.bare).fetch, `http://bench${PATH}`, ms),
  ),
);

const servers = {
  ours: Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: cached.iglu.fetch }),
  bare: Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: cached.bare.fetch }),
};
try {
  row(
    "cached GET, HTTP (64 connections)",
    await compare((side) => httpRate(`http://127.0.0.1:${servers[side].port}${PATH}`, ms)),
  );
} finally {
  servers.ours.stop(true);
  servers.bare.stop(true);
}

const uncached = await apps(new MemorySchemaStore(), false);
row(
  "uncached GET, memory store, in process",
  await compare((side) =>
    inProcessRate((side === "ours" ? uncached.iglu : uncached.bare).fetch, `http://bench${PATH}`, ms),
  ),
);

const pglite = await startPglite();
const sql = connectPostgres({ url: pglite.url, embedded: true }, { onnotice: () => {} });
try {
  await migrateSchemaStore(sql);
  const onPglite = await apps(new PostgresSchemaStore({ sql }), false);
  row(
    "uncached GET, Postgres on PGlite, in process",
    await compare((side) =>
      inProcessRate((side === "ours" ? onPglite.iglu : onPglite.bare).fetch, `http://bench${PATH}`, ms, 8),
    ),
  );
} finally {
  await sql.end();
  await pglite.stop();
}

const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
for (const r of rows)
  console.log(r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join("  "));
