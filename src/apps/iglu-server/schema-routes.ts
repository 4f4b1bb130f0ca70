/**
 * @module
 * `/api/schemas` (`service/SchemaService.scala`), and the same reads under `/schemas` so that the
 * server is also a static registry (`{base}/schemas/{vendor}/{name}/{format}/{version}`).
 *
 * Reads (lists ordered by creation; a schema is readable if public or the key can read its
 * vendor, and an unreadable one is 404, never 403):
 * - `GET /` all readable schemas (`repr` uri by default), possibly `[]`;
 * - `GET /{v}`, `/{v}/{n}`, `/{v}/{n}/jsonschema/{model}`: non-empty lists, else 404 "No schemas available";
 * - `GET /{v}/{n}/{f}/{M-R-A}`: one schema (`repr` canonical by default).
 *
 * Publishing (`PUT /{v}/{n}/{f}/{M-R-A}?isPublic=` with a bare or self-describing schema, or
 * `POST /?isPublic=` with a self-describing one): permission (403), lint (400 with report),
 * consistency (409), then 201 "Schema created" or 200 "Schema updated". `$supersedes` and
 * `$supersededBy` are taken out of the body; only `$supersedes` is used.
 *
 * `DELETE /{v}/{n}/{f}/{M-R-A}`: the super key with patches allowed (200), the super key without
 * (405), anyone else (401).
 */
import { type Context, Hono } from "hono";
import { formatSchemaKey, makeSchemaKey, type SchemaKey } from "../../core/iglu/schema-key.ts";
import { parseSchemaVer, type SchemaVer } from "../../core/iglu/schema-ver.ts";
import {
  parseSelfDescribingSchema,
  SELF_DESCRIBING_METASCHEMA_URI,
  selfBlock,
} from "../../core/iglu/self-describing-schema.ts";
import {
  type Api,
  authenticate,
  booleanQuery,
  fail,
  intSegment,
  jsonBody,
  representationQuery,
  schemaVerParam,
} from "./api.ts";
import { isJsonObject, type JsonBody, parseLosslessJson } from "./json-body.ts";
import { canCreateSchema, canRead, type Permission, SUPER } from "./permission.ts";
import {
  MESSAGES,
  message,
  type Representation,
  representSchema,
  schemaMismatch,
  schemaUploaded,
  schemaValidationReport,
} from "./responses.ts";
import { hasErrors, lintSchema } from "./schema-lint.ts";
import { MAX_IDENTIFIER_LENGTH, type SchemaFilter, type StoredSchema } from "./storage/schema-store.ts";
import { lintAnswer } from "./validation-routes.ts";
import { inconsistencyMessage, publishProblem } from "./version-cursor.ts";
import { notifySchemaPublished } from "./webhooks.ts";

type Json = Record<string, unknown>;

/** A publish body once decoded (`Schema.SchemaBody`). */
interface SchemaBody {
  /** The key in `self`, when the body is a self-describing schema. */
  readonly self: SchemaKey | null;
  /** The body without `$supersedes`/`$supersededBy`, plain numbers (for checks). */
  readonly plain: Json;
  /** The same, numbers kept exactly (for storing). */
  readonly exact: Json;
  readonly supersedes: readonly SchemaVer[];
}

const SUPERSEDING_FIELDS = ["$supersedes", "$supersededBy"];
const omit = (json: Json, keys: readonly string[]): Json =>
  Object.fromEntries(Object.entries(json).filter(([k]) => !keys.includes(k)));

/**
 * The reference's SchemaBody decoder: an object whose `$supersedes` (if not null) is a list of
 * SchemaVers and whose `$supersededBy` (if not null) is one; null means 422 "invalid body".
 */
function decodeSchemaBody(body: JsonBody): SchemaBody | null {
  if (!isJsonObject(body.json)) return null;
  const supersedesJson = body.json["$supersedes"] ?? [];
  const supersededBy = body.json["$supersededBy"] ?? null;
  if (!Array.isArray(supersedesJson)) return null;
  const supersedes: SchemaVer[] = [];
  for (const item of supersedesJson) {
    const parsed = typeof item === "string" ? parseSchemaVer(item) : null;
    if (!parsed?.ok) return null;
    supersedes.push(parsed.value);
  }
  if (supersededBy !== null && !(typeof supersededBy === "string" && parseSchemaVer(supersededBy).ok))
    return null;
  const plain = omit(body.json, SUPERSEDING_FIELDS);
  const exact = omit(parseLosslessJson(body.text) as Json, SUPERSEDING_FIELDS);
  const parsed = parseSelfDescribingSchema(plain);
  return { self: parsed.ok ? parsed.value.self : null, plain, exact, supersedes };
}

/** The reference's `Permission.Super`, compared by value as Scala does. */
function isSuper(p: Permission): boolean {
  return (
    p.vendor.wildcard &&
    p.vendor.parts.length === 0 &&
    p.schema === SUPER.schema &&
    p.key.length === 2 &&
    p.key.includes("CREATE") &&
    p.key.includes("DELETE")
  );
}

const readable = (p: Permission, s: { key: SchemaKey; metadata: { isPublic: boolean } }) =>
  s.metadata.isPublic || canRead(p, s.key.vendor);

/** Publishes once the body and the key are known (`SchemaService.publishSchema` onwards). */
async function publish(
  c: Context,
  api: Api,
  permission: Permission,
  key: SchemaKey,
  body: SchemaBody,
  isPublic: boolean,
): Promise<Response> {
  if (!canCreateSchema(permission, key.vendor)) return fail(c, 403, MESSAGES.notAuthorized);
  // What the reference lints: the normalized self-describing schema. A bare body's own `self` or
  // `$schema` (which made it fail to parse as self-describing) overrides, so the lint reports it.
  const normalized =
    body.self === null
      ? { $schema: SELF_DESCRIBING_METASCHEMA_URI, self: selfBlock(key), ...body.plain }
      : {
          $schema: SELF_DESCRIBING_METASCHEMA_URI,
          self: selfBlock(key),
          ...omit(body.plain, ["$schema", "self"]),
        };
  const report = lintSchema(normalized);
  if (hasErrors(report)) return c.json(schemaValidationReport(report), 400);
  if (body.self === null && isJsonObject(body.plain["self"])) {
    // A bare body with a valid `self` but no `$schema`: its `self` must still match the URI.
    const self = body.plain["self"] as Record<string, string>;
    const version = parseSchemaVer(self["version"] ?? "");
    const own = version.ok
      ? makeSchemaKey(self["vendor"]!, self["name"]!, self["format"]!, version.value)
      : null;
    if (own?.ok && formatSchemaKey(own.value) !== formatSchemaKey(key)) {
      return c.json(schemaMismatch(key, own.value), 400);
    }
  }
  if ([key.vendor, key.name, key.format].some((part) => part.length > MAX_IDENTIFIER_LENGTH)) {
    return fail(
      c,
      400,
      `The vendor, name and format of ${formatSchemaKey(key)} must be at most ${MAX_IDENTIFIER_LENGTH} characters each`,
    );
  }
  const stored = JSON.stringify(omit(body.exact, ["$schema", "self"]));
  const { patchesAllowed } = api.settings;
  const outcome = await api.store.publishSchema({
    key,
    body: stored,
    isPublic,
    supersedes: body.supersedes,
    check: (group) => publishProblem(group, key.version, isPublic, patchesAllowed, body.supersedes),
  });
  if (outcome.kind === "refused") return fail(c, 409, inconsistencyMessage(outcome.inconsistency));
  await notifySchemaPublished(api.settings.webhooks, key, outcome.updated, api.send, api.log);
  return c.json(schemaUploaded(key, outcome.updated), outcome.updated ? 200 : 201);
}

/** A non-empty list in the representation asked for, or 404 "No schemas available". */
async function listOrNotFound(
  c: Context,
  api: Api,
  permission: Permission,
  filter: SchemaFilter,
  repr: Representation,
): Promise<Response> {
  const schemas = (await api.store.listSchemas(filter)).filter((s) => readable(permission, s));
  if (schemas.length === 0) return fail(c, 404, MESSAGES.noSchemas);
  return c.json(schemas.map((s: StoredSchema) => representSchema(s, repr)));
}

/**
 * `GET …/{v}/{n}/{f}/{version}`: a model number under `jsonschema` lists that model; anything
 * else must be a SchemaVer. Shared by `/api/schemas` and the static layout under `/schemas`.
 */
export function schemaReadHandler(api: Api) {
  return async (c: Context): Promise<Response> => {
    const permission = await authenticate(c, api);
    if (permission instanceof Response) return permission;
    const { vendor, name, format, version: segment } = c.req.param() as Record<string, string>;
    const model = format === "jsonschema" ? intSegment(segment!) : null;
    if (model !== null) {
      const repr = representationQuery(c, "uri");
      if (repr instanceof Response) return repr;
      return listOrNotFound(c, api, permission, { vendor: vendor!, name: name!, model }, repr);
    }
    const version = schemaVerParam(c, segment!);
    if (version instanceof Response) return version;
    const repr = representationQuery(c, "canonical");
    if (repr instanceof Response) return repr;
    const schema = await api.store.getSchema({ vendor: vendor!, name: name!, format: format!, version });
    if (!schema || !readable(permission, schema)) return fail(c, 404, MESSAGES.schemaNotFound);
    return c.json(representSchema(schema, repr));
  };
}

export function schemaRoutes(api: Api): Hono {
  const app = new Hono({ strict: false });
  const read = schemaReadHandler(api);

  app.get("/", async (c) => {
    const permission = await authenticate(c, api);
    if (permission instanceof Response) return permission;
    const repr = representationQuery(c, "uri");
    if (repr instanceof Response) return repr;
    if (repr === "uri") {
      const keys = (await api.store.listSchemaKeys()).filter((s) => readable(permission, s));
      return c.json(keys.map((s) => formatSchemaKey(s.key)));
    }
    const schemas = (await api.store.listSchemas()).filter((s) => readable(permission, s));
    return c.json(schemas.map((s) => representSchema(s, repr)));
  });

  app.post("/", async (c) => {
    const permission = await authenticate(c, api);
    if (permission instanceof Response) return permission;
    const isPublic = booleanQuery(c, "isPublic", false);
    if (isPublic instanceof Response) return isPublic;
    const json = await jsonBody(c, api);
    if (json instanceof Response) return json;
    const body = decodeSchemaBody(json);
    if (body === null) return fail(c, 422, "The request body was invalid.");
    if (body.self === null) return fail(c, 400, MESSAGES.decodeError);
    return publish(c, api, permission, body.self, body, isPublic);
  });

  app.post("/validate/:vendor/:name/jsonschema/:version", async (c) => {
    const permission = await authenticate(c, api);
    if (permission instanceof Response) return permission;
    const body = await jsonBody(c, api);
    if (body instanceof Response) return body;
    return lintAnswer(c, permission, body.json);
  });

  app.get("/:vendor", async (c) => {
    const permission = await authenticate(c, api);
    if (permission instanceof Response) return permission;
    const repr = representationQuery(c, "uri");
    if (repr instanceof Response) return repr;
    return listOrNotFound(c, api, permission, { vendor: c.req.param("vendor") }, repr);
  });

  app.get("/:vendor/:name", async (c) => {
    const permission = await authenticate(c, api);
    if (permission instanceof Response) return permission;
    const repr = representationQuery(c, "uri");
    if (repr instanceof Response) return repr;
    return listOrNotFound(
      c,
      api,
      permission,
      { vendor: c.req.param("vendor"), name: c.req.param("name") },
      repr,
    );
  });

  app.get("/:vendor/:name/:format/:version", read);

  app.put("/:vendor/:name/:format/:version", async (c) => {
    const permission = await authenticate(c, api);
    if (permission instanceof Response) return permission;
    const { vendor, name, format } = c.req.param();
    const version = schemaVerParam(c, c.req.param("version"));
    if (version instanceof Response) return version;
    const isPublic = booleanQuery(c, "isPublic", false);
    if (isPublic instanceof Response) return isPublic;
    const json = await jsonBody(c, api);
    if (json instanceof Response) return json;
    const body = decodeSchemaBody(json);
    if (body === null) return fail(c, 422, "The request body was invalid.");
    const key: SchemaKey = { vendor, name, format, version };
    if (body.self !== null && formatSchemaKey(body.self) !== formatSchemaKey(key)) {
      return c.json(schemaMismatch(key, body.self), 400);
    }
    return publish(c, api, permission, key, body, isPublic);
  });

  app.delete("/:vendor/:name/:format/:version", async (c) => {
    const permission = await authenticate(c, api);
    if (permission instanceof Response) return permission;
    const { vendor, name, format } = c.req.param();
    const version = schemaVerParam(c, c.req.param("version"));
    if (version instanceof Response) return version;
    if (!isSuper(permission)) return fail(c, 401, "Not enough permissions");
    if (!api.settings.patchesAllowed) return fail(c, 405, "DELETE is forbidden on production registry");
    await api.store.deleteSchema({ vendor, name, format, version });
    return c.json(message("Schema deleted"), 200);
  });

  return app;
}
