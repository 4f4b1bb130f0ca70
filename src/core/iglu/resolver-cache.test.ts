/** @module Tests for the resolver cache: TTL, failure merging, retry selection, backoff, LRU, mutex. */
import { describe, expect, test } from "bun:test";
import { err, ok } from "../result.ts";
import type { LookupHistory, RegistryError } from "./client-error.ts";
import { notFound, type Registry, type RegistryKind, repoFailure } from "./registry.ts";
import {
  backoffMs,
  combineHistory,
  type FailureMap,
  KeyedMutex,
  MAX_ERRORS,
  ResolverCache,
  reposForRetry,
} from "./resolver-cache.ts";

const registry = (name: string, kind: RegistryKind): Registry => ({
  name,
  kind,
  priority: 0,
  vendorPrefixes: [],
  location: name,
  lookup: () => Promise.resolve(err(notFound)),
  list: () => Promise.resolve(err(notFound)),
});
const http = registry("HTTP", "Http");
const files = registry("Files", "Embedded");

const history = (repo: Registry, errors: RegistryError[], attempts: number, at: number): LookupHistory => ({
  repository: repo.name,
  errors,
  attempts,
  lastAttempt: new Date(at),
});

describe("backoffMs", () => {
  test("is 500 ms + 4^n, then + 3^n, then 2^n + 5 s, capped at a minute", () => {
    expect([0, 1, 2, 3, 7, 8].map(backoffMs)).toEqual([501, 504, 516, 564, 16_884, 60_000]);
    expect([9, 10, 12].map(backoffMs)).toEqual([20_183, 59_549, 60_000]);
    expect([13, 14, 20, 21, 100].map(backoffMs)).toEqual([13_692, 21_884, 60_000, 60_000, 60_000]);
  });
});

describe("reposForRetry", () => {
  test("skips NotFound, retries expired errors, and HTTP only after its backoff", () => {
    const failures: FailureMap = new Map([
      [http, history(http, [repoFailure("down")], 1, 1000)],
      [files, history(files, [repoFailure("EIO")], 1, 1000)],
    ]);
    expect(reposForRetry(failures, 1000 + 504)).toEqual([]);
    expect(reposForRetry(failures, 1000 + 505)).toEqual([http]);
    const gone: FailureMap = new Map([[http, history(http, [notFound, repoFailure("down")], 1, 0)]]);
    expect(reposForRetry(gone, 1e9)).toEqual([]);
    const expired: FailureMap = new Map([[files, history(files, [], 1, 0)]]);
    expect(reposForRetry(expired, 0)).toEqual([files]);
  });
});

describe("combineHistory", () => {
  test("unites errors (left first, at most 32), keeps the most attempts and the latest time", () => {
    const a = history(http, [repoFailure("a"), repoFailure("b")], 3, 10);
    const b = history(http, [repoFailure("b"), notFound], 5, 5);
    expect(combineHistory(a, b)).toEqual(
      history(http, [repoFailure("a"), repoFailure("b"), notFound], 5, 10),
    );
    const many = history(
      http,
      Array.from({ length: 40 }, (_, i) => repoFailure(String(i))),
      1,
      0,
    );
    expect(combineHistory(many, b).errors.length).toBe(MAX_ERRORS);
  });
});

describe("ResolverCache", () => {
  const failure = (e: RegistryError, at = 0): FailureMap => new Map([[http, history(http, [e], 1, at)]]);

  test("serves entries while fresh; an expired success is gone, an expired failure loses NotFound", () => {
    const cache = new ResolverCache<string>(10, 1000);
    cache.put("s", ok("schema"), 0);
    expect(cache.get("s", 999)?.value).toEqual(ok("schema"));
    expect(cache.get("s", 1000)).toBeUndefined();
    cache.put("f", err(failure(notFound)), 0);
    expect(cache.get("f", 999)?.value).toEqual(err(failure(notFound)));
    const expired = cache.get("f", 1000);
    expect(expired?.value.ok === false && expired.value.error.get(http)?.errors).toEqual([]);
    expect(expired?.storedAt).toBe(0);
    expect(cache.get("missing", 0)).toBeUndefined();
  });

  test("without a TTL, entries never expire", () => {
    const cache = new ResolverCache<string>(10, null);
    cache.put("s", ok("schema"), 0);
    expect(cache.get("s", 1e12)?.value).toEqual(ok("schema"));
  });

  test("a failure never overwrites a success, even an expired one: the success is re-stamped", () => {
    const cache = new ResolverCache<string>(10, 1000);
    cache.put("s", ok("schema"), 0);
    expect(cache.get("s", 5000)).toBeUndefined();
    expect(cache.put("s", err(failure(repoFailure("down"))), 5000)).toEqual(
      ok({ value: "schema", storedAt: 5000 }),
    );
    expect(cache.get("s", 5500)?.value).toEqual(ok("schema"));
  });

  test("failures merge; a success replaces a failure", () => {
    const cache = new ResolverCache<string>(10, null);
    cache.put("k", err(failure(repoFailure("one"), 1)), 1);
    const merged = cache.put("k", err(failure(repoFailure("two"), 2)), 2);
    expect(merged.ok === false && merged.error.get(http)?.errors).toEqual([
      repoFailure("one"),
      repoFailure("two"),
    ]);
    expect(cache.put("k", ok("schema"), 3)).toEqual(ok({ value: "schema", storedAt: 3 }));
  });

  test("keeps the cached object when a fresh success is the same", () => {
    const cache = new ResolverCache<{ text: string }>(10, null, (a, b) => a.text === b.text);
    const first = { text: "a" };
    cache.put("k", ok(first), 0);
    const again = cache.put("k", ok({ text: "a" }), 1);
    expect(again.ok && again.value.value).toBe(first);
    const changed = cache.put("k", ok({ text: "b" }), 2);
    expect(changed.ok && changed.value.value).not.toBe(first);
  });

  test("evicts the least recently used entry when full", () => {
    const cache = new ResolverCache<string>(2, null);
    cache.put("a", ok("a"), 0);
    cache.put("b", ok("b"), 0);
    cache.get("a", 0);
    cache.put("c", ok("c"), 0);
    expect(cache.size).toBe(2);
    expect(cache.get("b", 0)).toBeUndefined();
    expect(cache.get("a", 0)?.value).toEqual(ok("a"));
    expect(cache.get("c", 0)?.value).toEqual(ok("c"));
  });
});

describe("KeyedMutex", () => {
  test("runs one task per key at a time, other keys in parallel", async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = mutex.run("k", async () => {
      log.push("first start");
      await gate;
      log.push("first end");
    });
    const second = mutex.run("k", async () => {
      log.push("second");
    });
    const other = mutex.run("other", async () => {
      log.push("other");
    });
    await other;
    expect(log).toEqual(["first start", "other"]);
    release();
    await Promise.all([first, second]);
    expect(log).toEqual(["first start", "other", "first end", "second"]);
  });

  test("a failed task does not block the next", async () => {
    const mutex = new KeyedMutex();
    await expect(mutex.run("k", () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await mutex.run("k", async () => 1)).toBe(1);
  });
});
