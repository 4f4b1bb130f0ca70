/**
 * @module
 * The Iglu Server as a Hono app: Snowplow's Iglu Server REST API (0.14.0), route for route, with
 * its status codes, JSON messages, permission model, consistency checks, limits, CORS and
 * response cache. `createIgluServerApp` only needs a {@link SchemaStore}; `main.ts` wires config,
 * storage and the HTTP server around it.
 *
 * Layout (every path also answers with a trailing slash, like the reference's AutoSlash):
 * - `/api/meta`, `/api/schemas`, `/api/auth`, `/api/validation`, `/api/drafts`, each with
 *   `swagger.json`;
 * - `/schemas/{vendor}/{name}/{format}/{version}`: the static-registry layout, so an Iglu client
 *   configured with this server's base URL resolves as it does with `{base}/api`;
 * - anything else: 404 `{"message":"The endpoint does not exist"}`.
 *
 * Failures: storage that cannot be reached answers 503 and the next request tries again (the
 * reference answers 500). Any other exception is a bug and answers 500 after being logged.
 * Not served: `/api/debug` and the Swagger UI page.
 */
import { Hono } from "hono";
import { cors } from "hono/cors";
import { SchemaValidator } from "../../core/iglu/schema-validator.ts";
import type { Api, ApiSettings } from "./api.ts";
import { authRoutes } from "./auth-routes.ts";
import { draftRoutes } from "./draft-routes.ts";
import { DEFAULT_MAX_JSON_DEPTH, DEFAULT_MAX_PAYLOAD_SIZE } from "./json-body.ts";
import { metaRoutes } from "./meta-routes.ts";
import { clearsCache, isCacheable, ResponseCache, type ResponseCacheOptions } from "./response-cache.ts";
import { MESSAGES, message } from "./responses.ts";
import { schemaReadHandler, schemaRoutes } from "./schema-routes.ts";
import { type SchemaStore, StorageUnavailable } from "./storage/schema-store.ts";
import { SERVICE_ROUTES, swaggerDocument } from "./swagger.ts";
import { validationRoutes } from "./validation-routes.ts";
import type { SchemaPublishedWebhook } from "./webhooks.ts";

/** The Iglu Server release whose API this app follows, reported by `GET /api/meta/server`. */
export const IGLU_SERVER_API_VERSION = "0.14.0";

export interface IgluServerOptions {
  readonly store: SchemaStore;
  /** A UUID; requests with it as `apikey` may do anything. */
  readonly superApiKey?: string | null;
  /** Allow overwriting a published version and DELETE (the reference's `patchesAllowed`). */
  readonly patchesAllowed?: boolean;
  /** Reported by `/api/meta/server`; the debug routes themselves are not served. */
  readonly debug?: boolean;
  /** Bytes; 100000 by default. */
  readonly maxPayloadSize?: number;
  /** 40 by default. */
  readonly maxJsonDepth?: number;
  readonly webhooks?: readonly SchemaPublishedWebhook[];
  /** Adds `Strict-Transport-Security` with this max-age to every response; off when absent. */
  readonly hstsMaxAgeSeconds?: number | null;
  /** The response cache's settings, or false for none. */
  readonly cache?: ResponseCacheOptions | false;
  /** Used for webhooks; the global `fetch` by default. */
  readonly send?: typeof fetch;
  /** Where errors and webhook failures go; standard error by default. */
  readonly log?: (line: string) => void;
  /** The public base URL, for the Swagger documents' `basePath`. */
  readonly swaggerBaseUrl?: string;
}

/** The part of the URL after the host: what the reference's cache keys on. */
function pathAndQuery(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  return start < 0 ? "/" : url.slice(start);
}

/**
 * Builds the app.
 *
 * @example
 * const app = createIgluServerApp({ store: new MemorySchemaStore(), superApiKey: key });
 * await app.request("/api/meta/health"); // 200 "OK"
 */
export function createIgluServerApp(options: IgluServerOptions): Hono {
  const settings: ApiSettings = {
    superApiKey: options.superApiKey ? options.superApiKey.toLowerCase() : null,
    patchesAllowed: options.patchesAllowed ?? false,
    debug: options.debug ?? false,
    maxPayloadSize: options.maxPayloadSize ?? DEFAULT_MAX_PAYLOAD_SIZE,
    maxJsonDepth: options.maxJsonDepth ?? DEFAULT_MAX_JSON_DEPTH,
    webhooks: options.webhooks ?? [],
    version: IGLU_SERVER_API_VERSION,
  };
  const log = options.log ?? ((line: string) => process.stderr.write(`iglu-server: ${line}\n`));
  const cache = options.cache === false ? null : new ResponseCache(options.cache ?? {});
  const api: Api = {
    store: options.store,
    settings,
    cache,
    validator: new SchemaValidator(),
    send: options.send ?? fetch,
    log,
  };

  const app = new Hono({ strict: false });

  app.onError((e, c) => {
    if (e instanceof StorageUnavailable) {
      log(e.message);
      return c.json(message(MESSAGES.storageUnavailable), 503);
    }
    log(`unexpected failure on ${c.req.method} ${pathAndQuery(c.req.url)}: ${(e as Error).stack ?? e}`);
    return c.json(message("Internal server error"), 500);
  });
  app.notFound((c) => c.json(message(MESSAGES.endpointNotFound), 404));

  const hsts = options.hstsMaxAgeSeconds;
  if (hsts !== undefined && hsts !== null) {
    app.use(async (c, next) => {
      await next();
      c.res.headers.set("Strict-Transport-Security", `max-age=${hsts}; includeSubDomains`);
    });
  }

  // The reference's CORS policy: any origin, no credentials, these methods and headers, one day.
  const corsPolicy = cors({
    origin: (origin) => origin,
    allowMethods: ["GET", "POST", "PUT", "OPTIONS", "DELETE"],
    allowHeaders: ["content-type", "apikey"],
    maxAge: 86400,
    credentials: false,
  });
  app.use("/api/*", corsPolicy);
  app.use("/schemas/*", corsPolicy);

  if (cache) {
    // Misses and the emptying on writes go through Hono; hits take the fast path below.
    app.use(async (c, next) => {
      const method = c.req.method;
      const target = pathAndQuery(c.req.url);
      if (isCacheable(method, target)) {
        await next();
        const res = c.res;
        if (res.status >= 200 && res.status < 300) {
          const key = ResponseCache.key(target, c.req.header("apikey") ?? null);
          const body = await res.clone().text();
          cache.set(key, target, {
            status: res.status,
            contentType: res.headers.get("content-type") ?? "",
            body,
          });
        }
        return;
      }
      await next();
      if (clearsCache(method) && c.res.status >= 200 && c.res.status < 300) cache.clear();
    });
  }

  for (const service of Object.keys(SERVICE_ROUTES)) {
    app.get(`/api/${service}/swagger.json`, (c) =>
      c.json(swaggerDocument(service, settings.version, options.swaggerBaseUrl)),
    );
  }
  app.route("/api/meta", metaRoutes(api));
  app.route("/api/schemas", schemaRoutes(api));
  app.route("/api/auth", authRoutes(api));
  app.route("/api/validation", validationRoutes(api));
  app.route("/api/drafts", draftRoutes(api));
  app.get("/schemas/:vendor/:name/:format/:version", schemaReadHandler(api));

  if (cache) {
    // A cached answer skips routing and middleware: resolvers' repeated GETs cost a map lookup.
    // It carries what the middleware would have added: CORS for the origin, and HSTS.
    const routed = app.fetch;
    app.fetch = (request, ...rest) => {
      if (request.method === "GET") {
        const target = pathAndQuery(request.url);
        const hit =
          isCacheable("GET", target) && cache.get(ResponseCache.key(target, request.headers.get("apikey")));
        if (hit) {
          const headers: Record<string, string> = { "content-type": hit.contentType };
          const origin = request.headers.get("origin");
          if (origin !== null && (target.startsWith("/api/") || target.startsWith("/schemas/"))) {
            headers["access-control-allow-origin"] = origin;
            headers["vary"] = "Origin";
          }
          if (hsts !== undefined && hsts !== null) {
            headers["strict-transport-security"] = `max-age=${hsts}; includeSubDomains`;
          }
          return new Response(hit.body, { status: hit.status, headers });
        }
      }
      return routed(request, ...rest);
    };
  }

  return app;
}
