/**
 * @module
 * The storage port of the Iglu Server (the reference's `storage/Storage.scala`): schemas, drafts
 * and API-key permissions. Two adapters implement it: Postgres (`postgres-store.ts`, the
 * reference's tables, for a real server or PGlite) and memory (`memory-store.ts`, the reference's
 * "dummy" storage). One conformance suite (`store-conformance.ts`) checks both.
 *
 * Bodies are JSON text of an object, without `self`, `$schema`, `$supersedes` or `$supersededBy`,
 * stored and returned verbatim so that numbers keep every digit.
 *
 * Failures: a store throws {@link StorageUnavailable} when the database cannot be reached (the app
 * answers 503 and the next request tries again); any other exception is a bug.
 */
import type { SchemaKey } from "../../../core/iglu/schema-key.ts";
import type { SchemaVer } from "../../../core/iglu/schema-ver.ts";
import type { Permission } from "../permission.ts";
import type { GroupMember, Inconsistency } from "../version-cursor.ts";

/** Created and updated times, as `java.time.Instant.toString()` writes them (UTC, `Z`). */
export interface SchemaMetadata {
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly isPublic: boolean;
}

/** A schema without its body: what `GET /api/schemas` lists by default. */
export interface SchemaListing {
  readonly key: SchemaKey;
  readonly metadata: SchemaMetadata;
}

export interface StoredSchema extends SchemaListing {
  /** JSON text of the body (an object). */
  readonly body: string;
  /** The highest version that supersedes this one, if any. */
  readonly supersededBy: SchemaVer | null;
  /** The versions this one was published to supersede. */
  readonly supersedes: readonly SchemaVer[];
}

/** Which schemas to list: all, one vendor, one vendor/name, or one model of it. */
export interface SchemaFilter {
  readonly vendor?: string;
  readonly name?: string;
  readonly model?: number;
}

/** A draft's coordinates: its version is a plain non-negative integer. */
export interface DraftId {
  readonly vendor: string;
  readonly name: string;
  readonly format: string;
  readonly version: number;
}

export interface StoredDraft {
  readonly id: DraftId;
  readonly metadata: SchemaMetadata;
  readonly body: string;
}

/** What to publish; the store decides, atomically per vendor/name group, whether it may. */
export interface SchemaPublication {
  readonly key: SchemaKey;
  readonly body: string;
  readonly isPublic: boolean;
  readonly supersedes: readonly SchemaVer[];
  /**
   * Called with the group as it is, under the group's lock: null to go ahead, or why not. The
   * version cursor rules live in the app; the store only guarantees nobody else writes the group
   * between this check and the write.
   */
  readonly check: (group: readonly GroupMember[]) => Inconsistency | null;
}

/** How a publication went: stored (`updated` when the version existed), or refused. */
export type PublishOutcome =
  | { readonly kind: "stored"; readonly updated: boolean }
  | { readonly kind: "refused"; readonly inconsistency: Inconsistency };

export interface SchemaStore {
  /** `"postgres"` or `"inmemory"`, as `GET /api/meta/server` reports it. */
  readonly kind: "postgres" | "inmemory";

  getSchema(key: SchemaKey): Promise<StoredSchema | null>;
  /** Matching schemas, oldest `createdAt` first. */
  listSchemas(filter?: SchemaFilter): Promise<StoredSchema[]>;
  /** Every schema without bodies, oldest `createdAt` first. */
  listSchemaKeys(): Promise<SchemaListing[]>;
  /**
   * Adds a new version, or (when it exists) replaces body and availability and sets both times to
   * now, which moves it to the end of every list. Only an insert marks superseded versions:
   * every row of the group whose version, or whose `supersededBy`, is in `supersedes` gets the new
   * version as `supersededBy`, unless it already has a higher one.
   */
  publishSchema(publication: SchemaPublication): Promise<PublishOutcome>;
  /** Removes one version; nothing happens when it does not exist. */
  deleteSchema(key: SchemaKey): Promise<void>;

  getDraft(id: DraftId): Promise<StoredDraft | null>;
  /** Drafts, oldest `createdAt` first. */
  listDrafts(): Promise<StoredDraft[]>;
  /** Stores a draft, replacing the one with the same id (keeping its `createdAt`). */
  putDraft(id: DraftId, body: string, isPublic: boolean): Promise<{ readonly updated: boolean }>;

  /** The permission of an API key (lower-case UUID), or null for an unknown key. */
  getPermission(apikey: string): Promise<Permission | null>;
  addPermission(apikey: string, permission: Permission): Promise<void>;
  deletePermission(apikey: string): Promise<void>;

  /** Proves the database answers (`SELECT 42`). */
  ping(): Promise<void>;
  /** Releases connections; the store is unusable afterwards. */
  close(): Promise<void>;
}

/** The database could not be reached or dropped the connection; retrying later may succeed. */
export class StorageUnavailable extends Error {
  override readonly name = "StorageUnavailable";
}

/**
 * The longest vendor, name or format the reference's tables hold (`VARCHAR(128)`), and so the
 * longest a publish or draft may use. The reference does not check and fails with a 500.
 */
export const MAX_IDENTIFIER_LENGTH = 128;

/**
 * Writes a timestamp as `Instant.toString()` does: UTC with `Z`, and fractional seconds in groups
 * of three digits, omitted when zero. `fraction` holds the digits after the point (up to 9).
 *
 * @example
 * instantText("2024-01-02T03:04:05", "120000") // "2024-01-02T03:04:05.120Z"
 * instantText("2024-01-02T03:04:05", "123456") // "2024-01-02T03:04:05.123456Z"
 * instantText("2024-01-02T03:04:05", "000000") // "2024-01-02T03:04:05Z"
 */
export function instantText(secondsPart: string, fraction: string): string {
  const digits = fraction.replace(/0+$/, "");
  if (digits === "") return `${secondsPart}Z`;
  const width = digits.length <= 3 ? 3 : digits.length <= 6 ? 6 : 9;
  return `${secondsPart}.${digits.padEnd(width, "0")}Z`;
}
