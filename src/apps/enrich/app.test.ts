/** @module Tests of the enrich app's batch handling: outputs, acknowledgement, size limits. */
import { describe, expect, test } from "bun:test";
import { testResolver } from "../../../test/support/enrich-test-resolver.ts";
import { MemorySink } from "../../adapters/memory/memory-sink.ts";
import { EnrichPipeline } from "../../core/enrich/pipeline.ts";
import { ETL_TSTAMP, pixel, TEST_PROCESSOR, tp2Post } from "../../core/enrich/test-records.test-support.ts";
import { decodeEnrichedTsv } from "../../core/event/tsv.ts";
import { repoFailure } from "../../core/iglu/registry.ts";
import { Resolver } from "../../core/iglu/resolver.ts";
import { err } from "../../core/result.ts";
import { EnrichApp } from "./app.ts";

const text = (sink: MemorySink) => sink.records.map((r) => new TextDecoder().decode(r.data));
const setup = (options: { emitFailed?: boolean; goodLimit?: number; badLimit?: number } = {}) => {
  const good = new MemorySink(options.goodLimit ? { maxRecordBytes: options.goodLimit } : {});
  const bad = new MemorySink(options.badLimit ? { maxRecordBytes: options.badLimit } : {});
  const failed = new MemorySink();
  const pipeline = new EnrichPipeline({
    resolver: testResolver(),
    processor: TEST_PROCESSOR,
    emitFailed: options.emitFailed ?? false,
  });
  const app = new EnrichApp({ pipeline, sinks: { good, bad, failed }, now: () => ETL_TSTAMP });
  return { app, good, bad, failed };
};

describe("EnrichApp.processBatch", () => {
  test("writes enriched TSV and bad-row JSON, in record order", async () => {
    const { app, good, bad } = setup();
    const summary = await app.processBatch([
      pixel({ e: "pv", aid: "one" }),
      pixel({ e: "pv", tid: "x" }),
      tp2Post([
        { e: "pp", p: "web", tv: "js", aid: "two" },
        { e: "se", p: "web", tv: "js", aid: "three" },
      ]),
      new Uint8Array([1, 2, 3]),
    ]);
    expect(summary).toEqual({ records: 4, good: 3, bad: 2, failed: 0 });
    const events = text(good).map((line) => {
      const e = decodeEnrichedTsv(line);
      if (!e.ok) throw new Error(JSON.stringify(e.error));
      return e.value;
    });
    expect(events.map((e) => e.app_id)).toEqual(["one", "two", "three"]);
    expect(events.every((e) => e.etl_tstamp === ETL_TSTAMP)).toBe(true);
    expect(text(bad).map((line) => JSON.parse(line).schema)).toEqual([
      "iglu:com.snowplowanalytics.snowplow.badrows/schema_violations/jsonschema/2-0-1",
      "iglu:com.snowplowanalytics.snowplow.badrows/collector_payload_format_violation/jsonschema/1-0-0",
    ]);
    expect(good.records[0]!.partitionKey).toMatch(/^[0-9a-f-]{36}$/);
  });

  test("resolves only once every sink acknowledged the batch", async () => {
    const { app, good, bad } = setup();
    bad.pause();
    let done = false;
    const batch = app.processBatch([pixel({ e: "pv" }), pixel({ tid: "x" })]).then(() => {
      done = true;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(done).toBe(false);
    expect(good.recordsWritten).toBe(1);
    bad.resume();
    await batch;
    expect(done).toBe(true);
  });

  test("failed events go to the failed sink, cleaned, when the pipeline emits them", async () => {
    const { app, failed, bad } = setup({ emitFailed: true });
    await app.processBatch([pixel({ e: "pv", tid: "x" })]);
    expect(bad.recordsWritten).toBe(1);
    const line = text(failed)[0]!;
    const event = decodeEnrichedTsv(line);
    expect(event.ok && event.value.derived_contexts[0]!.schema).toBe(
      "iglu:com.snowplowanalytics.snowplow/failure/jsonschema/1-0-0",
    );
  });

  test("an event too large for its stream becomes a size_violation, cut to a tenth of the limit", async () => {
    const { app, good, bad } = setup({ goodLimit: 2000 });
    await app.processBatch([pixel({ e: "pv", page: "t".repeat(1900) })]);
    expect(good.recordsWritten).toBe(0);
    const row = JSON.parse(text(bad)[0]!);
    expect(row.schema).toBe("iglu:com.snowplowanalytics.snowplow.badrows/size_violation/jsonschema/1-0-0");
    expect(row.data.failure).toMatchObject({
      maximumAllowedSizeBytes: 2000,
      expectation: "event passed enrichment but exceeded the maximum allowed size as a result",
    });
    expect(row.data.payload).toHaveLength(200);
  });

  test("a bad row too large for its stream becomes a size_violation of itself", async () => {
    const { app, bad } = setup({ badLimit: 3000 });
    await app.processBatch([pixel({ e: "pv", tid: "x", page: "t".repeat(5000) })]);
    const row = JSON.parse(text(bad)[0]!);
    expect(row.data.failure.expectation).toBe("bad row exceeded the maximum allowed size");
    expect(row.data.failure.actualSizeBytes).toBeGreaterThan(3000);
  });

  test("an unreachable Iglu fails the batch, writing nothing", async () => {
    const good = new MemorySink();
    const bad = new MemorySink();
    const down = {
      name: "down",
      priority: 0,
      vendorPrefixes: [],
      location: "http://127.0.0.1:1",
      kind: "Http" as const,
      lookup: async () => err(repoFailure("connection refused")),
      list: async () => err(repoFailure("connection refused")),
    };
    const pipeline = new EnrichPipeline({
      resolver: new Resolver([down], { cacheSize: 10 }),
      processor: TEST_PROCESSOR,
    });
    const app = new EnrichApp({ pipeline, sinks: { good, bad } });
    await expect(
      app.processBatch([pixel({ e: "pv" }), tp2Post([{ e: "pv", p: "web", tv: "js" }])]),
    ).rejects.toThrow();
    expect(good.recordsWritten + bad.recordsWritten).toBe(0);
  });
});
