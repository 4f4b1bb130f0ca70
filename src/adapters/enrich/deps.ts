/**
 * @module
 * What enrichments get from the outside world under Bun (`EnrichmentDeps`): assets named by a
 * config's `uri` and `database` (a local path or `file://` URL, `http(s)://`, or `s3://` through
 * the S3 client), `fetch`, and the clock. Runtime services that only some enrichments need
 * (MaxMind, a script sandbox, SQL) come from their own adapters; absent ones make exactly the
 * enrichments that need them fail to build.
 */

import { readFile } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import type { EnrichmentDeps, EnrichmentServices } from "../../core/enrich/enrichment.ts";
import type { AwsConnection } from "../aws-connection.ts";
import { compileScriptInSandbox } from "../javascript/vm-sandbox.ts";
import { openMaxMind } from "../maxmind/reader.ts";
import { s3Client } from "../s3/client.ts";
import { postgresSqlService } from "../sql/postgres-query-runner.ts";

export interface EnrichDepsOptions {
  /** Where relative asset paths are read from (the enrichments directory). */
  readonly baseDir: string;
  /** How to reach S3 for `s3://` assets; the SDK's defaults (region from the environment) if absent. */
  readonly s3?: AwsConnection;
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
  readonly services?: Partial<EnrichmentServices>;
}

/** Snowplow joins an asset's `uri` and `database` with one slash. */
export function assetLocation(uri: string, database: string): string {
  return uri.endsWith("/") ? `${uri}${database}` : `${uri}/${database}`;
}

/** Reads `s3://bucket/key`. */
async function readS3(location: string, connection: AwsConnection | undefined): Promise<Uint8Array> {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(location);
  if (m === null) throw new Error(`'${location}' is not an s3://bucket/key location`);
  const client = s3Client(connection ?? { region: "us-east-1" });
  try {
    const out = await client.send(new GetObjectCommand({ Bucket: m[1], Key: m[2] }));
    if (out.Body === undefined) throw new Error(`${location} has no body`);
    return await out.Body.transformToByteArray();
  } finally {
    client.destroy();
  }
}

/** Builds the dependencies. */
export function enrichmentDeps(options: EnrichDepsOptions): EnrichmentDeps {
  const fetchImpl = options.fetch ?? fetch;
  return {
    async loadAsset(uri, database) {
      const location = assetLocation(uri, database);
      if (/^https?:\/\//i.test(location)) {
        const response = await fetchImpl(location);
        if (!response.ok) throw new Error(`cannot download ${location}: HTTP ${response.status}`);
        return new Uint8Array(await response.arrayBuffer());
      }
      if (/^s3:\/\//i.test(location)) return readS3(location, options.s3);
      const path = location.startsWith("file:") ? fileURLToPath(location) : location;
      return new Uint8Array(await readFile(isAbsolute(path) ? path : resolve(options.baseDir, path)));
    },
    fetch: fetchImpl,
    now: options.now ?? Date.now,
    services: options.services ?? {},
  };
}

/**
 * The runtime services this build has: MaxMind databases (`adapters/maxmind`), the JavaScript
 * sandbox (`adapters/javascript`, Node's `vm`) and PostgreSQL for the SQL enrichment
 * (`adapters/sql`; no MySQL client is installed).
 */
export function bunEnrichmentServices(options: { readonly maxJsonDepth?: number } = {}): EnrichmentServices {
  return {
    openMaxMind: (bytes) => openMaxMind(bytes),
    compileScript: (source, { timeoutMs }) =>
      compileScriptInSandbox(source, { timeoutMs, maxJsonDepth: options.maxJsonDepth }),
    sql: postgresSqlService(),
  };
}
