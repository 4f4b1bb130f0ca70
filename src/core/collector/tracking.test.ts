/** @module Tests of the per-request rules (core/Service.scala `cookie`): payload fields, cookies, anonymity, bounce, redirects. */
import { describe, expect, test } from "bun:test";
import { processor } from "../badrows/processor.ts";
import {
  COLLECTOR_PAYLOAD_SCHEMA,
  type CollectorPayload,
  decodeCollectorPayload,
} from "../thrift/collector-payload.ts";
import { DEFAULT_COOKIE_BOUNCE_SETTINGS } from "./cookie-bounce.ts";
import { DEFAULT_DO_NOT_TRACK_COOKIE_SETTINGS } from "./do-not-track.ts";
import { ANONYMOUS_NETWORK_USER_ID } from "./network-user-id.ts";
import { DEFAULT_COOKIE_SETTINGS } from "./set-cookie.ts";
import {
  type TrackedRequest,
  Tracking,
  type TrackingOutcome,
  type TrackingSettings,
  trackingResponseHeaders,
} from "./tracking.ts";

const NOW = Date.UTC(2024, 0, 2, 3, 4, 5, 678);
const NUID = "dfdb716e-ecf9-4d00-8b10-44edfbc8a108";
const EXPIRES = "Expires=Wed, 01 Jan 2025 03:04:05 GMT";

const SETTINGS: TrackingSettings = {
  collector: "furrow-0.1.0-memory",
  processor: processor("furrow-collector", "0.1.0"),
  cookie: DEFAULT_COOKIE_SETTINGS,
  doNotTrackCookie: DEFAULT_DO_NOT_TRACK_COOKIE_SETTINGS,
  cookieBounce: DEFAULT_COOKIE_BOUNCE_SETTINGS,
  redirectDomains: [],
  useIpAddressAsPartitionKey: false,
  maxBytes: 1_000_000,
  maxPayloadSize: 1_048_576,
};

/** A tracking instance whose "random" ids are id-1, id-2, …, so outcomes are exact. */
function tracking(overrides: Partial<TrackingSettings> = {}): Tracking {
  let n = 0;
  return new Tracking({ ...SETTINGS, ...overrides }, () => `id-${++n}`);
}

function get(target: string, headers: Record<string, string> = {}, remote = "192.0.2.2"): TrackedRequest {
  const q = target.indexOf("?");
  const path = q < 0 ? target : target.slice(0, q);
  return {
    method: "GET",
    path,
    recordedPath: path,
    query: q < 0 ? "" : target.slice(q + 1),
    headers: new Headers(headers),
    body: undefined,
    remoteAddress: () => remote,
    pixelExpected: true,
  };
}

function post(path: string, body: string, headers: Record<string, string> = {}): TrackedRequest {
  return { ...get(path, headers), method: "POST", body, pixelExpected: false };
}

/** The one good record of an outcome, decoded. */
function payloadOf(outcome: TrackingOutcome): CollectorPayload {
  expect(outcome.records?.bad).toEqual([]);
  expect(outcome.records?.good.length).toBe(1);
  const decoded = decodeCollectorPayload(outcome.records!.good[0]!);
  if (!decoded.ok) throw new Error(decoded.error.message);
  return decoded.value;
}

describe("the recorded payload", () => {
  test("a pixel GET fills the fields as Snowplow 3.x does", () => {
    const outcome = tracking().track(
      get("/i?e=pv&tv=js", {
        "User-Agent": "testUserAgent",
        Referer: "http://example.com/page",
        "X-Forwarded-For": "192.0.2.3",
        Host: "collector.acme.com:8080",
        Cookie: `cookie=value; sp=${NUID}`,
      }),
      NOW,
    );
    expect(payloadOf(outcome)).toEqual({
      schema: COLLECTOR_PAYLOAD_SCHEMA,
      ipAddress: "192.0.2.3",
      timestamp: NOW,
      encoding: "UTF-8",
      collector: "furrow-0.1.0-memory",
      userAgent: "testUserAgent",
      refererUri: "http://example.com/page",
      path: "/i",
      querystring: "e=pv&tv=js",
      headers: [
        `Cookie: cookie=value;sp=${NUID}`,
        "Host: collector.acme.com:8080",
        "Referer: http://example.com/page",
        "User-Agent: testUserAgent",
        "X-Forwarded-For: 192.0.2.3",
      ],
      hostname: "collector.acme.com",
      networkUserId: NUID,
    });
  });

  test("a POST records its body and content type, appended to the headers", () => {
    const body =
      '{"schema":"iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4","data":[{"e":"pv"}]}';
    const outcome = tracking().track(
      post("/com.snowplowanalytics.snowplow/tp2", body, {
        "Content-Type": "application/json; charset=UTF-8",
      }),
      NOW,
    );
    const p = payloadOf(outcome);
    expect(p.body).toBe(body);
    expect(p.contentType).toBe("application/json; charset=utf-8");
    expect(p.headers).toEqual([
      "Content-Type: application/json; charset=UTF-8",
      "application/json; charset=utf-8",
    ]);
    expect(p.querystring).toBe("");
    expect(p.path).toBe("/com.snowplowanalytics.snowplow/tp2");
    expect(p.ipAddress).toBe("192.0.2.2");
  });

  test("absent headers leave their fields unset; the query string is always set", () => {
    const p = payloadOf(tracking().track(get("/i"), NOW));
    expect(p.userAgent).toBeUndefined();
    expect(p.refererUri).toBeUndefined();
    expect(p.hostname).toBeUndefined();
    expect(p.contentType).toBeUndefined();
    expect(p.body).toBeUndefined();
    expect(p.querystring).toBe("");
    expect(p.headers).toEqual([]);
  });

  test("a mapped path is recorded instead of the requested one", () => {
    const req = { ...get("/com.acme/track?e=pv"), recordedPath: "/com.snowplowanalytics.snowplow/tp2" };
    expect(payloadOf(tracking().track(req, NOW)).path).toBe("/com.snowplowanalytics.snowplow/tp2");
  });

  test("the remote address is used without a usable X-Forwarded-For, and IPv6 is bracketed", () => {
    expect(payloadOf(tracking().track(get("/i", {}, "::1"), NOW)).ipAddress).toBe("[::1]");
    expect(payloadOf(tracking().track(get("/i", { "X-Forwarded-For": "junk" }), NOW)).ipAddress).toBe(
      "192.0.2.2",
    );
  });
});

describe("network user id and Set-Cookie", () => {
  test("a new visitor gets a new id and a cookie holding it", () => {
    const outcome = tracking().track(get("/i"), NOW);
    expect(outcome.networkUserId).toBe("id-1");
    expect(payloadOf(outcome).networkUserId).toBe("id-1");
    expect(outcome.setCookie).toBe(`sp=id-1; ${EXPIRES}; Path=/; SameSite=None; Secure; HttpOnly`);
    expect(outcome.partitionKey).toBe("id-2");
  });

  test("the cookie's id is kept and its expiry renewed", () => {
    const outcome = tracking().track(get("/i", { Cookie: `sp=${NUID}` }), NOW);
    expect(outcome.networkUserId).toBe(NUID);
    expect(outcome.setCookie).toBe(`sp=${NUID}; ${EXPIRES}; Path=/; SameSite=None; Secure; HttpOnly`);
  });

  test("a nuid parameter beats the cookie", () => {
    const outcome = tracking().track(get("/i?nuid=from-query", { Cookie: `sp=${NUID}` }), NOW);
    expect(outcome.networkUserId).toBe("from-query");
    expect(outcome.setCookie).toMatch(/^sp=from-query; /);
  });

  test("a nuid that is no cookie value is recorded but not set as a cookie (found by fuzzing)", () => {
    for (const nuid of ["%00", "%E2%82%AC", "a%3B%20Domain%3Devil.example"]) {
      const outcome = tracking().track(get(`/i?nuid=${nuid}`), NOW);
      expect(outcome.networkUserId).toBe(decodeURIComponent(nuid));
      expect(outcome.setCookie).toBeUndefined();
      expect(outcome.records?.good).toHaveLength(1);
    }
  });

  test("a custom cookie name, domain from the Origin, and the client cookie", () => {
    const t = tracking({
      cookie: {
        ...DEFAULT_COOKIE_SETTINGS,
        name: "_sp",
        domains: ["acme.com"],
        fallbackDomain: "fallback.com",
        clientCookieName: "_sp_client",
      },
    });
    const matched = t.track(get("/i", { Cookie: "_sp=abc", Origin: "https://www.acme.com" }), NOW);
    expect(matched.networkUserId).toBe("abc");
    expect(matched.setCookie).toBe(
      `_sp=abc; ${EXPIRES}; Domain=acme.com; Path=/; SameSite=None; Secure; HttpOnly`,
    );
    expect(matched.clientSetCookie).toBe(
      `_sp_client=abc; ${EXPIRES}; Domain=acme.com; Path=/; SameSite=None; Secure`,
    );
    const fallback = t.track(get("/i", { Cookie: "_sp=abc", Origin: "https://other.org" }), NOW);
    expect(fallback.setCookie).toContain("; Domain=fallback.com; ");
  });

  test("no cookie when cookies are disabled, but the event is recorded", () => {
    const outcome = tracking({ cookie: { ...DEFAULT_COOKIE_SETTINGS, enabled: false } }).track(
      get("/i"),
      NOW,
    );
    expect(outcome.setCookie).toBeUndefined();
    expect(payloadOf(outcome).networkUserId).toBe("id-1");
  });
});

describe("SP-Anonymous", () => {
  const anonymous = { "SP-Anonymous": "*", "X-Forwarded-For": "192.0.2.3", "X-Real-Ip": "192.0.2.3" };

  test("strips IP, cookie and forwarding headers and zeroes the network user id", () => {
    const outcome = tracking().track(
      get("/i", { ...anonymous, Cookie: `sp=${NUID}`, "User-Agent": "ua" }),
      NOW,
    );
    const p = payloadOf(outcome);
    expect(p.ipAddress).toBe("unknown");
    expect(p.networkUserId).toBe(ANONYMOUS_NETWORK_USER_ID);
    expect(p.headers).toEqual(["SP-Anonymous: *", "User-Agent: ua"]);
    expect(outcome.networkUserId).toBe(ANONYMOUS_NETWORK_USER_ID);
  });

  test("sets no cookie, and clears one the request carried", () => {
    expect(tracking().track(get("/i", anonymous), NOW).setCookie).toBeUndefined();
    const cleared = tracking().track(get("/i", { ...anonymous, Cookie: `sp=${NUID}` }), NOW);
    expect(cleared.setCookie).toBe(
      "sp=; Expires=Mon, 02 Jan 2023 03:04:05 GMT; Path=/; SameSite=None; Secure; HttpOnly",
    );
  });

  test("never partitions by IP", () => {
    const outcome = tracking({ useIpAddressAsPartitionKey: true }).track(get("/i", anonymous), NOW);
    expect(outcome.partitionKey).toBe("id-1");
  });
});

describe("do-not-track cookie", () => {
  const dnt = { enabled: true, name: "dnt", value: "1" };

  test("records nothing and sets no cookie, but answers as usual", () => {
    const outcome = tracking({ doNotTrackCookie: dnt }).track(
      get("/i", { Cookie: `dnt=1; sp=${NUID}` }),
      NOW,
    );
    expect(outcome.records).toBeUndefined();
    expect(outcome.setCookie).toBeUndefined();
    expect(outcome.status).toBe(200);
    expect(outcome.body).toBe("pixel");
  });

  test("another value is tracked", () => {
    const outcome = tracking({ doNotTrackCookie: dnt }).track(get("/i", { Cookie: "dnt=0" }), NOW);
    expect(outcome.records?.good.length).toBe(1);
    expect(outcome.setCookie).toBeDefined();
  });
});

describe("cookie bounce", () => {
  const bounce = { ...DEFAULT_COOKIE_BOUNCE_SETTINGS, enabled: true };

  test("a pixel request without an id bounces: 302 to itself, cookie set, nothing recorded", () => {
    const outcome = tracking({ cookieBounce: bounce }).track(get("/i?e=pv"), NOW);
    expect(outcome.status).toBe(302);
    expect(outcome.body).toBe("empty");
    expect(outcome.location).toBe("/i?e=pv&n3pc=true");
    expect(outcome.records).toBeUndefined();
    expect(outcome.setCookie).toMatch(/^sp=id-1; /);
  });

  test("the bounced request without a cookie gets the fallback id and is recorded", () => {
    const outcome = tracking({ cookieBounce: bounce }).track(get("/i?e=pv&n3pc=true"), NOW);
    expect(outcome.status).toBe(200);
    expect(payloadOf(outcome).networkUserId).toBe("00000000-0000-4000-A000-000000000000");
  });

  test("requests with an id, POSTs and redirects never bounce", () => {
    const t = tracking({ cookieBounce: bounce, redirectDomains: [] });
    expect(t.track(get("/i", { Cookie: `sp=${NUID}` }), NOW).status).toBe(200);
    expect(t.track(post("/com.snowplowanalytics.snowplow/tp2", "{}"), NOW).status).toBe(200);
    expect(t.track(get("/r/tp2?u=https://acme.com/"), NOW).status).toBe(302);
    expect(t.track(get("/r/tp2?u=https://acme.com/"), NOW).location).toBe("https://acme.com/");
  });

  test("the forwarded scheme makes the Location absolute", () => {
    const t = tracking({ cookieBounce: { ...bounce, forwardedProtocolHeader: "X-Forwarded-Proto" } });
    const outcome = t.track(get("/i?e=pv", { "X-Forwarded-Proto": "https", Host: "c.acme.com" }), NOW);
    expect(outcome.location).toBe("https://c.acme.com/i?e=pv&n3pc=true");
  });
});

describe("redirects", () => {
  test("record the event and answer 302 to u", () => {
    const outcome = tracking().track(get("/r/tp2?e=pp&u=https%3A%2F%2Fsnowplow.acme.com%2F12"), NOW);
    expect(outcome.status).toBe(302);
    expect(outcome.location).toBe("https://snowplow.acme.com/12");
    expect(payloadOf(outcome).path).toBe("/r/tp2");
  });

  test("outside the allow-list, or without u: 400, but the event is still recorded", () => {
    const t = tracking({ redirectDomains: ["snowplow.acme.com"] });
    const refused = t.track(get("/r/tp2?u=https://evil.example/"), NOW);
    expect(refused.status).toBe(400);
    expect(refused.location).toBeUndefined();
    expect(refused.records?.good.length).toBe(1);
    expect(t.track(get("/r/tp2?e=pv"), NOW).status).toBe(400);
    expect(t.track(get("/r/tp2?u=https://snowplow.acme.com/x"), NOW).status).toBe(302);
  });
});

describe("partition key", () => {
  test("a new random key per request, or the IP when configured and known", () => {
    const t = tracking({ useIpAddressAsPartitionKey: true });
    expect(t.track(get("/i", { "X-Forwarded-For": "203.0.113.9" }), NOW).partitionKey).toBe("203.0.113.9");
    expect(t.track(get("/i", {}, ""), NOW).partitionKey).toMatch(/^id-/);
  });
});

describe("response headers", () => {
  test("come in Snowplow's order, with the pixel's no-cache", () => {
    const outcome = tracking({ cookie: { ...DEFAULT_COOKIE_SETTINGS, clientCookieName: "c" } }).track(
      get("/i", { Origin: "http://origin.com http://other.com:8080" }),
      NOW,
    );
    expect(trackingResponseHeaders(outcome).map(([name]) => name)).toEqual([
      "Set-Cookie",
      "Set-Cookie",
      "Cache-Control",
      "Access-Control-Allow-Origin",
      "Access-Control-Allow-Credentials",
      "Content-Type",
    ]);
    expect(outcome.allowOrigin).toBe("http://origin.com");
    expect(outcome.noCache).toBe(true);
  });

  test("a POST answers ok without Cache-Control, and allows any origin without one", () => {
    const outcome = tracking().track(post("/com.snowplowanalytics.snowplow/tp2", "{}"), NOW);
    expect(outcome.body).toBe("ok");
    expect(outcome.noCache).toBe(false);
    expect(outcome.allowOrigin).toBe("*");
    expect(trackingResponseHeaders(outcome)).toContainEqual(["Content-Type", "text/plain"]);
  });

  test("the preflight allows the trackers' headers", () => {
    expect(tracking().preflight("https://acme.com", 3600)).toEqual({
      "Access-Control-Allow-Origin": "https://acme.com",
      "Access-Control-Allow-Credentials": "true",
      "Access-Control-Allow-Headers": "Content-Type, SP-Anonymous",
      "Access-Control-Max-Age": "3600",
    });
  });
});
