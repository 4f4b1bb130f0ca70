/**
 * @module
 * `/api/validation` (`service/ValidationService.scala`): lint a schema, or validate a
 * self-describing datum against a stored schema.
 *
 * - `POST /validate/schema/jsonschema`: any key with some action (else 403); always 200, either
 *   "The schema provided is a valid self-describing iglu:… schema" or the full lint report
 *   (warnings and infos included, so most real schemas get a report).
 * - `POST /validate/instance` with `{schema, data}`: a key without actions gets 404, as does a
 *   schema that is missing or unreadable; a body that is not self-describing data is 400; then
 *   200 with "Instance is valid iglu:…" or the validator's report. A stored schema that cannot
 *   be compiled is the reference's 500 "Schema … fetched from DB is invalid".
 */
import { type Context, Hono } from "hono";
import { formatSchemaKey, type SchemaKey } from "../../core/iglu/schema-key.ts";
import { parseSelfDescribingData } from "../../core/iglu/self-describing-data.ts";
import { parseSelfDescribingSchema } from "../../core/iglu/self-describing-schema.ts";
import { type Api, authenticate, fail, jsonBody } from "./api.ts";
import { canRead, canValidate, type Permission } from "./permission.ts";
import { instanceValidationReport, MESSAGES, message, schemaValidationReport } from "./responses.ts";
import { lintSchema } from "./schema-lint.ts";

/** The lint answer shared by this service and the deprecated `/api/schemas/validate/…` route. */
export function lintAnswer(c: Context, permission: Permission, schema: unknown): Response {
  // The reference answers `Forbidden("")`, which its BadRequestHandler wraps as a message.
  if (!canValidate(permission)) return fail(c, 403, "");
  const report = lintSchema(schema);
  if (report.length > 0) return c.json(schemaValidationReport(report), 200);
  const parsed = parseSelfDescribingSchema(schema);
  const uri = parsed.ok ? formatSchemaKey(parsed.value.self) : "";
  return c.json(message(`The schema provided is a valid self-describing ${uri} schema`), 200);
}

/** Compiled validators follow the stored body: a patched or deleted schema is recompiled. */
function forgetIfChanged(api: Api, key: SchemaKey, body: string, compiledBodies: Map<string, string>): void {
  const uri = formatSchemaKey(key);
  if (compiledBodies.get(uri) === body) return;
  api.validator.forget(key);
  compiledBodies.set(uri, body);
}

export function validationRoutes(api: Api): Hono {
  const app = new Hono({ strict: false });
  const compiledBodies = new Map<string, string>();

  app.post("/validate/schema/:format", async (c) => {
    const permission = await authenticate(c, api);
    if (permission instanceof Response) return permission;
    const format = c.req.param("format");
    if (format !== "jsonschema") return fail(c, 400, `Unknown schema format: '${format}'`);
    const body = await jsonBody(c, api);
    if (body instanceof Response) return body;
    return lintAnswer(c, permission, body.json);
  });

  app.post("/validate/instance", async (c) => {
    const permission = await authenticate(c, api);
    if (permission instanceof Response) return permission;
    const body = await jsonBody(c, api);
    if (body instanceof Response) return body;
    if (!canValidate(permission)) return fail(c, 404, MESSAGES.schemaNotFound);
    const datum = parseSelfDescribingData(body.json);
    if (!datum.ok) return fail(c, 400, `JSON payload is not self-describing, ${datum.error.code}`);
    const key = datum.value.schema;
    const schema = await api.store.getSchema(key);
    if (!schema || !(schema.metadata.isPublic || canRead(permission, key.vendor))) {
      return fail(c, 404, MESSAGES.schemaNotFound);
    }
    const uri = formatSchemaKey(key);
    forgetIfChanged(api, key, schema.body, compiledBodies);
    const checked = api.validator.validate(
      key,
      JSON.parse(schema.body) as Record<string, unknown>,
      datum.value.data,
    );
    if (checked.ok) return c.json(message(`Instance is valid ${uri}`), 200);
    if (checked.error.kind === "InvalidData")
      return c.json(instanceValidationReport(checked.error.dataReports), 200);
    return c.json(message(`Schema ${uri} fetched from DB is invalid`), 500);
  });

  return app;
}
