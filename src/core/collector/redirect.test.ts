/** @module Tests of redirect targets and the allow-list (core/Service.scala `buildRedirectHttpResponse`). */
import { describe, expect, test } from "bun:test";
import { redirectTarget } from "./redirect.ts";

const NONE = new Set<string>();

describe("redirectTarget", () => {
  test("any URI is allowed when no domains are configured", () => {
    expect(redirectTarget("u=https://snowplow.acme.com/12", NONE)).toBe("https://snowplow.acme.com/12");
    expect(redirectTarget("u=https%3A%2F%2Fexample.com%2Fa%3Fb%3D1", NONE)).toBe("https://example.com/a?b=1");
    expect(redirectTarget("u=/relative/path", NONE)).toBe("/relative/path");
  });

  test("with an allow-list, only those hosts (case-insensitive)", () => {
    const allowed = new Set(["snowplow.acme.com", "example.com"]);
    expect(redirectTarget("u=https://snowplow.acme.com/12", allowed)).toBe("https://snowplow.acme.com/12");
    expect(redirectTarget("u=https://EXAMPLE.com/", allowed)).toBe("https://EXAMPLE.com/");
    expect(redirectTarget("u=https://evil.example/", allowed)).toBeUndefined();
    expect(redirectTarget("u=https://sub.example.com/", allowed)).toBeUndefined();
    expect(redirectTarget("u=/relative", allowed)).toBeUndefined();
  });

  test("no u, or a u that is not a URI, is refused", () => {
    expect(redirectTarget("e=pv", NONE)).toBeUndefined();
    expect(redirectTarget("u=", NONE)).toBeUndefined();
    expect(redirectTarget("u=https://a.com/%0D%0ASet-Cookie:x", NONE)).toBeUndefined();
    expect(redirectTarget("u=https://a.com/<script>", NONE)).toBeUndefined();
    expect(redirectTarget("u=a+b", NONE)).toBeUndefined();
  });
});
