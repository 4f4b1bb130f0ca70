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
import { fileURLToPath } from "node:url";
import type { KinesisClient } from "@aws-sdk/client-kinesis";
import type { Subprocess } from "bun";
import { startKinesalite } from "../../src/adapters/engines/kinesalite.ts";
import type { RunningEngine } from "../../src/adapters/engines/running-engine.ts";
import { kinesisClient } from "../../src/adapters/kinesis/client.ts";
import { ensureStream } from "../../src/adapters/kinesis/streams.ts";
import { pollUntil } from "../../src/adapters/poll-until.ts";
import { decodeCollectorPayload } from "../../src/core/thrift/collector-payload.ts";
import { readStream } from "../support/kinesis-stream-contents.ts";

const REGION = "us-east-1";
const STREAMS = { raw: "collector-ops-raw", bad: "collector-ops-bad-1" };
const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

let kinesalite: RunningEngine;
let kinesis: KinesisClient;
let scratch: string;
const children: Subprocess<"ignore", "ignore", "pipe">[] = [];

beforeAll(async () => {
  kinesalite = await startKinesalite();
  kinesis = kinesisClient({ endpoint: kinesalite.url, region: REGION });
  for (const name of Object.values(STREAMS)) await ensureStream(kinesis, { name, shards: 1 });
  scratch = mkdtempSync(join(tmpdir(), "furrow-collector-ops-"));
}, 60_000);

afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  await Promise.all(children.map((c) => c.exited));
  kinesis?.destroy();
  await kinesalite?.stop();
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
});

/** A `furrow` child process whose standard error is collected. */
interface Child {
  readonly child: Subprocess<"ignore", "ignore", "pipe">;
  readonly stderr: () => string;
  /** Resolves once standard error has closed. */
  readonly drained: Promise<void>;
}

function spawnFurrow(args: readonly string[]): Child {
  const child = Bun.spawn([process.execPath, "src/cli/main.ts", ...args], {
    cwd: repoRoot,
    stdin: "ignore",
    stdout: "ignore",
    stderr: "pipe",
  });
  children.push(child);
  let text = "";
  const drained = (async () => {
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) text += chunk;
  })();
  return { child, stderr: () => text, drained };
}

/** The log records so far; throws if a line is not a JSON record with ts, level, app and msg. */
function records(c: Child): Record<string, unknown>[] {
  return c
    .stderr()
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => {
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(line);
      } catch {
        throw new Error(`not a JSON log line: ${line}`);
      }
      for (const key of ["ts", "level", "app", "msg"]) {
        if (typeof record[key] !== "string") throw new Error(`log line without ${key}: ${line}`);
      }
      expect(Number.isNaN(Date.parse(record["ts"] as string))).toBe(false);
      return record;
    });
}

/** The collector's URL, from its start-up log record. */
async function collectorUrl(c: Child): Promise<string> {
  let url: string | undefined;
  await pollUntil(
    async () => {
      if (c.child.exitCode !== null) throw new Error(`the collector exited:\n${c.stderr()}`);
      url = records(c).find((r) => r["event"] === "started")?.["url"] as string | undefined;
      return url !== undefined;
    },
    { what: "the collector to listen", timeoutMs: 45_000 },
  );
  return url!;
}

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
    const collector = spawnFurrow([
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
    const url = await collectorUrl(collector);

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

    collector.child.kill("SIGTERM");
    const code = await collector.child.exited;
    await collector.drained;
    expect(code).toBe(0);
    const logs = records(collector);
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
    const collector = spawnFurrow(["collector", "--log-format", "xml", "--log-level", "chatty"]);
    const code = await collector.child.exited;
    await collector.drained;
    expect(code).toBe(2);
    const lines = collector.stderr().trimEnd().split("\n");
    expect(lines).toEqual([
      "furrow collector: --log-format must be one of json, text, got 'xml'",
      "furrow collector: --log-level must be one of debug, info, warn, error, got 'chatty'",
    ]);
  }, 30_000);
});
