/**
 * @module
 * The S3 loader's write path against a bare gzip-and-put loop, in the same run, on the same lines:
 * MB/s of gzip output (compressed bytes stored per second) and MB/s of input, and their ratio.
 *
 * - loader: `S3LoaderApp.handle` with pages of enriched TSV lines as the stream consumer hands them
 *   over (each page a full GetRecords page, so each is written at once), through planning, framing,
 *   gzip, the object store port, and the metadata and bookkeeping of every file;
 * - bare: the same lines joined with `\n`, gzipped and put, one object per page, nothing else.
 *
 * Rows: an in-process object store (our code alone), then s3rver (the engine's ceiling included),
 * and for each, the three gzip implementations Bun offers: the Web `CompressionStream` (what the
 * core uses), `node:zlib`'s asynchronous gzip, and `Bun.gzipSync`. All compress at zlib's default
 * level 6.
 *
 * Run: `bun bench/s3-loader.ts [lines, default 60000] [lines per page, default 10000]`
 */
import { startS3rver } from "../src/adapters/engines/s3rver.ts";
import { MemorySink } from "../src/adapters/memory/memory-sink.ts";
import { MemoryObjectStore } from "../src/adapters/memory/object-store.ts";
import { ensureBucket } from "../src/adapters/s3/bucket.ts";
import { s3Client } from "../src/adapters/s3/client.ts";
import { S3ObjectStore } from "../src/adapters/s3/object-store.ts";
import { type LoaderBatch, S3LoaderApp } from "../src/apps/s3-loader/app.ts";
import { zlibGzip } from "../src/apps/s3-loader/zlib-gzip.ts";
import { processor } from "../src/core/badrows/processor.ts";
import { encodeEnrichedTsv } from "../src/core/event/tsv.ts";
import { type Compress, gzip as webGzip } from "../src/core/loading/gzip.ts";
import type { ObjectStore } from "../src/ports/object-store.ts";
import { sampleEvents } from "../test/enriched-samples.ts";

const totalLines = Number(process.argv[2] ?? 60_000);
const pageLines = Number(process.argv[3] ?? 10_000);

const compressors: Record<string, Compress> = {
  CompressionStream: webGzip,
  "node:zlib gzip": zlibGzip,
  "Bun.gzipSync": async (body) => Bun.gzipSync(body as Uint8Array<ArrayBuffer>),
};

// Realistic lines: the hand-made events with distinct ids, times and a little noise, ~1.4 KB each.
const utf8 = new TextEncoder();
const lines: Uint8Array[] = Array.from({ length: totalLines }, (_, i) => {
  const { event } = sampleEvents[i % sampleEvents.length]!;
  return utf8.encode(
    encodeEnrichedTsv({
      ...event,
      event_id: crypto.randomUUID(),
      collector_tstamp: 1_700_000_000_000 + i * 37,
      domain_userid: Math.random().toString(36).slice(2),
      page_url: `https://shop.example.com/p/${(i * 7919) % 100_000}?q=${Math.random().toString(36).slice(2, 8)}`,
    }),
  );
});
const inputBytes = lines.reduce((n, l) => n + l.length + 1, 0);
const pages: LoaderBatch[] = [];
for (let i = 0; i < lines.length; i += pageLines) {
  pages.push({
    shardId: "shardId-000000000000",
    millisBehindLatest: 0,
    records: lines.slice(i, i + pageLines).map((data, j) => ({
      data,
      partitionKey: "pk",
      sequenceNumber: String(49_000_000 + i + j),
      approximateArrivalTimestamp: new Date(),
    })),
  });
}

interface Run {
  readonly ms: number;
  readonly outputBytes: number;
}

/** Joins, gzips and puts each page: the least any loader must do. */
async function bare(store: ObjectStore, compress: Compress, run: string): Promise<Run> {
  let outputBytes = 0;
  const t0 = performance.now();
  for (const [n, page] of pages.entries()) {
    let size = 0;
    for (const r of page.records) size += r.data.length + 1;
    const body = new Uint8Array(size);
    let offset = 0;
    for (const r of page.records) {
      body.set(r.data, offset);
      offset += r.data.length;
      body[offset++] = 0x0a;
    }
    const gz = await compress(body);
    await store.put({ key: `bare/${run}/${n}.gz`, body: gz });
    outputBytes += gz.length;
  }
  return { ms: performance.now() - t0, outputBytes };
}

/** The loader app, page after page as one shard's consumer delivers them. */
async function loader(store: ObjectStore, compress: Compress, run: string): Promise<Run> {
  const app = new S3LoaderApp({
    layout: {
      purpose: "enriched",
      format: "gzip",
      output: { bucket: store.bucket, directory: `loader/${run}` },
      partition: null,
      filenamePrefix: "",
      naming: "uuid",
      maxRecordsPerFile: 1_000_000,
      maxBytesPerFile: 1 << 30,
    },
    store,
    failures: new MemorySink({ retain: false }),
    processor: processor("furrow-s3-loader", "bench"),
    buffer: { recordLimit: 1_000_000, byteLimit: 1 << 30, timeLimitMs: 60_000 },
    fullBatchRecords: pageLines,
    compress,
  });
  const t0 = performance.now();
  for (const page of pages) await app.handle(page);
  const ms = performance.now() - t0;
  await app.close();
  return { ms, outputBytes: app.metrics().bytesWritten };
}

const mb = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000);

async function table(name: string, store: ObjectStore): Promise<void> {
  console.log(
    `\n${name}: ${totalLines} lines (${(inputBytes / 1e6).toFixed(1)} MB) in pages of ${pageLines}`,
  );
  console.log(
    `${"gzip".padEnd(18)} ${"bare out MB/s".padStart(14)} ${"loader out MB/s".padStart(16)} ${"in MB/s (b/l)".padStart(16)} ${"ratio".padStart(6)}`,
  );
  for (const [label, compress] of Object.entries(compressors)) {
    // One warm-up of each, then the best of five, alternating so neither side gets a warmer cache.
    await bare(store, compress, `warm-${label}`);
    await loader(store, compress, `warm-${label}`);
    let b: Run = { ms: Number.POSITIVE_INFINITY, outputBytes: 0 };
    let l: Run = { ms: Number.POSITIVE_INFINITY, outputBytes: 0 };
    for (let i = 0; i < 5; i++) {
      const rb = await bare(store, compress, `${label}-${i}`);
      const rl = await loader(store, compress, `${label}-${i}`);
      if (rb.ms < b.ms) b = rb;
      if (rl.ms < l.ms) l = rl;
    }
    const bareOut = mb(b.outputBytes, b.ms);
    const loaderOut = mb(l.outputBytes, l.ms);
    console.log(
      `${label.padEnd(18)} ${bareOut.toFixed(1).padStart(14)} ${loaderOut.toFixed(1).padStart(16)} ` +
        `${`${mb(inputBytes, b.ms).toFixed(0)}/${mb(inputBytes, l.ms).toFixed(0)}`.padStart(16)} ${(loaderOut / bareOut).toFixed(2).padStart(6)}`,
    );
  }
}

/** Each gzip alone on the framed pages: input MB/s and output size, best of five. */
async function gzipAlone(): Promise<void> {
  const bodies = pages.map((page) => {
    const parts = page.records.map((r) => r.data);
    const body = new Uint8Array(parts.reduce((n, p) => n + p.length + 1, 0));
    let offset = 0;
    for (const p of parts) {
      body.set(p, offset);
      offset += p.length;
      body[offset++] = 0x0a;
    }
    return body;
  });
  console.log(`gzip alone, ${(inputBytes / 1e6).toFixed(1)} MB in ${bodies.length} bodies (best of five):`);
  for (const [label, compress] of Object.entries(compressors)) {
    let best = Number.POSITIVE_INFINITY;
    let out = 0;
    for (let i = 0; i < 6; i++) {
      const t0 = performance.now();
      out = 0;
      for (const body of bodies) out += (await compress(body)).length;
      const ms = performance.now() - t0;
      if (i > 0) best = Math.min(best, ms);
    }
    console.log(
      `  ${label.padEnd(18)} ${mb(inputBytes, best).toFixed(0).padStart(5)} MB/s in, ${(out / 1e6).toFixed(2)} MB out`,
    );
  }
}

await gzipAlone();
await table("in-process object store", new MemoryObjectStore("bench"));

const s3rver = await startS3rver();
const client = s3Client({ endpoint: s3rver.url, region: "us-east-1" });
try {
  await ensureBucket(client, "bench-bucket", "us-east-1");
  await table("s3rver (PutObject over HTTP, files on disk)", new S3ObjectStore(client, "bench-bucket"));
} finally {
  client.destroy();
  await s3rver.stop();
}
console.log("\nratio = loader out MB/s ÷ bare out MB/s, same gzip, same store (1.00 = no overhead)");
