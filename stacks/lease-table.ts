/**
 * @module
 * A KCL lease table for one stream consumer, as amazon-kinesis-client creates it (hash key
 * `leaseKey`, S), with provisioned capacity that DynamoDB target tracking scales between the
 * settings' bounds (the seed's `kcl_read_min_capacity` … `kcl_write_max_capacity`). Leases are
 * renewed every few seconds per shard, so writes dominate; 70 % utilisation is AWS's default target.
 */
import type { AppId, Topology } from "../src/core/topology";
import type { LeaseCapacity } from "./settings";

export function leaseTable(topology: Topology, app: AppId, capacity: LeaseCapacity) {
  const input = topology.apps[app].input;
  if (input.kind !== "stream") throw new Error(`${app} reads no stream, so it has no lease table`);
  const table = new aws.dynamodb.Table(
    `Leases-${app}`,
    {
      name: input.leaseTable,
      billingMode: "PROVISIONED",
      readCapacity: capacity.readMin,
      writeCapacity: capacity.writeMin,
      hashKey: "leaseKey",
      attributes: [{ name: "leaseKey", type: "S" }],
      tags: { "furrow:stage": topology.stage, "furrow:app": app },
    },
    // Autoscaling moves the capacity; a deploy must not reset it to the minimum.
    { ignoreChanges: ["readCapacity", "writeCapacity"] },
  );
  const scale = (kind: "Read" | "Write", min: number, max: number) => {
    const target = new aws.appautoscaling.Target(`Leases-${app}-${kind}Target`, {
      serviceNamespace: "dynamodb",
      resourceId: $interpolate`table/${table.name}`,
      scalableDimension: `dynamodb:table:${kind}CapacityUnits`,
      minCapacity: min,
      maxCapacity: max,
    });
    const policy = new aws.appautoscaling.Policy(`Leases-${app}-${kind}Policy`, {
      name: $interpolate`${table.name}-${kind.toLowerCase()}`,
      policyType: "TargetTrackingScaling",
      serviceNamespace: target.serviceNamespace,
      resourceId: target.resourceId,
      scalableDimension: target.scalableDimension,
      targetTrackingScalingPolicyConfiguration: {
        targetValue: 70,
        predefinedMetricSpecification: { predefinedMetricType: `DynamoDB${kind}CapacityUtilization` },
      },
    });
    return { target, policy };
  };
  return {
    table,
    read: scale("Read", capacity.readMin, capacity.readMax),
    write: scale("Write", capacity.writeMin, capacity.writeMax),
  };
}
