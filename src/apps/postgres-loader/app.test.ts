import { describe, expect, test } from "bun:test";
import { MemorySink } from "../../adapters/memory/memory-sink.ts";
import { genericError } from "../../core/badrows/bad-row.ts";
import { processor } from "../../core/badrows/processor.ts";
import { type BatchLoader, PostgresLoaderApp, recordText } from "./app.ts";

const encoder = new TextEncoder();
const row = genericError(
  processor("furrow-postgres-loader", "0.1.0"),
  { timestamp: new Date(0), errors: ["no"] },
  "x",
);

describe("PostgresLoaderApp", () => {
  test("loads a batch, writes its bad rows to the failures sink, and keeps totals", async () => {
    const seen: string[][] = [];
    const loader: BatchLoader = {
      async load(lines) {
        seen.push([...lines]);
        return { records: lines.length, loaded: lines.length - 1, duplicates: 0, bad: [row] };
      },
    };
    const failures = new MemorySink();
    const app = new PostgresLoaderApp({ loader, failures });
    const summary = await app.processBatch([
      encoder.encode("a\n"),
      encoder.encode("b\r\n"),
      encoder.encode("c"),
    ]);
    expect(seen).toEqual([["a", "b", "c"]]);
    expect(summary.loaded).toBe(2);
    expect(failures.records.map((r) => JSON.parse(new TextDecoder().decode(r.data)).schema)).toEqual([
      "iglu:com.snowplowanalytics.snowplow.badrows/generic_error/jsonschema/1-0-0",
    ]);
    expect(app.totals).toEqual({ batches: 1, records: 3, loaded: 2, duplicates: 0, bad: 1 });
  });

  test("does not resolve before the failures sink acknowledged the bad rows", async () => {
    const loader: BatchLoader = {
      load: async (lines) => ({ records: lines.length, loaded: 0, duplicates: 0, bad: [row] }),
    };
    const failures = new MemorySink();
    failures.pause();
    const app = new PostgresLoaderApp({ loader, failures });
    let done = false;
    const processing = app.processLines(["x"]).then(() => {
      done = true;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(done).toBe(false);
    failures.resume();
    await processing;
    expect(done).toBe(true);
  });

  test("a failing load rejects, so the consumer retries the batch", async () => {
    const loader: BatchLoader = {
      load: async () => {
        throw new Error("connection lost");
      },
    };
    const app = new PostgresLoaderApp({ loader, failures: new MemorySink() });
    await expect(app.processLines(["x"])).rejects.toThrow("connection lost");
    expect(app.totals.batches).toBe(0);
  });

  test("recordText drops one trailing line break", () => {
    expect(recordText(encoder.encode("a\tb\n"))).toBe("a\tb");
    expect(recordText(encoder.encode("a\r\n"))).toBe("a");
    expect(recordText(encoder.encode("a"))).toBe("a");
  });
});
