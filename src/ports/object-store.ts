/**
 * @module
 * The object store port: where the S3 loaders write their files and `furrow replay` reads them back.
 * Adapters: S3 (`adapters/s3/object-store.ts`, also s3rver) and memory (`adapters/memory/`), both
 * held to one conformance suite (`object-store.conformance.ts`).
 *
 * A put either stores the whole object or fails: S3 PutObject is atomic, so a reader never sees
 * half a file, and putting the same key again replaces the object (what makes a retried write, or
 * a rewrite under the same name, leave one object). Failures to reach the store are exceptions
 * (lost infrastructure); a missing key is a value (`null`).
 */

/** An object to write. */
export interface PutObjectInput {
  readonly key: string;
  readonly body: Uint8Array;
  /** `Content-Type`, e.g. `text/tab-separated-values`. */
  readonly contentType?: string;
  /** `Content-Encoding`, e.g. `gzip` when the body is the gzip of a `contentType` document. */
  readonly contentEncoding?: string;
  /** User metadata (`x-amz-meta-*`); keys are lower-case ASCII. */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** A stored object, as read back. */
export interface StoredObject {
  readonly key: string;
  readonly body: Uint8Array;
  readonly contentType: string | undefined;
  readonly contentEncoding: string | undefined;
  readonly metadata: Readonly<Record<string, string>>;
}

/** One entry of a listing. */
export interface ObjectSummary {
  readonly key: string;
  /** Bytes stored. */
  readonly size: number;
}

export interface ObjectStore {
  /** The bucket (or its stand-in), for messages. */
  readonly bucket: string;
  /** Stores `object`, replacing any object under the same key. Resolves once it is durable. */
  put(object: PutObjectInput): Promise<void>;
  /** The object under `key`, or null when there is none. */
  get(key: string): Promise<StoredObject | null>;
  /**
   * Every object whose key starts with `prefix`, in ascending UTF-8 byte order of keys (S3's
   * ListObjectsV2 order), across as many pages as the store needs.
   */
  list(prefix: string): AsyncIterable<ObjectSummary>;
}
