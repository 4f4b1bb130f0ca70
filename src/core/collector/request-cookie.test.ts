/** @module Tests of reading one cookie out of a Cookie header. */
import { describe, expect, test } from "bun:test";
import { cookieValue, hasCookie } from "./request-cookie.ts";

describe("cookieValue", () => {
  test("finds a cookie anywhere in the header", () => {
    expect(cookieValue("sp=abc", "sp")).toBe("abc");
    expect(cookieValue("_ga=1; sp=abc; other=2", "sp")).toBe("abc");
    expect(cookieValue("_ga=1;sp=abc", "sp")).toBe("abc");
    expect(cookieValue("a=1; sp=abc  ", "sp")).toBe("abc");
  });

  test("matches the whole name, not a suffix or prefix", () => {
    expect(cookieValue("xsp=1; spx=2", "sp")).toBeUndefined();
    expect(cookieValue("sp_id=1", "sp")).toBeUndefined();
  });

  test("the first of repeated cookies wins, and an empty value is a value", () => {
    expect(cookieValue("sp=first; sp=second", "sp")).toBe("first");
    expect(cookieValue("sp=", "sp")).toBe("");
    expect(hasCookie("sp=", "sp")).toBe(true);
  });

  test("no header, no cookie", () => {
    expect(cookieValue(undefined, "sp")).toBeUndefined();
    expect(cookieValue("", "sp")).toBeUndefined();
    expect(hasCookie("a=b", "sp")).toBe(false);
  });
});
