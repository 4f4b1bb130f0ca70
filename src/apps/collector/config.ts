/**
 * @module
 * The collector's configuration: Snowplow Stream Collector 3.x settings under their own names and
 * defaults (core/src/main/resources/reference.conf, plus the Kinesis and stdout sinks'
 * application.conf), written as JSON, so a HOCON config carries across by converting its syntax.
 * Snowplow's `collector { … }` wrapper is optional. Durations take HOCON's forms (`"365 days"`,
 * `"10 seconds"`, `"500 ms"`), and a bare number is milliseconds, as in HOCON. Both stream styles
 * are read: legacy `good = "name"` with shared `sink` and `buffer`, and `good { name, buffer, … }`.
 *
 * Settings Snowplow has and Furrow does not need are accepted and ignored (`p3p`, `redirectMacro`,
 * `telemetry`, `monitoring`, `license`, `ssl` when disabled, `threadPoolSize`, `aws`, SQS buffers),
 * so a config does not have to be trimmed first. One addition: `backPressure`. Any other key, a
 * wrong type or an impossible value is a `CollectorConfigError` with one line naming the setting.
 */
import {
  type CookieBounceSettings,
  DEFAULT_COOKIE_BOUNCE_SETTINGS,
} from "../../core/collector/cookie-bounce.ts";
import {
  DEFAULT_DO_NOT_TRACK_COOKIE_SETTINGS,
  type DoNotTrackCookieSettings,
} from "../../core/collector/do-not-track.ts";
import {
  type CookieSettings,
  DEFAULT_COOKIE_SETTINGS,
  type SameSite,
} from "../../core/collector/set-cookie.ts";
import { DEFAULT_MAX_PAYLOAD_SIZE } from "../../core/collector/split-batch.ts";
import type { CrossDomainSettings } from "../../core/collector/static-responses.ts";
import { MAX_PARTITION_KEY_LENGTH } from "../../core/streams/put-records-batch.ts";

/** Where raw records go: Kinesis (Snowplow's Kinesis collector) or standard output (its stdout one). */
export const SINK_KINDS = ["kinesis", "stdout"] as const;
export type SinkKind = (typeof SINK_KINDS)[number];

/** A stream's sink settings (Snowplow's `streams.sink` plus `streams.buffer`, or a new-style stream block). */
export interface StreamSinkConfig {
  /** The stream's name (Kinesis) or label (stdout). */
  readonly name: string;
  /** Payloads of this many bytes or more are split or become bad rows; per-sink default. */
  readonly maxBytes: number;
  /** Kinesis region; the AWS SDK's default chain when absent. */
  readonly region?: string;
  /** A Kinesis-compatible endpoint (kinesalite, LocalStack). */
  readonly customEndpoint?: string;
  /** Retry waits in ms and the failures before the sink reports itself unhealthy. */
  readonly backoffPolicy: {
    readonly minBackoff: number;
    readonly maxBackoff: number;
    readonly maxRetries: number;
  };
  /** When the producer sends: Snowplow's `buffer { byteLimit, recordLimit, timeLimit (ms) }`. */
  readonly buffer: { readonly byteLimit: number; readonly recordLimit: number; readonly timeLimit: number };
}

export interface RootResponseConfig {
  readonly enabled: boolean;
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface NetworkingConfig {
  /** Accepted for compatibility; Bun has no per-server connection cap. */
  readonly maxConnections: number;
  /** Milliseconds a connection may idle; Bun caps it at 255 s. */
  readonly idleTimeout: number;
  /** Accepted for compatibility; Furrow answers without waiting on anything but the body. */
  readonly responseHeaderTimeout: number;
  readonly maxRequestLineLength: number;
  readonly maxHeadersLength: number;
  /** Payloads past this are never split, only turned into size_violation rows. */
  readonly maxPayloadSize: number;
  /** Bodies past this are refused with 413 and not recorded. */
  readonly dropPayloadSize: number;
}

/** Beyond Snowplow: refuse tracking requests with 503 instead of buffering without bound. */
export interface BackPressureConfig {
  /** Off gives Snowplow's behaviour: always 200, whatever the sink's state. */
  readonly enabled: boolean;
  /** The `Retry-After` of a 503, in seconds. */
  readonly retryAfterSeconds: number;
  /** Bytes a sink may hold unacknowledged before the collector refuses requests; 64 MiB. */
  readonly maxBufferedBytes: number;
  /**
   * Answer a tracking request only once its sinks acknowledged every record it produced, so a
   * collector killed after answering has lost nothing it accepted (Snowplow answers first). A
   * failed write or one slower than `acknowledgeTimeout` answers 503 with `Retry-After`; the
   * tracker retries, and a record written late becomes a duplicate the loaders drop by event id.
   * Off by default, as in Snowplow.
   */
  readonly acknowledgeAfterWrite: boolean;
  /** Milliseconds a request waits for the acknowledgement with `acknowledgeAfterWrite`; 10 s. */
  readonly acknowledgeTimeout: number;
}

export interface CollectorConfig {
  readonly interface: string;
  readonly port: number;
  /** Custom `/vendor/version` paths mapped to the one recorded, e.g. `{"/acme/t": "/com.snowplowanalytics.snowplow/tp2"}`. */
  readonly paths: Readonly<Record<string, string>>;
  readonly crossDomain: CrossDomainSettings;
  readonly cookie: CookieSettings;
  readonly doNotTrackCookie: DoNotTrackCookieSettings;
  readonly cookieBounce: CookieBounceSettings;
  readonly rootResponse: RootResponseConfig;
  /** `accessControlMaxAge` in milliseconds. */
  readonly cors: { readonly accessControlMaxAge: number };
  readonly streams: {
    readonly sink: SinkKind;
    readonly good: StreamSinkConfig;
    readonly bad: StreamSinkConfig;
    readonly useIpAddressAsPartitionKey: boolean;
  };
  /** `maxAge` in milliseconds. */
  readonly hsts: { readonly enable: boolean; readonly maxAge: number };
  readonly networking: NetworkingConfig;
  readonly enableDefaultRedirect: boolean;
  readonly redirectDomains: readonly string[];
  /** Milliseconds the collector keeps serving after a stop signal, so load balancers drain it. */
  readonly preTerminationPeriod: number;
  readonly backPressure: BackPressureConfig;
}

/** A configuration problem, as one line naming the setting. */
export class CollectorConfigError extends Error {
  override readonly name = "CollectorConfigError";
}

const DAY = 24 * 3600 * 1000;

/** Each sink's default `maxBytes`: Kinesis takes 1 MB records; Snowplow's stdout sink 1e9. */
export const DEFAULT_MAX_BYTES: Record<SinkKind, number> = { kinesis: 1_000_000, stdout: 1_000_000_000 };

const DEFAULT_BUFFER = { byteLimit: 3_145_728, recordLimit: 500, timeLimit: 5_000 } as const;
const DEFAULT_BACKOFF = { minBackoff: 500, maxBackoff: 1_500, maxRetries: 3 } as const;

/** Snowplow's defaults, with stream names to be filled in by the caller. */
export function defaultCollectorConfig(streams: {
  good: string;
  bad: string;
  sink?: SinkKind;
}): CollectorConfig {
  const sink = streams.sink ?? "stdout";
  const stream = (name: string): StreamSinkConfig => ({
    name,
    maxBytes: DEFAULT_MAX_BYTES[sink],
    backoffPolicy: DEFAULT_BACKOFF,
    buffer: DEFAULT_BUFFER,
  });
  return {
    interface: "0.0.0.0",
    port: 8080,
    paths: {},
    crossDomain: { enabled: false, domains: ["*"], secure: true },
    cookie: DEFAULT_COOKIE_SETTINGS,
    doNotTrackCookie: DEFAULT_DO_NOT_TRACK_COOKIE_SETTINGS,
    cookieBounce: DEFAULT_COOKIE_BOUNCE_SETTINGS,
    rootResponse: { enabled: false, statusCode: 302, headers: {}, body: "" },
    cors: { accessControlMaxAge: 60 * 60 * 1000 },
    streams: {
      sink,
      good: stream(streams.good),
      bad: stream(streams.bad),
      useIpAddressAsPartitionKey: false,
    },
    hsts: { enable: false, maxAge: 365 * DAY },
    networking: {
      maxConnections: 1024,
      idleTimeout: 610_000,
      responseHeaderTimeout: 30_000,
      maxRequestLineLength: 20_480,
      maxHeadersLength: 40_960,
      maxPayloadSize: DEFAULT_MAX_PAYLOAD_SIZE,
      dropPayloadSize: 2_097_152,
    },
    enableDefaultRedirect: false,
    redirectDomains: [],
    preTerminationPeriod: 10_000,
    backPressure: {
      enabled: true,
      retryAfterSeconds: 5,
      maxBufferedBytes: 64 * 1024 * 1024,
      acknowledgeAfterWrite: false,
      acknowledgeTimeout: 10_000,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Reading JSON

type Json = unknown;
type JsonObject = Record<string, Json>;

const isObject = (v: Json): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

/** Reads one object of the config, checking every key and tracking the dotted path for errors. */
class Section {
  constructor(
    readonly path: string,
    readonly json: JsonObject,
    readonly where: string,
  ) {}

  fail(key: string, message: string): never {
    throw new CollectorConfigError(`${this.where}: ${this.key(key)}: ${message}`);
  }

  key(key: string): string {
    return this.path === "" ? key : `${this.path}.${key}`;
  }

  /** Rejects keys outside `known`; `ignored` are Snowplow's own, accepted and unused. */
  only(known: readonly string[], ignored: readonly string[] = []): void {
    for (const key of Object.keys(this.json)) {
      if (!known.includes(key) && !ignored.includes(key)) {
        throw new CollectorConfigError(
          `${this.where}: unknown setting '${this.key(key)}' (known: ${known.join(", ")})`,
        );
      }
    }
  }

  has(key: string): boolean {
    return Object.hasOwn(this.json, key) && this.json[key] !== undefined;
  }

  section(key: string): Section | undefined {
    if (!this.has(key)) return undefined;
    const v = this.json[key];
    if (!isObject(v)) this.fail(key, "expected an object");
    return new Section(this.key(key), v, this.where);
  }

  bool(key: string, fallback: boolean): boolean {
    if (!this.has(key)) return fallback;
    const v = this.json[key];
    if (typeof v === "boolean") return v;
    // HOCON reads these strings as booleans too.
    if (v === "true" || v === "yes" || v === "on") return true;
    if (v === "false" || v === "no" || v === "off") return false;
    return this.fail(key, `expected true or false, got ${JSON.stringify(v)}`);
  }

  string(key: string, fallback: string): string;
  string(key: string, fallback: undefined): string | undefined;
  string(key: string, fallback: string | undefined): string | undefined {
    if (!this.has(key) || this.json[key] === null) return fallback;
    const v = this.json[key];
    if (typeof v !== "string") this.fail(key, `expected a string, got ${JSON.stringify(v)}`);
    return v;
  }

  /** An integer from `min` to `max`; HOCON also writes numbers as strings. */
  int(key: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
    if (!this.has(key)) return fallback;
    const raw = this.json[key];
    const v = typeof raw === "string" && raw.trim() !== "" ? Number(raw) : raw;
    if (typeof v !== "number" || !Number.isInteger(v)) {
      return this.fail(key, `expected an integer, got ${JSON.stringify(raw)}`);
    }
    if (v < min || v > max) {
      return this.fail(
        key,
        max === Number.MAX_SAFE_INTEGER ? `must be at least ${min}` : `must be from ${min} to ${max}`,
      );
    }
    return v;
  }

  /** A duration in milliseconds: a number (ms) or HOCON text such as "365 days". */
  duration(key: string, fallback: number): number {
    if (!this.has(key)) return fallback;
    const v = this.json[key];
    const ms = typeof v === "number" ? v : typeof v === "string" ? parseDuration(v) : undefined;
    if (ms === undefined || !Number.isFinite(ms) || ms < 0) {
      return this.fail(
        key,
        `expected a duration like "10 seconds" or a number of milliseconds, got ${JSON.stringify(v)}`,
      );
    }
    return ms;
  }

  strings(key: string, fallback: readonly string[]): readonly string[] {
    if (!this.has(key)) return fallback;
    const v = this.json[key];
    if (!Array.isArray(v) || !v.every((s) => typeof s === "string")) {
      return this.fail(key, "expected an array of strings");
    }
    return v;
  }

  stringMap(key: string): Record<string, string> {
    const section = this.section(key);
    if (section === undefined) return {};
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(section.json)) {
      out[k] = typeof v === "string" ? v : section.fail(k, `expected a string, got ${JSON.stringify(v)}`);
    }
    return out;
  }
}

/** HOCON duration units (Typesafe Config `getDuration`), in milliseconds. */
const UNITS: Record<string, number> = {
  ns: 1e-6,
  nano: 1e-6,
  nanos: 1e-6,
  nanosecond: 1e-6,
  nanoseconds: 1e-6,
  us: 1e-3,
  micro: 1e-3,
  micros: 1e-3,
  microsecond: 1e-3,
  microseconds: 1e-3,
  ms: 1,
  milli: 1,
  millis: 1,
  millisecond: 1,
  milliseconds: 1,
  s: 1000,
  second: 1000,
  seconds: 1000,
  m: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: DAY,
  day: DAY,
  days: DAY,
};

/** `"365 days"`, `"10s"`, `"500"` (ms) → milliseconds, or undefined. */
export function parseDuration(text: string): number | undefined {
  const t = text.trim();
  let i = 0;
  while (i < t.length && ((t[i]! >= "0" && t[i]! <= "9") || t[i] === ".")) i++;
  if (i === 0) return undefined;
  const n = Number(t.slice(0, i));
  const unit = t.slice(i).trim();
  if (!Number.isFinite(n)) return undefined;
  if (unit === "") return n;
  const factor = UNITS[unit];
  return factor === undefined ? undefined : Math.round(n * factor);
}

const SAME_SITE: Record<string, SameSite> = { none: "None", lax: "Lax", strict: "Strict" };

/** A `/vendor/version` path: exactly two non-empty segments. */
function isTwoSegmentPath(p: string): boolean {
  if (!p.startsWith("/")) return false;
  const parts = p.slice(1).split("/");
  return parts.length === 2 && parts[0] !== "" && parts[1] !== "";
}

function readCookie(root: Section): CookieSettings {
  const d = DEFAULT_COOKIE_SETTINGS;
  const s = root.section("cookie");
  if (s === undefined) return d;
  s.only([
    "enabled",
    "name",
    "expiration",
    "domains",
    "fallbackDomain",
    "secure",
    "httpOnly",
    "sameSite",
    "clientCookieName",
  ]);
  const name = s.string("name", d.name);
  if (!isCookieName(name)) s.fail("name", `'${name}' is not a valid cookie name`);
  const clientCookieName = s.string("clientCookieName", undefined);
  if (clientCookieName !== undefined && !isCookieName(clientCookieName)) {
    s.fail("clientCookieName", `'${clientCookieName}' is not a valid cookie name`);
  }
  let sameSite: SameSite | undefined = d.sameSite;
  if (s.has("sameSite")) {
    const raw = s.json.sameSite;
    if (raw === null) sameSite = undefined;
    else {
      const v = typeof raw === "string" ? SAME_SITE[raw.toLowerCase()] : undefined;
      if (v === undefined)
        s.fail("sameSite", `${JSON.stringify(raw)} is not supported; use None, Strict or Lax`);
      sameSite = v;
    }
  }
  return {
    enabled: s.bool("enabled", d.enabled),
    name,
    expiration: s.duration("expiration", d.expiration),
    domains: s.strings("domains", d.domains),
    fallbackDomain: s.string("fallbackDomain", undefined),
    secure: s.bool("secure", d.secure),
    httpOnly: s.bool("httpOnly", d.httpOnly),
    sameSite,
    clientCookieName,
  };
}

/** RFC 6265 §4.1.1 cookie-name: an RFC 7230 token. */
function isCookieName(name: string): boolean {
  if (name === "") return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f || '()<>@,;:\\"/[]?={}'.includes(name[i]!)) return false;
  }
  return true;
}

function readStream(
  streams: Section,
  role: "good" | "bad",
  sink: SinkKind,
  fallbackName: string,
): StreamSinkConfig {
  // Legacy style: `good = "name"` with shared `sink {…}` and `buffer {…}`; new style: `good { name, buffer, … }`.
  const shared = streams.section("sink");
  const sharedBuffer = streams.section("buffer");
  let own: Section | undefined;
  let name = fallbackName;
  if (streams.has(role)) {
    const v = streams.json[role];
    if (typeof v === "string") name = v;
    else if (isObject(v)) {
      own = new Section(streams.key(role), v, streams.where);
      name = own.string("name", fallbackName);
    } else streams.fail(role, "expected a stream name or an object with a name");
  }
  if (name === "" || name.length > 128) streams.fail(role, "the stream name must be 1 to 128 characters");
  const SINK_KEYS = ["enabled", "name", "maxBytes", "region", "customEndpoint", "backoffPolicy", "buffer"];
  const IGNORED = [
    "threadPoolSize",
    "aws",
    "sqsMaxBytes",
    "sqsGoodBuffer",
    "sqsBadBuffer",
    "startupCheckInterval",
    "maxRetries",
  ];
  shared?.only(SINK_KEYS, IGNORED);
  own?.only(SINK_KEYS, IGNORED);
  const pick = <T>(read: (s: Section) => T, fallback: T, key: string): T => {
    if (own?.has(key)) return read(own);
    if (shared?.has(key)) return read(shared);
    return fallback;
  };
  const maxBytes = pick((s) => s.int("maxBytes", 0, 1), DEFAULT_MAX_BYTES[sink], "maxBytes");
  const region = pick((s) => s.string("region", undefined), undefined, "region");
  const customEndpoint = pick((s) => s.string("customEndpoint", undefined), undefined, "customEndpoint");
  if (customEndpoint !== undefined && !/^https?:\/\//.test(customEndpoint)) {
    (own ?? shared)!.fail("customEndpoint", `'${customEndpoint}' must start with http:// or https://`);
  }
  const backoff = pick((s) => s.section("backoffPolicy"), undefined, "backoffPolicy");
  backoff?.only(["minBackoff", "maxBackoff", "maxRetries"]);
  const minBackoff =
    backoff?.duration("minBackoff", DEFAULT_BACKOFF.minBackoff) ?? DEFAULT_BACKOFF.minBackoff;
  const maxBackoff =
    backoff?.duration("maxBackoff", DEFAULT_BACKOFF.maxBackoff) ?? DEFAULT_BACKOFF.maxBackoff;
  if (maxBackoff < minBackoff) backoff!.fail("maxBackoff", "must be at least minBackoff");
  const maxRetries = backoff?.int("maxRetries", DEFAULT_BACKOFF.maxRetries, 1) ?? DEFAULT_BACKOFF.maxRetries;
  const buffer = own?.section("buffer") ?? shared?.section("buffer") ?? sharedBuffer;
  buffer?.only(["byteLimit", "recordLimit", "timeLimit"]);
  return {
    name,
    maxBytes,
    region,
    customEndpoint,
    backoffPolicy: { minBackoff, maxBackoff, maxRetries },
    buffer: {
      byteLimit: buffer?.int("byteLimit", DEFAULT_BUFFER.byteLimit, 1) ?? DEFAULT_BUFFER.byteLimit,
      recordLimit: buffer?.int("recordLimit", DEFAULT_BUFFER.recordLimit, 1) ?? DEFAULT_BUFFER.recordLimit,
      timeLimit: buffer?.duration("timeLimit", DEFAULT_BUFFER.timeLimit) ?? DEFAULT_BUFFER.timeLimit,
    },
  };
}

const TOP_LEVEL = [
  "interface",
  "port",
  "paths",
  "crossDomain",
  "cookie",
  "doNotTrackCookie",
  "cookieBounce",
  "rootResponse",
  "cors",
  "streams",
  "hsts",
  "networking",
  "enableDefaultRedirect",
  "redirectDomains",
  "preTerminationPeriod",
  "backPressure",
];
/** Snowplow settings with no effect here; accepted so a Snowplow config loads unchanged. */
const IGNORED_TOP_LEVEL = [
  "p3p",
  "redirectMacro",
  "telemetry",
  "monitoring",
  "license",
  "ssl",
  "experimental",
];

/** What `parseCollectorConfig` needs besides the JSON. */
export interface CollectorConfigContext {
  /** Names the source in error messages, e.g. `config file collector.json`. */
  readonly where: string;
  /** Stream names when the config has none (the stage's raw and bad-1 streams). */
  readonly defaultStreams: { readonly good: string; readonly bad: string };
  /** The sink chosen by a flag, which wins over `streams.sink.enabled`. */
  readonly sink?: SinkKind;
}

/**
 * Validates a parsed JSON config (Snowplow's settings, optionally under `collector`) and fills in
 * Snowplow's defaults. Throws `CollectorConfigError` with one line naming the setting at fault.
 */
export function parseCollectorConfig(json: unknown, context: CollectorConfigContext): CollectorConfig {
  const { where } = context;
  if (!isObject(json)) throw new CollectorConfigError(`${where}: expected a JSON object of settings`);
  const keys = Object.keys(json);
  const unwrapped = keys.length === 1 && keys[0] === "collector" ? json.collector : json;
  if (!isObject(unwrapped)) throw new CollectorConfigError(`${where}: collector: expected an object`);
  const root = new Section(keys.length === 1 && keys[0] === "collector" ? "collector" : "", unwrapped, where);
  root.only(TOP_LEVEL, IGNORED_TOP_LEVEL);

  const ssl = root.section("ssl");
  if (ssl?.bool("enable", false)) {
    ssl.fail("enable", "TLS is not supported; terminate it at the load balancer or a proxy");
  }

  // Streams first: the sink decides the default maxBytes.
  const streams = root.section("streams") ?? new Section(root.key("streams"), {}, where);
  streams.only(["good", "bad", "useIpAddressAsPartitionKey", "sink", "buffer"]);
  const enabled = streams.section("sink")?.string("enabled", undefined);
  if (enabled !== undefined && !(SINK_KINDS as readonly string[]).includes(enabled)) {
    streams
      .section("sink")!
      .fail("enabled", `'${enabled}' is not supported here; use ${SINK_KINDS.join(" or ")}`);
  }
  const sink: SinkKind = context.sink ?? (enabled as SinkKind | undefined) ?? "stdout";
  const defaults = defaultCollectorConfig({ ...context.defaultStreams, sink });

  const paths = root.stringMap("paths");
  for (const [from, to] of Object.entries(paths)) {
    if (!isTwoSegmentPath(from)) root.fail(`paths.${from}`, "custom paths must look like /vendor/version");
    if (!isTwoSegmentPath(to)) root.fail(`paths.${from}`, `'${to}' must look like /vendor/version`);
  }

  const crossDomainSection = root.section("crossDomain");
  crossDomainSection?.only(["enabled", "domains", "secure"]);
  const dntSection = root.section("doNotTrackCookie");
  dntSection?.only(["enabled", "name", "value"]);
  const doNotTrackCookie: DoNotTrackCookieSettings = {
    enabled: dntSection?.bool("enabled", false) ?? false,
    name: dntSection?.string("name", "") ?? "",
    value: dntSection?.string("value", "") ?? "",
  };
  if (doNotTrackCookie.enabled) {
    try {
      new RegExp(doNotTrackCookie.value);
    } catch (e) {
      dntSection!.fail("value", `not a valid regular expression (${(e as Error).message})`);
    }
  }
  const bounceSection = root.section("cookieBounce");
  bounceSection?.only(["enabled", "name", "fallbackNetworkUserId", "forwardedProtocolHeader"]);
  const b = DEFAULT_COOKIE_BOUNCE_SETTINGS;
  const cookieBounce: CookieBounceSettings = {
    enabled: bounceSection?.bool("enabled", b.enabled) ?? b.enabled,
    name: bounceSection?.string("name", b.name) ?? b.name,
    fallbackNetworkUserId:
      bounceSection?.string("fallbackNetworkUserId", b.fallbackNetworkUserId) ?? b.fallbackNetworkUserId,
    forwardedProtocolHeader: bounceSection?.string("forwardedProtocolHeader", undefined),
  };
  if (cookieBounce.name === "") bounceSection!.fail("name", "must not be empty");

  const rootSection = root.section("rootResponse");
  rootSection?.only(["enabled", "statusCode", "headers", "body"]);
  const rootResponse: RootResponseConfig = {
    enabled: rootSection?.bool("enabled", false) ?? false,
    statusCode: rootSection?.int("statusCode", 302, 200, 599) ?? 302,
    headers: rootSection?.stringMap("headers") ?? {},
    body: rootSection?.string("body", "") ?? "",
  };

  const cors = root.section("cors");
  cors?.only(["accessControlMaxAge"]);
  const hsts = root.section("hsts");
  hsts?.only(["enable", "maxAge"]);
  const net = root.section("networking");
  net?.only([
    "maxConnections",
    "idleTimeout",
    "responseHeaderTimeout",
    "maxRequestLineLength",
    "maxHeadersLength",
    "maxPayloadSize",
    "dropPayloadSize",
    "bodyReadTimeout",
  ]);
  const n = defaults.networking;
  const networking: NetworkingConfig = {
    maxConnections: net?.int("maxConnections", n.maxConnections, 1) ?? n.maxConnections,
    idleTimeout: net?.duration("idleTimeout", n.idleTimeout) ?? n.idleTimeout,
    responseHeaderTimeout:
      net?.duration("responseHeaderTimeout", n.responseHeaderTimeout) ?? n.responseHeaderTimeout,
    maxRequestLineLength:
      net?.int("maxRequestLineLength", n.maxRequestLineLength, 1) ?? n.maxRequestLineLength,
    maxHeadersLength: net?.int("maxHeadersLength", n.maxHeadersLength, 1) ?? n.maxHeadersLength,
    maxPayloadSize: net?.int("maxPayloadSize", n.maxPayloadSize, 1) ?? n.maxPayloadSize,
    dropPayloadSize: net?.int("dropPayloadSize", n.dropPayloadSize, 1) ?? n.dropPayloadSize,
  };

  const bp = root.section("backPressure");
  bp?.only([
    "enabled",
    "retryAfterSeconds",
    "maxBufferedBytes",
    "acknowledgeAfterWrite",
    "acknowledgeTimeout",
  ]);
  const dbp = defaults.backPressure;

  const port = root.int("port", defaults.port, 0, 65535);
  const iface = root.string("interface", defaults.interface);
  if (iface === "") root.fail("interface", "must not be empty");

  const config: CollectorConfig = {
    interface: iface,
    port,
    paths,
    crossDomain: {
      enabled: crossDomainSection?.bool("enabled", false) ?? false,
      domains: crossDomainSection?.strings("domains", ["*"]) ?? ["*"],
      secure: crossDomainSection?.bool("secure", true) ?? true,
    },
    cookie: readCookie(root),
    doNotTrackCookie,
    cookieBounce,
    rootResponse,
    cors: { accessControlMaxAge: cors?.duration("accessControlMaxAge", 3_600_000) ?? 3_600_000 },
    streams: {
      sink,
      good: readStream(streams, "good", sink, context.defaultStreams.good),
      bad: readStream(streams, "bad", sink, context.defaultStreams.bad),
      useIpAddressAsPartitionKey: streams.bool("useIpAddressAsPartitionKey", false),
    },
    hsts: {
      enable: hsts?.bool("enable", false) ?? false,
      maxAge: hsts?.duration("maxAge", defaults.hsts.maxAge) ?? defaults.hsts.maxAge,
    },
    networking,
    enableDefaultRedirect: root.bool("enableDefaultRedirect", false),
    redirectDomains: root.strings("redirectDomains", []),
    preTerminationPeriod: root.duration("preTerminationPeriod", defaults.preTerminationPeriod),
    backPressure: {
      enabled: bp?.bool("enabled", dbp.enabled) ?? dbp.enabled,
      retryAfterSeconds: bp?.int("retryAfterSeconds", dbp.retryAfterSeconds, 0) ?? dbp.retryAfterSeconds,
      maxBufferedBytes: bp?.int("maxBufferedBytes", dbp.maxBufferedBytes, 1) ?? dbp.maxBufferedBytes,
      acknowledgeAfterWrite:
        bp?.bool("acknowledgeAfterWrite", dbp.acknowledgeAfterWrite) ?? dbp.acknowledgeAfterWrite,
      acknowledgeTimeout:
        bp?.duration("acknowledgeTimeout", dbp.acknowledgeTimeout) ?? dbp.acknowledgeTimeout,
    },
  };
  if (config.backPressure.acknowledgeTimeout < 1) bp!.fail("acknowledgeTimeout", "must be at least 1 ms");
  if (config.cookieBounce.fallbackNetworkUserId.length > MAX_PARTITION_KEY_LENGTH) {
    bounceSection!.fail("fallbackNetworkUserId", "is implausibly long");
  }
  return config;
}

/** Flag values that override the file (`furrow collector --port …`). */
export interface CollectorOverrides {
  readonly interface?: string;
  readonly port?: number;
  readonly good?: string;
  readonly bad?: string;
  readonly region?: string;
  readonly kinesisEndpoint?: string;
  /** `--acknowledge-after-write`: turns `backPressure.acknowledgeAfterWrite` on. */
  readonly acknowledgeAfterWrite?: boolean;
}

/** `config` with flag values applied; flags win over the file. */
export function applyOverrides(config: CollectorConfig, o: CollectorOverrides): CollectorConfig {
  const stream = (s: StreamSinkConfig, name: string | undefined): StreamSinkConfig => ({
    ...s,
    name: name ?? s.name,
    region: o.region ?? s.region,
    customEndpoint: o.kinesisEndpoint ?? s.customEndpoint,
  });
  return {
    ...config,
    interface: o.interface ?? config.interface,
    port: o.port ?? config.port,
    streams: {
      ...config.streams,
      good: stream(config.streams.good, o.good),
      bad: stream(config.streams.bad, o.bad),
    },
    backPressure: o.acknowledgeAfterWrite
      ? { ...config.backPressure, acknowledgeAfterWrite: true }
      : config.backPressure,
  };
}
