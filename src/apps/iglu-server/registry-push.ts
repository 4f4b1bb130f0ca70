/**
 * @module
 * Uploads schema files to an Iglu Server, as `igluctl static push` does: one
 * `PUT {api}/schemas/{vendor}/{name}/{format}/{version}?isPublic=` per file, with the `apikey`
 * header, in {@link publicationOrder} so that sequencing rules pass. Groups (vendor/name) go up
 * concurrently, the versions of one group one after another.
 *
 * A version the registry already holds (409 "Schema already exists") counts as unchanged when the
 * registry's copy has the same body, and as a failure otherwise; so pushing a folder twice is fine.
 */
import { formatSchemaKey, schemaKeyPath } from "../../core/iglu/schema-key.ts";
import { publicationOrder, type SchemaFile } from "./schema-folder.ts";

export interface PushOptions {
  /** The registry's API root (`http://host:8080/api`); a base URL without `/api` gets it added. */
  readonly registry: string;
  readonly apiKey: string;
  /** Publish as public schemas (igluctl's `--public`). */
  readonly isPublic: boolean;
  /** Groups uploaded at once; 4 by default. */
  readonly concurrency?: number;
  readonly send?: typeof fetch;
}

export type PushOutcome = "created" | "updated" | "unchanged" | "failed";

export interface PushResult {
  readonly file: SchemaFile;
  readonly outcome: PushOutcome;
  readonly status: number | null;
  /** The registry's message, or why the request failed. */
  readonly message: string;
}

/** `http://host/api` from `http://host`, `http://host/` or `http://host/api/`. */
export function apiRoot(registry: string): string {
  const trimmed = registry.replace(/\/+$/, "");
  return trimmed.endsWith("/api") ? trimmed : `${trimmed}/api`;
}

/**
 * The JSON a body means, keys sorted, without the members a registry adds or rewrites (`self`,
 * `$schema`, `$supersededBy`): to compare a file with the registry's copy.
 */
function comparable(json: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (typeof v !== "object" || v === null) return v;
    return Object.fromEntries(
      Object.entries(v)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, x]) => [k, sort(x)]),
    );
  };
  if (typeof json !== "object" || json === null || Array.isArray(json)) return JSON.stringify(json);
  const { self: _self, $schema: _schema, $supersededBy: _by, ...rest } = json as Record<string, unknown>;
  return JSON.stringify(sort(rest));
}

async function pushOne(file: SchemaFile, options: PushOptions, send: typeof fetch): Promise<PushResult> {
  const url = `${apiRoot(options.registry)}/schemas/${schemaKeyPath(file.key)}?isPublic=${options.isPublic}`;
  const headers = { apikey: options.apiKey, "content-type": "application/json" };
  let response: Response;
  try {
    response = await send(url, { method: "PUT", headers, body: file.text });
  } catch (e) {
    return { file, outcome: "failed", status: null, message: (e as Error).message };
  }
  const text = await response.text();
  let why = text;
  try {
    const json = JSON.parse(text) as { message?: unknown };
    if (typeof json.message === "string") why = json.message;
  } catch {}
  if (response.status === 201) return { file, outcome: "created", status: 201, message: why };
  if (response.status === 200) return { file, outcome: "updated", status: 200, message: why };
  if (response.status === 409 && why === "Schema already exists") {
    const existing = await send(`${apiRoot(options.registry)}/schemas/${schemaKeyPath(file.key)}`, {
      headers: { apikey: options.apiKey },
    }).catch(() => null);
    const theirs = existing?.ok ? comparable(await existing.json()) : null;
    if (theirs !== null && theirs === comparable(file.json)) {
      return { file, outcome: "unchanged", status: 409, message: "already published, identical" };
    }
    return { file, outcome: "failed", status: 409, message: "already published with a different body" };
  }
  return { file, outcome: "failed", status: response.status, message: why };
}

/**
 * Pushes every file; `onResult` hears about each as it completes. A failed version does not stop
 * its group: the registry refuses whatever depended on it, and each refusal is reported.
 */
export async function pushSchemas(
  files: readonly SchemaFile[],
  options: PushOptions,
  onResult: (result: PushResult) => void = () => {},
): Promise<PushResult[]> {
  const send = options.send ?? fetch;
  const groups = new Map<string, SchemaFile[]>();
  for (const file of publicationOrder(files)) {
    const group = `${file.key.vendor}/${file.key.name}`;
    groups.set(group, [...(groups.get(group) ?? []), file]);
  }
  const queue = [...groups.values()];
  const results: PushResult[] = [];
  const worker = async () => {
    for (let group = queue.shift(); group; group = queue.shift()) {
      for (const file of group) {
        const result = await pushOne(file, options, send);
        results.push(result);
        onResult(result);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
  return results.sort((a, b) => (formatSchemaKey(a.file.key) < formatSchemaKey(b.file.key) ? -1 : 1));
}
