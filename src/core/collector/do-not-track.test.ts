/** @module Tests of the do-not-track cookie matcher (a full-match regular expression). */
import { describe, expect, test } from "bun:test";
import { doNotTrackMatcher } from "./do-not-track.ts";

describe("doNotTrackMatcher", () => {
  test("matches the whole value of the named cookie", () => {
    const dnt = doNotTrackMatcher({ enabled: true, name: "dnt", value: "1|yes" });
    expect(dnt("dnt=yes; sp=abc")).toBe(true);
    expect(dnt("sp=abc; dnt=1")).toBe(true);
    expect(dnt("dnt=yesplease")).toBe(false);
    expect(dnt("dnt=0")).toBe(false);
    expect(dnt("other=yes")).toBe(false);
    expect(dnt(undefined)).toBe(false);
  });

  test("Java-style patterns work", () => {
    const dnt = doNotTrackMatcher({ enabled: true, name: "consent", value: "no-.*" });
    expect(dnt("consent=no-analytics")).toBe(true);
    expect(dnt("consent=yes")).toBe(false);
  });

  test("disabled never matches", () => {
    const dnt = doNotTrackMatcher({ enabled: false, name: "dnt", value: ".*" });
    expect(dnt("dnt=1")).toBe(false);
  });

  test("an invalid pattern is refused when compiled", () => {
    expect(() => doNotTrackMatcher({ enabled: true, name: "dnt", value: "(" })).toThrow(SyntaxError);
  });
});
