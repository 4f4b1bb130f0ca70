/**
 * @module
 * `/api/auth` (`service/AuthService.scala`): API keys.
 *
 * - `POST /keygen` with JSON `{"vendorPrefix":"com.acme"}` (a form body is not JSON, so 400): the
 *   key needs key action CREATE (else 403 "Not sufficient privileges to create keys") and a vendor
 *   scope covering the prefix (else 403 "Cannot create … using your permissions"); answers
 *   `{"read":uuid,"write":uuid}`, a READ key and a CREATE_VENDOR key for that prefix.
 * - `DELETE /keygen?key=uuid`: needs key action DELETE; the key need not exist.
 *
 * Deviation: a prefix longer than 128 characters (or holding NUL) is 400 here; the reference's
 * table cannot hold it and it fails with 500.
 */
import { Hono } from "hono";
import { type Api, authenticate, fail, jsonBody } from "./api.ts";
import { isJsonObject } from "./json-body.ts";
import {
  canCreatePermission,
  keyPairPermissions,
  parseApiKey,
  parseVendorScope,
  showVendorScope,
  vendorScopeText,
} from "./permission.ts";
import { message } from "./responses.ts";
import { MAX_IDENTIFIER_LENGTH } from "./storage/schema-store.ts";

export function authRoutes(api: Api): Hono {
  const app = new Hono({ strict: false });

  app.post("/keygen", async (c) => {
    const permission = await authenticate(c, api);
    if (permission instanceof Response) return permission;
    const body = await jsonBody(c, api);
    if (body instanceof Response) return body;
    const prefix = isJsonObject(body.json) ? body.json["vendorPrefix"] : undefined;
    if (typeof prefix !== "string") return fail(c, 422, "The request body was invalid.");
    if (!permission.key.includes("CREATE")) return fail(c, 403, "Not sufficient privileges to create keys");
    const scope = parseVendorScope(prefix);
    if (!canCreatePermission(permission, vendorScopeText(scope))) {
      return fail(c, 403, `Cannot create ${showVendorScope(scope)} using your permissions`);
    }
    const text = vendorScopeText(scope);
    if (text.length > MAX_IDENTIFIER_LENGTH || text.includes("\u0000")) {
      return fail(
        c,
        400,
        `The vendor prefix must be at most ${MAX_IDENTIFIER_LENGTH} characters, without NUL`,
      );
    }
    const pair = { read: crypto.randomUUID(), write: crypto.randomUUID() };
    const permissions = keyPairPermissions(scope);
    await api.store.addPermission(pair.read, permissions.read);
    await api.store.addPermission(pair.write, permissions.write);
    return c.json(pair, 200);
  });

  app.delete("/keygen", async (c) => {
    const permission = await authenticate(c, api);
    if (permission instanceof Response) return permission;
    const text = c.req.query("key");
    if (text === undefined) return fail(c, 400, "Missing query param: key");
    const key = parseApiKey(text);
    if (key === null) return fail(c, 400, `Invalid UUID format: '${text}'`);
    if (!permission.key.includes("DELETE")) return fail(c, 403, "Not sufficient privileges to delete key");
    await api.store.deletePermission(key);
    return c.json(message("Keys have been deleted"), 200);
  });

  return app;
}
