/** @module Tests for the publish consistency checks, after the reference's VersionCursorSpec. */
import { describe, expect, test } from "bun:test";
import { parseSchemaVer, type SchemaVer } from "../../core/iglu/schema-ver.ts";
import { inconsistencyMessage, publishProblem, sequencingProblem } from "./version-cursor.ts";

const v = (text: string): SchemaVer => {
  const parsed = parseSchemaVer(text);
  if (!parsed.ok) throw new Error(text);
  return parsed.value;
};
const vs = (...texts: string[]) => texts.map(v);
const group = (...texts: string[]) => texts.map((t) => ({ version: v(t), isPublic: false }));

describe("sequencing (isVersionAllowed)", () => {
  test("VersionCursorSpec e1-e5 and e10", () => {
    expect(sequencingProblem(vs("1-0-0", "1-0-1"), v("1-1-0"))).toBeNull();
    expect(sequencingProblem(vs("1-0-0", "1-1-0", "1-0-1"), v("2-0-0"))).toBeNull();
    expect(sequencingProblem(vs("1-0-0", "1-1-0"), v("3-0-0"))).toEqual({ kind: "PreviousMissing" });
    expect(sequencingProblem(vs("1-0-0", "1-1-0", "1-1-1"), v("1-1-2"))).toBeNull();
    expect(sequencingProblem(vs("1-0-0", "1-1-0", "1-1-1"), v("1-1-3"))).toEqual({ kind: "PreviousMissing" });
    expect(sequencingProblem(vs("1-0-0", "1-1-0"), v("1-0-1"))).toEqual({ kind: "NextRevisionExists" });
  });

  test("1-0-0 always starts a group; other starts need their predecessor", () => {
    expect(sequencingProblem([], v("1-0-0"))).toBeNull();
    expect(sequencingProblem([], v("2-0-0"))).toEqual({ kind: "PreviousMissing" });
    expect(sequencingProblem([], v("1-1-0"))).toEqual({ kind: "PreviousMissing" });
    expect(sequencingProblem(vs("1-0-0"), v("1-2-0"))).toEqual({ kind: "PreviousMissing" });
    expect(sequencingProblem(vs("1-0-0", "1-1-0"), v("1-2-0"))).toBeNull();
    // M-0-0 needs any (M-1)-x-x, even a late one.
    expect(sequencingProblem(vs("1-0-0", "1-3-2", "2-0-0"), v("3-0-0"))).toBeNull();
  });
});

describe("isSchemaAllowed", () => {
  test("VersionCursorSpec e6-e9", () => {
    expect(publishProblem(group("1-0-0"), v("1-0-0"), false, true, [])).toBeNull();
    expect(publishProblem(group("1-0-0"), v("1-0-0"), false, false, [])).toEqual({ kind: "AlreadyExists" });
    expect(publishProblem(group("1-0-0"), v("2-0-0"), false, false, vs("1-0-1"))).toEqual({
      kind: "SupersededMissing",
    });
    expect(publishProblem(group("1-0-0", "2-0-0"), v("1-0-1"), false, false, vs("2-0-0"))).toEqual({
      kind: "SupersededInvalid",
    });
  });

  test("availability comes first and only applies to a non-empty group", () => {
    const publicGroup = [{ version: v("1-0-0"), isPublic: true }];
    expect(publishProblem(publicGroup, v("1-0-0"), false, false, [])).toEqual({
      kind: "Availability",
      isPublic: false,
      previousPublic: true,
    });
    expect(publishProblem([], v("1-0-0"), true, false, [])).toBeNull();
    const mixed = [...publicGroup, { version: v("1-0-1"), isPublic: false }];
    expect(publishProblem(mixed, v("1-0-2"), false, false, [])).toBeNull();
    expect(publishProblem(mixed, v("1-0-2"), true, false, [])?.kind).toBe("Availability");
  });

  test("listing a superseded version twice is refused, as Scala's multiset diff does", () => {
    expect(publishProblem(group("1-0-0"), v("1-0-1"), false, false, vs("1-0-0", "1-0-0"))).toEqual({
      kind: "SupersededMissing",
    });
  });

  test("messages are the reference's", () => {
    expect(inconsistencyMessage({ kind: "Availability", isPublic: true, previousPublic: false })).toBe(
      "Inconsistent schema availability. Cannot add public schema, previous versions are private",
    );
    expect(inconsistencyMessage({ kind: "NextRevisionExists" })).toBe("The schema version is not sequential");
    expect(inconsistencyMessage({ kind: "PreviousMissing" })).toBe(
      "Preceding SchemaVer in the group is missing, check that schemas published in proper order",
    );
  });
});
