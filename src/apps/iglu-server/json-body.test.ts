/** @module Tests for request bodies: size limit, depth limit, malformed JSON, lossless numbers. */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { exceedsDepth, parseJsonBody, parseLosslessJson, readBodyText } from "./json-body.ts";

const request = (body: BodyInit | null, headers: Record<string, string> = {}) =>
  new Request("http://x/", { method: "POST", body, headers });

describe("readBodyText", () => {
  test("reads up to the limit, refuses one byte more, declared or streamed", async () => {
    expect(await readBodyText(request("a".repeat(10)), 10)).toEqual({ ok: true, value: "a".repeat(10) });
    expect(await readBodyText(request("a".repeat(11)), 10)).toEqual({
      ok: false,
      error: { kind: "TooLarge" },
    });
    const lying = request("small", { "content-length": "999999" });
    expect(await readBodyText(lying, 10)).toEqual({ ok: false, error: { kind: "TooLarge" } });
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 5; i++) c.enqueue(new Uint8Array(4));
        c.close();
      },
    });
    expect(
      await readBodyText(
        new Request("http://x/", { method: "POST", body: stream, duplex: "half" } as RequestInit),
        10,
      ),
    ).toEqual({
      ok: false,
      error: { kind: "TooLarge" },
    });
    expect(await readBodyText(request(null), 10)).toEqual({ ok: true, value: "" });
  });

  test("invalid UTF-8 is malformed", async () => {
    expect(await readBodyText(request(new Uint8Array([0x22, 0xc3, 0x28, 0x22])), 100)).toEqual({
      ok: false,
      error: { kind: "Malformed" },
    });
  });
});

describe("depth", () => {
  const nested = (depth: number) => `${"[".repeat(depth)}1${"]".repeat(depth)}`;

  test("a value may sit inside 39 containers when the limit is 40 (the reference's count)", () => {
    expect(exceedsDepth(JSON.parse(nested(39)), 40)).toBe(false);
    expect(exceedsDepth(JSON.parse(nested(40)), 40)).toBe(true);
    // An empty innermost container holds no value.
    expect(exceedsDepth(JSON.parse(`${"[".repeat(40)}${"]".repeat(40)}`), 40)).toBe(false);
    expect(exceedsDepth(1, 0)).toBe(true);
  });

  test("parseJsonBody: malformed, too deep, or JSON with its text", () => {
    expect(parseJsonBody("", 40)).toEqual({ ok: false, error: { kind: "Malformed" } });
    expect(parseJsonBody("{", 40)).toEqual({ ok: false, error: { kind: "Malformed" } });
    expect(parseJsonBody(nested(100_000), 40)).toEqual({ ok: false, error: { kind: "TooDeep" } });
    expect(parseJsonBody('{"a":[1]}', 40)).toEqual({
      ok: true,
      value: { json: { a: [1] }, text: '{"a":[1]}' },
    });
  });

  test("numbers beyond a double become ±MAX_VALUE for checks, keep their text", () => {
    const parsed = parseJsonBody('{"a":1e400,"b":-1e999}', 40);
    expect(parsed.ok && parsed.value.json).toEqual({ a: Number.MAX_VALUE, b: -Number.MAX_VALUE });
    expect(JSON.stringify(parseLosslessJson('{"a":1e400,"b":-1e999}'))).toBe('{"a":1e400,"b":-1e999}');
  });
});

describe("parseLosslessJson", () => {
  test("keeps number text a double would change, and nothing else", () => {
    const text =
      '{"big":9223372036854775807,"dec":1.50,"exp":1E+2,"neg0":-0,"plain":42,"f":0.5,"arr":[1.0,2]}';
    expect(JSON.stringify(parseLosslessJson(text))).toBe(text);
    const value = parseLosslessJson('{"plain":42,"f":0.5}') as Record<string, unknown>;
    expect(value).toEqual({ plain: 42, f: 0.5 });
  });

  test("JSON.stringify of the lossless parse reproduces compact JSON text exactly", () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        const compact = JSON.stringify(JSON.parse(text));
        return JSON.stringify(parseLosslessJson(compact)) === compact;
      }),
    );
  });
});
