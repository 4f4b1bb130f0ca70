/**
 * @module
 * Replay of the loader's files into a sink: what the loader wrote comes back as the same records;
 * invalid lines and other files are reported, not written; purposes are inferred.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sampleEvents } from "../../../test/enriched-samples.ts";
import { MemorySink } from "../../adapters/memory/memory-sink.ts";
import { MemoryObjectStore } from "../../adapters/memory/object-store.ts";
import { encodeEnrichedTsv } from "../../core/event/tsv.ts";
import { frameLines } from "../../core/loading/framing.ts";
import { gzip } from "../../core/loading/gzip.ts";
import { encodeCollectorPayload } from "../../core/thrift/collector-payload.ts";
import { directorySource, objectStoreSource, replay } from "./replay.ts";

const utf8 = new TextEncoder();
const text = new TextDecoder();

/** Thrift payloads, some with 0x0a bytes inside (what breaks newline framing of raw Thrift). */
const payloads = Array.from({ length: 7 }, (_, i) =>
  encodeCollectorPayload({
    schema: "iglu:com.snowplowanalytics.snowplow/CollectorPayload/thrift/1-0-0",
    ipAddress: "10.0.0.1",
    timestamp: 1_700_000_000_000 + i,
    encoding: "UTF-8",
    collector: "furrow-collector-0.1.0",
    path: "/com.snowplowanalytics.snowplow/tp2",
    body: `{"n":${i},"x":"\n"}`,
    networkUserId: `nuid-${i}`,
  }),
);
const tsvLines = sampleEvents.map((s) => encodeEnrichedTsv(s.event));

async function storeWith(files: Record<string, Uint8Array>): Promise<MemoryObjectStore> {
  const store = new MemoryObjectStore("bucket-one");
  for (const [key, body] of Object.entries(files)) await store.put({ key, body });
  return store;
}

describe("replay", () => {
  test("raw files come back as the same Thrift records, in key order, purpose inferred", async () => {
    expect(payloads.some((p) => p.includes(0x0a))).toBe(true);
    const store = await storeWith({
      "raw/2024-01-01-000001-b.gz": await gzip(frameLines("raw", payloads.slice(3))),
      "raw/2024-01-01-000000-a.gz": await gzip(frameLines("raw", payloads.slice(0, 3))),
    });
    const sink = new MemorySink();
    const summary = await replay({ source: objectStoreSource(store, "raw/"), sink });
    expect(summary).toMatchObject({
      purpose: "raw",
      files: 2,
      records: 7,
      invalidLines: 0,
      skippedFiles: [],
      interrupted: false,
    });
    expect(sink.records.map((r) => [...r.data])).toEqual(payloads.map((p) => [...p]));
    expect(new Set(sink.records.map((r) => r.partitionKey)).size).toBe(7);
  });

  test("enriched files come back as the same TSV lines", async () => {
    const store = await storeWith({
      "enriched/x.gz": await gzip(
        frameLines(
          "enriched",
          tsvLines.map((l) => utf8.encode(l)),
        ),
      ),
    });
    const sink = new MemorySink();
    const summary = await replay({ source: objectStoreSource(store, "enriched/"), sink });
    expect(summary).toMatchObject({ purpose: "enriched", records: tsvLines.length });
    expect(sink.records.map((r) => text.decode(r.data))).toEqual(tsvLines);
  });

  test("invalid lines are reported with their place and not written; other files are skipped", async () => {
    const body = `${tsvLines[0]}\nnot\tenough\tcolumns\n\n${tsvLines[1]}\n`;
    const store = await storeWith({
      "enriched/a.gz": await gzip(utf8.encode(body)),
      "enriched/b.parquet": utf8.encode("PAR1"),
      "enriched/c.gz": utf8.encode("not gzip at all"),
      "enriched/d.gz": new Uint8Array([0x1f, 0x8b, 1, 2, 3]),
    });
    const sink = new MemorySink();
    const summary = await replay({
      source: objectStoreSource(store, "enriched/"),
      sink,
      purpose: "enriched",
    });
    expect(summary.records).toBe(2);
    // A .gz file that holds plain text (an HTTP client may have decompressed it) is read as text.
    expect(summary.invalidSamples).toEqual([
      { file: "enriched/a.gz", line: 2, error: "expected 131 tab-separated fields, found 3" },
      { file: "enriched/c.gz", line: 1, error: "expected 131 tab-separated fields, found 1" },
    ]);
    expect(summary.invalidLines).toBe(2);
    expect(summary.skippedFiles.map((s) => s.name)).toEqual(["enriched/b.parquet", "enriched/d.gz"]);
    expect(summary.files).toBe(2);
  });

  test("raw lines must be base64 of a CollectorPayload", async () => {
    const lines = ["!!!", btoa("not thrift at all"), text.decode(frameLines("raw", [payloads[0]!])).trim()];
    const store = await storeWith({ "raw/a.gz": await gzip(utf8.encode(lines.join("\n"))) });
    const sink = new MemorySink();
    const summary = await replay({ source: objectStoreSource(store, "raw/"), sink, purpose: "raw" });
    expect(summary.records).toBe(1);
    expect(summary.invalidSamples.map((s) => [s.line, s.error.split(":")[0]])).toEqual([
      [1, "not base64"],
      [2, "not a Thrift CollectorPayload"],
    ]);
  });

  test("a stop signal ends the replay after the file in progress, everything written acknowledged", async () => {
    const store = await storeWith({
      "raw/a.gz": await gzip(frameLines("raw", payloads.slice(0, 2))),
      "raw/b.gz": await gzip(frameLines("raw", payloads.slice(2))),
    });
    const sink = new MemorySink();
    const stop = new AbortController();
    const summary = await replay({
      source: objectStoreSource(store, "raw/"),
      sink,
      signal: stop.signal,
      onFile: () => stop.abort(),
    });
    expect(summary).toMatchObject({ files: 1, records: 2, interrupted: true });
    expect(sink.records).toHaveLength(2);
  });
});

describe("directorySource", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "furrow-replay-"));
    await mkdir(join(dir, "year=2024", "month=02"), { recursive: true });
    await writeFile(
      join(dir, "year=2024", "month=02", "b.gz"),
      await gzip(frameLines("raw", [payloads[1]!])),
    );
    await writeFile(join(dir, "a.gz"), await gzip(frameLines("raw", [payloads[0]!])));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test("reads a folder of downloaded files recursively, by path", async () => {
    const names: string[] = [];
    for await (const f of directorySource(dir).files()) names.push(f.name);
    expect(names).toEqual(["a.gz", join("year=2024", "month=02", "b.gz")]);
    const sink = new MemorySink();
    const summary = await replay({ source: directorySource(dir), sink });
    expect(summary.records).toBe(2);
    expect(sink.records.map((r) => [...r.data])).toEqual([payloads[0]!, payloads[1]!].map((p) => [...p]));
  });
});
