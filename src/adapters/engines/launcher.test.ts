/**
 * @module
 * The launcher against the real engines: every endpoint answers, stop() closes every port and
 * leaves nothing that keeps the process alive, a data directory survives a restart, and given
 * endpoints are used instead of embedded engines.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetItemCommand, ListTablesCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  PutRecordCommand,
} from "@aws-sdk/client-kinesis";
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListBucketsCommand,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import { dynamodbClient } from "../dynamodb/client.ts";
import { ensureLeaseTable } from "../dynamodb/lease-table.ts";
import { kinesisClient } from "../kinesis/client.ts";
import { ensureStream, listStreamNames } from "../kinesis/streams.ts";
import { connectPostgres } from "../postgres/connect.ts";
import { s3Client } from "../s3/client.ts";
import { LOCK_FILE } from "./data-dir-lock.ts";
import { type Endpoints, startEngines } from "./launcher.ts";

const REGION = "us-east-1";
const SLOW = 120_000;
const dirs: string[] = [];

afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "furrow-engines-"));
  dirs.push(dir);
  return dir;
}

/** The TCP port of an http:// or postgres:// URL. */
const portOf = (url: string): number => Number(new URL(url).port);

/** Resolves true if nothing accepts a TCP connection on the port any more. */
function refuses(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", (e: NodeJS.ErrnoException) => resolve(e.code === "ECONNREFUSED"));
  });
}

/** Proves each endpoint answers its own protocol. */
async function probe(endpoints: Endpoints): Promise<void> {
  const kinesis = kinesisClient({ endpoint: endpoints.kinesis, region: REGION });
  const dynamodb = dynamodbClient({ endpoint: endpoints.dynamodb, region: REGION });
  const s3 = s3Client({ endpoint: endpoints.s3, region: REGION });
  const sql = connectPostgres({ url: endpoints.postgresUrl, embedded: endpoints.embedded.postgres });
  try {
    expect(await listStreamNames(kinesis)).toEqual([]);
    expect((await dynamodb.send(new ListTablesCommand({}))).TableNames).toEqual([]);
    expect((await s3.send(new ListBucketsCommand({}))).Buckets ?? []).toEqual([]);
    expect(await sql`select 1 as one`).toEqual([{ one: 1 }] as never);
  } finally {
    kinesis.destroy();
    dynamodb.destroy();
    s3.destroy();
    await sql.end();
  }
}

describe("startEngines", () => {
  test(
    "starts all four in memory on free loopback ports; stop() closes every port and is idempotent",
    async () => {
      const engines = await startEngines();
      const { endpoints } = engines;
      expect(endpoints.kinesis).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(endpoints.dynamodb).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(endpoints.s3).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(endpoints.postgresUrl).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
      expect(endpoints.embedded).toEqual({ kinesis: true, dynamodb: true, s3: true, postgres: true });
      expect(engines.running.map((e) => e.name)).toEqual(["kinesis", "dynamodb", "s3", "postgres"]);
      const ports = [endpoints.kinesis, endpoints.dynamodb, endpoints.s3, endpoints.postgresUrl].map(portOf);
      expect(new Set(ports).size).toBe(4);

      await probe(endpoints);
      await engines.stop();
      expect(await Promise.all(ports.map(refuses))).toEqual([true, true, true, true]);
      await engines.stop();
    },
    SLOW,
  );

  test(
    "stop() works while clients still hold keep-alive connections",
    async () => {
      const engines = await startEngines({ databaseUrl: "postgres://unused@127.0.0.1:1/none" });
      const kinesis = kinesisClient({ endpoint: engines.endpoints.kinesis, region: REGION });
      const s3 = s3Client({ endpoint: engines.endpoints.s3, region: REGION });
      await listStreamNames(kinesis);
      await s3.send(new ListBucketsCommand({}));
      // The clients are not destroyed: their agents keep idle sockets open to both servers.
      await engines.stop();
      expect(await refuses(portOf(engines.endpoints.kinesis))).toBe(true);
      expect(await refuses(portOf(engines.endpoints.s3))).toBe(true);
      kinesis.destroy();
      s3.destroy();
    },
    SLOW,
  );

  test(
    "leaves no handle behind: a process that starts, uses and stops them exits by itself",
    async () => {
      const launcher = join(import.meta.dir, "launcher.ts");
      const script = `
        import { startEngines } from ${JSON.stringify(launcher)};
        import { kinesisClient } from ${JSON.stringify(join(import.meta.dir, "../kinesis/client.ts"))};
        import { connectPostgres } from ${JSON.stringify(join(import.meta.dir, "../postgres/connect.ts"))};
        import { ListStreamsCommand } from "@aws-sdk/client-kinesis";
        const engines = await startEngines();
        const kinesis = kinesisClient({ endpoint: engines.endpoints.kinesis, region: "us-east-1" });
        await kinesis.send(new ListStreamsCommand({}));
        const sql = connectPostgres({ url: engines.endpoints.postgresUrl, embedded: true });
        await sql\`select 1\`;
        await sql.end();
        await engines.stop();
        console.log("stopped");
      `;
      const child = Bun.spawn([process.execPath, "-e", script], {
        cwd: join(import.meta.dir, "../../.."),
        stdout: "pipe",
        stderr: "pipe",
      });
      const killer = setTimeout(() => child.kill("SIGKILL"), 60_000);
      const code = await child.exited;
      clearTimeout(killer);
      const out = await new Response(child.stdout).text();
      expect({ code, out: out.trim(), signal: child.signalCode }).toEqual({
        code: 0,
        out: "stopped",
        signal: null,
      });
    },
    SLOW,
  );

  test(
    "with a data directory, a restart keeps a stream's records, an item, an object and a row",
    async () => {
      const dataDir = await tempDir();
      const first = await startEngines({ dataDir });
      {
        const { endpoints } = first;
        const kinesis = kinesisClient({ endpoint: endpoints.kinesis, region: REGION });
        const dynamodb = dynamodbClient({ endpoint: endpoints.dynamodb, region: REGION });
        const s3 = s3Client({ endpoint: endpoints.s3, region: REGION });
        const sql = connectPostgres({ url: endpoints.postgresUrl, embedded: true });
        // Both engines report CREATING until a timer fires, so wait for ACTIVE before writing.
        await ensureStream(kinesis, { name: "kept", shards: 1 });
        await kinesis.send(
          new PutRecordCommand({ StreamName: "kept", PartitionKey: "p", Data: Buffer.from("r1") }),
        );
        await ensureLeaseTable(dynamodb, "kept");
        await dynamodb.send(
          new PutItemCommand({
            TableName: "kept",
            Item: { leaseKey: { S: "shardId-000000000000" }, n: { N: "7" } },
          }),
        );
        await s3.send(new CreateBucketCommand({ Bucket: "kept" }));
        await s3.send(new PutObjectCommand({ Bucket: "kept", Key: "raw/a.txt", Body: "object body" }));
        await sql`create table kept (id int primary key, v text)`;
        await sql`insert into kept values (1, 'row one')`;
        kinesis.destroy();
        dynamodb.destroy();
        s3.destroy();
        await sql.end();
      }
      await first.stop();

      const second = await startEngines({ dataDir });
      try {
        const { endpoints } = second;
        const kinesis = kinesisClient({ endpoint: endpoints.kinesis, region: REGION });
        const dynamodb = dynamodbClient({ endpoint: endpoints.dynamodb, region: REGION });
        const s3 = s3Client({ endpoint: endpoints.s3, region: REGION });
        const sql = connectPostgres({ url: endpoints.postgresUrl, embedded: true });
        try {
          const shards = await kinesis.send(new ListShardsCommand({ StreamName: "kept" }));
          const iterator = await kinesis.send(
            new GetShardIteratorCommand({
              StreamName: "kept",
              ShardId: shards.Shards?.[0]?.ShardId,
              ShardIteratorType: "TRIM_HORIZON",
            }),
          );
          const records = await kinesis.send(
            new GetRecordsCommand({ ShardIterator: iterator.ShardIterator }),
          );
          expect(records.Records?.map((r) => new TextDecoder().decode(r.Data))).toEqual(["r1"]);

          const item = await dynamodb.send(
            new GetItemCommand({ TableName: "kept", Key: { leaseKey: { S: "shardId-000000000000" } } }),
          );
          expect(item.Item?.n).toEqual({ N: "7" });

          const object = await s3.send(new GetObjectCommand({ Bucket: "kept", Key: "raw/a.txt" }));
          expect(await object.Body?.transformToString()).toBe("object body");

          expect(await sql`select id, v from kept`).toEqual([{ id: 1, v: "row one" }] as never);
        } finally {
          kinesis.destroy();
          dynamodb.destroy();
          s3.destroy();
          await sql.end();
        }
      } finally {
        await second.stop();
      }
    },
    SLOW,
  );

  test(
    "a data directory serves one process at a time; a stale lock is taken over",
    async () => {
      const dataDir = await tempDir();
      const noPglite = { dataDir, databaseUrl: "postgres://unused@127.0.0.1:1/none" };
      const first = await startEngines(noPglite);
      expect(await readFile(join(dataDir, LOCK_FILE), "utf8")).toBe(`${process.pid}\n`);
      await expect(startEngines(noPglite)).rejects.toThrow(
        `data directory ${dataDir} is in use by this process`,
      );
      await first.stop();

      // A lock left by a process that has exited does not block the next start.
      const gone = Bun.spawn([process.execPath, "-e", "0"]);
      await gone.exited;
      await writeFile(join(dataDir, LOCK_FILE), `${gone.pid}\n`);
      const second = await startEngines(noPglite);
      expect(await readFile(join(dataDir, LOCK_FILE), "utf8")).toBe(`${process.pid}\n`);
      await second.stop();
      expect(await Bun.file(join(dataDir, LOCK_FILE)).exists()).toBe(false);
    },
    SLOW,
  );

  test(
    "uses given endpoints instead of starting engines, and mixes them with embedded ones",
    async () => {
      const other = await startEngines({ databaseUrl: "postgres://unused@127.0.0.1:1/none" });
      const databaseUrl = "postgres://furrow:secret@db.example:5432/furrow";
      const engines = await startEngines({
        kinesisEndpoint: other.endpoints.kinesis,
        dynamodbEndpoint: other.endpoints.dynamodb,
        databaseUrl,
      });
      try {
        expect(engines.endpoints.embedded).toEqual({
          kinesis: false,
          dynamodb: false,
          s3: true,
          postgres: false,
        });
        expect(engines.endpoints.kinesis).toBe(other.endpoints.kinesis);
        expect(engines.endpoints.dynamodb).toBe(other.endpoints.dynamodb);
        expect(engines.endpoints.postgresUrl).toBe(databaseUrl);
        expect(engines.endpoints.s3).not.toBe(other.endpoints.s3);
      } finally {
        await engines.stop();
      }
      // Stopping the user of an external endpoint leaves that endpoint running.
      expect(await refuses(portOf(other.endpoints.kinesis))).toBe(false);
      expect(await refuses(portOf(engines.endpoints.s3))).toBe(true);
      await other.stop();
    },
    SLOW,
  );
});
