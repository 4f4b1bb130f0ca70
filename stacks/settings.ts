/**
 * @module
 * What a deployment may choose besides the stage: which parts to deploy, the network to use when
 * the VPC part is off, sizes and capacities. `sst.config.ts` reads these once from `FURROW_*`
 * environment variables and hands the parsed, validated value to the stacks; nothing else reads
 * the environment. Every problem is a `StackSettingsError` naming the variable at fault.
 *
 * Parts mirror the seed's Terraform modules, each of which can be applied alone: a part that is
 * off creates nothing, and the parts that are on find its resources by their stage-derived names
 * (streams, lease tables, bucket) or by the settings below (VPC, Iglu URL).
 */

/** The deployable parts, in the direction the data flows. */
export const PARTS = [
  "network",
  "streams",
  "bucket",
  "collector",
  "iglu",
  "enrich",
  "s3-loader-raw",
  "s3-loader-enriched",
  "s3-loader-bad",
  "postgres-loader",
  "alarms",
] as const;
export type Part = (typeof PARTS)[number];

/** Provisioned capacity bounds of a KCL lease table, scaled by DynamoDB target tracking. */
export interface LeaseCapacity {
  readonly readMin: number;
  readonly readMax: number;
  readonly writeMin: number;
  readonly writeMax: number;
}

/** Instances of one app group, an EC2 autoscaling group. */
export interface GroupSize {
  readonly instanceType: string;
  readonly min: number;
  readonly max: number;
}

export interface StackSettings {
  readonly parts: ReadonlySet<Part>;
  /** An existing VPC, required when the `network` part is off. */
  readonly network?: {
    readonly vpcId: string;
    readonly cidr: string;
    readonly publicSubnetIds: readonly string[];
    readonly privateSubnetIds: readonly string[];
  };
  /** An Iglu Server to resolve schemas from when the `iglu` part is off (Iglu Central is always used). */
  readonly igluUrl?: string;
  /** A bucket name of the deployment's own, since S3 names are global (default `furrow-<stage>-pipeline`). */
  readonly bucket?: string;
  /** The `npm pack` tarball of furrow that every instance installs. */
  readonly packagePath: string;
  readonly shards: number;
  readonly leaseCapacity: LeaseCapacity;
  readonly groups: { readonly collector: GroupSize; readonly enrich: GroupSize; readonly loader: GroupSize };
  /** ACM certificate for an HTTPS listener on the collector's load balancer. */
  readonly certificateArn?: string;
  /** Where alarm notifications are emailed, besides the SNS topic. */
  readonly alarmEmail?: string;
  /** Alarm when a consumer is this far behind (GetRecords.IteratorAgeMilliseconds, maximum). */
  readonly iteratorAgeAlarmMs: number;
  /** Alarm when bad-1 receives more than this fraction of the records raw receives. */
  readonly badRowRateAlarm: number;
}

export class StackSettingsError extends Error {
  override readonly name = "StackSettingsError";
}

/** The variables `stackSettings` reads. */
export type StackEnv = Readonly<Record<string, string | undefined>>;

const list = (value: string | undefined): string[] =>
  (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");

function parts(env: StackEnv): Set<Part> {
  const known = new Set<string>(PARTS);
  const check = (variable: string, names: string[]): Part[] => {
    for (const name of names) {
      if (!known.has(name)) {
        throw new StackSettingsError(`${variable}: unknown part '${name}' (known: ${PARTS.join(", ")})`);
      }
    }
    return names as Part[];
  };
  const only = check("FURROW_PARTS", list(env.FURROW_PARTS));
  const skip = new Set(check("FURROW_SKIP", list(env.FURROW_SKIP)));
  return new Set((only.length > 0 ? only : PARTS).filter((p) => !skip.has(p)));
}

function integer(env: StackEnv, variable: string, fallback: number, min: number, max: number): number {
  const raw = env[variable];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new StackSettingsError(`${variable}: '${raw}' must be an integer from ${min} to ${max}`);
  }
  return value;
}

/** EC2 instance type names: family, generation and attributes, a dot, a size (`t4g.small`). */
const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;

function group(env: StackEnv, name: string, fallback: GroupSize): GroupSize {
  const upper = name.toUpperCase();
  const instanceType = env[`FURROW_${upper}_INSTANCE_TYPE`] || fallback.instanceType;
  if (!INSTANCE_TYPE.test(instanceType)) {
    throw new StackSettingsError(`FURROW_${upper}_INSTANCE_TYPE: '${instanceType}' is not an instance type`);
  }
  const min = integer(env, `FURROW_${upper}_MIN`, fallback.min, 1, 100);
  const max = integer(env, `FURROW_${upper}_MAX`, Math.max(fallback.max, min), 1, 100);
  if (max < min)
    throw new StackSettingsError(`FURROW_${upper}_MAX: ${max} is below FURROW_${upper}_MIN ${min}`);
  return { instanceType, min, max };
}

const CIDR = /^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/;

/** Reads and validates the `FURROW_*` variables. Throws `StackSettingsError` naming the culprit. */
export function stackSettings(env: StackEnv): StackSettings {
  const chosen = parts(env);

  let network: StackSettings["network"];
  if (!chosen.has("network")) {
    const vpcId = env.FURROW_VPC_ID ?? "";
    const cidr = env.FURROW_VPC_CIDR ?? "";
    const publicSubnetIds = list(env.FURROW_PUBLIC_SUBNET_IDS);
    const privateSubnetIds = list(env.FURROW_PRIVATE_SUBNET_IDS);
    if (!/^vpc-[0-9a-f]+$/.test(vpcId)) {
      throw new StackSettingsError(
        "FURROW_VPC_ID: the id of an existing VPC is needed when 'network' is off",
      );
    }
    if (!CIDR.test(cidr)) throw new StackSettingsError(`FURROW_VPC_CIDR: '${cidr}' is not a CIDR block`);
    for (const [variable, ids] of [
      ["FURROW_PUBLIC_SUBNET_IDS", publicSubnetIds],
      ["FURROW_PRIVATE_SUBNET_IDS", privateSubnetIds],
    ] as const) {
      // An ALB and an RDS subnet group each need subnets in at least two availability zones.
      if (ids.length < 2 || ids.some((id) => !/^subnet-[0-9a-f]+$/.test(id))) {
        throw new StackSettingsError(`${variable}: at least two subnet ids (subnet-…), comma-separated`);
      }
    }
    network = { vpcId, cidr, publicSubnetIds, privateSubnetIds };
  }

  const igluUrl = env.FURROW_IGLU_URL || undefined;
  if (igluUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(igluUrl)) {
    throw new StackSettingsError(`FURROW_IGLU_URL: '${igluUrl}' is not an http(s) URL`);
  }
  const certificateArn = env.FURROW_CERTIFICATE_ARN || undefined;
  if (certificateArn !== undefined && !/^arn:aws[a-z-]*:acm:/.test(certificateArn)) {
    throw new StackSettingsError(`FURROW_CERTIFICATE_ARN: '${certificateArn}' is not an ACM certificate ARN`);
  }
  const alarmEmail = env.FURROW_ALARM_EMAIL || undefined;
  if (alarmEmail !== undefined && !/^[^\s@]+@[^\s@]+$/.test(alarmEmail)) {
    throw new StackSettingsError(`FURROW_ALARM_EMAIL: '${alarmEmail}' is not an email address`);
  }

  const readMin = integer(env, "FURROW_KCL_READ_MIN_CAPACITY", 1, 1, 40000);
  const readMax = integer(env, "FURROW_KCL_READ_MAX_CAPACITY", Math.max(10, readMin), readMin, 40000);
  const writeMin = integer(env, "FURROW_KCL_WRITE_MIN_CAPACITY", 1, 1, 40000);
  const writeMax = integer(env, "FURROW_KCL_WRITE_MAX_CAPACITY", Math.max(10, writeMin), writeMin, 40000);

  const badRate = env.FURROW_BAD_ROW_RATE_ALARM ?? "";
  const badRowRateAlarm = badRate === "" ? 0.05 : Number(badRate);
  if (!(badRowRateAlarm > 0 && badRowRateAlarm <= 1)) {
    throw new StackSettingsError(`FURROW_BAD_ROW_RATE_ALARM: '${badRate}' must be a fraction in (0, 1]`);
  }

  return {
    parts: chosen,
    network,
    igluUrl,
    bucket: env.FURROW_BUCKET || undefined,
    packagePath: env.FURROW_PACKAGE || "furrow-0.1.0.tgz",
    shards: integer(env, "FURROW_SHARDS", 1, 1, 500),
    leaseCapacity: { readMin, readMax, writeMin, writeMax },
    groups: {
      collector: group(env, "collector", { instanceType: "t4g.small", min: 1, max: 2 }),
      enrich: group(env, "enrich", { instanceType: "t4g.medium", min: 1, max: 2 }),
      loader: group(env, "loader", { instanceType: "t4g.small", min: 1, max: 1 }),
    },
    certificateArn,
    alarmEmail,
    iteratorAgeAlarmMs: integer(env, "FURROW_ITERATOR_AGE_ALARM_MS", 300_000, 1000, 604_800_000),
    badRowRateAlarm,
  };
}
