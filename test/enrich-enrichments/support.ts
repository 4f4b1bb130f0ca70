/**
 * @module
 * What the enrichment tests share: an `EnrichmentInput` built from a few fields, `EnrichmentDeps`
 * over local files (the project's `fixtures/enrich-assets`, or `../shared`), a real MaxMind reader
 * through the adapter, and a check of emitted contexts against Iglu Central's schemas.
 * It imports only what Deno also runs, since the core tests use it under both runtimes.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openMaxMind } from "../../src/adapters/maxmind/reader.ts";
import type { NVP, RawEvent } from "../../src/core/badrows/payload.ts";
import type {
  Enrichment,
  EnrichmentDeps,
  EnrichmentFactory,
  EnrichmentInput,
  EnrichmentOutcome,
} from "../../src/core/enrich/enrichment.ts";
import {
  type EnrichedEvent,
  emptyEnrichedEvent,
  type SelfDescribingJson,
} from "../../src/core/event/enriched-event.ts";
import type { ValidatorError } from "../../src/core/iglu/client-error.ts";
import { parseSchemaKey, type SchemaKey } from "../../src/core/iglu/schema-key.ts";
import { SchemaValidator } from "../../src/core/iglu/schema-validator.ts";
import type { Result } from "../../src/core/result.ts";
import { sharedDir } from "../support/shared.ts";

/** The project's own small assets. */
export const assetsDir = fileURLToPath(new URL("../../fixtures/enrich-assets", import.meta.url));

/** A raw event with nothing but what is given. */
export function rawEvent(fields: Partial<RawEvent> = {}): RawEvent {
  return {
    vendor: "com.snowplowanalytics.snowplow",
    version: "tp2",
    parameters: [],
    contentType: null,
    loaderName: "thrift",
    encoding: "UTF-8",
    hostname: null,
    timestamp: null,
    ipAddress: null,
    useragent: null,
    refererUri: null,
    headers: [],
    userId: null,
    ...fields,
  };
}

/** One event to enrich: the event's fields, the raw event's and its parameters. */
export function enrichmentInput(
  event: Partial<EnrichedEvent> = {},
  raw: Partial<RawEvent> = {},
): EnrichmentInput {
  const r = rawEvent(raw);
  const parameters = new Map<string, string | null>();
  for (const p of r.parameters as readonly NVP[])
    if (!parameters.has(p.name)) parameters.set(p.name, p.value);
  return { event: Object.assign(emptyEnrichedEvent(), event), raw: r, parameters, derivedContexts: [] };
}

/** Reads `uri`/`database` from the disk: `uri` is a directory path or a `file:` URL. */
export async function loadLocalAsset(uri: string, database: string): Promise<Uint8Array> {
  const dir = uri.startsWith("file:") ? fileURLToPath(uri) : uri;
  return new Uint8Array(readFileSync(join(dir, database)));
}

/** Deps over local files and the real MaxMind adapter; no network. */
export function localDeps(overrides: Partial<EnrichmentDeps> = {}): EnrichmentDeps {
  return {
    loadAsset: loadLocalAsset,
    fetch: Object.assign(() => Promise.reject(new Error("no network in enrichment tests")), {
      preconnect: () => {},
    }) as unknown as typeof fetch,
    now: () => Date.parse("2024-01-01T00:00:00Z"),
    services: { openMaxMind },
    ...overrides,
  };
}

/** Parses a config and builds the enrichment, throwing on any error (for tests that expect success). */
export async function build(
  factory: EnrichmentFactory,
  config: SelfDescribingJson,
  deps: EnrichmentDeps = localDeps(),
): Promise<Enrichment> {
  const parsed = factory.parse(config);
  if (!parsed.ok) throw new Error(`${parsed.error.path}: ${parsed.error.message}`);
  const created = await factory.create(parsed.value, deps);
  if (!created.ok) throw new Error(`${created.error.path}: ${created.error.message}`);
  return created.value;
}

/** Runs a synchronous enrichment and returns its contexts, throwing if it failed or returned a promise. */
export function contextsOf(
  outcome: EnrichmentOutcome | Promise<EnrichmentOutcome>,
): readonly SelfDescribingJson[] {
  if (outcome instanceof Promise) throw new Error("expected a synchronous outcome");
  if (outcome.kind !== "enriched") throw new Error(`expected enriched, got ${JSON.stringify(outcome)}`);
  return outcome.contexts;
}

export function key(uri: string): SchemaKey {
  const k = parseSchemaKey(uri);
  if (!k.ok) throw new Error(k.error.message);
  return k.value;
}

const validator = new SchemaValidator();

/**
 * Validates a context against its schema in `../shared/iglu-central`. Callers skip when `sharedDir`
 * is null.
 */
export function validateAgainstIgluCentral(sdj: SelfDescribingJson): Result<void, ValidatorError> {
  if (sharedDir === null) throw new Error("validateAgainstIgluCentral needs ../shared");
  const k = key(sdj.schema);
  const path = join(
    sharedDir,
    "iglu-central/schemas",
    k.vendor,
    k.name,
    k.format,
    sdj.schema.split("/").pop()!,
  );
  const schema = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  return validator.validate(k, schema, sdj.data);
}
