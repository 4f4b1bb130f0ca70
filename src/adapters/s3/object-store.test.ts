/**
 * @module
 * The S3 object store on s3rver (as `startS3rver` runs it, with S3's listing order and paging) against
 * the object store conformance suite, each test with a bucket of its own; and the adapter's paging
 * against a scripted client, which pins the requests it sends.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ListObjectsV2Command, type ListObjectsV2CommandInput } from "@aws-sdk/client-s3";
import { describeObjectStore } from "../../ports/object-store.conformance.ts";
import type { RunningEngine } from "../engines/running-engine.ts";
import { startS3rver } from "../engines/s3rver.ts";
import { ensureBucket } from "./bucket.ts";
import { s3Client } from "./client.ts";
import { S3ObjectStore } from "./object-store.ts";

let engine: RunningEngine;
let buckets = 0;

beforeAll(async () => {
  engine = await startS3rver();
});
afterAll(async () => {
  await engine.stop();
});

describeObjectStore("S3 (s3rver)", async () => {
  const client = s3Client({ endpoint: engine.url, region: "us-east-1" });
  const bucket = `conformance-${++buckets}`;
  await ensureBucket(client, bucket, "us-east-1");
  return { store: new S3ObjectStore(client, bucket), close: async () => client.destroy() };
});

describe("S3ObjectStore.list", () => {
  test("follows continuation tokens until the listing is complete, asking for its page size", async () => {
    const requests: ListObjectsV2CommandInput[] = [];
    const pages = [
      {
        Contents: [
          { Key: "raw/a", Size: 1 },
          { Key: "raw/b", Size: 2 },
        ],
        IsTruncated: true,
        NextContinuationToken: "t1",
      },
      { Contents: [{ Key: "raw/c", Size: 3 }], IsTruncated: true, NextContinuationToken: "t2" },
      { Contents: [], IsTruncated: false },
    ];
    const client = {
      send: async (command: unknown) => {
        expect(command).toBeInstanceOf(ListObjectsV2Command);
        requests.push((command as ListObjectsV2Command).input);
        return pages[requests.length - 1]!;
      },
    };
    const store = new S3ObjectStore(client as never, "bucket-one", { listPageSize: 2 });
    const listed = [];
    for await (const o of store.list("raw/")) listed.push(o);
    expect(listed).toEqual([
      { key: "raw/a", size: 1 },
      { key: "raw/b", size: 2 },
      { key: "raw/c", size: 3 },
    ]);
    expect(requests.map((r) => [r.Bucket, r.Prefix, r.MaxKeys, r.ContinuationToken])).toEqual([
      ["bucket-one", "raw/", 2, undefined],
      ["bucket-one", "raw/", 2, "t1"],
      ["bucket-one", "raw/", 2, "t2"],
    ]);
  });
});
