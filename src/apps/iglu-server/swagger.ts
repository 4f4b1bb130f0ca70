/**
 * @module
 * `/api/{service}/swagger.json`: a Swagger 2.0 description of each service, as the reference
 * serves one per service (rho's swagger middleware). It lists the routes, their parameters and
 * the `apikey` header; it does not describe response bodies. The Swagger UI page
 * (`/static/swagger-ui/index.html`) is not served.
 */

type Route = readonly [method: string, path: string, summary: string];

const P = "/{vendor}/{name}/{format}/{version}";

/** The routes of each service, relative to `/api/{service}`, with the reference's summaries. */
export const SERVICE_ROUTES: Readonly<Record<string, readonly Route[]>> = {
  meta: [
    ["get", "/health", "This route responds with OK string when the server is healthy"],
    ["get", "/health/db", "This route responds with OK string if database is available"],
    ["get", "/server", "This route responds with info about the Iglu Server"],
  ],
  schemas: [
    ["get", P, "Get a particular schema by its Iglu URI"],
    ["delete", P, "Delete a particular schema from Iglu by its URI"],
    ["get", "/{vendor}/{name}", "Get list of schemas by vendor name and schema name"],
    [
      "get",
      "/{vendor}/{name}/jsonschema/{model}",
      "Get list of schemas by vendor name, schema name and major version (model)",
    ],
    ["get", "/{vendor}", "Get list of schemas by vendor name"],
    ["get", "/", "Get list of schemas (all)"],
    ["put", P, "Add a schema (self-describing or not) to its Iglu URI"],
    ["post", "/", "Publish new self-describing schema"],
    ["post", "/validate/{vendor}/{name}/jsonschema/{version}", "Schema validation endpoint (deprecated)"],
  ],
  auth: [
    ["delete", "/keygen", "Route to delete api key"],
    ["post", "/keygen", "Route to generate new keys"],
  ],
  validation: [
    ["post", "/validate/schema/{format}", "This route allows you to validate schemas"],
    ["post", "/validate/instance", "This route allows you to validate self-describing instances"],
  ],
  drafts: [
    ["get", P, "Get a particular draft by its URI"],
    ["put", P, "Add or update a draft"],
    ["get", "/", "List all available drafts"],
  ],
};

/** The Swagger document of one service. */
export function swaggerDocument(service: string, version: string, baseUrl = ""): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [method, path, summary] of SERVICE_ROUTES[service] ?? []) {
    const parameters = [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: "path",
      required: true,
      type: m[1] === "model" ? "integer" : "string",
    }));
    if (method === "put" || method === "post") {
      parameters.push({ name: "body", in: "body", required: true, type: "object" } as never);
    }
    paths[path] = {
      ...paths[path],
      [method]: { summary, parameters, responses: { default: { description: "JSON" } } },
    };
  }
  return {
    swagger: "2.0",
    info: { title: "Iglu Server API", version },
    basePath: `${baseUrl.replace(/\/$/, "")}/api/${service}`,
    securityDefinitions: { "Iglu API key": { type: "apiKey", name: "apikey", in: "header" } },
    security: [{ "Iglu API key": [] }],
    paths,
  };
}
