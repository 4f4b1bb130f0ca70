/**
 * @module
 * Test servers for the resolver's HTTP tests: a static Iglu registry (a directory served as files,
 * as S3 or nginx would serve one) and a registry that fails every request with a 500. Both run on
 * loopback with `Bun.serve` and record what they were asked.
 */
import { stat } from "node:fs/promises";
import { join, normalize } from "node:path";

/** What a request asked for, copied while it is live. */
export interface Received {
  readonly path: string;
  readonly apikey: string | null;
}

/** A running test server. */
export interface TestRegistry {
  readonly url: string;
  readonly requests: Received[];
  /** How many requests asked for `path`. */
  count(path: string): number;
  close(): Promise<void>;
}

function start(handle: (path: string) => Response | Promise<Response>): TestRegistry {
  const requests: Received[] = [];
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch(request) {
      const path = decodeURIComponent(new URL(request.url).pathname);
      requests.push({ path, apikey: request.headers.get("apikey") });
      return handle(path);
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    requests,
    count: (path) => requests.filter((r) => r.path === path).length,
    close: async () => {
      await server.stop(true);
    },
  };
}

/** Serves the files under `root`; directories and missing files are 404s. */
export function serveDirectory(root: string): TestRegistry {
  return start(async (path) => {
    const file = join(root, normalize(path));
    if (!file.startsWith(root)) return new Response("Forbidden", { status: 403 });
    const info = await stat(file).catch(() => null);
    if (info === null || !info.isFile()) return new Response("Not Found", { status: 404 });
    return new Response(Bun.file(file), { headers: { "content-type": "application/json" } });
  });
}

/** Answers every request with a 500. */
export function serveFailure(body = "Internal Server Error"): TestRegistry {
  return start(() => new Response(body, { status: 500 }));
}

/** A URL nothing listens on (a port that was free a moment ago), so connections are refused. */
export async function refusedUrl(): Promise<string> {
  const server = start(() => new Response("never"));
  await server.close();
  return server.url;
}
