/**
 * @module
 * Builds stacks offline under Pulumi's mocks, as `sst deploy` would build them, and records every
 * resource with its resolved inputs. Provides the globals SST's CLI injects into `sst.config.ts`
 * (`aws`, `$util`, `$interpolate`, `$app`, `$dev`), realistic computed attributes (ARNs, ALB DNS
 * names, RDS addresses and managed secrets, launch-template versions, object ETags) and the data
 * calls the stacks make (caller identity, region, partition, availability zones).
 * See ../shared/reference/sst-offline.md for the traps this avoids.
 */
import * as pulumi from "@pulumi/pulumi";

export const ACCOUNT = "123456789012";
export const REGION = "eu-west-1";

export interface BuiltResource {
  /** Pulumi type token, e.g. `aws:kinesis/stream:Stream`. */
  readonly type: string;
  /** Logical name. */
  readonly name: string;
  /** Resolved inputs, as the provider would receive them. */
  // biome-ignore lint/suspicious/noExplicitAny: resource inputs are untyped at this level
  readonly inputs: Record<string, any>;
}

// biome-ignore lint/suspicious/noExplicitAny: computed attributes vary per resource type
function computed(type: string, name: string, inputs: Record<string, any>): Record<string, any> {
  const physical: string = inputs.name ?? inputs.identifier ?? inputs.bucket ?? name;
  const service = type.split(":")[1]?.split("/")[0] ?? "unknown";
  const base = { arn: `arn:aws:${service}:${REGION}:${ACCOUNT}:${name}/${physical}` };
  switch (type) {
    case "aws:kinesis/stream:Stream":
      return { arn: `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/${physical}` };
    case "aws:dynamodb/table:Table":
      return { arn: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${physical}` };
    case "aws:s3/bucket:Bucket":
      return { arn: `arn:aws:s3:::${physical}`, bucket: physical };
    case "aws:s3/bucketObjectv2:BucketObjectv2":
      return { etag: '"0123456789abcdef0123456789abcdef"' };
    case "aws:lb/loadBalancer:LoadBalancer":
      return {
        ...base,
        dnsName: `${physical}-1234567890.${REGION}.elb.amazonaws.com`,
        zoneId: "Z32O12XQLNTSW2",
      };
    case "aws:rds/instance:Instance":
      return {
        ...base,
        address: `${physical}.abcdefghijkl.${REGION}.rds.amazonaws.com`,
        endpoint: `${physical}.abcdefghijkl.${REGION}.rds.amazonaws.com:5432`,
        masterUserSecrets: [
          { secretArn: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:rds!db-${physical}-AbCdEf` },
        ],
      };
    case "aws:ec2/launchTemplate:LaunchTemplate":
      return { ...base, latestVersion: 1 };
    case "aws:secretsmanager/secret:Secret":
      return { arn: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${physical}-AbCdEf` };
    case "aws:sns/topic:Topic":
      return { arn: `arn:aws:sns:${REGION}:${ACCOUNT}:${physical}` };
    default:
      return base;
  }
}

/** What the stacks ask AWS for, answered as one account in `REGION` would. */
// biome-ignore lint/suspicious/noExplicitAny: invoke results are untyped at this level
function call(token: string): Record<string, any> {
  switch (token) {
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return { accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/ci`, userId: "AIDA", id: ACCOUNT };
    case "aws:index/getRegion:getRegion":
      return { name: REGION, region: REGION, id: REGION, endpoint: `ec2.${REGION}.amazonaws.com` };
    case "aws:index/getPartition:getPartition":
      return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
    case "aws:index/getAvailabilityZones:getAvailabilityZones":
      return {
        names: [`${REGION}a`, `${REGION}b`, `${REGION}c`],
        zoneIds: ["euw1-az1", "euw1-az2", "euw1-az3"],
      };
    default:
      throw new Error(`unmocked call ${token}`);
  }
}

/** Installs the globals SST injects. `aws` is the same @pulumi/aws version the platform pins. */
export async function installGlobals(stage: string): Promise<void> {
  const g = globalThis as Record<string, unknown>;
  g.aws = await import("@pulumi/aws");
  g.$util = pulumi;
  g.$interpolate = pulumi.interpolate;
  g.$jsonStringify = pulumi.jsonStringify;
  g.$app = { name: "furrow", stage };
  g.$dev = false;
}

/**
 * Runs `build` as a Pulumi program of `stage` under mocks and returns every resource it
 * registered, with resolved inputs, once all registrations (some happen inside `.apply`) are done.
 */
export async function buildUnderMocks<T>(
  stage: string,
  build: () => T | Promise<T>,
): Promise<{ resources: BuiltResource[]; result: T }> {
  await installGlobals(stage);
  const resources: BuiltResource[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        resources.push({ type: args.type, name: args.name, inputs: args.inputs });
        const state = { ...args.inputs, ...computed(args.type, args.name, args.inputs) };
        return { id: `${args.name}-id`, state };
      },
      call(args) {
        return call(args.token);
      },
    },
    "furrow",
    stage,
    false,
  );
  let result: T | undefined;
  await pulumi.runtime.runInPulumiStack(async () => {
    result = await build();
    return {};
  });
  const runtime = pulumi.runtime as unknown as { waitForRPCs(): Promise<void> };
  await runtime.waitForRPCs();
  return { resources, result: result as T };
}

/** The resources of one type, e.g. `aws:kinesis/stream:Stream`. */
export const ofType = (resources: readonly BuiltResource[], type: string): BuiltResource[] =>
  resources.filter((r) => r.type === type);
