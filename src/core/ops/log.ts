/**
 * @module
 * Structured logs for every app: one record per line on standard error, either JSON
 * (`{"ts","level","app","msg",...fields}`, what log shippers such as Vector, Fluent Bit or
 * CloudWatch parse without configuration) or text for a terminal (`furrow <app>: msg key=value`,
 * the shape the CLI has always printed, without the machine-facing `event` tag). Records below the level are dropped before any formatting.
 *
 * Written here rather than taken from pino or winston: the whole need is a level filter and two
 * line formats (about 100 lines), while those libraries bring worker-thread transports and
 * `node:` streams that `src/core` may not import. The writer is injected, so this module stays pure.
 *
 * @example
 * const log = createLogger({ app: "enrich", format: "json", write: (line) => process.stderr.write(line) });
 * log.info("took the lease", { shardId: "shardId-000000000000" });
 * // {"ts":"2026-11-25T23:30:00.000Z","level":"info","app":"enrich","msg":"took the lease","shardId":"shardId-000000000000"}
 */

export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const LOG_FORMATS = ["json", "text"] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Extra facts of one record; `undefined` values are left out, errors become their message. */
export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger adding `fields` to every record (e.g. `{ purpose: "raw" }`). */
  with(fields: LogFields): Logger;
}

export interface LoggerOptions {
  /** The app's name, in every record (`enrich`, `s3-loader`, …). */
  readonly app: string;
  /** How text lines name the app, e.g. `s3-loader (raw)`; `app` by default. */
  readonly textName?: string;
  /** Least level written; `info` by default. */
  readonly level?: LogLevel;
  /** `text` by default. */
  readonly format?: LogFormat;
  /** Receives each record as one line, ending in `\n`. */
  readonly write: (line: string) => void;
  /** The record's time; the wall clock by default. */
  readonly now?: () => Date;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Keys a record's own facts use; fields with these names are prefixed so they cannot overwrite them. */
const RESERVED = new Set(["ts", "level", "app", "msg"]);

/** A field's value as JSON can carry it: errors by message (and code), big integers as strings. */
function fieldValue(value: unknown): unknown {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return code === undefined ? value.message : `${value.message} (${String(code)})`;
  }
  if (typeof value === "bigint") return value.toString();
  return value;
}

function jsonLine(ts: Date, level: LogLevel, app: string, msg: string, fields: LogFields): string {
  const record: Record<string, unknown> = { ts: ts.toISOString(), level, app, msg };
  for (const [k, v] of Object.entries(fields)) {
    if (v !== undefined) record[RESERVED.has(k) ? `field_${k}` : k] = fieldValue(v);
  }
  try {
    return `${JSON.stringify(record)}\n`;
  } catch {
    // A cyclic field: the record still goes out, without its fields.
    return `${JSON.stringify({ ts: ts.toISOString(), level, app, msg })}\n`;
  }
}

/** A text value: bare when it has no space, quote or `=`, JSON-quoted otherwise. */
function textValue(value: unknown): string {
  const v = fieldValue(value);
  const s = typeof v === "string" ? v : (JSON.stringify(v) ?? String(v));
  return /^[^\s"=]+$/.test(s) ? s : JSON.stringify(s);
}

function textLine(level: LogLevel, app: string, msg: string, fields: LogFields): string {
  let line = `furrow ${app}: ${level === "info" ? "" : `${level}: `}${msg}`;
  for (const [k, v] of Object.entries(fields)) {
    // `event` tags records for machines; a reader has the message.
    if (v !== undefined && k !== "event") line += ` ${k}=${textValue(v)}`;
  }
  return `${line}\n`;
}

/** A logger writing records at or above `options.level` in `options.format`. */
export function createLogger(options: LoggerOptions, bound: LogFields = {}): Logger {
  const least = RANK[options.level ?? "info"];
  const format = options.format ?? "text";
  const now = options.now ?? (() => new Date());
  const emit = (level: LogLevel, msg: string, fields?: LogFields) => {
    if (RANK[level] < least) return;
    const all = fields === undefined ? bound : { ...bound, ...fields };
    options.write(
      format === "json"
        ? jsonLine(now(), level, options.app, msg, all)
        : textLine(level, options.textName ?? options.app, msg, all),
    );
  };
  return {
    debug: (msg, fields) => emit("debug", msg, fields),
    info: (msg, fields) => emit("info", msg, fields),
    warn: (msg, fields) => emit("warn", msg, fields),
    error: (msg, fields) => emit("error", msg, fields),
    with: (fields) => createLogger(options, { ...bound, ...fields }),
  };
}

/** A logger that drops everything. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  with: () => silentLogger,
};

/**
 * The first line of a thrown value's message: what a one-line log record (or a CLI's one-line
 * error) says of it, since AWS SDK and Postgres errors can run to many lines.
 */
export function firstLine(e: unknown): string {
  return String(e instanceof Error ? e.message : e).split("\n")[0] ?? "";
}

/** Parses a `--log-level` value; null when it is not one of {@link LOG_LEVELS}. */
export function parseLogLevel(value: string): LogLevel | null {
  const v = value.toLowerCase();
  return (LOG_LEVELS as readonly string[]).includes(v) ? (v as LogLevel) : null;
}

/** Parses a `--log-format` value; null when it is not one of {@link LOG_FORMATS}. */
export function parseLogFormat(value: string): LogFormat | null {
  const v = value.toLowerCase();
  return (LOG_FORMATS as readonly string[]).includes(v) ? (v as LogFormat) : null;
}
