/**
 * @module
 * The Iglu Server over real HTTP, as a plain Iglu client sees it: a repository whose `uri` is
 * `{server}/api` (an Iglu Server) or `{server}` (a static registry) is asked for
 * `{uri}/schemas/{vendor}/{name}/{format}/{version}` and `{uri}/schemas/{vendor}/{name}/jsonschema/{model}`,
 * with an `apikey` header when configured; only a 2xx counts. Schemas are published with the same
 * client as `furrow iglu push`, from fixtures/iglu/good.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { fileURLToPath } from "node:url";
import type { IgluServerConfig } from "../../src/apps/iglu-server/config.ts";
import { parseLosslessJson } from "../../src/apps/iglu-server/json-body.ts";
import { type RunningIgluServer, startIgluServer } from "../../src/apps/iglu-server/main.ts";
import { pushSchemas } from "../../src/apps/iglu-server/registry-push.ts";
import { readSchemaFolder } from "../../src/apps/iglu-server/schema-folder.ts";
import { DUMMY_SUPER_KEY } from "../../src/apps/iglu-server/storage/memory-store.ts";

const GOOD = fileURLToPath(new URL("../../fixtures/iglu/good", import.meta.url));

const config: IgluServerConfig = {
  host: "127.0.0.1",
  port: 0,
  storage: { kind: "dummy" },
  superApiKey: null,
  patchesAllowed: false,
  debug: false,
  maxPayloadSize: 100_000,
  maxJsonDepth: 40,
  hstsMaxAgeSeconds: null,
  webhooks: [],
};

describe("an Iglu client resolving from the server", () => {
  let server: RunningIgluServer;
  beforeAll(async () => {
    server = await startIgluServer(config, () => {});
    const folder = await readSchemaFolder(GOOD);
    const results = await pushSchemas(folder.schemas, {
      registry: server.url,
      apiKey: DUMMY_SUPER_KEY,
      isPublic: true,
    });
    expect(results.map((r) => r.outcome)).toEqual(results.map(() => "created"));
  });
  afterAll(() => server.stop());

  for (const base of ["api", "static"] as const) {
    test(`repository uri ${base === "api" ? "{server}/api" : "{server}"}: schema and list lookups`, async () => {
      const uri = base === "api" ? `${server.url}/api` : server.url;
      const res = await fetch(`${uri}/schemas/com.furrow.test/button_click/jsonschema/1-1-0`);
      expect(res.status).toBe(200);
      const schema = parseLosslessJson(await res.text()) as Record<string, unknown>;
      expect(schema["self"]).toEqual({
        vendor: "com.furrow.test",
        name: "button_click",
        format: "jsonschema",
        version: "1-1-0",
      });
      expect(JSON.stringify(schema)).toContain('"maximum":9223372036854775807');
      expect(schema["$supersededBy"]).toBe("2-0-0");
      const list = await fetch(`${uri}/schemas/com.furrow.test/button_click/jsonschema/1`);
      expect(await list.json()).toEqual([
        "iglu:com.furrow.test/button_click/jsonschema/1-0-0",
        "iglu:com.furrow.test/button_click/jsonschema/1-0-1",
        "iglu:com.furrow.test/button_click/jsonschema/1-1-0",
      ]);
      expect((await fetch(`${uri}/schemas/com.furrow.test/button_click/jsonschema/1-0-9`)).status).toBe(404);
      expect((await fetch(`${uri}/schemas/com.furrow.test/button_click/jsonschema/3`)).status).toBe(404);
    });
  }

  test("a private schema needs the client's apikey", async () => {
    const put = await fetch(`${server.url}/api/schemas/com.furrow.private/p/jsonschema/1-0-0`, {
      method: "PUT",
      headers: { apikey: DUMMY_SUPER_KEY },
      body: '{"type":"object","properties":{}}',
    });
    expect(put.status).toBe(201);
    const { read } = (await (
      await fetch(`${server.url}/api/auth/keygen`, {
        method: "POST",
        headers: { apikey: DUMMY_SUPER_KEY },
        body: '{"vendorPrefix":"com.furrow.private"}',
      })
    ).json()) as { read: string };
    expect((await fetch(`${server.url}/schemas/com.furrow.private/p/jsonschema/1-0-0`)).status).toBe(404);
    const withKey = await fetch(`${server.url}/schemas/com.furrow.private/p/jsonschema/1-0-0`, {
      headers: { apikey: read },
    });
    expect(withKey.status).toBe(200);
  });
});
