/**
 * @module
 * Pushes every JSON Schema of Iglu Central (../shared/iglu-central/schemas) into a fresh Iglu
 * Server (embedded PGlite, over HTTP, with the same client as `furrow iglu push`): every one must
 * be accepted, and each must read back with an identical body, numbers digit for digit and
 * members in their order. Skips when ../shared is absent.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { IgluServerConfig } from "../../src/apps/iglu-server/config.ts";
import { parseLosslessJson } from "../../src/apps/iglu-server/json-body.ts";
import { type RunningIgluServer, startIgluServer } from "../../src/apps/iglu-server/main.ts";
import { pushSchemas } from "../../src/apps/iglu-server/registry-push.ts";
import { readSchemaFolder, type SchemaFolder } from "../../src/apps/iglu-server/schema-folder.ts";
import { schemaKeyPath } from "../../src/core/iglu/schema-key.ts";
import { sharedDir, sharedMissing } from "../support/shared.ts";

const SUPER_KEY = "0b7c5a52-0f5e-4f4e-9d0a-6c1f8e3b2a10";

/** The body as the registry should keep it: without `$schema` and `self`, exact numbers, same order. */
function bodyText(json: unknown): string {
  const { $schema: _schema, self: _self, ...body } = json as Record<string, unknown>;
  return JSON.stringify(body);
}

describe("Iglu Central into a fresh Iglu Server", () => {
  const title = "every JSON Schema is accepted and reads back with an identical body";
  let server: RunningIgluServer | undefined;
  let dataDir: string | undefined;
  let folder: SchemaFolder | undefined;

  beforeAll(async () => {
    if (!sharedDir) return;
    folder = await readSchemaFolder(join(sharedDir, "iglu-central"));
    dataDir = await mkdtemp(join(tmpdir(), "furrow-iglu-central-"));
    const config: IgluServerConfig = {
      host: "127.0.0.1",
      port: 0,
      storage: { kind: "embedded", dataDir, namespace: "public" },
      superApiKey: SUPER_KEY,
      patchesAllowed: false,
      debug: false,
      maxPayloadSize: 100_000,
      maxJsonDepth: 40,
      hstsMaxAgeSeconds: null,
      webhooks: [],
    };
    server = await startIgluServer(config, () => {});
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  test.skipIf(!sharedDir)(
    sharedDir ? title : sharedMissing(title),
    async () => {
      const { schemas, problems, skipped } = folder!;
      expect(problems).toEqual([]);
      const started = performance.now();
      const results = await pushSchemas(schemas, {
        registry: server!.url,
        apiKey: SUPER_KEY,
        isPublic: true,
      });
      const failed = results.filter((r) => r.outcome !== "created");
      expect(failed.map((r) => `${r.file.path}: ${r.status} ${r.message}`)).toEqual([]);
      console.log(
        `pushed ${results.length} Iglu Central schemas in ${((performance.now() - started) / 1000).toFixed(1)} s ` +
          `(skipped ${skipped.length} files of other formats)`,
      );
      expect(results.length).toBe(schemas.length);
      expect(results.length).toBeGreaterThanOrEqual(660);

      const listed = (await (await fetch(`${server!.url}/api/schemas`)).json()) as string[];
      expect(listed.length).toBe(schemas.length);
      const mismatched: string[] = [];
      for (const file of schemas) {
        const res = await fetch(`${server!.url}/api/schemas/${schemaKeyPath(file.key)}`);
        const text = await res.text();
        if (
          res.status !== 200 ||
          bodyText(parseLosslessJson(text)) !== bodyText(parseLosslessJson(file.text))
        ) {
          mismatched.push(`${file.path}: ${res.status}`);
        }
      }
      expect(mismatched).toEqual([]);
    },
    300_000,
  );
});
