/**
 * @module
 * The stage's VPC: two public subnets (load balancers, and the app instances, which reach AWS APIs
 * and the npm registry through the internet gateway without a NAT gateway's hourly cost) and two
 * private subnets with no route out (the RDS databases). Two of each because an ALB and an RDS
 * subnet group each need subnets in at least two availability zones.
 */
import type { Topology } from "../src/core/topology";

/** What the other stacks need of a network, whether this stack made it or settings name one. */
export interface NetworkRefs {
  readonly vpcId: $util.Input<string>;
  readonly cidr: $util.Input<string>;
  readonly publicSubnetIds: readonly $util.Input<string>[];
  readonly privateSubnetIds: readonly $util.Input<string>[];
}

export const VPC_CIDR = "10.0.0.0/16";

export function pipelineNetwork(topology: Topology): NetworkRefs & { vpc: aws.ec2.Vpc } {
  const tags = (suffix: string) => ({ Name: `${topology.prefix}-${suffix}`, "furrow:stage": topology.stage });
  const zones = aws.getAvailabilityZonesOutput({ state: "available" }).names;
  const vpc = new aws.ec2.Vpc("Vpc", {
    cidrBlock: VPC_CIDR,
    enableDnsHostnames: true,
    enableDnsSupport: true,
    tags: tags("vpc"),
  });
  const gateway = new aws.ec2.InternetGateway("InternetGateway", { vpcId: vpc.id, tags: tags("igw") });
  const publicRoutes = new aws.ec2.RouteTable("PublicRoutes", {
    vpcId: vpc.id,
    routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: gateway.id }],
    tags: tags("public"),
  });
  const subnet = (kind: "Public" | "Private", index: number) => {
    const third = kind === "Public" ? index : 10 + index;
    const s = new aws.ec2.Subnet(`${kind}Subnet${index}`, {
      vpcId: vpc.id,
      cidrBlock: `10.0.${third}.0/24`,
      availabilityZone: zones.apply((z) => z[index % z.length]!),
      mapPublicIpOnLaunch: kind === "Public",
      tags: tags(`${kind.toLowerCase()}-${index}`),
    });
    if (kind === "Public") {
      new aws.ec2.RouteTableAssociation(`PublicRoutes${index}`, {
        subnetId: s.id,
        routeTableId: publicRoutes.id,
      });
    }
    return s.id;
  };
  return {
    vpc,
    vpcId: vpc.id,
    cidr: VPC_CIDR,
    publicSubnetIds: [subnet("Public", 0), subnet("Public", 1)],
    privateSubnetIds: [subnet("Private", 0), subnet("Private", 1)],
  };
}
