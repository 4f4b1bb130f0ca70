/**
 * @module
 * The collector's HTTP app (Hono): Snowplow Stream Collector 3.x routes (core/Routes.scala) over
 * the pure tracking logic of `src/core/collector`, plus what the JVM collector lacks: back-pressure
 * (503 + Retry-After while a sink is unhealthy or full, so trackers retry instead of events
 * piling up in memory) and `/metrics`.
 *
 * Routes:
 * - `GET|HEAD /i`, `/ice.png`, `/{vendor}/{version}`: record, answer the pixel;
 * - `POST /{vendor}/{version}`: record, answer "ok" (tp2 batches and webhooks);
 * - `/r/{anything}` (or a custom path mapped to `/r/…`): record, 302 to `u` (allow-listed);
 *   a literal `/r/…` answers 404 "redirects disabled" unless `enableDefaultRedirect`;
 * - `OPTIONS` any path: CORS preflight;
 * - `/health`, `/sink-health`, `/robots.txt`, `/crossdomain.xml` (when enabled), `/` (when
 *   `rootResponse` is enabled), `/metrics`; anything else 404;
 * - with the `micro` option, Snowplow Micro's API and console under `/micro/` (`apps/micro`),
 *   replaying to the good sink (the raw stream) unless the option names another sink. Without it
 *   the routes and the hot path are exactly as before.
 *
 * The tracking routes are also handed out as plain handlers (`routes`) for Bun's native router:
 * Hono's router and per-request context cost about a third of a bare Bun server's throughput
 * (pitfalls.md), too much on the pixel path. Each handler answers the pixel synchronously, builds
 * the response from a prepared header set, and hands its records to the sink without waiting for
 * the stream's acknowledgement, as Snowplow does; write failures are counted and logged.
 *
 * With `backPressure.acknowledgeAfterWrite` a tracking request is answered only once the sinks
 * acknowledged every record it produced (good and bad, each piece of a split batch), so a collector
 * killed right after answering has lost nothing it answered 2xx for. A refused write, or none
 * within `acknowledgeTimeout`, answers 503 with `Retry-After`: the tracker sends the events again,
 * and a record that was written late anyway is an at-least-once duplicate the loaders drop by
 * event id. Without the option the hot path is exactly as described above.
 *
 * Back-pressure is logged by episode, not by request: one warning when the first request is
 * refused (naming the sink and why), one record when requests are accepted again (with how many
 * were refused meanwhile), so a stalled stream shows as two lines, not thousands.
 *
 * @example
 * const app = createCollectorApp({ config, goodSink, badSink, version: "0.1.0", sinkName: "kinesis" });
 * Bun.serve({ port: 8080, routes: app.routes, fetch: app.hono.fetch }); // Bun passes its server: the client IP
 * await app.hono.request("/health"); // in tests
 */
import { Hono } from "hono";
import { processor } from "../../core/badrows/processor.ts";
import { allowedOrigin } from "../../core/collector/origin.ts";
import { PIXEL, PIXEL_CACHE_CONTROL } from "../../core/collector/pixel.ts";
import { crossDomainPolicy, ROBOTS_TXT } from "../../core/collector/static-responses.ts";
import {
  TRACKING_CONTENT_TYPES,
  type TrackedRequest,
  Tracking,
  type TrackingBody,
  type TrackingOutcome,
} from "../../core/collector/tracking.ts";
import { type Logger, silentLogger } from "../../core/ops/log.ts";
import { MAX_PARTITION_KEY_LENGTH } from "../../core/streams/put-records-batch.ts";
import type { OutboundRecord, RecordSink } from "../../ports/record-sink.ts";
import { createMicroApp, MICRO_BUN_ROUTE, type MicroService } from "../micro/routes.ts";
import type { CollectorConfig } from "./config.ts";
import { CollectorMetrics, type RouteMetrics, type SinkRole } from "./metrics.ts";

/** Wall-clock time for payload timestamps and cookie expiry; tests pass a fixed one. */
export interface CollectorClock {
  /** Epoch milliseconds. */
  now(): number;
}

export const SYSTEM_CLOCK: CollectorClock = { now: () => Date.now() };

/** What Bun hands Hono as `env`: the server, which knows each request's remote address. */
export interface CollectorBindings {
  requestIP?(request: Request): { readonly address: string } | null;
}

export interface CollectorAppDeps {
  readonly config: CollectorConfig;
  /** The raw stream. */
  readonly goodSink: RecordSink;
  /** The bad stream (size_violation rows). */
  readonly badSink: RecordSink;
  readonly clock?: CollectorClock;
  readonly metrics?: CollectorMetrics;
  /** Furrow's version, in the payload's `collector` field and bad rows' processor. */
  readonly version: string;
  /** The good sink's kind, e.g. `kinesis`: the payload's collector is `furrow-<version>-<sinkName>`. */
  readonly sinkName: string;
  /** Makes network user ids and partition keys; random UUIDs by default. */
  readonly randomId?: () => string;
  /**
   * Where sink write failures, back-pressure changes and unexpected errors go; silent unless the
   * wiring passes one.
   */
  readonly logger?: Logger;
  /** Serve Snowplow Micro's API and console from this store (e.g. a `startMicroFeed` result). */
  readonly micro?: MicroService;
}

/** The artifact named in the collector's size_violation rows. */
export const COLLECTOR_ARTIFACT = "furrow-collector";

type App = Hono<{ Bindings: CollectorBindings }>;

/** A plain request handler: what Bun's `routes` table and Hono's routes both call. */
export type CollectorHandler = (request: Request, server?: CollectorBindings) => Response | Promise<Response>;

/** The built collector. */
export interface CollectorApp {
  /** Every route, as a Hono app: serve `hono.fetch` anywhere, or call `hono.request()` in tests. */
  readonly hono: App;
  /**
   * The tracking routes as a Bun.serve `routes` table (the same handlers `hono` runs). Bun matches
   * them natively, skipping a router and context per request on the hot path; other methods and
   * paths fall through to `fetch: hono.fetch`.
   */
  readonly routes: Readonly<
    Record<string, Readonly<Partial<Record<"GET" | "HEAD" | "POST", CollectorHandler>>>>
  >;
  readonly metrics: CollectorMetrics;
}

const TEXT = "text/plain; charset=UTF-8";
const REDIRECTS_DISABLED = "redirects disabled";

/** The path of an absolute request URL (`http://host/a/b?x` → `/a/b`), without allocating a URL. */
function pathOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start < 0) return "/";
  const q = url.indexOf("?", start);
  return q < 0 ? url.slice(start) : url.slice(start, q);
}

/** The raw text after `?`, or "". */
function queryOf(url: string): string {
  const q = url.indexOf("?");
  return q < 0 ? "" : url.slice(q + 1);
}

const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });

/** Builds the collector. Routes are fixed at construction from `config`. */
export function createCollectorApp(deps: CollectorAppDeps): CollectorApp {
  const { config, goodSink, badSink } = deps;
  const clock = deps.clock ?? SYSTEM_CLOCK;
  const metrics = deps.metrics ?? new CollectorMetrics();
  const logger = deps.logger ?? silentLogger;
  const backPressure = config.backPressure.enabled;
  const acknowledge = config.backPressure.acknowledgeAfterWrite;
  const acknowledgeTimeout = config.backPressure.acknowledgeTimeout;
  const retryAfter = String(config.backPressure.retryAfterSeconds);
  const drop = config.networking.dropPayloadSize;
  const hsts = config.hsts.enable
    ? `max-age=${Math.floor(config.hsts.maxAge / 1000)}; includeSubDomains`
    : undefined;
  const paths = new Map(Object.entries(config.paths));
  const corsMaxAge = Math.floor(config.cors.accessControlMaxAge / 1000);

  const tracking = new Tracking(
    {
      collector: `furrow-${deps.version}-${deps.sinkName}`,
      processor: processor(COLLECTOR_ARTIFACT, deps.version),
      cookie: config.cookie,
      doNotTrackCookie: config.doNotTrackCookie,
      cookieBounce: config.cookieBounce,
      redirectDomains: config.redirectDomains,
      useIpAddressAsPartitionKey: config.streams.useIpAddressAsPartitionKey,
      // The sink's own limit counts the partition key; leave room for the longest Kinesis allows.
      maxBytes: Math.min(config.streams.good.maxBytes, goodSink.maxRecordBytes - MAX_PARTITION_KEY_LENGTH),
      maxPayloadSize: config.networking.maxPayloadSize,
    },
    deps.randomId,
  );

  /** Builds a response, adding HSTS (every response, as Snowplow's middleware does). */
  const respond = (body: BodyInit | null, status: number, headers: Record<string, string>): Response => {
    if (hsts !== undefined) headers["Strict-Transport-Security"] = hsts;
    return new Response(body, { status, headers });
  };
  const text = (body: string, status = 200, contentType = TEXT): Response =>
    respond(body, status, { "Content-Type": contentType });
  const timed = (route: RouteMetrics, method: string, started: number, res: Response): Response => {
    route.observe(method, res.status, (performance.now() - started) / 1000);
    return res;
  };

  const failed = (role: SinkRole, count: number) => (e: unknown) => {
    metrics.writeFailures[role] += count;
    const reason = (e as Error)?.message ?? String(e);
    logger.error(`the ${role} sink refused ${count} record(s): ${reason}`, {
      event: "sink-write-failed",
      sink: role,
      records: count,
    });
  };
  const onGoodFailure = failed("good", 1);

  /** The fixed headers of each kind of tracking answer, without and with `Cache-Control`. */
  const template = (body: TrackingBody, noCache: boolean, allowOrigin: string): Headers => {
    const h = new Headers();
    if (noCache) h.set("cache-control", PIXEL_CACHE_CONTROL);
    h.set("access-control-allow-origin", allowOrigin);
    h.set("access-control-allow-credentials", "true");
    const contentType = TRACKING_CONTENT_TYPES[body];
    if (contentType !== undefined) h.set("content-type", contentType);
    if (hsts !== undefined) h.set("strict-transport-security", hsts);
    return h;
  };
  type Templates = Readonly<Record<TrackingBody, readonly [Headers, Headers]>>;
  const templatesOf = (allowOrigin: string): Templates => ({
    pixel: [template("pixel", false, allowOrigin), template("pixel", true, allowOrigin)],
    ok: [template("ok", false, allowOrigin), template("ok", true, allowOrigin)],
    empty: [template("empty", false, allowOrigin), template("empty", true, allowOrigin)],
  });
  const anyOrigin = templatesOf("*");
  /**
   * The templates with an allowed origin already in place, for the first origins seen: a site's
   * pages send the same few, and a prepared one saves a header update per answer. Past the bound
   * (origins are the client's to choose) the origin is set on the copy instead.
   */
  const byOrigin = new Map<string, Templates>();
  const MAX_ORIGIN_TEMPLATES = 256;
  const templatesFor = (allowOrigin: string): Templates | undefined => {
    if (allowOrigin === "*") return anyOrigin;
    let t = byOrigin.get(allowOrigin);
    if (t === undefined && byOrigin.size < MAX_ORIGIN_TEMPLATES) {
      t = templatesOf(allowOrigin);
      byOrigin.set(allowOrigin, t);
    }
    return t;
  };

  /** Whether a sink can take `bytes` now; only consulted with back-pressure on. */
  const sinkReady = (sink: RecordSink, bytes: number) => sink.isHealthy() && sink.hasRoom(bytes);

  /** Refusals so far when the current back-pressure episode began; null while accepting. */
  let refusedBefore: number | null = null;
  /** Why a sink cannot take `bytes` (0: any write), or null when it can. */
  const sinkProblem = (role: SinkRole, sink: RecordSink, bytes: number): string | null =>
    !sink.isHealthy()
      ? `the ${role} sink is unhealthy`
      : !sink.hasRoom(bytes)
        ? `the ${role} sink's buffer is full`
        : null;
  const refusing = (reason: () => string) => {
    if (refusedBefore !== null) return;
    refusedBefore = metrics.backPressureRefusals;
    logger.warn(`back-pressure on: answering 503 with Retry-After ${retryAfter} s (${reason()})`, {
      event: "back-pressure-on",
    });
  };
  /** Ends the back-pressure episode `since` began: a request's records were accepted again. */
  const accepting = (since: number) => {
    const refused = metrics.backPressureRefusals - since;
    refusedBefore = null;
    logger.info(`back-pressure off: accepting requests again after refusing ${refused}`, {
      event: "back-pressure-off",
      refused,
    });
  };

  const goodUnhealthy = () => "the good sink is unhealthy";
  const unavailable = (origin: string | null, reason: () => string): Response => {
    refusing(reason);
    metrics.backPressureRefusals++;
    return respond("Service Unavailable", 503, {
      "Retry-After": retryAfter,
      "Access-Control-Allow-Origin": allowedOrigin(origin ?? undefined),
      "Access-Control-Allow-Credentials": "true",
      "Content-Type": TEXT,
    });
  };

  /** The 503 of back-pressure when a sink cannot take the records now, else undefined. */
  const refusal = (
    good: readonly Uint8Array[],
    bad: readonly Uint8Array[],
    key: string,
    request: Request,
  ): Response | undefined => {
    let goodBytes = 0;
    for (const r of good) goodBytes += r.length + key.length;
    let badBytes = 0;
    for (const r of bad) badBytes += r.length + key.length;
    if (
      (good.length > 0 && !sinkReady(goodSink, goodBytes)) ||
      (bad.length > 0 && !sinkReady(badSink, badBytes))
    ) {
      return unavailable(
        request.headers.get("origin"),
        () =>
          (good.length > 0 ? sinkProblem("good", goodSink, goodBytes) : null) ??
          sinkProblem("bad", badSink, badBytes) ??
          "a sink could not take the records",
      );
    }
    if (refusedBefore !== null) accepting(refusedBefore);
    return undefined;
  };

  /** Writes the outcome's records and builds its response, or 503 when a sink cannot take them. */
  const commit = (outcome: TrackingOutcome, request: Request): Response => {
    const records = outcome.records;
    if (records !== undefined) {
      const key = outcome.partitionKey;
      const { good, bad } = records;
      if (backPressure) {
        const refused = refusal(good, bad, key, request);
        if (refused !== undefined) return refused;
      }
      // Not awaited: the stream acknowledges in its own time, as with Snowplow's Kinesis sink.
      if (good.length === 1) {
        goodSink.write([{ data: good[0]!, partitionKey: key }]).catch(onGoodFailure);
        metrics.records.good++;
      } else if (good.length > 1) {
        const batch: OutboundRecord[] = good.map((data) => ({ data, partitionKey: key }));
        goodSink.write(batch).catch(failed("good", batch.length));
        metrics.records.good += batch.length;
      }
      if (bad.length > 0) {
        const batch: OutboundRecord[] = bad.map((data) => ({ data, partitionKey: key }));
        badSink.write(batch).catch(failed("bad", batch.length));
        metrics.records.bad += batch.length;
      }
    }
    return answer(outcome);
  };

  /** The tracking answer of `o`: pixel, "ok", redirect or empty, with its cookies and CORS. */
  const answer = (o: TrackingOutcome): Response => {
    // Start from the prepared headers of this kind of answer and set only what varies: copying a
    // Headers is about half the cost of building one from five names and values.
    const prepared = templatesFor(o.allowOrigin);
    const res = new Response(o.body === "pixel" ? PIXEL : o.body === "ok" ? "ok" : null, {
      status: o.status,
      headers: (prepared ?? anyOrigin)[o.body][o.noCache ? 1 : 0],
    });
    if (
      prepared !== undefined &&
      o.setCookie === undefined &&
      o.clientSetCookie === undefined &&
      o.location === undefined
    ) {
      return res;
    }
    const headers = res.headers;
    // The templates hold no Set-Cookie: appending skips set()'s search for one to replace.
    if (o.setCookie !== undefined) headers.append("set-cookie", o.setCookie);
    if (o.clientSetCookie !== undefined) headers.append("set-cookie", o.clientSetCookie);
    if (prepared === undefined) headers.set("access-control-allow-origin", o.allowOrigin);
    if (o.location !== undefined) headers.set("location", o.location);
    return res;
  };

  /** Whether `write` was acknowledged; a refusal is counted and logged as without the option. */
  const written = (write: Promise<void>, role: SinkRole, count: number): Promise<boolean> =>
    write.then(
      () => true,
      (e) => {
        failed(role, count)(e);
        return false;
      },
    );

  /** Unacknowledged answers so far when the current episode of them began; null while acknowledging. */
  let unacknowledgedBefore: number | null = null;
  /** 503 for records the sinks did not acknowledge: the tracker sends them again. */
  const unacknowledged = (origin: string | null, why: string): Response => {
    if (unacknowledgedBefore === null) {
      unacknowledgedBefore = metrics.unacknowledgedRequests;
      logger.warn(`answering 503 with Retry-After ${retryAfter} s: ${why}`, { event: "acknowledge-failed" });
    }
    metrics.unacknowledgedRequests++;
    return respond("Service Unavailable", 503, {
      "Retry-After": retryAfter,
      "Access-Control-Allow-Origin": allowedOrigin(origin ?? undefined),
      "Access-Control-Allow-Credentials": "true",
      "Content-Type": TEXT,
    });
  };

  /** Waits for `acks` at most `acknowledgeTimeout`: the answer once all are true, else a 503. */
  const afterAcknowledgement = async (
    acks: Promise<boolean>,
    outcome: TrackingOutcome,
    origin: string | null,
  ): Promise<Response> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), acknowledgeTimeout);
    });
    const result = await Promise.race([acks, timedOut]);
    clearTimeout(timer);
    if (result === true) {
      if (unacknowledgedBefore !== null) {
        const refused = metrics.unacknowledgedRequests - unacknowledgedBefore;
        unacknowledgedBefore = null;
        logger.info(`writes acknowledged again after ${refused} request(s) answered 503`, {
          event: "acknowledge-recovered",
          refused,
        });
      }
      return answer(outcome);
    }
    return unacknowledged(
      origin,
      result === "timeout"
        ? `a sink did not acknowledge a request's records within ${acknowledgeTimeout} ms`
        : "a sink refused a request's records",
    );
  };

  /**
   * `commit` with `acknowledgeAfterWrite`: the same records and checks, answered once every record
   * the request produced (good and bad, each SplitBatch piece) is acknowledged.
   */
  const commitAcknowledged = (outcome: TrackingOutcome, request: Request): Response | Promise<Response> => {
    const records = outcome.records;
    if (records === undefined) return answer(outcome);
    const key = outcome.partitionKey;
    const { good, bad } = records;
    if (backPressure) {
      const refused = refusal(good, bad, key, request);
      if (refused !== undefined) return refused;
    }
    let goodAck: Promise<boolean> | undefined;
    let badAck: Promise<boolean> | undefined;
    if (good.length > 0) {
      goodAck = written(
        goodSink.write(good.map((data) => ({ data, partitionKey: key }))),
        "good",
        good.length,
      );
      metrics.records.good += good.length;
    }
    if (bad.length > 0) {
      badAck = written(badSink.write(bad.map((data) => ({ data, partitionKey: key }))), "bad", bad.length);
      metrics.records.bad += bad.length;
    }
    const acks =
      goodAck !== undefined && badAck !== undefined
        ? Promise.all([goodAck, badAck]).then(([g, b]) => g && b)
        : (goodAck ?? badAck);
    if (acks === undefined) return answer(outcome);
    return afterAcknowledgement(acks, outcome, request.headers.get("origin"));
  };

  /** Times a tracking answer that may still be waiting for the sinks. */
  const timedLater = (
    route: RouteMetrics,
    method: string,
    started: number,
    res: Response | Promise<Response>,
  ): Response | Promise<Response> =>
    res instanceof Response
      ? timed(route, method, started, res)
      : res.then((r) => timed(route, method, started, r));

  /** Snowplow rejects a literal `/r/<x>` (any method) when default redirects are off. */
  const redirectsDisabled = (path: string): boolean =>
    !config.enableDefaultRedirect && path.length > 3 && path.startsWith("/r/") && path.indexOf("/", 3) < 0;

  const pixelRoute = metrics.route("/i");
  const icePngRoute = metrics.route("/ice.png");
  const vendorRoute = metrics.route("/{vendor}/{version}");
  const redirectRoute = metrics.route("/r/{path}");

  /** A GET or HEAD of a pixel path. */
  const trackGet = (
    req: Request,
    server: CollectorBindings | undefined,
    path: string,
    recordedPath: string,
    route: RouteMetrics,
    started: number,
  ): Response | Promise<Response> => {
    if (backPressure && !goodSink.isHealthy()) {
      return timed(route, req.method, started, unavailable(req.headers.get("origin"), goodUnhealthy));
    }
    const tracked: TrackedRequest = {
      method: req.method,
      path,
      recordedPath,
      query: queryOf(req.url),
      headers: req.headers,
      body: undefined,
      remoteAddress: () => server?.requestIP?.(req)?.address,
      pixelExpected: true,
    };
    const outcome = tracking.track(tracked, clock.now());
    if (acknowledge) return timedLater(route, req.method, started, commitAcknowledged(outcome, req));
    return timed(route, req.method, started, commit(outcome, req));
  };

  const trackPost = async (
    req: Request,
    server: CollectorBindings | undefined,
    path: string,
    recordedPath: string,
    route: RouteMetrics,
    started: number,
  ): Promise<Response> => {
    if (backPressure && !goodSink.isHealthy())
      return timed(route, "POST", started, unavailable(req.headers.get("origin"), goodUnhealthy));
    // Refuse a declared oversized body before reading it; a chunked one is measured once read
    // (the server's own body limit stops an endless one).
    if (Number(req.headers.get("content-length") ?? "0") > drop) return tooLarge(route, started);
    const bytes = new Uint8Array(await req.arrayBuffer());
    if (bytes.length > drop) return tooLarge(route, started);
    const tracked: TrackedRequest = {
      method: "POST",
      path,
      recordedPath,
      query: queryOf(req.url),
      headers: req.headers,
      body: utf8.decode(bytes),
      remoteAddress: () => server?.requestIP?.(req)?.address,
      pixelExpected: false,
    };
    const outcome = tracking.track(tracked, clock.now());
    if (acknowledge) return timedLater(route, "POST", started, commitAcknowledged(outcome, req));
    return timed(route, "POST", started, commit(outcome, req));
  };
  const tooLarge = (route: RouteMetrics, started: number): Response => {
    metrics.oversizedBodies++;
    return timed(route, "POST", started, text("Payload Too Large", 413));
  };

  const pixel: CollectorHandler = (req, server) =>
    trackGet(req, server, "/i", "/i", pixelRoute, performance.now());
  const icePng: CollectorHandler = (req, server) =>
    trackGet(req, server, "/ice.png", "/ice.png", icePngRoute, performance.now());
  const vendorVersion: CollectorHandler = (req, server) => {
    const started = performance.now();
    const path = pathOf(req.url);
    if (redirectsDisabled(path))
      return timed(redirectRoute, req.method, started, text(REDIRECTS_DISABLED, 404));
    const recordedPath = paths.get(path) ?? path;
    const route = recordedPath.startsWith("/r/") ? redirectRoute : vendorRoute;
    return req.method === "POST"
      ? trackPost(req, server, path, recordedPath, route, started)
      : trackGet(req, server, path, recordedPath, route, started);
  };

  const hono: App = new Hono<{ Bindings: CollectorBindings }>();
  // Before the tracking routes: `/micro/good` and the like would match `/:vendor/:version`.
  if (deps.micro !== undefined) {
    hono.route("/", createMicroApp({ ...deps.micro, replaySink: deps.micro.replaySink ?? goodSink }));
  }
  hono.get("/i", (c) => pixel(c.req.raw, c.env));
  hono.get("/ice.png", (c) => icePng(c.req.raw, c.env));
  hono.on(["GET", "POST"], "/:vendor/:version", (c) => vendorVersion(c.req.raw, c.env));

  const optionsRoute = metrics.route("OPTIONS");
  hono.options("*", (c) => {
    const started = performance.now();
    if (redirectsDisabled(c.req.path))
      return timed(optionsRoute, "OPTIONS", started, text(REDIRECTS_DISABLED, 404));
    const headers = tracking.preflight(c.req.header("origin"), corsMaxAge);
    return timed(optionsRoute, "OPTIONS", started, respond(null, 200, headers));
  });

  /** A fixed GET route: counted and timed like the rest. */
  const fixed = (path: string, answer: () => Response) => {
    const route = metrics.route(path);
    hono.get(path, (c) => {
      const started = performance.now();
      return timed(route, c.req.method, started, answer());
    });
  };
  fixed("/health", () => text("ok"));
  fixed("/sink-health", () =>
    goodSink.isHealthy() && badSink.isHealthy() ? text("ok") : text("Service Unavailable", 503),
  );
  fixed("/robots.txt", () => text(ROBOTS_TXT));
  if (config.crossDomain.enabled) {
    const xml = crossDomainPolicy(config.crossDomain);
    fixed("/crossdomain.xml", () => text(xml, 200, "text/xml"));
  }
  if (config.rootResponse.enabled) {
    const { statusCode, headers, body } = config.rootResponse;
    fixed("/", () => respond(body === "" ? null : body, statusCode, { ...headers }));
  }
  fixed("/metrics", () => text(metrics.render(), 200, "text/plain; version=0.0.4; charset=utf-8"));

  const unmatched = metrics.route("unmatched");
  hono.notFound((c) => {
    const started = performance.now();
    const body = redirectsDisabled(c.req.path) ? REDIRECTS_DISABLED : "Not found";
    return timed(unmatched, c.req.method, started, text(body, 404));
  });
  hono.onError((e, c) => {
    logger.error(`${c.req.method} ${c.req.path} failed: ${(e as Error)?.message ?? e}`, {
      event: "request-failed",
      stack: (e as Error)?.stack,
    });
    return text("Internal Server Error", 500);
  });

  const routes: Record<string, Partial<Record<"GET" | "HEAD" | "POST", CollectorHandler>>> = {
    "/i": { GET: pixel, HEAD: pixel },
    "/ice.png": { GET: icePng, HEAD: icePng },
    "/:vendor/:version": { GET: vendorVersion, HEAD: vendorVersion, POST: vendorVersion },
  };
  if (deps.micro !== undefined) {
    const micro: CollectorHandler = (req, server) => hono.fetch(req, server);
    routes[MICRO_BUN_ROUTE] = { GET: micro, HEAD: micro, POST: micro };
  }
  return { hono, routes, metrics };
}
