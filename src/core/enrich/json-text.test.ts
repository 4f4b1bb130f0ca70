/** @module Tests of JSON parsing with Enrich's depth limit. */
import { describe, expect, test } from "bun:test";
import { exceedsJsonDepth, parseJsonText, setMember } from "./json-text.ts";

describe("parseJsonText", () => {
  test("parses, or says why not with Enrich's prefix", () => {
    expect(parseJsonText('{"a":[1]}', 50)).toEqual({ ok: true, value: { a: [1] } });
    const bad = parseJsonText("{", 50);
    expect(!bad.ok && bad.error).toContain("invalid json: ");
  });

  test("counts the top value as level 1, as Enrich's check does", () => {
    const nest = (n: number) => "[".repeat(n) + "]".repeat(n);
    expect(exceedsJsonDepth(JSON.parse(nest(50)), 50)).toBe(false);
    expect(exceedsJsonDepth(JSON.parse(nest(51)), 50)).toBe(true);
    expect(exceedsJsonDepth(JSON.parse("[[[1]]]"), 3)).toBe(true);
    expect(exceedsJsonDepth(JSON.parse("[[[]]]"), 3)).toBe(false);
    const r = parseJsonText(nest(51), 50);
    expect(!r.ok && r.error).toBe("invalid json: maximum allowed JSON depth exceeded");
  });

  test("survives nesting deeper than the engine's parser allows", () => {
    const deep = "[".repeat(200_000) + "]".repeat(200_000);
    expect(parseJsonText(deep, 50).ok).toBe(false);
  });

  test("setMember keeps a __proto__ key as data", () => {
    const o: Record<string, unknown> = {};
    setMember(o, "__proto__", { polluted: true });
    expect(JSON.stringify(o)).toBe('{"__proto__":{"polluted":true}}');
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });
});
