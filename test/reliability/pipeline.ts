/**
 * @module
 * The pipeline under fire: every app is a separate `furrow` process started through the CLI
 * (`bun src/cli/main.ts collector|enrich|s3-loader|postgres-loader …`), so a scenario can SIGKILL
 * one and start it again, exactly as an operator's supervisor would. The infrastructure lives in the
 * test process: kinesalite, dynalite and s3rver from `startEngines`, provisioned from the stage's
 * topology, each behind a fault proxy the apps talk to (`startFaultProxy`: throttling, rejected
 * calls, lost answers, down/up); the machine's real PostgreSQL 15 with a throwaway database per
 * run, behind a wire-protocol proxy whose connections can be cut (the server itself is shared, so it
 * is never restarted); and a static Iglu registry over HTTP that can be stopped and started again
 * on the same port. Reads for the reconciliation go straight to the engines, never through a proxy.
 *
 * @example
 * const pipeline = await startPipeline({ stage: "rel" });
 * await pipeline.kinesisProxy.down("refuse"); … await pipeline.kinesisProxy.up();
 * await pipeline.restart("enrich", "SIGKILL");
 * await pipeline.stop();
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { KinesisClient } from "@aws-sdk/client-kinesis";
import type { S3Client } from "@aws-sdk/client-s3";
import type { Subprocess } from "bun";
import postgres from "postgres";
import { dynamodbClient } from "../../src/adapters/dynamodb/client.ts";
import { type FaultProxy, startFaultProxy } from "../../src/adapters/engines/fault-proxy.ts";
import { type Engines, startEngines } from "../../src/adapters/engines/launcher.ts";
import { kinesisClient } from "../../src/adapters/kinesis/client.ts";
import { provisionTopology } from "../../src/adapters/provision-topology.ts";
import { s3Client } from "../../src/adapters/s3/client.ts";
import { furrowTopology, type Topology } from "../../src/core/topology.ts";
import { startWireProxy, type WireProxy } from "../postgres-loader/wire-proxy.ts";
import { REAL_POSTGRES } from "../support/real-postgres.ts";

export const REGION = "us-east-1";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const fixtures = join(repoRoot, "fixtures");
/** Served over HTTP: `com.furrow.example` schemas (button_click, checkout, …). */
const HTTP_REGISTRY = join(fixtures, "iglu-resolver/registry");

/** The apps run as processes, by the name a scenario uses to kill or restart one. */
export const COMPONENTS = [
  "collector",
  "enrich",
  "s3-loader-enriched",
  "s3-loader-bad",
  "postgres-loader-enriched",
  "postgres-loader-bad",
] as const;
export type Component = (typeof COMPONENTS)[number];

/** One running `furrow` process and what it wrote to standard error. */
export interface ComponentProcess {
  readonly name: string;
  readonly child: Subprocess<"ignore", "ignore", "pipe">;
  log: string;
  /** Resolves when its standard error is closed. */
  readonly drained: Promise<void>;
}

/** Drops a run's database, whoever is still connected to it. */
async function dropDatabase(database: string): Promise<void> {
  const sql = postgres(REAL_POSTGRES, { max: 1, onnotice: () => {} });
  await sql.unsafe(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => {});
  await sql.end({ timeout: 1 });
}

/** A TCP port that was free a moment ago, for an app that must come back on the same port. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A static Iglu registry (a directory served as files) that can go away and come back on its port. */
export interface IgluRegistry {
  readonly url: string;
  /** Schema requests answered so far. */
  readonly requests: number;
  readonly reachable: boolean;
  /** Stops listening: connections are refused, as for a registry that is down. */
  down(): Promise<void>;
  up(): void;
  stop(): Promise<void>;
}

function serveRegistry(root: string, port: number): IgluRegistry {
  let server: ReturnType<typeof Bun.serve> | undefined;
  let requests = 0;
  const listen = () => {
    server = Bun.serve({
      port,
      hostname: "127.0.0.1",
      async fetch(request) {
        requests++;
        const path = decodeURIComponent(new URL(request.url).pathname);
        if (path.includes("..")) return new Response("Forbidden", { status: 403 });
        const file = Bun.file(join(root, path));
        if (!(await file.exists())) return new Response("Not Found", { status: 404 });
        return new Response(file, { headers: { "content-type": "application/json" } });
      },
    });
  };
  listen();
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return requests;
    },
    get reachable() {
      return server !== undefined;
    },
    async down() {
      const s = server;
      server = undefined;
      await s?.stop(true);
    },
    up() {
      if (server === undefined) listen();
    },
    async stop() {
      await this.down();
    },
  };
}

/** The Iglu resolver config: the fixture registry for Snowplow's own schemas, HTTP for `com.furrow.example`. */
function resolverConfig(httpRegistry: string): unknown {
  return {
    schema: "iglu:com.snowplowanalytics.iglu/resolver-config/jsonschema/1-0-3",
    data: {
      cacheSize: 500,
      cacheTtl: 600,
      repositories: [
        {
          name: "Furrow enrich stand-ins",
          priority: 0,
          vendorPrefixes: ["com.snowplowanalytics", "org.ietf"],
          connection: { embedded: { path: join(fixtures, "enrich/iglu") } },
        },
        {
          name: "Furrow examples over HTTP",
          priority: 1,
          vendorPrefixes: ["com.furrow"],
          connection: { http: { uri: httpRegistry } },
        },
      ],
    },
  };
}

export interface PipelineOptions {
  /** Stage whose topology names every stream, lease table and the bucket. */
  readonly stage: string;
  /** Shards of the raw stream (lease contention needs several). */
  readonly rawShards: number;
  /** Enrich's KCL lease; a killed worker's shards are taken over after about twice this. */
  readonly enrichLeaseMs: number;
  /** The loaders' KCL lease (S3 and Postgres), likewise. */
  readonly loaderLeaseMs: number;
  /**
   * The stream workers' `--shutdown-timeout`: a SIGTERM'd worker that cannot finish (its engines
   * gone) exits 1 after this, before `stop()` resorts to SIGKILL.
   */
  readonly shutdownTimeoutMs: number;
  /** The collector's buffer time limit: what a SIGKILL of the collector can lose at most. */
  readonly collectorBufferMs: number;
  /** The S3 loaders write a file after this long. */
  readonly s3TimeLimitMs: number;
}

export interface Pipeline {
  readonly topology: Topology;
  readonly engines: Engines;
  /** Straight to the engines, for reading back. */
  readonly kinesis: KinesisClient;
  readonly dynamodb: DynamoDBClient;
  readonly s3: S3Client;
  /** The apps' way to the engines. */
  readonly kinesisProxy: FaultProxy;
  readonly dynamodbProxy: FaultProxy;
  readonly s3Proxy: FaultProxy;
  readonly postgresProxy: WireProxy;
  readonly iglu: IgluRegistry;
  /** The run's own database on the real server, straight (not through the proxy). */
  readonly sql: postgres.Sql;
  readonly collectorUrl: string;
  readonly collectorPort: number;
  /** The current process of each app. */
  readonly processes: Map<Component, ComponentProcess>;
  /** Processes started besides the six (extra enrich workers), by name. */
  readonly extras: Map<string, ComponentProcess>;
  /** Every process ever started, for the logs. */
  readonly history: ComponentProcess[];
  /** Starts `component` again after sending it `signal` (SIGKILL: no flush, no lease release). */
  restart(component: Component, signal: "SIGKILL" | "SIGTERM"): Promise<ComponentProcess>;
  kill(component: Component, signal: "SIGKILL" | "SIGTERM"): Promise<number>;
  /** Starts `component` with its usual flags plus `extraArgs` (e.g. `--acknowledge-after-write`). */
  start(component: Component, extraArgs?: readonly string[]): ComponentProcess;
  /** Starts one more enrich worker sharing the lease table. */
  startExtraEnrich(name: string): ComponentProcess;
  /** Waits until the collector answers /health (after a restart). */
  collectorReady(timeoutMs: number): Promise<boolean>;
  /** Every process's log, prefixed by its name. */
  logs(): string;
  stop(): Promise<void>;
}

/** Starts the infrastructure and the six apps; resolves once the collector answers. */
export async function startPipeline(options: PipelineOptions): Promise<Pipeline> {
  const scratch = mkdtempSync(join(tmpdir(), "furrow-reliability-"));
  const database = `furrow_rel_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const admin = postgres(REAL_POSTGRES, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${database}`);
  await admin.end({ timeout: 1 });
  const databaseUrl = REAL_POSTGRES.replace(/\/test$/, `/${database}`);

  let engines: Engines;
  try {
    engines = await startEngines({ databaseUrl });
  } catch (e) {
    await dropDatabase(database);
    throw e;
  }
  const { endpoints } = engines;
  const kinesis = kinesisClient({ endpoint: endpoints.kinesis, region: REGION });
  const dynamodb = dynamodbClient({ endpoint: endpoints.dynamodb, region: REGION });
  const s3 = s3Client({ endpoint: endpoints.s3, region: REGION });
  const topology = furrowTopology({ stage: options.stage, shards: { raw: options.rawShards } });
  try {
    await provisionTopology(topology, { kinesis, dynamodb, s3, region: REGION });
  } catch (e) {
    for (const client of [kinesis, dynamodb, s3]) client.destroy();
    await engines.stop();
    await dropDatabase(database);
    throw e;
  }

  const [kinesisProxy, dynamodbProxy, s3Proxy] = await Promise.all([
    startFaultProxy({ target: endpoints.kinesis }),
    startFaultProxy({ target: endpoints.dynamodb }),
    startFaultProxy({ target: endpoints.s3 }),
  ]);
  const postgresProxy = await startWireProxy(5432);
  const proxiedDatabaseUrl = `postgres://postgres@127.0.0.1:${postgresProxy.port}/${database}`;
  const iglu = serveRegistry(HTTP_REGISTRY, await freePort());
  const sql = postgres(databaseUrl, { max: 2, onnotice: () => {} });

  const igluConfig = join(scratch, "resolver.json");
  writeFileSync(igluConfig, JSON.stringify(resolverConfig(iglu.url)));
  const collectorPort = await freePort();
  const collectorConfig = join(scratch, "collector.json");
  writeFileSync(
    collectorConfig,
    JSON.stringify({
      preTerminationPeriod: 0,
      streams: {
        sink: { backoffPolicy: { minBackoff: 50, maxBackoff: 500 } },
        buffer: { byteLimit: 1_000_000, recordLimit: 500, timeLimit: options.collectorBufferMs },
      },
      backPressure: { enabled: true, retryAfterSeconds: 1 },
    }),
  );

  const aws = ["--stage", options.stage, "--region", REGION, "--kinesis-endpoint", kinesisProxy.url];
  const kcl = [
    ...aws,
    "--dynamodb-endpoint",
    dynamodbProxy.url,
    "--shutdown-timeout",
    String(options.shutdownTimeoutMs),
  ];
  const loaderLease = ["--lease-duration", String(options.loaderLeaseMs)];
  const s3Loader = (purpose: string) => [
    "s3-loader",
    "--purpose",
    purpose,
    ...kcl,
    ...loaderLease,
    "--s3-endpoint",
    s3Proxy.url,
    "--time-limit",
    String(options.s3TimeLimitMs),
  ];
  const postgresLoader = (purpose: string) => [
    "postgres-loader",
    "--purpose",
    purpose,
    "--database-url",
    proxiedDatabaseUrl,
    "--max-connections",
    "2",
    ...(purpose === "enriched" ? ["--iglu-config", igluConfig] : []),
    ...kcl,
    ...loaderLease,
  ];
  const enrichArgs = [
    "enrich",
    "--iglu-config",
    igluConfig,
    "--input-stream",
    topology.streams.raw.name,
    ...kcl,
    "--max-records",
    "500",
    "--idle-time-between-reads",
    "200",
    "--lease-duration",
    String(options.enrichLeaseMs),
    "--debounce-checkpoints",
    "1000",
  ];
  const argsOf: Record<Component, string[]> = {
    collector: [
      "collector",
      "--config",
      collectorConfig,
      "--interface",
      "127.0.0.1",
      "--port",
      String(collectorPort),
      "--sink",
      "kinesis",
      ...aws,
    ],
    enrich: enrichArgs,
    "s3-loader-enriched": s3Loader("enriched"),
    "s3-loader-bad": s3Loader("bad"),
    "postgres-loader-enriched": postgresLoader("enriched"),
    "postgres-loader-bad": postgresLoader("bad"),
  };

  const processes = new Map<Component, ComponentProcess>();
  const extras = new Map<string, ComponentProcess>();
  const history: ComponentProcess[] = [];
  const spawn = (name: string, args: string[]): ComponentProcess => {
    const child = Bun.spawn([process.execPath, "src/cli/main.ts", ...args], {
      cwd: repoRoot,
      stdin: "ignore",
      stdout: "ignore",
      stderr: "pipe",
    });
    const proc: ComponentProcess = { name, child, log: "", drained: Promise.resolve() };
    Object.defineProperty(proc, "drained", {
      value: (async () => {
        for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) proc.log += chunk;
      })().catch(() => {}),
    });
    history.push(proc);
    return proc;
  };
  const start = (component: Component, extraArgs: readonly string[] = []): ComponentProcess => {
    const proc = spawn(`${component}#${history.filter((h) => h.name.startsWith(component)).length + 1}`, [
      ...argsOf[component],
      ...extraArgs,
    ]);
    processes.set(component, proc);
    return proc;
  };
  const collectorUrl = `http://127.0.0.1:${collectorPort}`;
  const collectorReady = async (timeoutMs: number): Promise<boolean> => {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline) {
      const ok = await fetch(`${collectorUrl}/health`)
        .then((r) => r.ok)
        .catch(() => false);
      if (ok) return true;
      await Bun.sleep(100);
    }
    return false;
  };
  const kill = async (component: Component, signal: "SIGKILL" | "SIGTERM"): Promise<number> => {
    const proc = processes.get(component);
    if (!proc) return -1;
    proc.child.kill(signal);
    return proc.child.exited;
  };

  // Should the test process end without `stop()` (a crash, a runner timeout), take the apps along.
  const killAll = () => {
    for (const p of history) if (p.child.exitCode === null) p.child.kill("SIGKILL");
  };
  process.once("exit", killAll);
  for (const component of COMPONENTS) start(component);

  const pipeline: Pipeline = {
    topology,
    engines,
    kinesis,
    dynamodb,
    s3,
    kinesisProxy,
    dynamodbProxy,
    s3Proxy,
    postgresProxy,
    iglu,
    sql,
    collectorUrl,
    collectorPort,
    processes,
    extras,
    history,
    start,
    kill,
    async restart(component, signal) {
      await kill(component, signal);
      return start(component);
    },
    startExtraEnrich(name) {
      const proc = spawn(name, enrichArgs);
      extras.set(name, proc);
      return proc;
    },
    collectorReady,
    logs() {
      return history
        .flatMap((p) =>
          p.log
            .split("\n")
            .filter((l) => l !== "")
            .map((l) => `[${p.name}] ${l}`),
        )
        .join("\n");
    },
    async stop() {
      const running = [...processes.values(), ...extras.values()];
      for (const p of running) p.child.kill("SIGTERM");
      const timer = setTimeout(() => {
        for (const p of running) p.child.kill("SIGKILL");
      }, 15_000);
      await Promise.all(running.map((p) => p.child.exited));
      clearTimeout(timer);
      process.off("exit", killAll);
      await Promise.all(history.map((p) => p.drained));
      await sql.end({ timeout: 2 });
      await iglu.stop();
      await postgresProxy.close();
      await Promise.all([kinesisProxy.stop(), dynamodbProxy.stop(), s3Proxy.stop()]);
      kinesis.destroy();
      dynamodb.destroy();
      s3.destroy();
      await engines.stop();
      await dropDatabase(database);
      rmSync(scratch, { recursive: true, force: true });
    },
  };
  if (!(await collectorReady(30_000))) {
    const logs = pipeline.logs();
    await pipeline.stop();
    throw new Error(`the collector did not start:\n${logs}`);
  }
  return pipeline;
}
