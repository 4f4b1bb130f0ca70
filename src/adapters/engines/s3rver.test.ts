/**
 * @module
 * s3rver as `startS3rver` runs it, listed through the AWS SDK like S3: more than one page of keys
 * comes back complete and in UTF-8 byte order through the ListObjectsV2 paginator, v1 markers
 * and delimiters page too, and a forged continuation token is refused. The object store
 * conformance suite runs on it in `src/adapters/s3/object-store.test.ts`.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  ListObjectsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  paginateListObjectsV2,
  type S3Client,
} from "@aws-sdk/client-s3";
import { ensureBucket } from "../s3/bucket.ts";
import { s3Client } from "../s3/client.ts";
import type { RunningEngine } from "./running-engine.ts";
import { startS3rver } from "./s3rver.ts";

const REGION = "us-east-1";
const utf8 = new TextEncoder();

let engine: RunningEngine;
let client: S3Client;
let buckets = 0;

beforeAll(async () => {
  engine = await startS3rver();
  client = s3Client({ endpoint: engine.url, region: REGION });
});
afterAll(async () => {
  client.destroy();
  await engine.stop();
});

/** Orders keys by their UTF-8 bytes, as S3 does (written independently of the engine's own). */
function byUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(utf8.encode(a)), Buffer.from(utf8.encode(b)));
}

async function newBucket(): Promise<string> {
  const bucket = `listing-${++buckets}`;
  await ensureBucket(client, bucket, REGION);
  return bucket;
}

/** Puts every key (its body is the key), a few dozen requests at a time. */
async function putAll(bucket: string, keys: readonly string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += 50) {
    await Promise.all(
      keys
        .slice(i, i + 50)
        .map((key) => client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: key }))),
    );
  }
}

/**
 * 2,600 keys whose folder order differs from S3's: `a-b` sorts before `a/b` in bytes but after
 * the folder `a` on disk, and non-ASCII partitions sort after `~`.
 */
function manyKeys(): string[] {
  const keys: string[] = [];
  for (let i = 0; i < 2500; i++) keys.push(`raw/${String(i % 7)}/${String(i).padStart(5, "0")}.gz`);
  for (const part of ["a", "a-b", "a.b", "a~", "caf\u00e9", "\u65e5\u672c", "\u{1f600}", "\uff5e", "Z"]) {
    for (let i = 0; i < 10; i++) keys.push(`raw/${part}/${i}`);
    keys.push(`raw/${part}`);
  }
  return keys.reverse();
}

describe("startS3rver listing", () => {
  test("ListObjectsV2 pages through more than 1000 keys and returns each once, in UTF-8 order", async () => {
    const bucket = await newBucket();
    const keys = manyKeys();
    await putAll(bucket, keys);
    const listed: string[] = [];
    let pages = 0;
    for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket })) {
      pages++;
      expect(page.KeyCount).toBe(page.Contents?.length ?? 0);
      for (const o of page.Contents ?? []) {
        listed.push(o.Key!);
        expect(o.Size).toBe(utf8.encode(o.Key!).length);
        expect(o.ETag).toMatch(/^"[0-9a-f]{32}"$/);
      }
    }
    expect(pages).toBe(Math.ceil(keys.length / 1000));
    expect(listed).toEqual([...keys].sort(byUtf8));

    const small: string[] = [];
    for await (const page of paginateListObjectsV2(
      { client, pageSize: 7 },
      { Bucket: bucket, Prefix: "raw/a", StartAfter: "raw/a-b/3" },
    )) {
      expect(page.Contents?.length ?? 0).toBeLessThanOrEqual(7);
      for (const o of page.Contents ?? []) small.push(o.Key!);
    }
    expect(small).toEqual(
      keys.filter((k) => k.startsWith("raw/a") && byUtf8(k, "raw/a-b/3") > 0).sort(byUtf8),
    );
  });

  test("a delimiter rolls keys up into common prefixes, which count towards a page", async () => {
    const bucket = await newBucket();
    const keys = ["p/x/1", "p/x/2", "p/y/1", "p/z", "p/\u00e9/1", "p/a-b", "p/a/1", "q/1"];
    await putAll(bucket, keys);
    const entries: string[] = [];
    for await (const page of paginateListObjectsV2(
      { client, pageSize: 2 },
      { Bucket: bucket, Prefix: "p/", Delimiter: "/" },
    )) {
      const here = [
        ...(page.Contents ?? []).map((o) => o.Key!),
        ...(page.CommonPrefixes ?? []).map((p) => p.Prefix!),
      ];
      expect(here.length).toBeLessThanOrEqual(2);
      expect(page.KeyCount).toBe(here.length);
      entries.push(...here);
    }
    expect(entries.sort(byUtf8)).toEqual(["p/a-b", "p/a/", "p/x/", "p/y/", "p/z", "p/\u00e9/"]);
  });

  test("ListObjects v1 pages by marker", async () => {
    const bucket = await newBucket();
    const keys = Array.from({ length: 25 }, (_, i) => `k/${String(24 - i).padStart(2, "0")}`);
    await putAll(bucket, keys);
    const listed: string[] = [];
    let marker: string | undefined;
    for (;;) {
      const page = await client.send(
        new ListObjectsCommand({ Bucket: bucket, Prefix: "k/", MaxKeys: 10, Marker: marker }),
      );
      const got = (page.Contents ?? []).map((o) => o.Key!);
      listed.push(...got);
      if (!page.IsTruncated) break;
      marker = got.at(-1);
    }
    expect(listed).toEqual([...keys].sort(byUtf8));
  });

  test("a continuation token from another bucket, or a forged one, is refused", async () => {
    const first = await newBucket();
    const second = await newBucket();
    await putAll(first, ["a", "b", "c"]);
    await putAll(second, ["a", "b", "c"]);
    const page = await client.send(new ListObjectsV2Command({ Bucket: first, MaxKeys: 1 }));
    expect(page.IsTruncated).toBe(true);
    const token = page.NextContinuationToken!;
    for (const [bucket, bad] of [
      [second, token],
      [first, "bm90IGEgdG9rZW4="],
    ] as const) {
      const refused = await client
        .send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: bad }))
        .then(
          () => undefined,
          (e: Error & { $metadata?: { httpStatusCode?: number } }) => e,
        );
      expect(refused?.name).toBe("InvalidArgument");
      expect(refused?.$metadata?.httpStatusCode).toBe(400);
    }
    const rest = await client.send(new ListObjectsV2Command({ Bucket: first, ContinuationToken: token }));
    expect(rest.Contents?.map((o) => o.Key)).toEqual(["b", "c"]);
  });
});
