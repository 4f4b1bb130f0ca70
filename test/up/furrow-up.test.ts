/**
 * @module
 * `furrow up` as a real process (`bun src/cli/main.ts up`) running the whole pipeline on a real
 * PostgreSQL database of its own: Snowplow's Node tracker sends to the collector URL it prints,
 * and the events must arrive in `atomic.events` and, enriched, under `enriched/` of the bucket at
 * the S3 endpoint it prints. Then SIGINT, a second run on the same data directory, more events:
 * every event must be in both places exactly once (nothing re-read from the streams, nothing lost).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildPageView, buildStructEvent, newTracker } from "@snowplow/node-tracker";
import { pollUntil } from "../../src/adapters/poll-until.ts";
import { connectPostgres } from "../../src/adapters/postgres/connect.ts";
import { s3Client } from "../../src/adapters/s3/client.ts";
import { S3ObjectStore } from "../../src/adapters/s3/object-store.ts";
import { gunzip } from "../../src/core/loading/gzip.ts";
import { furrowTopology } from "../../src/core/topology.ts";
import { realPostgresProblem } from "../support/real-postgres.ts";
import { startFurrowUp, type UpProcess, WHOLE_PIPELINE_ROWS } from "./furrow-up-process.ts";
import { writePublishableSchemas } from "./publishable-schemas.ts";

const SERVER = "postgres://postgres@127.0.0.1:5432";
const SLOW = 240_000;
const topology = furrowTopology({ stage: "local" });
const database = `furrow_up_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
const dirs: string[] = [];

const realPostgres = (await realPostgresProblem()) === null;
if (!realPostgres) console.warn(`skipping the 'furrow up' process test: ${SERVER} is unreachable`);

beforeAll(async () => {
  if (!realPostgres) return;
  const admin = connectPostgres({ url: `${SERVER}/test`, embedded: false }, { max: 1 });
  await admin.unsafe(`create database ${database}`);
  await admin.end();
});

afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  if (!realPostgres) return;
  const admin = connectPostgres({ url: `${SERVER}/test`, embedded: false }, { max: 1 });
  await admin.unsafe(`drop database if exists ${database} with (force)`);
  await admin.end();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "furrow-up-e2e-"));
  dirs.push(dir);
  return dir;
}

/** Polls `check`; if it never holds, fails with what the process printed, to show why. */
async function waitUntil(up: UpProcess, check: () => Promise<boolean>, what: string): Promise<void> {
  try {
    await pollUntil(check, { what, timeoutMs: 90_000 });
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${up.lines.join("\n")}\n${up.stderr()}`);
  }
}

/** Sends `count` page views and `count` structured events with the Node tracker's POST emitter. */
function sendEvents(collectorUrl: string, count: number, label: string): string[] {
  const url = new URL(collectorUrl);
  const tracker = newTracker(
    { namespace: `up-${label}`, appId: "furrow-up-test", encodeBase64: true },
    { endpoint: url.hostname, port: Number(url.port), protocol: "http", eventMethod: "post", bufferSize: 1 },
  );
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    for (const payload of [
      tracker.track(buildPageView({ pageUrl: `https://shop.example/${label}/${i}`, pageTitle: label })),
      tracker.track(buildStructEvent({ category: "up", action: label, value: i })),
    ]) {
      ids.push(String(payload?.["eid"]));
    }
  }
  return ids;
}

/** The event ids of every enriched line under `enriched/` (event_id is the 7th TSV field). */
async function enrichedInBucket(s3Endpoint: string): Promise<string[]> {
  const client = s3Client({ endpoint: s3Endpoint, region: "us-east-1" });
  try {
    const store = new S3ObjectStore(client, topology.bucket.name);
    const ids: string[] = [];
    for await (const o of store.list("enriched/")) {
      const object = await store.get(o.key);
      if (object === null || !o.key.endsWith(".gz")) continue;
      const text = new TextDecoder().decode(await gunzip(object.body));
      for (const line of text.split("\n")) if (line !== "") ids.push(line.split("\t")[6] ?? "");
    }
    return ids;
  } finally {
    client.destroy();
  }
}

/** The event ids `/micro/good` lists. */
async function microGood(collectorUrl: string): Promise<string[]> {
  const response = await fetch(`${collectorUrl}/micro/good`);
  const good = (await response.json()) as { event: Record<string, unknown> }[];
  return good.map((g) => String(g.event["event_id"]));
}

describe.skipIf(!realPostgres)("furrow up (process, real PostgreSQL)", () => {
  test(
    "tracker events reach atomic.events and the bucket; a restart on the same data carries on without loading anything twice",
    async () => {
      const dataDir = await tempDir();
      const schemas = await writePublishableSchemas(await tempDir());
      const databaseUrl = `${SERVER}/${database}`;
      const args = [
        "--data-dir",
        dataDir,
        "--database-url",
        databaseUrl,
        "--collector-port",
        "0",
        "--iglu-port",
        "0",
        "--schemas",
        schemas,
        "--s3-max-delay",
        "0.3",
        "--progress",
        "1",
      ];
      const sql = connectPostgres({ url: databaseUrl, embedded: false }, { max: 1, onnotice: () => {} });
      const loaded = async () =>
        (await sql`select event_id::text as id from atomic.events`).map((r) => String(r.id));
      try {
        const first = await startFurrowUp(args, SLOW);
        let firstIds: string[];
        try {
          expect([...first.rows.keys()]).toEqual(WHOLE_PIPELINE_ROWS);
          expect(first.lines.join("\n")).toMatch(/^iglu .*\(\d+ new\)/m);
          const collector = first.rows.get("collector")?.[0] ?? "";
          const s3 = first.rows.get("s3")?.[0] ?? "";
          firstIds = sendEvents(collector, 5, "first");
          await waitUntil(
            first,
            async () => (await loaded()).length >= firstIds.length,
            "the first events in atomic.events",
          );
          await waitUntil(
            first,
            async () => (await enrichedInBucket(s3)).length >= firstIds.length,
            "the first events under enriched/",
          );
          expect((await loaded()).sort()).toEqual([...firstIds].sort());
          expect((await enrichedInBucket(s3)).sort()).toEqual([...firstIds].sort());
          // The collector serves Snowplow Micro's API: the tracker's events are in /micro/good.
          await waitUntil(
            first,
            async () => (await microGood(collector)).length >= firstIds.length,
            "the first events in /micro/good",
          );
          expect((await microGood(collector)).sort()).toEqual([...firstIds].sort());
          await waitUntil(
            first,
            async () => first.lines.some((l) => /^progress .*postgres 10 rows/.test(l)),
            "a progress line",
          );
        } finally {
          expect(await first.stop()).toBe(0);
        }
        expect(first.lines.at(-1)).toBe("furrow up: stopped");

        const second = await startFurrowUp(args, SLOW);
        try {
          expect(second.lines.join("\n")).not.toContain(", created");
          expect(second.lines.join("\n")).toMatch(/^iglu .*\(0 new\)/m);
          const collector = second.rows.get("collector")?.[0] ?? "";
          const s3 = second.rows.get("s3")?.[0] ?? "";
          const secondIds = sendEvents(collector, 3, "second");
          const all = [...firstIds, ...secondIds].sort();
          await waitUntil(
            second,
            async () => (await loaded()).length >= all.length,
            "the second events in atomic.events",
          );
          await waitUntil(
            second,
            async () => (await enrichedInBucket(s3)).length >= all.length,
            "the second events under enriched/",
          );
          // Exactly once in each: the first run's records were not read again.
          expect((await loaded()).sort()).toEqual(all);
          expect((await enrichedInBucket(s3)).sort()).toEqual(all);
        } finally {
          expect(await second.stop()).toBe(0);
        }
      } finally {
        await sql.end();
      }
    },
    SLOW,
  );
});
