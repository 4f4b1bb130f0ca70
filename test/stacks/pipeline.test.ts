/**
 * @module
 * The whole stage built offline under Pulumi's mocks: which resources exist, their stage-derived
 * names, which app reads and writes which stream (from the IAM policies and from the commands the
 * user data runs), least privilege, alarms, lease-table autoscaling, parts turned off or deployed
 * alone, and two stages side by side. Expectations are written out here, not derived from the
 * topology, so a change to the topology that rewires an app fails these tests.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { furrowTopology } from "../../src/core/topology";
import { furrowPipeline } from "../../stacks/pipeline";
import { type StackEnv, stackSettings } from "../../stacks/settings";
import { ACCOUNT, type BuiltResource, buildUnderMocks, ofType, REGION } from "./pulumi-mocks";

const EXISTING_NETWORK = {
  FURROW_VPC_ID: "vpc-0abc",
  FURROW_VPC_CIDR: "172.31.0.0/16",
  FURROW_PUBLIC_SUBNET_IDS: "subnet-01,subnet-02",
  FURROW_PRIVATE_SUBNET_IDS: "subnet-03,subnet-04",
};

async function build(stage: string, env: StackEnv = {}): Promise<BuiltResource[]> {
  const settings = stackSettings(env);
  const { resources } = await buildUnderMocks(stage, () =>
    furrowPipeline(furrowTopology({ stage }), settings, {
      igluSuperApiKey: "6d0f2a4e-0000-4000-8000-000000000001",
    }),
  );
  return resources;
}

/** The physical name AWS will know a resource by, when it has one. */
const physical = (r: BuiltResource): string | undefined =>
  r.inputs.name ?? r.inputs.identifier ?? (r.type === "aws:s3/bucket:Bucket" ? r.inputs.bucket : undefined);

interface Statement {
  Sid: string;
  Effect: string;
  Action: string[];
  Resource: string[];
  Condition?: unknown;
}

/** The role policy of the app group named `name`, parsed. */
function policyOf(resources: readonly BuiltResource[], name: string): Statement[] {
  const policy = ofType(resources, "aws:iam/rolePolicy:RolePolicy").find((p) => p.inputs.name === name);
  if (!policy) throw new Error(`no role policy ${name}`);
  return JSON.parse(policy.inputs.policy).Statement;
}

const streamOf = (arn: string): string => arn.replace(/^arn:aws:kinesis:[^:]+:\d+:stream\//, "");

/** Streams a policy lets its role read and write, by stream name. */
function streamAccess(statements: readonly Statement[]): { reads: string[]; writes: string[] } {
  const on = (action: string) =>
    statements
      .filter((s) => s.Action.includes(action))
      .flatMap((s) => s.Resource.map(streamOf))
      .sort();
  return { reads: on("kinesis:GetRecords"), writes: on("kinesis:PutRecords") };
}

/** The boot script of the app group named `name`, and the `furrow` command line its unit runs. */
function bootOf(
  resources: readonly BuiltResource[],
  name: string,
): { script: string; bin: string; args: string[] } {
  const template = ofType(resources, "aws:ec2/launchTemplate:LaunchTemplate").find(
    (t) => t.inputs.name === name,
  );
  if (!template) throw new Error(`no launch template ${name}`);
  const script = Buffer.from(template.inputs.userData, "base64").toString("utf8");
  const exec = script.split("\n").find((l) => l.startsWith("ExecStart="));
  if (!exec) throw new Error(`${name}: no ExecStart`);
  const [bin = "", ...args] = exec.slice("ExecStart=".length).split(" ");
  return { script, bin, args };
}

/** The value after `flag` in a command line. */
const flag = (args: readonly string[], name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

/** Who reads and writes what in the seed (Snowplow's AWS quick start), written out by hand. */
const WIRING: Record<string, { reads: string[]; writes: string[] }> = {
  collector: { reads: [], writes: ["bad-1", "raw"] },
  enrich: { reads: ["raw"], writes: ["bad-1", "enriched"] },
  "s3-loader-raw": { reads: ["raw"], writes: ["bad-1"] },
  "s3-loader-enriched": { reads: ["enriched"], writes: ["bad-1"] },
  "s3-loader-bad": { reads: ["bad-1"], writes: ["bad-2"] },
  "postgres-loader-enriched": { reads: ["enriched"], writes: ["bad-1"] },
  "postgres-loader-bad": { reads: ["bad-1"], writes: ["bad-2"] },
};
const stream = (stage: string, role: string) => `furrow-${stage}-${role}-stream`;

/**
 * The CLI's command lookup. Imported by a computed path so that `tsc -p stacks`, whose options
 * match SST's platform sources, does not type-check the whole CLI (`tsc -p .` does).
 */
const CLI_MAIN = "../../src/cli/main.ts";
const { findCommand } = (await import(CLI_MAIN)) as {
  findCommand(argv: readonly string[]): { command: { path: string[]; help: string } } | null;
};

describe("a whole stage", () => {
  let resources: BuiltResource[];
  beforeAll(async () => {
    resources = await build("prod");
  });

  test("has every resource of the seed, named after the stage", () => {
    expect(
      ofType(resources, "aws:kinesis/stream:Stream")
        .map((s) => s.inputs.name)
        .sort(),
    ).toEqual(["bad-1", "bad-2", "enriched", "raw"].map((r) => stream("prod", r)));
    for (const s of ofType(resources, "aws:kinesis/stream:Stream")) {
      expect(s.inputs.shardCount).toBe(1);
      expect(s.inputs.encryptionType).toBe("KMS");
    }
    expect(ofType(resources, "aws:ec2/vpc:Vpc")).toHaveLength(1);
    expect(ofType(resources, "aws:ec2/subnet:Subnet")).toHaveLength(4);
    expect(ofType(resources, "aws:s3/bucket:Bucket").map(physical)).toEqual(["furrow-prod-pipeline"]);
    expect(
      ofType(resources, "aws:autoscaling/group:Group")
        .map((g) => g.inputs.name)
        .sort(),
    ).toEqual(
      [
        "collector",
        "enrich",
        "iglu",
        "postgres-loader-bad",
        "postgres-loader-enriched",
        "s3-loader-bad",
        "s3-loader-enriched",
        "s3-loader-raw",
      ].map((a) => `furrow-prod-${a}`),
    );
    expect(
      ofType(resources, "aws:lb/loadBalancer:LoadBalancer")
        .map((l) => l.inputs.name)
        .sort(),
    ).toEqual(["furrow-prod-collector-lb", "furrow-prod-iglu-lb"]);
    expect(
      ofType(resources, "aws:rds/instance:Instance")
        .map((d) => d.inputs.identifier)
        .sort(),
    ).toEqual(["furrow-prod-iglu", "furrow-prod-pipeline"]);
    expect(
      ofType(resources, "aws:dynamodb/table:Table")
        .map((t) => t.inputs.name)
        .sort(),
    ).toEqual(
      [
        "enrich",
        "postgres-loader-bad",
        "postgres-loader-enriched",
        "s3-loader-bad",
        "s3-loader-enriched",
        "s3-loader-raw",
      ].map((a) => `furrow-prod-${a}`),
    );
    for (const r of resources) {
      const name = physical(r);
      if (name !== undefined && r.type !== "aws:s3/bucketObjectv2:BucketObjectv2")
        expect(name).toContain("prod");
    }
  });

  test("every app reads and writes exactly the streams of the seed, in its policy and its command", () => {
    for (const [app, expected] of Object.entries(WIRING)) {
      const name = `furrow-prod-${app}`;
      const access = streamAccess(policyOf(resources, name));
      expect({ app, ...access }).toEqual({
        app,
        reads: expected.reads.map((r) => stream("prod", r)),
        writes: expected.writes.map((r) => stream("prod", r)).sort(),
      });
      const { args } = bootOf(resources, name);
      const input =
        flag(args, "--input-stream") ??
        flag(args, "--stream") ??
        (args[0] === "collector" ? undefined : "none");
      expect({ app, input }).toEqual({ app, input: expected.reads.map((r) => stream("prod", r))[0] });
      const outputs = [
        flag(args, "--good"),
        flag(args, "--bad"),
        flag(args, "--good-stream"),
        flag(args, "--bad-stream"),
        flag(args, "--failures-stream"),
      ].filter((s): s is string => s !== undefined);
      expect({ app, outputs: outputs.sort() }).toEqual({
        app,
        outputs: expected.writes.map((r) => stream("prod", r)).sort(),
      });
      expect(flag(args, "--stage")).toBe("prod");
      expect(flag(args, "--region")).toBe(REGION);
      if (expected.reads.length > 0) expect(flag(args, "--app-name")).toBe(name);
    }
  });

  test("each app runs its own furrow command from the stage's release", () => {
    const commands = Object.fromEntries(
      ofType(resources, "aws:ec2/launchTemplate:LaunchTemplate").map((t) => {
        const { script, bin, args } = bootOf(resources, t.inputs.name);
        expect(script).toContain(
          "aws s3 cp --region eu-west-1 s3://furrow-prod-pipeline/releases/furrow.tgz",
        );
        expect(script).toStartWith("#!/bin/bash\nset -euo pipefail\n");
        expect(bin).toBe("/opt/furrow/node_modules/.bin/furrow");
        return [t.inputs.name, [args[0], flag(args, "--purpose")].filter((a) => a !== undefined).join(" ")];
      }),
    );
    expect(commands).toEqual({
      "furrow-prod-collector": "collector",
      "furrow-prod-iglu": "iglu-server",
      "furrow-prod-enrich": "enrich",
      "furrow-prod-s3-loader-raw": "s3-loader raw",
      "furrow-prod-s3-loader-enriched": "s3-loader enriched",
      "furrow-prod-s3-loader-bad": "s3-loader bad",
      "furrow-prod-postgres-loader-enriched": "postgres-loader enriched",
      "furrow-prod-postgres-loader-bad": "postgres-loader bad",
    });
    for (const [name, host] of [
      ["furrow-prod-collector", "--interface"],
      ["furrow-prod-iglu", "--host"],
    ] as const) {
      // Behind a load balancer the app must listen on every interface, on the target group's port.
      expect(flag(bootOf(resources, name).args, host)).toBe("0.0.0.0");
      expect(flag(bootOf(resources, name).args, "--port")).toBe("8080");
    }
    expect(flag(bootOf(resources, "furrow-prod-collector").args, "--sink")).toBe("kinesis");
    // Enrich resolves schemas through Iglu Central and the stage's own Iglu Server.
    const enrich = bootOf(resources, "furrow-prod-enrich").script;
    expect(enrich).toContain('"uri": "http://iglucentral.com"');
    expect(enrich).toContain(
      '"uri": "http://furrow-prod-iglu-lb-1234567890.eu-west-1.elb.amazonaws.com/api"',
    );
    // The loaders write under their own prefix of the one bucket.
    for (const p of ["raw", "enriched", "bad"]) {
      expect(flag(bootOf(resources, `furrow-prod-s3-loader-${p}`).args, "--path")).toBe(
        `s3://furrow-prod-pipeline/${p}`,
      );
    }
    // Database credentials come from the RDS-managed secret at boot, never from the template.
    const loader = bootOf(resources, "furrow-prod-postgres-loader-enriched").script;
    expect(loader).toContain(
      "--secret-id 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-furrow-prod-pipeline-",
    );
    expect(loader).toContain(
      "@furrow-prod-pipeline.abcdefghijkl.eu-west-1.rds.amazonaws.com:5432/furrow?sslmode=require",
    );
    expect(loader).not.toMatch(/password=[^$]/i);
  });

  test("every command line is one the furrow CLI knows, with flags its help lists", () => {
    for (const t of ofType(resources, "aws:ec2/launchTemplate:LaunchTemplate")) {
      const { args } = bootOf(resources, t.inputs.name);
      const found = findCommand(args);
      expect({ app: t.inputs.name, command: found?.command.path }).toEqual({
        app: t.inputs.name,
        command: [args[0]],
      });
      for (const arg of args.filter((a) => a.startsWith("--"))) {
        expect({ app: t.inputs.name, flag: arg, known: found?.command.help.includes(`${arg} `) }).toEqual({
          app: t.inputs.name,
          flag: arg,
          known: true,
        });
      }
    }
  });

  test("policies are least privilege: exact actions on the stage's own resources, no wildcards", () => {
    const policies = ofType(resources, "aws:iam/rolePolicy:RolePolicy");
    expect(policies).toHaveLength(8);
    for (const p of policies) {
      const statements: Statement[] = JSON.parse(p.inputs.policy).Statement;
      for (const s of statements) {
        expect(s.Effect).toBe("Allow");
        for (const action of s.Action) expect(action).toMatch(/^[a-z0-9]+:[A-Za-z]+$/);
        for (const resource of s.Resource) {
          expect(resource).not.toBe("*");
          expect(resource).toMatch(/^arn:aws:/);
          expect(resource).toContain("furrow-prod-");
          // A wildcard only as a key suffix under one prefix of the bucket.
          if (resource.includes("*"))
            expect(resource).toMatch(/^arn:aws:s3:::furrow-prod-pipeline\/[a-z]+\/\*$/);
        }
      }
      const app = p.inputs.name.replace("furrow-prod-", "");
      const arns = statements.flatMap((s) => s.Resource);
      // Only its own lease table.
      const tables = arns.filter((a) => a.includes(":dynamodb:"));
      expect(tables).toEqual(
        app === "collector" || app === "iglu"
          ? []
          : [`arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${p.inputs.name}`],
      );
      // Only its own prefix of the bucket, and the release.
      const objects = statements.filter((s) => s.Action.includes("s3:PutObject")).flatMap((s) => s.Resource);
      expect(objects).toEqual(
        app.startsWith("s3-loader-")
          ? [`arn:aws:s3:::furrow-prod-pipeline/${app.replace("s3-loader-", "")}/*`]
          : [],
      );
      const reads = statements.filter((s) => s.Action.includes("s3:GetObject")).flatMap((s) => s.Resource);
      expect(reads).toEqual(["arn:aws:s3:::furrow-prod-pipeline/releases/*"]);
      // Secrets: the Iglu Server's database and key; the Postgres loaders' database; nothing else.
      const secrets = statements
        .filter((s) => s.Action.includes("secretsmanager:GetSecretValue"))
        .flatMap((s) => s.Resource)
        .map((a) => a.replace(/^arn:aws:secretsmanager:[^:]+:\d+:secret:/, ""));
      const expectedSecrets: Record<string, string[]> = {
        iglu: ["rds!db-furrow-prod-iglu-AbCdEf", "furrow-prod-iglu-super-api-key-AbCdEf"],
        "postgres-loader-enriched": ["rds!db-furrow-prod-pipeline-AbCdEf"],
        "postgres-loader-bad": ["rds!db-furrow-prod-pipeline-AbCdEf"],
      };
      expect({ app, secrets }).toEqual({ app, secrets: expectedSecrets[app] ?? [] });
      // No app may create or delete infrastructure.
      for (const action of statements.flatMap((s) => s.Action)) {
        expect(action).not.toMatch(/:(Create|Delete)(Stream|Table|Bucket)$|^iam:/);
      }
    }
    // Instances assume their role through EC2 only.
    for (const role of ofType(resources, "aws:iam/role:Role")) {
      expect(JSON.parse(role.inputs.assumeRolePolicy).Statement).toEqual([
        expect.objectContaining({ Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }),
      ]);
    }
  });

  test("databases are private and open only to their apps", () => {
    for (const db of ofType(resources, "aws:rds/instance:Instance")) {
      expect(db.inputs.publiclyAccessible).toBe(false);
      expect(db.inputs.storageEncrypted).toBe(true);
      expect(db.inputs.manageMasterUserPassword).toBe(true);
      expect(db.inputs.password).toBeUndefined();
      expect(db.inputs.engine).toBe("postgres");
    }
    const rules = ofType(resources, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
    expect(rules.map((r) => r.name).sort()).toEqual([
      "IgluDbFromIglu",
      "PipelineDbFromPostgresLoaderBad",
      "PipelineDbFromPostgresLoaderEnriched",
    ]);
    for (const r of rules) {
      expect(r.inputs.fromPort).toBe(5432);
      expect(r.inputs.cidrIpv4).toBeUndefined();
      expect(r.inputs.referencedSecurityGroupId).toEndWith("SecurityGroup-id");
    }
    // App instances take traffic only from their load balancer; the workers take none.
    for (const sg of ofType(resources, "aws:ec2/securityGroup:SecurityGroup")) {
      for (const rule of sg.inputs.ingress ?? []) {
        if (sg.inputs.name.endsWith("-lb")) expect([80, 443]).toContain(rule.fromPort);
        else expect(rule.securityGroups).toEqual([expect.stringMatching(/LbSecurityGroup-id$/)]);
      }
    }
  });

  test("load balancers forward to the app's port and check its health route", () => {
    const groups = Object.fromEntries(
      ofType(resources, "aws:lb/targetGroup:TargetGroup").map((t) => [t.name, t.inputs]),
    );
    expect(groups.CollectorTargets).toMatchObject({
      port: 8080,
      protocol: "HTTP",
      healthCheck: { path: "/health" },
    });
    expect(groups.IgluTargets).toMatchObject({
      port: 8080,
      protocol: "HTTP",
      healthCheck: { path: "/api/meta/health" },
    });
    const listeners = ofType(resources, "aws:lb/listener:Listener");
    // No certificate given: HTTP only.
    expect(listeners.map((l) => [l.name, l.inputs.port, l.inputs.protocol]).sort()).toEqual([
      ["CollectorHttp", 80, "HTTP"],
      ["IgluHttp", 80, "HTTP"],
    ]);
    for (const g of ofType(resources, "aws:autoscaling/group:Group")) {
      const fronted = g.name === "CollectorGroup" || g.name === "IgluGroup";
      expect({ group: g.name, check: g.inputs.healthCheckType }).toEqual({
        group: g.name,
        check: fronted ? "ELB" : "EC2",
      });
      expect(g.inputs.vpcZoneIdentifiers).toEqual(["PublicSubnet0-id", "PublicSubnet1-id"]);
    }
    const scaling = ofType(resources, "aws:autoscaling/policy:Policy");
    expect(scaling.map((p) => p.inputs.autoscalingGroupName).sort()).toEqual(
      ofType(resources, "aws:autoscaling/group:Group")
        .map((g) => g.inputs.name)
        .sort(),
    );
    for (const p of scaling) {
      expect(p.inputs.targetTrackingConfiguration.predefinedMetricSpecification.predefinedMetricType).toBe(
        "ASGAverageCPUUtilization",
      );
    }
    for (const t of ofType(resources, "aws:ec2/launchTemplate:LaunchTemplate")) {
      expect(t.inputs.metadataOptions.httpTokens).toBe("required");
      expect(t.inputs.imageId).toStartWith("resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-");
    }
  });

  test("lease tables are KCL's layout with autoscaled capacity", () => {
    for (const t of ofType(resources, "aws:dynamodb/table:Table")) {
      expect(t.inputs.hashKey).toBe("leaseKey");
      expect(t.inputs.attributes).toEqual([{ name: "leaseKey", type: "S" }]);
      expect(t.inputs.billingMode).toBe("PROVISIONED");
    }
    const targets = ofType(resources, "aws:appautoscaling/target:Target");
    expect(targets).toHaveLength(12);
    const writes = targets.filter((t) => t.inputs.scalableDimension === "dynamodb:table:WriteCapacityUnits");
    expect(writes.map((t) => t.inputs.resourceId).sort()).toContain("table/furrow-prod-enrich");
    for (const t of writes) expect([t.inputs.minCapacity, t.inputs.maxCapacity]).toEqual([1, 10]);
    const policies = ofType(resources, "aws:appautoscaling/policy:Policy");
    expect(policies).toHaveLength(12);
    for (const p of policies) expect(p.inputs.policyType).toBe("TargetTrackingScaling");
  });

  test("alarms watch iterator age on every consumed stream and the bad-row rate", () => {
    const alarms = ofType(resources, "aws:cloudwatch/metricAlarm:MetricAlarm");
    const age = alarms.filter((a) => a.inputs.metricName === "GetRecords.IteratorAgeMilliseconds");
    expect(age.map((a) => a.inputs.dimensions.StreamName).sort()).toEqual(
      ["bad-1", "enriched", "raw"].map((r) => stream("prod", r)),
    );
    for (const a of age) {
      expect(a.inputs.threshold).toBe(300_000);
      expect(a.inputs.statistic).toBe("Maximum");
    }
    const rate = alarms.find((a) => a.inputs.name === "furrow-prod-bad-row-rate");
    expect(rate?.inputs.threshold).toBe(0.05);
    const queries = rate?.inputs.metricQueries as {
      id: string;
      expression?: string;
      metric?: { dimensions: unknown };
    }[];
    expect(queries.find((q) => q.id === "bad")?.metric?.dimensions).toEqual({
      StreamName: stream("prod", "bad-1"),
    });
    expect(queries.find((q) => q.id === "raw")?.metric?.dimensions).toEqual({
      StreamName: stream("prod", "raw"),
    });
    expect(queries.find((q) => q.id === "rate")?.expression).toBe("IF(raw > 0, bad / raw, 0)");
    const topic = `arn:aws:sns:${REGION}:${ACCOUNT}:furrow-prod-alarms`;
    for (const a of alarms) expect(a.inputs.alarmActions).toEqual([topic]);
  });
});

describe("parts", () => {
  test("turning a part off removes its resources and nothing else's", async () => {
    const all = await build("ci");
    const without = await build("ci", { FURROW_SKIP: "enrich,alarms" });
    const names = (rs: BuiltResource[]) => new Set(rs.map((r) => `${r.type} ${r.name}`));
    const removed = [...names(all)].filter((n) => !names(without).has(n));
    expect(
      removed.every((n) => /(Enrich|Leases-enrich|IteratorAge|BadRowRate|Bad2Records|Alarms)/.test(n)),
    ).toBe(true);
    expect(removed.filter((n) => n.includes("autoscaling/group"))).toEqual([
      "aws:autoscaling/group:Group EnrichGroup",
    ]);
    expect(removed).toContain("aws:dynamodb/table:Table Leases-enrich");
    expect(removed).toContain("aws:iam/role:Role EnrichRole");
    expect(removed).toContain("aws:sns/topic:Topic Alarms");
    expect([...names(without)].filter((n) => !names(all).has(n))).toEqual([]);
  });

  test("a certificate adds an HTTPS listener to the collector only", async () => {
    const arn = "arn:aws:acm:eu-west-1:123456789012:certificate/0000";
    const withTls = await build("ci", {
      FURROW_CERTIFICATE_ARN: arn,
      FURROW_PARTS: "collector",
      ...EXISTING_NETWORK,
    });
    const https = ofType(withTls, "aws:lb/listener:Listener").filter((l) => l.inputs.protocol === "HTTPS");
    expect(https.map((l) => [l.name, l.inputs.port, l.inputs.certificateArn])).toEqual([
      ["CollectorHttps", 443, arn],
    ]);
  });

  test("one part deploys alone into an existing VPC, addressing the others by their stage names", async () => {
    const alone = await build("ci", { FURROW_PARTS: "collector", ...EXISTING_NETWORK });
    expect([...new Set(alone.map((r) => r.type))].sort()).toEqual([
      "aws:autoscaling/group:Group",
      "aws:autoscaling/policy:Policy",
      "aws:ec2/launchTemplate:LaunchTemplate",
      "aws:ec2/securityGroup:SecurityGroup",
      "aws:iam/instanceProfile:InstanceProfile",
      "aws:iam/role:Role",
      "aws:iam/rolePolicy:RolePolicy",
      "aws:lb/listener:Listener",
      "aws:lb/loadBalancer:LoadBalancer",
      "aws:lb/targetGroup:TargetGroup",
      "aws:s3/bucketObjectv2:BucketObjectv2",
      "pulumi:pulumi:Stack",
    ]);
    const group = ofType(alone, "aws:autoscaling/group:Group")[0];
    expect(group?.inputs.vpcZoneIdentifiers).toEqual(["subnet-01", "subnet-02"]);
    expect(ofType(alone, "aws:lb/loadBalancer:LoadBalancer")[0]?.inputs.subnets).toEqual([
      "subnet-01",
      "subnet-02",
    ]);
    expect(ofType(alone, "aws:s3/bucketObjectv2:BucketObjectv2")[0]?.inputs.bucket).toBe(
      "furrow-ci-pipeline",
    );
    expect(streamAccess(policyOf(alone, "furrow-ci-collector")).writes).toEqual([
      stream("ci", "bad-1"),
      stream("ci", "raw"),
    ]);
  });

  test("storage alone has no instances; enrich without Iglu resolves through the Iglu it is given", async () => {
    const storage = await build("ci", { FURROW_PARTS: "streams,bucket", ...EXISTING_NETWORK });
    expect([...new Set(storage.map((r) => r.type))].sort()).toEqual([
      "aws:kinesis/stream:Stream",
      "aws:s3/bucket:Bucket",
      "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      "pulumi:pulumi:Stack",
    ]);
    const enrich = await build("ci", {
      FURROW_SKIP: "iglu",
      FURROW_IGLU_URL: "https://iglu.example.com/api",
      FURROW_KCL_WRITE_MAX_CAPACITY: "50",
    });
    expect(ofType(enrich, "aws:rds/instance:Instance").map((d) => d.inputs.identifier)).toEqual([
      "furrow-ci-pipeline",
    ]);
    expect(bootOf(enrich, "furrow-ci-enrich").script).toContain('"uri": "https://iglu.example.com/api"');
    const writes = ofType(enrich, "aws:appautoscaling/target:Target").filter(
      (t) => t.inputs.scalableDimension === "dynamodb:table:WriteCapacityUnits",
    );
    for (const t of writes) expect(t.inputs.maxCapacity).toBe(50);
  });

  test("an app part without a network is refused with a clear message", () => {
    expect(() => stackSettings({ FURROW_SKIP: "network" })).toThrow(/FURROW_VPC_ID/);
  });
});

describe("stages", () => {
  test("two stages share no physical name", async () => {
    const a = await build("alpha");
    const b = await build("beta");
    const names = (rs: BuiltResource[]) =>
      rs.filter((r) => r.type !== "aws:s3/bucketObjectv2:BucketObjectv2").flatMap((r) => physical(r) ?? []);
    const first = new Set(names(a));
    expect(first.size).toBeGreaterThan(35);
    expect(names(b).filter((n) => first.has(n))).toEqual([]);
    // Within a stage, a name of one type is used once.
    const seen = new Set<string>();
    for (const r of a) {
      const name = physical(r);
      if (name === undefined) continue;
      const key = `${r.type} ${name}`;
      expect(seen.has(key)).toBe(false);
      seen.add(key);
    }
  });

  test("long stage names still give valid, distinct load-balancer names", async () => {
    const long = "a-very-long-stage-name-1";
    const other = "a-very-long-stage-name-2";
    const names = async (stage: string) =>
      ofType(await build(stage), "aws:lb/loadBalancer:LoadBalancer").map((l) => l.inputs.name as string);
    const first = await names(long);
    const second = await names(other);
    for (const n of [...first, ...second]) {
      expect(n.length).toBeLessThanOrEqual(32);
      expect(n).toMatch(/^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/);
    }
    expect(first.filter((n) => second.includes(n))).toEqual([]);
  });
});
