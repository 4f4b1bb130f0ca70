/** @module node:zlib gzip reads back with the core's Web gunzip, and the other way round. */
import { describe, expect, test } from "bun:test";
import { gunzipSync } from "node:zlib";
import { gunzip, gzip, isGzip } from "../../core/loading/gzip.ts";
import { zlibGzip } from "./zlib-gzip.ts";

describe("zlibGzip", () => {
  test("is gzip the Web DecompressionStream reads, and vice versa", async () => {
    const body = new Uint8Array(200_000);
    for (let i = 0; i < body.length; i++) body[i] = (i * 31) % 251;
    const ours = await zlibGzip(body);
    expect(isGzip(ours)).toBe(true);
    expect(Buffer.from(await gunzip(ours)).equals(Buffer.from(body))).toBe(true);
    expect(Buffer.from(gunzipSync(await gzip(body))).equals(Buffer.from(body))).toBe(true);
  });
});
