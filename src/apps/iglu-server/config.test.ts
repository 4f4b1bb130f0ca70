/** @module Tests for the Iglu Server's settings: defaults, precedence, and every problem in one line each. */
import { describe, expect, test } from "bun:test";
import { type IgluServerConfigSources, resolveIgluServerConfig } from "./config.ts";

const sources = (over: Partial<IgluServerConfigSources> = {}): IgluServerConfigSources => ({
  flags: {},
  env: {},
  cwd: "/work",
  ...over,
});
const file = (json: unknown) => ({ path: "iglu.json", text: JSON.stringify(json) });

describe("resolveIgluServerConfig", () => {
  test("defaults: 127.0.0.1:8080, embedded PGlite in .furrow/iglu-server, the reference's limits", () => {
    expect(resolveIgluServerConfig(sources())).toEqual({
      ok: true,
      value: {
        host: "127.0.0.1",
        port: 8080,
        storage: { kind: "embedded", dataDir: "/work/.furrow/iglu-server", namespace: "public" },
        superApiKey: null,
        patchesAllowed: false,
        debug: false,
        maxPayloadSize: 100_000,
        maxJsonDepth: 40,
        hstsMaxAgeSeconds: null,
        webhooks: [],
      },
    });
  });

  test("a dataDir in the file is relative to the file", () => {
    const r = resolveIgluServerConfig(
      sources({ file: { path: "conf/iglu.json", text: '{"dataDir":"pg"}' } }),
    );
    expect(r.ok && r.value.storage).toEqual({
      kind: "embedded",
      dataDir: "/work/conf/pg",
      namespace: "public",
    });
  });

  test("each problem names its setting", () => {
    const problems: [IgluServerConfigSources, string][] = [
      [sources({ file: { path: "iglu.json", text: "{" } }), "config file iglu.json: not valid JSON"],
      [sources({ file: file({ prot: 1 }) }), "unknown setting 'prot'"],
      [sources({ file: file({ port: "eighty" }) }), "setting 'port': expected an integer"],
      [
        sources({ file: file({ patchesAllowed: "yes" }) }),
        "setting 'patchesAllowed': expected true or false",
      ],
      [
        sources({ file: file({ webhooks: { schemaPublished: [{ uri: "ftp://x" }] } }) }),
        "is not an http(s) URL",
      ],
      [
        sources({
          file: file({ webhooks: { schemaPublished: [{ uri: "http://x", vendorPrefixes: "com" }] } }),
        }),
        "vendorPrefixes",
      ],
      [sources({ file: file({ maxJsonDepth: 0 }) }), "setting 'maxJsonDepth'"],
      [
        sources({ env: { DATABASE_URL: "http://db" } }),
        "DATABASE_URL: 'http://db' must be a postgres:// URL",
      ],
      [sources({ env: { IGLU_SUPER_API_KEY: "root" } }), "super API key 'root' is not a UUID"],
      [sources({ flags: { host: " " } }), "--host: must not be empty"],
    ];
    for (const [given, message] of problems) {
      const r = resolveIgluServerConfig(given);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.message).toContain(message);
    }
  });

  test("every problem is listed, one line each, in the order the settings are read", () => {
    const r = resolveIgluServerConfig(
      sources({
        flags: { host: " " },
        file: file({
          prot: 1,
          port: "eighty",
          patchesAllowed: "yes",
          hsts: { enable: "on" },
          webhooks: { schemaPublished: [{ uri: "ftp://x" }, { uri: "http://y", vendorPrefixes: "com" }] },
        }),
        env: { DATABASE_URL: "http://db", IGLU_SUPER_API_KEY: "root" },
      }),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const at = "config file iglu.json: setting";
    expect(r.error.problems).toEqual([
      expect.stringContaining("unknown setting 'prot'"),
      "--host: must not be empty",
      `${at} 'port': expected an integer from 0 to 65535, got "eighty"`,
      "DATABASE_URL: 'http://db' must be a postgres:// URL, 'dummy', or empty for embedded PGlite",
      "super API key 'root' is not a UUID",
      `${at} 'hsts'.enable: expected true or false`,
      `${at} 'patchesAllowed': expected true or false`,
      `${at} 'webhooks'.schemaPublished[0].uri: 'ftp://x' is not an http(s) URL`,
      `${at} 'webhooks'.schemaPublished[1].vendorPrefixes: expected an array of strings`,
    ]);
    expect(r.error.message).toBe(r.error.problems.join("\n"));
  });

  test("an unreadable file is one problem; the other sources are still checked", () => {
    const r = resolveIgluServerConfig(
      sources({ file: { path: "iglu.json", text: "{" }, flags: { port: "http" } }),
    );
    expect(!r.ok && r.error.problems).toEqual([
      expect.stringMatching(/^config file iglu.json: not valid JSON/),
      '--port: expected an integer from 0 to 65535, got "http"',
    ]);
  });
});
