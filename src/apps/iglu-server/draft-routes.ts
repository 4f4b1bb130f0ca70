/**
 * @module
 * `/api/drafts` (`service/DraftService.scala`): schemas in the making, versioned by a plain
 * non-negative integer and never linted.
 *
 * - `GET /`: drafts the key can read, or public ones.
 * - `GET /{v}/{n}/{f}/{version}`: `{schemaMap, metadata, body}` if the key can read the vendor
 *   (public or not: the reference checks only the key here), else 404.
 * - `PUT /{v}/{n}/{f}/{version}?isPublic=`: needs the right to publish schemas for the vendor
 *   (else 403).
 *
 * Deviation: the reference stores the draft and then answers 501 "TODO" (and a second PUT adds a
 * duplicate row, after which its GET fails). Here a PUT creates or replaces the draft and answers
 * 201 `{"message":"Draft created","updated":false,"schemaMap":{…}}` or 200 "Draft updated".
 * Vendor, name and format must also be what an Iglu URI allows and at most 128 characters (400),
 * since the reference's tables cannot hold more.
 */
import { Hono } from "hono";
import { type Api, authenticate, booleanQuery, draftVersionParam, fail, jsonBody } from "./api.ts";
import { parseLosslessJson } from "./json-body.ts";
import { canCreateSchema, canRead } from "./permission.ts";
import { MESSAGES, representDraft } from "./responses.ts";
import { MAX_IDENTIFIER_LENGTH } from "./storage/schema-store.ts";

// iglu-core's characters for a vendor, and for a name or format.
const VENDOR = /^[a-zA-Z0-9_.-]+$/;
const NAME = /^[a-zA-Z0-9_-]+$/;

export function draftRoutes(api: Api): Hono {
  const app = new Hono({ strict: false });

  app.get("/", async (c) => {
    const permission = await authenticate(c, api);
    if (permission instanceof Response) return permission;
    const drafts = (await api.store.listDrafts()).filter(
      (d) => d.metadata.isPublic || canRead(permission, d.id.vendor),
    );
    return c.json(drafts.map(representDraft));
  });

  app.get("/:vendor/:name/:format/:version", async (c) => {
    const permission = await authenticate(c, api);
    if (permission instanceof Response) return permission;
    const { vendor, name, format } = c.req.param();
    const version = draftVersionParam(c, c.req.param("version"));
    if (version instanceof Response) return version;
    if (!canRead(permission, vendor)) return fail(c, 404, MESSAGES.schemaNotFound);
    const draft = await api.store.getDraft({ vendor, name, format, version });
    return draft ? c.json(representDraft(draft)) : fail(c, 404, MESSAGES.schemaNotFound);
  });

  app.put("/:vendor/:name/:format/:version", async (c) => {
    const permission = await authenticate(c, api);
    if (permission instanceof Response) return permission;
    const { vendor, name, format } = c.req.param();
    const version = draftVersionParam(c, c.req.param("version"));
    if (version instanceof Response) return version;
    const isPublic = booleanQuery(c, "isPublic", false);
    if (isPublic instanceof Response) return isPublic;
    const body = await jsonBody(c, api);
    if (body instanceof Response) return body;
    if (!canCreateSchema(permission, vendor)) return fail(c, 403, MESSAGES.notAuthorized);
    const tooLong = [vendor, name, format].some((p) => p.length > MAX_IDENTIFIER_LENGTH);
    if (!VENDOR.test(vendor) || !NAME.test(name) || !NAME.test(format) || tooLong) {
      return fail(
        c,
        400,
        `A draft's vendor must match [a-zA-Z0-9_.-]+, its name and format [a-zA-Z0-9_-]+, each at most ${MAX_IDENTIFIER_LENGTH} characters`,
      );
    }
    const id = { vendor, name, format, version };
    const { updated } = await api.store.putDraft(id, JSON.stringify(parseLosslessJson(body.text)), isPublic);
    return c.json(
      { message: updated ? "Draft updated" : "Draft created", updated, schemaMap: id },
      updated ? 200 : 201,
    );
  });

  return app;
}
