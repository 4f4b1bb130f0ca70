/** @module Tests of the structured logger: JSON and text lines, the level filter, bound fields. */
import { describe, expect, test } from "bun:test";
import { createLogger, type LoggerOptions, parseLogFormat, parseLogLevel } from "./log.ts";

function capture(options: Partial<LoggerOptions> = {}) {
  const lines: string[] = [];
  const logger = createLogger({
    app: "enrich",
    now: () => new Date("2026-11-25T23:30:00.000Z"),
    write: (line) => lines.push(line),
    ...options,
  });
  return { logger, lines };
}

describe("createLogger", () => {
  test("json: one object per line with ts, level, app, msg and the fields", () => {
    const { logger, lines } = capture({ format: "json" });
    logger.info("took the lease", { shardId: "shardId-000000000000", stolen: false, missing: undefined });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.endsWith("\n")).toBe(true);
    expect(lines[0]!.slice(0, -1)).not.toContain("\n");
    expect(JSON.parse(lines[0]!)).toEqual({
      ts: "2026-11-25T23:30:00.000Z",
      level: "info",
      app: "enrich",
      msg: "took the lease",
      shardId: "shardId-000000000000",
      stolen: false,
    });
  });

  test("json: errors become their message, reserved keys cannot be overwritten, newlines stay escaped", () => {
    const { logger, lines } = capture({ format: "json" });
    const e = Object.assign(new Error("connect ECONNREFUSED\nsecond line"), { code: "ECONNREFUSED" });
    logger.error("checkpoint failed", { error: e, msg: "not the message", count: 3n });
    const record = JSON.parse(lines[0]!);
    expect(record.msg).toBe("checkpoint failed");
    expect(record.field_msg).toBe("not the message");
    expect(record.error).toBe("connect ECONNREFUSED\nsecond line (ECONNREFUSED)");
    expect(record.count).toBe("3");
    expect(lines[0]!.trimEnd().split("\n")).toHaveLength(1);
  });

  test("json: a cyclic field does not lose the record", () => {
    const { logger, lines } = capture({ format: "json" });
    const cyclic: Record<string, unknown> = {};
    cyclic["self"] = cyclic;
    logger.warn("odd", { cyclic });
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: "warn", msg: "odd" });
  });

  test("text: the CLI's line shape, level named unless info, fields as key=value", () => {
    const { logger, lines } = capture();
    logger.info("consuming raw", { worker: "host:1", note: "two words" });
    logger.error("stopped", { code: 1 });
    expect(lines).toEqual([
      'furrow enrich: consuming raw worker=host:1 note="two words"\n',
      "furrow enrich: error: stopped code=1\n",
    ]);
  });

  test("records below the level are dropped", () => {
    const { logger, lines } = capture({ level: "warn", format: "json" });
    logger.debug("d");
    logger.info("i");
    logger.warn("w");
    logger.error("e");
    expect(lines.map((l) => JSON.parse(l).level)).toEqual(["warn", "error"]);
    const all = capture({ level: "debug" });
    all.logger.debug("d");
    expect(all.lines).toHaveLength(1);
  });

  test("with() binds fields to every record, and a record's own fields win", () => {
    const { logger, lines } = capture({ format: "json" });
    const raw = logger.with({ purpose: "raw", shard: "a" });
    raw.info("wrote", { shard: "b" });
    logger.info("plain");
    expect(JSON.parse(lines[0]!)).toMatchObject({ purpose: "raw", shard: "b" });
    expect(JSON.parse(lines[1]!).purpose).toBeUndefined();
  });
});

describe("parsing the flags", () => {
  test("levels and formats, case-insensitive; anything else is null", () => {
    expect(parseLogLevel("WARN")).toBe("warn");
    expect(parseLogLevel("verbose")).toBeNull();
    expect(parseLogFormat("json")).toBe("json");
    expect(parseLogFormat("logfmt")).toBeNull();
  });
});
