/**
 * @module
 * `furrow postgres-loader`: usage errors, and file mode run in process against embedded PGlite
 * served on a socket (the command finds out it is PGlite by itself): enriched TSV with its bad rows
 * to a file, then bad rows with `--purpose bad`.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FIXTURE_REGISTRY, pageViewLines } from "../../../test/postgres-loader/fixtures.ts";
import { startPglite } from "../../adapters/engines/pglite.ts";
import type { RunningEngine } from "../../adapters/engines/running-engine.ts";
import { LoaderDatabase } from "../../apps/postgres-loader/database.ts";
import type { CommandIO } from "../command.ts";
import { runCli } from "../main.ts";

function testIo(stdin = "") {
  let out = "";
  let err = "";
  const io: CommandIO = {
    stdin: new Blob([stdin]).stream(),
    stdout: (text) => {
      out += text;
    },
    stderr: (text) => {
      err += text;
    },
    stopped: new Promise(() => {}),
  };
  return { io, out: () => out, err: () => err };
}

describe("furrow postgres-loader: usage", () => {
  test("--help describes both purposes and both modes", async () => {
    const { io, out } = testIo();
    expect(await runCli(["postgres-loader", "--help"], io)).toBe(0);
    expect(out()).toContain("--purpose P            enriched (default) or bad");
    expect(out()).toContain("--from FILE");
  });

  test("problems with the flags are usage errors, exit 2, one line each", async () => {
    const { io, err } = testIo();
    expect(await runCli(["postgres-loader", "--purpose", "all", "--from", "x"], io)).toBe(2);
    expect(err()).toContain("--database-url is required");
    expect(err()).toContain("furrow postgres-loader: --purpose must be enriched or bad, got 'all'");
  });

  test("ops and log flags are checked with the rest; --ops-port is for the stream mode", async () => {
    const { io, err } = testIo();
    expect(
      await runCli(["postgres-loader", "--purpose", "all", "--log-format", "xml", "--from", "x"], io),
    ).toBe(2);
    expect(err()).toContain("--purpose must be enriched or bad");
    expect(err()).toContain("furrow postgres-loader: --log-format must be one of json, text, got 'xml'");
    const file = testIo();
    const code = await runCli(
      [
        "postgres-loader",
        "--purpose",
        "bad",
        "--database-url",
        "postgres://x@h/db",
        "--from",
        "-",
        "--ops-port",
        "0",
      ],
      file.io,
    );
    expect(code).toBe(2);
    expect(file.err()).toContain("--ops-port is for the stream mode, not --from");
  });

  test("--lease-duration and --shutdown-timeout are checked, and are for the stream mode", async () => {
    const { io, err } = testIo();
    expect(
      await runCli(
        [
          "postgres-loader",
          "--purpose",
          "bad",
          "--database-url",
          "postgres://x@h/db",
          "--lease-duration",
          "0",
          "--shutdown-timeout",
          "later",
        ],
        io,
      ),
    ).toBe(2);
    expect(err()).toContain(
      `--lease-duration must be a positive duration like "10 seconds" or milliseconds, got '0'`,
    );
    expect(err()).toContain("--shutdown-timeout must be a positive duration");
    const file = testIo();
    const args = [
      "postgres-loader",
      "--purpose",
      "bad",
      "--database-url",
      "postgres://x@h/db",
      "--from",
      "-",
    ];
    expect(
      await runCli([...args, "--lease-duration", "3 seconds", "--shutdown-timeout", "5 seconds"], file.io),
    ).toBe(2);
    expect(file.err()).toContain("--lease-duration is for the stream mode, not --from");
    expect(file.err()).toContain("--shutdown-timeout is for the stream mode, not --from");
    const help = testIo();
    expect(await runCli(["postgres-loader", "--help"], help.io)).toBe(0);
    expect(help.out()).toContain("--lease-duration D");
    expect(help.out()).toContain("--shutdown-timeout D");
  });

  test("a resolver config that does not read is exit 2", async () => {
    const { io, err } = testIo();
    const code = await runCli(
      [
        "postgres-loader",
        "--database-url",
        "postgres://x@127.0.0.1:1/x",
        "--iglu-config",
        "/nonexistent.json",
        "--from",
        "-",
      ],
      io,
    );
    expect(code).toBe(2);
    expect(err()).toContain("cannot read /nonexistent.json");
  });

  test("a database that does not answer is exit 1", async () => {
    const { io, err } = testIo();
    const code = await runCli(
      ["postgres-loader", "--purpose", "bad", "--database-url", "postgres://x@127.0.0.1:1/x", "--from", "-"],
      io,
    );
    expect(code).toBe(1);
    expect(err()).toContain("cannot reach the database");
  });
});

describe("furrow postgres-loader: file mode on PGlite", () => {
  let engine: RunningEngine;
  let dir: string;

  beforeAll(async () => {
    engine = await startPglite();
    dir = await mkdtemp(join(tmpdir(), "furrow-pg-loader-cli-"));
    await writeFile(
      join(dir, "resolver.json"),
      JSON.stringify({
        schema: "iglu:com.snowplowanalytics.iglu/resolver-config/jsonschema/1-0-3",
        data: {
          cacheSize: 500,
          repositories: [
            {
              name: "Furrow examples",
              priority: 0,
              vendorPrefixes: ["com.furrow"],
              connection: { embedded: { path: FIXTURE_REGISTRY } },
            },
          ],
        },
      }),
    );
  }, 60_000);

  afterAll(async () => {
    await engine?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test("loads enriched TSV, writes its bad rows, and loads them with --purpose bad", async () => {
    const events = join(dir, "events.tsv");
    await writeFile(events, [...pageViewLines(120, 41), "not an enriched event", ""].join("\n"));
    const first = testIo();
    const args = ["postgres-loader", "--database-url", engine.url, "--schema", "cli_atomic"];
    const code = await runCli(
      [
        ...args,
        "--iglu-config",
        join(dir, "resolver.json"),
        "--from",
        events,
        "--bad",
        join(dir, "bad.jsonl"),
        "--batch-size",
        "50",
      ],
      first.io,
    );
    expect(first.err()).toContain("121 lines into");
    expect(first.err()).toContain("120 loaded, 0 already there, 1 bad");
    expect(code).toBe(0);
    const bad = (await readFile(join(dir, "bad.jsonl"), "utf8")).trim().split("\n");
    expect(bad.map((line) => JSON.parse(line).schema)).toEqual([
      "iglu:com.snowplowanalytics.snowplow.badrows/loader_parsing_error/jsonschema/2-0-0",
    ]);

    // Loading the same file again loads nothing twice.
    const again = testIo();
    expect(
      await runCli(
        [
          ...args,
          "--iglu-config",
          join(dir, "resolver.json"),
          "--from",
          events,
          "--bad",
          join(dir, "bad2.jsonl"),
        ],
        again.io,
      ),
    ).toBe(0);
    expect(again.err()).toContain("0 loaded, 120 already there, 1 bad");

    const badRows = testIo(bad.join("\n"));
    expect(
      await runCli(
        [
          "postgres-loader",
          "--purpose",
          "bad",
          "--database-url",
          engine.url,
          "--schema",
          "cli_bad",
          "--from",
          "-",
        ],
        badRows.io,
      ),
    ).toBe(0);
    expect(badRows.err()).toContain("1 loaded");

    const db = await LoaderDatabase.connect({ url: engine.url, embedded: true });
    try {
      const [row] = await db.query<{ events: number; products: number; parsing: number }>(
        `SELECT (SELECT count(*)::int FROM cli_atomic.events) AS events,
                (SELECT count(*)::int FROM cli_atomic.com_furrow_example_product_context_1) AS products,
                (SELECT count(*)::int FROM cli_bad.com_snowplowanalytics_snowplow_badrows_loader_parsing_error_2) AS parsing`,
      );
      expect(row).toEqual({ events: 120, products: 120, parsing: 1 });
    } finally {
      await db.close();
    }
  }, 60_000);
});
