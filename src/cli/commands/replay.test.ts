/** @module `furrow replay`: flags, exit statuses and the report, with an in-memory source and sink. */
import { describe, expect, test } from "bun:test";
import { MemorySink } from "../../adapters/memory/memory-sink.ts";
import { MemoryObjectStore } from "../../adapters/memory/object-store.ts";
import { objectStoreSource } from "../../apps/s3-loader/replay.ts";
import { frameLines } from "../../core/loading/framing.ts";
import { gzip } from "../../core/loading/gzip.ts";
import { encodeCollectorPayload } from "../../core/thrift/collector-payload.ts";
import { type CommandIO, UsageError } from "../command.ts";
import { resolveReplaySettings, runReplay } from "./replay.ts";

function testIo() {
  let err = "";
  const io: CommandIO = {
    stdin: new Blob([]).stream(),
    stdout: () => {},
    stderr: (text) => {
      err += text;
    },
    stopped: new Promise(() => {}),
  };
  return { io, err: () => err };
}

const usage = (argv: string[]): string => {
  try {
    resolveReplaySettings(argv, undefined);
  } catch (e) {
    if (e instanceof UsageError) return e.message;
    throw e;
  }
  throw new Error("expected a usage error");
};

describe("resolveReplaySettings", () => {
  test("--to takes a role of the stage or a stream name; --from a bucket prefix or a folder", () => {
    expect(
      resolveReplaySettings(
        ["--from", "s3://furrow-dev-pipeline/raw/", "--to", "raw", "--stage", "dev"],
        "eu-west-1",
      ),
    ).toEqual({
      from: { kind: "s3", bucket: "furrow-dev-pipeline", prefix: "raw/" },
      streamName: "furrow-dev-raw-stream",
      purpose: undefined,
      region: "eu-west-1",
      kinesisEndpoint: undefined,
      s3Endpoint: undefined,
    });
    const s = resolveReplaySettings(
      ["--from", "./downloads", "--to", "my-stream", "--purpose", "enriched"],
      undefined,
    );
    expect(s.from).toEqual({ kind: "directory", path: "./downloads" });
    expect(s.streamName).toBe("my-stream");
    expect(s.purpose).toBe("enriched");
    expect(resolveReplaySettings(["--from", "s3://b-1/raw/2024", "--to", "x"], undefined).from).toEqual({
      kind: "s3",
      bucket: "b-1",
      prefix: "raw/2024",
    });
  });

  test("usage errors", () => {
    expect(usage(["--to", "raw"])).toContain("--from");
    expect(usage(["--from", "dir"])).toContain("--to");
    expect(usage(["--from", "dir", "--to", "raw", "--purpose", "bad"])).toContain(
      "--purpose must be raw or enriched",
    );
    expect(usage(["--from", "s3://Bad_Bucket/x", "--to", "raw"])).toContain("--from");
    expect(usage(["--from", "dir", "--to", "has space"])).toContain("--to");
    expect(usage(["--from", "dir", "--to", "raw", "--kinesis-endpoint", "nope"])).toContain(
      "--kinesis-endpoint",
    );
  });
});

describe("runReplay", () => {
  const payload = encodeCollectorPayload({ timestamp: 1, path: "/i", querystring: "e=pv" });
  const settings = resolveReplaySettings(["--from", "s3://bucket-one/raw/", "--to", "raw"], undefined);

  test("reports each file and the totals; 0 when every line was replayed", async () => {
    const store = new MemoryObjectStore("bucket-one");
    await store.put({ key: "raw/a.gz", body: await gzip(frameLines("raw", [payload, payload])) });
    const sink = new MemorySink();
    const { io, err } = testIo();
    expect(await runReplay(settings, io, { source: objectStoreSource(store, "raw/"), sink })).toBe(0);
    expect(sink.records).toHaveLength(2);
    expect(err()).toContain("furrow replay: raw/a.gz: 2 records\n");
    expect(err()).toContain(
      "furrow replay: replayed 2 raw records from 1 files of s3://bucket-one/raw/ into furrow-local-raw-stream\n",
    );
  });

  test("1 when lines were invalid, each shown with its place", async () => {
    const store = new MemoryObjectStore("bucket-one");
    await store.put({ key: "raw/a.gz", body: await gzip(new TextEncoder().encode("%%%\n")) });
    const { io, err } = testIo();
    expect(
      await runReplay(settings, io, { source: objectStoreSource(store, "raw/"), sink: new MemorySink() }),
    ).toBe(1);
    expect(err()).toContain("furrow replay: raw/a.gz:1: not base64");
    expect(err()).toContain("1 invalid lines not replayed");
  });
});
