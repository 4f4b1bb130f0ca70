/** @module Tests of the payload's ipAddress (http4s `Request.from`, ip4s `toUriString`). */
import { describe, expect, test } from "bun:test";
import { clientIp, forwardedFor, isIpv4, isIpv6, UNKNOWN_IP, uriAddress } from "./client-ip.ts";

describe("clientIp", () => {
  test("takes the first X-Forwarded-For address", () => {
    expect(clientIp("192.0.2.4", "192.0.2.2")).toBe("192.0.2.4");
    expect(clientIp("203.0.113.9, 10.0.0.1", "10.0.0.2")).toBe("203.0.113.9");
    expect(clientIp("2001:db8::1, 10.0.0.1", "10.0.0.2")).toBe("[2001:db8::1]");
  });

  test("falls back to the remote address when the header does not parse", () => {
    expect(clientIp(undefined, "192.0.2.2")).toBe("192.0.2.2");
    expect(clientIp("not-an-ip", "192.0.2.2")).toBe("192.0.2.2");
    expect(clientIp("1.2.3.4:80", "192.0.2.2")).toBe("192.0.2.2");
    expect(clientIp("1.2.3.4, garbage", "192.0.2.2")).toBe("192.0.2.2");
  });

  test("a leading 'unknown' entry means no address", () => {
    expect(clientIp("unknown, 1.2.3.4", "192.0.2.2")).toBe(UNKNOWN_IP);
    expect(clientIp("1.2.3.4, unknown", "192.0.2.2")).toBe("1.2.3.4");
  });

  test("no address at all is 'unknown'", () => {
    expect(clientIp(undefined, undefined)).toBe("unknown");
    expect(clientIp(undefined, "")).toBe("unknown");
  });

  test("asks for the remote address only when the header does not answer", () => {
    let asked = 0;
    const remote = () => {
      asked++;
      return "192.0.2.2";
    };
    expect(clientIp("192.0.2.4", remote)).toBe("192.0.2.4");
    expect(asked).toBe(0);
    expect(clientIp(undefined, remote)).toBe("192.0.2.2");
    expect(asked).toBe(1);
  });

  test("writes IPv6 bracketed and IPv4-mapped IPv6 as IPv4", () => {
    expect(uriAddress("::1")).toBe("[::1]");
    expect(uriAddress("[::1]")).toBe("[::1]");
    expect(uriAddress("::ffff:127.0.0.1")).toBe("127.0.0.1");
    expect(uriAddress("10.1.2.3")).toBe("10.1.2.3");
  });
});

describe("address syntax", () => {
  test("IPv4", () => {
    for (const ok of ["0.0.0.0", "255.255.255.255", "192.0.2.1"]) expect(isIpv4(ok)).toBe(true);
    for (const bad of ["256.0.0.1", "1.2.3", "1.2.3.4.5", "1..2.3", "a.b.c.d", "1234.1.1.1", ""]) {
      expect(isIpv4(bad)).toBe(false);
    }
  });

  test("IPv6", () => {
    for (const ok of ["::1", "2001:db8::1", "::ffff:192.0.2.1", "fe80::1:2:3:4"])
      expect(isIpv6(ok)).toBe(true);
    for (const bad of [":::", "1:2:3:4:5:6:7:8:9", "g::1", "1.2.3.4", "::1%eth0"])
      expect(isIpv6(bad)).toBe(false);
  });

  test("forwardedFor tells an unparseable header from an unknown address", () => {
    expect(forwardedFor("1.2.3.4")).toBe("1.2.3.4");
    expect(forwardedFor("unknown")).toBeNull();
    expect(forwardedFor("")).toBeUndefined();
    expect(forwardedFor("1.2.3.4,")).toBeUndefined();
  });
});
