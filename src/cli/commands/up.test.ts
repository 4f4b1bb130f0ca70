/**
 * @module
 * `furrow up` against real engines: in process (what it prints, what it provisions, the seam for
 * later parts, failures) and as a subprocess of `src/cli/main.ts` stopped with SIGINT.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { ListBucketsCommand } from "@aws-sdk/client-s3";
import { REAL_POSTGRES, realPostgresProblem } from "../../../test/support/real-postgres.ts";
import {
  PART_NAMES,
  printedRows,
  startFurrowUp,
  WHOLE_PIPELINE_ROWS,
} from "../../../test/up/furrow-up-process.ts";
import { writePublishableSchemas } from "../../../test/up/publishable-schemas.ts";
import { dynamodbClient } from "../../adapters/dynamodb/client.ts";
import { kinesisClient } from "../../adapters/kinesis/client.ts";
import { listStreamNames } from "../../adapters/kinesis/streams.ts";
import { pollUntil } from "../../adapters/poll-until.ts";
import { connectPostgres } from "../../adapters/postgres/connect.ts";
import { s3Client } from "../../adapters/s3/client.ts";
import { furrowTopology, STREAM_ROLES } from "../../core/topology.ts";
import { type CommandIO, UsageError } from "../command.ts";
import { resolveUpConfig, type UpConfig } from "../config.ts";
import { furrowParts } from "../up/parts.ts";
import { type Pipeline, runUp, startUp, type UpPart, upCommand } from "./up.ts";

const SLOW = 120_000;
const REPO = join(import.meta.dir, "../../..");
const topology = furrowTopology({ stage: "local" });
const dirs: string[] = [];

afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "furrow-up-"));
  dirs.push(dir);
  return dir;
}

/** A CommandIO whose output is kept, with a stop button. */
function testIo() {
  let out = "";
  let err = "";
  let stop = () => {};
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  const io: CommandIO = {
    stdin: new Blob([]).stream(),
    stdout: (text) => {
      out += text;
      for (const w of waiters.filter((w) => w.pattern.test(out))) w.resolve();
    },
    stderr: (text) => {
      err += text;
    },
    stopped,
  };
  return {
    io,
    stop,
    out: () => out,
    err: () => err,
    waitFor: (pattern: RegExp) =>
      new Promise<void>((resolve) => (pattern.test(out) ? resolve() : waiters.push({ pattern, resolve }))),
  };
}

function refuses(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", (e: NodeJS.ErrnoException) => resolve(e.code === "ECONNREFUSED"));
  });
}

/**
 * Checks every printed service answers and holds the provisioned topology. Embedded PGlite takes
 * one connection, which the Postgres loaders hold while they run: then `postgres` is not asked.
 */
async function expectServing(rows: Map<string, string[]>, askPostgres = true): Promise<void> {
  const region = "us-east-1";
  const kinesis = kinesisClient({ endpoint: rows.get("kinesis")?.[0], region });
  const dynamodb = dynamodbClient({ endpoint: rows.get("dynamodb")?.[0], region });
  const s3 = s3Client({ endpoint: rows.get("s3")?.[0], region });
  const postgresUrl = rows.get("postgres")?.[0] ?? "";
  const sql = connectPostgres({ url: postgresUrl, embedded: true });
  try {
    expect((await listStreamNames(kinesis)).sort()).toEqual(
      STREAM_ROLES.map((r) => topology.streams[r].name).sort(),
    );
    expect(((await dynamodb.send(new ListTablesCommand({}))).TableNames ?? []).sort()).toEqual(
      topology.leaseTables.map((t) => t.name).sort(),
    );
    expect((await s3.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name)).toEqual([
      topology.bucket.name,
    ]);
    if (askPostgres) expect(await sql`select 1 as one`).toEqual([{ one: 1 }] as never);
  } finally {
    kinesis.destroy();
    dynamodb.destroy();
    s3.destroy();
    await sql.end();
  }
}

const realPostgres = (await realPostgresProblem()) === null;
if (!realPostgres)
  console.warn(`skipping the 'furrow up' test with real PostgreSQL: ${REAL_POSTGRES} is unreachable`);

const config = (overrides: Partial<UpConfig> & { dataDir: string }): UpConfig => ({
  ...resolveUpConfig({ flags: {}, env: {}, cwd: REPO }),
  ...overrides,
});

describe("runUp", () => {
  test(
    "prints each service and resource, serves the provisioned topology, starts and stops parts in order",
    async () => {
      const dataDir = await tempDir();
      const events: string[] = [];
      const part = (name: string): UpPart => ({
        name,
        async start(pipeline: Pipeline) {
          events.push(`start ${name} ${pipeline.topology.stage} ${pipeline.endpoints.embedded.kinesis}`);
          return { url: `http://example.test/${name}`, stop: async () => void events.push(`stop ${name}`) };
        },
      });
      const t = testIo();
      const exit = runUp(config({ dataDir }), t.io, [part("first"), part("second")]);
      await t.waitFor(/furrow up: ready/);

      const rows = printedRows(t.out().split("\n"));
      for (const name of ["kinesis", "dynamodb", "s3"])
        expect(rows.get(name)?.[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(rows.get("postgres")?.[0]).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
      expect(rows.get("stream")).toEqual(STREAM_ROLES.map((r) => topology.streams[r].name));
      expect(rows.get("table")).toEqual(topology.leaseTables.map((l) => l.name));
      expect(rows.get("bucket")).toEqual([topology.bucket.name]);
      expect(rows.get("first")).toEqual(["http://example.test/first"]);
      expect(t.out()).toContain(`embedded, state in ${dataDir}/kinesis`);
      expect(t.out()).toContain("raw/ enriched/ bad/, created");
      await expectServing(rows);

      t.stop();
      expect(await exit).toBe(0);
      expect(events).toEqual([
        "start first local true",
        "start second local true",
        "stop second",
        "stop first",
      ]);
      expect(t.out()).toEndWith("furrow up: stopped\n");
      expect(t.err()).toBe("");
      const urls = ["kinesis", "dynamodb", "s3", "postgres"].map((n) => rows.get(n)?.[0] ?? "");
      expect(await Promise.all(urls.map(refuses))).toEqual([true, true, true, true]);

      // Again on the same data directory: everything is found, nothing is created.
      const again = testIo();
      const exitAgain = runUp(config({ dataDir }), again.io, []);
      await again.waitFor(/furrow up: ready/);
      expect(again.out()).not.toContain("created");
      expect(again.out().match(/existed/g)?.length).toBe(4 + topology.leaseTables.length + 1);
      again.stop();
      expect(await exitAgain).toBe(0);
    },
    SLOW,
  );

  test.skipIf(!realPostgres)(
    "mixes embedded AWS engines with a real PostgreSQL, whose URL is printed without its password",
    async () => {
      const t = testIo();
      const exit = runUp(
        config({ dataDir: await tempDir(), databaseUrl: "postgres://postgres:hunter2@127.0.0.1:5432/test" }),
        t.io,
        [],
      );
      try {
        await t.waitFor(/furrow up: ready/);
        // Trust authentication ignores the password; the point is that it is never printed.
        expect(t.out()).toMatch(
          /^postgres {2}postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:5432\/test {2}PostgreSQL \S+, given$/m,
        );
        expect(t.out()).not.toContain("hunter2");
        expect(t.out()).toMatch(/^kinesis .* embedded, state in /m);
      } finally {
        t.stop();
        expect(await exit).toBe(0);
      }
    },
    SLOW,
  );

  test(
    "a part that fails to start stops the parts before it and the engines: one line on stderr, exit 1",
    async () => {
      const events: string[] = [];
      const fine: UpPart = {
        name: "fine",
        start: async () => ({ url: "http://example.test/", stop: async () => void events.push("stop fine") }),
      };
      const broken: UpPart = {
        name: "broken",
        start: async () => {
          throw new Error("port 9090 is taken\nmore detail");
        },
      };
      const t = testIo();
      expect(await runUp(config({ dataDir: await tempDir() }), t.io, [fine, broken])).toBe(1);
      expect(events).toEqual(["stop fine"]);
      expect(t.err()).toBe("furrow up: port 9090 is taken\n");
      const rows = printedRows(t.out().split("\n"));
      expect(rows.get("fine")).toEqual(["http://example.test/"]);
      expect(rows.has("broken")).toBe(false);
      expect(await refuses(rows.get("kinesis")?.[0] ?? "")).toBe(true);
    },
    SLOW,
  );

  test(
    "the whole pipeline on PGlite, in process: good events reach atomic.events, bad ones atomic_bad, counters add up",
    async () => {
      const dataDir = await tempDir();
      const schemasDir = await writePublishableSchemas(await tempDir());
      const enrichmentsDir = await tempDir();
      await cp(
        join(REPO, "fixtures/enrich/enrichments/event_fingerprint_config.json"),
        join(enrichmentsDir, "event_fingerprint_config.json"),
      );
      const t = testIo();
      const { parts, database } = furrowParts();
      const running = await startUp(
        config({
          dataDir,
          schemasDir,
          enrichmentsDir,
          collectorPort: 0,
          igluPort: 0,
          progressSeconds: 0.5,
          s3MaxDelaySeconds: 0.2,
        }),
        t.io,
        parts,
      );
      try {
        expect([...running.parts.keys()]).toEqual(PART_NAMES);
        expect(running.urls.collector).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        // Every stand-in schema was published, and the resolver config lists this server first.
        expect(t.out()).toMatch(/^iglu {6}http:\/\/127\.0\.0\.1:\d+ {2}embedded PGlite in .*\(15 new\)/m);
        const resolver = await Bun.file(join(dataDir, "iglu-resolver.json")).json();
        expect(
          resolver.data.repositories.map(
            (r: { connection: { http: { uri: string } } }) => r.connection.http.uri,
          ),
        ).toEqual([`${running.urls.iglu}/api`, "http://iglucentral.com"]);

        const ids = Array.from({ length: 4 }, () => crypto.randomUUID());
        const track = (query: string) => fetch(`${running.urls.collector}/i?${query}`).then((r) => r.status);
        for (const eid of ids) {
          expect(
            await track(`e=pv&p=web&tv=js-3.0.0&aid=up-test&url=https%3A%2F%2Fshop.example%2F&eid=${eid}`),
          ).toBe(200);
        }
        // Self-describing data that is not JSON: enrich makes a bad row, the bad loader loads it.
        expect(await track(`e=ue&p=web&tv=js-3.0.0&ue_pr=%7Bnot-json&eid=${crypto.randomUUID()}`)).toBe(200);

        await pollUntil(
          async () => {
            const p = running.progress();
            return p.enriched === 4 && p.bad >= 1 && p.postgresRows >= 5 && p.s3Files >= 3;
          },
          { what: "events through every stage", timeoutMs: 90_000 },
        );
        const rows = await database.query<{ id: string; fingerprint: string | null }>(
          "SELECT event_id::text AS id, event_fingerprint AS fingerprint FROM atomic.events",
        );
        expect(rows.map((r) => r.id).sort()).toEqual([...ids].sort());
        // The enrichment of --enrichments ran on every event.
        for (const r of rows) expect(r.fingerprint).toMatch(/^[0-9a-f]{64}$/);
        expect(t.out()).toMatch(/^enrich .*enrichments: event_fingerprint_config$/m);
        expect(running.progress()).toMatchObject({ collected: 5, enriched: 4, bad: 1, postgresRows: 5 });
        const badTables = await database.query<{ name: string }>(
          "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'atomic_bad'",
        );
        expect(badTables).toHaveLength(1);
        const [badTable] = badTables;
        const badRows = await database.query(`SELECT * FROM atomic_bad."${badTable?.name}"`);
        expect(badRows).toHaveLength(1);
        await t.waitFor(/^progress {2}collector .* \(good 4\) {2}bad 1 {2}s3 \d+ files {2}postgres 5 rows$/m);
      } finally {
        await running.stop();
      }
      await expect(database.query("SELECT 1")).rejects.toThrow("no Postgres loader is running");
      const urls = ["collector", "iglu", "kinesis", "postgres"].map((n) => running.urls[n] ?? "");
      expect(await Promise.all(urls.map(refuses))).toEqual([true, true, true, true]);
    },
    SLOW,
  );

  test(
    "an unreachable given endpoint is one line on stderr and exit code 1",
    async () => {
      const t = testIo();
      const code = await runUp(
        config({ dataDir: await tempDir(), databaseUrl: "postgres://postgres@127.0.0.1:1/none" }),
        t.io,
      );
      expect(code).toBe(1);
      expect(t.err()).toMatch(/^furrow up: .*ECONNREFUSED.*\n$/);
      expect(t.out()).toBe("");
    },
    SLOW,
  );
});

describe("upCommand", () => {
  test("reports bad flags as a UsageError before starting anything", async () => {
    const t = testIo();
    await expect(upCommand.run(["--stage", "Not_Valid"], t.io)).rejects.toBeInstanceOf(UsageError);
    await expect(upCommand.run(["--kinesis-endpoint", "4567"], t.io)).rejects.toThrow("--kinesis-endpoint");
    expect(upCommand.path).toEqual(["up"]);
  });

  test(
    "as a process: prints its services, serves them, and exits 0 on SIGINT with every port closed",
    async () => {
      const dataDir = await tempDir();
      // `--database-url ""` keeps a DATABASE_URL of the test environment from replacing PGlite.
      const up = await startFurrowUp(
        [
          "--data-dir",
          dataDir,
          "--database-url",
          "",
          "--collector-port",
          "0",
          "--iglu-port",
          "0",
          "--no-progress",
        ],
        90_000,
      );
      try {
        const { rows, lines } = up;
        expect([...rows.keys()]).toEqual(WHOLE_PIPELINE_ROWS);
        await expectServing(rows, false);
        const collector = rows.get("collector")?.[0] ?? "";
        const iglu = rows.get("iglu")?.[0] ?? "";
        expect((await fetch(`${collector}/health`)).status).toBe(200);
        expect(await (await fetch(`${iglu}/api/meta/health`)).text()).toBe("OK");

        expect(await up.stop()).toBe(0);
        expect(lines.at(-1)).toBe("furrow up: stopped");
        expect(lines.some((l) => l.startsWith("progress"))).toBe(false);
        const urls = ["kinesis", "dynamodb", "s3", "postgres"].map((n) => rows.get(n)?.[0] ?? "");
        expect(await Promise.all([...urls, collector, iglu].map(refuses))).toEqual(Array(6).fill(true));
      } finally {
        up.kill();
      }
    },
    SLOW,
  );
});
