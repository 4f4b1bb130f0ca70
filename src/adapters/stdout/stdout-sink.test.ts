/** @module Tests of the stdout sink: Snowplow's PrintingSink format, acknowledgement and back-pressure. */
import { describe, expect, test } from "bun:test";
import { decodeBase64 } from "../../core/thrift/base64.ts";
import { decodeCollectorPayload, encodeCollectorPayload } from "../../core/thrift/collector-payload.ts";
import { RecordSinkError } from "../../ports/record-sink.ts";
import { StdoutSink } from "./stdout-sink.ts";

const record = (path: string) => ({
  data: encodeCollectorPayload({ timestamp: 1, path }),
  partitionKey: "k",
});

describe("StdoutSink", () => {
  test("prints one unpadded base64 record per line", async () => {
    let out = "";
    const sink = new StdoutSink({
      write: (text) => {
        out += text;
      },
    });
    await sink.write([record("/i"), record("/ice.png")]);
    const lines = out.split("\n");
    expect(lines.length).toBe(3);
    expect(lines[2]).toBe("");
    for (const [i, path] of ["/i", "/ice.png"].entries()) {
      expect(lines[i]).not.toContain("=");
      const bytes = decodeBase64(lines[i]!);
      if (!bytes.ok) throw new Error(bytes.error.message);
      const p = decodeCollectorPayload(bytes.value);
      expect(p.ok && p.value.path).toBe(path);
    }
    expect(sink.recordsWritten).toBe(2);
  });

  test("acknowledges once an asynchronous writer settles, bounding what is in flight", async () => {
    const pending: (() => void)[] = [];
    const sink = new StdoutSink({
      write: () => new Promise<void>((resolve) => pending.push(resolve)),
      maxBufferedBytes: 100,
    });
    let acknowledged = false;
    const first = sink.write([record("/i")]).then(() => {
      acknowledged = true;
    });
    expect(sink.hasRoom(1)).toBe(true);
    const big = record("/" + "x".repeat(200));
    void sink.write([big]);
    expect(sink.hasRoom(1)).toBe(false);
    await Bun.sleep(0);
    expect(acknowledged).toBe(false);
    for (const resolve of pending.splice(0)) resolve();
    await first;
    await sink.flush();
    expect(acknowledged).toBe(true);
    expect(sink.bufferedBytes).toBe(0);
    expect(sink.hasRoom(1)).toBe(true);
  });

  test("a failing writer rejects the write and makes the sink unhealthy until one succeeds", async () => {
    let fail = true;
    const sink = new StdoutSink({
      write: () => {
        if (fail) throw new Error("EPIPE");
      },
    });
    await expect(sink.write([record("/i")])).rejects.toThrow("EPIPE");
    expect(sink.isHealthy()).toBe(false);
    fail = false;
    await sink.write([record("/i")]);
    expect(sink.isHealthy()).toBe(true);
    expect(sink.failedWrites).toBe(1);
  });

  test("refuses records over maxRecordBytes and writes after close", async () => {
    const sink = new StdoutSink({ write: () => {}, maxRecordBytes: 10 });
    await expect(sink.write([record("/i")])).rejects.toBeInstanceOf(RecordSinkError);
    await sink.close();
    await expect(sink.write([])).rejects.toThrow("closed");
    expect(sink.hasRoom(1)).toBe(false);
  });
});
