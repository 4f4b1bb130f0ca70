/**
 * @module
 * `furrow` run as a deployment runs it: `src/cli/main.ts` as a child process whose standard error
 * is collected and read back as JSON log records (`--log-format json`). Shared by the operations
 * tests of the collector and the stream workers, with the lease a worker left behind.
 */
import { expect } from "bun:test";
import { fileURLToPath } from "node:url";
import type { PutRecordsCommandOutput } from "@aws-sdk/client-kinesis";
import type { Subprocess } from "bun";
import { dynamodbClient } from "../../src/adapters/dynamodb/client.ts";
import { DynamoDBLeaseStore } from "../../src/adapters/dynamodb/lease-store.ts";
import { pollUntil } from "../../src/adapters/poll-until.ts";
import type { Lease } from "../../src/ports/lease-store.ts";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

/** A `furrow` child process whose standard error is collected. */
export interface FurrowProcess {
  readonly child: Subprocess<"ignore", "ignore", "pipe">;
  /** Standard error so far. */
  readonly stderr: () => string;
  /** Resolves once standard error has closed. */
  readonly drained: Promise<void>;
}

/** A JSON log record as `--log-format json` writes it. */
export type LogRecord = Record<string, unknown>;

/**
 * The `furrow` processes one test file started: `spawn` runs `furrow <args>` from the repository
 * root; `killAll` (for `afterAll`) ends whichever are still running.
 */
export class FurrowProcesses {
  readonly #started: FurrowProcess[] = [];

  spawn(args: readonly string[]): FurrowProcess {
    const child = Bun.spawn([process.execPath, "src/cli/main.ts", ...args], {
      cwd: repoRoot,
      stdin: "ignore",
      stdout: "ignore",
      stderr: "pipe",
    });
    let text = "";
    const drained = (async () => {
      for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) text += chunk;
    })();
    const started = { child, stderr: () => text, drained };
    this.#started.push(started);
    return started;
  }

  async killAll(): Promise<void> {
    for (const { child } of this.#started) child.kill("SIGKILL");
    await Promise.all(this.#started.map(({ child }) => child.exited));
  }
}

/** The log records so far; throws if a line is not a JSON record with ts (a date), level, app and msg. */
export function logRecords(p: FurrowProcess): LogRecord[] {
  return p
    .stderr()
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => {
      let record: LogRecord;
      try {
        record = JSON.parse(line);
      } catch {
        throw new Error(`not a JSON log line: ${line}`);
      }
      for (const key of ["ts", "level", "app", "msg"]) {
        if (typeof record[key] !== "string") throw new Error(`log line without ${key}: ${line}`);
      }
      if (Number.isNaN(Date.parse(record["ts"] as string)))
        throw new Error(`log line with a bad ts: ${line}`);
      return record;
    });
}

/**
 * The `field` of the first log record of `event` (a start-up record: the collector's `started`
 * with its `url`, a worker's `ops-listening` with its `opsUrl`), once logged; throws if the
 * process exits first.
 */
export async function loggedField(
  p: FurrowProcess,
  event: string,
  field: string,
  what: string,
): Promise<string> {
  let value: string | undefined;
  await pollUntil(
    async () => {
      if (p.child.exitCode !== null) throw new Error(`furrow exited before ${what}:\n${p.stderr()}`);
      value = logRecords(p).find((r) => r["event"] === event)?.[field] as string | undefined;
      return value !== undefined;
    },
    { what, timeoutMs: 45_000 },
  );
  return value!;
}

/** SIGTERM, then the exit code and every log record. */
export async function terminate(p: FurrowProcess): Promise<{ code: number; records: LogRecord[] }> {
  p.child.kill("SIGTERM");
  const code = await p.child.exited;
  await p.drained;
  return { code, records: logRecords(p) };
}

/** The exit code and every line of standard error of a process that stops by itself (a flag problem). */
export async function exitAndStderrLines(p: FurrowProcess): Promise<{ code: number; lines: string[] }> {
  const code = await p.child.exited;
  await p.drained;
  return { code, lines: p.stderr().trimEnd().split("\n") };
}

/** The highest sequence number a PutRecords wrote: where a consumer that read them all checkpoints. */
export function lastSequenceNumber(out: PutRecordsCommandOutput): string {
  return out
    .Records!.map((r) => BigInt(r.SequenceNumber!))
    .sort((a, b) => Number(a - b))
    .at(-1)!
    .toString();
}

/** The flags every stream worker takes to reach the local engines with its ops server on a free port and JSON logs. */
export function localWorkerFlags(endpoints: { kinesis: string; dynamodb: string }, region: string): string[] {
  return [
    "--kinesis-endpoint",
    endpoints.kinesis,
    "--dynamodb-endpoint",
    endpoints.dynamodb,
    "--region",
    region,
    "--ops-port",
    "0",
    "--ops-host",
    "127.0.0.1",
    "--log-format",
    "json",
  ];
}

/** The one lease of a single-shard app's lease table, as the worker left it. */
export async function onlyLease(dynamodbEndpoint: string, region: string, table: string): Promise<Lease> {
  const client = dynamodbClient({ endpoint: dynamodbEndpoint, region });
  try {
    const leases = await new DynamoDBLeaseStore(client, table).listLeases();
    expect(leases).toHaveLength(1);
    return leases[0]!;
  } finally {
    client.destroy();
  }
}
