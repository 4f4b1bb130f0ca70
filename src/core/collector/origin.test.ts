/** @module Tests of the Origin header: CORS echo and hosts for cookie domains. */
import { describe, expect, test } from "bun:test";
import { allowedOrigin, originHosts } from "./origin.ts";

describe("allowedOrigin", () => {
  test("echoes the first origin that parses, else *", () => {
    expect(allowedOrigin("https://shop.acme.com")).toBe("https://shop.acme.com");
    expect(allowedOrigin("http://origin.com http://otherorigin.com:8080")).toBe("http://origin.com");
    expect(allowedOrigin("bogus http://acme.com")).toBe("http://acme.com");
    expect(allowedOrigin("null")).toBe("*");
    expect(allowedOrigin(undefined)).toBe("*");
    expect(allowedOrigin("http://acme.com/path")).toBe("*");
    expect(allowedOrigin("http://acme.com:80x")).toBe("*");
  });
});

describe("originHosts", () => {
  test("parses every origin, lower-casing hosts and dropping ports", () => {
    expect(originHosts("http://Shop.Acme.com:8080 https://[::1]:443 null nonsense")).toEqual([
      { origin: "http://Shop.Acme.com:8080", host: "shop.acme.com" },
      { origin: "https://[::1]:443", host: "[::1]" },
    ]);
    expect(originHosts(undefined)).toEqual([]);
  });
});
