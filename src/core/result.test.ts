import { describe, expect, test } from "bun:test";
import { err, ok, type Result } from "./result.ts";

describe("Result", () => {
  test("narrows on ok", () => {
    const r: Result<number, string> = Math.random() < 2 ? ok(1) : err("never");
    expect(r.ok ? r.value : -1).toBe(1);
    const e: Result<number, string> = err("bad");
    expect(e.ok ? "" : e.error).toBe("bad");
  });
});
