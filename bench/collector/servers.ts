/**
 * @module
 * The processes bench/collector.ts measures, one per child process so that wrk, each server and
 * the Kinesis engine never share a JavaScript thread:
 *
 * - `bare`: a plain `Bun.serve` answering `GET /i` with the collector's 43-byte pixel and the same
 *   response headers (prepared once), and `POST /com.snowplowanalytics.snowplow/tp2` with "ok"
 *   after reading the body: the ceiling of any collector on Bun.
 * - `collector memory`: Furrow's collector (`startCollector`, the same wiring as `furrow collector`)
 *   with in-process memory sinks that count records and keep none.
 * - `collector kinesis <endpoint>`: the collector with its Kinesis sinks on a local engine.
 * - `kinesis`: kinesalite with the raw and bad streams created.
 *
 * Each prints one JSON line `{"url": …}` on stdout once it listens, and shuts down cleanly when its
 * stdin closes (so `bun --cpu-prof` writes its profile on exit).
 *
 * Run by bench/collector.ts: `bun bench/collector/servers.ts <bare | collector memory | collector kinesis URL | kinesis>`
 */
import { MemorySink } from "../../src/adapters/memory/memory-sink.ts";
import { defaultCollectorConfig } from "../../src/apps/collector/config.ts";
import { startCollector } from "../../src/apps/collector/main.ts";
import { PIXEL, PIXEL_CACHE_CONTROL } from "../../src/core/collector/pixel.ts";

/** The streams the `kinesis` engine creates and `collector kinesis` writes to. */
export const BENCH_STREAMS = { good: "bench-collector-raw", bad: "bench-collector-bad" } as const;
export const TP2_PATH = "/com.snowplowanalytics.snowplow/tp2";

/** What a server hands the bench once it listens. */
export interface ServerReady {
  readonly url: string;
}

async function bare(): Promise<{ url: string; stop: () => Promise<void> }> {
  const expires = new Date(Date.now() + 365 * 24 * 3600 * 1000).toUTCString();
  const common = {
    "set-cookie": `sp=0d3b1c2a-4e5f-4a6b-8c7d-9e0f1a2b3c4d; Expires=${expires}; Path=/; SameSite=None; Secure; HttpOnly`,
    "access-control-allow-origin": "https://shop.example",
    "access-control-allow-credentials": "true",
  };
  const pixelHeaders = new Headers({
    ...common,
    "cache-control": PIXEL_CACHE_CONTROL,
    "content-type": "image/gif",
  });
  const okHeaders = new Headers({ ...common, "content-type": "text/plain" });
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    routes: {
      "/i": { GET: () => new Response(PIXEL, { headers: pixelHeaders }) },
      [TP2_PATH]: {
        POST: async (req) => {
          await req.arrayBuffer();
          return new Response("ok", { headers: okHeaders });
        },
      },
    },
    fetch: () => new Response("Not found", { status: 404 }),
  });
  return { url: `http://127.0.0.1:${server.port}`, stop: () => server.stop(true) };
}

async function collector(sink: string, endpoint: string | undefined) {
  const kinesis = sink === "kinesis";
  if (kinesis && endpoint === undefined) throw new Error("collector kinesis needs the engine's URL");
  const base = defaultCollectorConfig({ ...BENCH_STREAMS, sink: kinesis ? "kinesis" : "stdout" });
  const stream = (s: typeof base.streams.good) => ({ ...s, customEndpoint: endpoint });
  const running = await startCollector({
    config: {
      ...base,
      interface: "127.0.0.1",
      port: 0,
      preTerminationPeriod: 0,
      streams: { ...base.streams, good: stream(base.streams.good), bad: stream(base.streams.bad) },
    },
    stdout: () => {},
    stderr: (text) => process.stderr.write(text),
    sinks: kinesis
      ? undefined
      : { good: new MemorySink({ retain: false }), bad: new MemorySink({ retain: false }), name: "memory" },
  });
  return { url: running.url, stop: () => running.stop({ preTerminationPeriod: 0 }) };
}

async function engine() {
  // Loaded here only, so the collector's processes (and their RSS) do not carry kinesalite.
  const { startKinesalite } = await import("../../src/adapters/engines/kinesalite.ts");
  const { kinesisClient } = await import("../../src/adapters/kinesis/client.ts");
  const { ensureStream } = await import("../../src/adapters/kinesis/streams.ts");
  const running = await startKinesalite();
  const client = kinesisClient({ region: "us-east-1", endpoint: running.url });
  await ensureStream(client, { name: BENCH_STREAMS.good, shards: 2 });
  await ensureStream(client, { name: BENCH_STREAMS.bad, shards: 1 });
  client.destroy();
  return { url: running.url, stop: () => running.stop() };
}

async function main(): Promise<void> {
  const [role, sink, endpoint] = process.argv.slice(2);
  const server =
    role === "bare"
      ? await bare()
      : role === "collector"
        ? await collector(sink ?? "memory", endpoint)
        : role === "kinesis"
          ? await engine()
          : undefined;
  if (server === undefined) throw new Error(`unknown role ${role}; use bare, collector or kinesis`);
  const ready: ServerReady = { url: server.url };
  process.stdout.write(`${JSON.stringify(ready)}\n`);
  // Runs until the bench closes our stdin.
  for await (const _ of process.stdin) {
    // Nothing is sent; the loop ends at end of input.
  }
  // A Kinesis sink's stop flushes its buffer to a possibly saturated engine: don't wait on it.
  await Promise.race([server.stop(), Bun.sleep(2_000)]);
  process.exit(0);
}

if (import.meta.main) await main();
