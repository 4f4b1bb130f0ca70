/**
 * @module
 * The S3 loader when S3 fails, on kinesalite, dynalite and s3rver, with the fault proxy between the
 * loader and s3rver (it forwards S3's REST calls as they are):
 * - S3 down mid-batch (connections refused, or 503 answers), then back: nothing is lost, the
 *   checkpoint does not pass the unwritten records while S3 is down, and no record is written twice;
 * - answers lost after S3 stored the file: the retry writes the same key, so one object;
 * - a crash after a file is written but before its checkpoint: with `sequence` naming the next
 *   worker writes the same key again (one object per record range); with `uuid` naming the same
 *   crash leaves a second copy, which is the at-least-once duplicate replay also allows.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type FaultProxy, startFaultProxy } from "../../src/adapters/engines/fault-proxy.ts";
import { s3Client } from "../../src/adapters/s3/client.ts";
import { S3ObjectStore } from "../../src/adapters/s3/object-store.ts";
import { startS3Loader } from "../../src/apps/s3-loader/main.ts";
import type { ObjectStore } from "../../src/ports/object-store.ts";
import { lastSequenceNumbers } from "../support/kinesis-stream-contents.ts";
import {
  checkpoints,
  counts,
  type Engines,
  loaderConfig,
  provisionStage,
  putRecords,
  REGION,
  startEngines,
  storedRecords,
  waitFor,
} from "./loader-under-test.ts";

let engines: Engines;
let proxy: FaultProxy;
beforeAll(async () => {
  engines = await startEngines();
  proxy = await startFaultProxy({ target: engines.s3.url });
});
afterAll(async () => {
  await proxy?.stop();
  await engines?.stop();
});

const utf8 = new TextEncoder();
const lines = (from: number, n: number) => Array.from({ length: n }, (_, i) => `app\tweb\tline-${from + i}`);
const all = (files: Map<string, string[]>) => [...files.values()].flat();

describe("S3 loader faults", () => {
  for (const mode of ["refuse", "unavailable"] as const) {
    test(`S3 down mid-batch (${mode}), then back: no loss, no duplicate, checkpoint held while down`, async () => {
      const topology = await provisionStage(engines, `fault-${mode}`);
      const stream = topology.streams.enriched.name;
      const config = loaderConfig(engines, topology, "enriched", { s3Endpoint: proxy.url });
      const log: string[] = [];
      const loader = await startS3Loader(config, {
        idleTimeBetweenReadsMs: 100,
        retry: { initialMs: 100, maxMs: 400 },
        log: (line) => log.push(line),
      });
      try {
        await putRecords(
          engines.kinesisClient,
          stream,
          lines(0, 100).map((l) => utf8.encode(l)),
        );
        await waitFor(
          async () =>
            all(await storedRecords(engines, topology.bucket.name, "enriched/", "enriched")).length >= 100,
          "the first 100 lines",
        );
        const before = await lastSequenceNumbers(engines.kinesisClient, stream);
        await waitFor(
          async () =>
            JSON.stringify(await checkpoints(engines, config.input.appName)) === JSON.stringify(before),
          "checkpoints of the first 100",
        );
        const filesBefore = (await storedRecords(engines, topology.bucket.name, "enriched/", "enriched"))
          .size;

        await proxy.down(mode);
        await putRecords(
          engines.kinesisClient,
          stream,
          lines(100, 150).map((l) => utf8.encode(l)),
        );
        await waitFor(() => loader.app.metrics().failedPuts >= 3, "three failed puts");
        expect(loader.app.isHealthy()).toBe(false);
        expect(loader.app.metrics().flushesInProgress).toBeGreaterThan(0);
        // While S3 is down: nothing new stored, and no checkpoint past what was stored.
        await Bun.sleep(500);
        expect((await storedRecords(engines, topology.bucket.name, "enriched/", "enriched")).size).toBe(
          filesBefore,
        );
        expect(await checkpoints(engines, config.input.appName)).toEqual(before);
        expect(log.some((l) => l.includes("could not write enriched/"))).toBe(true);

        await proxy.up();
        await waitFor(
          async () =>
            all(await storedRecords(engines, topology.bucket.name, "enriched/", "enriched")).length >= 250,
          "all 250 lines",
        );
        const after = await lastSequenceNumbers(engines.kinesisClient, stream);
        await waitFor(
          async () =>
            JSON.stringify(await checkpoints(engines, config.input.appName)) === JSON.stringify(after),
          "checkpoints of all 250",
        );
        expect(loader.app.isHealthy()).toBe(true);
      } finally {
        await proxy.up();
        await loader.stop();
      }
      const files = await storedRecords(engines, topology.bucket.name, "enriched/", "enriched");
      expect(counts(all(files))).toEqual(counts(lines(0, 250)));
    });
  }

  test("answers lost after S3 stored the file: the retry replaces it, one object", async () => {
    const topology = await provisionStage(engines, "fault-lost", 1);
    const config = loaderConfig(engines, topology, "enriched", { s3Endpoint: proxy.url });
    const loader = await startS3Loader(config, {
      idleTimeBetweenReadsMs: 100,
      retry: { initialMs: 100, maxMs: 200 },
    });
    try {
      proxy.rules = { loseResponses: 1 };
      await putRecords(
        engines.kinesisClient,
        topology.streams.enriched.name,
        lines(0, 50).map((l) => utf8.encode(l)),
      );
      await waitFor(() => loader.app.metrics().failedPuts >= 2, "two lost answers");
      expect(proxy.stats.lostResponses).toBeGreaterThanOrEqual(2);
      // S3 holds the file already, under the key the loader keeps retrying.
      expect((await storedRecords(engines, topology.bucket.name, "enriched/", "enriched")).size).toBe(1);
      proxy.rules = {};
      await waitFor(() => loader.app.metrics().filesWritten >= 1, "the file acknowledged");
    } finally {
      proxy.rules = {};
      await loader.stop();
    }
    const files = await storedRecords(engines, topology.bucket.name, "enriched/", "enriched");
    expect(files.size).toBe(1);
    expect(counts(all(files))).toEqual(counts(lines(0, 50)));
  });

  /** A store that writes, then goes silent, as if the process died right after S3 took the file. */
  function dyingAfterWrite(store: ObjectStore): ObjectStore & { died: boolean } {
    return {
      bucket: store.bucket,
      died: false,
      async put(object) {
        await store.put(object);
        this.died = true;
        return new Promise<void>(() => {});
      },
      get: (key) => store.get(key),
      list: (prefix) => store.list(prefix),
    };
  }

  for (const naming of ["sequence", "uuid"] as const) {
    test(`a crash between write and checkpoint, then a restart (${naming} naming)`, async () => {
      const topology = await provisionStage(engines, `fault-crash-${naming}`);
      const config = loaderConfig(engines, topology, "enriched", { output: { naming } });
      await putRecords(
        engines.kinesisClient,
        topology.streams.enriched.name,
        lines(0, 80).map((l) => utf8.encode(l)),
      );
      const s3 = s3Client({ endpoint: engines.s3.url, region: REGION });
      const dying = dyingAfterWrite(new S3ObjectStore(s3, topology.bucket.name));
      const first = await startS3Loader(config, {
        idleTimeBetweenReadsMs: 100,
        store: dying,
        stopDeadlineMs: 200,
      });
      await waitFor(() => dying.died, "the first file written");
      await Bun.sleep(300);
      await first.stop();
      s3.destroy();
      // Nothing was checkpointed: the files were never acknowledged.
      expect(
        Object.values(await checkpoints(engines, config.input.appName)).every((c) => c === "TRIM_HORIZON"),
      ).toBe(true);
      const written = await storedRecords(engines, topology.bucket.name, "enriched/", "enriched");
      expect(written.size).toBeGreaterThan(0);

      const second = await startS3Loader(config, { idleTimeBetweenReadsMs: 100 });
      try {
        const last = await lastSequenceNumbers(engines.kinesisClient, topology.streams.enriched.name);
        await waitFor(
          async () =>
            JSON.stringify(await checkpoints(engines, config.input.appName)) === JSON.stringify(last),
          "the restart's checkpoints",
        );
      } finally {
        await second.stop();
      }
      const files = await storedRecords(engines, topology.bucket.name, "enriched/", "enriched");
      if (naming === "sequence") {
        // The restart wrote the same keys: every record once.
        for (const key of written.keys()) expect(files.has(key)).toBe(true);
        expect(counts(all(files))).toEqual(counts(lines(0, 80)));
      } else {
        // New names: what the first worker wrote is there twice; nothing is missing.
        const seen = counts(all(files));
        for (const line of lines(0, 80)) expect(seen.get(line)).toBeGreaterThanOrEqual(1);
        expect([...seen.values()].some((n) => n === 2)).toBe(true);
      }
    });
  }
});
