/** @module Tests for the resolver config: every 1-0-* version, and errors that name the member. */
import { describe, expect, test } from "bun:test";
import {
  formatResolverConfigError,
  parseResolverConfig,
  parseResolverConfigText,
  type ResolverConfigIssue,
} from "./resolver-config.ts";

const wrap = (version: string, data: unknown) => ({
  schema: `iglu:com.snowplowanalytics.iglu/resolver-config/jsonschema/${version}`,
  data,
});

const igluCentral = {
  name: "Iglu Central",
  priority: 0,
  vendorPrefixes: ["com.snowplowanalytics"],
  connection: { http: { uri: "http://iglucentral.com" } },
};
const embedded = {
  name: "An embedded repo",
  priority: 100,
  vendorPrefixes: ["de.acompany.snowplow"],
  connection: { embedded: { path: "/embed-path" } },
};

function issues(json: unknown): readonly ResolverConfigIssue[] {
  const r = parseResolverConfig(json);
  if (r.ok) throw new Error("expected the config to be rejected");
  return r.error.issues;
}

describe("parseResolverConfig", () => {
  test("reads a 1-0-0 config (no apikey, no cacheTtl)", () => {
    const r = parseResolverConfig(wrap("1-0-0", { cacheSize: 500, repositories: [igluCentral, embedded] }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.cacheSize).toBe(500);
    expect(r.value.cacheTtl).toBeNull();
    expect(r.value.repositories).toEqual([
      {
        name: "Iglu Central",
        priority: 0,
        vendorPrefixes: ["com.snowplowanalytics"],
        connection: { kind: "http", uri: "http://iglucentral.com", apikey: null },
      },
      {
        name: "An embedded repo",
        priority: 100,
        vendorPrefixes: ["de.acompany.snowplow"],
        connection: { kind: "embedded", path: "/embed-path" },
      },
    ]);
  });

  test("reads apikey (1-0-1), cacheTtl (1-0-2) and a null cacheTtl (1-0-3)", () => {
    const withKey = {
      ...igluCentral,
      name: "Private",
      connection: { http: { uri: "https://iglu.acme.com/api", apikey: "6f6a-key" } },
    };
    const r = parseResolverConfig(wrap("1-0-2", { cacheSize: 10, cacheTtl: 600, repositories: [withKey] }));
    expect(r.ok && r.value.cacheTtl).toBe(600);
    expect(r.ok && r.value.repositories[0]!.connection).toEqual({
      kind: "http",
      uri: "https://iglu.acme.com/api",
      apikey: "6f6a-key",
    });
    const nullTtl = parseResolverConfig(wrap("1-0-3", { cacheSize: 10, cacheTtl: null, repositories: [] }));
    expect(nullTtl.ok && nullTtl.value.cacheTtl).toBeNull();
    expect(parseResolverConfig(wrap("1-0-1", { cacheSize: 0, repositories: [] })).ok).toBe(true);
  });

  test("accepts any 1-0-* and ignores unknown members, as Snowplow's decoder does", () => {
    const r = parseResolverConfig(
      wrap("1-0-9", { cacheSize: 1, repositories: [{ ...igluCentral, extra: true }], comment: "x" }),
    );
    expect(r.ok).toBe(true);
  });

  test("rejects other schemas with Snowplow's message", () => {
    expect(issues(wrap("2-0-0", { cacheSize: 1, repositories: [] }))).toEqual([
      {
        path: "$.schema",
        message:
          "Schema iglu:com.snowplowanalytics.iglu/resolver-config/jsonschema/2-0-0 does not match criterion " +
          "iglu:com.snowplowanalytics.iglu/resolver-config/jsonschema/1-0-*",
      },
    ]);
    expect(issues({ cacheSize: 1 })[0]!.path).toBe("$");
  });

  test("names the offending member of each problem, all at once", () => {
    const found = issues(
      wrap("1-0-3", {
        cacheSize: "500",
        cacheTtl: -1,
        repositories: [
          { ...igluCentral, priority: "high" },
          { ...embedded, vendorPrefixes: "com.acme" },
          { ...embedded, name: 7, connection: { embedded: {} } },
          { ...igluCentral, name: "x", connection: { http: { uri: "iglucentral.com", apikey: 5 } } },
          { ...igluCentral, name: "y", connection: {} },
          { ...igluCentral, name: "z", connection: { http: { uri: "http://a" }, embedded: { path: "/p" } } },
        ],
      }),
    );
    expect(found.map((i) => i.path)).toEqual([
      "$.data.cacheSize",
      "$.data.cacheTtl",
      "$.data.repositories[0].priority",
      "$.data.repositories[1].vendorPrefixes",
      "$.data.repositories[2].name",
      "$.data.repositories[2].connection.embedded.path",
      "$.data.repositories[3].connection.http.uri",
      "$.data.repositories[3].connection.http.apikey",
      "$.data.repositories[4].connection",
      "$.data.repositories[5].connection",
    ]);
    expect(found[0]!.message).toBe('must be an integer, got "500"');
  });

  test("requires unique repository names (Resolver.validateRefs)", () => {
    expect(
      issues(
        wrap("1-0-0", { cacheSize: 1, repositories: [igluCentral, embedded, igluCentral, igluCentral] }),
      ),
    ).toEqual([
      {
        path: "$.data.repositories",
        message: "Repository names must be unique, Iglu Central encountered 3 times",
      },
    ]);
  });

  test("requires cacheSize and repositories", () => {
    expect(issues(wrap("1-0-0", {})).map((i) => i.path)).toEqual(["$.data.cacheSize", "$.data.repositories"]);
    expect(issues(wrap("1-0-0", [])).map((i) => i.path)).toEqual(["$.data"]);
  });
});

describe("parseResolverConfigText", () => {
  test("reports text that is not JSON at $", () => {
    const r = parseResolverConfigText("{ nope");
    expect(!r.ok && r.error.issues[0].path).toBe("$");
  });

  test("formats errors one per line", () => {
    const r = parseResolverConfigText(JSON.stringify(wrap("1-0-0", { cacheSize: 1 })));
    expect(!r.ok && formatResolverConfigError(r.error)).toBe(
      "Invalid Iglu resolver config:\n  $.data.repositories: must be an array, missing",
    );
  });
});
