/**
 * @module
 * Gzip with the Web's `CompressionStream` (RFC 1952), so the core runs unchanged under Bun, Deno and
 * browsers. Input goes in as 64 KiB slices: handing the stream one large chunk (or a `Blob`
 * stream) is about six times slower under Bun 1.4 than slicing it.
 *
 * A `Compress` function is what the loader takes, so an adapter can pass `node:zlib` instead; the
 * S3 loader benchmark (`bench/s3-loader.ts`) measures both.
 */

/** Gzips a whole body. */
export type Compress = (body: Uint8Array) => Promise<Uint8Array>;

const SLICE = 64 * 1024;

async function transform(
  body: Uint8Array,
  stream: CompressionStream | DecompressionStream,
): Promise<Uint8Array> {
  const writer = stream.writable.getWriter();
  const output = new Response(stream.readable).arrayBuffer();
  // Writes are queued without waiting for each, then the stream is closed; errors surface in
  // `output` (a corrupt input) and in `closed`.
  for (let i = 0; i < body.length; i += SLICE)
    writer.write(body.subarray(i, i + SLICE) as Uint8Array<ArrayBuffer>).catch(() => {});
  const closed = writer.close();
  const [bytes] = await Promise.all([output, closed]);
  return new Uint8Array(bytes);
}

/** One gzip member holding `body`. */
export const gzip: Compress = (body) => transform(body, new CompressionStream("gzip"));

/** The bytes inside a gzip file. Rejects (a `TypeError` from the stream) when it is not valid gzip. */
export function gunzip(body: Uint8Array): Promise<Uint8Array> {
  return transform(body, new DecompressionStream("gzip"));
}

/** True when `bytes` start with the gzip magic number `1f 8b` (RFC 1952 §2.3.1). */
export const isGzip = (bytes: Uint8Array): boolean =>
  bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
