/** @module Tests of the topology: names, who reads and writes what, and option validation. */
import { describe, expect, test } from "bun:test";
import {
  APP_IDS,
  furrowTopology,
  LEASE_KEY,
  readersOf,
  STREAM_ROLES,
  stageProblem,
  TopologyError,
  writersOf,
} from "./topology.ts";

describe("furrowTopology", () => {
  const t = furrowTopology({ stage: "local" });

  test("derives every physical name from the stage", () => {
    expect(t.prefix).toBe("furrow-local");
    expect(STREAM_ROLES.map((r) => t.streams[r].name)).toEqual([
      "furrow-local-raw-stream",
      "furrow-local-enriched-stream",
      "furrow-local-bad-1-stream",
      "furrow-local-bad-2-stream",
    ]);
    expect(t.bucket.name).toBe("furrow-local-pipeline");
    expect(t.postgres.database).toBe("furrow");
    for (const id of APP_IDS) expect(t.apps[id].name).toBe(`furrow-local-${id}`);
  });

  test("two stages share no name", () => {
    const other = furrowTopology({ stage: "prod" });
    const names = (x: typeof t) => [
      ...STREAM_ROLES.map((r) => x.streams[r].name),
      ...x.leaseTables.map((l) => l.name),
      x.bucket.name,
    ];
    const mine = new Set(names(t));
    expect(names(other).filter((n) => mine.has(n))).toEqual([]);
  });

  test("one shard and 24 h retention by default; shards can be overridden per stream", () => {
    for (const r of STREAM_ROLES)
      expect(t.streams[r]).toMatchObject({ role: r, shards: 1, retentionHours: 24 });
    const wide = furrowTopology({ stage: "local", shards: { raw: 4, enriched: 2 } });
    expect([wide.streams.raw.shards, wide.streams.enriched.shards, wide.streams["bad-1"].shards]).toEqual([
      4, 2, 1,
    ]);
  });

  test("each consumer reads one stream and has a KCL lease table named after the app", () => {
    const consumers = Object.fromEntries(
      t.leaseTables.map((l) => [l.app, { stream: l.stream, table: l.name, key: l.hashKey }]),
    );
    expect(consumers).toEqual({
      enrich: { stream: "raw", table: "furrow-local-enrich", key: LEASE_KEY },
      "s3-loader-raw": { stream: "raw", table: "furrow-local-s3-loader-raw", key: LEASE_KEY },
      "s3-loader-enriched": { stream: "enriched", table: "furrow-local-s3-loader-enriched", key: LEASE_KEY },
      "s3-loader-bad": { stream: "bad-1", table: "furrow-local-s3-loader-bad", key: LEASE_KEY },
      "postgres-loader-enriched": {
        stream: "enriched",
        table: "furrow-local-postgres-loader-enriched",
        key: LEASE_KEY,
      },
      "postgres-loader-bad": { stream: "bad-1", table: "furrow-local-postgres-loader-bad", key: LEASE_KEY },
    });
    expect(LEASE_KEY).toBe("leaseKey");
    expect(t.apps.collector.input).toEqual({ kind: "http" });
    for (const l of t.leaseTables) {
      expect(t.apps[l.app].input).toEqual({
        kind: "stream",
        stream: l.stream,
        leaseTable: l.name,
        initialPosition: "TRIM_HORIZON",
      });
    }
  });

  test("failures: loaders of raw and enriched data to bad-1, loaders of bad rows to bad-2", () => {
    const failures = Object.fromEntries(APP_IDS.map((id) => [id, t.apps[id].failures]));
    expect(failures).toEqual({
      collector: "bad-1",
      enrich: "bad-1",
      "s3-loader-raw": "bad-1",
      "s3-loader-enriched": "bad-1",
      "s3-loader-bad": "bad-2",
      "postgres-loader-enriched": "bad-1",
      "postgres-loader-bad": "bad-2",
    });
  });

  test("writers and readers of each stream (what IAM will grant)", () => {
    const ids = (apps: { id: string }[]) => apps.map((a) => a.id);
    expect(ids(writersOf(t, "raw"))).toEqual(["collector"]);
    expect(ids(writersOf(t, "enriched"))).toEqual(["enrich"]);
    expect(ids(writersOf(t, "bad-1"))).toEqual([
      "collector",
      "enrich",
      "s3-loader-raw",
      "s3-loader-enriched",
      "postgres-loader-enriched",
    ]);
    expect(ids(writersOf(t, "bad-2"))).toEqual(["s3-loader-bad", "postgres-loader-bad"]);
    expect(ids(readersOf(t, "raw"))).toEqual(["enrich", "s3-loader-raw"]);
    expect(ids(readersOf(t, "enriched"))).toEqual(["s3-loader-enriched", "postgres-loader-enriched"]);
    expect(ids(readersOf(t, "bad-1"))).toEqual(["s3-loader-bad", "postgres-loader-bad"]);
    expect(ids(readersOf(t, "bad-2"))).toEqual([]);
  });

  test("S3 loaders write under their own prefix of the one bucket; Postgres loaders into their schema", () => {
    expect(t.apps["s3-loader-raw"].output).toEqual({ kind: "s3", prefix: "raw/", purpose: "RAW" });
    expect(t.apps["s3-loader-enriched"].output).toEqual({
      kind: "s3",
      prefix: "enriched/",
      purpose: "ENRICHED_EVENTS",
    });
    expect(t.apps["s3-loader-bad"].output).toEqual({
      kind: "s3",
      prefix: "bad/",
      purpose: "SELF_DESCRIBING",
    });
    expect(t.apps["postgres-loader-enriched"].output).toEqual({
      kind: "postgres",
      schema: "atomic",
      purpose: "ENRICHED_EVENTS",
    });
    expect(t.apps["postgres-loader-bad"].output).toEqual({
      kind: "postgres",
      schema: "atomic_bad",
      purpose: "JSON",
    });
  });

  test("is plain data: it survives a JSON round trip unchanged", () => {
    expect(JSON.parse(JSON.stringify(t))).toEqual(t);
  });

  test("bucket and database can be overridden", () => {
    const custom = furrowTopology({ stage: "prod", bucket: "acme-furrow-prod-123", database: "events" });
    expect(custom.bucket.name).toBe("acme-furrow-prod-123");
    expect(custom.postgres.database).toBe("events");
  });

  test("rejects options that cannot name real resources", () => {
    for (const stage of ["", "Local", "1st", "a_b", "a-", "a--b", "x".repeat(25)]) {
      expect(stageProblem(stage)).not.toBeNull();
      expect(() => furrowTopology({ stage })).toThrow(TopologyError);
    }
    expect(stageProblem("x".repeat(24))).toBeNull();
    expect(stageProblem("dev-2")).toBeNull();
    expect(() => furrowTopology({ stage: "local", shards: { raw: 0 } })).toThrow("shards of stream 'raw'");
    expect(() => furrowTopology({ stage: "local", shards: { raw: 1.5 } })).toThrow(TopologyError);
    expect(() => furrowTopology({ stage: "local", bucket: "Has_Caps" })).toThrow("bucket 'Has_Caps'");
    expect(() => furrowTopology({ stage: "local", bucket: "ab" })).toThrow(TopologyError);
    expect(() => furrowTopology({ stage: "local", database: "my-db" })).toThrow("database 'my-db'");
  });
});
