/**
 * @module
 * Operations of the collector, as a deployment sees them: `furrow collector --log-format json` runs
 * as a child process against kinesalite, with its records held in the producer's buffer (a
 * 10-minute time limit) and back-pressure on a small buffer bound. The test fills the buffer until
 * the collector answers 503, sends SIGTERM, and checks that the process exits 0, that every line of
 * its standard error is a JSON log record (ts, level, app, msg) including the back-pressure
 * warning, and that every accepted record reached the raw stream during the stop and none before.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KinesisClient } from "@aws-sdk/client-kinesis";
import { startKinesalite } from "../../src/adapters/engines/kinesalite.ts";
import type { RunningEngine } from "../../src/adapters/engines/running-engine.ts";
import { kinesisClient } from "../../src/adapters/kinesis/client.ts";
import { ensureStream } from "../../src/adapters/kinesis/streams.ts";
import { decodeCollectorPayload } from "../../src/core/thrift/collector-payload.ts";
import { exitAndStderrLines, FurrowProcesses, loggedField, terminate } from "../support/furrow-process.ts";
import { readStream } from "../support/kinesis-stream-contents.ts";

const REGION = "us-east-1";
const STREAMS = { raw: "collector-ops-raw", bad: "collector-ops-bad-1" };

let kinesalite: RunningEngine;
let kinesis: KinesisClient;
let scratch: string;
const furrow = new FurrowProcesses();

beforeAll(async () => {
  kinesalite = await startKinesalite();
  kinesis = kinesisClient({ endpoint: kinesalite.url, region: REGION });
  for (const name of Object.values(STREAMS)) await ensureStream(kinesis, { name, shards: 1 });
  scratch = mkdtempSync(join(tmpdir(), "furrow-collector-ops-"));
}, 60_000);

afterAll(async () => {
  await furrow.killAll();
  kinesis?.destroy();
  await kinesalite?.stop();
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
});

describe("furrow collector --log-format json", () => {
  test("JSON records only; SIGTERM flushes every accepted record and exits 0", async () => {
    const config = join(scratch, "collector.json");
    writeFileSync(
      config,
      JSON.stringify({
        preTerminationPeriod: 0,
        // Held until the stop: no limit is reached before it.
        streams: { sink: { enabled: "kinesis", buffer: { timeLimit: 600_000 } } },
        // A few pixel records fill it, so back-pressure sets in.
        backPressure: { enabled: true, retryAfterSeconds: 3, maxBufferedBytes: 2_000 },
      }),
    );
    const collector = furrow.spawn([
      "collector",
      "--config",
      config,
      "--interface",
      "127.0.0.1",
      "--port",
      "0",
      "--good",
      STREAMS.raw,
      "--bad",
      STREAMS.bad,
      "--region",
      REGION,
      "--kinesis-endpoint",
      kinesalite.url,
      "--log-format",
      "json",
    ]);
    const url = await loggedField(collector, "started", "url", "the collector to listen");

    const sent: string[] = [];
    let refused = 0;
    for (let i = 0; i < 100 && refused === 0; i++) {
      const response = await fetch(`${url}/i?e=pv&tv=ops-${i}`);
      await response.arrayBuffer();
      if (response.status === 503) {
        expect(response.headers.get("retry-after")).toBe("3");
        refused++;
      } else {
        expect(response.status).toBe(200);
        sent.push(`e=pv&tv=ops-${i}`);
      }
    }
    expect(refused).toBe(1);
    expect(sent.length).toBeGreaterThan(1);
    // Still in the producer's buffer.
    expect(await readStream(kinesis, STREAMS.raw)).toEqual([]);

    const { code, records: logs } = await terminate(collector);
    expect(code).toBe(0);
    expect(logs.every((r) => r["app"] === "collector")).toBe(true);
    expect(logs.map((r) => r["event"])).toEqual(["started", "back-pressure-on", "stopping", "stopped"]);
    expect(logs[1]).toMatchObject({ level: "warn" });
    expect(logs[1]!["msg"]).toContain("the good sink's buffer is full");

    const written = (await readStream(kinesis, STREAMS.raw)).map((r) => {
      const payload = decodeCollectorPayload(r.Data!);
      if (!payload.ok) throw new Error(payload.error.message);
      return payload.value.querystring;
    });
    expect(written).toEqual(sent);
    expect(await readStream(kinesis, STREAMS.bad)).toEqual([]);
  }, 90_000);

  test("flag problems are listed before anything starts, exit code 2", async () => {
    const collector = furrow.spawn(["collector", "--log-format", "xml", "--log-level", "chatty"]);
    const { code, lines } = await exitAndStderrLines(collector);
    expect(code).toBe(2);
    expect(lines).toEqual([
      "furrow collector: --log-format must be one of json, text, got 'xml'",
      "furrow collector: --log-level must be one of debug, info, warn, error, got 'chatty'",
    ]);
  }, 30_000);
});
