/**
 * @module
 * S3 on this machine: s3rver, in process, on a free port. It keeps buckets and objects as plain
 * files; without a data directory it uses a fresh temporary folder, deleted on stop.
 *
 * s3rver 3.7's own bucket listing (GET Bucket, v1 and v2) has two defects that matter to Furrow's
 * loaders and replay, which page through thousands of objects: it walks `readdirSync` in the file
 * system's order, not S3's UTF-8 byte order, and it enciphers ListObjectsV2 continuation tokens
 * with the `des` cipher alias, which OpenSSL 3 and Bun do not provide, so every truncated v2
 * listing answers 500. `startS3rver` therefore replaces that one controller (see
 * `listBucketInS3Order`) before it starts; everything else is s3rver's.
 */
import { mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { createRequire } from "node:module";
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
  installS3OrderListing();
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

// --- The listing s3rver's router calls, replaced -------------------------------------------------

/** What s3rver keeps per object; `getMetadata` throws ENOENT once the object is gone. */
interface ObjectMetadata {
  readonly etag: string;
  readonly "last-modified": string;
  readonly "content-length": number;
}

/** The part of s3rver's `FilesystemStore` the listing reads. */
interface FilesystemStore {
  getBucketPath(bucket: string): string;
  getMetadata(bucket: string, key: string): Promise<ObjectMetadata>;
}

/** The part of the Koa context s3rver's router hands its bucket controller. */
interface ListingContext {
  readonly params: { readonly bucket: string };
  readonly query: Readonly<Record<string, string | string[] | undefined>>;
  readonly store: FilesystemStore;
  body: unknown;
}

type S3ErrorClass = new (code: string, message: string, detail?: Record<string, unknown>) => Error;

/** s3rver's file for an object's bytes: `<bucket>/<key>._S3rver_object` (filesystem.js). */
const OBJECT_SUFFIX = "._S3rver_object";
/** S3's page limit and default (ListObjectsV2 `max-keys`). */
const MAX_KEYS = 1000;
const INT32_MAX = 2147483647;

let installed = false;

/**
 * Points s3rver's router at `listBucketInS3Order`. The router calls `bucketCtrl.getBucket(ctx)`
 * through the controller module's exports at request time, so replacing that export is the one
 * seam that keeps s3rver's authentication, bucket check and XML rendering around our listing.
 * It is process-wide, which is fine: every s3rver in a Furrow process is started here.
 */
function installS3OrderListing(): void {
  if (installed) return;
  const require = createRequire(import.meta.url);
  const controller = require("s3rver/lib/controllers/bucket.js") as {
    getBucket: (ctx: ListingContext) => Promise<void>;
  };
  const S3Error = require("s3rver/lib/models/error.js") as S3ErrorClass;
  const { DUMMY_ACCOUNT } = require("s3rver/lib/models/account.js") as {
    DUMMY_ACCOUNT: { id: number; displayName: string };
  };
  controller.getBucket = (ctx) => listBucketInS3Order(ctx, S3Error, DUMMY_ACCOUNT);
  installed = true;
}

const utf8 = new TextEncoder();

/** S3 returns keys "in UTF-8 binary order" (ListObjectsV2 API reference), not UTF-16 order. */
function compareUtf8(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

function queryValue(ctx: ListingContext, name: string): string | undefined {
  const v = ctx.query[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Every object key under `prefix`, in UTF-8 byte order. Keys are folders and files on disk, so
 * only the folder of the prefix's last `/` is read (the loaders list date-partitioned prefixes).
 * POSIX paths only: on Windows s3rver escapes some characters of keys, which this does not undo.
 */
async function keysUnder(store: FilesystemStore, bucket: string, prefix: string): Promise<string[]> {
  const folder = prefix.slice(0, prefix.lastIndexOf("/") + 1);
  const root = store.getBucketPath(bucket);
  let entries: string[];
  try {
    entries = await readdir(join(root, folder), { recursive: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return [];
    throw e;
  }
  return entries
    .filter((path) => path.endsWith(OBJECT_SUFFIX))
    .map((path) => folder + path.slice(0, -OBJECT_SUFFIX.length))
    .filter((key) => key.startsWith(prefix))
    .map((key) => ({ key, bytes: utf8.encode(key) }))
    .sort((a, b) => compareUtf8(a.bytes, b.bytes))
    .map((k) => k.key);
}

/** One entry of a page: an object key, or a common prefix standing for every key under it. */
type ListingEntry = { readonly key: string } | { readonly commonPrefix: string };

/**
 * Cuts the sorted keys into one page: keys after `startAfter`, rolled up into common prefixes at
 * `delimiter`, at most `maxKeys` entries (keys and prefixes both count, as in S3). A common prefix
 * that `startAfter` lies under was already returned by the page before.
 */
function pageOf(
  keys: readonly string[],
  prefix: string,
  delimiter: string,
  startAfter: string,
  maxKeys: number,
): { entries: ListingEntry[]; isTruncated: boolean } {
  const after = utf8.encode(startAfter);
  const entries: ListingEntry[] = [];
  let lastPrefix: string | undefined;
  for (const key of keys) {
    if (compareUtf8(utf8.encode(key), after) <= 0) continue;
    const cut = delimiter === "" ? -1 : key.indexOf(delimiter, prefix.length);
    const entry: ListingEntry = cut === -1 ? { key } : { commonPrefix: key.slice(0, cut + delimiter.length) };
    if ("commonPrefix" in entry) {
      if (entry.commonPrefix === lastPrefix || startAfter.startsWith(entry.commonPrefix)) continue;
      lastPrefix = entry.commonPrefix;
    }
    if (entries.length === maxKeys) return { entries, isTruncated: true };
    entries.push(entry);
  }
  return { entries, isTruncated: false };
}

/** Our continuation token: opaque to clients, like S3's; bound to its bucket. */
function continuationToken(bucket: string, last: string): string {
  return Buffer.from(`${bucket}/${last}`, "utf8").toString("base64");
}

/**
 * GET Bucket (ListObjects v1 and ListObjectsV2) in S3's order, paging with our own tokens. The
 * parameters and the response shape follow s3rver's controller, which follows the S3 API
 * reference; `encoding-type` stays unimplemented, as in s3rver.
 */
async function listBucketInS3Order(
  ctx: ListingContext,
  S3Error: S3ErrorClass,
  owner: { id: number; displayName: string },
): Promise<void> {
  const bucket = ctx.params.bucket;
  const v2 = queryValue(ctx, "list-type") === "2";
  const prefix = queryValue(ctx, "prefix") ?? "";
  const delimiter = queryValue(ctx, "delimiter") ?? "";
  const maxKeysText = queryValue(ctx, "max-keys");
  let maxKeys = MAX_KEYS;
  if (maxKeysText !== undefined && maxKeysText !== "") {
    if (!/^-?\d+$/.test(maxKeysText)) {
      throw new S3Error("InvalidArgument", "Provided max-keys not an integer or within integer range", {
        ArgumentName: "max-keys",
        ArgumentValue: maxKeysText,
      });
    }
    const n = Number(maxKeysText);
    if (n < 0 || n > INT32_MAX) {
      throw new S3Error("InvalidArgument", "Argument maxKeys must be an integer between 0 and 2147483647", {
        ArgumentName: "maxKeys",
        ArgumentValue: n,
      });
    }
    maxKeys = Math.min(MAX_KEYS, n);
  }
  const token = queryValue(ctx, "continuation-token");
  let startAfter: string;
  if (v2) {
    if ("marker" in ctx.query) {
      throw new S3Error("InvalidArgument", "Marker unsupported with REST.GET.BUCKET in list-type=2", {
        ArgumentName: "marker",
      });
    }
    if (token) {
      const decoded = Buffer.from(token, "base64").toString("utf8");
      if (
        !decoded.startsWith(`${bucket}/`) ||
        continuationToken(bucket, decoded.slice(bucket.length + 1)) !== token
      ) {
        throw new S3Error("InvalidArgument", "The continuation token provided is incorrect", {
          ArgumentName: "continuation-token",
        });
      }
      startAfter = decoded.slice(bucket.length + 1);
    } else {
      startAfter = queryValue(ctx, "start-after") ?? "";
    }
  } else {
    if ("continuation-token" in ctx.query) {
      throw new S3Error(
        "InvalidArgument",
        "continuation-token only supported in REST.GET.BUCKET with list-type=2",
        { ArgumentName: "continuation-token" },
      );
    }
    if ("start-after" in ctx.query) {
      throw new S3Error("InvalidArgument", "startAfter only supported in REST.GET.BUCKET with list-type=2", {
        ArgumentName: "start-after",
      });
    }
    startAfter = queryValue(ctx, "marker") ?? "";
  }
  const fetchOwner = v2 ? queryValue(ctx, "fetch-owner") === "true" : true;

  const keys = maxKeys === 0 ? [] : await keysUnder(ctx.store, bucket, prefix);
  const { entries, isTruncated } = pageOf(keys, prefix, delimiter, startAfter, maxKeys);
  const objectKeys = entries.flatMap((e) => ("key" in e ? [e.key] : []));
  // An object deleted since the folder was read is left out, as s3rver does.
  const objects = (
    await Promise.all(
      objectKeys.map((key) =>
        ctx.store.getMetadata(bucket, key).then(
          (metadata) => ({ key, metadata }),
          (e: NodeJS.ErrnoException) => {
            if (e.code === "ENOENT") return undefined;
            throw e;
          },
        ),
      ),
    )
  ).flatMap((o) => (o ? [o] : []));
  const lastEntry = entries.at(-1);
  const last = lastEntry === undefined ? "" : "key" in lastEntry ? lastEntry.key : lastEntry.commonPrefix;

  ctx.body = {
    ListBucketResult: {
      "@": { xmlns: "http://doc.s3.amazonaws.com/2006-03-01/" },
      Name: bucket,
      Prefix: prefix,
      ...(v2
        ? {
            StartAfter: token ? undefined : startAfter || undefined,
            ContinuationToken: token || undefined,
            NextContinuationToken: isTruncated ? continuationToken(bucket, last) : undefined,
            KeyCount: entries.length,
          }
        : {
            Marker: startAfter,
            NextMarker: delimiter && isTruncated ? last : undefined,
          }),
      MaxKeys: maxKeysText || MAX_KEYS,
      Delimiter: delimiter || undefined,
      IsTruncated: isTruncated,
      Contents: objects.map(({ key, metadata }) => ({
        Key: key,
        LastModified: new Date(metadata["last-modified"]).toISOString(),
        ETag: metadata.etag,
        Size: metadata["content-length"],
        Owner: fetchOwner ? { ID: owner.id, DisplayName: owner.displayName } : undefined,
        StorageClass: "STANDARD",
      })),
      CommonPrefixes: entries.flatMap((e) => ("commonPrefix" in e ? [{ Prefix: e.commonPrefix }] : [])),
    },
  };
}
