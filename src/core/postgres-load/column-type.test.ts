import { describe, expect, test } from "bun:test";
import { canBeNull, codePointLength, columnTypeOf, formatPgType, pgTypeOfColumn } from "./column-type.ts";

const typeOf = (schema: Record<string, unknown>) => formatPgType(columnTypeOf(schema));

describe("columnTypeOf (Type.scala dataTypeSuggestions, first match wins)", () => {
  test("enums of mixed JSON kinds are JSONB", () => {
    expect(typeOf({ enum: [1, "a"] })).toBe("JSONB");
    expect(typeOf({ enum: ["a", true] })).toBe("JSONB");
    expect(typeOf({ enum: [1, false, null] })).toBe("JSONB");
  });

  test("unions of types and arrays are JSONB", () => {
    expect(typeOf({ type: ["string", "integer"] })).toBe("JSONB");
    expect(typeOf({ type: "array", items: { type: "string" } })).toBe("JSONB");
    expect(typeOf({ type: ["array", "null"] })).toBe("JSONB");
    expect(typeOf({ type: "object" })).toBe("JSONB");
  });

  test("date-time strings are TIMESTAMP and date strings DATE, nullable or not", () => {
    expect(typeOf({ type: "string", format: "date-time" })).toBe("TIMESTAMP");
    expect(typeOf({ type: ["string", "null"], format: "date-time" })).toBe("TIMESTAMP");
    expect(typeOf({ type: "string", format: "date" })).toBe("DATE");
  });

  test("integers: INTEGER up to 2^31-1, BIGINT beyond or without a maximum", () => {
    expect(typeOf({ type: "integer", maximum: 100 })).toBe("INTEGER");
    expect(typeOf({ type: "integer", maximum: 2147483647 })).toBe("INTEGER");
    expect(typeOf({ type: "integer", maximum: 2147483648 })).toBe("BIGINT");
    expect(typeOf({ type: "integer" })).toBe("BIGINT");
    expect(typeOf({ type: ["integer", "null"], minimum: 0, maximum: 10 })).toBe("INTEGER");
    expect(typeOf({ type: "integer", enum: [1, 2, 3] })).toBe("INTEGER");
    expect(typeOf({ type: "integer", enum: [1, 3000000000] })).toBe("BIGINT");
  });

  test("a minimum below -2^31 makes BIGINT too (Snowplow looks at the maximum only)", () => {
    expect(typeOf({ type: "integer", minimum: -3000000000, maximum: 0 })).toBe("BIGINT");
  });

  test("an untyped enum of integers is INTEGER whether or not it is required", () => {
    expect(typeOf({ enum: [1, 2] })).toBe("INTEGER");
    expect(typeOf({ enum: [1, 2, null] })).toBe("INTEGER");
    expect(typeOf({ enum: [1, 5000000000] })).toBe("BIGINT");
  });

  test("an integer multipleOf makes INTEGER", () => {
    expect(typeOf({ type: "number", multipleOf: 1 })).toBe("INTEGER");
  });

  test("numbers are DOUBLE PRECISION; an integer-or-number union is a union (JSONB), as in Snowplow", () => {
    expect(typeOf({ type: "number" })).toBe("DOUBLE PRECISION");
    expect(typeOf({ type: ["number", "null"], multipleOf: 0.01 })).toBe("DOUBLE PRECISION");
    expect(typeOf({ type: ["integer", "number"] })).toBe("JSONB");
  });

  test("booleans are BOOLEAN, and so is a boolean enum (Snowplow makes it JSONB)", () => {
    expect(typeOf({ type: "boolean" })).toBe("BOOLEAN");
    expect(typeOf({ type: ["boolean", "null"] })).toBe("BOOLEAN");
    expect(typeOf({ enum: [true, false] })).toBe("BOOLEAN");
  });

  test("strings: CHAR for fixed lengths, UUID, VARCHAR(maxLength), VARCHAR(4096), enums", () => {
    expect(typeOf({ type: "string", minLength: 2, maxLength: 2 })).toBe("CHAR(2)");
    expect(typeOf({ type: "string", format: "uuid" })).toBe("UUID");
    expect(typeOf({ type: "string", maxLength: 64 })).toBe("VARCHAR(64)");
    expect(typeOf({ type: ["string", "null"], maxLength: 255 })).toBe("VARCHAR(255)");
    expect(typeOf({ type: "string" })).toBe("VARCHAR(4096)");
    expect(typeOf({ type: "string", enum: ["small", "medium", "large"] })).toBe("VARCHAR(6)");
    expect(typeOf({ enum: ["small", "large", null] })).toBe("VARCHAR(5)");
  });

  test("anything else is JSONB", () => {
    expect(typeOf({})).toBe("JSONB");
    expect(typeOf({ type: "null" })).toBe("JSONB");
    expect(typeOf({ oneOf: [{ type: "string" }, { type: "integer" }] })).toBe("JSONB");
  });
});

describe("canBeNull", () => {
  test("null in the type or in the enum", () => {
    expect(canBeNull({ type: ["string", "null"] })).toBe(true);
    expect(canBeNull({ type: "null" })).toBe(true);
    expect(canBeNull({ enum: ["a", null] })).toBe(true);
    expect(canBeNull({ type: "string" })).toBe(false);
    expect(canBeNull({})).toBe(false);
  });
});

describe("pgTypeOfColumn (information_schema.columns)", () => {
  test("reads the types the loader creates", () => {
    expect(pgTypeOfColumn("character varying", 255)).toEqual({ kind: "varchar", length: 255 });
    expect(pgTypeOfColumn("character", 2)).toEqual({ kind: "char", length: 2 });
    expect(pgTypeOfColumn("timestamp without time zone", null)).toEqual({ kind: "timestamp" });
    expect(pgTypeOfColumn("double precision", null)).toEqual({ kind: "double" });
    expect(pgTypeOfColumn("jsonb", null)).toEqual({ kind: "jsonb" });
    expect(pgTypeOfColumn("uuid", null)).toEqual({ kind: "uuid" });
    expect(pgTypeOfColumn("date", null)).toEqual({ kind: "date" });
  });

  test("maps other types to the nearest one it writes", () => {
    expect(pgTypeOfColumn("text", null)).toEqual({ kind: "varchar", length: null });
    expect(pgTypeOfColumn("smallint", null)).toEqual({ kind: "integer" });
    expect(pgTypeOfColumn("numeric", null)).toEqual({ kind: "double" });
    expect(pgTypeOfColumn("json", null)).toEqual({ kind: "jsonb" });
    expect(pgTypeOfColumn("tsvector", null)).toEqual({ kind: "varchar", length: null });
  });
});

describe("codePointLength", () => {
  test("counts a surrogate pair once, as Postgres counts characters", () => {
    expect(codePointLength("abc")).toBe(3);
    expect(codePointLength("😀😀")).toBe(2);
    expect(codePointLength("é")).toBe(1);
    expect(codePointLength("\ud800x")).toBe(2);
  });
});
