/**
 * @module
 * What an API key may do, as Iglu Server's `model/Permission.scala` defines it: a vendor scope
 * (dot-separated parts, optionally covering every sub-vendor), an optional schema action and a set
 * of key actions. The checks are the reference's, including its quirks: BUMP, CREATE and
 * CREATE_VENDOR are not told apart, and any key action also grants reading and publishing.
 */

/** Schema actions, in the order of the `schema_action` enum. */
export const SCHEMA_ACTIONS = ["READ", "BUMP", "CREATE", "CREATE_VENDOR"] as const;
export type SchemaAction = (typeof SCHEMA_ACTIONS)[number];

/** Key actions, as the `key_action` enum. */
export const KEY_ACTIONS = ["CREATE", "DELETE"] as const;
export type KeyAction = (typeof KEY_ACTIONS)[number];

/**
 * A vendor scope. `parts: []` with `wildcard: true` covers every vendor; with `wildcard: false` it
 * covers none (the anonymous user's scope).
 */
export interface VendorScope {
  readonly parts: readonly string[];
  readonly wildcard: boolean;
}

export interface Permission {
  readonly vendor: VendorScope;
  readonly schema: SchemaAction | null;
  readonly key: readonly KeyAction[];
}

export const ALL_VENDORS: VendorScope = { parts: [], wildcard: true };
const NO_VENDOR: VendorScope = { parts: [], wildcard: false };

/** No header, or a key the server does not know: authorised for nothing (but public schemas). */
export const ANONYMOUS: Permission = { vendor: NO_VENDOR, schema: null, key: [] };
/** The super key (config `superApiKey`, or the dummy storage's built-in key). */
export const SUPER: Permission = { vendor: ALL_VENDORS, schema: "CREATE_VENDOR", key: ["CREATE", "DELETE"] };

/**
 * Java's `String.split("\\.")`: trailing empty strings are dropped, inner ones kept, and the empty
 * string splits into one empty part. The reference compares vendors this way, so must we.
 */
export function vendorParts(vendor: string): string[] {
  const parts = vendor.split(".");
  if (parts.length === 1) return parts;
  while (parts.length > 0 && parts[parts.length - 1] === "") parts.pop();
  return parts;
}

/** `Vendor.parse`: `*` or a blank string is every vendor; anything else a prefix scope. */
export function parseVendorScope(text: string): VendorScope {
  if (text === "*" || text.trim() === "") return ALL_VENDORS;
  return { parts: vendorParts(text), wildcard: true };
}

/** The scope as stored and shown: its parts joined by dots (`""` for every vendor). */
export function vendorScopeText(scope: VendorScope): string {
  return scope.parts.join(".");
}

/** The scope as the keygen error message names it. */
export function showVendorScope(scope: VendorScope): string {
  return scope.parts.length === 0 ? "'wildcard vendor'" : scope.parts.join(".");
}

/**
 * `Vendor.check`: every vendor, the exact parts, or (with `wildcard`) a prefix of whole dot
 * segments. So `com.acme` covers `com.acme` and `com.acme.shop` but not `com.acmeinc`.
 */
export function vendorScopeCovers(scope: VendorScope, vendor: string): boolean {
  if (scope.wildcard && scope.parts.length === 0) return true;
  const requested = vendorParts(vendor);
  const same = (n: number) => scope.parts.slice(0, n).every((p, i) => requested[i] === p);
  if (requested.length === scope.parts.length && same(scope.parts.length)) return true;
  return scope.wildcard && requested.length >= scope.parts.length && same(scope.parts.length);
}

/** `canRead`: any schema action or any key action, within the vendor scope. */
export function canRead(p: Permission, vendor: string): boolean {
  return (p.schema !== null || p.key.length > 0) && vendorScopeCovers(p.vendor, vendor);
}

/** `canCreateSchema`: a schema action above READ or any key action, within the vendor scope. */
export function canCreateSchema(p: Permission, vendor: string): boolean {
  return (
    ((p.schema !== null && p.schema !== "READ") || p.key.length > 0) && vendorScopeCovers(p.vendor, vendor)
  );
}

/** `canCreatePermission`: key action CREATE within the vendor scope. */
export function canCreatePermission(p: Permission, vendor: string): boolean {
  return p.key.includes("CREATE") && vendorScopeCovers(p.vendor, vendor);
}

/** `canValidate`: any valid key with any action at all. */
export function canValidate(p: Permission): boolean {
  return p.schema !== null || p.key.length > 0;
}

/** The pair `POST /api/auth/keygen` creates: a read key and a write key for one vendor scope. */
export function keyPairPermissions(scope: VendorScope): { read: Permission; write: Permission } {
  return {
    read: { vendor: scope, schema: "READ", key: [] },
    write: { vendor: scope, schema: "CREATE_VENDOR", key: [] },
  };
}

/** `authInfo` in `GET /api/meta/server`: the reference's derived encoder. */
export function permissionJson(p: Permission): {
  vendor: string;
  schema: SchemaAction | null;
  key: KeyAction[];
} {
  return { vendor: vendorScopeText(p.vendor), schema: p.schema, key: [...p.key] };
}

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/**
 * Reads an API key. The reference uses `java.util.UUID.fromString`, which also accepts oddities
 * such as `1-2-3-4-5`; only the canonical 8-4-4-4-12 hex form is accepted here. Keys are compared
 * in lower case, as a UUID is a number and not a string.
 */
export function parseApiKey(text: string): string | null {
  return UUID.test(text) ? text.toLowerCase() : null;
}
