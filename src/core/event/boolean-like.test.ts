import { describe, expect, test } from "bun:test";
import { formatBooleanLike, parseBooleanLike } from "./boolean-like.ts";

describe("boolean-like columns", () => {
  test("are 1 and 0", () => {
    expect(formatBooleanLike(true)).toBe("1");
    expect(formatBooleanLike(false)).toBe("0");
    expect(parseBooleanLike("1")).toEqual({ ok: true, value: true });
    expect(parseBooleanLike("0")).toEqual({ ok: true, value: false });
  });

  test("accept nothing else", () => {
    for (const bad of ["", "true", "false", "01", "2", "-1", " 1", "1.0", "yes"]) {
      expect(parseBooleanLike(bad).ok).toBe(false);
    }
  });
});
