/**
 * @module
 * An HTTP proxy in front of a local AWS engine (kinesalite, dynalite, s3rver) that misbehaves on
 * purpose, the way AWS does under load, so tests can prove that nothing is lost when it does:
 *
 * - `throttleEntries`: a share of the entries of each Kinesis PutRecords call is refused with
 *   `ErrorCode: ProvisionedThroughputExceededException` in an HTTP 200 answer, as Kinesis reports a
 *   partial failure. Those entries are removed from the request before it is forwarded, so the
 *   engine never stores them: the answer tells the truth.
 * - `rejectCalls`: a share of calls (optionally only some operations) is refused whole, before it
 *   reaches the engine, with an AWS JSON protocol error: HTTP 400, `x-amzn-ErrorType` header and
 *   `{"__type": …, "message": …}` body (ProvisionedThroughputExceededException by default).
 * - `loseResponses`: a share of calls is forwarded, and the engine's answer thrown away by
 *   resetting the connection: the records are stored but the client cannot know, so a retry
 *   writes them twice. This is the one way at-least-once delivery produces duplicates.
 * - `down("refuse")` stops listening (connections are refused, open ones reset) and
 *   `down("unavailable")` answers every call 503 ServiceUnavailable, until `up()`.
 *
 * Rewriting a body breaks its SigV4 signature; kinesalite and dynalite do not check signatures.
 * Only the AWS JSON 1.0/1.1 protocols (every Kinesis and DynamoDB client of the JS SDK) are
 * rewritten; other bodies pass through untouched, so S3's REST calls to s3rver are forwarded as they
 * are (its signature check still passes) and `loseResponses` and `down` apply to them too. Errors
 * the proxy makes up for a request that is not AWS JSON are S3's XML (`<Error><Code>…`), as the S3
 * client expects.
 *
 * @example
 * const proxy = await startFaultProxy({ target: engine.url, rules: { throttleEntries: 0.3 } });
 * const client = kinesisClient({ endpoint: proxy.url, region: "us-east-1" });
 * await proxy.down("refuse"); … await proxy.up();
 * await proxy.stop();
 */
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { closeServer, DEFAULT_HOST, httpUrl } from "./running-engine.ts";

export interface CallRejection {
  /** Share of matching calls refused, in [0, 1]. */
  readonly share: number;
  /** Operations refused, by the `x-amz-target` suffix (`"PutRecords"`); every operation when absent. */
  readonly operations?: readonly string[];
  /** The error's `__type`; `ProvisionedThroughputExceededException` by default. */
  readonly errorType?: string;
  /** HTTP status; 400 by default, as AWS answers throttling in the JSON protocols. */
  readonly status?: number;
}

/** What the proxy does to the calls it forwards; all shares are in [0, 1] and 0 by default. */
export interface FaultRules {
  /** Share of Kinesis PutRecords entries refused with ProvisionedThroughputExceededException. */
  readonly throttleEntries?: number;
  readonly rejectCalls?: CallRejection;
  /** Share of calls whose answer is lost (connection reset after the engine handled the call). */
  readonly loseResponses?: number;
  /** Operations `loseResponses` applies to; every operation when absent. */
  readonly loseResponsesOf?: readonly string[];
}

/** What the proxy has done so far. */
export interface FaultProxyStats {
  /** Calls passed on to the engine. */
  forwardedCalls: number;
  /** PutRecords entries refused as throttled (never forwarded). */
  throttledEntries: number;
  /** Calls refused whole by `rejectCalls`. */
  rejectedCalls: number;
  /** Calls forwarded whose answer was thrown away. */
  lostResponses: number;
  /** Calls answered 503 while down("unavailable"). */
  unavailableCalls: number;
}

export type DownMode = "refuse" | "unavailable";

export interface FaultProxy {
  /** `http://host:port`: give it to the client instead of the engine's URL. It stays the same across down/up. */
  readonly url: string;
  readonly stats: Readonly<FaultProxyStats>;
  /** The rules in force; replace them at any time. */
  rules: FaultRules;
  /** Stops serving, by refusing connections or answering 503, until `up()`. */
  down(mode: DownMode): Promise<void>;
  up(): Promise<void>;
  /** Closes the listener and the connections to the engine. Idempotent. */
  stop(): Promise<void>;
}

export interface FaultProxyOptions {
  /** The engine's base URL (`http://127.0.0.1:port`). */
  readonly target: string;
  readonly host?: string;
  readonly rules?: FaultRules;
  /** Source of the shares' randomness, in [0, 1); seed it for reproducible tests. */
  readonly random?: () => number;
}

/** The JSON protocols' content types (`application/x-amz-json-1.0` for DynamoDB, 1.1 for Kinesis). */
const AWS_JSON = /^application\/x-amz-json-1\.[01]/;

interface PutRecordsBody {
  StreamName?: string;
  StreamARN?: string;
  Records: unknown[];
}

interface PutRecordsAnswer {
  FailedRecordCount?: number;
  Records: Record<string, unknown>[];
  EncryptionType?: string;
}

/** The request's content type; AWS JSON 1.1 for a JSON-protocol call that names none. */
const requestContentType = (req: IncomingMessage): string =>
  req.headers["content-type"] ?? (req.headers["x-amz-target"] ? "application/x-amz-json-1.1" : "");

const readBody = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });

/** Starts the proxy on a free port. */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const host = options.host ?? DEFAULT_HOST;
  const target = new URL(options.target);
  const random = options.random ?? Math.random;
  // Keep-alive to the engine, as the SDK does to AWS; destroyed on stop so no socket outlives us.
  const agent = new Agent({ keepAlive: true });
  const stats: FaultProxyStats = {
    forwardedCalls: 0,
    throttledEntries: 0,
    rejectedCalls: 0,
    lostResponses: 0,
    unavailableCalls: 0,
  };
  let mode: DownMode | "up" = "up";
  let server: Server | undefined;
  let port = 0;
  let stopped = false;
  let rules: FaultRules = options.rules ?? {};

  /** Forwards `body` and hands back the engine's status, headers and body. */
  const forward = (req: IncomingMessage, body: Buffer) =>
    new Promise<{ status: number; headers: IncomingMessage["headers"]; body: Buffer }>((resolve, reject) => {
      const headers = { ...req.headers, host: target.host, "content-length": String(body.length) };
      delete headers.connection;
      delete headers["transfer-encoding"];
      const upstream = httpRequest(
        { agent, host: target.hostname, port: target.port, method: req.method, path: req.url, headers },
        (res) => {
          readBody(res).then(
            (b) => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: b }),
            reject,
          );
        },
      );
      upstream.on("error", reject);
      upstream.end(body);
    });

  const send = (
    res: ServerResponse,
    status: number,
    headers: IncomingMessage["headers"],
    body: Buffer | string,
  ) => {
    const out: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(headers)) {
      if (v !== undefined && !["content-length", "transfer-encoding", "connection", "keep-alive"].includes(k))
        out[k] = v;
    }
    out["content-length"] = String(Buffer.byteLength(body));
    res.writeHead(status, out);
    res.end(body);
  };

  const awsError = (
    res: ServerResponse,
    status: number,
    type: string,
    message: string,
    contentType: string,
  ) => {
    const requestId = crypto.randomUUID();
    if (!AWS_JSON.test(contentType)) {
      // S3's REST protocol: an XML error document (S3 API reference, "Error responses").
      return send(
        res,
        status,
        { "content-type": "application/xml", "x-amz-request-id": requestId },
        `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${type}</Code><Message>${message}</Message><RequestId>${requestId}</RequestId></Error>`,
      );
    }
    send(
      res,
      status,
      { "content-type": contentType, "x-amzn-errortype": type, "x-amzn-requestid": requestId },
      JSON.stringify({ __type: type, message }),
    );
  };

  const chance = (share: number | undefined): boolean => share !== undefined && share > 0 && random() < share;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const contentType = requestContentType(req);
    const operation =
      String(req.headers["x-amz-target"] ?? "")
        .split(".")
        .pop() ?? "";
    if (mode === "unavailable") {
      stats.unavailableCalls++;
      return awsError(res, 503, "ServiceUnavailable", "Service is unavailable (fault proxy).", contentType);
    }
    const reject = rules.rejectCalls;
    if (reject && (!reject.operations || reject.operations.includes(operation)) && chance(reject.share)) {
      stats.rejectedCalls++;
      const type = reject.errorType ?? "ProvisionedThroughputExceededException";
      return awsError(
        res,
        reject.status ?? 400,
        type,
        `Rate exceeded for ${operation} (fault proxy).`,
        contentType,
      );
    }
    const lose =
      (!rules.loseResponsesOf || rules.loseResponsesOf.includes(operation)) && chance(rules.loseResponses);
    const isJson = AWS_JSON.test(contentType);
    if (operation === "PutRecords" && isJson && (rules.throttleEntries ?? 0) > 0) {
      return putRecordsWithThrottling(req, res, body, rules.throttleEntries!, lose);
    }
    stats.forwardedCalls++;
    const answer = await forward(req, body);
    if (lose) return loseResponse(res);
    send(res, answer.status, answer.headers, answer.body);
  }

  /** Refuses a share of the entries, forwards the rest and answers as Kinesis does a partial failure. */
  async function putRecordsWithThrottling(
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer,
    share: number,
    lose: boolean,
  ): Promise<void> {
    const call = JSON.parse(body.toString("utf8")) as PutRecordsBody;
    const refused = call.Records.map(() => random() < share);
    const kept = call.Records.filter((_, i) => !refused[i]);
    const stream = call.StreamName ?? call.StreamARN ?? "stream";
    const throttled = {
      ErrorCode: "ProvisionedThroughputExceededException",
      ErrorMessage: `Rate exceeded for shard shardId-000000000000 in stream ${stream} under account 000000000000.`,
    };
    let forwarded: PutRecordsAnswer = { FailedRecordCount: 0, Records: [] };
    let headers: IncomingMessage["headers"] = {
      "content-type": req.headers["content-type"] ?? "application/x-amz-json-1.1",
      "x-amzn-requestid": crypto.randomUUID(),
    };
    if (kept.length > 0) {
      stats.forwardedCalls++;
      const answer = await forward(req, Buffer.from(JSON.stringify({ ...call, Records: kept })));
      if (lose) return loseResponse(res);
      // The engine refused the call itself (no such stream, validation): pass that on unchanged.
      if (answer.status !== 200) return send(res, answer.status, answer.headers, answer.body);
      forwarded = JSON.parse(answer.body.toString("utf8")) as PutRecordsAnswer;
      headers = answer.headers;
    }
    let next = 0;
    const records = call.Records.map((_, i) => (refused[i] ? throttled : forwarded.Records[next++]!));
    const refusedCount = refused.filter(Boolean).length;
    stats.throttledEntries += refusedCount;
    const merged: PutRecordsAnswer = {
      ...forwarded,
      FailedRecordCount: (forwarded.FailedRecordCount ?? 0) + refusedCount,
      Records: records,
    };
    send(res, 200, headers, JSON.stringify(merged));
  }

  function loseResponse(res: ServerResponse): void {
    stats.lostResponses++;
    res.socket?.destroy();
  }

  async function listen(): Promise<void> {
    const s = createServer((req, res) => {
      handle(req, res).catch((e: unknown) => {
        // The engine is unreachable or answered garbage: a gateway error, as a load balancer would give.
        if (!res.headersSent) {
          awsError(
            res,
            502,
            "InternalFailure",
            `fault proxy: ${(e as Error).message}`,
            requestContentType(req),
          );
        } else res.destroy();
      });
    });
    await new Promise<void>((resolve, reject) => {
      s.once("error", reject);
      s.listen(port, host, () => {
        s.off("error", reject);
        resolve();
      });
    });
    port = (s.address() as AddressInfo).port;
    server = s;
  }

  await listen();
  return {
    url: httpUrl(host, port),
    stats,
    get rules() {
      return rules;
    },
    set rules(next) {
      rules = next;
    },
    async down(how) {
      mode = how;
      if (how === "refuse" && server) {
        const s = server;
        server = undefined;
        await closeServer(s, (cb) => s.close(cb));
      }
    },
    async up() {
      mode = "up";
      if (!server && !stopped) await listen();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      const s = server;
      server = undefined;
      if (s) await closeServer(s, (cb) => s.close(cb));
      agent.destroy();
    },
  };
}
