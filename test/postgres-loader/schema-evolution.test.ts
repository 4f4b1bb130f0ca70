/**
 * @module
 * Tables follow their Iglu schemas as they evolve. Our Iglu Server runs in this process (in-memory
 * storage) on loopback, and the loader reads it as users configure one: a resolver.json with an
 * HTTP repository at `{server}/api` and an apikey. Publish 1-0-0 and load; publish 1-0-1, which adds
 * optional fields, and load again: the columns are added at the end of the table (ADD COLUMN), the
 * comment moves to 1-0-1, and the rows loaded before are intact. A new model (2-0-0) gets a table of
 * its own. Run against embedded PGlite and, when it answers, the real PostgreSQL server.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startPglite } from "../../src/adapters/engines/pglite.ts";
import { createIgluServerApp } from "../../src/apps/iglu-server/app.ts";
import { MemorySchemaStore } from "../../src/apps/iglu-server/storage/memory-store.ts";
import type { PostgresLoaderConfig } from "../../src/apps/postgres-loader/config.ts";
import { LoaderDatabase } from "../../src/apps/postgres-loader/database.ts";
import { type BuiltLoader, buildLoader } from "../../src/apps/postgres-loader/main.ts";
import { encodeEnrichedTsv } from "../../src/core/event/tsv.ts";
import { SELF_DESCRIBING_METASCHEMA_URI } from "../../src/core/iglu/self-describing-schema.ts";
import { quoteIdentifier } from "../../src/core/postgres-load/identifier.ts";
import { pageView, REAL_POSTGRES, realPostgresProblem, uniqueSchema } from "./fixtures.ts";

const SUPER_KEY = "0f9c2b7e-5a1d-4c3e-8b6a-7d2e1f0a9c8b";
const VENDOR = "com.furrow.evolution";
const TABLE_1 = "com_furrow_evolution_button_press_1";
const TABLE_2 = "com_furrow_evolution_button_press_2";

/** An Iglu Server of our own on loopback, and a resolver.json that points at it. */
interface Registry {
  readonly configPath: string;
  publish(version: string, properties: Record<string, unknown>, required: string[]): Promise<void>;
  stop(): Promise<void>;
}

async function startRegistry(): Promise<Registry> {
  const app = createIgluServerApp({ store: new MemorySchemaStore(), superApiKey: SUPER_KEY, cache: false });
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: app.fetch });
  const base = `http://127.0.0.1:${server.port}`;
  const configDir = await mkdtemp(join(tmpdir(), "furrow-pg-loader-evolution-"));
  const configPath = join(configDir, "resolver.json");
  await writeFile(
    configPath,
    JSON.stringify({
      schema: "iglu:com.snowplowanalytics.iglu/resolver-config/jsonschema/1-0-3",
      data: {
        cacheSize: 500,
        cacheTtl: 600,
        repositories: [
          {
            name: "Our Iglu Server",
            priority: 0,
            vendorPrefixes: ["com.furrow"],
            connection: { http: { uri: `${base}/api`, apikey: SUPER_KEY } },
          },
        ],
      },
    }),
  );
  return {
    configPath,
    publish: (version, properties, required) => publish(base, version, properties, required),
    stop: async () => {
      await server.stop(true);
      await rm(configDir, { recursive: true, force: true });
    },
  };
}

async function publish(
  base: string,
  version: string,
  properties: Record<string, unknown>,
  required: string[],
): Promise<void> {
  const schema = {
    $schema: SELF_DESCRIBING_METASCHEMA_URI,
    description: `buttonPress ${version}, for the schema evolution test`,
    self: { vendor: VENDOR, name: "buttonPress", format: "jsonschema", version },
    type: "object",
    properties,
    required,
    additionalProperties: false,
  };
  const response = await fetch(
    `${base}/api/schemas/${VENDOR}/buttonPress/jsonschema/${version}?isPublic=true`,
    {
      method: "PUT",
      headers: { apikey: SUPER_KEY, "content-type": "application/json" },
      body: JSON.stringify(schema),
    },
  );
  if (response.status !== 201)
    throw new Error(`publishing ${version}: ${response.status} ${await response.text()}`);
}

const press = (n: number, run: number, version: string, data: Record<string, unknown>) =>
  encodeEnrichedTsv(
    pageView(n, run, {
      // Only the self-describing event: this registry serves none of the fixtures' contexts.
      contexts: [],
      unstruct_event: { schema: `iglu:${VENDOR}/buttonPress/jsonschema/${version}`, data },
    }),
  );

function evolutionSuite(
  label: string,
  run: number,
  open: () => Promise<{ db: LoaderDatabase; close(): Promise<void> }>,
) {
  describe(label, () => {
    let opened: { db: LoaderDatabase; close(): Promise<void> };
    let built: BuiltLoader;
    let registry: Registry;
    const schema = uniqueSchema("pgl_evolution");

    beforeAll(async () => {
      registry = await startRegistry();
      await registry.publish(
        "1-0-0",
        { buttonId: { type: "string", maxLength: 36 }, count: { type: "integer", maximum: 1000 } },
        ["buttonId"],
      );
      opened = await open();
      const config: PostgresLoaderConfig = {
        purpose: "enriched",
        database: { url: "postgres://unused", schema, maxConnections: 1 },
        igluConfig: registry.configPath,
        input: { kind: "file", path: "-", batchSize: 100 },
        failures: { kind: "lines", path: null },
      };
      built = await buildLoader(config, { db: opened.db });
    }, 60_000);

    afterAll(async () => {
      await registry?.stop();
      if (!opened) return;
      await opened.db.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(schema)} CASCADE`);
      await opened.close();
    }, 60_000);

    const columns = async (table: string) =>
      (
        await opened.db.query<{ name: string; type: string }>(
          `SELECT column_name AS name, upper(data_type) || coalesce('(' || character_maximum_length || ')', '') AS type
           FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`,
          [schema, table],
        )
      ).map((c) => `${c.name} ${c.type}`);
    const comment = async (table: string) =>
      (
        await opened.db.query(`SELECT obj_description($1::regclass, 'pg_class') AS uri`, [
          `${quoteIdentifier(schema)}.${quoteIdentifier(table)}`,
        ])
      )[0]?.uri;
    const meta = [
      "schema_vendor CHARACTER VARYING(128)",
      "schema_name CHARACTER VARYING(128)",
      "schema_format CHARACTER VARYING(128)",
      "schema_version CHARACTER VARYING(128)",
      "root_id UUID",
      "root_tstamp TIMESTAMP WITHOUT TIME ZONE",
    ];

    test("publish 1-0-0 and load: a table from the schema", async () => {
      const lines = Array.from({ length: 40 }, (_, n) =>
        press(n, run, "1-0-0", { buttonId: `b${n}`, count: n }),
      );
      expect(await built.loader.load(lines)).toMatchObject({ loaded: 40, bad: [] });
      expect(await columns(TABLE_1)).toEqual([...meta, "button_id CHARACTER VARYING(36)", "count INTEGER"]);
      expect(await comment(TABLE_1)).toBe(`iglu:${VENDOR}/buttonPress/jsonschema/1-0-0`);
    }, 60_000);

    test("publish 1-0-1 with new optional fields and load: columns added, old rows intact", async () => {
      await registry.publish(
        "1-0-1",
        {
          buttonId: { type: "string", maxLength: 36 },
          count: { type: "integer", maximum: 1000 },
          label: { type: ["string", "null"], maxLength: 100 },
          pressedOn: { type: "string", format: "date" },
        },
        ["buttonId"],
      );
      const lines = [
        ...Array.from({ length: 30 }, (_, n) =>
          press(100 + n, run, "1-0-1", {
            buttonId: `n${n}`,
            count: n,
            label: "Buy now",
            pressedOn: "2024-02-29",
          }),
        ),
        press(200, run, "1-0-0", { buttonId: "old", count: 1 }),
      ];
      expect(await built.loader.load(lines)).toMatchObject({ loaded: 31, bad: [] });
      expect(await columns(TABLE_1)).toEqual([
        ...meta,
        "button_id CHARACTER VARYING(36)",
        "count INTEGER",
        "label CHARACTER VARYING(100)",
        "pressed_on DATE",
      ]);
      expect(await comment(TABLE_1)).toBe(`iglu:${VENDOR}/buttonPress/jsonschema/1-0-1`);
      const rows = await opened.db.query(
        `SELECT schema_version, count(*)::int AS n, count(label)::int AS labelled,
                min(pressed_on)::text AS pressed, sum(count)::int AS total
         FROM ${quoteIdentifier(schema)}.${TABLE_1} GROUP BY schema_version ORDER BY schema_version`,
      );
      expect(rows).toEqual([
        { schema_version: "1-0-0", n: 41, labelled: 0, pressed: null, total: 781 },
        { schema_version: "1-0-1", n: 30, labelled: 30, pressed: "2024-02-29", total: 435 },
      ] as never);
    }, 60_000);

    test("publish 2-0-0 and load: a new model gets a new table, the old one is untouched", async () => {
      await registry.publish("2-0-0", { buttonId: { type: "string", format: "uuid" } }, ["buttonId"]);
      const lines = [press(300, run, "2-0-0", { buttonId: "a86c42e5-b831-45c8-b706-e214c26b4b3d" })];
      expect(await built.loader.load(lines)).toMatchObject({ loaded: 1, bad: [] });
      expect(await columns(TABLE_2)).toEqual([...meta, "button_id UUID"]);
      const [count] = await opened.db.query(
        `SELECT count(*)::int AS n FROM ${quoteIdentifier(schema)}.${TABLE_1}`,
      );
      expect(count?.n).toBe(71);
    }, 60_000);

    test("an entity of a version no registry has is a loader_iglu_error", async () => {
      const summary = await built.loader.load([press(400, run, "1-0-9", { buttonId: "x" })]);
      expect(summary.loaded).toBe(0);
      expect(summary.bad.map((b) => b.kind)).toEqual(["loader_iglu_error"]);
    }, 60_000);
  });
}

evolutionSuite("schema evolution on PGlite", 11, async () => {
  const engine = await startPglite();
  const db = await LoaderDatabase.connect({ url: engine.url, embedded: true });
  return {
    db,
    close: async () => {
      await db.close();
      await engine.stop();
    },
  };
});

const problem = await realPostgresProblem();
if (problem === null) {
  evolutionSuite("schema evolution on PostgreSQL 127.0.0.1:5432/test", 12, async () => {
    const db = await LoaderDatabase.connect({ url: REAL_POSTGRES, embedded: false });
    return { db, close: () => db.close() };
  });
} else {
  console.warn(`skipping schema evolution on PostgreSQL: ${REAL_POSTGRES} is unreachable (${problem})`);
}
