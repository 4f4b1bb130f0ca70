/**
 * @module
 * The Iglu Server of `furrow up`, and the resolver config every other part uses.
 *
 * Storage: with a PostgreSQL server (`--database-url`) the Iglu Server keeps its tables in that
 * database, next to the loaders'. With embedded PGlite it gets a PGlite of its own in
 * `<data-dir>/iglu-server`: pglite-socket serves one connection at a time, and the Postgres
 * loaders hold that one for as long as they run (they share it, see `postgres-loaders.ts`), so a
 * second client of the same PGlite would be refused ("Too many connections"). Multiplexing
 * clients over its query queue is unsafe: it interleaves the extended-protocol messages of
 * different connections between their Syncs.
 *
 * Schemas in `--schemas DIR` (Iglu Central's `schemas/vendor/name/format/M-R-A` layout) are
 * published at start through the HTTP API, as `igluctl static push` would: a version already
 * there with the same body is left as it is, so a restart publishes nothing new.
 *
 * The resolver config written to `<data-dir>/iglu-resolver.json` lists this server first and Iglu
 * Central second. Nothing resolves a schema at start-up, so an offline machine starts as fast as
 * an online one; a schema that is neither here nor reachable fails its events (bad rows), and the
 * resolver caches the miss for `cacheTtl` seconds so it does not ask again for every event.
 */
import { randomUUID } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { StorageSettings } from "../../apps/iglu-server/config.ts";
import { DEFAULT_MAX_JSON_DEPTH, DEFAULT_MAX_PAYLOAD_SIZE } from "../../apps/iglu-server/json-body.ts";
import { startIgluServer } from "../../apps/iglu-server/main.ts";
import { apiRoot, pushSchemas } from "../../apps/iglu-server/registry-push.ts";
import { readSchemaFolder } from "../../apps/iglu-server/schema-folder.ts";
import type { Pipeline, StartedPart, UpPart } from "./part.ts";

export const IGLU_CENTRAL = "http://iglucentral.com";

/** Seconds the resolver keeps a schema, or a failed look-up, before asking again. */
const RESOLVER_CACHE_TTL = 60;

/** Where the resolver config is, once the Iglu Server runs; the parts after it read it. */
export class ResolverLink {
  #path: string | undefined;

  /** The resolver config file; throws if the Iglu part has not started (a wiring bug). */
  get path(): string {
    if (this.#path === undefined) throw new Error("the Iglu Server part must start before its users");
    return this.#path;
  }

  set(path: string | undefined): void {
    this.#path = path;
  }
}

/** Snowplow's resolver config (1-0-3): the local Iglu Server first, then Iglu Central. */
export function resolverConfig(igluUrl: string): unknown {
  return {
    schema: "iglu:com.snowplowanalytics.iglu/resolver-config/jsonschema/1-0-3",
    data: {
      cacheSize: 1000,
      cacheTtl: RESOLVER_CACHE_TTL,
      repositories: [
        {
          name: "Furrow Iglu Server",
          priority: 0,
          vendorPrefixes: [],
          connection: { http: { uri: apiRoot(igluUrl) } },
        },
        {
          name: "Iglu Central",
          priority: 10,
          vendorPrefixes: [],
          connection: { http: { uri: IGLU_CENTRAL } },
        },
      ],
    },
  };
}

function storageOf(pipeline: Pipeline): StorageSettings {
  return pipeline.endpoints.embedded.postgres
    ? { kind: "embedded", dataDir: join(pipeline.config.dataDir, "iglu-server"), namespace: "public" }
    : { kind: "postgres", url: pipeline.endpoints.postgresUrl, namespace: "public" };
}

/** Publishes the folder's schemas; returns a summary like `12 schemas, 3 new`. Throws on a broken folder. */
async function publishFolder(dir: string, igluUrl: string, apiKey: string, log: (line: string) => void) {
  const folder = await readSchemaFolder(dir).catch((e: Error) => {
    throw new Error(`--schemas: ${e.message}`);
  });
  if (folder.problems.length > 0) {
    const [first] = folder.problems;
    throw new Error(
      `--schemas ${dir}: ${folder.problems.length} unusable file(s), first ${first?.path}: ${first?.message}`,
    );
  }
  const results = await pushSchemas(folder.schemas, { registry: igluUrl, apiKey, isPublic: true });
  const created = results.filter((r) => r.outcome === "created").length;
  const failed = results.filter((r) => r.outcome === "failed");
  for (const f of failed) log(`furrow up: iglu: ${f.file.path} not published: ${f.message}`);
  return `${results.length} schema${results.length === 1 ? "" : "s"} from ${dir} (${created} new${failed.length > 0 ? `, ${failed.length} refused` : ""})`;
}

/** The Iglu Server part; it writes the resolver config that `link` then points at. */
export function igluPart(link: ResolverLink): UpPart {
  return {
    name: "iglu",
    async start(pipeline: Pipeline): Promise<StartedPart> {
      const { config } = pipeline;
      const apiKey = config.igluApiKey ?? randomUUID();
      const server = await startIgluServer(
        {
          host: config.host,
          port: config.igluPort,
          storage: storageOf(pipeline),
          superApiKey: apiKey,
          patchesAllowed: false,
          debug: false,
          maxPayloadSize: DEFAULT_MAX_PAYLOAD_SIZE,
          maxJsonDepth: DEFAULT_MAX_JSON_DEPTH,
          hstsMaxAgeSeconds: null,
          webhooks: [],
        },
        (line) => pipeline.log(`furrow up: iglu: ${line}`),
      );
      try {
        const details = [server.storage];
        if (config.schemasDir !== undefined) {
          details.push(await publishFolder(config.schemasDir, server.url, apiKey, pipeline.log));
        }
        // Printed only when it was made up for this run: a configured key is already known.
        if (config.igluApiKey === undefined) details.push(`super API key ${apiKey}`);
        const path = join(config.dataDir, "iglu-resolver.json");
        await mkdir(config.dataDir, { recursive: true });
        await writeFile(path, `${JSON.stringify(resolverConfig(server.url), null, 2)}\n`);
        link.set(path);
        return {
          url: server.url,
          detail: details.join(", "),
          stop: async () => {
            link.set(undefined);
            await server.stop();
          },
        };
      } catch (e) {
        await server.stop();
        throw e;
      }
    },
  };
}
