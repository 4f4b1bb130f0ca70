/**
 * @module
 * The `ObjectStore` port on S3 (and s3rver): PutObject, GetObject and ListObjectsV2 of one bucket.
 * Content-Type, Content-Encoding and user metadata are stored as S3 object headers, so a `.gz`
 * written with `contentEncoding: "gzip"` is served as gzip-encoded text. Keys are sent as given;
 * the SDK percent-encodes them in the request path.
 *
 * @example
 * const store = new S3ObjectStore(s3Client({ endpoint, region }), topology.bucket.name);
 * await store.put({ key: "raw/2024-01-01-000000-x.gz", body, contentEncoding: "gzip" });
 */
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { ObjectStore, ObjectSummary, PutObjectInput, StoredObject } from "../../ports/object-store.ts";

export interface S3ObjectStoreOptions {
  /** Keys per ListObjectsV2 page; S3's maximum and default is 1000 (tests use less to see paging). */
  readonly listPageSize?: number;
}

/** GetObject answers 404 `NoSuchKey` for a missing key. */
const isMissing = (e: unknown): boolean =>
  e instanceof Error &&
  (e.name === "NoSuchKey" ||
    e.name === "NotFound" ||
    (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404);

export class S3ObjectStore implements ObjectStore {
  readonly #client: Pick<S3Client, "send">;
  readonly #pageSize: number;

  /** The client is not destroyed by the store: its owner does that. */
  constructor(
    client: Pick<S3Client, "send">,
    readonly bucket: string,
    options: S3ObjectStoreOptions = {},
  ) {
    this.#client = client;
    this.#pageSize = options.listPageSize ?? 1000;
  }

  async put(object: PutObjectInput): Promise<void> {
    await this.#client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: object.key,
        Body: object.body,
        ContentLength: object.body.length,
        ContentType: object.contentType,
        ContentEncoding: object.contentEncoding,
        Metadata: object.metadata ? { ...object.metadata } : undefined,
      }),
    );
  }

  async get(key: string): Promise<StoredObject | null> {
    try {
      const out = await this.#client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      const body = out.Body ? await out.Body.transformToByteArray() : new Uint8Array(0);
      return {
        key,
        body,
        contentType: out.ContentType,
        contentEncoding: out.ContentEncoding,
        metadata: out.Metadata ?? {},
      };
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
  }

  async *list(prefix: string): AsyncIterable<ObjectSummary> {
    let token: string | undefined;
    do {
      const page = await this.#client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: prefix,
          MaxKeys: this.#pageSize,
          ContinuationToken: token,
        }),
      );
      for (const o of page.Contents ?? []) {
        if (o.Key !== undefined) yield { key: o.Key, size: o.Size ?? 0 };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  }
}
