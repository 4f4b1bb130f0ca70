/**
 * @module
 * What every embedded engine hands back once it listens: its name, the URL clients use, and a
 * `stop()` that closes its server and its store. Also the two steps every HTTP engine shares:
 * listening on a free port and closing without waiting for idle keep-alive sockets, and the whole
 * start of the engines that are one HTTP server over a LevelDB store (kinesalite, dynalite).
 */
import { mkdir } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

/** The four services `furrow up` provides, named by the API they speak. */
export const ENGINE_NAMES = ["kinesis", "dynamodb", "s3", "postgres"] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

export interface RunningEngine {
  readonly name: EngineName;
  /** `http://127.0.0.1:<port>` for the AWS engines, `postgres://…` for Postgres. */
  readonly url: string;
  /** True when it runs in this process; false for an endpoint given from outside. */
  readonly embedded: boolean;
  /** Closes the server and the store. Idempotent; an external endpoint's stop does nothing. */
  stop(): Promise<void>;
}

/** Settings shared by the embedded engines. */
export interface EmbeddedEngineOptions {
  /** Interface to bind; 127.0.0.1 by default, so nothing is exposed beyond this machine. */
  readonly host?: string;
  /** Where the engine keeps its state across restarts; in memory (or a temporary folder) when absent. */
  readonly dataDir?: string;
}

export const DEFAULT_HOST = "127.0.0.1";

/** Listens on a port the kernel picks (port 0) and returns it. */
export function listenOnFreePort(server: Server, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * Closes `close` after dropping every open connection: `server.close()` alone waits until clients
 * close their keep-alive sockets, which the AWS SDK's agents hold for as long as the client lives.
 */
export function closeServer(server: Server, close: (cb: (err?: Error) => void) => void): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve, reject) => close((err) => (err ? reject(err) : resolve())));
}

/** Wraps `stop` so that a second call returns the first call's promise. */
export function stopOnce(stop: () => Promise<void>): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  return () => {
    stopping ??= stop();
    return stopping;
  };
}

/** `http://host:port`, with IPv6 hosts in brackets. */
export function httpUrl(host: string, port: number): string {
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
}

/**
 * Starts an engine that is one HTTP server over a LevelDB store (kinesalite, dynalite): makes the
 * data directory if one is given, builds the server on it (in memory when `path` is absent), listens
 * on a free port, and stops through the server's own `close()`, which also closes the store.
 */
export async function startLevelDbEngine(
  name: EngineName,
  options: EmbeddedEngineOptions,
  createServer: (path: string | undefined) => Server,
): Promise<RunningEngine> {
  const host = options.host ?? DEFAULT_HOST;
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
  const server = createServer(options.dataDir);
  const port = await listenOnFreePort(server, host);
  const stop = stopOnce(() => closeServer(server, (cb) => server.close(cb)));
  return { name, url: httpUrl(host, port), embedded: true, stop };
}
