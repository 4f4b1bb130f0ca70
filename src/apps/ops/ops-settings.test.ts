/** @module Tests of the shared ops flags: defaults, every problem listed, the help rows. */
import { describe, expect, test } from "bun:test";
import { logSettings, opsFlagsHelp, opsSettings } from "./ops-settings.ts";

describe("opsSettings", () => {
  test("defaults: text logs at info, no ops server", () => {
    expect(opsSettings({})).toEqual({
      ok: true,
      value: { format: "text", level: "info", port: null, host: "0.0.0.0" },
    });
    expect(opsSettings({ "ops-port": "0", "ops-host": "127.0.0.1", "log-format": "JSON" })).toEqual({
      ok: true,
      value: { format: "json", level: "info", port: 0, host: "127.0.0.1" },
    });
  });

  test("every problem, one line each naming its flag", () => {
    const r = opsSettings({ "log-format": "xml", "log-level": "loud", "ops-port": "99999" });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toHaveLength(3);
    expect(r.error[0]).toBe("--log-format must be one of json, text, got 'xml'");
    expect(r.error[1]).toStartWith("--log-level must be one of debug, info, warn, error");
    expect(r.error[2]).toStartWith("--ops-port must be a port from 0 to 65535");
    expect(opsSettings({ "ops-host": "::1" })).toEqual({ ok: false, error: ["--ops-host needs --ops-port"] });
    expect(logSettings({ "log-level": "DEBUG" })).toEqual({
      ok: true,
      value: { format: "text", level: "debug" },
    });
  });

  test("help rows align on the given column", () => {
    const rows = opsFlagsHelp(25).trimEnd().split("\n");
    expect(rows[0]).toStartWith("  --log-format F         text");
    expect(rows.every((r) => r.startsWith("  --") || r.startsWith(" ".repeat(25)))).toBe(true);
  });
});
