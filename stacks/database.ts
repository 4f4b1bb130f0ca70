/**
 * @module
 * An RDS PostgreSQL 15 instance in the private subnets, reachable on 5432 only from the security
 * groups given to `allowFrom`. RDS keeps the master password in a Secrets Manager secret it manages
 * (`manageMasterUserPassword`), so no password is in the stack's state or in user data: instances
 * fetch it at boot with permission on that one secret.
 */
import type { Topology } from "../src/core/topology";
import type { NetworkRefs } from "./network";

export function pipelineDatabase(args: {
  readonly topology: Topology;
  /** Logical name prefix, e.g. `IgluDb`. */
  readonly logical: string;
  /** Physical identifier, e.g. `furrow-prod-iglu`. */
  readonly name: string;
  readonly database: string;
  readonly network: NetworkRefs;
}) {
  const { topology } = args;
  const tags = { "furrow:stage": topology.stage, Name: args.name };
  const production = topology.stage === "production";
  const securityGroup = new aws.ec2.SecurityGroup(`${args.logical}SecurityGroup`, {
    name: `${args.name}-db`,
    description: `${args.name} database`,
    vpcId: args.network.vpcId,
    tags,
  });
  const subnets = new aws.rds.SubnetGroup(`${args.logical}Subnets`, {
    name: args.name,
    subnetIds: [...args.network.privateSubnetIds],
    tags,
  });
  const instance = new aws.rds.Instance(`${args.logical}`, {
    identifier: args.name,
    engine: "postgres",
    engineVersion: "15",
    instanceClass: "db.t4g.micro",
    allocatedStorage: 20,
    storageType: "gp3",
    storageEncrypted: true,
    dbName: args.database,
    username: "furrow",
    manageMasterUserPassword: true,
    dbSubnetGroupName: subnets.name,
    vpcSecurityGroupIds: [securityGroup.id],
    publiclyAccessible: false,
    backupRetentionPeriod: production ? 7 : 1,
    deletionProtection: production,
    skipFinalSnapshot: !production,
    finalSnapshotIdentifier: production ? `${args.name}-final` : undefined,
    tags,
  });
  const secretArn = instance.masterUserSecrets.apply((s) => {
    const arn = s[0]?.secretArn;
    if (!arn) throw new Error(`${args.name}: RDS returned no managed master user secret`);
    return arn;
  });
  /** Opens 5432 to one app's security group. */
  const allowFrom = (logical: string, sourceSecurityGroupId: $util.Input<string>) =>
    new aws.vpc.SecurityGroupIngressRule(`${args.logical}From${logical}`, {
      securityGroupId: securityGroup.id,
      referencedSecurityGroupId: sourceSecurityGroupId,
      ipProtocol: "tcp",
      fromPort: 5432,
      toPort: 5432,
      description: `from ${logical}`,
    });
  return { securityGroup, subnets, instance, secretArn, allowFrom };
}
