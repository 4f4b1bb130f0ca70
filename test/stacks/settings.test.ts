/**
 * @module
 * The deployment settings `sst.config.ts` reads from `FURROW_*` variables: defaults, part toggles,
 * the network required when the VPC part is off, and one-line errors naming the variable.
 */
import { describe, expect, test } from "bun:test";
import { PARTS, stackSettings } from "../../stacks/settings";

const NETWORK = {
  FURROW_VPC_ID: "vpc-0abc",
  FURROW_VPC_CIDR: "172.31.0.0/16",
  FURROW_PUBLIC_SUBNET_IDS: "subnet-01, subnet-02",
  FURROW_PRIVATE_SUBNET_IDS: "subnet-03,subnet-04",
};

describe("stackSettings", () => {
  test("defaults deploy every part with small sizes", () => {
    const s = stackSettings({});
    expect([...s.parts]).toEqual([...PARTS]);
    expect(s.network).toBeUndefined();
    expect(s.shards).toBe(1);
    expect(s.leaseCapacity).toEqual({ readMin: 1, readMax: 10, writeMin: 1, writeMax: 10 });
    expect(s.groups.collector).toEqual({ instanceType: "t4g.small", min: 1, max: 2 });
    expect(s.packagePath).toBe("furrow-0.1.0.tgz");
    expect(s.iteratorAgeAlarmMs).toBe(300_000);
    expect(s.badRowRateAlarm).toBe(0.05);
  });

  test("FURROW_PARTS picks parts and FURROW_SKIP removes them", () => {
    expect([...stackSettings({ FURROW_PARTS: "streams, bucket", ...NETWORK }).parts]).toEqual([
      "streams",
      "bucket",
    ]);
    const skipped = stackSettings({ FURROW_SKIP: "alarms,postgres-loader" }).parts;
    expect(skipped.has("alarms")).toBe(false);
    expect(skipped.has("postgres-loader")).toBe(false);
    expect(skipped.size).toBe(PARTS.length - 2);
  });

  test("an unknown part is named", () => {
    expect(() => stackSettings({ FURROW_SKIP: "enrichh" })).toThrow("FURROW_SKIP: unknown part 'enrichh'");
    expect(() => stackSettings({ FURROW_PARTS: "vpc" })).toThrow("FURROW_PARTS: unknown part 'vpc'");
  });

  test("without the network part an existing VPC with two subnets of each kind is required", () => {
    expect(() => stackSettings({ FURROW_SKIP: "network" })).toThrow(/^FURROW_VPC_ID/);
    expect(() =>
      stackSettings({ FURROW_SKIP: "network", ...NETWORK, FURROW_PRIVATE_SUBNET_IDS: "subnet-03" }),
    ).toThrow(/^FURROW_PRIVATE_SUBNET_IDS: at least two/);
    expect(() => stackSettings({ FURROW_SKIP: "network", ...NETWORK, FURROW_VPC_CIDR: "10.0.0.0" })).toThrow(
      /^FURROW_VPC_CIDR/,
    );
    expect(stackSettings({ FURROW_SKIP: "network", ...NETWORK }).network).toEqual({
      vpcId: "vpc-0abc",
      cidr: "172.31.0.0/16",
      publicSubnetIds: ["subnet-01", "subnet-02"],
      privateSubnetIds: ["subnet-03", "subnet-04"],
    });
  });

  test("capacities, sizes and thresholds are validated", () => {
    const s = stackSettings({
      FURROW_KCL_WRITE_MAX_CAPACITY: "40",
      FURROW_ENRICH_MIN: "3",
      FURROW_SHARDS: "4",
    });
    expect(s.leaseCapacity.writeMax).toBe(40);
    expect(s.groups.enrich).toEqual({ instanceType: "t4g.medium", min: 3, max: 3 });
    expect(s.shards).toBe(4);
    expect(() => stackSettings({ FURROW_KCL_WRITE_MAX_CAPACITY: "0" })).toThrow(
      /^FURROW_KCL_WRITE_MAX_CAPACITY/,
    );
    expect(() =>
      stackSettings({ FURROW_KCL_READ_MIN_CAPACITY: "5", FURROW_KCL_READ_MAX_CAPACITY: "2" }),
    ).toThrow(/^FURROW_KCL_READ_MAX_CAPACITY: '2' must be an integer from 5/);
    expect(() => stackSettings({ FURROW_COLLECTOR_MIN: "3", FURROW_COLLECTOR_MAX: "2" })).toThrow(
      /^FURROW_COLLECTOR_MAX/,
    );
    expect(() => stackSettings({ FURROW_LOADER_INSTANCE_TYPE: "big" })).toThrow(
      /^FURROW_LOADER_INSTANCE_TYPE/,
    );
    expect(() => stackSettings({ FURROW_SHARDS: "1.5" })).toThrow(/^FURROW_SHARDS/);
    expect(() => stackSettings({ FURROW_BAD_ROW_RATE_ALARM: "2" })).toThrow(/^FURROW_BAD_ROW_RATE_ALARM/);
    expect(() => stackSettings({ FURROW_IGLU_URL: "iglu.example.com" })).toThrow(/^FURROW_IGLU_URL/);
    expect(() => stackSettings({ FURROW_CERTIFICATE_ARN: "cert" })).toThrow(/^FURROW_CERTIFICATE_ARN/);
    expect(() => stackSettings({ FURROW_ALARM_EMAIL: "ops" })).toThrow(/^FURROW_ALARM_EMAIL/);
  });
});
