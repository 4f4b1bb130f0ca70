/** @module Tests of query-string parsing as Enrich reads it (HttpClient over Java's URI). */
import { describe, expect, test } from "bun:test";
import { decodeFormField, javaUriQueryProblem, parameterMap, parseQueryString } from "./query-string.ts";

const utf8 = new TextDecoder();
const parse = (q: string) => parseQueryString(q, utf8);

describe("parseQueryString", () => {
  test("decodes pairs, + as space and %XX as UTF-8", () => {
    expect(parse("e=pv&page=Home+page%20%E2%9C%93&x")).toEqual({
      ok: true,
      value: [
        { name: "e", value: "pv" },
        { name: "page", value: "Home page ✓" },
        { name: "x", value: null },
      ],
    });
  });

  test("separates on ; as well, skips empty names and keeps empty values", () => {
    const r = parse("a=1;b=&=skipped&&c");
    expect(r.ok && r.value).toEqual([
      { name: "a", value: "1" },
      { name: "b", value: "" },
      { name: "c", value: null },
    ]);
  });

  test("stops at a fragment and keeps '=' inside values", () => {
    const r = parse("u=http%3A%2F%2Fx%2F%3Fa%3D1&k=v=w#frag=1");
    expect(r.ok && r.value).toEqual([
      { name: "u", value: "http://x/?a=1" },
      { name: "k", value: "v=w" },
    ]);
  });

  test("leaves a bad escape as it is", () => {
    expect(decodeFormField("100%-sure%2", utf8)).toBe("100%-sure%2");
  });

  test("an empty query has no pairs", () => {
    expect(parse("")).toEqual({ ok: true, value: [] });
  });

  test("rejects what Java's URI rejects, with Java's message", () => {
    expect(javaUriQueryProblem("a=b c")).toBe(
      "Illegal character in query at index 21: http://localhost/?a=b c",
    );
    expect(javaUriQueryProblem("a=%zz")).toBe("Malformed escape pair at index 20: http://localhost/?a=%zz");
    expect(javaUriQueryProblem("a=1#b|c")).toBe(
      "Illegal character in fragment at index 23: http://localhost/?a=1#b|c",
    );
    for (const bad of ['"', "<", ">", "\\", "^", "`", "{", "|", "}", "\u0000", "\u00a0"]) {
      expect(parse(`a=${bad}`).ok).toBe(false);
    }
    expect(parse("a=[ok]&b=é").ok).toBe(true);
  });

  test("raw non-ASCII characters are read as one byte each, as HttpClient does", () => {
    const r = parse("a=é");
    expect(r.ok && r.value[0]!.value).toBe("\uFFFD");
    const latin1 = parseQueryString("a=%E9", new TextDecoder("iso-8859-1"));
    expect(latin1.ok && latin1.value[0]!.value).toBe("é");
  });

  test("parameterMap lets a later pair win", () => {
    expect([
      ...parameterMap([
        { name: "a", value: "1" },
        { name: "b", value: null },
        { name: "a", value: "2" },
      ]),
    ]).toEqual([
      ["a", "2"],
      ["b", null],
    ]);
  });
});
