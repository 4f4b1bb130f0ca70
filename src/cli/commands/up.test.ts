/**
 * @module
 * `furrow up` against real engines: in process (what it prints, what it provisions, the seam for
 * later parts, failures) and as a subprocess of `src/cli/main.ts` stopped with SIGINT.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { ListBucketsCommand } from "@aws-sdk/client-s3";
import { dynamodbClient } from "../../adapters/dynamodb/client.ts";
import { kinesisClient } from "../../adapters/kinesis/client.ts";
import { listStreamNames } from "../../adapters/kinesis/streams.ts";
import { connectPostgres } from "../../adapters/postgres/connect.ts";
import { s3Client } from "../../adapters/s3/client.ts";
import { furrowTopology, STREAM_ROLES } from "../../core/topology.ts";
import { type CommandIO, readLines, UsageError } from "../command.ts";
import { resolveUpConfig, type UpConfig } from "../config.ts";
import { type Pipeline, runUp, type UpPart, upCommand } from "./up.ts";

const SLOW = 120_000;
const REPO = join(import.meta.dir, "../../..");
const REAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/test";
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

/** `name → first word after it` for the printed lines, e.g. kinesis → its URL. */
function printed(out: string): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const l of out.split("\n")) {
    const [label, value] = l.split(/\s+/);
    if (label && value && !label.startsWith("furrow")) rows.set(label, [...(rows.get(label) ?? []), value]);
  }
  return rows;
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

/** Checks every printed service answers and holds the provisioned topology. */
async function expectServing(rows: Map<string, string[]>): Promise<void> {
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
    expect(await sql`select 1 as one`).toEqual([{ one: 1 }] as never);
  } finally {
    kinesis.destroy();
    dynamodb.destroy();
    s3.destroy();
    await sql.end();
  }
}

async function realPostgresAnswers(): Promise<boolean> {
  const sql = connectPostgres({ url: REAL_POSTGRES, embedded: false }, { connect_timeout: 3, max: 1 });
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 });
  }
}
const realPostgres = await realPostgresAnswers();
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

      const rows = printed(t.out());
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
      const child = Bun.spawn(
        [process.execPath, "src/cli/main.ts", "up", "--data-dir", dataDir, "--database-url", ""],
        { cwd: REPO, stdout: "pipe", stderr: "pipe" },
      );
      const killer = setTimeout(() => child.kill("SIGKILL"), 90_000);
      try {
        // Keep reading to the end, so the child never writes into a closed pipe.
        const lines: string[] = [];
        let onReady = () => {};
        const ready = new Promise<void>((resolve) => {
          onReady = resolve;
        });
        const reading = (async () => {
          for await (const l of readLines(child.stdout)) {
            lines.push(l);
            if (l.startsWith("furrow up: ready")) onReady();
          }
        })();
        await Promise.race([ready, child.exited]);
        const rows = printed(lines.join("\n"));
        expect([...rows.keys()]).toEqual([
          "kinesis",
          "dynamodb",
          "s3",
          "postgres",
          "stream",
          "table",
          "bucket",
        ]);
        await expectServing(rows);

        child.kill("SIGINT");
        expect(await child.exited).toBe(0);
        await reading;
        expect(lines.at(-1)).toBe("furrow up: stopped");
        const urls = ["kinesis", "dynamodb", "s3", "postgres"].map((n) => rows.get(n)?.[0] ?? "");
        expect(await Promise.all(urls.map(refuses))).toEqual([true, true, true, true]);
      } finally {
        clearTimeout(killer);
        child.kill("SIGKILL");
      }
    },
    SLOW,
  );
});
