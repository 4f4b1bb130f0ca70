/**
 * @module
 * A Registry is one place the resolver looks for schemas: an in-memory set, an embedded static
 * directory, or an HTTP registry (a static site or an Iglu Server). Each answers two questions, "the
 * schema for this key" and "the schema list for vendor/name/model", with a RegistryError when it
 * cannot (iglu-scala-client `registries/Registry.scala` and `RegistryLookup.scala`).
 */
import { err, ok, type Result } from "../result.ts";
import type { NonEmpty, RegistryError } from "./client-error.ts";
import { formatSchemaKey, parseSchemaKey, type SchemaKey, sameSchemaKey } from "./schema-key.ts";

/** The three registry classes of the resolver config, with the class priority Snowplow gives each. */
export type RegistryKind = "InMemory" | "Embedded" | "Http";

/**
 * Lower is tried first: in-memory schemas cost nothing, embedded ones a file read, HTTP a round
 * trip (Registry.scala `classPriority`).
 */
export const classPriority: Readonly<Record<RegistryKind, number>> = { InMemory: 1, Embedded: 2, Http: 100 };

/** What the resolver config says about every repository, whatever its connection. */
export interface RegistryRef {
  readonly name: string;
  /** Ascending: 0 is tried before 10, among registries of the same class. */
  readonly priority: number;
  /** A schema whose vendor starts with one of these is looked up here first. */
  readonly vendorPrefixes: readonly string[];
}

/**
 * An ordered, non-empty list of schema keys sharing vendor and name, starting at `M-0-0`
 * (iglu-core `SchemaList`). Registries return them oldest first; the order is trusted.
 */
export type SchemaList = NonEmpty<SchemaKey>;

/** One place to look schemas up. */
export interface Registry extends RegistryRef {
  readonly kind: RegistryKind;
  /** Where it reads from: a base URI, a base path, or `memory`. */
  readonly location: string;
  /** The schema for `key`, as parsed JSON (normally a self-describing schema). */
  lookup(key: SchemaKey): Promise<Result<unknown, RegistryError>>;
  /** The keys of `vendor/name` with MODEL `model`, oldest first. */
  list(vendor: string, name: string, model: number): Promise<Result<SchemaList, RegistryError>>;
}

/** The schema certainly does not exist here. */
export const notFound: RegistryError = Object.freeze({ kind: "NotFound" as const });

/** A failure that may pass: a 5xx, a dropped connection, a corrupt file. */
export const repoFailure = (message: string): RegistryError => ({ kind: "RepoFailure", message });

/** A failure of the request itself: a 4xx other than 404, an undecodable answer. */
export const clientFailure = (message: string): RegistryError => ({ kind: "ClientFailure", message });

/** RegistryErrors are values: equal kinds and messages are the same error. */
export function sameRegistryError(a: RegistryError, b: RegistryError): boolean {
  if (a.kind === "NotFound" || b.kind === "NotFound") return a.kind === b.kind;
  return a.kind === b.kind && a.message === b.message;
}

/** True when `vendor` starts with one of the registry's prefixes (Registry.Config `vendorMatched`). */
export function vendorMatched(registry: RegistryRef, vendor: string): boolean {
  return registry.vendorPrefixes.some((prefix) => vendor.startsWith(prefix));
}

/**
 * Reads a JSON array of Iglu URIs as a SchemaList, with iglu-core's rules and messages
 * (`SchemaList.parseStrings`): non-empty, the first at `M-0-0`, one vendor and name, no repeats.
 *
 * @example
 * parseSchemaList(["iglu:com.acme/click/jsonschema/1-0-0", "iglu:com.acme/click/jsonschema/1-0-1"])
 */
export function parseSchemaList(json: unknown): Result<SchemaList, string> {
  const fail = (why: string) => err(`Cannot parse list of strings into SchemaList. ${why}`);
  if (!Array.isArray(json) || !json.every((s) => typeof s === "string")) {
    return err("Cannot parse list of strings into SchemaList. Expected a JSON array of strings");
  }
  if (json.length === 0) return fail("SchemaList cannot be empty");
  const keys: SchemaKey[] = [];
  for (const uri of json as string[]) {
    const parsed = parseSchemaKey(uri);
    if (!parsed.ok) return fail(`${uri} - ${parsed.error.message}`);
    const key = parsed.value;
    const first = keys[0];
    if (first === undefined) {
      if (key.version.revision !== 0 || key.version.addition !== 0) {
        return fail(`Init schema ${uri} is not ${key.version.model}-0-0`);
      }
    } else if (key.vendor !== first.vendor || key.name !== first.name) {
      return fail(
        `SchemaKey ${formatSchemaKey(key)} does not match previous vendor (${key.vendor}) or name (${key.name})`,
      );
    } else if (keys.some((k) => sameSchemaKey(k, key))) {
      return fail(`SchemaKey ${formatSchemaKey(key)} is not unique`);
    }
    keys.push(key);
  }
  return ok(keys as unknown as SchemaList);
}
