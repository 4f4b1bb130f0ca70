/** @module Tests of Set-Cookie rendering and the cookie domain choice (core/Service.scala `cookieHeader`, `cookieDomain`). */
import { describe, expect, test } from "bun:test";
import { originHosts } from "./origin.ts";
import {
  cookieDomain,
  DEFAULT_COOKIE_SETTINGS,
  domainMatches,
  httpDate,
  SetCookieWriter,
} from "./set-cookie.ts";

const NOW = Date.UTC(2024, 0, 2, 3, 4, 5, 678);
const DAY = 24 * 3600 * 1000;

describe("SetCookieWriter", () => {
  test("renders Snowplow's default cookie: 365 days, Path=/, SameSite=None, Secure, HttpOnly", () => {
    const w = new SetCookieWriter(DEFAULT_COOKIE_SETTINGS);
    // 2024 is a leap year: 365 days on is 1 January.
    expect(w.value("nuid-1", undefined, NOW)).toBe(
      "sp=nuid-1; Expires=Wed, 01 Jan 2025 03:04:05 GMT; Path=/; SameSite=None; Secure; HttpOnly",
    );
  });

  test("places Domain between Expires and Path", () => {
    const w = new SetCookieWriter({ ...DEFAULT_COOKIE_SETTINGS, expiration: DAY });
    expect(w.value("x", "acme.com", NOW)).toBe(
      "sp=x; Expires=Wed, 03 Jan 2024 03:04:05 GMT; Domain=acme.com; Path=/; SameSite=None; Secure; HttpOnly",
    );
  });

  test("forces Secure with SameSite=None, and drops it otherwise when not configured", () => {
    const none = new SetCookieWriter({ ...DEFAULT_COOKIE_SETTINGS, secure: false, httpOnly: false });
    expect(none.value("x", undefined, NOW)).toMatch(/; Path=\/; SameSite=None; Secure$/);
    const lax = new SetCookieWriter({
      ...DEFAULT_COOKIE_SETTINGS,
      secure: false,
      httpOnly: false,
      sameSite: "Lax",
    });
    expect(lax.value("x", undefined, NOW)).toMatch(/; Path=\/; SameSite=Lax$/);
    const unset = new SetCookieWriter({ ...DEFAULT_COOKIE_SETTINGS, sameSite: undefined, secure: false });
    expect(unset.value("x", undefined, NOW)).toMatch(/; Path=\/; HttpOnly$/);
  });

  test("uses the configured name", () => {
    const w = new SetCookieWriter({ ...DEFAULT_COOKIE_SETTINGS, name: "_sp_nuid" });
    expect(w.value("x", undefined, NOW)).toMatch(/^_sp_nuid=x; /);
  });

  test("follows the clock across seconds and domains (the attribute cache)", () => {
    const w = new SetCookieWriter({ ...DEFAULT_COOKIE_SETTINGS, expiration: 0 });
    expect(w.value("a", "d.com", NOW)).toContain("Expires=Tue, 02 Jan 2024 03:04:05 GMT; Domain=d.com;");
    expect(w.value("a", "e.com", NOW)).toContain("; Domain=e.com;");
    expect(w.value("a", undefined, NOW + 1000)).toContain("Expires=Tue, 02 Jan 2024 03:04:06 GMT; Path=/");
    expect(w.value("a", "d.com", NOW + 1000)).toContain(
      "Expires=Tue, 02 Jan 2024 03:04:06 GMT; Domain=d.com;",
    );
  });

  test("a cleared cookie is empty and expired by the expiration", () => {
    const w = new SetCookieWriter({ ...DEFAULT_COOKIE_SETTINGS, expiration: 5000 });
    expect(w.cleared("acme.com", NOW)).toBe(
      "sp=; Expires=Tue, 02 Jan 2024 03:04:00 GMT; Domain=acme.com; Path=/; SameSite=None; Secure; HttpOnly",
    );
  });
});

describe("cookie domain", () => {
  test("matches a domain itself or its subdomains, not look-alikes", () => {
    expect(domainMatches("acme.com", "acme.com")).toBe(true);
    expect(domainMatches("www.acme.com", "acme.com")).toBe(true);
    expect(domainMatches("notacme.com", "acme.com")).toBe(false);
    expect(domainMatches("com", "acme.com")).toBe(false);
  });

  test("picks the first configured domain any origin matches, else the fallback", () => {
    const domains = ["foo.example.com", "example.com", "acme.net"];
    expect(cookieDomain(originHosts("http://www.foo.example.com"), domains, undefined)).toBe(
      "foo.example.com",
    );
    expect(cookieDomain(originHosts("http://bar.example.com"), domains, undefined)).toBe("example.com");
    expect(cookieDomain(originHosts("http://other.org https://x.acme.net"), domains, undefined)).toBe(
      "acme.net",
    );
    expect(cookieDomain(originHosts("http://other.org"), domains, "fallback.org")).toBe("fallback.org");
    expect(cookieDomain([], domains, undefined)).toBeUndefined();
  });

  test("domainFor skips Origin parsing when no domains are configured", () => {
    const w = new SetCookieWriter({ ...DEFAULT_COOKIE_SETTINGS, fallbackDomain: "fb.com" });
    expect(w.domainFor("http://acme.com")).toBe("fb.com");
    const d = new SetCookieWriter({ ...DEFAULT_COOKIE_SETTINGS, domains: ["acme.com"] });
    expect(d.domainFor("http://www.acme.com")).toBe("acme.com");
    expect(d.domainFor(undefined)).toBeUndefined();
  });
});

describe("httpDate", () => {
  test("writes the IMF-fixdate of RFC 9110", () => {
    expect(httpDate(0)).toBe("Thu, 01 Jan 1970 00:00:00 GMT");
    expect(httpDate(1_445_412_480)).toBe("Wed, 21 Oct 2015 07:28:00 GMT");
  });
});
