/** @module Tests of URL explosion into page_url* / refr_url* components, Java-URI style. */
import { describe, expect, test } from "bun:test";
import { parseUri } from "./uri.ts";

const components = (text: string) => {
  const r = parseUri(text);
  if (!r.ok) throw new Error(r.error);
  return r.value.components;
};

describe("parseUri", () => {
  test("splits a URL into raw components with the default port", () => {
    expect(components("https://shop.example.com/a%20b/c?q=1&r=%C3%A9#top")).toEqual({
      scheme: "https",
      host: "shop.example.com",
      port: 443,
      path: "/a%20b/c",
      query: "q=1&r=%C3%A9",
      fragment: "top",
    });
    expect(components("http://example.com").port).toBe(80);
    expect(components("http://example.com:8080/").port).toBe(8080);
    expect(components("http://example.com").path).toBeNull();
    expect(components("http://user:pw@[::1]:81/x").host).toBe("[::1]");
  });

  test("replaces spaces by %20, in the text too", () => {
    const r = parseUri("http://example.com/a b?c d");
    expect(r.ok && r.value.text).toBe("http://example.com/a%20b?c%20d");
    expect(r.ok && r.value.components.query).toBe("c%20d");
  });

  test("encodes what Java refuses, as scala-uri's lenient reading does", () => {
    const r = parseUri("http://example.com/p?a={x}|y%zz");
    expect(r.ok && r.value.text).toBe("http://example.com/p?a=%7Bx%7D%7Cy%25zz");
    expect(r.ok && r.value.components.query).toBe("a=%7Bx%7D%7Cy%25zz");
  });

  test("leaves the host null where Java reads a registry-based authority", () => {
    expect(components("http://my_host.example.com/x").host).toBeNull();
    expect(components("http://example.com:port/x").host).toBeNull();
    expect(components("http://1.2.3/x").host).toBeNull();
    expect(components("http://192.168.0.1/x").host).toBe("192.168.0.1");
  });

  test("reads relative and opaque URIs as Java does", () => {
    expect(components("/just/a/path?x=1")).toEqual({
      scheme: null,
      host: null,
      port: 80,
      path: "/just/a/path",
      query: "x=1",
      fragment: null,
    });
    expect(components("mailto:someone@example.com")).toMatchObject({
      scheme: "mailto",
      path: null,
      query: null,
    });
  });

  test("makes components TSV-safe", () => {
    expect(components("http://example.com/a\tb").path).toBe("/a%09b");
  });

  test("fails only when nothing can read it, with Enrich's message", () => {
    const r = parseUri("http://[::1/x");
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toContain("Provided URI [http://[::1/x] could not be parsed");
  });
});
