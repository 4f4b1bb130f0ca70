/** @module Tests of the fixed bodies: pixel, robots.txt, crossdomain.xml. */
import { describe, expect, test } from "bun:test";
import { PIXEL } from "./pixel.ts";
import { crossDomainPolicy, ROBOTS_TXT } from "./static-responses.ts";

describe("fixed responses", () => {
  test("the pixel is Snowplow 3.x's 43-byte GIF89a", () => {
    expect(PIXEL.length).toBe(43);
    expect(new TextDecoder().decode(PIXEL.subarray(0, 6))).toBe("GIF89a");
    // The graphic control extension (21 F9 04), whose flags byte is 2.x's only difference (01).
    expect([...PIXEL.subarray(19, 23)]).toEqual([0x21, 0xf9, 0x04, 0x05]);
  });

  test("robots.txt keeps crawlers and Google's ad bots out", () => {
    expect(ROBOTS_TXT).toBe(
      "User-agent: *\nDisallow: /\n\nUser-agent: Googlebot\nDisallow: /\n\nUser-agent: AdsBot-Google\nDisallow: /",
    );
  });

  test("crossdomain.xml lists one entry per domain", () => {
    expect(crossDomainPolicy({ enabled: true, domains: ["*"], secure: true })).toBe(
      '<?xml version="1.0"?>\n<cross-domain-policy>\n<allow-access-from domain="*" secure="true" />\n</cross-domain-policy>',
    );
    expect(crossDomainPolicy({ enabled: true, domains: ["a.com", "b.com"], secure: false })).toBe(
      '<?xml version="1.0"?>\n<cross-domain-policy>\n<allow-access-from domain="a.com" secure="false" />\n<allow-access-from domain="b.com" secure="false" />\n</cross-domain-policy>',
    );
  });
});
