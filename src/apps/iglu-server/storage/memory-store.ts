/**
 * @module
 * The in-memory schema store: the reference's "dummy" storage (`storage/InMemory.scala`), lost
 * when the process ends. It behaves as the Postgres store does, including the superseding rules
 * of its SQL (which are the reference's observable behaviour), so both pass one conformance suite.
 * Like the reference's, it can start with the dummy super key already present.
 */
import { formatSchemaKey, type SchemaKey } from "../../../core/iglu/schema-key.ts";
import { compareSchemaVer, formatSchemaVer, type SchemaVer } from "../../../core/iglu/schema-ver.ts";
import { type Permission, SUPER } from "../permission.ts";
import {
  type DraftId,
  instantText,
  type PublishOutcome,
  type SchemaFilter,
  type SchemaListing,
  type SchemaPublication,
  type SchemaStore,
  type StoredDraft,
  type StoredSchema,
} from "./schema-store.ts";

/** The super key the reference's dummy storage always holds. */
export const DUMMY_SUPER_KEY = "48b267d7-cd2b-4f22-bae4-0f002008b5ad";

export interface MemoryStoreOptions {
  /** Add {@link DUMMY_SUPER_KEY} as a super key (the reference's dummy storage does). */
  readonly withDummySuperKey?: boolean;
  /** The clock, for tests; `Date.now` by default. */
  readonly now?: () => number;
}

interface Row {
  key: SchemaKey;
  body: string;
  isPublic: boolean;
  created: number;
  updated: number;
  supersededBy: SchemaVer | null;
  supersedes: readonly SchemaVer[];
}

interface DraftRow {
  id: DraftId;
  body: string;
  isPublic: boolean;
  created: number;
  updated: number;
}

/** Microseconds since the epoch as an Instant text. */
function instant(micros: number): string {
  const date = new Date(Math.floor(micros / 1000));
  const seconds = date.toISOString().slice(0, 19);
  return instantText(seconds, String(micros % 1_000_000).padStart(6, "0"));
}

const draftKey = (id: DraftId) => JSON.stringify([id.vendor, id.name, id.format, id.version]);

export class MemorySchemaStore implements SchemaStore {
  readonly kind = "inmemory" as const;
  readonly #schemas = new Map<string, Row>();
  readonly #drafts = new Map<string, DraftRow>();
  readonly #permissions = new Map<string, Permission>();
  readonly #now: () => number;
  #lastMicros = 0;

  constructor(options: MemoryStoreOptions = {}) {
    this.#now = options.now ?? Date.now;
    if (options.withDummySuperKey) this.#permissions.set(DUMMY_SUPER_KEY, SUPER);
  }

  /** Strictly increasing times, so lists keep creation order even within one millisecond. */
  #tick(): number {
    this.#lastMicros = Math.max(this.#now() * 1000, this.#lastMicros + 1);
    return this.#lastMicros;
  }

  #toStored(row: Row): StoredSchema {
    return {
      key: row.key,
      body: row.body,
      metadata: { createdAt: instant(row.created), updatedAt: instant(row.updated), isPublic: row.isPublic },
      supersededBy: row.supersededBy,
      supersedes: row.supersedes,
    };
  }

  #ordered(): Row[] {
    return [...this.#schemas.values()].sort(
      (a, b) => a.created - b.created || compareSchemaVer(a.key.version, b.key.version),
    );
  }

  async getSchema(key: SchemaKey): Promise<StoredSchema | null> {
    const row = this.#schemas.get(formatSchemaKey(key));
    return row ? this.#toStored(row) : null;
  }

  async listSchemas(filter: SchemaFilter = {}): Promise<StoredSchema[]> {
    return this.#ordered()
      .filter(
        (r) =>
          (filter.vendor === undefined || r.key.vendor === filter.vendor) &&
          (filter.name === undefined || r.key.name === filter.name) &&
          (filter.model === undefined || r.key.version.model === filter.model),
      )
      .map((r) => this.#toStored(r));
  }

  async listSchemaKeys(): Promise<SchemaListing[]> {
    return this.#ordered().map((r) => ({
      key: r.key,
      metadata: { createdAt: instant(r.created), updatedAt: instant(r.updated), isPublic: r.isPublic },
    }));
  }

  async publishSchema(p: SchemaPublication): Promise<PublishOutcome> {
    // No await from here on: the check and the write happen in one turn of the event loop.
    const group = [...this.#schemas.values()].filter(
      (r) => r.key.vendor === p.key.vendor && r.key.name === p.key.name,
    );
    const problem = p.check(group.map((r) => ({ version: r.key.version, isPublic: r.isPublic })));
    if (problem) return { kind: "refused", inconsistency: problem };
    const uri = formatSchemaKey(p.key);
    const existing = this.#schemas.get(uri);
    const now = this.#tick();
    if (existing) {
      existing.body = p.body;
      existing.isPublic = p.isPublic;
      existing.created = now;
      existing.updated = now;
      return { kind: "stored", updated: true };
    }
    this.#schemas.set(uri, {
      key: p.key,
      body: p.body,
      isPublic: p.isPublic,
      created: now,
      updated: now,
      supersededBy: null,
      supersedes: [...p.supersedes],
    });
    if (p.supersedes.length > 0) {
      const listed = new Set(p.supersedes.map(formatSchemaVer));
      for (const row of group) {
        const marked =
          listed.has(formatSchemaVer(row.key.version)) ||
          (row.supersededBy !== null && listed.has(formatSchemaVer(row.supersededBy)));
        const lower = row.supersededBy === null || compareSchemaVer(row.supersededBy, p.key.version) < 0;
        if (marked && lower) row.supersededBy = p.key.version;
      }
    }
    return { kind: "stored", updated: false };
  }

  async deleteSchema(key: SchemaKey): Promise<void> {
    this.#schemas.delete(formatSchemaKey(key));
  }

  #toDraft(row: DraftRow): StoredDraft {
    return {
      id: row.id,
      body: row.body,
      metadata: { createdAt: instant(row.created), updatedAt: instant(row.updated), isPublic: row.isPublic },
    };
  }

  async getDraft(id: DraftId): Promise<StoredDraft | null> {
    const row = this.#drafts.get(draftKey(id));
    return row ? this.#toDraft(row) : null;
  }

  async listDrafts(): Promise<StoredDraft[]> {
    return [...this.#drafts.values()].sort((a, b) => a.created - b.created).map((r) => this.#toDraft(r));
  }

  async putDraft(id: DraftId, body: string, isPublic: boolean): Promise<{ readonly updated: boolean }> {
    const key = draftKey(id);
    const now = this.#tick();
    const existing = this.#drafts.get(key);
    if (existing) {
      existing.body = body;
      existing.isPublic = isPublic;
      existing.updated = now;
      return { updated: true };
    }
    this.#drafts.set(key, { id: { ...id }, body, isPublic, created: now, updated: now });
    return { updated: false };
  }

  async getPermission(apikey: string): Promise<Permission | null> {
    return this.#permissions.get(apikey) ?? null;
  }

  async addPermission(apikey: string, permission: Permission): Promise<void> {
    this.#permissions.set(apikey, permission);
  }

  async deletePermission(apikey: string): Promise<void> {
    this.#permissions.delete(apikey);
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}
}
