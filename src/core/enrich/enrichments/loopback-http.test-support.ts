/**
 * @module
 * A real HTTP server on 127.0.0.1 for enrichment tests that call APIs: `Bun.serve` under Bun,
 * `Deno.serve` under Deno (the core suite runs on both). It records every request it answers.
 */

export interface RecordedRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Headers;
  readonly body: string;
}

export interface LoopbackServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly requests: RecordedRequest[];
  stop(): Promise<void>;
}

type Handler = (request: RecordedRequest) => Response | Promise<Response>;

interface BunLike {
  serve(options: { hostname: string; port: number; fetch: (r: Request) => Promise<Response> }): {
    port: number;
    stop(force?: boolean): Promise<void> | void;
  };
}
interface DenoLike {
  serve(
    options: { hostname: string; port: number; onListen?: () => void },
    handler: (r: Request) => Promise<Response>,
  ): { addr: { port: number }; shutdown(): Promise<void> };
}

/** Starts a server answering with `handler` on a free loopback port. */
export function startLoopbackServer(handler: Handler): LoopbackServer {
  const requests: RecordedRequest[] = [];
  const answer = async (request: Request): Promise<Response> => {
    const recorded = {
      method: request.method,
      url: new URL(request.url),
      headers: request.headers,
      body: await request.text(),
    };
    requests.push(recorded);
    return handler(recorded);
  };
  const runtime = globalThis as unknown as { Bun?: BunLike; Deno?: DenoLike };
  if (runtime.Bun !== undefined) {
    const server = runtime.Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: answer });
    return {
      origin: `http://127.0.0.1:${server.port}`,
      requests,
      stop: async () => void (await server.stop(true)),
    };
  }
  if (runtime.Deno !== undefined) {
    const server = runtime.Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, answer);
    return { origin: `http://127.0.0.1:${server.addr.port}`, requests, stop: () => server.shutdown() };
  }
  throw new Error("startLoopbackServer needs Bun or Deno");
}
