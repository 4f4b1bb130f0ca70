/** @module Tests for the permission model, after the reference's PermissionSpec plus the dot-segment rules. */
import { describe, expect, test } from "bun:test";
import {
  ANONYMOUS,
  canCreatePermission,
  canCreateSchema,
  canRead,
  canValidate,
  keyPairPermissions,
  type Permission,
  parseApiKey,
  parseVendorScope,
  permissionJson,
  SUPER,
  showVendorScope,
  vendorParts,
  vendorScopeCovers,
} from "./permission.ts";

const exact = (vendor: string) => ({ parts: vendor.split("."), wildcard: false });
const p = (
  vendor: Permission["vendor"],
  schema: Permission["schema"],
  key: Permission["key"] = [],
): Permission => ({
  vendor,
  schema,
  key,
});

describe("vendor scopes", () => {
  test("PermissionSpec: an exact scope covers its vendor only", () => {
    expect(vendorScopeCovers(exact("com.acme"), "com.acme")).toBe(true);
    expect(vendorScopeCovers(exact("com.acme"), "com.acme.unrelated")).toBe(false);
  });

  test("a parsed scope covers whole dot segments below it, never a longer segment", () => {
    const scope = parseVendorScope("com.acme");
    expect(scope).toEqual({ parts: ["com", "acme"], wildcard: true });
    expect(vendorScopeCovers(scope, "com.acme")).toBe(true);
    expect(vendorScopeCovers(scope, "com.acme.shop.eu")).toBe(true);
    expect(vendorScopeCovers(scope, "com.acmeinc")).toBe(false);
    expect(vendorScopeCovers(scope, "com")).toBe(false);
    expect(vendorScopeCovers(scope, "org.acme")).toBe(false);
  });

  test("* and blank strings are every vendor (PermissionSpec e8)", () => {
    for (const text of ["*", "", " ", "\t"])
      expect(parseVendorScope(text)).toEqual({ parts: [], wildcard: true });
    expect(vendorScopeCovers(parseVendorScope("*"), "anything.at.all")).toBe(true);
    expect(showVendorScope(parseVendorScope("*"))).toBe("'wildcard vendor'");
  });

  test("splitting drops trailing empty parts, as Java's String.split does", () => {
    expect(vendorParts("com.acme.")).toEqual(["com", "acme"]);
    expect(vendorParts("com..acme")).toEqual(["com", "", "acme"]);
    expect(vendorParts("")).toEqual([""]);
    expect(vendorScopeCovers(parseVendorScope("com.acme."), "com.acme")).toBe(true);
  });
});

describe("checks", () => {
  test("reading needs any schema action or key action within the scope", () => {
    expect(canRead(p(exact("com.acme"), "READ"), "com.acme")).toBe(true);
    expect(canRead(p(exact("com.acme"), null, ["DELETE"]), "com.acme")).toBe(true);
    expect(canRead(p(exact("com.acme"), null), "com.acme")).toBe(false);
    expect(canRead(ANONYMOUS, "com.acme")).toBe(false);
  });

  test("publishing needs more than READ, or any key action", () => {
    expect(canCreateSchema(p(exact("com.acme"), "READ"), "com.acme")).toBe(false);
    for (const action of ["BUMP", "CREATE", "CREATE_VENDOR"] as const) {
      expect(canCreateSchema(p(exact("com.acme"), action), "com.acme")).toBe(true);
    }
    expect(canCreateSchema(p(exact("com.acme"), "READ", ["CREATE"]), "com.acme")).toBe(true);
    // PermissionSpec e7: the write key of every vendor.
    expect(
      canCreateSchema(
        p({ parts: [], wildcard: true }, "CREATE_VENDOR"),
        "com.snowplowanalytics.snowplow.storage",
      ),
    ).toBe(true);
  });

  test("creating keys needs key action CREATE within the scope (PermissionSpec e4-e6)", () => {
    expect(canCreatePermission(p(exact("com.acme"), "READ"), "com.acme")).toBe(false);
    expect(canCreatePermission(p(exact("com.acme"), "READ", ["CREATE"]), "com.acme")).toBe(true);
    expect(canCreatePermission(p(exact("com.acme"), "READ", ["CREATE"]), "com.foo")).toBe(false);
  });

  test("validating needs any action at all", () => {
    expect(canValidate(ANONYMOUS)).toBe(false);
    expect(canValidate(p(exact("x"), "READ"))).toBe(true);
    expect(canValidate(p(exact("x"), null, ["DELETE"]))).toBe(true);
  });

  test("key pairs: a READ key and a CREATE_VENDOR key for the scope", () => {
    const scope = parseVendorScope("com.acme");
    expect(keyPairPermissions(scope)).toEqual({
      read: { vendor: scope, schema: "READ", key: [] },
      write: { vendor: scope, schema: "CREATE_VENDOR", key: [] },
    });
  });

  test("authInfo JSON and API keys", () => {
    expect(permissionJson(SUPER)).toEqual({ vendor: "", schema: "CREATE_VENDOR", key: ["CREATE", "DELETE"] });
    expect(permissionJson(keyPairPermissions(parseVendorScope("com.acme")).read)).toEqual({
      vendor: "com.acme",
      schema: "READ",
      key: [],
    });
    expect(parseApiKey("48B267D7-CD2B-4F22-BAE4-0F002008B5AD")).toBe("48b267d7-cd2b-4f22-bae4-0f002008b5ad");
    for (const bad of [
      "",
      "nope",
      "48b267d7cd2b4f22bae40f002008b5ad",
      "{48b267d7-cd2b-4f22-bae4-0f002008b5ad}",
    ]) {
      expect(parseApiKey(bad)).toBeNull();
    }
  });
});
