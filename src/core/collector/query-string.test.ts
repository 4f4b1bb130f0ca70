/** @module Tests of single-parameter lookups in raw query strings (http4s `Query.params` semantics). */
import { describe, expect, test } from "bun:test";
import { formDecode, queryParam, withQueryParam } from "./query-string.ts";

describe("queryParam", () => {
  test("finds the first occurrence of a parameter", () => {
    expect(queryParam("nuid=a&e=pv", "nuid")).toBe("a");
    expect(queryParam("e=pv&nuid=a", "nuid")).toBe("a");
    expect(queryParam("e=pv&nuid=a&nuid=b", "nuid")).toBe("a");
  });

  test("ignores parameters whose name only ends or starts with it", () => {
    expect(queryParam("xnuid=a", "nuid")).toBeUndefined();
    expect(queryParam("nuidx=a", "nuid")).toBeUndefined();
  });

  test("a name without '=' has no value; 'name=' has the empty value", () => {
    expect(queryParam("nuid&e=pv", "nuid")).toBeUndefined();
    expect(queryParam("nuid=", "nuid")).toBe("");
  });

  test("form-decodes values and leaves malformed escapes alone", () => {
    expect(queryParam("u=https%3A%2F%2Facme.com%2Fa%20b", "u")).toBe("https://acme.com/a b");
    expect(queryParam("q=a+b", "q")).toBe("a b");
    expect(queryParam("q=100%", "q")).toBe("100%");
    expect(formDecode("plain")).toBe("plain");
  });
});

describe("withQueryParam", () => {
  test("appends a parameter", () => {
    expect(withQueryParam("", "n3pc", "true")).toBe("n3pc=true");
    expect(withQueryParam("e=pv", "n3pc", "true")).toBe("e=pv&n3pc=true");
  });
});
