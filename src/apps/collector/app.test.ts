/** @module Every collector route and cookie rule, in process through the Hono app (core/Routes.scala, core/Service.scala). */
import { describe, expect, test } from "bun:test";
import { MemorySink } from "../../adapters/memory/memory-sink.ts";
import { PIXEL } from "../../core/collector/pixel.ts";
import { createLogger } from "../../core/ops/log.ts";
import { type CollectorPayload, decodeCollectorPayload } from "../../core/thrift/collector-payload.ts";
import { referenceEncode } from "../../core/thrift/reference-codec.test-support.ts";
import { type OutboundRecord, type RecordSink, RecordSinkError } from "../../ports/record-sink.ts";
import { type CollectorAppDeps, createCollectorApp } from "./app.ts";
import { type CollectorConfig, defaultCollectorConfig } from "./config.ts";

const NOW = Date.UTC(2024, 0, 2, 3, 4, 5);
const NUID = "dfdb716e-ecf9-4d00-8b10-44edfbc8a108";
const TP2 = "/com.snowplowanalytics.snowplow/tp2";
const PAYLOAD_DATA = "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4";
/** What Bun passes as `env`: the server, asked for the socket's address. */
const SERVER = { requestIP: () => ({ address: "::ffff:192.0.2.2" }) };

type ConfigPatch = { [K in keyof CollectorConfig]?: Partial<CollectorConfig[K]> };

/** A collector on memory sinks with Snowplow's defaults plus `patch`, and ids id-1, id-2, …. */
function setup(patch: ConfigPatch = {}, deps: Partial<CollectorAppDeps> = {}) {
  const base = defaultCollectorConfig({ good: "raw", bad: "bad-1" });
  const config = { ...base } as Record<string, unknown>;
  for (const [key, value] of Object.entries(patch) as [string, unknown][]) {
    const current = (base as unknown as Record<string, unknown>)[key];
    const merge =
      typeof current === "object" && current !== null && !Array.isArray(current) && !Array.isArray(value);
    config[key] = merge ? { ...(current as object), ...(value as object) } : value;
  }
  const good = new MemorySink();
  const bad = new MemorySink();
  let n = 0;
  const collector = createCollectorApp({
    config: config as unknown as CollectorConfig,
    goodSink: good,
    badSink: bad,
    clock: { now: () => NOW },
    version: "0.1.0",
    sinkName: "memory",
    randomId: () => `id-${++n}`,
    ...deps,
  });
  const request = (path: string, init?: RequestInit) => collector.hono.request(path, init, SERVER);
  return { collector, good, bad, request };
}

function decoded(record: OutboundRecord): CollectorPayload {
  const r = decodeCollectorPayload(record.data);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

const tp2Body = (events: Record<string, string>[]) => JSON.stringify({ schema: PAYLOAD_DATA, data: events });
/** A JSON logger into `records`, as `--log-format json` writes them. */
function jsonLog() {
  const records: Record<string, unknown>[] = [];
  const logger = createLogger({
    app: "collector",
    format: "json",
    write: (line) => records.push(JSON.parse(line)),
  });
  return { logger, records };
}

const postJson = (body: string, headers: Record<string, string> = {}): RequestInit => ({
  method: "POST",
  headers: { "Content-Type": "application/json; charset=UTF-8", ...headers },
  body,
});

describe("pixel routes", () => {
  for (const path of ["/i", "/ice.png", TP2, "/com.acme/v1"]) {
    test(`GET ${path} records the event and answers the 43-byte pixel, uncached`, async () => {
      const { request, good } = setup();
      const res = await request(`${path}?e=pv&tv=js-3.0.0`, { headers: { Cookie: `sp=${NUID}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("image/gif");
      expect(res.headers.get("cache-control")).toBe("no-cache, no-store, must-revalidate");
      expect(res.headers.get("access-control-allow-origin")).toBe("*");
      expect(res.headers.get("access-control-allow-credentials")).toBe("true");
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(PIXEL);
      expect(good.records.length).toBe(1);
      const p = decoded(good.records[0]!);
      expect(p.path).toBe(path);
      expect(p.querystring).toBe("e=pv&tv=js-3.0.0");
      expect(p.networkUserId).toBe(NUID);
      expect(p.ipAddress).toBe("192.0.2.2");
      expect(p.collector).toBe("furrow-0.1.0-memory");
      expect(p.timestamp).toBe(NOW);
    });
  }

  test("HEAD records the event and answers without a body", async () => {
    const { request, good } = setup();
    const res = await request("/i?e=pv", { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
    expect(good.records.length).toBe(1);
    const vendor = await request(`${TP2}?e=pv`, { method: "HEAD" });
    expect(vendor.status).toBe(200);
    expect(good.records.length).toBe(2);
  });

  test("each request gets its own partition key, shared by all its records", async () => {
    const { request, good } = setup();
    await request("/i");
    await request("/i");
    // id-1 is the first visitor's network user id, id-2 its partition key, and so on.
    expect(good.records.map((r) => r.partitionKey)).toEqual(["id-2", "id-4"]);
  });

  test("the IP is the partition key when configured", async () => {
    const { request, good } = setup({ streams: { useIpAddressAsPartitionKey: true } });
    await request("/i", { headers: { "X-Forwarded-For": "203.0.113.9, 10.0.0.1" } });
    expect(good.records[0]!.partitionKey).toBe("203.0.113.9");
    expect(decoded(good.records[0]!).ipAddress).toBe("203.0.113.9");
  });
});

describe("record bytes", () => {
  test("are exactly what libthrift's TBinaryProtocol writes for the same payload", async () => {
    const { request, good } = setup();
    await request("/i?e=pv&tv=js", {
      headers: { Cookie: `sp=${NUID}`, "User-Agent": "ua", Referer: "http://r/" },
    });
    await request(
      TP2,
      postJson(tp2Body([{ e: "pv", url: "http://example.com/é" }]), { Origin: "https://acme.com" }),
    );
    expect(good.records.length).toBe(2);
    for (const record of good.records) expect(record.data).toEqual(referenceEncode(decoded(record)));
  });
});

describe("POST /{vendor}/{version}", () => {
  test("records the tp2 body and content type and answers ok", async () => {
    const { request, good } = setup();
    const body = tp2Body([{ e: "pv", tv: "node-4.8.0", p: "srv" }]);
    const res = await request(`${TP2}?aid=web`, postJson(body));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain");
    expect(res.headers.get("cache-control")).toBeNull();
    expect(await res.text()).toBe("ok");
    const p = decoded(good.records[0]!);
    expect(p.body).toBe(body);
    expect(p.contentType).toBe("application/json; charset=utf-8");
    expect(p.headers?.at(-1)).toBe("application/json; charset=utf-8");
    expect(p.querystring).toBe("aid=web");
  });

  test("webhooks post to any two-segment path", async () => {
    const { request, good } = setup();
    const res = await request("/com.mailchimp/v1", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "type=subscribe&data%5Bemail%5D=a%40b.com",
    });
    expect(await res.text()).toBe("ok");
    const p = decoded(good.records[0]!);
    expect(p.path).toBe("/com.mailchimp/v1");
    expect(p.contentType).toBe("application/x-www-form-urlencoded");
  });

  test("an empty body is recorded as empty", async () => {
    const { request, good } = setup();
    await request(TP2, { method: "POST" });
    expect(decoded(good.records[0]!).body).toBe("");
  });

  test("bodies over dropPayloadSize get 413 and are not recorded", async () => {
    const { request, good, bad, collector } = setup({ networking: { dropPayloadSize: 1000 } });
    const declared = await request(TP2, postJson("x".repeat(1001)));
    expect(declared.status).toBe(413);
    // A streamed body has no Content-Length: it is measured once read.
    const chunks = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 3; i++) c.enqueue(new TextEncoder().encode("y".repeat(400)));
        c.close();
      },
    });
    const streamed = await request(TP2, { method: "POST", body: chunks, duplex: "half" } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(good.records.length + bad.records.length).toBe(0);
    expect((await request(TP2, postJson("x".repeat(1000)))).status).toBe(200);
    expect(collector.metrics.oversizedBodies).toBe(2);
  });
});

describe("payloads over the sink's record limit", () => {
  test("an oversized GET becomes a size_violation on the bad stream, with the same partition key", async () => {
    const { request, good, bad } = setup({
      streams: {
        good: { ...defaultCollectorConfig({ good: "raw", bad: "b" }).streams.good, maxBytes: 2000 },
      },
    });
    const res = await request(`/i?e=pv&big=${"x".repeat(3000)}`);
    expect(res.status).toBe(200);
    expect(good.records.length).toBe(0);
    expect(bad.records.length).toBe(1);
    const row = JSON.parse(new TextDecoder().decode(bad.records[0]!.data));
    expect(row.schema).toBe("iglu:com.snowplowanalytics.snowplow.badrows/size_violation/jsonschema/1-0-0");
    expect(row.data.processor).toEqual({ artifact: "furrow-collector", version: "0.1.0" });
    expect(row.data.failure.expectation).toBe("oversized collector payload: GET requests cannot be split");
    expect(row.data.failure.maximumAllowedSizeBytes).toBe(2000);
    // libthrift's toString of the payload, cut to a tenth of the limit.
    expect(row.data.payload.length).toBe(200);
    expect(row.data.payload).toMatch(
      /^CollectorPayload\(schema:iglu:com.snowplowanalytics.snowplow\/CollectorPayload\/thrift\/1-0-0, ipAddress:192.0.2.2, timestamp:1704164645000, encoding:UTF-8, collector:furrow-0.1.0-memory, path:\/i, queryst$/,
    );
    expect(bad.records[0]!.partitionKey).toBe("id-2");
  });

  test("an oversized POST is split by events and nothing is lost", async () => {
    const stream = { ...defaultCollectorConfig({ good: "raw", bad: "b" }).streams.good, maxBytes: 3000 };
    const { request, good, bad } = setup({ streams: { good: stream } });
    const events = Array.from({ length: 20 }, (_, i) => ({
      e: "se",
      se_ca: `c${i}`,
      se_ac: "a".repeat(300),
    }));
    events.push({ e: "se", se_ca: "huge", se_ac: "h".repeat(5000) });
    const res = await request(TP2, postJson(tp2Body(events)));
    expect(res.status).toBe(200);
    expect(good.records.length).toBeGreaterThan(1);
    const seen = good.records.flatMap((r) => {
      expect(r.data.length).toBeLessThan(3000 + 2);
      expect(r.partitionKey).toBe("id-2");
      return (JSON.parse(decoded(r).body!) as { data: { se_ca: string }[] }).data.map((e) => e.se_ca);
    });
    expect(seen.sort()).toEqual(
      events
        .slice(0, 20)
        .map((e) => e.se_ca)
        .sort(),
    );
    expect(bad.records.length).toBe(1);
    const row = JSON.parse(new TextDecoder().decode(bad.records[0]!.data));
    expect(row.data.failure.expectation).toBe(
      "oversized collector payload: this POST request split is still too large",
    );
  });

  test("the sink's own record limit applies when it is below maxBytes", async () => {
    const { request, good, bad } = setup({}, { goodSink: new MemorySink({ maxRecordBytes: 1500 }) });
    await request(`/i?big=${"x".repeat(2000)}`);
    expect(good.records.length + bad.records.length).toBe(1);
    expect(bad.records.length).toBe(1);
  });
});

describe("cookies", () => {
  test("a new visitor gets a cookie with a new id, which the event carries", async () => {
    const { request, good } = setup();
    const res = await request("/i");
    expect(res.headers.getSetCookie()).toEqual([
      "sp=id-1; Expires=Wed, 01 Jan 2025 03:04:05 GMT; Path=/; SameSite=None; Secure; HttpOnly",
    ]);
    expect(decoded(good.records[0]!).networkUserId).toBe("id-1");
  });

  test("nuid parameter, then cookie", async () => {
    const { request, good } = setup();
    await request("/i?nuid=from-param", { headers: { Cookie: `sp=${NUID}` } });
    await request("/i", { headers: { Cookie: `sp=${NUID}` } });
    expect(good.records.map((r) => decoded(r).networkUserId)).toEqual(["from-param", NUID]);
  });

  test("domain from the Origin, fallback, attributes and the client cookie", async () => {
    const { request } = setup({
      cookie: {
        name: "sp_id",
        domains: ["acme.com"],
        fallbackDomain: "fallback.org",
        secure: false,
        httpOnly: true,
        sameSite: "Lax",
        expiration: 24 * 3600 * 1000,
        clientCookieName: "sp_client",
      },
    });
    const res = await request("/i", { headers: { Origin: "https://shop.acme.com", Cookie: "sp_id=abc" } });
    expect(res.headers.get("access-control-allow-origin")).toBe("https://shop.acme.com");
    expect(res.headers.getSetCookie()).toEqual([
      "sp_id=abc; Expires=Wed, 03 Jan 2024 03:04:05 GMT; Domain=acme.com; Path=/; SameSite=Lax; HttpOnly",
      "sp_client=abc; Expires=Wed, 03 Jan 2024 03:04:05 GMT; Domain=acme.com; Path=/; SameSite=Lax",
    ]);
    const other = await request("/i", { headers: { Origin: "https://other.net" } });
    expect(other.headers.getSetCookie()[0]).toContain("; Domain=fallback.org; ");
  });

  test("answers built from per-origin prepared headers keep each request's own cookie and origin", async () => {
    const { request } = setup();
    // Past the bound of prepared origins too (256), where the origin is set on each answer instead.
    for (let i = 0; i < 300; i++) {
      const origin = `https://site-${i % 150 === 0 ? 0 : i}.example`;
      const res = await request("/i", { headers: { Origin: origin, Cookie: `sp=visitor-${i}` } });
      expect(res.headers.get("access-control-allow-origin")).toBe(origin);
      expect(res.headers.getSetCookie()).toEqual([
        `sp=visitor-${i}; Expires=Wed, 01 Jan 2025 03:04:05 GMT; Path=/; SameSite=None; Secure; HttpOnly`,
      ]);
      expect(res.headers.get("cache-control")).toBe("no-cache, no-store, must-revalidate");
    }
    const { request: cookieless } = setup({ cookie: { enabled: false } });
    for (const origin of ["https://a.example", "https://a.example", "not an origin"]) {
      const res = await cookieless("/i", { headers: { Origin: origin } });
      expect([...res.headers]).toEqual([
        ["access-control-allow-credentials", "true"],
        ["access-control-allow-origin", origin === "not an origin" ? "*" : origin],
        ["cache-control", "no-cache, no-store, must-revalidate"],
        ["content-type", "image/gif"],
      ]);
    }
  });

  test("no cookie when disabled", async () => {
    const { request, good } = setup({ cookie: { enabled: false } });
    const res = await request("/i");
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(good.records.length).toBe(1);
  });

  test("do-not-track cookie: 200 pixel, nothing recorded, no cookie", async () => {
    const { request, good } = setup({ doNotTrackCookie: { enabled: true, name: "dnt", value: "1|true" } });
    const res = await request("/i?e=pv", { headers: { Cookie: `dnt=true; sp=${NUID}` } });
    expect(res.status).toBe(200);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(PIXEL);
    expect(res.headers.getSetCookie()).toEqual([]);
    const posted = await request(TP2, postJson(tp2Body([{ e: "pv" }]), { Cookie: "dnt=1" }));
    expect(await posted.text()).toBe("ok");
    expect(good.records.length).toBe(0);
    await request("/i", { headers: { Cookie: "dnt=no" } });
    expect(good.records.length).toBe(1);
  });

  test("cookie bounce: 302 to n3pc=true without recording, then the fallback id", async () => {
    const { request, good } = setup({ cookieBounce: { enabled: true } });
    const first = await request("/i?e=pv");
    expect(first.status).toBe(302);
    expect(first.headers.get("location")).toBe("/i?e=pv&n3pc=true");
    expect(first.headers.getSetCookie()[0]).toMatch(/^sp=id-1; /);
    expect(await first.text()).toBe("");
    expect(good.records.length).toBe(0);
    const second = await request("/i?e=pv&n3pc=true");
    expect(second.status).toBe(200);
    expect(decoded(good.records[0]!).networkUserId).toBe("00000000-0000-4000-A000-000000000000");
    const withCookie = await request("/i?e=pv", { headers: { Cookie: `sp=${NUID}` } });
    expect(withCookie.status).toBe(200);
  });

  test("SP-Anonymous: no IP, no cookie, zero id, and an existing cookie is cleared", async () => {
    const { request, good } = setup();
    const headers = { "SP-Anonymous": "*", "X-Forwarded-For": "203.0.113.9", "X-Real-Ip": "203.0.113.9" };
    const res = await request(TP2, postJson(tp2Body([{ e: "pv" }]), headers));
    expect(res.headers.getSetCookie()).toEqual([]);
    const p = decoded(good.records[0]!);
    expect(p.ipAddress).toBe("unknown");
    expect(p.networkUserId).toBe("00000000-0000-0000-0000-000000000000");
    expect(p.headers?.some((h) => /^(x-forwarded-for|x-real-ip|cookie):/i.test(h))).toBe(false);
    expect(p.headers).toContain("SP-Anonymous: *");
    const withCookie = await request("/i", { headers: { ...headers, Cookie: `sp=${NUID}` } });
    expect(withCookie.headers.getSetCookie()).toEqual([
      "sp=; Expires=Mon, 02 Jan 2023 03:04:05 GMT; Path=/; SameSite=None; Secure; HttpOnly",
    ]);
  });
});

describe("redirects", () => {
  test("a literal /r/… path is 404 'redirects disabled' by default, for any method", async () => {
    const { request, good } = setup();
    for (const method of ["GET", "POST", "OPTIONS", "PUT"]) {
      const res = await request("/r/tp2?u=https://acme.com/", { method });
      expect([method, res.status, await res.text()]).toEqual([method, 404, "redirects disabled"]);
    }
    expect(good.records.length).toBe(0);
  });

  test("with enableDefaultRedirect: record, then 302 to u", async () => {
    const { request, good } = setup({ enableDefaultRedirect: true });
    const res = await request("/r/tp2?e=ue&u=https%3A%2F%2Fsnowplow.acme.com%2F12");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("https://snowplow.acme.com/12");
    expect(res.headers.getSetCookie().length).toBe(1);
    expect(decoded(good.records[0]!).path).toBe("/r/tp2");
  });

  test("the allow-list: other hosts and a missing u get 400, the event is kept", async () => {
    const { request, good } = setup({ enableDefaultRedirect: true, redirectDomains: ["snowplow.acme.com"] });
    expect((await request("/r/tp2?u=https://snowplow.acme.com/x")).status).toBe(302);
    expect((await request("/r/tp2?u=https://evil.example/")).status).toBe(400);
    expect((await request("/r/tp2?e=pv")).status).toBe(400);
    expect(good.records.length).toBe(3);
  });

  test("a custom path mapped to /r/tp2 redirects even with default redirects off", async () => {
    const { request, good } = setup({ paths: { "/com.acme/click": "/r/tp2" } });
    const res = await request("/com.acme/click?u=https://acme.com/landing");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("https://acme.com/landing");
    expect(decoded(good.records[0]!).path).toBe("/r/tp2");
  });
});

describe("custom paths", () => {
  test("a mapped path records the target path", async () => {
    const { request, good } = setup({ paths: { "/com.acme/track": TP2 } });
    await request("/com.acme/track", postJson(tp2Body([{ e: "pv" }])));
    await request("/com.acme/other", postJson(tp2Body([{ e: "pv" }])));
    expect(good.records.map((r) => decoded(r).path)).toEqual([TP2, "/com.acme/other"]);
  });
});

describe("CORS preflight", () => {
  test("OPTIONS on any path allows the tracker's headers", async () => {
    const { request, good } = setup();
    for (const path of [TP2, "/i", "/anything/at/all"]) {
      const res = await request(path, { method: "OPTIONS", headers: { Origin: "https://www.acme.com" } });
      expect(res.status).toBe(200);
      expect(res.headers.get("access-control-allow-origin")).toBe("https://www.acme.com");
      expect(res.headers.get("access-control-allow-credentials")).toBe("true");
      expect(res.headers.get("access-control-allow-headers")).toBe("Content-Type, SP-Anonymous");
      expect(res.headers.get("access-control-max-age")).toBe("3600");
    }
    expect(good.records.length).toBe(0);
  });

  test("the max age follows cors.accessControlMaxAge", async () => {
    const { request } = setup({ cors: { accessControlMaxAge: 5 * 60 * 1000 } });
    expect((await request(TP2, { method: "OPTIONS" })).headers.get("access-control-max-age")).toBe("300");
  });
});

describe("health and fixed routes", () => {
  test("/health is always ok; /sink-health follows both sinks", async () => {
    const { request, good, bad } = setup();
    expect(await (await request("/health")).text()).toBe("ok");
    expect(await (await request("/sink-health")).text()).toBe("ok");
    bad.healthy = false;
    const down = await request("/sink-health");
    expect([down.status, await down.text()]).toEqual([503, "Service Unavailable"]);
    good.healthy = false;
    expect((await request("/health")).status).toBe(200);
  });

  test("/robots.txt", async () => {
    const { request } = setup();
    expect(await (await request("/robots.txt")).text()).toBe(
      "User-agent: *\nDisallow: /\n\nUser-agent: Googlebot\nDisallow: /\n\nUser-agent: AdsBot-Google\nDisallow: /",
    );
  });

  test("/crossdomain.xml only when enabled", async () => {
    expect((await setup().request("/crossdomain.xml")).status).toBe(404);
    const res = await setup({
      crossDomain: { enabled: true, domains: ["*.acme.com"], secure: false },
    }).request("/crossdomain.xml");
    expect(res.headers.get("content-type")).toBe("text/xml");
    expect(await res.text()).toBe(
      '<?xml version="1.0"?>\n<cross-domain-policy>\n<allow-access-from domain="*.acme.com" secure="false" />\n</cross-domain-policy>',
    );
  });

  test("the root answers only when rootResponse is enabled", async () => {
    expect((await setup().request("/")).status).toBe(404);
    const res = await setup({
      rootResponse: { enabled: true, statusCode: 302, headers: { Location: "https://acme.com/" }, body: "" },
    }).request("/");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("https://acme.com/");
    const ok = await setup({ rootResponse: { enabled: true, statusCode: 200, body: "hello" } }).request("/");
    expect([ok.status, await ok.text()]).toEqual([200, "hello"]);
  });

  test("everything else is 404", async () => {
    const { request, good } = setup();
    for (const [method, path] of [
      ["GET", "/a/b/c"],
      ["GET", "/i/"],
      ["POST", "/i"],
      ["PUT", TP2],
      ["GET", "/nothing"],
    ] as const) {
      const res = await request(path, { method });
      expect([method, path, res.status, await res.text()]).toEqual([method, path, 404, "Not found"]);
    }
    expect(good.records.length).toBe(0);
  });

  test("HSTS is on every response when enabled", async () => {
    const { request } = setup({ hsts: { enable: true, maxAge: 180 * 24 * 3600 * 1000 } });
    for (const path of ["/i", "/health", "/nothing"]) {
      expect((await request(path)).headers.get("strict-transport-security")).toBe(
        "max-age=15552000; includeSubDomains",
      );
    }
    expect((await setup().request("/i")).headers.get("strict-transport-security")).toBeNull();
  });
});

describe("back-pressure", () => {
  test("an unhealthy sink: 503 with Retry-After, nothing recorded", async () => {
    const { request, good, collector } = setup({ backPressure: { retryAfterSeconds: 7 } });
    good.healthy = false;
    for (const init of [undefined, postJson(tp2Body([{ e: "pv" }]), { Origin: "https://acme.com" })]) {
      const res = await request(init ? TP2 : "/i", init);
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("7");
      expect(res.headers.get("access-control-allow-origin")).toBe(init ? "https://acme.com" : "*");
    }
    expect(good.records.length).toBe(0);
    expect(collector.metrics.backPressureRefusals).toBe(2);
    good.healthy = true;
    expect((await request("/i")).status).toBe(200);
  });

  test("each episode is logged once when it starts and once when it ends, not per request", async () => {
    const log = jsonLog();
    const { request, good } = setup({ backPressure: { retryAfterSeconds: 7 } }, { logger: log.logger });
    expect((await request("/i")).status).toBe(200);
    expect(log.records).toEqual([]);
    good.healthy = false;
    for (let i = 0; i < 3; i++) expect((await request("/i")).status).toBe(503);
    expect(log.records).toHaveLength(1);
    expect(log.records[0]).toMatchObject({
      level: "warn",
      app: "collector",
      event: "back-pressure-on",
      msg: "back-pressure on: answering 503 with Retry-After 7 s (the good sink is unhealthy)",
    });
    good.healthy = true;
    expect((await request("/i")).status).toBe(200);
    expect((await request("/i")).status).toBe(200);
    expect(log.records).toHaveLength(2);
    expect(log.records[1]).toMatchObject({ level: "info", event: "back-pressure-off", refused: 3 });

    // A second episode: a stalled stream whose buffer fills up.
    const full = new MemorySink({ maxBufferedBytes: 10 });
    full.pause();
    const stalled = setup({}, { goodSink: full, logger: log.logger });
    // An empty buffer takes any record; the next one finds it full.
    expect((await stalled.request("/i")).status).toBe(200);
    expect((await stalled.request("/i")).status).toBe(503);
    expect(log.records).toHaveLength(3);
    expect(log.records[2]).toMatchObject({ event: "back-pressure-on" });
    expect(String(log.records[2]!["msg"])).toEndWith("(the good sink's buffer is full)");
  });

  test("a full buffer: 503 until the stream catches up, and everything accepted is kept", async () => {
    const good = new MemorySink({ maxBufferedBytes: 2000 });
    const { request } = setup({}, { goodSink: good });
    good.pause();
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await request(`/i?e=pv&n=${i}`)).status);
    const accepted = statuses.filter((s) => s === 200).length;
    expect(accepted).toBeGreaterThan(0);
    expect(statuses).toContain(503);
    good.resume();
    await good.flush();
    expect(good.records.length).toBe(accepted);
    expect((await request("/i")).status).toBe(200);
  });

  test("off: Snowplow's behaviour, always 200", async () => {
    const { request, good } = setup({ backPressure: { enabled: false } });
    good.healthy = false;
    expect((await request("/i")).status).toBe(200);
    expect(good.records.length).toBe(1);
  });
});

describe("acknowledgeAfterWrite", () => {
  const on = (patch: Partial<CollectorConfig["backPressure"]> = {}) => ({
    backPressure: { acknowledgeAfterWrite: true, ...patch },
  });
  /** `promise`, with whether it settled yet. */
  const watched = <T>(value: T | Promise<T>) => {
    const promise = Promise.resolve(value);
    const w = { settled: false, promise };
    promise.then(
      () => {
        w.settled = true;
      },
      () => {
        w.settled = true;
      },
    );
    return w;
  };
  /** Lets every ready callback and timer of zero delay run. */
  const idle = async () => {
    for (let i = 0; i < 3; i++) await Bun.sleep(0);
  };

  test("the answer waits for the acknowledgement, then is the usual pixel and cookie", async () => {
    const { request, good } = setup(on());
    good.pause();
    const res = watched(request("/i?e=pv"));
    await idle();
    expect(res.settled).toBe(false);
    expect(good.records).toHaveLength(0);
    good.resume();
    const answered = await res.promise;
    expect(answered.status).toBe(200);
    expect(new Uint8Array(await answered.arrayBuffer())).toEqual(PIXEL);
    expect(answered.headers.get("set-cookie")).toStartWith("sp=id-1;");
    expect(good.records).toHaveLength(1);
  });

  test("POST, redirect and every piece of a split batch (good and bad) are awaited", async () => {
    const stream = { ...defaultCollectorConfig({ good: "raw", bad: "b" }).streams.good, maxBytes: 3000 };
    const { request, good, bad } = setup({
      ...on(),
      streams: { good: stream },
      enableDefaultRedirect: true,
    });
    good.pause();
    bad.pause();
    const events = Array.from({ length: 20 }, (_, i) => ({
      e: "se",
      se_ca: `c${i}`,
      se_ac: "a".repeat(300),
    }));
    events.push({ e: "se", se_ca: "huge", se_ac: "h".repeat(5000) });
    const post = watched(request(TP2, postJson(tp2Body(events))));
    await idle();
    expect(post.settled).toBe(false);
    good.resume();
    await idle();
    // The pieces on the raw stream are in, the size_violation row is not yet.
    expect(good.records.length).toBeGreaterThan(1);
    expect(post.settled).toBe(false);
    bad.resume();
    const answered = await post.promise;
    expect(answered.status).toBe(200);
    expect(await answered.text()).toBe("ok");
    expect(bad.records).toHaveLength(1);

    good.pause();
    const redirect = watched(request("/r/tp2?u=https%3A%2F%2Fexample.com%2F"));
    await idle();
    expect(redirect.settled).toBe(false);
    good.resume();
    const moved = await redirect.promise;
    expect(moved.status).toBe(302);
    expect(moved.headers.get("location")).toBe("https://example.com/");
  });

  test("a refused write: 503 with Retry-After, counted and logged", async () => {
    const log = jsonLog();
    const refusing: RecordSink = {
      maxRecordBytes: 1_000_000,
      hasRoom: () => true,
      isHealthy: () => true,
      write: () => Promise.reject(new RecordSinkError("closed", "the sink is closed")),
      flush: () => Promise.resolve(),
      close: () => Promise.resolve(),
    };
    const { request, collector } = setup(on({ retryAfterSeconds: 9 }), {
      goodSink: refusing,
      logger: log.logger,
    });
    for (let i = 0; i < 2; i++) {
      const res = await request("/i", { headers: { Origin: "https://acme.com" } });
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("9");
      expect(res.headers.get("access-control-allow-origin")).toBe("https://acme.com");
      expect(res.headers.get("set-cookie")).toBeNull();
    }
    expect(collector.metrics.writeFailures.good).toBe(2);
    expect(collector.metrics.unacknowledgedRequests).toBe(2);
    expect((await (await request("/metrics")).text()).split("\n")).toContain(
      "furrow_collector_unacknowledged_requests_total 2",
    );
    // Each refusal is logged as without the option; the 503s are one episode.
    expect(log.records.map((r) => r["event"])).toEqual([
      "sink-write-failed",
      "acknowledge-failed",
      "sink-write-failed",
    ]);
  });

  test("no acknowledgement within acknowledgeTimeout: 503; a late write is kept", async () => {
    const log = jsonLog();
    const { request, good, collector } = setup(on({ acknowledgeTimeout: 5 }), { logger: log.logger });
    good.pause();
    const res = await request("/i?e=pv");
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    expect(collector.metrics.unacknowledgedRequests).toBe(1);
    expect(log.records).toEqual([
      expect.objectContaining({
        level: "warn",
        event: "acknowledge-failed",
        msg: "answering 503 with Retry-After 5 s: a sink did not acknowledge a request's records within 5 ms",
      }),
    ]);
    // The tracker retries; the first copy, written late, is the duplicate the loaders drop.
    good.resume();
    expect(good.records).toHaveLength(1);
    expect((await request("/i?e=pv")).status).toBe(200);
    expect(good.records).toHaveLength(2);
    expect(log.records[1]).toMatchObject({ level: "info", event: "acknowledge-recovered", refused: 1 });
  });

  test("back-pressure still refuses before writing", async () => {
    const { request, good } = setup(on());
    good.healthy = false;
    expect((await request("/i")).status).toBe(503);
    good.healthy = true;
    expect((await request("/i")).status).toBe(200);
    expect(good.records).toHaveLength(1);
  });

  test("off: answered at once, before the stream acknowledges", async () => {
    const { request, good } = setup();
    good.pause();
    const res = await request("/i?e=pv");
    expect(res.status).toBe(200);
    expect(good.records).toHaveLength(0);
    good.resume();
    expect(good.records).toHaveLength(1);
  });
});

describe("sink failures", () => {
  /** A sink that refuses every write, as a closed one does. */
  const refusing: RecordSink = {
    maxRecordBytes: 1_000_000,
    hasRoom: () => true,
    isHealthy: () => true,
    write: () => Promise.reject(new RecordSinkError("closed", "the sink is closed")),
    flush: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };

  test("a write the sink refuses is counted and logged", async () => {
    const log = jsonLog();
    const { request, collector } = setup({}, { goodSink: refusing, logger: log.logger });
    expect((await request("/i")).status).toBe(200);
    await Bun.sleep(0);
    expect(collector.metrics.writeFailures.good).toBe(1);
    expect(log.records).toEqual([
      expect.objectContaining({
        level: "error",
        msg: "the good sink refused 1 record(s): the sink is closed",
        event: "sink-write-failed",
        sink: "good",
        records: 1,
      }),
    ]);
  });

  test("in text, a refusal is one line as before, marked as an error", async () => {
    const lines: string[] = [];
    const logger = createLogger({ app: "collector", write: (line) => lines.push(line) });
    const { request } = setup({}, { goodSink: refusing, logger });
    await request("/i");
    await Bun.sleep(0);
    expect(lines).toEqual([
      "furrow collector: error: the good sink refused 1 record(s): the sink is closed sink=good records=1\n",
    ]);
  });
});

describe("/metrics", () => {
  test("counts requests by route, method and status, with latency histograms", async () => {
    const { request } = setup();
    await request("/i");
    await request("/i", { method: "HEAD" });
    await request(TP2, postJson(tp2Body([{ e: "pv" }])));
    await request("/nothing");
    const res = await request("/metrics");
    expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const text = await res.text();
    expect(text).toContain('furrow_collector_requests_total{route="/i",method="GET",status="200"} 1');
    expect(text).toContain('furrow_collector_requests_total{route="/i",method="HEAD",status="200"} 1');
    expect(text).toContain(
      'furrow_collector_requests_total{route="/{vendor}/{version}",method="POST",status="200"} 1',
    );
    expect(text).toContain('furrow_collector_requests_total{route="unmatched",method="GET",status="404"} 1');
    expect(text).toContain('furrow_collector_request_duration_seconds_count{route="/i"} 2');
    expect(text).toContain('furrow_collector_records_total{sink="good"} 3');
  });
});
