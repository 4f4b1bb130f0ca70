/** @module Tests for IP literal parsing as Guava and seancfoley's HostName read addresses. */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { blockContains, hostAddress, ipLiteralOfHost, parseInetAddress, parseIpBlock } from "./ip-address.ts";

const host = (text: string) => {
  const a = parseInetAddress(text);
  return a === null ? null : hostAddress(a);
};

describe("parseInetAddress (Guava InetAddresses.forString)", () => {
  test("IPv4: four decimal octets up to 255, no leading zeros", () => {
    expect(host("192.168.0.1")).toBe("192.168.0.1");
    for (const bad of ["256.1.1.1", "01.2.3.4", "1.2.3", "1.2.3.4.5", "1..3.4", "a.b.c.d", "", " 1.2.3.4"]) {
      expect(host(bad)).toBeNull();
    }
  });

  test("IPv6: expanded to Java's eight lower-case hextets", () => {
    expect(host("::1")).toBe("0:0:0:0:0:0:0:1");
    expect(host("2605:2700:0:3::4713:93E3")).toBe("2605:2700:0:3:0:0:4713:93e3");
    expect(host("f334::40cb:152.16.24.142")).toBe("f334:0:0:0:0:40cb:9810:188e");
    expect(host("::192.168.0.1")).toBe("0:0:0:0:0:0:c0a8:1");
    expect(host("1:2:3:4:5:6:7::")).toBe("1:2:3:4:5:6:7:0");
    for (const bad of [
      ":::",
      "1::2::3",
      ":1:2:3:4:5:6:7",
      "1:2:3:4:5:6:7:8:9",
      "12345::",
      "1:2:3:4:5:6:7:8::",
      "fe80::1%eth0",
      "g::1",
    ]) {
      expect(host(bad)).toBeNull();
    }
  });

  test("an IPv4-mapped address becomes IPv4, as Java's InetAddress does", () => {
    expect(parseInetAddress("::ffff:152.16.24.123")).toEqual({
      version: 4,
      bytes: new Uint8Array([152, 16, 24, 123]),
    });
    expect(host("::FFFF:0102:0304")).toBe("1.2.3.4");
  });

  test("every IPv4 and IPv6 address round-trips through its host address", () => {
    fc.assert(fc.property(fc.ipV4(), (ip) => expect(host(ip)).toBe(ip)));
    fc.assert(
      fc.property(fc.ipV6(), (ip) => {
        const a = parseInetAddress(ip);
        expect(a).not.toBeNull();
        expect(parseInetAddress(hostAddress(a!))).toEqual(a);
      }),
    );
  });
});

describe("ipLiteralOfHost (HostName)", () => {
  test("strips a port and IPv6 brackets; refuses names", () => {
    expect(hostAddress(ipLiteralOfHost("175.16.199.0:8080")!)).toBe("175.16.199.0");
    expect(hostAddress(ipLiteralOfHost("[2001:db8::1]:443")!)).toBe("2001:db8:0:0:0:0:0:1");
    expect(hostAddress(ipLiteralOfHost("[2001:db8::1]")!)).toBe("2001:db8:0:0:0:0:0:1");
    expect(hostAddress(ipLiteralOfHost(" 2001:db8::1 ")!)).toBe("2001:db8:0:0:0:0:0:1");
    for (const bad of ["localhost", "hello", "[1.2.3.4]", "1.2.3.4:", "[::1]x", "2001:db8::1:80:x"]) {
      expect(ipLiteralOfHost(bad)).toBeNull();
    }
  });
});

describe("IP blocks", () => {
  test("host bits are cleared and containment is by prefix, within one IP version", () => {
    const b = parseIpBlock("127.0.0.1/16")!;
    expect(hostAddress({ version: 4, bytes: b.network })).toBe("127.0.0.0");
    expect(blockContains(b, parseInetAddress("127.0.255.255")!)).toBe(true);
    expect(blockContains(b, parseInetAddress("127.1.0.0")!)).toBe(false);
    expect(blockContains(parseIpBlock("0.0.0.0/0")!, parseInetAddress("8.8.8.8")!)).toBe(true);
    expect(blockContains(parseIpBlock("::/0")!, parseInetAddress("8.8.8.8")!)).toBe(false);
    expect(blockContains(parseIpBlock("2001:db8::/33")!, parseInetAddress("2001:db8:7fff::1")!)).toBe(true);
    expect(blockContains(parseIpBlock("2001:db8::/33")!, parseInetAddress("2001:db8:8000::1")!)).toBe(false);
    expect(blockContains(parseIpBlock("::ffff:10.0.0.0/104")!, parseInetAddress("10.9.9.9")!)).toBe(true);
  });

  test("malformed blocks are refused", () => {
    for (const bad of ["1.2.3.0/33", "1.2.3.0/", "1.2.3.0/x", "::/129", "nope/8"])
      expect(parseIpBlock(bad)).toBeNull();
  });
});
