/**
 * @module
 * A real HTTP server on 127.0.0.1 for registry and resolver tests, on whichever runtime runs them:
 * `Bun.serve` under Bun, `Deno.serve` under Deno. The core suite runs on both, and its HTTP tests
 * must cross a real socket rather than a stubbed `fetch`.
 */

/** What a request asked for, copied while it is live (Bun recycles a Request once answered). */
export interface Received {
  readonly path: string;
  readonly headers: Headers;
}

/** A running loopback server. */
export interface Loopback {
  /** `http://127.0.0.1:{port}` */
  readonly url: string;
  /** Every request received, in order. */
  readonly requests: Received[];
  close(): Promise<void>;
}

type Handler = (request: Request) => Response | Promise<Response>;

interface DenoServer {
  readonly addr: { readonly port: number };
  shutdown(): Promise<void>;
}
interface DenoServe {
  serve(options: { port: number; hostname: string; onListen: () => void }, handler: Handler): DenoServer;
}

/** Starts a server on a free port. */
export function serveLoopback(handler: Handler): Loopback {
  const requests: Received[] = [];
  const recorded: Handler = (request) => {
    requests.push({ path: new URL(request.url).pathname, headers: new Headers(request.headers) });
    return handler(request);
  };
  const deno = (globalThis as { Deno?: DenoServe }).Deno;
  if (deno !== undefined) {
    const server = deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, recorded);
    return { url: `http://127.0.0.1:${server.addr.port}`, requests, close: () => server.shutdown() };
  }
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: recorded });
  return {
    url: `http://127.0.0.1:${server.port}`,
    requests,
    close: async () => {
      await server.stop(true);
    },
  };
}

/**
 * A URL nothing listens on: a server is started and stopped, so its port was free a moment ago and
 * a connection to it is refused.
 */
export async function refusedUrl(): Promise<string> {
  const server = serveLoopback(() => new Response("never"));
  await server.close();
  return server.url;
}

/** Serves a map of paths to bodies; any other path is a 404, as a static site answers. */
export function staticSite(files: ReadonlyMap<string, string>): Handler {
  return (request) => {
    const body = files.get(new URL(request.url).pathname);
    return body === undefined ? new Response("Not Found", { status: 404 }) : new Response(body);
  };
}
