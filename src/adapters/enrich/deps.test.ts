/** @module Tests of the Bun dependencies of enrichments: assets from files and HTTP. */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { assetLocation, enrichmentDeps } from "./deps.ts";
import { LineSink } from "./line-sink.ts";

const dir = mkdtempSync(join(tmpdir(), "furrow-deps-"));
writeFileSync(join(dir, "db.mmdb"), new Uint8Array([1, 2, 3]));
const server = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  fetch: (req) =>
    new URL(req.url).pathname === "/assets/db.mmdb"
      ? new Response(new Uint8Array([4, 5]))
      : new Response("no", { status: 404 }),
});
afterAll(() => {
  server.stop(true);
  rmSync(dir, { recursive: true, force: true });
});

describe("enrichmentDeps", () => {
  const deps = enrichmentDeps({ baseDir: dir, now: () => 42 });

  test("joins uri and database with one slash, as Snowplow does", () => {
    expect(assetLocation("http://h/x", "db.mmdb")).toBe("http://h/x/db.mmdb");
    expect(assetLocation("http://h/x/", "db.mmdb")).toBe("http://h/x/db.mmdb");
  });

  test("reads local paths (relative to the enrichments directory) and file: URLs", async () => {
    expect([...(await deps.loadAsset(".", "db.mmdb"))]).toEqual([1, 2, 3]);
    expect([...(await deps.loadAsset(dir, "db.mmdb"))]).toEqual([1, 2, 3]);
    expect([...(await deps.loadAsset(pathToFileURL(dir).href, "db.mmdb"))]).toEqual([1, 2, 3]);
    await expect(deps.loadAsset(".", "missing.mmdb")).rejects.toThrow();
  });

  test("downloads http(s) assets, failing on an error status", async () => {
    expect([...(await deps.loadAsset(`http://127.0.0.1:${server.port}/assets`, "db.mmdb"))]).toEqual([4, 5]);
    await expect(deps.loadAsset(`http://127.0.0.1:${server.port}/other`, "db.mmdb")).rejects.toThrow(
      "HTTP 404",
    );
  });

  test("refuses an s3 location without a key, and passes the clock through", async () => {
    await expect(deps.loadAsset("s3://bucket-only", "")).rejects.toThrow("s3://bucket/key");
    expect(deps.now()).toBe(42);
    expect(deps.services).toEqual({});
  });
});

describe("LineSink", () => {
  test("writes each record as a line and acknowledges once written", async () => {
    let out = "";
    const sink = new LineSink((t) => {
      out += t;
    });
    const enc = new TextEncoder();
    await sink.write([
      { data: enc.encode("a\tb"), partitionKey: "k" },
      { data: enc.encode("{}"), partitionKey: "k" },
    ]);
    await sink.write([]);
    expect(out).toBe("a\tb\n{}\n");
    expect(sink.recordsWritten).toBe(2);
  });
});
