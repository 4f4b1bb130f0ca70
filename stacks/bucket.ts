/**
 * @module
 * The stage's one bucket, shared by the S3 loaders (each under its own prefix, see the topology)
 * and holding the furrow release the instances install (`releases/`). Private and encrypted.
 */
import type { Topology } from "../src/core/topology";

export function pipelineBucket(topology: Topology) {
  const bucket = new aws.s3.Bucket("Bucket", {
    bucket: topology.bucket.name,
    forceDestroy: false,
    tags: { "furrow:stage": topology.stage },
  });
  const publicAccess = new aws.s3.BucketPublicAccessBlock("BucketPublicAccess", {
    bucket: bucket.id,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
  const encryption = new aws.s3.BucketServerSideEncryptionConfiguration("BucketEncryption", {
    bucket: bucket.id,
    rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
  });
  return { bucket, publicAccess, encryption };
}
