/**
 * @module
 * A TCP proxy in front of a Postgres server that reads the client's side of the wire protocol
 * (PostgreSQL docs, "Frontend/Backend Protocol": an untyped startup message, then messages of one
 * type byte and an int32 length), so a test can lose the connection at a chosen moment:
 *
 * - `cut`: drop both sockets before the message reaches the server (e.g. in the middle of a COPY);
 * - `withhold`: let the message and what follows reach the server, but never relay its answers,
 *   and drop the connection shortly after (e.g. a COMMIT that succeeds while its acknowledgement
 *   is lost).
 *
 * Named prepared statements are followed from Parse to Bind, so a statement is recognised by its
 * text however the client executes it (postgres.js prepares `commit` once per connection).
 */
import { createConnection, createServer, type Server, type Socket } from "node:net";

/** One message from the client: its type (`Q`, `P`, `B`, `d`, …) and, for SQL, its statement text. */
export interface ClientMessage {
  readonly type: string;
  /** The SQL of a Query or Parse, or of the statement a Bind executes; null otherwise. */
  readonly sql: string | null;
}

/** What to do with a message. */
export type Verdict = "pass" | "cut" | "withhold";

export interface WireProxy {
  readonly port: number;
  /** Connections dropped so far. */
  readonly cuts: number;
  /** Decides the fate of each client message; passes everything until set. */
  onMessage: (message: ClientMessage) => Verdict;
  close(): Promise<void>;
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;

function cString(buffer: Buffer, at: number): [string, number] {
  const end = buffer.indexOf(0, at);
  return [buffer.toString("utf8", at, end), end + 1];
}

/** Starts a proxy on 127.0.0.1 (a free port) to `upstreamPort`. */
export async function startWireProxy(upstreamPort: number, upstreamHost = "127.0.0.1"): Promise<WireProxy> {
  const sockets = new Set<Socket>();
  let cuts = 0;
  const proxy: WireProxy = {
    port: 0,
    get cuts() {
      return cuts;
    },
    onMessage: () => "pass",
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };

  const server: Server = createServer((client) => {
    const upstream = createConnection({ port: upstreamPort, host: upstreamHost });
    sockets.add(client);
    sockets.add(upstream);
    const statements = new Map<string, string>();
    let pending: Buffer = Buffer.alloc(0);
    let startup = true;
    let relaying = true;
    let dropped = false;
    const drop = () => {
      if (dropped) return;
      dropped = true;
      cuts++;
      client.destroy();
      upstream.destroy();
    };
    upstream.on("data", (chunk) => {
      if (relaying) client.write(chunk);
    });
    upstream.on("close", () => client.destroy());
    upstream.on("error", () => client.destroy());
    client.on("close", () => {
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    });
    client.on("error", () => upstream.destroy());
    client.on("data", (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      for (;;) {
        if (dropped) return;
        if (startup) {
          if (pending.length < 8) return;
          const length = pending.readInt32BE(0);
          if (pending.length < length) return;
          const code = pending.readInt32BE(4);
          if (code !== SSL_REQUEST && code !== GSSENC_REQUEST) startup = false;
          upstream.write(pending.subarray(0, length));
          pending = pending.subarray(length);
          continue;
        }
        if (pending.length < 5) return;
        const length = pending.readInt32BE(1);
        if (pending.length < length + 1) return;
        const message = pending.subarray(0, length + 1);
        pending = pending.subarray(length + 1);
        const type = String.fromCharCode(message[0]!);
        let sql: string | null = null;
        if (type === "Q") sql = cString(message, 5)[0];
        else if (type === "P") {
          const [name, at] = cString(message, 5);
          sql = cString(message, at)[0];
          statements.set(name, sql);
        } else if (type === "B") {
          const [, at] = cString(message, 5);
          sql = statements.get(cString(message, at)[0]) ?? null;
        }
        const verdict = relaying ? proxy.onMessage({ type, sql }) : "pass";
        if (verdict === "cut") {
          drop();
          return;
        }
        upstream.write(message);
        if (verdict === "withhold") {
          relaying = false;
          setTimeout(drop, 300);
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  Object.defineProperty(proxy, "port", { value: typeof address === "object" && address ? address.port : 0 });
  return proxy;
}
