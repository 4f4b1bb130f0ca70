/**
 * @module
 * The operations settings every app's command shares: where logs go and how (`--log-format`,
 * `--log-level`), and for stream workers where `/health` and `/metrics` are served (`--ops-port`,
 * `--ops-host`). Validated together, every problem reported, before anything starts.
 *
 * `--ops-port` is off by default: the S3 loader runs three times on one host (raw, enriched, bad)
 * and no fixed port would suit all; 0 picks a free port, which the start-up log line names.
 * Logs default to text, the CLI's long-standing shape; `--log-format json` is for log shippers.
 *
 * `--shutdown-timeout` bounds a stream worker's graceful stop (30 s by default, as long as
 * Kubernetes' default grace period, so a supervisor's SIGKILL rarely has to come): past it the
 * worker gives up what it could not write, unacknowledged, and exits 1 (see `worker-ops.ts`).
 */
import {
  createLogger,
  LOG_FORMATS,
  LOG_LEVELS,
  type LogFormat,
  type Logger,
  type LogLevel,
  parseLogFormat,
  parseLogLevel,
} from "../../core/ops/log.ts";
import { err, ok, type Result } from "../../core/result.ts";
import { parseDuration } from "../collector/config.ts";

/** The flags, in `node:util` `parseArgs` shape. */
export const LOG_FLAGS = {
  "log-format": { type: "string" },
  "log-level": { type: "string" },
} as const;

export const OPS_FLAGS = {
  ...LOG_FLAGS,
  "ops-port": { type: "string" },
  "ops-host": { type: "string" },
  "shutdown-timeout": { type: "string" },
} as const;

/** How long a stream worker's graceful stop may take by default. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 30_000;

export interface LogSettings {
  readonly format: LogFormat;
  readonly level: LogLevel;
}

export interface OpsSettings extends LogSettings {
  /** Null when `/health` and `/metrics` are not served. */
  readonly port: number | null;
  readonly host: string;
  /** How long a graceful stop may take before the worker gives up and exits 1. */
  readonly shutdownTimeoutMs: number;
}

/** `--log-format` and `--log-level`; each problem one line naming its flag. */
export function logSettings(values: {
  readonly "log-format"?: string;
  readonly "log-level"?: string;
}): Result<LogSettings, string[]> {
  const problems: string[] = [];
  const formatFlag = values["log-format"];
  const format = formatFlag === undefined ? "text" : parseLogFormat(formatFlag);
  if (format === null)
    problems.push(`--log-format must be one of ${LOG_FORMATS.join(", ")}, got '${formatFlag}'`);
  const levelFlag = values["log-level"];
  const level = levelFlag === undefined ? "info" : parseLogLevel(levelFlag);
  if (level === null)
    problems.push(`--log-level must be one of ${LOG_LEVELS.join(", ")}, got '${levelFlag}'`);
  return problems.length > 0 || format === null || level === null ? err(problems) : ok({ format, level });
}

/** The log flags plus `--ops-port`, `--ops-host` and `--shutdown-timeout`; every problem, one line each. */
export function opsSettings(values: {
  readonly "log-format"?: string;
  readonly "log-level"?: string;
  readonly "ops-port"?: string;
  readonly "ops-host"?: string;
  readonly "shutdown-timeout"?: string;
}): Result<OpsSettings, string[]> {
  const log = logSettings(values);
  const problems = log.ok ? [] : [...log.error];
  const portFlag = values["ops-port"];
  let port: number | null = null;
  if (portFlag !== undefined) {
    const n = Number(portFlag);
    if (!/^\d+$/.test(portFlag) || n > 65_535)
      problems.push(`--ops-port must be a port from 0 to 65535 (0 picks a free one), got '${portFlag}'`);
    else port = n;
  }
  const host = values["ops-host"] ?? "0.0.0.0";
  if (values["ops-host"] !== undefined && portFlag === undefined)
    problems.push("--ops-host needs --ops-port");
  if (host === "") problems.push("--ops-host must not be empty");
  const timeoutFlag = values["shutdown-timeout"];
  let shutdownTimeoutMs = DEFAULT_SHUTDOWN_TIMEOUT_MS;
  if (timeoutFlag !== undefined) {
    const ms = parseDuration(timeoutFlag);
    if (ms === undefined || !Number.isFinite(ms) || ms <= 0) {
      problems.push(
        `--shutdown-timeout must be a positive duration like "30 seconds" or milliseconds, got '${timeoutFlag}'`,
      );
    } else shutdownTimeoutMs = ms;
  }
  if (problems.length > 0 || !log.ok) return err(problems);
  return ok({ ...log.value, port, host, shutdownTimeoutMs });
}

/** A logger for `app` writing lines to `write` (standard error, in the CLI). */
export function appLogger(
  app: string,
  settings: LogSettings,
  write: (line: string) => void,
  textName?: string,
): Logger {
  return createLogger({ app, textName, format: settings.format, level: settings.level, write });
}

/** Flag help rows with descriptions starting at `column`, as each command's help aligns them. */
function helpRows(rows: readonly (readonly [flag: string, ...lines: string[]])[], column: number): string {
  let out = "";
  for (const [flag, first, ...rest] of rows) {
    const head = `  ${flag}`;
    out +=
      head.length < column - 1
        ? `${head.padEnd(column)}${first}\n`
        : `${head}\n${" ".repeat(column)}${first}\n`;
    for (const line of rest) out += `${" ".repeat(column)}${line}\n`;
  }
  return out;
}

const LOG_ROWS = [
  [
    "--log-format F",
    'text (default: "furrow <app>: message key=value") or json (one',
    "object per line: ts, level, app, msg and the record's fields)",
  ],
  ["--log-level L", "debug, info (default), warn or error"],
] as const;

/** Help rows of `--log-format` and `--log-level`. */
export function logFlagsHelp(column: number): string {
  return helpRows(LOG_ROWS, column);
}

/** Help rows of the log flags and `--ops-port`, `--ops-host`. */
export function opsFlagsHelp(column: number): string {
  return helpRows(
    [
      ...LOG_ROWS,
      [
        "--ops-port N",
        "serve GET /health (200, or 503 with the reason in JSON) and GET",
        "/metrics (Prometheus text) on this port; 0 picks a free one",
        "(default: off)",
      ],
      ["--ops-host HOST", "interface for --ops-port (default 0.0.0.0)"],
      [
        "--shutdown-timeout D",
        'longest graceful stop, e.g. "30 seconds" (default) or ms; past it',
        "what is not written stays unacknowledged (read again by the",
        "next worker) and the process exits 1",
      ],
    ],
    column,
  );
}
