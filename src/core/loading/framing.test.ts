/** @module Line framing of each purpose and the gzip around it, read back. */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { frameLines, hasLineBreak, lineRecord, splitLines } from "./framing.ts";
import { gunzip, gzip, isGzip } from "./gzip.ts";

const utf8 = new TextEncoder();
const text = new TextDecoder();

describe("frameLines", () => {
  test("enriched and bad records are written as they are, each followed by \\n (2.x GZipSerializer)", () => {
    const body = frameLines("enriched", [utf8.encode("a\tb"), utf8.encode("c\td")]);
    expect(text.decode(body)).toBe("a\tb\nc\td\n");
  });

  test("raw records are padded standard base64, one per line", () => {
    const body = frameLines("raw", [new Uint8Array([0x0a, 0xff, 0x00]), new Uint8Array([0x0a])]);
    expect(text.decode(body)).toBe("Cv8A\nCg==\n");
  });

  test("raw records with newline bytes come back whole, through gzip", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 30 }), async (records) => {
        const file = await gzip(frameLines("raw", records));
        expect(isGzip(file)).toBe(true);
        const lines = splitLines(text.decode(await gunzip(file)));
        expect(lines.length).toBe(records.length);
        lines.forEach((line, i) => {
          const back = lineRecord("raw", line);
          expect(back.ok && [...back.value]).toEqual([...records[i]!]);
        });
      }),
      { numRuns: 50 },
    );
  });
});

describe("reading lines", () => {
  test("takes 2.x files (\\n after each) and 3.x files (\\n between), and \\r\\n", () => {
    expect(splitLines("a\nb\n")).toEqual(["a", "b"]);
    expect(splitLines("a\nb")).toEqual(["a", "b"]);
    expect(splitLines("a\r\nb\r\n")).toEqual(["a", "b"]);
    expect(splitLines("")).toEqual([]);
  });

  test("a raw line that is not base64 is an error; other lines are their UTF-8", () => {
    expect(lineRecord("raw", "not base64!").ok).toBe(false);
    const tsv = lineRecord("enriched", "caf\u00e9\tx");
    expect(tsv.ok && text.decode(tsv.value)).toBe("caf\u00e9\tx");
  });

  test("hasLineBreak finds \\n and \\r", () => {
    expect(hasLineBreak(utf8.encode("a\tb"))).toBe(false);
    expect(hasLineBreak(utf8.encode("a\nb"))).toBe(true);
    expect(hasLineBreak(utf8.encode("a\rb"))).toBe(true);
  });
});

describe("gzip", () => {
  test("round-trips bodies larger than one slice", async () => {
    const body = new Uint8Array(300_000);
    for (let i = 0; i < body.length; i++) body[i] = (i * 7919) & 0xff;
    const back = await gunzip(await gzip(body));
    expect(back.length).toBe(body.length);
    expect(back.every((b, i) => b === body[i])).toBe(true);
  });

  test("an empty body is a valid gzip file of nothing", async () => {
    expect((await gunzip(await gzip(new Uint8Array(0)))).length).toBe(0);
  });

  test("gunzip rejects what is not gzip", async () => {
    await expect(gunzip(utf8.encode("plain text, not gzip"))).rejects.toThrow();
    expect(isGzip(utf8.encode("plain"))).toBe(false);
  });
});
