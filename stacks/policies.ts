/**
 * @module
 * Least-privilege IAM policy documents per app, derived from the topology as plain data: an app may
 * read the streams it reads (`AppSpec.reads`), write the streams it writes (`AppSpec.writes`), use
 * its own KCL lease table, write under its own bucket prefix, fetch the release under `releases/`,
 * and read the secrets it is given. ARNs are built from the stage-derived names, so a part deployed
 * alone still gets exact ARNs for resources another deployment of the stage created.
 *
 * Actions are the ones the adapters call (src/adapters/kinesis, dynamodb, s3): GetRecords,
 * GetShardIterator, ListShards and DescribeStreamSummary to consume; PutRecord(s) to produce;
 * DescribeTable and item reads/writes on the lease table (the stack creates it, so no CreateTable);
 * HeadBucket (s3:ListBucket) and PutObject for the S3 loaders. No statement uses a wildcard action or
 * a `*` resource.
 */
import type { AppId, Topology } from "../src/core/topology";

/** The account an ARN belongs to. */
export interface AccountScope {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
}

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow";
  readonly Action: readonly string[];
  readonly Resource: readonly string[];
}

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly PolicyStatement[];
}

/** The key under which every instance finds the furrow package it installs. */
export const RELEASE_PREFIX = "releases/";

export const streamArn = (scope: AccountScope, name: string): string =>
  `arn:${scope.partition}:kinesis:${scope.region}:${scope.accountId}:stream/${name}`;

export const tableArn = (scope: AccountScope, name: string): string =>
  `arn:${scope.partition}:dynamodb:${scope.region}:${scope.accountId}:table/${name}`;

export const bucketArn = (scope: AccountScope, bucket: string): string =>
  `arn:${scope.partition}:s3:::${bucket}`;

/** The statements `app` needs, plus read access to `secretArns` (database credentials, API keys). */
export function appPolicy(
  topology: Topology,
  app: AppId | "iglu-server",
  scope: AccountScope,
  secretArns: readonly string[] = [],
): PolicyDocument {
  const bucket = bucketArn(scope, topology.bucket.name);
  const statements: PolicyStatement[] = [
    {
      Sid: "FetchRelease",
      Effect: "Allow",
      Action: ["s3:GetObject"],
      Resource: [`${bucket}/${RELEASE_PREFIX}*`],
    },
  ];
  if (secretArns.length > 0) {
    statements.push({
      Sid: "ReadSecrets",
      Effect: "Allow",
      Action: ["secretsmanager:GetSecretValue"],
      Resource: [...secretArns],
    });
  }
  if (app === "iglu-server") return { Version: "2012-10-17", Statement: statements };

  const spec = topology.apps[app];
  if (spec.reads.length > 0) {
    statements.push({
      Sid: "ReadStreams",
      Effect: "Allow",
      Action: [
        "kinesis:DescribeStreamSummary",
        "kinesis:ListShards",
        "kinesis:GetShardIterator",
        "kinesis:GetRecords",
      ],
      Resource: spec.reads.map((r) => streamArn(scope, topology.streams[r].name)),
    });
  }
  if (spec.writes.length > 0) {
    statements.push({
      Sid: "WriteStreams",
      Effect: "Allow",
      Action: ["kinesis:DescribeStreamSummary", "kinesis:PutRecord", "kinesis:PutRecords"],
      Resource: spec.writes.map((r) => streamArn(scope, topology.streams[r].name)),
    });
  }
  if (spec.input.kind === "stream") {
    statements.push({
      Sid: "LeaseTable",
      Effect: "Allow",
      Action: [
        "dynamodb:DescribeTable",
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:Scan",
      ],
      Resource: [tableArn(scope, spec.input.leaseTable)],
    });
  }
  if (spec.output.kind === "s3") {
    statements.push(
      {
        Sid: "FindBucket",
        Effect: "Allow",
        // The loader checks its bucket with HeadBucket at start, which S3 authorises by
        // s3:ListBucket. A prefix condition would refuse it: HeadBucket carries no prefix.
        Action: ["s3:ListBucket"],
        Resource: [bucket],
      },
      {
        Sid: "WriteObjects",
        Effect: "Allow",
        Action: ["s3:PutObject"],
        Resource: [`${bucket}/${spec.output.prefix}*`],
      },
    );
  }
  return { Version: "2012-10-17", Statement: statements };
}

/** The trust policy that lets EC2 instances assume an app's role. */
export const EC2_ASSUME_ROLE = {
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "Ec2AssumesRole",
      Effect: "Allow",
      Principal: { Service: "ec2.amazonaws.com" },
      Action: "sts:AssumeRole",
    },
  ],
} as const;
