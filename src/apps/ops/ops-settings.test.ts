/** @module Tests of the shared ops flags: defaults, every problem listed, the help rows. */
import { describe, expect, test } from "bun:test";
import { logSettings, opsFlagsHelp, opsSettings } from "./ops-settings.ts";

describe("opsSettings", () => {
  test("defaults: text logs at info, no ops server", () => {
    expect(opsSettings({})).toEqual({
      ok: true,
      value: { format: "text", level: "info", port: null, host: "0.0.0.0", shutdownTimeoutMs: 30_000 },
    });
    expect(
      opsSettings({
        "ops-port": "0",
        "ops-host": "127.0.0.1",
        "log-format": "JSON",
        "shutdown-timeout": "5 seconds",
      }),
    ).toEqual({
      ok: true,
      value: { format: "json", level: "info", port: 0, host: "127.0.0.1", shutdownTimeoutMs: 5_000 },
    });
    expect(opsSettings({ "shutdown-timeout": "1500" })).toMatchObject({
      ok: true,
      value: { shutdownTimeoutMs: 1_500 },
    });
  });

  test("--shutdown-timeout must be a positive duration", () => {
    for (const bad of ["0", "-1", "soon", "3 fortnights", ""]) {
      expect(opsSettings({ "shutdown-timeout": bad })).toEqual({
        ok: false,
        error: [
          `--shutdown-timeout must be a positive duration like "30 seconds" or milliseconds, got '${bad}'`,
        ],
      });
    }
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
