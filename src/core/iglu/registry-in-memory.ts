/**
 * @module
 * A registry of schemas handed over at start-up (iglu-scala-client `Registry.InMemory`, class
 * priority 1). It never fails except with NotFound. The resolver's built-in "Iglu Client Embedded"
 * registry is one of these, sorted as an embedded registry.
 */
import { ok, type Result } from "../result.ts";
import type { RegistryError } from "./client-error.ts";
import { notFound, type Registry, type RegistryKind, type RegistryRef, type SchemaList } from "./registry.ts";
import { compareSchemaKey, formatSchemaKey, type SchemaKey } from "./schema-key.ts";
import { normalizeSelfDescribingSchema, type SelfDescribingSchema } from "./self-describing-schema.ts";

/**
 * Schemas held in memory, looked up by key.
 *
 * Deviation: iglu-scala-client answers every list request to an in-memory registry with NotFound;
 * this one lists its `jsonschema` keys, which makes it usable behind `listSchemas` in tests and
 * bootstrap set-ups. Nothing built from a resolver config is in-memory, so configs behave the same.
 */
export class InMemoryRegistry implements Registry {
  readonly name: string;
  readonly priority: number;
  readonly vendorPrefixes: readonly string[];
  readonly location = "memory";
  readonly kind: RegistryKind;
  readonly #schemas = new Map<string, Record<string, unknown>>();
  readonly #keys: SchemaKey[] = [];

  /**
   * `kind` is `InMemory` unless the registry stands in for an embedded one (as the built-in
   * "Iglu Client Embedded" does), which changes only where it sorts.
   */
  constructor(ref: RegistryRef, schemas: readonly SelfDescribingSchema[], kind: RegistryKind = "InMemory") {
    this.name = ref.name;
    this.priority = ref.priority;
    this.vendorPrefixes = [...ref.vendorPrefixes];
    this.kind = kind;
    for (const schema of schemas) {
      const uri = formatSchemaKey(schema.self);
      // The first of two schemas with one key wins, as `List.find` does in RegistryLookup.
      if (this.#schemas.has(uri)) continue;
      this.#schemas.set(uri, normalizeSelfDescribingSchema(schema));
      this.#keys.push(schema.self);
    }
    this.#keys.sort(compareSchemaKey);
  }

  lookup(key: SchemaKey): Promise<Result<unknown, RegistryError>> {
    const schema = this.#schemas.get(formatSchemaKey(key));
    // A copy, so a caller that edits what it got cannot change what the next caller gets.
    return Promise.resolve(
      schema === undefined ? { ok: false, error: notFound } : ok(structuredClone(schema)),
    );
  }

  list(vendor: string, name: string, model: number): Promise<Result<SchemaList, RegistryError>> {
    const keys = this.#keys.filter(
      (k) => k.vendor === vendor && k.name === name && k.format === "jsonschema" && k.version.model === model,
    );
    return Promise.resolve(
      keys.length === 0 ? { ok: false, error: notFound } : ok(keys as unknown as SchemaList),
    );
  }
}
