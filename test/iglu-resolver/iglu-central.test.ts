/**
 * @module
 * The resolver over the real Iglu Central (../shared/iglu-central) as an embedded repository:
 * contexts resolve and validate, lists come from the directory, and the errors the resolver
 * produces fit inside a real `schema_violations` 2-0-1 bad row, validated by the resolver itself.
 * Skips when ../shared is absent.
 */
import { describe, expect, test } from "bun:test";
import { fileSystemSource } from "../../src/adapters/iglu/file-system-source.ts";
import { clientErrorJson } from "../../src/core/iglu/client-error.ts";
import { EmbeddedRegistry } from "../../src/core/iglu/registry-embedded.ts";
import { Resolver } from "../../src/core/iglu/resolver.ts";
import { ManualClock } from "../../src/core/iglu/resolver-clock.ts";
import { formatSchemaKey, parseSchemaKey, type SchemaKey } from "../../src/core/iglu/schema-key.ts";
import { sharedDir, sharedMissing } from "../support/shared.ts";

const key = (uri: string): SchemaKey => {
  const r = parseSchemaKey(uri);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

function igluCentral(): Resolver {
  const registry = new EmbeddedRegistry(
    { name: "Iglu Central (local copy)", priority: 0, vendorPrefixes: ["com.snowplowanalytics"] },
    `${sharedDir}/iglu-central`,
    fileSystemSource(),
  );
  return new Resolver([registry], {
    cacheSize: 500,
    cacheTtlSeconds: 600,
    clock: new ManualClock(Date.UTC(2024, 0, 1)),
  });
}

const title = (what: string) => (sharedDir ? what : sharedMissing(what));

describe("Iglu Central as an embedded repository", () => {
  test.skipIf(!sharedDir)(title("validates web_page, client_session and mobile contexts"), async () => {
    const resolver = igluCentral();
    const webPage = key("iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0");
    expect(
      await resolver.validate({ schema: webPage, data: { id: "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d" } }),
    ).toEqual({
      ok: true,
      value: { schemaKey: webPage, supersededBy: null },
    });
    const missing = await resolver.validate({ schema: webPage, data: {} });
    expect(!missing.ok && clientErrorJson(missing.error)).toEqual({
      dataReports: [
        { message: "$.id: is missing but it is required", path: "$", keyword: "required", targets: ["id"] },
      ],
      error: "ValidationError",
    });
    const session = await resolver.validate({
      schema: key("iglu:com.snowplowanalytics.snowplow/client_session/jsonschema/1-0-2"),
      data: {
        userId: "fd0e5288-e89b-45df-aad5-6d0c6eda6198",
        sessionId: "8a6d7fd5-3a0e-4b2e-9d4f-1b2c3d4e5f60",
        sessionIndex: 3,
        previousSessionId: null,
        storageMechanism: "SQLITE",
      },
    });
    expect(session.ok).toBe(true);
  });

  test.skipIf(!sharedDir)(
    title("lists a model from the directory and probes with lookupSchemasUntil"),
    async () => {
      const resolver = igluCentral();
      const list = await resolver.listSchemas("com.snowplowanalytics.snowplow", "mobile_context", 1);
      expect(list.ok && list.value.map(formatSchemaKey)).toEqual(
        ["1-0-0", "1-0-1", "1-0-2", "1-0-3"].map(
          (v) => `iglu:com.snowplowanalytics.snowplow/mobile_context/jsonschema/${v}`,
        ),
      );
      const probed = await resolver.lookupSchemasUntil(
        key("iglu:com.snowplowanalytics.snowplow/mobile_context/jsonschema/1-0-3"),
      );
      expect(probed.ok && probed.value.length).toBe(4);
    },
  );

  test.skipIf(!sharedDir)(title("its errors fit a schema_violations 2-0-1 bad row"), async () => {
    const resolver = igluCentral();
    const webPage = key("iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0");
    const invalid = await resolver.validate({ schema: webPage, data: { id: 7, extra: true } });
    const unknown = key("iglu:com.acme/nothing/jsonschema/1-0-0");
    const unresolved = await resolver.validate({ schema: unknown, data: {} });
    if (invalid.ok || unresolved.ok) throw new Error("expected two failures");
    const badRow = {
      processor: { artifact: "furrow-enrich", version: "0.1.0" },
      failure: {
        timestamp: "2024-01-01T00:00:00Z",
        messages: [
          { schemaKey: formatSchemaKey(webPage), error: clientErrorJson(invalid.error) },
          { schemaKey: formatSchemaKey(unknown), error: clientErrorJson(unresolved.error) },
        ],
      },
      payload: {
        raw: {
          vendor: "com.snowplowanalytics.snowplow",
          version: "tp2",
          loaderName: "thrift",
          encoding: "UTF-8",
        },
      },
    };
    const checked = await resolver.validate({
      schema: key("iglu:com.snowplowanalytics.snowplow.badrows/schema_violations/jsonschema/2-0-1"),
      data: badRow,
    });
    expect(checked.ok).toBe(true);
  });
});
