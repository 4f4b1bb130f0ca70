/** @module Tests of the adapter registry and the bad row of a failed adapter. */
import { describe, expect, test } from "bun:test";
import { testResolver } from "../../../../test/support/enrich-test-resolver.ts";
import { badRowJson } from "../../badrows/bad-row.ts";
import { adapterPayload, nvps, TEST_PROCESSOR } from "../test-records.test-support.ts";
import { ADAPTERS, AdapterRegistry, isTrackerProtocol } from "./registry.ts";

const context = { resolver: testResolver(), maxJsonDepth: 50 };
const etl = new Date(1718000100000);
const registry = new AdapterRegistry();
const run = async (payload: ReturnType<typeof adapterPayload>) =>
  registry.toRawEvents(payload, context, TEST_PROCESSOR, etl);

describe("AdapterRegistry", () => {
  test("holds tp1, tp2, r/tp2, the Iglu webhook and six vendor webhooks", () => {
    expect(ADAPTERS.map((a) => `${a.vendor}/${a.version}`).sort()).toEqual([
      "com.mailchimp/v1",
      "com.mailgun/v1",
      "com.pagerduty/v1",
      "com.pingdom/v1",
      "com.sendgrid/v3",
      "com.snowplowanalytics.iglu/v1",
      "com.snowplowanalytics.snowplow/tp1",
      "com.snowplowanalytics.snowplow/tp2",
      "com.statusgator/v1",
      "r/tp2",
    ]);
    expect(registry.get("com.mailgun", "v1")?.vendor).toBe("com.mailgun");
    expect(registry.get("com.mailgun", "v2")).toBeUndefined();
  });

  test("an unknown vendor/version is an adapter_failures row carrying the payload", async () => {
    const r = await run(adapterPayload({ vendor: "com.acme", version: "v9", querystring: nvps({ a: "1" }) }));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const { schema, data } = badRowJson(r.error);
    expect(schema).toBe("iglu:com.snowplowanalytics.snowplow.badrows/adapter_failures/jsonschema/1-0-0");
    expect(data["failure"]).toEqual({
      timestamp: "2024-06-10T06:15:00Z",
      vendor: "com.acme",
      version: "v9",
      messages: [
        {
          field: "vendor/version",
          value: "com.acme/v9",
          expectation: "vendor/version combination is not supported",
        },
      ],
    });
    expect((data["payload"] as { querystring: unknown }).querystring).toEqual([{ name: "a", value: "1" }]);
  });

  test("tp2 and r/tp2 failures are tracker_protocol_violations, the others adapter_failures", async () => {
    expect(isTrackerProtocol("com.snowplowanalytics.snowplow", "tp2")).toBe(true);
    expect(isTrackerProtocol("r", "tp2")).toBe(true);
    expect(isTrackerProtocol("com.snowplowanalytics.snowplow", "tp1")).toBe(false);
    const tp2 = await run(adapterPayload({ version: "tp2" }));
    expect(!tp2.ok && tp2.error.kind).toBe("tracker_protocol_violations");
    const redirect = await run(adapterPayload({ vendor: "r", version: "tp2" }));
    expect(!redirect.ok && redirect.error.kind).toBe("tracker_protocol_violations");
    const tp1 = await run(adapterPayload());
    expect(!tp1.ok && tp1.error.kind).toBe("adapter_failures");
    const iglu = await run(adapterPayload({ vendor: "com.snowplowanalytics.iglu", version: "v1" }));
    expect(!iglu.ok && iglu.error.kind).toBe("adapter_failures");
  });
});
