/**
 * @module
 * `/api/meta` (`service/MetaService.scala`).
 *
 * - `GET /health`: text "OK" (no database involved, so it stays up while the database is down).
 * - `GET /health/db`: "OK" once the database answers `SELECT 42`; 503 while it does not (the
 *   reference fails with 500).
 * - `GET /server`: `{version, authInfo, database, schemaCount, debug, patchesAllowed}`, where
 *   `schemaCount` counts the schemas the key can read (public ones do not count by themselves).
 *   `version` is the Iglu Server release whose API this server follows.
 */
import { Hono } from "hono";
import { type Api, authenticate } from "./api.ts";
import { canRead, permissionJson } from "./permission.ts";

export function metaRoutes(api: Api): Hono {
  const app = new Hono({ strict: false });
  const ok = () =>
    new Response("OK", { status: 200, headers: { "content-type": "text/plain; charset=UTF-8" } });

  app.get("/health", async (c) => {
    const permission = await authenticate(c, api);
    return permission instanceof Response ? permission : ok();
  });

  app.get("/health/db", async (c) => {
    const permission = await authenticate(c, api);
    if (permission instanceof Response) return permission;
    await api.store.ping();
    return ok();
  });

  app.get("/server", async (c) => {
    const permission = await authenticate(c, api);
    if (permission instanceof Response) return permission;
    const keys = await api.store.listSchemaKeys();
    return c.json({
      version: api.settings.version,
      authInfo: permissionJson(permission),
      database: api.store.kind,
      schemaCount: keys.filter((s) => canRead(permission, s.key.vendor)).length,
      debug: api.settings.debug,
      patchesAllowed: api.settings.patchesAllowed,
    });
  });

  return app;
}
