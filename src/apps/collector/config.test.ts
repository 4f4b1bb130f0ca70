/** @module Tests of the collector config: Snowplow's names and defaults, both stream styles, one-line errors. */
import { describe, expect, test } from "bun:test";
import {
  applyOverrides,
  CollectorConfigError,
  defaultCollectorConfig,
  parseCollectorConfig,
  parseDuration,
} from "./config.ts";

const CONTEXT = {
  where: "config file c.json",
  defaultStreams: { good: "furrow-local-raw-stream", bad: "furrow-local-bad-1-stream" },
};
const parse = (json: unknown, sink?: "kinesis" | "stdout") =>
  parseCollectorConfig(json, { ...CONTEXT, sink });
const problem = (json: unknown): string => {
  try {
    parse(json);
  } catch (e) {
    expect(e).toBeInstanceOf(CollectorConfigError);
    return (e as Error).message;
  }
  throw new Error("expected a CollectorConfigError");
};

describe("defaults", () => {
  test("an empty config is Snowplow's reference.conf", () => {
    const c = parse({});
    expect(c).toEqual(
      defaultCollectorConfig({ good: "furrow-local-raw-stream", bad: "furrow-local-bad-1-stream" }),
    );
    expect(c.interface).toBe("0.0.0.0");
    expect(c.port).toBe(8080);
    expect(c.cookie).toEqual({
      enabled: true,
      name: "sp",
      expiration: 365 * 24 * 3600 * 1000,
      domains: [],
      secure: true,
      httpOnly: true,
      sameSite: "None",
    });
    expect(c.cookieBounce.fallbackNetworkUserId).toBe("00000000-0000-4000-A000-000000000000");
    expect(c.networking.maxPayloadSize).toBe(1_048_576);
    expect(c.networking.dropPayloadSize).toBe(2_097_152);
    expect(c.cors.accessControlMaxAge).toBe(3_600_000);
    expect(c.enableDefaultRedirect).toBe(false);
    expect(c.preTerminationPeriod).toBe(10_000);
    expect(c.streams.sink).toBe("stdout");
    expect(c.streams.good.maxBytes).toBe(1_000_000_000);
    expect(c.backPressure).toEqual({
      enabled: true,
      retryAfterSeconds: 5,
      maxBufferedBytes: 64 * 1024 * 1024,
      acknowledgeAfterWrite: false,
      acknowledgeTimeout: 10_000,
    });
  });

  test("backPressure.acknowledgeAfterWrite and its timeout, in HOCON's forms", () => {
    const c = parse({ backPressure: { acknowledgeAfterWrite: "on", acknowledgeTimeout: "3 seconds" } });
    expect(c.backPressure.acknowledgeAfterWrite).toBe(true);
    expect(c.backPressure.acknowledgeTimeout).toBe(3_000);
  });

  test("the Kinesis sink's defaults", () => {
    const c = parse({}, "kinesis");
    expect(c.streams.good).toEqual({
      name: "furrow-local-raw-stream",
      maxBytes: 1_000_000,
      region: undefined,
      customEndpoint: undefined,
      backoffPolicy: { minBackoff: 500, maxBackoff: 1500, maxRetries: 3 },
      buffer: { byteLimit: 3_145_728, recordLimit: 500, timeLimit: 5000 },
    });
  });
});

describe("Snowplow configs carry across", () => {
  test("the collector wrapper, HOCON durations and legacy streams", () => {
    const c = parse({
      collector: {
        interface: "127.0.0.1",
        port: "9090",
        paths: { "/com.acme/track": "/com.snowplowanalytics.snowplow/tp2" },
        p3p: { policyRef: "/w3c/p3p.xml", CP: "NOI" },
        cookie: {
          enabled: true,
          expiration: "30 days",
          name: "_sp",
          domains: ["acme.com"],
          fallbackDomain: "acme.net",
          secure: "false",
          httpOnly: false,
          sameSite: "lax",
          clientCookieName: "_sp_client",
        },
        doNotTrackCookie: { enabled: true, name: "dnt", value: "1" },
        cookieBounce: {
          enabled: true,
          name: "bounced",
          fallbackNetworkUserId: "f",
          forwardedProtocolHeader: "X-Forwarded-Proto",
        },
        redirectMacro: { enabled: false },
        rootResponse: { enabled: true, statusCode: 200, headers: { "X-A": "b" }, body: "hi" },
        cors: { accessControlMaxAge: "5 minutes" },
        streams: {
          good: "raw",
          bad: "bad",
          useIpAddressAsPartitionKey: true,
          sink: {
            enabled: "kinesis",
            region: "eu-west-1",
            threadPoolSize: 10,
            aws: { accessKey: "iam", secretKey: "iam" },
            backoffPolicy: { minBackoff: 100, maxBackoff: 200, maxRetries: 5 },
            maxBytes: 500000,
            customEndpoint: "http://localhost:4567",
          },
          buffer: { byteLimit: 1000, recordLimit: 10, timeLimit: 100 },
        },
        telemetry: { disable: true },
        monitoring: { metrics: { statsd: { enabled: false } } },
        ssl: { enable: false },
        hsts: { enable: true, maxAge: "180 days" },
        networking: { maxConnections: 2048, idleTimeout: "60 seconds", dropPayloadSize: 100000 },
        enableDefaultRedirect: true,
        redirectDomains: ["acme.com"],
        preTerminationPeriod: "1 second",
        license: { accept: true },
      },
    });
    expect(c.interface).toBe("127.0.0.1");
    expect(c.port).toBe(9090);
    expect(c.paths).toEqual({ "/com.acme/track": "/com.snowplowanalytics.snowplow/tp2" });
    expect(c.cookie).toEqual({
      enabled: true,
      name: "_sp",
      expiration: 30 * 24 * 3600 * 1000,
      domains: ["acme.com"],
      fallbackDomain: "acme.net",
      secure: false,
      httpOnly: false,
      sameSite: "Lax",
      clientCookieName: "_sp_client",
    });
    expect(c.doNotTrackCookie).toEqual({ enabled: true, name: "dnt", value: "1" });
    expect(c.cookieBounce).toEqual({
      enabled: true,
      name: "bounced",
      fallbackNetworkUserId: "f",
      forwardedProtocolHeader: "X-Forwarded-Proto",
    });
    expect(c.rootResponse).toEqual({ enabled: true, statusCode: 200, headers: { "X-A": "b" }, body: "hi" });
    expect(c.cors.accessControlMaxAge).toBe(300_000);
    expect(c.streams.sink).toBe("kinesis");
    expect(c.streams.useIpAddressAsPartitionKey).toBe(true);
    expect(c.streams.good).toEqual({
      name: "raw",
      maxBytes: 500000,
      region: "eu-west-1",
      customEndpoint: "http://localhost:4567",
      backoffPolicy: { minBackoff: 100, maxBackoff: 200, maxRetries: 5 },
      buffer: { byteLimit: 1000, recordLimit: 10, timeLimit: 100 },
    });
    expect(c.streams.bad.name).toBe("bad");
    expect(c.hsts).toEqual({ enable: true, maxAge: 180 * 24 * 3600 * 1000 });
    expect(c.networking.maxConnections).toBe(2048);
    expect(c.networking.idleTimeout).toBe(60_000);
    expect(c.networking.dropPayloadSize).toBe(100000);
    expect(c.enableDefaultRedirect).toBe(true);
    expect(c.redirectDomains).toEqual(["acme.com"]);
    expect(c.preTerminationPeriod).toBe(1000);
  });

  test("new-style streams: each with its own name, buffer and settings", () => {
    const c = parse(
      {
        streams: {
          good: { name: "raw", maxBytes: 900000, buffer: { byteLimit: 1, recordLimit: 2, timeLimit: 3 } },
          bad: { name: "bad", region: "us-west-2" },
        },
      },
      "kinesis",
    );
    expect(c.streams.good.name).toBe("raw");
    expect(c.streams.good.maxBytes).toBe(900000);
    expect(c.streams.good.buffer).toEqual({ byteLimit: 1, recordLimit: 2, timeLimit: 3 });
    expect(c.streams.bad.name).toBe("bad");
    expect(c.streams.bad.region).toBe("us-west-2");
    expect(c.streams.bad.maxBytes).toBe(1_000_000);
  });

  test("sameSite null drops the attribute", () => {
    expect(parse({ cookie: { sameSite: null } }).cookie.sameSite).toBeUndefined();
  });

  test("a sink flag wins over streams.sink.enabled", () => {
    expect(parse({ streams: { sink: { enabled: "kinesis" } } }, "stdout").streams.sink).toBe("stdout");
  });
});

describe("errors name the setting in one line", () => {
  test.each([
    [{ prot: 1 }, "config file c.json: unknown setting 'prot' (known: interface, port,"],
    [{ collector: { cookie: { nmae: "x" } } }, "config file c.json: unknown setting 'collector.cookie.nmae'"],
    [{ port: 70000 }, "config file c.json: port: must be from 0 to 65535"],
    [{ port: "http" }, 'config file c.json: port: expected an integer, got "http"'],
    [
      { cookie: { expiration: "forever" } },
      'config file c.json: cookie.expiration: expected a duration like "10 seconds"',
    ],
    [
      { cookie: { sameSite: "sometimes" } },
      'config file c.json: cookie.sameSite: "sometimes" is not supported; use None, Strict or Lax',
    ],
    [{ cookie: { name: "a b" } }, "config file c.json: cookie.name: 'a b' is not a valid cookie name"],
    [{ cookie: { secure: 1 } }, "config file c.json: cookie.secure: expected true or false, got 1"],
    [{ cookie: { domains: "acme.com" } }, "config file c.json: cookie.domains: expected an array of strings"],
    [
      { doNotTrackCookie: { enabled: true, name: "d", value: "(" } },
      "config file c.json: doNotTrackCookie.value: not a valid regular expression",
    ],
    [
      { paths: { "/a": "/b/c" } },
      "config file c.json: paths./a: custom paths must look like /vendor/version",
    ],
    [{ paths: { "/a/b": "c" } }, "config file c.json: paths./a/b: 'c' must look like /vendor/version"],
    [
      { streams: { sink: { enabled: "kafka" } } },
      "config file c.json: streams.sink.enabled: 'kafka' is not supported here; use kinesis or stdout",
    ],
    [
      { streams: { sink: { customEndpoint: "localhost:4567" } } },
      "config file c.json: streams.sink.customEndpoint: 'localhost:4567' must start with http:// or https://",
    ],
    [
      { streams: { good: 5 } },
      "config file c.json: streams.good: expected a stream name or an object with a name",
    ],
    [
      { streams: { buffer: { recordLimit: 0 } } },
      "config file c.json: streams.buffer.recordLimit: must be at least 1",
    ],
    [
      { ssl: { enable: true } },
      "config file c.json: ssl.enable: TLS is not supported; terminate it at the load balancer or a proxy",
    ],
    [
      { rootResponse: { statusCode: 99 } },
      "config file c.json: rootResponse.statusCode: must be from 200 to 599",
    ],
    [
      { backPressure: { retryAfterSeconds: -1 } },
      "config file c.json: backPressure.retryAfterSeconds: must be at least 0",
    ],
    [
      { backPressure: { acknowledgeTimeout: 0 } },
      "config file c.json: backPressure.acknowledgeTimeout: must be at least 1 ms",
    ],
    [
      { backPressure: { acknowledgeAfterWrite: 1 } },
      "config file c.json: backPressure.acknowledgeAfterWrite: expected true or false, got 1",
    ],
    [[], "config file c.json: expected a JSON object of settings"],
  ])("%j", (json, message) => {
    const text = problem(json);
    expect(text).toContain(message);
    expect(text).not.toContain("\n");
  });
});

describe("overrides", () => {
  test("flags win over the file", () => {
    const c = applyOverrides(
      parse({ port: 1, streams: { good: "g", sink: { customEndpoint: "http://a:1" } } }),
      {
        port: 2,
        interface: "::",
        good: "flag-good",
        region: "eu-central-1",
        kinesisEndpoint: "http://b:2",
      },
    );
    expect(c.port).toBe(2);
    expect(c.interface).toBe("::");
    expect(c.streams.good.name).toBe("flag-good");
    expect(c.streams.good.customEndpoint).toBe("http://b:2");
    expect(c.streams.bad.region).toBe("eu-central-1");
  });
});

describe("parseDuration", () => {
  test("reads HOCON durations, bare numbers as milliseconds", () => {
    expect(parseDuration("365 days")).toBe(365 * 24 * 3600 * 1000);
    expect(parseDuration("10s")).toBe(10_000);
    expect(parseDuration("500 ms")).toBe(500);
    expect(parseDuration("1.5 hours")).toBe(5_400_000);
    expect(parseDuration("250")).toBe(250);
    expect(parseDuration("soon")).toBeUndefined();
    expect(parseDuration("5 fortnights")).toBeUndefined();
  });
});
