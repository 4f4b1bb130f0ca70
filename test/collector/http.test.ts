/**
 * @module
 * The collector over real HTTP (Bun.serve with its native routes for the tracking paths, Hono for
 * the rest): the same requests as the in-process suite take the production path here, including
 * the socket's address, Bun's body limit, keep-alive and graceful shutdown.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { MemorySink } from "../../src/adapters/memory/memory-sink.ts";
import { PIXEL } from "../../src/core/collector/pixel.ts";
import { type CollectorUnderTest, decodeRecord, startCollectorUnderTest } from "./collector-under-test.ts";

const TP2 = "/com.snowplowanalytics.snowplow/tp2";
const running: CollectorUnderTest[] = [];
afterAll(() => Promise.all(running.map((c) => c.stop())));

async function start(...args: Parameters<typeof startCollectorUnderTest>): Promise<CollectorUnderTest> {
  const c = await startCollectorUnderTest(...args);
  running.push(c);
  return c;
}

describe("tracking over HTTP", () => {
  test("GET /i: pixel, cookie, and a payload with the socket's address and the Host", async () => {
    const c = await start();
    const res = await fetch(`${c.url}/i?e=pv&tv=js-4.0.0`, { headers: { "User-Agent": "test-agent" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/gif");
    expect(res.headers.get("content-length")).toBe("43");
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(PIXEL);
    const cookie = res.headers.getSetCookie()[0]!;
    expect(cookie).toMatch(
      /^sp=[0-9a-f-]{36}; Expires=\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT; Path=\/; SameSite=None; Secure; HttpOnly$/,
    );
    const p = decodeRecord(c.good.records[0]!);
    expect(p.ipAddress).toBe("127.0.0.1");
    expect(p.hostname).toBe("127.0.0.1");
    expect(p.userAgent).toBe("test-agent");
    expect(p.headers).toContain(`Host: 127.0.0.1:${c.port}`);
    expect(p.networkUserId).toBe(cookie.slice(3, 39));
  });

  test("a browser's cookie round trip keeps one network user id", async () => {
    const c = await start();
    const first = await fetch(`${c.url}/i?e=pv`);
    const cookie = first.headers.getSetCookie()[0]!.split(";")[0]!;
    await first.arrayBuffer();
    for (const path of ["/i?e=pp", `${TP2}?e=se`]) {
      const res = await fetch(`${c.url}${path}`, { headers: { Cookie: `other=1; ${cookie}` } });
      await res.arrayBuffer();
    }
    const posted = await fetch(`${c.url}${TP2}`, {
      method: "POST",
      headers: { Cookie: cookie, "Content-Type": "application/json; charset=UTF-8" },
      body: '{"schema":"iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4","data":[{"e":"pv"}]}',
    });
    expect(await posted.text()).toBe("ok");
    const ids = new Set(c.good.records.map((r) => decodeRecord(r).networkUserId));
    expect(c.good.records.length).toBe(4);
    expect(ids).toEqual(new Set([cookie.slice(3)]));
  });

  test("HEAD, /ice.png, vendor paths and POST take the fast routes", async () => {
    const c = await start();
    expect((await fetch(`${c.url}/i`, { method: "HEAD" })).status).toBe(200);
    expect((await fetch(`${c.url}/ice.png`)).status).toBe(200);
    expect((await fetch(`${c.url}/com.acme/v1`, { method: "POST", body: "a=b" })).status).toBe(200);
    expect(c.good.records.map((r) => decodeRecord(r).path)).toEqual(["/i", "/ice.png", "/com.acme/v1"]);
    expect(c.collector.metrics.route("/i").count(200)).toBe(1);
  });

  test("X-Forwarded-For beats the socket's address", async () => {
    const c = await start();
    await (
      await fetch(`${c.url}/i`, { headers: { "X-Forwarded-For": "203.0.113.7, 10.0.0.1" } })
    ).arrayBuffer();
    expect(decodeRecord(c.good.records[0]!).ipAddress).toBe("203.0.113.7");
  });

  test("the other routes answer through the fallback", async () => {
    const c = await start((config) => ({ ...config, crossDomain: { ...config.crossDomain, enabled: true } }));
    const preflight = await fetch(`${c.url}${TP2}`, {
      method: "OPTIONS",
      headers: { Origin: "https://acme.com" },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("https://acme.com");
    expect(await (await fetch(`${c.url}/health`)).text()).toBe("ok");
    expect(await (await fetch(`${c.url}/sink-health`)).text()).toBe("ok");
    expect((await fetch(`${c.url}/robots.txt`)).status).toBe(200);
    expect((await fetch(`${c.url}/crossdomain.xml`)).headers.get("content-type")).toBe("text/xml");
    expect((await fetch(`${c.url}/r/tp2?u=https://acme.com/`, { redirect: "manual" })).status).toBe(404);
    expect((await fetch(`${c.url}/a/b/c`)).status).toBe(404);
    expect((await fetch(`${c.url}/i`, { method: "POST" })).status).toBe(404);
    expect((await fetch(`${c.url}/`)).status).toBe(404);
    const metrics = await (await fetch(`${c.url}/metrics`)).text();
    expect(metrics).toContain(
      'furrow_collector_requests_total{route="OPTIONS",method="OPTIONS",status="200"} 1',
    );
    expect(metrics).toContain('furrow_collector_sink_healthy{sink="good"} 1');
    expect(metrics).toContain('furrow_collector_sink_buffered_bytes{sink="bad"} 0');
    expect(metrics).toMatch(/^process_resident_memory_bytes \d+$/m);
    expect(c.good.records.length).toBe(0);
  });

  test("bodies over 2 MiB get 413 and nothing is stored, declared or streamed", async () => {
    const c = await start();
    const big = "x".repeat(2 * 1024 * 1024 + 1);
    const declared = await fetch(`${c.url}${TP2}`, { method: "POST", body: big });
    expect(declared.status).toBe(413);
    const streamed = await fetch(`${c.url}${TP2}`, {
      method: "POST",
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < 33; i++) controller.enqueue(new Uint8Array(64 * 1024).fill(0x79));
          controller.close();
        },
      }),
      duplex: "half",
    } as RequestInit);
    expect(streamed.status).toBe(413);
    const justUnder = await fetch(`${c.url}${TP2}`, { method: "POST", body: "x".repeat(2 * 1024 * 1024) });
    expect(justUnder.status).toBe(200);
    expect(c.good.records.length + c.bad.records.length).toBe(1);
  });

  test("a request line past Bun's 16 KiB header limit gets 431 (Snowplow allows 20 KiB)", async () => {
    const c = await start();
    expect((await fetch(`${c.url}/i?big=${"x".repeat(12_000)}`)).status).toBe(200);
    expect((await fetch(`${c.url}/i?big=${"x".repeat(17_000)}`)).status).toBe(431);
    expect(c.good.records.length).toBe(1);
  });

  test("503 with Retry-After while the sink is full, and every accepted event survives", async () => {
    const good = new MemorySink({ maxBufferedBytes: 4000 });
    const c = await start((config) => config, { good });
    good.pause();
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) {
      const res = await fetch(`${c.url}/i?e=pv&n=${i}`);
      await res.arrayBuffer();
      statuses.push(res.status);
      if (res.status === 503) expect(res.headers.get("retry-after")).toBe("5");
    }
    expect(statuses).toContain(503);
    const accepted = statuses.filter((s) => s === 200).length;
    good.resume();
    await good.flush();
    expect(good.records.length).toBe(accepted);
  });
});

describe("graceful shutdown", () => {
  test("requests in flight finish and are flushed; then the port is closed", async () => {
    const good = new MemorySink();
    const c = await startCollectorUnderTest((config) => config, { good });
    // A POST whose body arrives slowly is in flight when the stop begins.
    let sendRest = () => {};
    const rest = new Promise<void>((resolve) => {
      sendRest = resolve;
    });
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(
          new TextEncoder().encode(
            '{"schema":"iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4",',
          ),
        );
        await rest;
        controller.enqueue(new TextEncoder().encode('"data":[{"e":"pv"}]}'));
        controller.close();
      },
    });
    const inFlight = fetch(`${c.url}${TP2}`, { method: "POST", body, duplex: "half" } as RequestInit);
    await Bun.sleep(50);
    good.pause();
    const stopping = c.stop();
    let stopped = false;
    void stopping.then(() => {
      stopped = true;
    });
    await Bun.sleep(50);
    sendRest();
    const res = await inFlight;
    expect(await res.text()).toBe("ok");
    // The sink still holds the record unacknowledged: stop waits for it.
    await Bun.sleep(50);
    expect(stopped).toBe(false);
    good.resume();
    await stopping;
    expect(good.records.length).toBe(1);
    expect(JSON.parse(decodeRecord(good.records[0]!).body!).data).toEqual([{ e: "pv" }]);
    await expect(fetch(`${c.url}/health`)).rejects.toThrow();
  });

  test("preTerminationPeriod keeps serving before the stop", async () => {
    const c = await startCollectorUnderTest();
    const stopping = c.collector.stop({ preTerminationPeriod: 200 });
    expect(await (await fetch(`${c.url}/health`)).text()).toBe("ok");
    await stopping;
    await expect(fetch(`${c.url}/health`)).rejects.toThrow();
  });
});
