/**
 * @module
 * Creates an S3 bucket unless it exists. Outside us-east-1, CreateBucket needs the region as its
 * LocationConstraint (S3 API reference, CreateBucket); us-east-1 rejects one.
 */
import {
  type BucketLocationConstraint,
  CreateBucketCommand,
  HeadBucketCommand,
  type S3Client,
} from "@aws-sdk/client-s3";

export interface EnsuredBucket {
  readonly name: string;
  /** False when the bucket already existed (its objects are kept). */
  readonly created: boolean;
}

/** HeadBucket answers 404 with no body, which the SDK surfaces as `NotFound`. */
const isMissing = (e: unknown): boolean =>
  e instanceof Error &&
  (e.name === "NotFound" ||
    e.name === "NoSuchBucket" ||
    (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404);

/** Makes sure bucket `name` exists in `region`. */
export async function ensureBucket(client: S3Client, name: string, region: string): Promise<EnsuredBucket> {
  try {
    await client.send(new HeadBucketCommand({ Bucket: name }));
    return { name, created: false };
  } catch (e) {
    if (!isMissing(e)) throw e;
  }
  try {
    await client.send(
      new CreateBucketCommand({
        Bucket: name,
        CreateBucketConfiguration:
          region === "us-east-1" ? undefined : { LocationConstraint: region as BucketLocationConstraint },
      }),
    );
    return { name, created: true };
  } catch (e) {
    if (e instanceof Error && e.name === "BucketAlreadyOwnedByYou") return { name, created: false };
    throw e;
  }
}
