/**
 * @module
 * The pipeline's durable storage for one stage: the four Kinesis streams, one KCL lease table per
 * stream consumer (hash key `leaseKey`, as amazon-kinesis-client creates it), and the one bucket
 * the S3 loaders share. A function of the topology, with no module-level resources, so it can be
 * built under Pulumi mocks (see ../shared/reference/sst-offline.md).
 */
import type { Topology } from "../src/core/topology";

export function pipelineStorage(topology: Topology) {
  const streams = Object.fromEntries(
    Object.values(topology.streams).map((s) => [
      s.role,
      new aws.kinesis.Stream(`Stream-${s.role}`, {
        name: s.name,
        shardCount: s.shards,
        retentionPeriod: s.retentionHours,
        streamModeDetails: { streamMode: "PROVISIONED" },
        encryptionType: "KMS",
        kmsKeyId: "alias/aws/kinesis",
      }),
    ]),
  );
  const leaseTables = topology.leaseTables.map(
    (t) =>
      new aws.dynamodb.Table(`Leases-${t.app}`, {
        name: t.name,
        billingMode: "PAY_PER_REQUEST",
        hashKey: t.hashKey,
        attributes: [{ name: t.hashKey, type: "S" }],
      }),
  );
  const bucket = new aws.s3.BucketV2("Bucket", { bucket: topology.bucket.name, forceDestroy: false });
  return {
    streams: Object.fromEntries(Object.entries(streams).map(([role, s]) => [role, s.name])),
    leaseTables: leaseTables.map((t) => t.name),
    bucket: bucket.bucket,
  };
}
