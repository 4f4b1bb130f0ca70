/**
 * @module
 * The lookup cache against Enrich's CachingEvaluator rules, with a controlled clock.
 */
import { describe, expect, test } from "bun:test";
import { err, ok, type Result } from "../../result.ts";
import { CachingEvaluator } from "./caching-evaluator.ts";

function harness(size: number, ttl: number) {
  let nowMs = 1_000_000;
  const cache = new CachingEvaluator<string>({ size, ttl }, () => nowMs);
  let calls = 0;
  let next: Result<string, string> = ok("v1");
  const lookup = (key = "k") =>
    cache.evaluate(key, async () => {
      calls++;
      return next;
    });
  return {
    lookup,
    advance: (seconds: number) => {
      nowMs += seconds * 1000;
    },
    answer: (r: Result<string, string>) => {
      next = r;
    },
    calls: () => calls,
  };
}

describe("CachingEvaluator", () => {
  test("a success is reused until more than ttl seconds have passed", async () => {
    const h = harness(10, 60);
    expect(await h.lookup()).toEqual(ok("v1"));
    h.answer(ok("v2"));
    h.advance(60);
    expect(await h.lookup()).toEqual(ok("v1"));
    h.advance(1);
    expect(await h.lookup()).toEqual(ok("v2"));
    expect(h.calls()).toBe(2);
  });

  test("an error is kept for ttl/10 seconds", async () => {
    const h = harness(10, 60);
    h.answer(err("down"));
    expect(await h.lookup()).toEqual(err("down"));
    h.answer(ok("up"));
    h.advance(6);
    expect(await h.lookup()).toEqual(err("down"));
    h.advance(1);
    expect(await h.lookup()).toEqual(ok("up"));
  });

  test("a failed refresh serves the last known success", async () => {
    const h = harness(10, 10);
    await h.lookup();
    h.answer(err("down"));
    h.advance(11);
    expect(await h.lookup()).toEqual(ok("v1"));
    h.advance(2);
    expect(await h.lookup()).toEqual(ok("v1"));
    expect(h.calls()).toBe(3);
  });

  test("size bounds the entries, least recently used first out", async () => {
    const h = harness(2, 100);
    await h.lookup("a");
    await h.lookup("b");
    await h.lookup("a");
    await h.lookup("c");
    expect(h.calls()).toBe(3);
    await h.lookup("a");
    expect(h.calls()).toBe(3);
    await h.lookup("b");
    expect(h.calls()).toBe(4);
  });

  test("size 0 caches nothing", async () => {
    const h = harness(0, 100);
    await h.lookup();
    await h.lookup();
    expect(h.calls()).toBe(2);
  });

  test("concurrent lookups of one key share the request", async () => {
    const h = harness(0, 100);
    const [a, b] = await Promise.all([h.lookup(), h.lookup()]);
    expect(a).toEqual(b);
    expect(h.calls()).toBe(1);
  });
});
