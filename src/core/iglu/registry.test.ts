/** @module Tests for registry basics: iglu-core's SchemaList rules, vendor prefixes, error equality. */
import { describe, expect, test } from "bun:test";
import { notFound, parseSchemaList, repoFailure, sameRegistryError, vendorMatched } from "./registry.ts";
import { formatSchemaKey } from "./schema-key.ts";

const uri = (v: string) => `iglu:com.acme/click/jsonschema/${v}`;

describe("parseSchemaList", () => {
  test("keeps the registry's order", () => {
    const list = parseSchemaList([uri("1-0-0"), uri("1-1-0"), uri("1-0-1")]);
    expect(list.ok && list.value.map(formatSchemaKey)).toEqual([uri("1-0-0"), uri("1-1-0"), uri("1-0-1")]);
  });

  test("rejects what iglu-core rejects, with its messages", () => {
    const prefix = "Cannot parse list of strings into SchemaList. ";
    const cases: [unknown, string][] = [
      [[], `${prefix}SchemaList cannot be empty`],
      [[uri("1-0-1")], `${prefix}Init schema ${uri("1-0-1")} is not 1-0-0`],
      [
        [uri("1-0-0"), "iglu:com.acme/other/jsonschema/1-0-1"],
        `${prefix}SchemaKey iglu:com.acme/other/jsonschema/1-0-1 does not match previous vendor (com.acme) or name (other)`,
      ],
      [[uri("1-0-0"), uri("1-0-0")], `${prefix}SchemaKey ${uri("1-0-0")} is not unique`],
      [
        [uri("1-0-0"), "iglu:com.acme/click/1-0-1"],
        `${prefix}iglu:com.acme/click/1-0-1 - Invalid Iglu URI: iglu:com.acme/click/1-0-1, code: INVALID_IGLUURI`,
      ],
    ];
    for (const [json, message] of cases) expect(parseSchemaList(json)).toEqual({ ok: false, error: message });
    expect(parseSchemaList({ a: 1 }).ok).toBe(false);
    expect(parseSchemaList([1]).ok).toBe(false);
  });
});

describe("vendorMatched", () => {
  test("is a plain prefix test, as Snowplow's", () => {
    const ref = { name: "r", priority: 0, vendorPrefixes: ["com.acme"] };
    expect(vendorMatched(ref, "com.acme")).toBe(true);
    expect(vendorMatched(ref, "com.acme.marketing")).toBe(true);
    expect(vendorMatched(ref, "com.acmeinc")).toBe(true);
    expect(vendorMatched(ref, "com.snowplowanalytics")).toBe(false);
    expect(vendorMatched({ ...ref, vendorPrefixes: [] }, "com.acme")).toBe(false);
  });
});

describe("sameRegistryError", () => {
  test("compares kind and message", () => {
    expect(sameRegistryError(notFound, { kind: "NotFound" })).toBe(true);
    expect(sameRegistryError(repoFailure("a"), repoFailure("a"))).toBe(true);
    expect(sameRegistryError(repoFailure("a"), repoFailure("b"))).toBe(false);
    expect(sameRegistryError(repoFailure("a"), { kind: "ClientFailure", message: "a" })).toBe(false);
    expect(sameRegistryError(notFound, repoFailure("NotFound"))).toBe(false);
  });
});
