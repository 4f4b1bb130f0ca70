/**
 * @module
 * Failed-event recovery end to end, through the commands as a user runs them: `furrow s3-loader
 * --purpose raw` archives the raw stream to S3, then `furrow replay` pushes the archive back into a
 * stream, from the bucket and from a downloaded folder. The stream then holds every payload the
 * collector accepted, once per replay.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { ensureStream } from "../../src/adapters/kinesis/streams.ts";
import type { CommandIO } from "../../src/cli/command.ts";
import { replayCommand } from "../../src/cli/commands/replay.ts";
import { s3LoaderCommand } from "../../src/cli/commands/s3-loader.ts";
import { encodeCollectorPayload } from "../../src/core/thrift/collector-payload.ts";
import {
  counts,
  type Engines,
  provisionStage,
  putRecords,
  readStream,
  startEngines,
  storedObjects,
  storedRecords,
  waitFor,
} from "./loader-under-test.ts";

let engines: Engines;
let dir: string;
beforeAll(async () => {
  engines = await startEngines();
  dir = await mkdtemp(join(tmpdir(), "furrow-replay-e2e-"));
});
afterAll(async () => {
  await engines?.stop();
  await rm(dir, { recursive: true, force: true });
});

function commandIo() {
  let err = "";
  let stop = () => {};
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });
  const io: CommandIO = {
    stdin: new Blob([]).stream(),
    stdout: () => {},
    stderr: (text) => {
      err += text;
    },
    stopped,
  };
  return { io, stop, err: () => err };
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

describe("archive and replay", () => {
  test("furrow s3-loader --purpose raw, then furrow replay from S3 and from a folder", async () => {
    const topology = await provisionStage(engines, "replay");
    const payloads = Array.from({ length: 200 }, (_, i) =>
      encodeCollectorPayload({
        schema: "iglu:com.snowplowanalytics.snowplow/CollectorPayload/thrift/1-0-0",
        timestamp: 1_700_000_000_000 + i,
        path: "/com.snowplowanalytics.snowplow/tp2",
        body: `{"n":${i}}`,
      }),
    );
    await putRecords(engines.kinesisClient, topology.streams.raw.name, payloads);
    const endpoints = [
      "--kinesis-endpoint",
      engines.kinesis.url,
      "--dynamodb-endpoint",
      engines.dynamodb.url,
      "--s3-endpoint",
      engines.s3.url,
    ];

    const loader = commandIo();
    const exit = s3LoaderCommand.run(
      [
        "--purpose",
        "raw",
        "--stage",
        "replay",
        "--time-limit",
        "300 ms",
        "--partitioning",
        "hive",
        ...endpoints,
      ],
      loader.io,
    );
    await waitFor(
      async () => {
        const files = await storedRecords(engines, topology.bucket.name, "raw/", "raw");
        return [...files.values()].flat().length >= 200;
      },
      "the raw archive",
      30_000,
    );
    loader.stop();
    expect(await exit).toBe(0);
    expect(loader.err()).toContain("furrow s3-loader (raw): stopped after");
    const keys = (await storedObjects(engines, topology.bucket.name, "raw/")).map((o) => o.key);
    for (const key of keys)
      expect(key).toMatch(/^raw\/year=\d{4}\/month=\d{2}\/day=\d{2}\/hour=\d{2}\/[^/]+\.gz$/);

    // From the bucket into a stream of its own.
    await ensureStream(engines.kinesisClient, { name: "replayed-from-s3", shards: 1 });
    const fromS3 = commandIo();
    const code = await replayCommand.run(
      [
        "--from",
        `s3://${topology.bucket.name}/raw/`,
        "--to",
        "replayed-from-s3",
        ...endpoints.filter((_, i) => i < 2 || i >= 4),
      ],
      fromS3.io,
    );
    expect(fromS3.err()).toContain(`replayed 200 raw records from ${keys.length} files`);
    expect(code).toBe(0);
    const replayed = await readStream(engines.kinesisClient, "replayed-from-s3");
    expect(counts(replayed.map((r) => hex(r.Data!)))).toEqual(counts(payloads.map(hex)));

    // From a folder of downloaded files, into the stage's raw stream by its role.
    for (const object of await storedObjects(engines, topology.bucket.name, "raw/")) {
      const path = join(dir, object.key);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, object.body);
    }
    await writeFile(join(dir, "notes.txt"), "not part of the archive");
    const fromDir = commandIo();
    expect(
      await replayCommand.run(
        [
          "--from",
          dir,
          "--to",
          "raw",
          "--stage",
          "replay",
          "--purpose",
          "raw",
          "--kinesis-endpoint",
          engines.kinesis.url,
        ],
        fromDir.io,
      ),
    ).toBe(0);
    expect(fromDir.err()).toContain("skipped notes.txt: not a .gz file");
    const raw = await readStream(engines.kinesisClient, topology.streams.raw.name);
    // The original 200, and the replayed 200.
    expect(counts(raw.map((r) => hex(r.Data!)))).toEqual(new Map(payloads.map((p) => [hex(p), 2])));
  });
});
