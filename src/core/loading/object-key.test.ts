/** @module Output paths, Snowplow file names and key normalization. */
import { describe, expect, test } from "bun:test";
import {
  compareKeys,
  fileName,
  fileTimestamp,
  normalizeKey,
  objectKey,
  parseOutputPath,
  sequenceFileId,
} from "./object-key.ts";

describe("parseOutputPath", () => {
  test("s3://bucket/folder, and 2.x's bare bucket/folder", () => {
    expect(parseOutputPath("s3://furrow-local-pipeline/raw/")).toEqual({
      ok: true,
      value: { bucket: "furrow-local-pipeline", directory: "raw" },
    });
    expect(parseOutputPath("acme-out/a//b/./c")).toEqual({
      ok: true,
      value: { bucket: "acme-out", directory: "a/b/c" },
    });
    expect(parseOutputPath("s3://acme-out")).toEqual({
      ok: true,
      value: { bucket: "acme-out", directory: "" },
    });
  });

  test("refuses other schemes, bad bucket names and ..", () => {
    expect(parseOutputPath("gs://acme/x").ok).toBe(false);
    expect(parseOutputPath("s3://Acme_Bucket/x").ok).toBe(false);
    expect(parseOutputPath("s3://acme-out/../x").ok).toBe(false);
  });
});

describe("file names", () => {
  const time = Date.parse("2024-02-09T07:05:03.999Z");

  test("Snowplow 3.x: {prefix}yyyy-MM-dd-HHmmss-{uuid}.gz in UTC", () => {
    expect(fileTimestamp(time)).toBe("2024-02-09-070503");
    expect(
      fileName({ prefix: "pre-", time, id: "0b6c3f9e-0000-4000-8000-000000000000", extension: ".gz" }),
    ).toBe("pre-2024-02-09-070503-0b6c3f9e-0000-4000-8000-000000000000.gz");
  });

  test("sequence ids name the shard and the first sequence number", () => {
    expect(
      sequenceFileId("shardId-000000000001", "49590338271490256608559692538361571095921575989136588898"),
    ).toBe("shardId-000000000001-49590338271490256608559692538361571095921575989136588898");
  });

  test("keys join folder, partition and name, normalized as Paths.normalize", () => {
    const name = { prefix: "", time, id: "x", extension: ".parquet" };
    expect(objectKey({ bucket: "b-1", directory: "enriched" }, "year=2024/", name)).toBe(
      "enriched/year=2024/2024-02-09-070503-x.parquet",
    );
    expect(objectKey({ bucket: "b-1", directory: "" }, "", name)).toBe("2024-02-09-070503-x.parquet");
    expect(normalizeKey("a/", "/./b", "")).toBe("a/b");
    expect(normalizeKey("a/../b")).toBeNull();
  });
});

describe("compareKeys", () => {
  test("is UTF-8 byte order, which differs from UTF-16 order above U+D7FF", () => {
    const keys = ["\uff5e", "\u{1f600}", "a", "Z", "\u00e9"];
    const utf8 = new TextEncoder();
    const byBytes = [...keys].sort((a, b) => {
      const x = utf8.encode(a);
      const y = utf8.encode(b);
      for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
      return x.length - y.length;
    });
    expect([...keys].sort(compareKeys)).toEqual(byBytes);
    expect([...keys].sort()).not.toEqual(byBytes);
  });
});
