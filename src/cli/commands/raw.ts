/**
 * @module
 * `furrow decode raw` and `furrow encode raw`: Thrift `CollectorPayload` records (what collectors
 * write to the raw stream) to JSON lines and back. Input is base64 lines, as Snowplow's stdout
 * sink (unpadded) and SQS sink (padded) write them, or a binary file of concatenated records.
 * Each bad record is reported on stderr with its line or record number and the rest go on.
 */

import { err, ok, type Result } from "../../core/result.ts";
import { decodeBase64, encodeBase64 } from "../../core/thrift/base64.ts";
import {
  COLLECTOR_PAYLOAD_FIELDS,
  type CollectorPayload,
  decodeCollectorPayload,
  encodeCollectorPayload,
  readCollectorPayload,
  type ThriftDecodeError,
} from "../../core/thrift/collector-payload.ts";
import {
  type Command,
  type CommandIO,
  numberedLines,
  openInput,
  parseFlags,
  readAll,
  UsageError,
} from "../command.ts";

const fieldList = COLLECTOR_PAYLOAD_FIELDS.map((f) => `${f.name} (${f.type})`).join(", ");

const decodeHelp = `Usage: furrow decode raw [FILE] [--format auto|base64|binary]

Reads Thrift CollectorPayload records from FILE (or standard input when FILE is absent or '-')
and prints each as one line of JSON whose keys are the Thrift IDL's field names, in its order:
${wrap(fieldList)}.
Only the fields a record holds are printed; timestamp (epoch milliseconds) always is.

Formats:
  base64   one record per line, padded or not, standard or URL-safe alphabet (the stdout and
           SQS sinks' form); blank lines are skipped
  binary   records back to back, as the raw bytes Kinesis or Kafka carry
  auto     binary if the first bytes read hold control bytes (a record's first 7 bytes hold a
           0x00), else base64 (default)

A record that does not decode is reported on standard error as 'line N: <error>' (base64) or
'record N at byte B: <error>' (binary). Base64 decoding goes on with the next line; binary
decoding stops, since the next record's start is unknown.

Exit status: 0 if every record decoded, 1 if any did not, 2 on a usage error.

Flags:
  --format F   auto, base64 or binary (default auto)
  -h, --help   show this help
`;

const encodeHelp = `Usage: furrow encode raw [FILE] [--format base64|binary] [--output OUT]

Reads one JSON object per line from FILE (or standard input when FILE is absent or '-'), in the
shape 'furrow decode raw' prints, and writes each as a Thrift CollectorPayload record, byte for
byte what Snowplow's collector would write. Keys are the IDL's field names:
${wrap(fieldList)}.
All are optional; timestamp defaults to 0 and must be an integer.

Formats:
  base64   one padded base64 record per line (default)
  binary   records back to back; needs --output, since standard output carries text

A line that is not such an object is reported on standard error as 'line N: <error>' and the
rest go on. Blank lines are skipped.

Exit status: 0 if every line encoded, 1 if any did not, 2 on a usage error.

Flags:
  --format F     base64 or binary (default base64)
  -o, --output   write to this file instead of standard output
  -h, --help     show this help
`;

function wrap(text: string): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line.length > 0 && line.length + 1 + word.length > 96) {
      lines.push(line);
      line = word;
    } else {
      line = line.length > 0 ? `${line} ${word}` : word;
    }
  }
  return [...lines, line].map((l) => `  ${l}`).join("\n");
}

function parseFormat<F extends string>(value: string | undefined, allowed: readonly F[], fallback: F): F {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as F;
  throw new UsageError(`--format must be one of ${allowed.join(", ")}, got '${value}'`);
}

/**
 * Reads the first chunks of `stream` (at least `size` bytes, unless it ends or the user stops)
 * and returns them with a stream that yields everything again from the start, so the format can
 * be sniffed before decoding begins without waiting for a pipe to fill.
 */
async function peek(
  stream: ReadableStream<Uint8Array>,
  size: number,
  io: CommandIO,
): Promise<{ head: Uint8Array; all: ReadableStream<Uint8Array> }> {
  const reader = stream.getReader();
  const stopped = io.stopped.then(() => null);
  const chunks: Uint8Array[] = [];
  let length = 0;
  while (length < size) {
    const next = await Promise.race([reader.read(), stopped]);
    if (next === null || next.done) break;
    chunks.push(next.value);
    length += next.value.length;
  }
  const head = new Uint8Array(length);
  let pos = 0;
  for (const c of chunks) {
    head.set(c, pos);
    pos += c.length;
  }
  const all = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = chunks.shift();
      if (next !== undefined) return controller.enqueue(next);
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return { head, all };
}

/**
 * Binary if the first chunks hold control bytes other than tab and line breaks: a Thrift struct's
 * first field header and length put a 0x00 in its first 7 bytes, and text has none. Anything else is
 * read as base64 lines, so a line that is not base64 is reported as such.
 */
function looksBinary(head: Uint8Array): boolean {
  for (const b of head.subarray(0, 4096)) if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return true;
  return false;
}

/** A decoded record as JSON, keys in the IDL's declaration order. */
function toJson(p: CollectorPayload): string {
  const ordered: Record<string, unknown> = {};
  for (const { name } of COLLECTOR_PAYLOAD_FIELDS) if (p[name] !== undefined) ordered[name] = p[name];
  return JSON.stringify(ordered);
}

const explain = (e: ThriftDecodeError) => `${e.message} (${e.kind})`;

export const decodeRawCommand: Command = {
  path: ["decode", "raw"],
  summary: "Print Thrift CollectorPayload records (base64 lines or binary) as JSON, one per line",
  help: decodeHelp,
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, { format: { type: "string" } }, true);
    const format = parseFormat(values.format, ["auto", "base64", "binary"] as const, "auto");
    if (positionals.length > 1) throw new UsageError(`expects at most one FILE, got ${positionals.length}`);
    const input = await openInput(positionals[0], io);
    let base64 = format === "base64";
    let all = input;
    if (format === "auto") {
      const peeked = await peek(input, 8, io);
      base64 = !looksBinary(peeked.head);
      all = peeked.all;
    }

    let failed = 0;
    if (base64) {
      for await (const [n, line] of numberedLines(all, io)) {
        const text = line.trim();
        if (text.length === 0) continue;
        const bytes = decodeBase64(text);
        if (!bytes.ok) {
          failed++;
          io.stderr(`line ${n}: not base64: ${bytes.error.message}\n`);
          continue;
        }
        const record = decodeCollectorPayload(bytes.value);
        if (!record.ok) {
          failed++;
          io.stderr(`line ${n}: ${explain(record.error)}\n`);
          continue;
        }
        io.stdout(`${toJson(record.value)}\n`);
      }
      return failed > 0 ? 1 : 0;
    }

    // Concatenated structs carry no framing, so a bad one hides where the next begins.
    const bytes = await readAll(all);
    for (let offset = 0, n = 1; offset < bytes.length; n++) {
      const record = readCollectorPayload(bytes, offset);
      if (!record.ok) {
        io.stderr(`record ${n} at byte ${offset}: ${explain(record.error)}; stopping here\n`);
        return 1;
      }
      io.stdout(`${toJson(record.value.payload)}\n`);
      offset = record.value.end;
    }
    return 0;
  },
};

const FIELD_TYPES = new Map(COLLECTOR_PAYLOAD_FIELDS.map((f) => [f.name as string, f.type]));

/** Checks a parsed JSON value against the IDL: known keys only, each of its field's type. */
export function collectorPayloadFromJson(value: unknown): Result<CollectorPayload, string> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return err(
      `expected a JSON object, got ${value === null ? "null" : Array.isArray(value) ? "an array" : typeof value}`,
    );
  }
  const problems: string[] = [];
  const payload: Record<string, unknown> = { timestamp: 0 };
  for (const [key, v] of Object.entries(value)) {
    const type = FIELD_TYPES.get(key);
    const shown = JSON.stringify(v)?.slice(0, 40);
    if (type === undefined) problems.push(`unknown field '${key}'`);
    else if (type === "string" && typeof v !== "string")
      problems.push(`${key} must be a string, got ${shown}`);
    else if (type === "i64" && !Number.isSafeInteger(v))
      problems.push(`${key} must be a safe integer, got ${shown}`);
    else if (type === "list<string>" && !(Array.isArray(v) && v.every((h) => typeof h === "string"))) {
      problems.push(`${key} must be an array of strings, got ${shown}`);
    } else payload[key] = v;
  }
  return problems.length > 0 ? err(problems.join("; ")) : ok(payload as unknown as CollectorPayload);
}

export const encodeRawCommand: Command = {
  path: ["encode", "raw"],
  summary: "Write JSON lines as Thrift CollectorPayload records (base64 lines or binary)",
  help: encodeHelp,
  async run(argv, io) {
    const { values, positionals } = parseFlags(
      argv,
      { format: { type: "string" }, output: { type: "string", short: "o" } },
      true,
    );
    const format = parseFormat(values.format, ["base64", "binary"] as const, "base64");
    if (positionals.length > 1) throw new UsageError(`expects at most one FILE, got ${positionals.length}`);
    if (format === "binary" && values.output === undefined) {
      throw new UsageError("--format binary needs --output FILE: standard output carries text");
    }
    const input = await openInput(positionals[0], io);
    const out = values.output === undefined ? undefined : Bun.file(values.output).writer();

    let failed = 0;
    try {
      for await (const [n, line] of numberedLines(input, io)) {
        if (line.trim().length === 0) continue;
        let parsed: unknown;
        try {
          parsed = JSON.parse(line);
        } catch (e) {
          failed++;
          io.stderr(`line ${n}: invalid JSON: ${(e as Error).message}\n`);
          continue;
        }
        const payload = collectorPayloadFromJson(parsed);
        if (!payload.ok) {
          failed++;
          io.stderr(`line ${n}: ${payload.error}\n`);
          continue;
        }
        const bytes = encodeCollectorPayload(payload.value);
        if (format === "binary") out!.write(bytes);
        else if (out) out.write(`${encodeBase64(bytes)}\n`);
        else io.stdout(`${encodeBase64(bytes)}\n`);
      }
    } finally {
      await out?.end();
    }
    return failed > 0 ? 1 : 0;
  },
};
