/** @module Tests of the client IP behind proxies. */
import { describe, expect, test } from "bun:test";
import { clientIp } from "./client-ip.ts";

describe("clientIp", () => {
  test("takes the first X-Forwarded-For address, whatever the header's case", () => {
    expect(clientIp(["Host: x", "x-forwarded-for: 203.0.113.7, 10.0.0.1"], "10.0.0.1")).toBe("203.0.113.7");
    expect(clientIp(["X-Forwarded-For: 2001:db8::1"], "10.0.0.1")).toBe("2001:db8::1");
  });

  test("prefers X-Forwarded-For over Forwarded, wherever each is", () => {
    expect(
      clientIp(["Forwarded: for=192.0.2.60;proto=http", "X-Forwarded-For: 203.0.113.9"], "10.0.0.1"),
    ).toBe("203.0.113.9");
  });

  test("takes Forwarded: for= next, even when other headers follow", () => {
    expect(clientIp(["Forwarded: for=192.0.2.60;proto=http", "Accept: */*"], "10.0.0.1")).toBe("192.0.2.60");
    expect(clientIp(['Forwarded: for="[2001:db8:cafe::17]"'], null)).toBe("2001:db8:cafe::17");
  });

  test("falls back to the peer address", () => {
    expect(clientIp(["X-Forwarded-For: unknown"], "10.0.0.1")).toBe("10.0.0.1");
    expect(clientIp([], null)).toBeNull();
  });
});
