/**
 * @module
 * Gzip with `node:zlib` for the loader's files: the same gzip as the core's Web `CompressionStream`
 * (zlib level 6 both, output within bytes of each other), but asynchronous on zlib's thread pool,
 * so the event loop stays free to read and plan the next batch. Compressing alone, the two are
 * within noise of each other under Bun 1.4 (200–310 MB/s of input on this 2-core machine); inside
 * the loader, in process, `bench/s3-loader.ts` measured this one at 1.5–3 times the Web stream's
 * rate, and the same on s3rver. The core keeps the Web stream, which runs under Deno and browsers.
 */
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import type { Compress } from "../../core/loading/gzip.ts";

const gzipAsync = promisify(gzip);

/** One gzip member of `body`, compressed off the event loop. */
export const zlibGzip: Compress = async (body) => {
  const out = await gzipAsync(body);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
};
