/** @module Tests for the bounded cache the enrichments keep per user agent or address. */
import { describe, expect, test } from "bun:test";
import { LruCache } from "./lru-cache.ts";

describe("LruCache", () => {
  test("an entry used within every `capacity` insertions stays; an unused one goes", () => {
    const c = new LruCache<string, number>(2);
    c.set("a", 1);
    c.set("b", 2);
    c.set("c", 3); // a and b are now the old generation
    expect(c.get("a")).toBe(1); // copied back into the young one
    c.set("d", 4); // the young generation {c, a} becomes old; b is dropped
    expect([c.get("a"), c.get("b"), c.get("c"), c.get("d")]).toEqual([1, undefined, 3, 4]);
  });

  test("never holds more than twice its capacity", () => {
    const c = new LruCache<number, number>(100);
    for (let i = 0; i < 10_000; i++) {
      c.set(i, i);
      c.get(i >> 1);
      expect(c.size).toBeLessThanOrEqual(200);
    }
  });

  test("set replaces a cached value", () => {
    const c = new LruCache<string, number>(4);
    c.set("a", 1);
    c.set("a", 2);
    expect(c.get("a")).toBe(2);
  });

  test("getOrCompute computes once per key while it stays cached", () => {
    const c = new LruCache<string, string>(10);
    let calls = 0;
    const compute = (k: string) => {
      calls++;
      return k.toUpperCase();
    };
    expect([c.getOrCompute("x", compute), c.getOrCompute("x", compute), calls]).toEqual(["X", "X", 1]);
  });

  test("hits stay cheap when the cache is full (no per-hit reordering)", () => {
    const c = new LruCache<string, number>(20_000);
    for (let i = 0; i < 40_000; i++) c.set(`k${i}`, i);
    const t0 = performance.now();
    for (let i = 0; i < 200_000; i++) c.get("k39999");
    // A Map delete/re-insert per hit takes seconds here; plain lookups take milliseconds.
    expect(performance.now() - t0).toBeLessThan(1_000);
  });

  test("a capacity below one is a bug", () => {
    expect(() => new LruCache(0)).toThrow(RangeError);
  });
});
