/**
 * @module
 * One app on EC2: an IAM role with the app's least-privilege policy, a security group, a launch
 * template whose user data runs `furrow <app>`, and an autoscaling group over the public subnets,
 * optionally registered with a load balancer's target group. SST has no autoscaling-group
 * component, so this uses the raw `aws.ec2` and `aws.autoscaling` resources.
 *
 * A new release or config changes the user data, hence the launch template's version, and the
 * group's instance refresh replaces its instances a few at a time.
 */

import type { AppId, Topology } from "../src/core/topology";
import { boundedName } from "./names";
import type { NetworkRefs } from "./network";
import { type AccountScope, appPolicy, EC2_ASSUME_ROLE } from "./policies";
import type { GroupSize, StackSettings } from "./settings";

/** What every app stack is given: where it runs, which account, which release to install. */
export interface AppContext {
  readonly topology: Topology;
  readonly settings: StackSettings;
  readonly network: NetworkRefs;
  readonly scope: $util.Output<AccountScope>;
  readonly release: $util.Output<{ readonly bucket: string; readonly key: string; readonly etag: string }>;
}

/** `appPolicy` as JSON, once the account and the secret ARNs are known. */
export function policyJson(
  context: AppContext,
  app: AppId | "iglu-server",
  secretArns: readonly $util.Input<string>[] = [],
): $util.Output<string> {
  return $util
    .all([context.scope, $util.all([...secretArns])])
    .apply(([scope, secrets]) => JSON.stringify(appPolicy(context.topology, app, scope, secrets)));
}

export interface AppGroupArgs {
  /** Logical name prefix of the resources, e.g. `Enrich`. */
  readonly logical: string;
  /** Physical name prefix, e.g. `furrow-prod-enrich`. */
  readonly name: string;
  readonly stage: string;
  readonly network: NetworkRefs;
  readonly size: GroupSize;
  /** The role's only policy, as JSON. */
  readonly policy: $util.Input<string>;
  /** The boot script (plain text; encoded here). */
  readonly userData: $util.Input<string>;
  /** Opens `port` to this security group only (the app's load balancer). */
  readonly ingress?: { readonly port: number; readonly fromSecurityGroupId: $util.Input<string> };
  readonly targetGroupArns?: readonly $util.Input<string>[];
}

/** Amazon Linux 2023 for Graviton, resolved by EC2 at launch from AWS's public SSM parameter. */
export const AMI = "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64";

/**
 * Groups scale out above this average CPU. Bun runs each app's hot path on one core, so a busy
 * instance shows it before it falls behind.
 */
export const CPU_TARGET_PERCENT = 60;

export function appGroup(args: AppGroupArgs) {
  const tags = { "furrow:stage": args.stage, Name: args.name };
  const role = new aws.iam.Role(`${args.logical}Role`, {
    name: args.name,
    assumeRolePolicy: JSON.stringify(EC2_ASSUME_ROLE),
    tags,
  });
  const rolePolicy = new aws.iam.RolePolicy(`${args.logical}Policy`, {
    name: args.name,
    role: role.name,
    policy: args.policy,
  });
  const profile = new aws.iam.InstanceProfile(`${args.logical}Profile`, { name: args.name, role: role.name });
  const securityGroup = new aws.ec2.SecurityGroup(`${args.logical}SecurityGroup`, {
    name: args.name,
    description: `${args.name} instances`,
    vpcId: args.network.vpcId,
    ingress: args.ingress
      ? [
          {
            protocol: "tcp",
            fromPort: args.ingress.port,
            toPort: args.ingress.port,
            securityGroups: [args.ingress.fromSecurityGroupId],
            description: "from the load balancer",
          },
        ]
      : [],
    // AWS APIs, the npm registry and Iglu Central are reached over the internet.
    egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
    tags,
  });
  const launchTemplate = new aws.ec2.LaunchTemplate(`${args.logical}LaunchTemplate`, {
    name: args.name,
    imageId: AMI,
    instanceType: args.size.instanceType,
    iamInstanceProfile: { arn: profile.arn },
    vpcSecurityGroupIds: [securityGroup.id],
    userData: $util.output(args.userData).apply((s) => Buffer.from(s, "utf8").toString("base64")),
    // IMDSv2 only: instance credentials are not reachable by a forged GET through the app.
    metadataOptions: { httpTokens: "required", httpEndpoint: "enabled", httpPutResponseHopLimit: 1 },
    tagSpecifications: [{ resourceType: "instance", tags }],
    updateDefaultVersion: true,
    tags,
  });
  const group = new aws.autoscaling.Group(
    `${args.logical}Group`,
    {
      name: args.name,
      minSize: args.size.min,
      maxSize: args.size.max,
      desiredCapacity: args.size.min,
      vpcZoneIdentifiers: [...args.network.publicSubnetIds],
      launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.apply(String) },
      targetGroupArns: args.targetGroupArns ? [...args.targetGroupArns] : undefined,
      healthCheckType: args.targetGroupArns ? "ELB" : "EC2",
      healthCheckGracePeriod: 300,
      instanceRefresh: { strategy: "Rolling", preferences: { minHealthyPercentage: 50 } },
      tags: [
        { key: "Name", value: args.name, propagateAtLaunch: true },
        { key: "furrow:stage", value: args.stage, propagateAtLaunch: true },
      ],
    },
    // The scaling policy moves the desired capacity; a deploy must not reset it.
    { dependsOn: [rolePolicy], ignoreChanges: ["desiredCapacity"] },
  );
  const scaling = new aws.autoscaling.Policy(`${args.logical}Scaling`, {
    name: `${args.name}-cpu`,
    autoscalingGroupName: group.name,
    policyType: "TargetTrackingScaling",
    targetTrackingConfiguration: {
      predefinedMetricSpecification: { predefinedMetricType: "ASGAverageCPUUtilization" },
      targetValue: CPU_TARGET_PERCENT,
    },
  });
  return { role, rolePolicy, profile, securityGroup, launchTemplate, group, scaling };
}

/** An internet-facing ALB with an HTTP listener forwarding to one target group on `port`. */
export function appLoadBalancer(args: {
  readonly logical: string;
  readonly name: string;
  readonly stage: string;
  readonly network: NetworkRefs;
  readonly port: number;
  readonly healthPath: string;
  readonly certificateArn?: string;
}) {
  const tags = { "furrow:stage": args.stage, Name: `${args.name}-lb` };
  const securityGroup = new aws.ec2.SecurityGroup(`${args.logical}LbSecurityGroup`, {
    name: `${args.name}-lb`,
    description: `${args.name} load balancer`,
    vpcId: args.network.vpcId,
    ingress: [80, ...(args.certificateArn ? [443] : [])].map((port) => ({
      protocol: "tcp",
      fromPort: port,
      toPort: port,
      cidrBlocks: ["0.0.0.0/0"],
      description: "trackers and clients",
    })),
    egress: [{ protocol: "tcp", fromPort: args.port, toPort: args.port, cidrBlocks: [args.network.cidr] }],
    tags,
  });
  const loadBalancer = new aws.lb.LoadBalancer(`${args.logical}Lb`, {
    name: boundedName(`${args.name}-lb`, 32),
    loadBalancerType: "application",
    internal: false,
    securityGroups: [securityGroup.id],
    subnets: [...args.network.publicSubnetIds],
    tags,
  });
  const targetGroup = new aws.lb.TargetGroup(`${args.logical}Targets`, {
    name: boundedName(`${args.name}-tg`, 32),
    port: args.port,
    protocol: "HTTP",
    targetType: "instance",
    vpcId: args.network.vpcId,
    healthCheck: { path: args.healthPath, matcher: "200", interval: 15, healthyThreshold: 2 },
    // The collector drains for its preTerminationPeriod; the ALB stops sending first.
    deregistrationDelay: 30,
    tags,
  });
  const forward = [{ type: "forward", targetGroupArn: targetGroup.arn }];
  const listeners = [
    new aws.lb.Listener(`${args.logical}Http`, {
      loadBalancerArn: loadBalancer.arn,
      port: 80,
      protocol: "HTTP",
      defaultActions: forward,
    }),
  ];
  if (args.certificateArn) {
    listeners.push(
      new aws.lb.Listener(`${args.logical}Https`, {
        loadBalancerArn: loadBalancer.arn,
        port: 443,
        protocol: "HTTPS",
        sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
        certificateArn: args.certificateArn,
        defaultActions: forward,
      }),
    );
  }
  return { securityGroup, loadBalancer, targetGroup, listeners };
}
