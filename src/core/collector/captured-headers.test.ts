/** @module Tests of the recorded headers list (core/Service.scala `headers`) and the values picked from it. */
import { describe, expect, test } from "bun:test";
import {
  canonicalHeaderName,
  captureHeaders,
  hostWithoutPort,
  normalizedContentType,
} from "./captured-headers.ts";

const headers = new Headers({
  "User-Agent": "testUserAgent",
  Referer: "example.com",
  "Content-Type": "application/json",
  "X-Forwarded-For": "192.0.2.3",
  "X-Real-Ip": "192.0.2.3",
  Cookie: 'cookie=value; sp=dfdb716e-ecf9-4d00-8b10-44edfbc8a108; bad="q"',
  "Access-Control-Allow-Credentials": "true",
  Origin: "https://acme.com",
  Host: "collector.acme.com:8080",
});

describe("captureHeaders", () => {
  test("records every header as 'Name: value', the cookie cleaned to RFC 6265 octets", () => {
    const h = captureHeaders(headers, false);
    expect(h.list).toEqual([
      "Access-Control-Allow-Credentials: true",
      "Content-Type: application/json",
      "Cookie: cookie=value;sp=dfdb716e-ecf9-4d00-8b10-44edfbc8a108",
      "Host: collector.acme.com:8080",
      "Origin: https://acme.com",
      "Referer: example.com",
      "User-Agent: testUserAgent",
      "X-Forwarded-For: 192.0.2.3",
      "X-Real-Ip: 192.0.2.3",
    ]);
  });

  test("picks out the values the collector uses", () => {
    const h = captureHeaders(headers, false);
    expect(h.userAgent).toBe("testUserAgent");
    expect(h.referer).toBe("example.com");
    expect(h.cookie).toBe('cookie=value; sp=dfdb716e-ecf9-4d00-8b10-44edfbc8a108; bad="q"');
    expect(h.origin).toBe("https://acme.com");
    expect(h.xForwardedFor).toBe("192.0.2.3");
    expect(h.host).toBe("collector.acme.com:8080");
    expect(h.contentType).toBe("application/json");
  });

  test("SP-Anonymous drops X-Forwarded-For, X-Real-Ip and Cookie, but keeps the cookie for the caller", () => {
    const anonymous = new Headers(headers);
    anonymous.set("SP-Anonymous", "*");
    const h = captureHeaders(anonymous, true);
    expect(h.list).toEqual([
      "Access-Control-Allow-Credentials: true",
      "Content-Type: application/json",
      "Host: collector.acme.com:8080",
      "Origin: https://acme.com",
      "Referer: example.com",
      "SP-Anonymous: *",
      "User-Agent: testUserAgent",
    ]);
    expect(h.cookie).toContain("sp=");
    expect(h.xForwardedFor).toBe("192.0.2.3");
  });

  test("a cookie with nothing valid left is not recorded", () => {
    const h = captureHeaders(new Headers({ cookie: 'a="b"' }), false);
    expect(h.list).toEqual([]);
  });

  test("lines are the same whether a value was seen before or not, however many values a header takes", () => {
    // Recorded lines are reused for repeated values; the cache's bounds (names, lines per name,
    // value length) must never change a line. 1,200 distinct names pass the bound on names.
    const long = "x".repeat(1000);
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 1200; i++) {
        const h = captureHeaders(
          new Headers({
            Accept: "*/*",
            "User-Agent": `agent-${i % 100}`,
            "X-Forwarded-For": `192.0.2.${i % 250}`,
            "X-Long": `${long}${i}`,
            [`X-Odd-${i}`]: String(i),
          }),
          false,
        );
        expect(h.list).toEqual([
          "Accept: */*",
          `User-Agent: agent-${i % 100}`,
          `X-Forwarded-For: 192.0.2.${i % 250}`,
          `X-Long: ${long}${i}`,
          `X-Odd-${i}: ${i}`,
        ]);
      }
    }
  });
});

describe("header names", () => {
  test("are written in canonical Title-Case", () => {
    expect(canonicalHeaderName("user-agent")).toBe("User-Agent");
    expect(canonicalHeaderName("x-forwarded-for")).toBe("X-Forwarded-For");
    expect(canonicalHeaderName("sp-anonymous")).toBe("SP-Anonymous");
    expect(canonicalHeaderName("dnt")).toBe("DNT");
    expect(canonicalHeaderName("accept")).toBe("Accept");
  });
});

describe("content type", () => {
  test("is lower-cased with parameters joined by '; ', as http4s renders it", () => {
    expect(normalizedContentType("application/json; charset=UTF-8")).toBe("application/json; charset=utf-8");
    expect(normalizedContentType("application/json;charset=UTF-8")).toBe("application/json; charset=utf-8");
    expect(normalizedContentType("Application/JSON")).toBe("application/json");
    expect(normalizedContentType("text/plain ;  a=b ;")).toBe("text/plain; a=b");
  });
});

describe("hostWithoutPort", () => {
  test("drops the port of a Host header", () => {
    expect(hostWithoutPort("127.0.0.1:8080")).toBe("127.0.0.1");
    expect(hostWithoutPort("acme.com")).toBe("acme.com");
    expect(hostWithoutPort("[::1]:8080")).toBe("[::1]");
  });
});
