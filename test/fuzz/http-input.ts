/**
 * @module
 * Arbitraries of hostile HTTP requests for the collector fuzzer: paths built from the collector's
 * own route words and junk, any method, headers (cookies, content types, X-Forwarded-For, huge
 * and empty values), bodies (random bytes, truncated JSON, Latin-1 and UTF-16 text, gzip and gzip
 * garbage, huge) and query strings. A request is plain data, so fast-check can shrink it and a
 * failure prints it.
 */
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import {
  encodeParams,
  eventParams,
  PAYLOAD_DATA,
  paramValue,
  tp2Body,
  wellFormedEvent,
} from "./tracker-input.ts";

/** One request, before it becomes a `Request`. */
export interface FuzzRequest {
  readonly method: string;
  /** Path and query, starting with `/`. */
  readonly target: string;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: Uint8Array | undefined;
}

const SEGMENTS = [
  "i",
  "ice.png",
  "r",
  "tp2",
  "tp1",
  "com.snowplowanalytics.snowplow",
  "com.snowplowanalytics.iglu",
  "com.mailgun",
  "com.sendgrid",
  "com.pagerduty",
  "v1",
  "v3",
  "health",
  "sink-health",
  "robots.txt",
  "crossdomain.xml",
  "metrics",
  "acme",
  "t",
  "",
  ".",
  "..",
  "%",
  "%zz",
  "%00",
  "%2F",
  "%2e%2e",
  "a;b=c",
  "😀",
  "x".repeat(300),
];

const segment = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...SEGMENTS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }).map((s) => encodeURIComponent(s.toWellFormed())) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(..."-._~!$&'()*+,;=:@%"), maxLength: 6 }) },
);

/** Paths the collector serves, mostly, and a few it does not. */
const path: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      "/i",
      "/ice.png",
      "/com.snowplowanalytics.snowplow/tp2",
      "/com.snowplowanalytics.snowplow/tp1",
      "/r/tp2",
      "/acme/t",
      "/acme/r",
      "/com.mailgun/v1",
      "/com.snowplowanalytics.iglu/v1",
    ),
  },
  { weight: 2, arbitrary: fc.array(segment, { minLength: 0, maxLength: 4 }).map((s) => `/${s.join("/")}`) },
);

const redirectTarget = fc.constantFrom(
  "https://shop.example/landing",
  "https://evil.example/",
  "javascript:alert(1)",
  "//evil.example",
  "/relative",
  "",
  "https://[::1",
  "http://x.example/\r\nSet-Cookie: a=b",
);

/** A query string: none, a tracker's event, redirect targets, or junk. */
const query: fc.Arbitrary<string> = fc.oneof(
  { weight: 2, arbitrary: fc.constant("") },
  { weight: 3, arbitrary: wellFormedEvent.map((e) => `?${encodeParams(e)}`) },
  { weight: 2, arbitrary: eventParams.map((e) => `?${encodeParams(e)}`) },
  {
    weight: 1,
    arbitrary: fc.tuple(redirectTarget, wellFormedEvent).map(([u, e]) => `?${encodeParams({ ...e, u })}`),
  },
  {
    weight: 1,
    arbitrary: fc
      .string({ unit: fc.constantFrom(...'ab=&%+|;#?[]{}\\^`"<> \t'), maxLength: 30 })
      .map((q) => `?${q}`),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "?",
      "?&",
      "?=",
      "?e=pv&e=pp",
      "?n3pc=true",
      "?%E2%82",
      `?e=pv&aid=${"a".repeat(30_000)}`,
    ),
  },
);

const latin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);
const utf8 = (s: string) => new TextEncoder().encode(s);
const utf16 = (s: string) => new Uint8Array(Buffer.from(s, "utf16le"));

/** A header value without CR, LF or NUL (which `Headers` refuses), Latin-1 only (as on the wire). */
const headerValue: fc.Arbitrary<string> = fc
  .oneof(
    { weight: 3, arbitrary: paramValue },
    { weight: 2, arbitrary: fc.string({ unit: "binary-ascii", maxLength: 40 }) },
    { weight: 1, arbitrary: fc.constantFrom("", " ", "\t", ",", ";", "=", "\u00ff\u00fe") },
    { weight: 1, arbitrary: fc.integer({ min: 1000, max: 12_000 }).map((n) => "v".repeat(n)) },
  )
  .map((v) =>
    Array.from(v.toWellFormed(), (c) => (c.charCodeAt(0) > 0xff ? "?" : c))
      .join("")
      .replace(/[\r\n\0]/g, " ")
      .trim(),
  );

const uuid = fc.uuid();
const cookie: fc.Arbitrary<string> = fc.oneof(
  uuid.map((u) => `sp=${u}`),
  fc.constantFrom("sp=", "sp", "sp=not-a-uuid", "sp=%00", "=; ;;=", "sp=a; sp=b", "n3pc=true", "dnt=1"),
  fc
    .array(fc.tuple(fc.constantFrom("sp", "x", "_ga", ""), headerValue), { maxLength: 5 })
    .map((c) => c.map(([k, v]) => `${k}=${v.replace(/;/g, "")}`).join("; ")),
  headerValue,
);

const ip: fc.Arbitrary<string> = fc.oneof(
  fc.ipV4(),
  fc.ipV6(),
  fc.ipV4Extended(),
  fc.constantFrom("unknown", "999.1.1.1", "1.2.3.4:80", "[::1]:80", "::ffff:1.2.3.4", "", " , ", "_hidden"),
);
const forwardedFor: fc.Arbitrary<string> = fc.oneof(
  fc.array(ip, { minLength: 1, maxLength: 4 }).map((ips) => ips.join(", ")),
  headerValue,
);

const contentType = fc.constantFrom(
  "application/json",
  "application/json; charset=utf-8",
  "application/json; charset=ISO-8859-1",
  "application/json; charset=utf-16",
  "application/x-www-form-urlencoded",
  "text/plain",
  "text/plain;charset=UTF-8",
  "multipart/form-data; boundary=----x",
  "application/octet-stream",
  "",
  "*/*",
  "application/json; charset=\u00e9",
);

const header: fc.Arbitrary<readonly [string, string]> = fc.oneof(
  { weight: 3, arbitrary: cookie.map((v) => ["cookie", v] as const) },
  { weight: 3, arbitrary: contentType.map((v) => ["content-type", v] as const) },
  { weight: 2, arbitrary: forwardedFor.map((v) => ["x-forwarded-for", v] as const) },
  {
    weight: 2,
    arbitrary: fc.tuple(
      fc.constantFrom(
        "user-agent",
        "referer",
        "origin",
        "forwarded",
        "x-real-ip",
        "sp-anonymous",
        "content-encoding",
        "accept-encoding",
        "x-forwarded-proto",
        "x-forwarded-host",
        "access-control-request-headers",
        "dnt",
        "accept-language",
      ),
      headerValue,
    ),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(
      fc.string({
        unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz-_0123456789!#$%&'*+.^`|~"),
        minLength: 1,
        maxLength: 20,
      }),
      headerValue,
    ),
  },
);

const validJson = tp2Body.map(utf8);
let hugeBodies: Uint8Array[] | undefined;
/** Bodies just over the collector's two limits: maxPayloadSize (1 MiB) and dropPayloadSize (2 MiB). */
function huge(): Uint8Array[] {
  hugeBodies ??= [1_100_000, 2_200_000].map((n) =>
    utf8(
      JSON.stringify({
        schema: PAYLOAD_DATA,
        data: Array.from({ length: Math.ceil(n / 10_000) }, (_, i) => ({
          e: "pv",
          p: "web",
          tv: "js-3.0.0",
          page: `${i}`.padEnd(10_000, "p"),
        })),
      }),
    ),
  );
  return hugeBodies;
}

/** A body: none, random bytes, tracker JSON whole, cut, re-encoded or gzipped, or huge. */
const body: fc.Arbitrary<Uint8Array | undefined> = fc.oneof(
  { weight: 2, arbitrary: fc.constant(undefined) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 600 }) },
  { weight: 5, arbitrary: validJson },
  { weight: 2, arbitrary: fc.tuple(validJson, fc.nat()).map(([b, n]) => b.slice(0, n % (b.length + 1))) },
  { weight: 1, arbitrary: tp2Body.map(latin1) },
  { weight: 1, arbitrary: tp2Body.map(utf16) },
  { weight: 1, arbitrary: tp2Body.map((t) => new Uint8Array(gzipSync(t))) },
  {
    weight: 1,
    arbitrary: fc.tuple(tp2Body, fc.nat()).map(([t, n]) => {
      const z = new Uint8Array(gzipSync(t));
      return z.slice(0, 10 + (n % Math.max(1, z.length - 10)));
    }),
  },
  {
    weight: 1,
    arbitrary: fc.uint8Array({ maxLength: 200 }).map((b) => Uint8Array.from([0x1f, 0x8b, 8, 0, ...b])),
  },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 200 }).map(utf8) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 1 }).map((i) => huge()[i]!) },
);

/** Methods: mostly the collector's own. */
const method = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom("GET", "POST") },
  { weight: 2, arbitrary: fc.constantFrom("HEAD", "OPTIONS") },
  { weight: 1, arbitrary: fc.constantFrom("PUT", "DELETE", "PATCH", "PROPFIND", "MKCOL", "FOO") },
);

/** Methods sent with a body: Bun's fetch refuses one on GET and HEAD, and on methods it does not know. */
const WITH_BODY = new Set(["POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/** One hostile request. */
export const fuzzRequest: fc.Arbitrary<FuzzRequest> = fc
  .record({
    method,
    path,
    query,
    headers: fc.array(header, { maxLength: 6 }),
    body,
  })
  .map(({ method, path, query, headers, body }) => ({
    method,
    target: `${path}${query}`,
    headers,
    body: WITH_BODY.has(method) ? body : undefined,
  }));

/** The request as a `Request` for `origin` (e.g. `http://collector.test`). */
export function toRequest(r: FuzzRequest, origin: string): Request {
  const headers = new Headers();
  for (const [k, v] of r.headers) headers.append(k, v);
  return new Request(`${origin}${r.target}`, {
    method: r.method,
    headers,
    body: r.body as BodyInit | undefined,
  });
}

/** A short description for failure messages. */
export function describeRequest(r: FuzzRequest): string {
  const hs = r.headers.map(([k, v]) => `${k}: ${v.slice(0, 80)}`).join(" | ");
  return `${r.method} ${r.target.slice(0, 200)} [${hs}] body ${r.body?.length ?? "none"} bytes`;
}
