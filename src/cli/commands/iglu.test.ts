/**
 * @module
 * Tests for the Iglu commands, driven in process through `runCli`: flag and config validation,
 * `iglu-server` start and stop, `iglu-server setup` on embedded PGlite, `iglu push` into a running
 * server (twice: the second push changes nothing), and `iglu lint` on good and bad folders.
 */
import { describe, expect, test } from "bun:test";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startIgluServer } from "../../apps/iglu-server/main.ts";
import { DUMMY_SUPER_KEY } from "../../apps/iglu-server/storage/memory-store.ts";
import { parseExposition, sampleValue } from "../../core/ops/exposition.ts";
import type { CommandIO } from "../command.ts";
import { runCli } from "../main.ts";
import { loadIgluServerConfig, runIgluServer } from "./iglu.ts";

const FIXTURES = fileURLToPath(new URL("../../../fixtures/iglu", import.meta.url));

/** Runs `furrow …argv` in process; `stop` resolves the command's `stopped`. */
function run(argv: string[], stop: Promise<void> = Promise.resolve()) {
  let out = "";
  let err = "";
  const io: CommandIO = {
    stdin: new ReadableStream({ start: (c) => c.close() }),
    stdout: (t) => {
      out += t;
    },
    stderr: (t) => {
      err += t;
    },
    stopped: stop,
  };
  return {
    done: runCli(argv, io),
    out: () => out,
    err: () => err,
  };
}

describe("iglu-server config", () => {
  test("flags override the config file, which overrides the environment", async () => {
    const dir = await mkdtemp(join(tmpdir(), "furrow-iglu-cli-"));
    try {
      await writeFile(
        join(dir, "iglu.json"),
        JSON.stringify({
          port: 9000,
          databaseUrl: "postgres://file@db/iglu",
          patchesAllowed: true,
          dataDir: "pg",
          webhooks: { schemaPublished: [{ uri: "http://hook/", vendorPrefixes: ["com.acme"] }] },
          hsts: { enable: true, maxAge: 60 },
        }),
      );
      const config = await loadIgluServerConfig(
        ["--config", "iglu.json", "--port", "9100", "--super-api-key", DUMMY_SUPER_KEY.toUpperCase()],
        { DATABASE_URL: "postgres://env@db/iglu" },
        dir,
      );
      expect(config).toMatchObject({
        host: "127.0.0.1",
        port: 9100,
        storage: { kind: "postgres", url: "postgres://file@db/iglu", namespace: "public" },
        superApiKey: DUMMY_SUPER_KEY,
        patchesAllowed: true,
        hstsMaxAgeSeconds: 60,
        webhooks: [{ uri: "http://hook/", vendorPrefixes: ["com.acme"], usePost: false }],
      });
      const env = await loadIgluServerConfig(
        [],
        { DATABASE_URL: "postgres://env@db/iglu", IGLU_SUPER_API_KEY: DUMMY_SUPER_KEY },
        dir,
      );
      expect(env.storage).toEqual({ kind: "postgres", url: "postgres://env@db/iglu", namespace: "public" });
      expect(env.superApiKey).toBe(DUMMY_SUPER_KEY);
      const embedded = await loadIgluServerConfig(["--data-dir", "here"], {}, dir);
      expect(embedded.storage).toEqual({ kind: "embedded", dataDir: join(dir, "here"), namespace: "public" });
      expect((await loadIgluServerConfig(["--database-url", "dummy"], {}, dir)).storage).toEqual({
        kind: "dummy",
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("a bad flag or setting is one line and exit code 2", async () => {
    const cases: [string[], string][] = [
      [["iglu-server", "--port", "70000"], "--port: expected an integer from 0 to 65535"],
      [["iglu-server", "--database-url", "mysql://x"], "must be a postgres:// URL"],
      [["iglu-server", "--super-api-key", "nope"], "super API key 'nope' is not a UUID"],
      [["iglu-server", "--database-schema", "Bad-Name"], "database schema 'Bad-Name'"],
      [["iglu-server", "--config", "/nonexistent.json"], "--config: cannot read"],
      [["iglu-server", "--bogus"], "Unknown option"],
      [["iglu", "push", FIXTURES], "--registry URL is required"],
      [["iglu", "push", FIXTURES, "--registry", "http://x", "--api-key", "k"], "--api-key UUID is required"],
      [["iglu", "lint"], "needs a folder"],
      [["iglu", "lint", FIXTURES, "--level", "loud"], "--level"],
    ];
    for (const [argv, message] of cases) {
      const r = run(argv);
      expect([argv.join(" "), await r.done]).toEqual([argv.join(" "), 2]);
      expect(r.err()).toContain(message);
      expect(r.err().trim().split("\n")).toHaveLength(1);
    }
  });

  test("--help describes the commands", async () => {
    for (const path of [["iglu-server"], ["iglu-server", "setup"], ["iglu", "push"], ["iglu", "lint"]]) {
      const r = run([...path, "--help"]);
      expect(await r.done).toBe(0);
      expect(r.out()).toStartWith(`Usage: furrow ${path.join(" ")}`);
    }
  });
});

describe("furrow iglu-server", () => {
  test("--log-format json: JSON records on standard error, /metrics beside the API", async () => {
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    const r = run(["iglu-server", "--database-url", "dummy", "--port", "0", "--log-format", "json"], stopped);
    const records = () =>
      r
        .err()
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    for (let i = 0; i < 100 && !records().some((x) => x["event"] === "started"); i++) await Bun.sleep(20);
    const url = records().find((x) => x["event"] === "started")?.["url"] as string;
    expect(url).toStartWith("http://127.0.0.1:");
    expect(r.out()).toBe("");
    expect(await (await fetch(`${url}/api/meta/health`)).text()).toBe("OK");
    await fetch(`${url}/api/schemas/com.acme/missing/jsonschema/1-0-0`);
    const metrics = parseExposition(await (await fetch(`${url}/metrics`)).text());
    expect(
      sampleValue(metrics, "furrow_iglu_server_requests_total", {
        route: "/api/meta",
        method: "GET",
        status: "200",
      }),
    ).toBe(1);
    expect(
      sampleValue(metrics, "furrow_iglu_server_requests_total", {
        route: "/api/schemas",
        method: "GET",
        status: "404",
      }),
    ).toBe(1);
    stop();
    expect(await r.done).toBe(0);
    expect(records().map((x) => [x["app"], x["level"], x["event"]])).toEqual([
      ["iglu-server", "info", "started"],
      ["iglu-server", "info", "stopping"],
      ["iglu-server", "info", "stopped"],
    ]);
  });

  test("a bad --log-format is a usage error listed with the config's problem", async () => {
    const r = run(["iglu-server", "--port", "http", "--log-format", "xml"]);
    expect(await r.done).toBe(2);
    const lines = r.err().trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain("--port");
    expect(lines[1]).toBe("furrow iglu-server: --log-format must be one of json, text, got 'xml'");
  });

  test("serves until stopped, with dummy storage", async () => {
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    const r = run(["iglu-server", "--database-url", "dummy", "--port", "0"], stopped);
    for (let i = 0; i < 100 && !r.out().includes("listening on"); i++) await Bun.sleep(20);
    const url = /listening on (\S+)/.exec(r.out())?.[1];
    expect(url).toStartWith("http://127.0.0.1:");
    expect(await (await fetch(`${url}/api/meta/health`)).text()).toBe("OK");
    const server = await (
      await fetch(`${url}/api/meta/server`, { headers: { apikey: DUMMY_SUPER_KEY } })
    ).json();
    expect(server).toMatchObject({ database: "inmemory", authInfo: { schema: "CREATE_VENDOR" } });
    stop();
    expect(await r.done).toBe(0);
    expect(r.out()).toContain("iglu-server stopped");
    expect(await fetch(`${url}/api/meta/health`).catch(() => "refused")).toBe("refused");
  });

  test("a database that does not answer fails the start with exit code 1", async () => {
    const config = await loadIgluServerConfig(
      ["--database-url", "postgres://postgres@127.0.0.1:1/none", "--port", "0"],
      {},
      "/",
    );
    let err = "";
    const code = await runIgluServer(config, {
      stdin: new ReadableStream(),
      stdout: () => {},
      stderr: (t) => {
        err += t;
      },
      stopped: Promise.resolve(),
    });
    expect(code).toBe(1);
    expect(err).toStartWith("furrow iglu-server: ");
  }, 30_000);

  test("setup creates the tables in embedded PGlite; dummy storage has nothing to set up", async () => {
    const dir = await mkdtemp(join(tmpdir(), "furrow-iglu-setup-"));
    try {
      const r = run(["iglu-server", "setup", "--data-dir", dir]);
      expect(await r.done).toBe(0);
      expect(r.out()).toContain(`tables ready in embedded PGlite in ${dir}`);
      const again = run(["iglu-server", "setup", "--data-dir", dir]);
      expect(await again.done).toBe(0);
      // One process per data folder: a second one is refused while the first runs.
      const config = await loadIgluServerConfig(["--data-dir", dir, "--port", "0"], {}, "/");
      const server = await startIgluServer(config, () => {});
      try {
        const locked = run(["iglu-server", "setup", "--data-dir", dir]);
        expect(await locked.done).toBe(1);
        expect(locked.err()).toContain(dir);
      } finally {
        await server.stop();
      }
      const dummy = run(["iglu-server", "setup", "--database-url", "dummy"]);
      expect(await dummy.done).toBe(1);
      expect(dummy.err()).toContain("nothing to set up with dummy storage");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe("furrow iglu push and lint", () => {
  test("push uploads the good fixtures in order; a second push changes nothing", async () => {
    const server = await startIgluServer(
      {
        host: "127.0.0.1",
        port: 0,
        storage: { kind: "dummy" },
        superApiKey: null,
        patchesAllowed: false,
        debug: false,
        maxPayloadSize: 100_000,
        maxJsonDepth: 40,
        hstsMaxAgeSeconds: null,
        webhooks: [],
      },
      () => {},
    );
    try {
      const argv = [
        "iglu",
        "push",
        join(FIXTURES, "good"),
        "--registry",
        server.url,
        "--api-key",
        DUMMY_SUPER_KEY,
        "--public",
      ];
      const first = run(argv);
      expect(await first.done).toBe(0);
      expect(first.out()).toBe(
        `pushed 5 schemas to ${server.url}/api: 5 created, 0 updated, 0 unchanged, 0 failed; skipped 1 file of other formats\n`,
      );
      const second = run([...argv.slice(0, 4), `${server.url}/api/`, ...argv.slice(5)]);
      expect(await second.done).toBe(0);
      expect(second.out()).toContain("0 created, 0 updated, 5 unchanged, 0 failed");
      // Groups go up concurrently; within a group, in SchemaVer order.
      const list = (await (await fetch(`${server.url}/api/schemas`)).json()) as string[];
      expect(list.filter((u) => u.includes("button_click"))).toEqual([
        "iglu:com.furrow.test/button_click/jsonschema/1-0-0",
        "iglu:com.furrow.test/button_click/jsonschema/1-0-1",
        "iglu:com.furrow.test/button_click/jsonschema/1-1-0",
        "iglu:com.furrow.test/button_click/jsonschema/2-0-0",
      ]);
      expect(list).toContain("iglu:com.furrow.test.shop/page_view/jsonschema/1-0-0");
      const bad = run([
        "iglu",
        "push",
        join(FIXTURES, "bad"),
        "--registry",
        server.url,
        "--api-key",
        DUMMY_SUPER_KEY,
      ]);
      expect(await bad.done).toBe(1);
      expect(bad.err()).toContain(
        "failed  iglu:com.furrow.test/gap/jsonschema/1-0-2: 409 Preceding SchemaVer",
      );
      expect(bad.err()).toContain("failed  iglu:com.furrow.test/required/jsonschema/1-0-0: 400");
      expect(bad.err()).toContain("skipped com.furrow.test/mismatch/jsonschema/1-0-0");
    } finally {
      await server.stop();
    }
  });

  test("lint: the good folder has no errors, the bad one lists each problem", async () => {
    const good = run(["iglu", "lint", join(FIXTURES, "good"), "--level", "error"]);
    expect(await good.done).toBe(0);
    expect(good.out()).toMatch(/^linted 5 schemas in .*: 0 errors, \d+ warnings, \d+ infos\n$/);
    const bad = run(["iglu", "lint", join(FIXTURES, "bad"), "--level", "error"]);
    expect(await bad.done).toBe(1);
    const lines = bad.out().trim().split("\n");
    expect(lines).toContain(
      "ERROR com.furrow.test/gap/jsonschema/1-0-2 /: a registry would refuse it: Preceding SchemaVer in the group is missing, check that schemas published in proper order",
    );
    expect(lines).toContain(
      "ERROR com.furrow.test/required/jsonschema/1-0-0 /: Elements specified as required [missing] don't exist in schema properties",
    );
    expect(
      lines.some((l) => l.startsWith("ERROR com.furrow.test/mismatch/jsonschema/1-0-0 /: its self is")),
    ).toBe(true);
    expect(lines.some((l) => l.startsWith("ERROR com.furrow.test/broken/jsonschema/1-0-0 /: not JSON"))).toBe(
      true,
    );
    expect(
      lines.some((l) => l.startsWith("ERROR com.furrow.test/typo/jsonschema/1-0-0 /properties/a/type:")),
    ).toBe(true);
    expect(lines.at(-1)).toMatch(/^linted 4 schemas in .*: \d+ errors/);
  });
});
