/** @module Tests for base64 forms of raw records, checked against the platform's btoa/atob. */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { decodeBase64, encodeBase64 } from "./base64.ts";

const btoaBytes = (b: Uint8Array) => btoa(Array.from(b, (x) => String.fromCharCode(x)).join(""));

describe("base64", () => {
  test("encodes as btoa does, padded or not, and decodes every variant back", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        const padded = btoaBytes(b);
        expect(encodeBase64(b)).toBe(padded);
        const unpadded = padded.replace(/=+$/, "");
        expect(encodeBase64(b, { padding: false })).toBe(unpadded);
        const url = unpadded.replaceAll("+", "-").replaceAll("/", "_");
        for (const text of [padded, unpadded, url, `${url}${padded.slice(unpadded.length)}`]) {
          const r = decodeBase64(text);
          expect(r.ok && r.value).toEqual(b);
        }
      }),
      { seed: 42, numRuns: 500 },
    );
  });

  test("the empty text is no bytes", () => {
    expect(encodeBase64(new Uint8Array())).toBe("");
    expect(decodeBase64("")).toEqual({ ok: true, value: new Uint8Array() });
  });

  test("ignores unused low bits in the last character, as Java's decoder does", () => {
    expect(decodeBase64("QR==")).toEqual({ ok: true, value: Uint8Array.of(0x41) });
  });

  test("rejects what is not base64, naming the position", () => {
    const cases: [string, number, string][] = [
      ["QUJD!", 4, `invalid base64 character "!" at position 4`],
      ["QUJDR", 4, "base64 of 5 characters is cut short: one character is left over"],
      ["QQ=", 2, "padded base64 must be a multiple of 4 characters long, got 3"],
      ["Q===", 1, `invalid base64 character '=' before the end at position 1`],
      ["QQ==QQ==", 2, `invalid base64 character '=' before the end at position 2`],
      ["QUJD é", 4, `invalid base64 character " " at position 4`],
      ["QUJDé", 4, `invalid base64 character "é" at position 4`],
    ];
    for (const [text, offset, message] of cases) {
      expect(decodeBase64(text)).toEqual({ ok: false, error: { kind: "invalid-base64", offset, message } });
    }
  });
});
