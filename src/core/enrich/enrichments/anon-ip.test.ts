/** @module Tests for the anon_ip enrichment, on Enrich's own cases (AnonIpEnrichmentSpec) and properties. */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { build, contextsOf, enrichmentInput } from "../../../../test/enrich-enrichments/support.ts";
import type { SelfDescribingJson } from "../../event/enriched-event.ts";
import { anonIpEnrichment, anonymizeIp, parseAnonIpConfig } from "./anon-ip.ts";
import { parseInetAddress } from "./ip-address.ts";

const config = (parameters: Record<string, unknown>, version = "1-0-1"): SelfDescribingJson => ({
  schema: `iglu:com.snowplowanalytics.snowplow/anon_ip/jsonschema/${version}`,
  data: { name: "anon_ip", vendor: "com.snowplowanalytics.snowplow", enabled: true, parameters },
});

describe("anonymizeIp", () => {
  // [ip, octets, segments, expected], from Enrich's AnonIpEnrichmentSpec.
  const cases: [string, number, number, string][] = [
    ["0.23.0.20", 1, 1, "0.23.0.x"],
    ["168.192.102.4", 2, 2, "168.192.x.x"],
    ["54.242.102.43", 3, 3, "54.x.x.x"],
    ["94.15.213.171", 4, 4, "x.x.x.x"],
    ["777.2", 1, 1, "777.2"],
    ["777.2.23", 4, 4, "x.x.x"],
    ["999.123.777.2", 3, 3, "999.x.x.x"],
    ["999.aaa.bbb.c", 3, 3, "999.x.x.x"],
    ["hello;goodbye", 3, 3, "hello;goodbye"],
    [":::::::::::::::", 3, 3, "x:x:x:x:x:x:x:x"],
    ["::1", 3, 3, "0:0:0:0:0:x:x:x"],
    ["", 4, 4, "x"],
    ["4b0c:0:0:0:880c:99a8:4b0:4411", 1, 1, "4b0c:0:0:0:880c:99a8:4b0:x"],
    ["4b0c::880c:99a8:4b0:4411", 2, 2, "4b0c:0:0:0:880c:99a8:x:x"],
    ["2605:2700:0:3:0:0:4713:93e3", 3, 3, "2605:2700:0:3:0:x:x:x"],
    ["2605:2700:0:3::4713:93e3", 4, 4, "2605:2700:0:3:x:x:x:x"],
    ["2605:2700:0:3::4713:93e3", 4, 5, "2605:2700:0:x:x:x:x:x"],
    ["2605:2700:0:3::4713:93e3", 4, 6, "2605:2700:x:x:x:x:x:x"],
    ["2605:2700:0:3::4713:93e3", 4, 7, "2605:x:x:x:x:x:x:x"],
    ["2605:2700:0:3::4713:93e3", 4, 8, "x:x:x:x:x:x:x:x"],
    ["2605:2700::4713:93e3", 4, 8, "x:x:x:x:x:x:x:x"],
    ["2700::4713", 4, 8, "x:x:x:x:x:x:x:x"],
    ["2700:zzzz::gggg", 4, 6, "2700:zzzz:x:x:x:x:x:x"],
    ["f334::40cb:152.16.24.142", 4, 2, "f334:0:0:0:0:40cb:x:x"],
    ["f334::40cb:152.16.24.142", 4, 4, "f334:0:0:0:x:x:x:x"],
    ["::192.168.0.1", 4, 1, "0:0:0:0:0:0:c0a8:x"],
    ["::FFFF:152.16.24.123", 2, 4, "::FFFF:152.16.x.x"],
    ["::FFFF:152.16.24.123", 4, 4, "::FFFF:x.x.x.x"],
  ];
  for (const [ip, octets, segments, expected] of cases) {
    test(`${JSON.stringify(ip)} with ${octets} octets / ${segments} segments → ${expected}`, () => {
      expect(anonymizeIp(ip, octets, segments)).toBe(expected);
    });
  }

  test("an oversized invalid address is left alone", () => {
    const oversized = "a".repeat(1_000_000);
    expect(anonymizeIp(oversized, 4, 6)).toBe(oversized);
  });

  const octet = fc.integer({ min: 0, max: 255 });
  const hextet = fc.stringMatching(/^[0-9a-f]{4}$/);

  test("a valid IPv4 address masked with N octets has N x's and is still an address", () => {
    fc.assert(
      fc.property(
        fc.array(octet, { minLength: 4, maxLength: 4 }),
        fc.integer({ min: 1, max: 4 }),
        (parts, n) => {
          const anon = anonymizeIp(parts.join("."), n, 1);
          expect(anon.split("x").length - 1).toBe(n);
          expect(parseInetAddress(anon.replaceAll("x", "1"))?.version).toBe(4);
        },
      ),
    );
  });

  test("a full or shortened IPv6 address masked with N segments has N x's and is still an address", () => {
    const full = fc.array(hextet, { minLength: 8, maxLength: 8 }).map((h) => h.join(":"));
    const shortened = fc
      .array(hextet, { minLength: 2, maxLength: 7 })
      .map((h) => [...h.slice(0, -1), `:${h[h.length - 1]}`].join(":"));
    fc.assert(
      fc.property(fc.oneof(full, shortened), fc.integer({ min: 1, max: 8 }), (ip, n) => {
        const anon = anonymizeIp(ip, 1, n);
        expect(anon.split("x").length - 1).toBe(n);
        expect(parseInetAddress(anon.replaceAll("x", "1"))?.version).toBe(6);
      }),
    );
  });
});

describe("parseAnonIpConfig", () => {
  test("accepts the example config Snowplow ships", () => {
    const parsed = parseAnonIpConfig(config({ anonOctets: 1, anonSegments: 1 }));
    expect(parsed.ok && { octets: parsed.value.anonOctets, segments: parsed.value.anonSegments }).toEqual({
      octets: 1,
      segments: 1,
    });
  });

  test("anonSegments defaults to anonOctets (1-0-0 has no segments)", () => {
    const parsed = parseAnonIpConfig(config({ anonOctets: 3 }, "1-0-0"));
    expect(parsed.ok && parsed.value.anonSegments).toBe(3);
  });

  test("out-of-range values fail with Enrich's messages", () => {
    const five = parseAnonIpConfig(config({ anonOctets: 5 }));
    expect(!five.ok && five.error.message).toBe(
      "IPv4 address octets to anonymize must be 1, 2, 3 or 4. Value: 5 was given.",
    );
    const nine = parseAnonIpConfig(config({ anonOctets: 1, anonSegments: 9 }));
    expect(!nine.ok && nine.error.path).toBe("parameters.anonSegments");
    const text = parseAnonIpConfig(config({ anonOctets: "2" }));
    expect(!text.ok && text.error.message).toContain("Could not extract parameters.anonOctets as Int");
  });
});

describe("anon_ip enrichment", () => {
  test("masks user_ipaddress and adds no context", async () => {
    const e = await build(anonIpEnrichment, config({ anonOctets: 2, anonSegments: 3 }));
    const v4 = enrichmentInput({ user_ipaddress: "92.231.54.234" });
    expect(contextsOf(e.enrich(v4))).toEqual([]);
    expect(v4.event.user_ipaddress).toBe("92.231.x.x");
    const v6 = enrichmentInput({ user_ipaddress: "2001:db8::8a2e:370:7334" });
    e.enrich(v6);
    expect(v6.event.user_ipaddress).toBe("2001:db8:0:0:0:x:x:x");
    const none = enrichmentInput();
    e.enrich(none);
    expect(none.event.user_ipaddress).toBeNull();
  });
});
