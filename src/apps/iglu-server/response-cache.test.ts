/** @module Tests for the response cache: what is kept, for how long, and the LRU bound. */
import { describe, expect, test } from "bun:test";
import { clearsCache, isCacheable, ResponseCache } from "./response-cache.ts";

const ok = (body: string) => ({ status: 200, contentType: "application/json", body });

describe("ResponseCache", () => {
  test("keys on URI and apikey; only 2xx are kept", () => {
    const cache = new ResponseCache();
    const a = ResponseCache.key("/api/schemas", null);
    const b = ResponseCache.key("/api/schemas", "k");
    cache.set(a, "/api/schemas", ok("[]"));
    cache.set(b, "/api/schemas", { ...ok("{}"), status: 404 });
    expect(cache.get(a)?.body).toBe("[]");
    expect(cache.get(b)).toBeUndefined();
  });

  test("5 s under /api/schemas, 60 s elsewhere", () => {
    let now = 0;
    const cache = new ResponseCache({ now: () => now });
    cache.set("api", "/api/schemas/a/b/jsonschema/1-0-0?repr=meta", ok("1"));
    cache.set("static", "/schemas/a/b/jsonschema/1-0-0", ok("2"));
    now = 4_999;
    expect(cache.get("api")).toBeDefined();
    now = 5_000;
    expect(cache.get("api")).toBeUndefined();
    now = 59_999;
    expect(cache.get("static")).toBeDefined();
    now = 60_000;
    expect(cache.get("static")).toBeUndefined();
  });

  test("holds at most maxEntries, dropping the least recently used", () => {
    const cache = new ResponseCache({ maxEntries: 2 });
    cache.set("a", "/schemas/a", ok("a"));
    cache.set("b", "/schemas/b", ok("b"));
    cache.get("a");
    cache.set("c", "/schemas/c", ok("c"));
    expect([cache.get("a")?.body, cache.get("b")?.body, cache.get("c")?.body]).toEqual(["a", undefined, "c"]);
    cache.clear();
    expect(cache.size).toBe(0);
  });

  test("which requests are cached and which clear it", () => {
    expect(isCacheable("GET", "/api/schemas/x")).toBe(true);
    expect(isCacheable("GET", "/schemas/x")).toBe(true);
    expect(isCacheable("GET", "/api/meta/server")).toBe(false);
    expect(isCacheable("POST", "/api/schemas")).toBe(false);
    expect(["PUT", "POST", "DELETE", "GET", "OPTIONS"].map(clearsCache)).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
  });
});
