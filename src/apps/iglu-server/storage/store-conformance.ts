/**
 * @module
 * One conformance suite for the SchemaStore port, run against every adapter (memory, PGlite, a
 * real PostgreSQL). It pins what the app relies on: bodies come back byte for byte, lists keep
 * creation order, a patch moves a schema to the end, superseding follows the reference's SQL
 * (chains are transitive, the highest superseder wins, a patch changes nothing), a refused
 * publication writes nothing, and concurrent publications of one version cannot both succeed.
 */
import { test as bunTest, describe, expect } from "bun:test";
import { formatSchemaKey, parseSchemaKey, type SchemaKey } from "../../../core/iglu/schema-key.ts";
import { formatSchemaVer, parseSchemaVer, type SchemaVer } from "../../../core/iglu/schema-ver.ts";
import { ANONYMOUS, type Permission, parseVendorScope, SUPER } from "../permission.ts";
import { publishProblem } from "../version-cursor.ts";
import type { PublishOutcome, SchemaStore } from "./schema-store.ts";

/** A fresh, empty store; `close` releases whatever `fresh` made for it. */
export interface StoreUnderTest {
  readonly store: SchemaStore;
  close(): Promise<void>;
}

const key = (uri: string): SchemaKey => {
  const parsed = parseSchemaKey(uri);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
};
const ver = (text: string): SchemaVer => {
  const parsed = parseSchemaVer(text);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
};

/** Publishes with the reference's consistency rules (patches allowed, so updates go through). */
function publish(
  store: SchemaStore,
  uri: string,
  options: { body?: string; isPublic?: boolean; supersedes?: string[]; patchesAllowed?: boolean } = {},
): Promise<PublishOutcome> {
  const k = key(uri);
  const supersedes = (options.supersedes ?? []).map(ver);
  const isPublic = options.isPublic ?? false;
  return store.publishSchema({
    key: k,
    body: options.body ?? `{"type":"object","description":"${uri}"}`,
    isPublic,
    supersedes,
    check: (group) => publishProblem(group, k.version, isPublic, options.patchesAllowed ?? true, supersedes),
  });
}

const INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3}|\.\d{6})?Z$/;

/** Registers the suite as `describe(label)`; `fresh` runs once per test. */
export function schemaStoreConformance(label: string, fresh: () => Promise<StoreUnderTest>): void {
  /** Runs `body` against a fresh store and always closes it. */
  const withStore = (body: (store: SchemaStore) => Promise<void>) => async () => {
    const under = await fresh();
    try {
      await body(under.store);
    } finally {
      await under.close();
    }
  };

  // The first test of an embedded engine also waits for it to start (initdb takes seconds).
  const test = (name: string, body: () => Promise<void>) => bunTest(name, body, 60_000);

  describe(label, () => {
    test(
      "an empty store has no schemas, drafts or keys, and answers a ping",
      withStore(async (store) => {
        await store.ping();
        expect(await store.listSchemas()).toEqual([]);
        expect(await store.listSchemaKeys()).toEqual([]);
        expect(await store.getSchema(key("iglu:com.acme/a/jsonschema/1-0-0"))).toBeNull();
        expect(await store.listDrafts()).toEqual([]);
        expect(await store.getPermission(crypto.randomUUID())).toBeNull();
      }),
    );

    test(
      "returns a body byte for byte, numbers and key order included, with its metadata",
      withStore(async (store) => {
        const body = `{"b":9223372036854775807,"a":1.50,"c":{"z":[1e400,-0]},"d":"\\u0000\\ud800 é"}`;
        expect(await publish(store, "iglu:com.acme/a/jsonschema/1-0-0", { body, isPublic: true })).toEqual({
          kind: "stored",
          updated: false,
        });
        const got = await store.getSchema(key("iglu:com.acme/a/jsonschema/1-0-0"));
        expect(got?.body).toBe(body);
        expect(got?.metadata.isPublic).toBe(true);
        expect(got?.metadata.createdAt).toMatch(INSTANT);
        expect(got?.metadata.updatedAt).toBe(got!.metadata.createdAt);
        expect(Math.abs(Date.parse(got!.metadata.createdAt) - Date.now())).toBeLessThan(60_000);
        expect(got?.supersededBy).toBeNull();
        expect(got?.supersedes).toEqual([]);
        // Another format of the same version is a different schema.
        expect(await store.getSchema(key("iglu:com.acme/a/avro/1-0-0"))).toBeNull();
      }),
    );

    test(
      "lists in creation order, filtered by vendor, name and model",
      withStore(async (store) => {
        const uris = [
          "iglu:com.acme/b/jsonschema/1-0-0",
          "iglu:com.acme/a/jsonschema/1-0-0",
          "iglu:com.acme/a/jsonschema/1-0-1",
          "iglu:com.acme/a/jsonschema/2-0-0",
          "iglu:com.acme/a/jsonschema/1-0-2",
          "iglu:com.other/a/jsonschema/1-0-0",
        ];
        for (const uri of uris) expect((await publish(store, uri)).kind).toBe("stored");
        const uriOf = (s: { key: SchemaKey }) => formatSchemaKey(s.key);
        expect((await store.listSchemas()).map(uriOf)).toEqual(uris);
        expect((await store.listSchemaKeys()).map(uriOf)).toEqual(uris);
        expect((await store.listSchemas({ vendor: "com.acme" })).map(uriOf)).toEqual(uris.slice(0, 5));
        expect((await store.listSchemas({ vendor: "com.acme", name: "a" })).map(uriOf)).toEqual(
          uris.slice(1, 5),
        );
        expect((await store.listSchemas({ vendor: "com.acme", name: "a", model: 1 })).map(uriOf)).toEqual(
          [1, 2, 4].map((i) => uris[i]!),
        );
        expect(await store.listSchemas({ vendor: "com.acme", name: "a", model: 3 })).toEqual([]);
        expect(await store.listSchemas({ vendor: "com" })).toEqual([]);
      }),
    );

    test(
      "a patch replaces body and availability and moves the schema to the end of lists",
      withStore(async (store) => {
        await publish(store, "iglu:com.acme/a/jsonschema/1-0-0");
        await publish(store, "iglu:com.acme/a/jsonschema/1-0-1");
        const before = await store.getSchema(key("iglu:com.acme/a/jsonschema/1-0-0"));
        expect(
          await publish(store, "iglu:com.acme/a/jsonschema/1-0-0", {
            body: `{"patched":true}`,
            isPublic: false,
          }),
        ).toEqual({ kind: "stored", updated: true });
        const after = await store.getSchema(key("iglu:com.acme/a/jsonschema/1-0-0"));
        expect(after?.body).toBe(`{"patched":true}`);
        expect(Date.parse(after!.metadata.createdAt)).toBeGreaterThanOrEqual(
          Date.parse(before!.metadata.createdAt),
        );
        expect(after?.metadata.updatedAt).toBe(after!.metadata.createdAt);
        expect((await store.listSchemas()).map((s) => formatSchemaVer(s.key.version))).toEqual([
          "1-0-1",
          "1-0-0",
        ]);
      }),
    );

    test(
      "the check sees the whole vendor/name group, and a refusal writes nothing",
      withStore(async (store) => {
        await publish(store, "iglu:com.acme/a/jsonschema/1-0-0", { isPublic: true });
        await publish(store, "iglu:com.acme/b/jsonschema/1-0-0", { isPublic: false });
        let seen: unknown;
        const outcome = await store.publishSchema({
          key: key("iglu:com.acme/a/avro/1-0-1"),
          body: "{}",
          isPublic: true,
          supersedes: [],
          check: (group) => {
            seen = group;
            return { kind: "PreviousMissing" };
          },
        });
        expect(outcome).toEqual({ kind: "refused", inconsistency: { kind: "PreviousMissing" } });
        expect(seen).toEqual([{ version: ver("1-0-0"), isPublic: true }]);
        expect(await store.listSchemas({ vendor: "com.acme", name: "a" })).toHaveLength(1);
        // With patches, the same version in another format is a new row, not an update.
        expect(await publish(store, "iglu:com.acme/a/avro/1-0-0", { isPublic: true })).toEqual({
          kind: "stored",
          updated: false,
        });
      }),
    );

    test(
      "superseding: the listed versions and their supersedees get the new version, the highest wins",
      withStore(async (store) => {
        // SupersedingLogicSpec e6: B<-A and C<-B, then C<-A and C<-B.
        await publish(store, "iglu:com.acme/s/jsonschema/1-0-0");
        await publish(store, "iglu:com.acme/s/jsonschema/1-0-1", { supersedes: ["1-0-0"] });
        await publish(store, "iglu:com.acme/s/jsonschema/1-0-2", { supersedes: ["1-0-1"] });
        // e5b: 2-0-0 supersedes 1-0-0 first; a later 1-0-3 superseding 1-0-0 does not lower it.
        await publish(store, "iglu:com.acme/s/jsonschema/2-0-0", { supersedes: ["1-0-0"] });
        await publish(store, "iglu:com.acme/s/jsonschema/1-0-3", { supersedes: ["1-0-0"] });
        const by = async (v: string) => {
          const s = await store.getSchema(key(`iglu:com.acme/s/jsonschema/${v}`));
          return {
            by: s?.supersededBy ? formatSchemaVer(s.supersededBy) : null,
            of: s?.supersedes.map(formatSchemaVer),
          };
        };
        expect(await by("1-0-0")).toEqual({ by: "2-0-0", of: [] });
        // 1-0-1 was marked by 1-0-2 (it listed 1-0-1), and again by 1-0-3 (its superseder 1-0-2? no:
        // 1-0-3 lists 1-0-0, and 1-0-1's superseded_by is 1-0-2, not 1-0-0), so it stays at 1-0-2.
        expect(await by("1-0-1")).toEqual({ by: "1-0-2", of: ["1-0-0"] });
        expect(await by("1-0-2")).toEqual({ by: null, of: ["1-0-1"] });
        expect(await by("2-0-0")).toEqual({ by: null, of: ["1-0-0"] });
        expect(await by("1-0-3")).toEqual({ by: null, of: ["1-0-0"] });
        // A patch does not change supersession (SupersedingLogicSpec e2).
        await publish(store, "iglu:com.acme/s/jsonschema/1-0-2", { supersedes: ["1-0-0"] });
        expect(await by("1-0-0")).toEqual({ by: "2-0-0", of: [] });
        expect(await by("1-0-2")).toEqual({ by: null, of: ["1-0-1"] });
      }),
    );

    test(
      "a chain C<-A, C<-B, then D<-C marks A, B and C with D",
      withStore(async (store) => {
        await publish(store, "iglu:com.acme/c/jsonschema/1-0-0");
        await publish(store, "iglu:com.acme/c/jsonschema/1-0-1");
        await publish(store, "iglu:com.acme/c/jsonschema/1-0-2", { supersedes: ["1-0-0", "1-0-1"] });
        await publish(store, "iglu:com.acme/c/jsonschema/1-0-3", { supersedes: ["1-0-2"] });
        const list = await store.listSchemas({ vendor: "com.acme", name: "c" });
        expect(list.map((s) => (s.supersededBy ? formatSchemaVer(s.supersededBy) : null))).toEqual([
          "1-0-3",
          "1-0-3",
          "1-0-3",
          null,
        ]);
      }),
    );

    test(
      "deletes one version, and deleting a missing one does nothing",
      withStore(async (store) => {
        await publish(store, "iglu:com.acme/a/jsonschema/1-0-0");
        await publish(store, "iglu:com.acme/a/jsonschema/1-0-1");
        await store.deleteSchema(key("iglu:com.acme/a/jsonschema/1-0-1"));
        await store.deleteSchema(key("iglu:com.acme/a/jsonschema/9-0-0"));
        expect((await store.listSchemas()).map((s) => formatSchemaKey(s.key))).toEqual([
          "iglu:com.acme/a/jsonschema/1-0-0",
        ]);
      }),
    );

    test(
      "concurrent publications of one version: exactly one is stored",
      withStore(async (store) => {
        const attempts = await Promise.all(
          Array.from({ length: 6 }, () =>
            publish(store, "iglu:com.acme/race/jsonschema/1-0-0", { patchesAllowed: false }),
          ),
        );
        expect(attempts.filter((a) => a.kind === "stored")).toHaveLength(1);
        expect(attempts.filter((a) => a.kind === "refused")).toHaveLength(5);
        expect(await store.listSchemas({ vendor: "com.acme", name: "race" })).toHaveLength(1);
      }),
    );

    test(
      "drafts: a put adds or replaces (keeping createdAt), get and list return them",
      withStore(async (store) => {
        const id = { vendor: "com.acme", name: "d", format: "jsonschema", version: 0 };
        expect(await store.putDraft(id, `{"n":9223372036854775807}`, false)).toEqual({ updated: false });
        const first = await store.getDraft(id);
        expect(first?.body).toBe(`{"n":9223372036854775807}`);
        expect(first?.metadata.createdAt).toMatch(INSTANT);
        expect(await store.putDraft(id, `{"n":2}`, true)).toEqual({ updated: true });
        const second = await store.getDraft(id);
        expect(second).toMatchObject({ id, body: `{"n":2}`, metadata: { isPublic: true } });
        expect(second?.metadata.createdAt).toBe(first!.metadata.createdAt);
        await store.putDraft({ ...id, version: 1 }, "{}", false);
        expect((await store.listDrafts()).map((d) => d.id.version)).toEqual([0, 1]);
        expect(await store.getDraft({ ...id, version: 7 })).toBeNull();
      }),
    );

    test(
      "permissions round-trip, including every-vendor and prefix scopes",
      withStore(async (store) => {
        const keys = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()] as const;
        const prefix: Permission = { vendor: parseVendorScope("com.acme"), schema: "READ", key: [] };
        await store.addPermission(keys[0], SUPER);
        await store.addPermission(keys[1], prefix);
        await store.addPermission(keys[2], {
          vendor: parseVendorScope("*"),
          schema: "CREATE_VENDOR",
          key: [],
        });
        expect(await store.getPermission(keys[0])).toEqual(SUPER);
        expect(await store.getPermission(keys[1])).toEqual(prefix);
        expect(await store.getPermission(keys[2])).toEqual({
          vendor: { parts: [], wildcard: true },
          schema: "CREATE_VENDOR",
          key: [],
        });
        await store.deletePermission(keys[1]);
        await store.deletePermission(crypto.randomUUID());
        expect(await store.getPermission(keys[1])).toBeNull();
        expect(await store.getPermission(keys[0])).not.toEqual(ANONYMOUS);
      }),
    );

    test(
      "values a database cannot hold (NUL) find nothing instead of failing",
      withStore(async (store) => {
        const bad = { vendor: "com.acme\u0000", name: "a", format: "jsonschema", version: ver("1-0-0") };
        expect(await store.getSchema(bad)).toBeNull();
        expect(await store.listSchemas({ vendor: "x\u0000" })).toEqual([]);
        await store.deleteSchema(bad);
        expect(await store.getDraft({ vendor: "\u0000", name: "a", format: "b", version: 0 })).toBeNull();
      }),
    );
  });
}
