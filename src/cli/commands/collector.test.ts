/**
 * @module
 * `furrow collector`: flags over the config file, one-line usage errors, and a run in process with
 * the stdout sink (records printed as base64 lines), stopped like Ctrl-C would.
 */
import { describe, expect, test } from "bun:test";
import { startKinesalite } from "../../adapters/engines/kinesalite.ts";
import { kinesisClient } from "../../adapters/kinesis/client.ts";
import { ensureStream } from "../../adapters/kinesis/streams.ts";
import { pollUntil } from "../../adapters/poll-until.ts";
import { decodeBase64 } from "../../core/thrift/base64.ts";
import { decodeCollectorPayload } from "../../core/thrift/collector-payload.ts";
import type { CommandIO } from "../command.ts";
import { runCli } from "../main.ts";
import {
  loadCollectorSettings,
  resolveCollectorConfig,
  resolveMicroSettings,
  runCollector,
} from "./collector.ts";

/** A CommandIO whose output is kept, with a stop button and a wait for stderr text. */
function testIo() {
  let out = "";
  let err = "";
  let stop = () => {};
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });
  const waiters: { pattern: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  const io: CommandIO = {
    stdin: new Blob([]).stream(),
    stdout: (text) => {
      out += text;
    },
    stderr: (text) => {
      err += text;
      for (const w of waiters) {
        const m = err.match(w.pattern);
        if (m) w.resolve(m);
      }
    },
    stopped,
  };
  const waitForErr = (pattern: RegExp) =>
    new Promise<RegExpMatchArray>((resolve) => {
      const m = err.match(pattern);
      if (m) resolve(m);
      else waiters.push({ pattern, resolve });
    });
  return { io, stop, out: () => out, err: () => err, waitForErr };
}

describe("resolveCollectorConfig", () => {
  test("defaults the streams to the stage's raw and bad-1 streams", () => {
    const c = resolveCollectorConfig({ flags: { stage: "dev" } });
    expect(c.streams.good.name).toBe("furrow-dev-raw-stream");
    expect(c.streams.bad.name).toBe("furrow-dev-bad-1-stream");
    expect(c.streams.sink).toBe("stdout");
  });

  test("flags win over the file", () => {
    const file = {
      path: "c.json",
      text: JSON.stringify({
        port: 9000,
        streams: { good: "g", bad: "b", sink: { enabled: "kinesis", region: "eu-west-1" } },
      }),
    };
    const c = resolveCollectorConfig({
      file,
      flags: {
        port: "9001",
        interface: "127.0.0.1",
        good: "g2",
        sink: "stdout",
        region: "us-west-2",
        "kinesis-endpoint": "http://127.0.0.1:4567",
      },
    });
    expect(c.port).toBe(9001);
    expect(c.interface).toBe("127.0.0.1");
    expect(c.streams.sink).toBe("stdout");
    expect(c.streams.good.name).toBe("g2");
    expect(c.streams.bad.name).toBe("b");
    expect(c.streams.good.region).toBe("us-west-2");
    expect(c.streams.bad.customEndpoint).toBe("http://127.0.0.1:4567");
  });

  test("--acknowledge-after-write turns the option on over the file; the file's timeout stays", async () => {
    const file = {
      path: "c.json",
      text: JSON.stringify({
        backPressure: { acknowledgeAfterWrite: false, acknowledgeTimeout: "2 seconds" },
      }),
    };
    const off = resolveCollectorConfig({ file, flags: {} });
    expect(off.backPressure.acknowledgeAfterWrite).toBe(false);
    const on = resolveCollectorConfig({ file, flags: {}, acknowledgeAfterWrite: true });
    expect(on.backPressure).toMatchObject({ acknowledgeAfterWrite: true, acknowledgeTimeout: 2_000 });
    const fromArgv = await loadCollectorSettings(["--acknowledge-after-write"], process.cwd());
    expect(fromArgv.config.backPressure.acknowledgeAfterWrite).toBe(true);
    expect((await loadCollectorSettings([], process.cwd())).config.backPressure.acknowledgeAfterWrite).toBe(
      false,
    );
  });

  test.each([
    [{ flags: { port: "http" } }, "--port must be a port number, got 'http'"],
    [{ flags: { port: "70000" } }, "--port must be a port number, got '70000'"],
    [{ flags: { sink: "kafka" } }, "--sink must be one of kinesis, stdout, got 'kafka'"],
    [{ flags: { stage: "Bad_Stage" } }, "--stage: stage 'Bad_Stage' must be"],
    [
      { flags: { "kinesis-endpoint": "localhost:4567" } },
      "--kinesis-endpoint: 'localhost:4567' must start with http://",
    ],
    [{ flags: {}, file: { path: "c.json", text: "{port: 1}" } }, "config file c.json: not valid JSON"],
    [
      { flags: {}, file: { path: "c.json", text: '{"cookie": {"sameSite": "x"}}' } },
      "config file c.json: cookie.sameSite:",
    ],
  ])("%j is refused in one line", (sources, message) => {
    expect(() => resolveCollectorConfig(sources)).toThrow(message);
  });
});

describe("furrow collector", () => {
  test("usage errors exit 2 with one line", async () => {
    const t = testIo();
    expect(await runCli(["collector", "--port", "x"], t.io)).toBe(2);
    expect(t.err()).toBe("furrow collector: --port must be a port number, got 'x'\n");
    const u = testIo();
    expect(await runCli(["collector", "--config", "/nonexistent/c.json"], u.io)).toBe(2);
    expect(u.err()).toBe("furrow collector: --config: cannot read /nonexistent/c.json (ENOENT)\n");
  });

  test("problems with the config and the log flags are listed together, one line each", async () => {
    const t = testIo();
    expect(
      await runCli(["collector", "--port", "x", "--log-format", "xml", "--log-level", "loud"], t.io),
    ).toBe(2);
    expect(t.err()).toBe(
      [
        "furrow collector: --port must be a port number, got 'x'",
        "furrow collector: --log-format must be one of json, text, got 'xml'",
        "furrow collector: --log-level must be one of debug, info, warn, error, got 'loud'",
        "",
      ].join("\n"),
    );
  });

  test("--help describes the flags", async () => {
    const t = testIo();
    expect(await runCli(["collector", "--help"], t.io)).toBe(0);
    expect(t.out()).toContain("--kinesis-endpoint URL");
  });

  test("runs with the stdout sink, prints each record as a base64 line, and stops cleanly", async () => {
    const config = resolveCollectorConfig({
      flags: { port: "0", interface: "127.0.0.1", sink: "stdout" },
      file: { path: "c.json", text: JSON.stringify({ preTerminationPeriod: 0 }) },
    });
    const t = testIo();
    const exit = runCollector(config, t.io);
    const [, url] = await t.waitForErr(/listening on (http:\/\/\S+) \(records to standard output/);
    const res = await fetch(`${url}/i?e=pv&tv=cli-test`, { headers: { Cookie: "sp=cli-nuid" } });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    t.stop();
    expect(await exit).toBe(0);
    expect(t.err()).toContain("furrow collector: stopped\n");
    const lines = t.out().trimEnd().split("\n");
    expect(lines.length).toBe(1);
    const bytes = decodeBase64(lines[0]!);
    if (!bytes.ok) throw new Error(bytes.error.message);
    const p = decodeCollectorPayload(bytes.value);
    if (!p.ok) throw new Error(p.error.message);
    expect(p.value.querystring).toBe("e=pv&tv=cli-test");
    expect(p.value.networkUserId).toBe("cli-nuid");
    expect(p.value.collector).toMatch(/^furrow-\d+\.\d+\.\d+.*-stdout$/);
  });

  test("a missing or unreachable stream fails start-up with one line and exit 1", async () => {
    const config = resolveCollectorConfig({
      flags: { port: "0", interface: "127.0.0.1", sink: "kinesis", "kinesis-endpoint": "http://127.0.0.1:1" },
    });
    const t = testIo();
    expect(await runCollector(config, t.io)).toBe(1);
    expect(t.err()).toMatch(
      /^furrow collector: error: cannot reach Kinesis stream furrow-local-raw-stream: .*\n$/,
    );
    const j = testIo();
    expect(await runCollector(config, j.io, undefined, { log: { format: "json", level: "info" } })).toBe(1);
    expect(JSON.parse(j.err())).toMatchObject({
      level: "error",
      app: "collector",
      event: "start-failed",
      msg: expect.stringMatching(/^cannot reach Kinesis stream furrow-local-raw-stream: /),
    });
  });

  test("--micro serves Micro from the streams; it needs the kinesis sink", async () => {
    const stdout = resolveCollectorConfig({ flags: { sink: "stdout" } });
    expect(() => resolveMicroSettings({ micro: true }, stdout)).toThrow("--micro needs the kinesis sink");
    expect(() => resolveMicroSettings({ enriched: "e" }, stdout)).toThrow(
      "--enriched only applies with --micro",
    );
    expect(resolveMicroSettings({}, stdout)).toBeNull();

    const kinesalite = await startKinesalite();
    const client = kinesisClient({ endpoint: kinesalite.url, region: "us-east-1" });
    try {
      for (const name of ["m-raw", "m-enriched", "m-bad"]) await ensureStream(client, { name, shards: 1 });
      const flags = {
        port: "0",
        interface: "127.0.0.1",
        sink: "kinesis",
        good: "m-raw",
        bad: "m-bad",
        "kinesis-endpoint": kinesalite.url,
      };
      const config = resolveCollectorConfig({
        flags,
        file: {
          path: "c.json",
          text: JSON.stringify({ preTerminationPeriod: 0, streams: { sink: { buffer: { timeLimit: 50 } } } }),
        },
      });
      const micro = resolveMicroSettings({ ...flags, micro: true, enriched: "m-enriched" }, config);
      expect(micro?.feed.streams).toEqual({ raw: "m-raw", enriched: "m-enriched", bad: "m-bad" });
      const t = testIo();
      const exit = runCollector(config, t.io, undefined, { micro });
      const [, url] = await t.waitForErr(/listening on (http:\/\/\S+) /);
      expect(t.err()).toContain("/micro/ui");
      expect(await (await fetch(`${url}/micro/all`)).json()).toEqual({ total: 0, good: 0, bad: 0 });
      await (await fetch(`${url}/i?e=pv&eid=3c1e8a0e-6f55-4d63-9b7d-2f0a1f7b9e01`)).arrayBuffer();
      // No enrich runs here: the request shows on the raw stage only.
      await pollUntil(
        async () =>
          ((await (await fetch(`${url}/micro/console/stats`)).json()) as { counts: { rawRecords: number } })
            .counts.rawRecords === 1,
        { what: "Micro to read the raw record", timeoutMs: 30_000 },
      );
      t.stop();
      expect(await exit).toBe(0);
    } finally {
      client.destroy();
      await kinesalite.stop();
    }
  });
});
