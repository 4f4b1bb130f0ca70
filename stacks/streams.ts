/**
 * @module
 * The four Kinesis streams of a stage (raw, enriched, bad-1, bad-2), named by the topology and
 * encrypted with the AWS-managed Kinesis key.
 */
import type { StreamRole, Topology } from "../src/core/topology";

export function pipelineStreams(topology: Topology): Record<StreamRole, aws.kinesis.Stream> {
  const stream = (role: StreamRole) => {
    const spec = topology.streams[role];
    return new aws.kinesis.Stream(`Stream-${role}`, {
      name: spec.name,
      shardCount: spec.shards,
      retentionPeriod: spec.retentionHours,
      streamModeDetails: { streamMode: "PROVISIONED" },
      encryptionType: "KMS",
      kmsKeyId: "alias/aws/kinesis",
      tags: { "furrow:stage": topology.stage },
    });
  };
  return {
    raw: stream("raw"),
    enriched: stream("enriched"),
    "bad-1": stream("bad-1"),
    "bad-2": stream("bad-2"),
  };
}
