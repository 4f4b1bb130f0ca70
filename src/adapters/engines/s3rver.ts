/**
 * @module
 * S3 on this machine: s3rver, in process, on a free port. It keeps buckets and objects as plain
 * files; without a data directory it uses a fresh temporary folder, deleted on stop.
 */
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "s3rver";
import {
  closeServer,
  DEFAULT_HOST,
  type EmbeddedEngineOptions,
  httpUrl,
  type RunningEngine,
  stopOnce,
} from "./running-engine.ts";

/** Starts s3rver. Clients must sign with `S3RVER`/`S3RVER` and use path-style addressing. */
export async function startS3rver(options: EmbeddedEngineOptions = {}): Promise<RunningEngine> {
  const host = options.host ?? DEFAULT_HOST;
  // s3rver's default folder is one shared `$TMPDIR/s3rver`, so always pass our own.
  const directory = options.dataDir ?? (await mkdtemp(join(tmpdir(), "furrow-s3-")));
  if (options.dataDir) await mkdir(directory, { recursive: true });
  const s3rver = new S3rver({ address: host, port: 0, silent: true, directory });
  let address: { port: number };
  try {
    address = await s3rver.run();
  } catch (e) {
    if (!options.dataDir) await rm(directory, { recursive: true, force: true });
    throw e;
  }
  const stop = stopOnce(async () => {
    const server = s3rver.httpServer;
    // s3rver's close() only closes the HTTP server; its 'close' event also shuts its logger.
    if (server) await closeServer(server, (cb) => server.close(cb));
    if (!options.dataDir) await rm(directory, { recursive: true, force: true });
  });
  return { name: "s3", url: httpUrl(host, address.port), embedded: true, stop };
}
