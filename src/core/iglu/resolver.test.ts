/**
 * @module
 * Tests for the resolver with scripted registries and a manual clock: lookup order, lookup
 * histories, caching and backoff (after iglu-scala-client's ResolverSpec e1–e8), superseding,
 * validation errors, lists, `lookupSchemasUntil` and `isNotFound`.
 */
import { describe, expect, test } from "bun:test";
import { err, ok, type Result } from "../result.ts";
import { clientErrorJson, type RegistryError } from "./client-error.ts";
import { notFound, type Registry, type RegistryKind, repoFailure, type SchemaList } from "./registry.ts";
import { staticSourceFromMap } from "./registry-embedded.ts";
import { InMemoryRegistry } from "./registry-in-memory.ts";
import { EMBEDDED_REGISTRY_NAME, type ResolutionError, Resolver, resolverFromConfig } from "./resolver.ts";
import { ManualClock } from "./resolver-clock.ts";
import { parseResolverConfig } from "./resolver-config.ts";
import { formatSchemaKey, parseSchemaKey, type SchemaKey } from "./schema-key.ts";
import { SELF_DESCRIBING_METASCHEMA_URI } from "./self-describing-schema.ts";

const key = (uri: string): SchemaKey => {
  const r = parseSchemaKey(uri);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

const schemaJson = (uri: string, body: Record<string, unknown> = { type: "object" }) => {
  const k = key(uri);
  const v = k.version;
  return {
    $schema: SELF_DESCRIBING_METASCHEMA_URI,
    self: {
      vendor: k.vendor,
      name: k.name,
      format: k.format,
      version: `${v.model}-${v.revision}-${v.addition}`,
    },
    ...body,
  };
};

/** A registry that answers from a script and counts requests. */
class ScriptedRegistry implements Registry {
  readonly requests: string[] = [];
  readonly location: string;
  constructor(
    readonly name: string,
    readonly kind: RegistryKind,
    readonly priority: number,
    readonly vendorPrefixes: readonly string[],
    readonly answer: (uri: string, call: number) => Result<unknown, RegistryError>,
    readonly listAnswer: (path: string) => Result<SchemaList, RegistryError> = () => err(notFound),
    location?: string,
  ) {
    this.location = location ?? `http://${name.toLowerCase().replaceAll(" ", "-")}.example`;
  }
  lookup(k: SchemaKey): Promise<Result<unknown, RegistryError>> {
    const uri = formatSchemaKey(k);
    this.requests.push(uri);
    return Promise.resolve(this.answer(uri, this.requests.length));
  }
  list(vendor: string, name: string, model: number): Promise<Result<SchemaList, RegistryError>> {
    const path = `${vendor}/${name}/${model}`;
    this.requests.push(`list ${path}`);
    return Promise.resolve(this.listAnswer(path));
  }
}

/** A registry serving a fixed set of schemas by URI. */
const serving = (
  name: string,
  schemas: Record<string, unknown>,
  opts: { kind?: RegistryKind; priority?: number; prefixes?: string[]; location?: string } = {},
) =>
  new ScriptedRegistry(
    name,
    opts.kind ?? "Http",
    opts.priority ?? 0,
    opts.prefixes ?? [],
    (uri) => (Object.hasOwn(schemas, uri) ? ok(structuredClone(schemas[uri])) : err(notFound)),
    () => err(notFound),
    opts.location,
  );

/** Answers in order from a list of results, one per request. */
const sequence = (name: string, answers: Result<unknown, RegistryError>[]) =>
  new ScriptedRegistry(name, "Http", 1, ["com.snowplowanalytics.iglu-test"], (_uri, call) => {
    const a = answers[call - 1];
    if (a === undefined) throw new Error(`unexpected request ${call} to ${name}`);
    return a;
  });

const T0 = Date.UTC(2024, 0, 1);
const mockKey = key("iglu:com.snowplowanalytics.iglu-test/mock_schema/jsonschema/1-0-0");

function resolution(result: Result<unknown, ResolutionError | unknown>): ResolutionError {
  if (result.ok) throw new Error("expected a failure");
  return result.error as ResolutionError;
}

describe("Resolver.prioritize", () => {
  test("vendor-prefix match, then class (in-memory, embedded, HTTP), then priority (ResolverSpec e1)", () => {
    const embed = (name: string, prefix: string, priority: number) =>
      serving(name, {}, { kind: "Embedded", priority, prefixes: [prefix] });
    const one = embed("one", "com.acme", 0);
    const two = embed("two", "de.acompany.snowplow", 40);
    const three = embed("three", "de.acompany.snowplow", 100);
    const central = serving("Iglu Central", {}, { priority: 10, prefixes: ["com.snowplowanalytics"] });
    const memory = serving("memory", {}, { kind: "InMemory", priority: 50 });
    const resolver = new Resolver([central, one, three, two, memory], { cacheSize: 10 });
    const order = resolver.prioritize("de.acompany.snowplow").map((r) => r.name);
    expect(order).toEqual(["two", "three", "memory", EMBEDDED_REGISTRY_NAME, "one", "Iglu Central"]);
  });
});

describe("Resolver.lookupSchema", () => {
  test("takes the first success in priority order", async () => {
    const low = serving("Low", { [formatSchemaKey(mockKey)]: { from: "low" } }, { priority: 5 });
    const high = serving("High", { [formatSchemaKey(mockKey)]: { from: "high" } }, { priority: 1 });
    const resolver = new Resolver([low, high], { cacheSize: 10 });
    expect(await resolver.lookupSchema(mockKey)).toEqual(ok({ from: "high" }));
    expect(low.requests).toEqual([]);
  });

  test("a vendor prefix beats priority and class", async () => {
    const acme = serving(
      "Acme",
      { [formatSchemaKey(mockKey)]: { from: "acme" } },
      {
        priority: 100,
        prefixes: ["com.snowplowanalytics.iglu"],
      },
    );
    const memory = serving(
      "Memory",
      { [formatSchemaKey(mockKey)]: { from: "memory" } },
      { kind: "InMemory" },
    );
    const resolver = new Resolver([memory, acme], { cacheSize: 10 });
    expect(await resolver.lookupSchema(mockKey)).toEqual(ok({ from: "acme" }));
  });

  test("reports every registry's history, sorted by name, in Snowplow's JSON", async () => {
    const clock = new ManualClock(T0);
    const b = serving("B repo", {});
    const a = sequence("A repo", [err(repoFailure("Unexpected server response: oops"))]);
    const resolver = new Resolver([b, a], { cacheSize: 10, clock });
    const error = resolution(await resolver.lookupSchema(mockKey));
    expect(clientErrorJson(error)).toEqual({
      error: "ResolutionError",
      lookupHistory: [
        {
          errors: [{ error: "RepoFailure", message: "Unexpected server response: oops" }],
          attempts: 1,
          lastAttempt: "2024-01-01T00:00:00Z",
          repository: "A repo",
        },
        {
          errors: [{ error: "NotFound" }],
          attempts: 1,
          lastAttempt: "2024-01-01T00:00:00Z",
          repository: "B repo",
        },
        {
          errors: [{ error: "NotFound" }],
          attempts: 1,
          lastAttempt: "2024-01-01T00:00:00Z",
          repository: EMBEDDED_REGISTRY_NAME,
        },
      ],
    });
  });

  test("caches a failure and retries an HTTP registry only after its backoff (ResolverSpec e6)", async () => {
    const clock = new ManualClock(3);
    const repo = sequence("Mock Repo", [err(repoFailure("shouldn't matter")), ok(null)]);
    const resolver = new Resolver([repo], { cacheSize: 10, clock });
    const first = resolution(await resolver.lookupSchema(mockKey));
    const second = resolution(await resolver.lookupSchema(mockKey));
    for (const e of [first, second]) {
      expect(e.lookupHistory.find((h) => h.repository === "Mock Repo")).toEqual({
        repository: "Mock Repo",
        errors: [repoFailure("shouldn't matter")],
        attempts: 1,
        lastAttempt: new Date(3),
      });
    }
    clock.advance(600);
    expect(await resolver.lookupSchema(mockKey)).toEqual(ok(null));
    expect(repo.requests.length).toBe(2);
  });

  test("keeps retrying after expiry and never lets a failure overwrite a success (ResolverSpec e7)", async () => {
    const clock = new ManualClock(0);
    const repo = sequence("Mock Repo", [
      err(repoFailure("Timeout exception 1")),
      err(repoFailure("Timeout exception 2")),
      ok({ correct: true }),
      err(repoFailure("Should never be reached")),
    ]);
    const resolver = new Resolver([repo], { cacheSize: 10, cacheTtlSeconds: 1, clock });
    await resolver.lookupSchema(mockKey);
    clock.advance(2000);
    await resolver.lookupSchema(mockKey);
    clock.advance(2000);
    await resolver.lookupSchema(mockKey);
    clock.advance(2000);
    expect(await resolver.lookupSchema(mockKey)).toEqual(ok({ correct: true }));
    expect(repo.requests.length).toBe(4);
  });

  test("accumulates the errors of every attempt per registry (ResolverSpec e8)", async () => {
    const clock = new ManualClock(5);
    const one = sequence("Mock Repo 1", [
      err(repoFailure("Timeout exception")),
      err(repoFailure("Network exception")),
    ]);
    const two = sequence("Mock Repo 2", [
      err(repoFailure("Unknown exception")),
      err(repoFailure("Server segfault")),
    ]);
    const resolver = new Resolver([one, two], { cacheSize: 10, cacheTtlSeconds: 100, clock });
    await resolver.lookupSchema(mockKey);
    clock.advance(2000);
    const error = resolution(await resolver.lookupSchema(mockKey));
    expect(error.lookupHistory).toEqual([
      { repository: EMBEDDED_REGISTRY_NAME, errors: [notFound], attempts: 1, lastAttempt: new Date(5) },
      {
        repository: "Mock Repo 1",
        errors: [repoFailure("Timeout exception"), repoFailure("Network exception")],
        attempts: 2,
        lastAttempt: new Date(2005),
      },
      {
        repository: "Mock Repo 2",
        errors: [repoFailure("Unknown exception"), repoFailure("Server segfault")],
        attempts: 2,
        lastAttempt: new Date(2005),
      },
    ]);
    expect(one.requests.length + two.requests.length).toBe(4);
  });

  test("a NotFound is cached until the TTL expires, then every registry is asked again", async () => {
    const clock = new ManualClock(T0);
    let published = false;
    const repo = new ScriptedRegistry("Repo", "Http", 0, [], () =>
      published ? ok({ late: true }) : err(notFound),
    );
    const resolver = new Resolver([repo], { cacheSize: 10, cacheTtlSeconds: 60, clock });
    expect((await resolver.lookupSchema(mockKey)).ok).toBe(false);
    published = true;
    clock.advance(59_999);
    expect((await resolver.lookupSchema(mockKey)).ok).toBe(false);
    expect(repo.requests.length).toBe(1);
    clock.advance(1);
    expect(await resolver.lookupSchema(mockKey)).toEqual(ok({ late: true }));
    expect(repo.requests.length).toBe(2);
  });

  test("a success is served from cache for the TTL, then refetched, and kept if the registry is down", async () => {
    const clock = new ManualClock(T0);
    let down = false;
    const repo = new ScriptedRegistry("Repo", "Http", 0, [], () =>
      down ? err(repoFailure("down")) : ok({ v: 1 }),
    );
    const resolver = new Resolver([repo], { cacheSize: 10, cacheTtlSeconds: 10, clock });
    await resolver.lookupSchema(mockKey);
    clock.advance(9_000);
    await resolver.lookupSchema(mockKey);
    expect(repo.requests.length).toBe(1);
    clock.advance(1_000);
    down = true;
    expect(await resolver.lookupSchema(mockKey)).toEqual(ok({ v: 1 }));
    expect(repo.requests.length).toBe(2);
    // The failed refresh re-stamped the success: no request for another TTL.
    clock.advance(9_999);
    expect(await resolver.lookupSchema(mockKey)).toEqual(ok({ v: 1 }));
    expect(repo.requests.length).toBe(2);
  });

  test("without a cache (cacheSize 0 or cacheTtl 0) every lookup asks the registries", async () => {
    for (const options of [{ cacheSize: 0 }, { cacheSize: 10, cacheTtlSeconds: 0 }]) {
      const repo = serving("Repo", { [formatSchemaKey(mockKey)]: { a: 1 } });
      const resolver = new Resolver([repo], options);
      await resolver.lookupSchema(mockKey);
      await resolver.lookupSchema(mockKey);
      expect(repo.requests.length).toBe(2);
    }
  });

  test("concurrent lookups of one key make one round of requests", async () => {
    const repo = serving("Repo", { [formatSchemaKey(mockKey)]: { a: 1 } });
    const resolver = new Resolver([repo], { cacheSize: 10 });
    const results = await Promise.all(Array.from({ length: 10 }, () => resolver.lookupSchema(mockKey)));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(repo.requests.length).toBe(1);
  });

  test("an embedded failure is not retried until it expires", async () => {
    const clock = new ManualClock(T0);
    const files = new ScriptedRegistry("Files", "Embedded", 0, [], () => err(repoFailure("EIO")));
    const resolver = new Resolver([files], { cacheSize: 10, cacheTtlSeconds: 60, clock });
    await resolver.lookupSchema(mockKey);
    clock.advance(59_000);
    await resolver.lookupSchema(mockKey);
    expect(files.requests.length).toBe(1);
  });
});

const buttonV = (v: string) => `iglu:com.acme/button/jsonschema/${v}`;
const strict = (props: Record<string, unknown>) => ({
  type: "object",
  properties: props,
  additionalProperties: false,
});

describe("Resolver.validate", () => {
  const schemas = {
    [buttonV("1-0-0")]: schemaJson(buttonV("1-0-0"), {
      ...strict({ id: { type: "string" } }),
      $supersededBy: "1-0-2",
    }),
    [buttonV("1-0-1")]: schemaJson(buttonV("1-0-1"), {
      ...strict({ id: { type: "string" } }),
      $supersededBy: "1-0-0",
    }),
    [buttonV("1-0-2")]: schemaJson(
      buttonV("1-0-2"),
      strict({ id: { type: "string" }, label: { type: "string" } }),
    ),
    [buttonV("1-0-3")]: schemaJson(buttonV("1-0-3"), { ...strict({}), $supersededBy: "1-0-4" }),
    [buttonV("1-0-5")]: schemaJson(buttonV("1-0-5"), { ...strict({}), $supersededBy: 7 }),
    [buttonV("2-0-0")]: schemaJson(buttonV("2-0-0"), {
      type: "object",
      properties: { n: { type: "nonsense" } },
    }),
    [buttonV("3-0-0")]: null,
  };
  const sdd = (v: string, data: unknown) => ({ schema: key(buttonV(v)), data });

  test("validates against the schema and returns the key used", async () => {
    const resolver = new Resolver([serving("Acme", schemas)], { cacheSize: 10 });
    expect(await resolver.validate(sdd("1-0-2", { id: "a", label: "b" }))).toEqual(
      ok({ schemaKey: key(buttonV("1-0-2")), supersededBy: null }),
    );
  });

  test("reports invalid data as Snowplow's ValidationError", async () => {
    const resolver = new Resolver([serving("Acme", schemas)], { cacheSize: 10 });
    const result = await resolver.validate(sdd("1-0-2", { id: 1 }));
    expect(!result.ok && clientErrorJson(result.error)).toEqual({
      dataReports: [
        {
          message: "$.id: integer found, string expected",
          path: "$.id",
          keyword: "type",
          targets: ["integer", "string"],
        },
      ],
      error: "ValidationError",
    });
  });

  test("validates against the superseding schema from the same registry, and says so", async () => {
    const repo = serving("Acme", schemas);
    const resolver = new Resolver([repo], { cacheSize: 10 });
    // `label` is only allowed by 1-0-2, which supersedes 1-0-0.
    expect(await resolver.validate(sdd("1-0-0", { id: "a", label: "b" }))).toEqual(
      ok({ schemaKey: key(buttonV("1-0-2")), supersededBy: { model: 1, revision: 0, addition: 2 } }),
    );
    expect(repo.requests).toEqual([buttonV("1-0-0"), buttonV("1-0-2")]);
    const invalid = await resolver.validate(sdd("1-0-0", { id: 2 }));
    expect(!invalid.ok && clientErrorJson(invalid.error)).toEqual({
      dataReports: [
        {
          message: "$.id: integer found, string expected",
          path: "$.id",
          keyword: "type",
          targets: ["integer", "string"],
        },
      ],
      error: "ValidationError",
      supersededBy: "1-0-2",
    });
    // A plain lookup still serves 1-0-0 as it is.
    const plain = await resolver.lookupSchema(key(buttonV("1-0-0")));
    expect(plain.ok && (plain.value as Record<string, unknown>)["$supersededBy"]).toBe("1-0-2");
  });

  test("a $supersededBy that is not greater, not a version, or missing is a resolution failure", async () => {
    const resolver = new Resolver([serving("Acme", schemas)], { cacheSize: 10 });
    const history = async (v: string) =>
      resolution(await resolver.validate(sdd(v, {}))).lookupHistory.find((h) => h.repository === "Acme")
        ?.errors;
    expect(await history("1-0-1")).toEqual([
      {
        kind: "ClientFailure",
        message:
          "Superseding version 1-0-0 isn't greater than the version of schema com.acme/button/jsonschema/1-0-1",
      },
    ]);
    expect(await history("1-0-3")).toEqual([notFound]);
    const decoding = await history("1-0-5");
    expect(decoding?.[0]?.kind).toBe("ClientFailure");
  });

  test("a schema that is not valid draft-04 is an InvalidSchema ValidationError", async () => {
    const resolver = new Resolver([serving("Acme", schemas)], { cacheSize: 10 });
    const broken = await resolver.validate(sdd("2-0-0", { n: 1 }));
    expect(!broken.ok && broken.error.kind === "ValidationError" && broken.error.error.kind).toBe(
      "InvalidSchema",
    );
    const nothing = await resolver.validate(sdd("3-0-0", {}));
    expect(!nothing.ok && clientErrorJson(nothing.error)).toEqual({
      schemaIssues: [{ path: "$", message: "$: null found, object expected" }],
      error: "ValidationError",
    });
  });

  test("an unresolvable schema is a ResolutionError", async () => {
    const resolver = new Resolver([serving("Acme", schemas)], { cacheSize: 10 });
    const result = await resolver.validate(sdd("9-0-0", {}));
    expect(!result.ok && result.error.kind).toBe("ResolutionError");
  });

  test("validateCached answers synchronously once the schema is cached, with one shared success", async () => {
    const resolver = new Resolver([serving("Acme", schemas)], { cacheSize: 10 });
    expect(resolver.validateCached(sdd("1-0-2", { id: "a" }))).toBeUndefined();
    const first = await resolver.validate(sdd("1-0-2", { id: "a" }));
    const second = resolver.validateCached(sdd("1-0-2", { id: "b" }));
    expect(second).toBe(first);
    expect(resolver.validateCached(sdd("1-0-2", { id: 3 }))?.ok).toBe(false);
    const uncached = new Resolver([serving("Acme", schemas)], { cacheSize: 0 });
    await uncached.validate(sdd("1-0-2", { id: "a" }));
    expect(uncached.validateCached(sdd("1-0-2", { id: "a" }))).toBeUndefined();
  });

  test("a schema changed in its registry is recompiled once the cached one expires", async () => {
    const clock = new ManualClock(T0);
    let body = strict({ id: { type: "string" } });
    const repo = new ScriptedRegistry("Repo", "Http", 0, [], (uri) => ok(schemaJson(uri, body)));
    const resolver = new Resolver([repo], { cacheSize: 10, cacheTtlSeconds: 60, clock });
    expect((await resolver.validate(sdd("1-0-0", { id: 1 }))).ok).toBe(false);
    body = strict({ id: { type: "integer" } });
    clock.advance(60_000);
    expect((await resolver.validate(sdd("1-0-0", { id: 1 }))).ok).toBe(true);
  });
});

describe("schema lists", () => {
  const list = (...versions: string[]): SchemaList =>
    versions.map((v) => key(`iglu:com.acme/click/jsonschema/${v}`)) as unknown as SchemaList;

  test("listSchemas takes the first registry with a list, and caches it", async () => {
    const none = new ScriptedRegistry("None", "Http", 0, [], () => err(notFound));
    const some = new ScriptedRegistry(
      "Some",
      "Http",
      1,
      [],
      () => err(notFound),
      () => ok(list("1-0-0", "1-0-1")),
    );
    const resolver = new Resolver([none, some], { cacheSize: 10 });
    expect(await resolver.listSchemas("com.acme", "click", 1)).toEqual(ok(list("1-0-0", "1-0-1")));
    await resolver.listSchemas("com.acme", "click", 1);
    expect(some.requests).toEqual(["list com.acme/click/1"]);
    expect(none.requests).toEqual(["list com.acme/click/1"]);
  });

  test("lists of different models are cached apart", async () => {
    const repo = new ScriptedRegistry(
      "Repo",
      "Http",
      0,
      [],
      () => err(notFound),
      (path) => (path.endsWith("/2") ? ok(list("2-0-0")) : ok(list("1-0-0"))),
    );
    const resolver = new Resolver([repo], { cacheSize: 10 });
    const one = await resolver.listSchemas("com.acme", "click", 1);
    const two = await resolver.listSchemas("com.acme", "click", 2);
    expect(one).not.toEqual(two);
  });

  test("listSchemasLike refetches a cached list without the key, and skips lists without it", async () => {
    let versions = ["1-0-0"];
    const stale = new ScriptedRegistry(
      "Stale",
      "Http",
      0,
      [],
      () => err(notFound),
      () => ok(list("1-0-0")),
    );
    const fresh = new ScriptedRegistry(
      "Fresh",
      "Http",
      1,
      [],
      () => err(notFound),
      () => ok(list(...versions)),
    );
    const resolver = new Resolver([stale, fresh], { cacheSize: 10 });
    expect(await resolver.listSchemas("com.acme", "click", 1)).toEqual(ok(list("1-0-0")));
    versions = ["1-0-0", "1-0-1"];
    expect(await resolver.listSchemasLike(key("iglu:com.acme/click/jsonschema/1-0-1"))).toEqual(
      ok(list("1-0-0", "1-0-1")),
    );
    expect(fresh.requests.length).toBe(1);
    // Now cached with the key: no more requests.
    await resolver.listSchemasLike(key("iglu:com.acme/click/jsonschema/1-0-1"));
    expect(stale.requests.length + fresh.requests.length).toBe(3);
  });

  test("fetchSchemas looks up every schema of the list", async () => {
    const schemas = { [buttonV("1-0-0")]: { a: 0 }, [buttonV("1-0-1")]: { a: 1 } };
    const repo = new ScriptedRegistry(
      "Repo",
      "Http",
      0,
      [],
      (uri) => (Object.hasOwn(schemas, uri) ? ok(schemas[uri]) : err(notFound)),
      () => ok([key(buttonV("1-0-0")), key(buttonV("1-0-1"))] as unknown as SchemaList),
    );
    const resolver = new Resolver([repo], { cacheSize: 10 });
    const fetched = await resolver.fetchSchemas("com.acme", "button", 1);
    expect(fetched.ok && fetched.value.map((s) => s.schema)).toEqual([{ a: 0 }, { a: 1 }]);
  });
});

describe("Resolver.lookupSchemasUntil", () => {
  const uriOf = (v: string) => `iglu:com.acme/click/jsonschema/${v}`;
  const have = (...versions: string[]) => Object.fromEntries(versions.map((v) => [uriOf(v), { v }]));

  test("probes additions, then the next revision on NotFound", async () => {
    const repo = serving("Repo", have("1-0-0", "1-0-1", "1-1-0", "1-2-0", "1-2-1", "1-2-2"));
    const resolver = new Resolver([repo], { cacheSize: 10 });
    const result = await resolver.lookupSchemasUntil(key(uriOf("1-2-1")));
    expect(result.ok && result.value.map((s) => s.schema)).toEqual(
      ["1-0-0", "1-0-1", "1-1-0", "1-2-0", "1-2-1"].map((v) => ({ v })),
    );
    expect(repo.requests).toEqual(["1-0-0", "1-0-1", "1-0-2", "1-1-0", "1-1-1", "1-2-0", "1-2-1"].map(uriOf));
    // Cached as a whole.
    await resolver.lookupSchemasUntil(key(uriOf("1-2-1")));
    expect(repo.requests.length).toBe(7);
  });

  test("fails at a missing M-R-0 or at the first other failure", async () => {
    const gap = new Resolver([serving("Repo", have("1-0-0", "1-2-0"))], { cacheSize: 10 });
    const missing = await gap.lookupSchemasUntil(key(uriOf("1-2-0")));
    expect(!missing.ok && formatSchemaKey(missing.error.schemaKey)).toBe(uriOf("1-1-0"));
    const flaky = new ScriptedRegistry("Flaky", "Http", 0, [], (uri) =>
      uri.endsWith("1-0-0") ? ok({}) : err(repoFailure("down")),
    );
    const down = new Resolver([flaky], { cacheSize: 10 });
    const failed = await down.lookupSchemasUntil(key(uriOf("1-1-0")));
    expect(!failed.ok && formatSchemaKey(failed.error.schemaKey)).toBe(uriOf("1-0-1"));
  });
});

describe("Resolver.isNotFound", () => {
  const error = (histories: [string, RegistryError[]][]): ResolutionError => ({
    kind: "ResolutionError",
    lookupHistory: histories.map(([repository, errors]) => ({
      repository,
      errors,
      attempts: 1,
      lastAttempt: new Date(0),
    })),
  });
  const central = (name: string) => serving(name, {}, { location: `https://${name}.iglucentral.com` });
  const resolver = new Resolver([central("eu1"), central("us1"), serving("Custom", {})], { cacheSize: 10 });
  const customOnly = new Resolver([serving("Custom", {})], { cacheSize: 10 });
  const clientFailure = { kind: "ClientFailure", message: "403" } as const;

  test("mirrors of Iglu Central tolerate each other's outages (ResolverSpec e14–e24)", () => {
    expect(
      resolver.isNotFound(
        error([
          ["eu1", [notFound]],
          ["us1", [notFound]],
          ["Custom", [notFound]],
        ]),
      ),
    ).toBe(true);
    expect(
      resolver.isNotFound(
        error([
          ["eu1", [repoFailure("x")]],
          ["us1", [notFound]],
          ["Custom", [notFound]],
        ]),
      ),
    ).toBe(true);
    expect(
      resolver.isNotFound(
        error([
          ["eu1", [notFound]],
          ["Custom", [repoFailure("x")]],
        ]),
      ),
    ).toBe(false);
    expect(
      resolver.isNotFound(
        error([
          ["eu1", [notFound]],
          ["Custom", [clientFailure]],
        ]),
      ),
    ).toBe(true);
    expect(
      resolver.isNotFound(
        error([
          ["eu1", [repoFailure("x")]],
          ["us1", [repoFailure("y")]],
        ]),
      ),
    ).toBe(false);
    expect(
      resolver.isNotFound(
        error([
          ["eu1", [clientFailure]],
          ["us1", [repoFailure("y")]],
        ]),
      ),
    ).toBe(true);
    expect(customOnly.isNotFound(error([["Custom", [notFound]]]))).toBe(true);
    expect(customOnly.isNotFound(error([["Custom", [repoFailure("x")]]]))).toBe(false);
    expect(customOnly.isNotFound(error([["Custom", [clientFailure]]]))).toBe(true);
  });
});

describe("resolverFromConfig", () => {
  const config = (repositories: unknown[], extra: Record<string, unknown> = {}) => {
    const parsed = parseResolverConfig({
      schema: "iglu:com.snowplowanalytics.iglu/resolver-config/jsonschema/1-0-3",
      data: { cacheSize: 100, cacheTtl: 600, repositories, ...extra },
    });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
    return parsed.value;
  };
  const embedded = {
    name: "Local",
    priority: 0,
    vendorPrefixes: [],
    connection: { embedded: { path: "/local" } },
  };

  test("needs a StaticSource for embedded repositories", () => {
    const r = resolverFromConfig(config([embedded]));
    expect(!r.ok && r.error.issues[0].path).toBe("$.data.repositories[0].connection.embedded");
  });

  test("builds the built-in registry plus one per repository, embedded through the source", async () => {
    const uri = "iglu:com.acme/click/jsonschema/1-0-0";
    const source = staticSourceFromMap(
      new Map([["/local/schemas/com.acme/click/jsonschema/1-0-0", JSON.stringify(schemaJson(uri))]]),
    );
    const http = {
      name: "Remote",
      priority: 0,
      vendorPrefixes: [],
      connection: { http: { uri: "http://127.0.0.1:9" } },
    };
    const r = resolverFromConfig(config([embedded, http]), { staticSource: source });
    if (!r.ok) throw new Error("expected a resolver");
    expect(r.value.registries.map((x) => [x.name, x.kind])).toEqual([
      [EMBEDDED_REGISTRY_NAME, "Embedded"],
      ["Local", "Embedded"],
      ["Remote", "Http"],
    ]);
    expect(await r.value.validate({ schema: key(uri), data: {} })).toEqual(
      ok({ schemaKey: key(uri), supersededBy: null }),
    );
  });

  test("a bootstrap registry replaces the built-in one", async () => {
    const uri = "iglu:com.acme/boot/jsonschema/1-0-0";
    const schema = schemaJson(uri);
    const bootstrap = new InMemoryRegistry(
      { name: EMBEDDED_REGISTRY_NAME, priority: 0, vendorPrefixes: [] },
      [{ self: key(uri), schema: { type: "object" } }],
    );
    const r = resolverFromConfig(config([]), { bootstrap });
    expect(r.ok && (await r.value.lookupSchema(key(uri)))).toEqual(ok(schema));
  });
});
