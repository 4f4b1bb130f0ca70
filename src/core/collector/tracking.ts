/**
 * @module
 * What the collector does with one tracking request (GET/HEAD pixel, POST, redirect), as a pure
 * function of the request and the time: the CollectorPayload records to write, the partition key,
 * and the response's status, headers and body. It follows the Snowplow Stream Collector 3.x
 * (core/Service.scala `cookie`) step by step; see the modules it calls for each rule. Writing the
 * records, back-pressure and metrics are the app's business, so this runs unchanged in any
 * Fetch-API runtime.
 *
 * The hot path (a pixel GET with a cookie and nothing to split) costs one pass over the headers,
 * no regular expressions, no date formatting (the cookie writer caches it per second) and one
 * Thrift encode into a single allocation.
 *
 * @example
 * const tracking = new Tracking(settings);
 * const outcome = tracking.track({ method: "GET", path: "/i", recordedPath: "/i", query: "e=pv",
 *   headers: request.headers, body: undefined, remoteAddress: () => "203.0.113.9", pixelExpected: true }, Date.now());
 * if (outcome.records) await sink.write(outcome.records.good.map((data) => ({ data, partitionKey: outcome.partitionKey })));
 */
import type { Processor } from "../badrows/processor.ts";
import { COLLECTOR_PAYLOAD_SCHEMA, type CollectorPayload } from "../thrift/collector-payload.ts";
import { captureHeaders, hostWithoutPort, normalizedContentType } from "./captured-headers.ts";
import { clientIp, UNKNOWN_IP } from "./client-ip.ts";
import { alreadyBouncing, bounceLocation, type CookieBounceSettings } from "./cookie-bounce.ts";
import { type DoNotTrackCookieSettings, type DoNotTrackMatcher, doNotTrackMatcher } from "./do-not-track.ts";
import { presentNetworkUserId } from "./network-user-id.ts";
import { allowedOrigin } from "./origin.ts";
import { PIXEL_CACHE_CONTROL } from "./pixel.ts";
import { redirectTarget } from "./redirect.ts";
import { hasCookie } from "./request-cookie.ts";
import { isCookieValue } from "./rfc6265-cookie.ts";
import { type CookieSettings, SetCookieWriter } from "./set-cookie.ts";
import { type SerializedPayload, serializeCollectorPayload } from "./split-batch.ts";

/** Everything `Tracking` needs from the collector's configuration. */
export interface TrackingSettings {
  /** The payload's `collector` field, e.g. `furrow-0.1.0-kinesis`. */
  readonly collector: string;
  /** Named in size_violation rows. */
  readonly processor: Processor;
  readonly cookie: CookieSettings;
  readonly doNotTrackCookie: DoNotTrackCookieSettings;
  readonly cookieBounce: CookieBounceSettings;
  /** Hosts a redirect may go to; empty allows any. */
  readonly redirectDomains: readonly string[];
  /** Partition by client IP instead of a random key per request. */
  readonly useIpAddressAsPartitionKey: boolean;
  /** Payloads of this many bytes or more are split or become bad rows (the good sink's limit). */
  readonly maxBytes: number;
  /** Payloads past this are never split (Snowplow `networking.maxPayloadSize`). */
  readonly maxPayloadSize: number;
}

/** One tracking request, as the HTTP layer hands it over. */
export interface TrackedRequest {
  readonly method: string;
  /** The path as requested (a bounce redirects to it). */
  readonly path: string;
  /** The path recorded in the payload: `path` mapped through the `paths` setting. */
  readonly recordedPath: string;
  /** The raw text after `?`, or "". */
  readonly query: string;
  readonly headers: Headers;
  /** The body text of a POST; undefined for GET and HEAD. */
  readonly body: string | undefined;
  /**
   * The socket's remote address, if the runtime knows it. A function, because it is needed only
   * without a usable X-Forwarded-For, and asking Bun for it costs a system call.
   */
  readonly remoteAddress: () => string | undefined;
  /** GET/HEAD answer with the pixel; POST with "ok". */
  readonly pixelExpected: boolean;
}

/** What the response carries: the pixel, the text "ok", or nothing. */
export type TrackingBody = "pixel" | "ok" | "empty";

/**
 * The decision for one request. Response headers are given as facts rather than a header list, so
 * an HTTP layer can start from a prepared header set and fill in only what varies per request
 * (`trackingResponseHeaders` writes them all out).
 */
export interface TrackingOutcome {
  readonly status: 200 | 302 | 400;
  readonly body: TrackingBody;
  /** `Set-Cookie` for the network user id cookie, if one is set (or cleared). */
  readonly setCookie: string | undefined;
  /** The second `Set-Cookie`: the `clientCookieName` cookie, when configured. */
  readonly clientSetCookie: string | undefined;
  /** Pixel responses forbid caching (`Cache-Control: no-cache, no-store, must-revalidate`). */
  readonly noCache: boolean;
  /** `Access-Control-Allow-Origin`: the request's origin, or `*`. */
  readonly allowOrigin: string;
  /** `Location` of a redirect or cookie bounce. */
  readonly location: string | undefined;
  /** Records to write, or undefined when nothing is stored (do-not-track, cookie bounce). */
  readonly records: SerializedPayload | undefined;
  /** Shared by every record of the request. */
  readonly partitionKey: string;
  readonly networkUserId: string;
}

/** The `Content-Type` of each body kind (none for an empty body). */
export const TRACKING_CONTENT_TYPES: Readonly<Record<TrackingBody, string | undefined>> = {
  pixel: "image/gif",
  ok: "text/plain",
  empty: undefined,
};

/**
 * Every response header of an outcome, in Snowplow's order: Set-Cookie (twice with a client
 * cookie), Cache-Control, Access-Control-Allow-Origin, Access-Control-Allow-Credentials, Location,
 * Content-Type.
 */
export function trackingResponseHeaders(o: TrackingOutcome): [string, string][] {
  const headers: [string, string][] = [];
  if (o.setCookie !== undefined) headers.push(["Set-Cookie", o.setCookie]);
  if (o.clientSetCookie !== undefined) headers.push(["Set-Cookie", o.clientSetCookie]);
  if (o.noCache) headers.push(["Cache-Control", PIXEL_CACHE_CONTROL]);
  headers.push(["Access-Control-Allow-Origin", o.allowOrigin]);
  headers.push(["Access-Control-Allow-Credentials", "true"]);
  if (o.location !== undefined) headers.push(["Location", o.location]);
  const contentType = TRACKING_CONTENT_TYPES[o.body];
  if (contentType !== undefined) headers.push(["Content-Type", contentType]);
  return headers;
}

/** `Access-Control-Allow-Headers` of the CORS preflight: trackers send these two. */
const ALLOW_HEADERS = "Content-Type, SP-Anonymous";

export class Tracking {
  readonly #s: TrackingSettings;
  readonly #cookie: SetCookieWriter;
  readonly #clientCookie: SetCookieWriter | undefined;
  readonly #doNotTrack: DoNotTrackMatcher;
  readonly #redirectHosts: ReadonlySet<string>;
  readonly #randomId: () => string;
  /** The last `Origin` header seen and its answer: a site's pages send the same one on every request. */
  #lastOrigin: string | undefined;
  #lastAllowOrigin = "*";

  /** `randomId` makes network user ids and partition keys; random UUIDs by default. */
  constructor(settings: TrackingSettings, randomId: () => string = () => crypto.randomUUID()) {
    this.#s = settings;
    this.#cookie = new SetCookieWriter(settings.cookie);
    const client = settings.cookie.clientCookieName;
    this.#clientCookie =
      client === undefined
        ? undefined
        : new SetCookieWriter({ ...settings.cookie, name: client, httpOnly: false });
    this.#doNotTrack = doNotTrackMatcher(settings.doNotTrackCookie);
    this.#redirectHosts = new Set(settings.redirectDomains.map((d) => d.toLowerCase()));
    this.#randomId = randomId;
  }

  /** Decides what to record and answer for one tracking request received at `now` (epoch ms). */
  track(req: TrackedRequest, now: number): TrackingOutcome {
    const s = this.#s;
    const spAnonymous = req.headers.has("sp-anonymous");
    const h = captureHeaders(req.headers, spAnonymous);
    const redirect = req.recordedPath.startsWith("/r/");
    const ip = spAnonymous ? UNKNOWN_IP : clientIp(h.xForwardedFor, req.remoteAddress);
    const doNotTrack = this.#doNotTrack(h.cookie);
    const bouncing = alreadyBouncing(s.cookieBounce, req.query);
    const present = presentNetworkUserId(spAnonymous, req.query, h.cookie, s.cookie.name);
    const nuid = present?.id ?? (bouncing ? s.cookieBounce.fallbackNetworkUserId : this.#randomId());
    const shouldBounce =
      s.cookieBounce.enabled && present === undefined && !bouncing && req.pixelExpected && !redirect;
    const partitionKey = s.useIpAddressAsPartitionKey && ip !== UNKNOWN_IP ? ip : this.#randomId();

    let records: SerializedPayload | undefined;
    if (!doNotTrack && !shouldBounce) {
      const posted = req.body !== undefined;
      const contentType =
        posted && h.contentType !== undefined ? normalizedContentType(h.contentType) : undefined;
      if (contentType !== undefined) h.list.push(contentType);
      const payload: CollectorPayload = {
        schema: COLLECTOR_PAYLOAD_SCHEMA,
        ipAddress: ip,
        timestamp: now,
        encoding: "UTF-8",
        collector: s.collector,
        userAgent: h.userAgent,
        refererUri: h.referer,
        path: req.recordedPath,
        querystring: req.query,
        body: req.body,
        headers: h.list,
        contentType,
        hostname: h.host === undefined ? undefined : hostWithoutPort(h.host),
        networkUserId: nuid,
      };
      records = serializeCollectorPayload(payload, s, s.processor, now);
    }

    let setCookie: string | undefined;
    let clientSetCookie: string | undefined;
    // A `nuid` parameter is the tracker's to choose: one that is not a cookie value (a NUL, a
    // character past Latin-1, or "; Domain=…") is still recorded, but never echoed as a cookie,
    // where it would break the response or inject attributes.
    if (!doNotTrack && s.cookie.enabled && isCookieValue(nuid)) {
      const cookieInRequest = spAnonymous && hasCookie(h.cookie, s.cookie.name);
      if (!spAnonymous || cookieInRequest) {
        const domain = this.#cookie.domainFor(h.origin);
        setCookie = this.#setCookie(this.#cookie, spAnonymous, nuid, domain, now);
        if (this.#clientCookie !== undefined) {
          clientSetCookie = this.#setCookie(this.#clientCookie, spAnonymous, nuid, domain, now);
        }
      }
    }

    let status: TrackingOutcome["status"] = 200;
    let body: TrackingBody;
    let location: string | undefined;
    if (redirect) {
      location = redirectTarget(req.query, this.#redirectHosts);
      status = location === undefined ? 400 : 302;
      body = "empty";
    } else if (shouldBounce) {
      status = 302;
      body = "empty";
      const header = s.cookieBounce.forwardedProtocolHeader;
      const absolute =
        header === undefined ? undefined : { scheme: req.headers.get(header) ?? undefined, host: h.host };
      location = bounceLocation(s.cookieBounce, req.path, req.query, absolute);
    } else {
      body = req.pixelExpected ? "pixel" : "ok";
    }
    return {
      status,
      body,
      setCookie,
      clientSetCookie,
      noCache: req.pixelExpected,
      allowOrigin: this.#allowOrigin(h.origin),
      location,
      records,
      partitionKey,
      networkUserId: nuid,
    };
  }
  /** Headers of the answer to a CORS preflight (`OPTIONS`, any path). */
  preflight(origin: string | undefined, maxAgeSeconds: number): Record<string, string> {
    return {
      "Access-Control-Allow-Origin": allowedOrigin(origin),
      "Access-Control-Allow-Credentials": "true",
      "Access-Control-Allow-Headers": ALLOW_HEADERS,
      "Access-Control-Max-Age": String(maxAgeSeconds),
    };
  }

  /** `allowedOrigin`, remembered for the last header (parsing it costs more than comparing it). */
  #allowOrigin(header: string | undefined): string {
    if (header !== this.#lastOrigin) {
      this.#lastAllowOrigin = allowedOrigin(header);
      this.#lastOrigin = header;
    }
    return this.#lastAllowOrigin;
  }

  #setCookie(
    writer: SetCookieWriter,
    spAnonymous: boolean,
    nuid: string,
    domain: string | undefined,
    now: number,
  ): string {
    return spAnonymous ? writer.cleared(domain, now) : writer.value(nuid, domain, now);
  }
}
