/**
 * @module
 * Round trip of each S3 loader on kinesalite, dynalite and s3rver: records into the input stream,
 * the loader running as `furrow s3-loader` runs it, then the bucket read back (gunzipped and split;
 * Parquet read by hyparquet and compared with the JS Analytics SDK). Everything sent is there once,
 * records the loader cannot load are bad rows on its failures stream, and each shard's checkpoint
 * reaches its last record only once the files are written.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { parquetReadObjects } from "hyparquet";
import sdk from "snowplow-analytics-sdk";
import { startS3Loader } from "../../src/apps/s3-loader/main.ts";
import { encodeEnrichedTsv } from "../../src/core/event/tsv.ts";
import { parsePartitionFormat } from "../../src/core/loading/partition-format.ts";
import { encodeCollectorPayload } from "../../src/core/thrift/collector-payload.ts";
import { sampleEvents } from "../enriched-samples.ts";
import { lastSequenceNumbers } from "../support/kinesis-stream-contents.ts";
import {
  checkpoints,
  counts,
  type Engines,
  loaderConfig,
  provisionStage,
  putRecords,
  readStream,
  startEngines,
  storedObjects,
  storedRecords,
  waitFor,
} from "./loader-under-test.ts";

let engines: Engines;
beforeAll(async () => {
  engines = await startEngines();
});
afterAll(async () => {
  await engines?.stop();
});

const utf8 = new TextEncoder();
const text = new TextDecoder();
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const total = (files: Map<string, string[]>) => [...files.values()].reduce((n, lines) => n + lines.length, 0);

/** Enriched events with distinct ids and app_ids, from the hand-made samples. */
function enrichedLines(n: number): string[] {
  return Array.from({ length: n }, (_, i) => {
    const { event } = sampleEvents[i % sampleEvents.length]!;
    return encodeEnrichedTsv({
      ...event,
      app_id: i % 3 === 0 ? null : `app-${i % 3}`,
      event_id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
    });
  });
}

describe("S3 loader round trip", () => {
  test("raw: every Thrift payload once, as base64 lines; checkpoints at each shard's last record", async () => {
    const topology = await provisionStage(engines, "rt-raw");
    const payloads = Array.from({ length: 300 }, (_, i) =>
      encodeCollectorPayload({
        schema: "iglu:com.snowplowanalytics.snowplow/CollectorPayload/thrift/1-0-0",
        ipAddress: "10.0.0.1",
        timestamp: 1_700_000_000_000 + i,
        encoding: "UTF-8",
        collector: "furrow-collector-0.1.0",
        path: "/com.snowplowanalytics.snowplow/tp2",
        body: `{"schema":"iglu:x","data":[{"e":"pv","n":${i}}]}\n`,
      }),
    );
    await putRecords(engines.kinesisClient, topology.streams.raw.name, payloads);
    const config = loaderConfig(engines, topology, "raw");
    const loader = await startS3Loader(config, { idleTimeBetweenReadsMs: 100 });
    try {
      await waitFor(
        async () => total(await storedRecords(engines, topology.bucket.name, "raw/", "raw")) >= 300,
        "300 raw records in S3",
      );
      const last = await lastSequenceNumbers(engines.kinesisClient, topology.streams.raw.name);
      await waitFor(
        async () => JSON.stringify(await checkpoints(engines, config.input.appName)) === JSON.stringify(last),
        "checkpoints at the last records",
      );
    } finally {
      await loader.stop();
    }
    const files = await storedRecords(engines, topology.bucket.name, "raw/", "raw");
    expect(counts([...files.values()].flat())).toEqual(counts(payloads.map(hex)));
    for (const key of files.keys()) expect(key).toMatch(/^raw\/\d{4}-\d{2}-\d{2}-\d{6}-[0-9a-f-]{36}\.gz$/);
    const objects = await storedObjects(engines, topology.bucket.name, "raw/");
    expect(
      objects.every((o) => o.contentEncoding === "gzip" && o.contentType === "text/plain; charset=utf-8"),
    ).toBe(true);
    expect(await readStream(engines.kinesisClient, topology.streams["bad-1"].name)).toEqual([]);
  });

  test("enriched, Hive partitions by app: every line once; a line with a line break is a bad row on bad-1", async () => {
    const topology = await provisionStage(engines, "rt-enriched");
    const lines = enrichedLines(120);
    await putRecords(engines.kinesisClient, topology.streams.enriched.name, [
      ...lines.map((l) => utf8.encode(l)),
      utf8.encode("two\nlines"),
    ]);
    const format = parsePartitionFormat("app={app}/year={yyyy}/month={MM}/day={dd}", "enriched");
    if (!format.ok) throw new Error(format.error);
    const config = loaderConfig(engines, topology, "enriched", {
      output: { partitionFormat: format.value, naming: "sequence" },
    });
    const loader = await startS3Loader(config, { idleTimeBetweenReadsMs: 100 });
    try {
      await waitFor(
        async () => total(await storedRecords(engines, topology.bucket.name, "enriched/", "enriched")) >= 120,
        "120 enriched lines",
      );
      await waitFor(
        async () => (await readStream(engines.kinesisClient, topology.streams["bad-1"].name)).length >= 1,
        "a bad row",
      );
    } finally {
      await loader.stop();
    }
    const files = await storedRecords(engines, topology.bucket.name, "enriched/", "enriched");
    expect(counts([...files.values()].flat())).toEqual(counts(lines));
    for (const [key, fileLines] of files) {
      const app =
        /^enriched\/app=([^/]+)\/year=\d{4}\/month=\d{2}\/day=\d{2}\/\d{4}-\d{2}-\d{2}-\d{6}-shardId-\d+-\d+\.gz$/.exec(
          key,
        )?.[1];
      expect(app).toBeDefined();
      for (const line of fileLines) expect(line.split("\t")[0] || "unknown").toBe(app!);
    }
    const bad = await readStream(engines.kinesisClient, topology.streams["bad-1"].name);
    expect(bad).toHaveLength(1);
    const row = JSON.parse(text.decode(bad[0]!.Data));
    expect(row.schema).toBe(
      "iglu:com.snowplowanalytics.snowplow.badrows/loader_parsing_error/jsonschema/2-0-0",
    );
    expect(row.data).toMatchObject({
      processor: { artifact: "furrow-s3-loader" },
      failure: { type: "NotTSV" },
      payload: "two\nlines",
    });
  });

  test("enriched as Parquet: hyparquet reads back what the JS Analytics SDK reads from the lines", async () => {
    const topology = await provisionStage(engines, "rt-parquet", 1);
    const lines = enrichedLines(40);
    await putRecords(engines.kinesisClient, topology.streams.enriched.name, [
      ...lines.map((l) => utf8.encode(l)),
      utf8.encode("not\tan\tevent"),
    ]);
    const config = loaderConfig(engines, topology, "enriched", { output: { format: "parquet" } });
    const loader = await startS3Loader(config, { idleTimeBetweenReadsMs: 100 });
    const rows: Record<string, unknown>[] = [];
    try {
      await waitFor(async () => {
        rows.length = 0;
        for (const object of await storedObjects(engines, topology.bucket.name, "enriched/")) {
          const buffer = object.body.buffer.slice(
            object.body.byteOffset,
            object.body.byteOffset + object.body.byteLength,
          ) as ArrayBuffer;
          rows.push(...(await parquetReadObjects({ file: buffer })));
        }
        return rows.length >= 40;
      }, "40 Parquet rows");
      await waitFor(
        async () => (await readStream(engines.kinesisClient, topology.streams["bad-1"].name)).length >= 1,
        "a bad row",
      );
    } finally {
      await loader.stop();
    }
    const objects = await storedObjects(engines, topology.bucket.name, "enriched/");
    for (const o of objects) {
      expect(o.key).toMatch(/\.parquet$/);
      expect(o.contentType).toBe("application/vnd.apache.parquet");
      expect(o.contentEncoding).toBeUndefined();
    }
    const clean = (row: Record<string, unknown>) =>
      JSON.stringify(
        Object.fromEntries(
          Object.entries(row)
            .filter(([, v]) => v !== null && v !== undefined)
            .map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v])
            .sort(([a], [b]) => String(a).localeCompare(String(b))),
        ),
      );
    const expected = lines.map((line) => clean(sdk.transform(line) as unknown as Record<string, unknown>));
    expect(counts(rows.map(clean))).toEqual(counts(expected));
    const bad = await readStream(engines.kinesisClient, topology.streams["bad-1"].name);
    expect(JSON.parse(text.decode(bad[0]!.Data)).data.failure).toEqual({
      type: "FieldNumberMismatch",
      fieldCount: 3,
    });
  });

  test("bad rows: one folder per schema, each row once; rows that are not self-describing go to bad-2", async () => {
    const topology = await provisionStage(engines, "rt-bad");
    const schemas = [
      "iglu:com.snowplowanalytics.snowplow.badrows/schema_violations/jsonschema/2-0-1",
      "iglu:com.snowplowanalytics.snowplow.badrows/adapter_failures/jsonschema/1-0-0",
      "iglu:com.snowplowanalytics.snowplow.badrows/size_violation/jsonschema/1-0-0",
    ];
    const rows = Array.from({ length: 90 }, (_, i) =>
      JSON.stringify({ schema: schemas[i % 3], data: { n: i } }),
    );
    await putRecords(engines.kinesisClient, topology.streams["bad-1"].name, [
      ...rows.map((r) => utf8.encode(r)),
      utf8.encode("{oops"),
    ]);
    const config = loaderConfig(engines, topology, "bad");
    const loader = await startS3Loader(config, { idleTimeBetweenReadsMs: 100 });
    try {
      await waitFor(
        async () => total(await storedRecords(engines, topology.bucket.name, "bad/", "bad")) >= 90,
        "90 bad rows in S3",
      );
      await waitFor(
        async () => (await readStream(engines.kinesisClient, topology.streams["bad-2"].name)).length >= 1,
        "a generic_error on bad-2",
      );
    } finally {
      await loader.stop();
    }
    const files = await storedRecords(engines, topology.bucket.name, "bad/", "bad");
    expect(counts([...files.values()].flat())).toEqual(counts(rows));
    for (const [key, fileRows] of files) {
      const folder = key.split("/")[1]!;
      for (const row of fileRows) {
        const schema = JSON.parse(row).schema as string;
        expect(folder).toBe(schema.replace(/^iglu:([^/]+)\/([^/]+)\/.*$/, "$1.$2"));
      }
    }
    const bad2 = await readStream(engines.kinesisClient, topology.streams["bad-2"].name);
    expect(bad2).toHaveLength(1);
    expect(JSON.parse(text.decode(bad2[0]!.Data))).toMatchObject({
      schema: "iglu:com.snowplowanalytics.snowplow.badrows/generic_error/jsonschema/1-0-0",
      data: { payload: btoa("{oops") },
    });
    expect(await readStream(engines.kinesisClient, topology.streams["bad-1"].name)).toHaveLength(91);
  });
});
