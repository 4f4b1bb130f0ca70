/** @module Tests of the lenient base64 Enrich reads `cx`/`ue_px` with. */
import { describe, expect, test } from "bun:test";
import { decodeBase64UrlText, encodeBase64UrlText } from "./base64url.ts";

describe("lenient base64url", () => {
  test("reads both alphabets, padded or not", () => {
    const text = '{"a":"ü?>"}';
    const standard = btoa(unescape(encodeURIComponent(text)));
    expect(decodeBase64UrlText(standard)).toBe(text);
    expect(decodeBase64UrlText(encodeBase64UrlText(text))).toBe(text);
    expect(encodeBase64UrlText(text)).not.toMatch(/[+/=]/);
  });

  test("skips characters outside the alphabet and stops at padding", () => {
    expect(decodeBase64UrlText("eyJ h Ijox\nfQ==ignored")).toBe('{"a":1}');
  });

  test("never fails: garbage decodes to something (which then fails as JSON)", () => {
    expect(typeof decodeBase64UrlText("!!!not base64!!!")).toBe("string");
    expect(decodeBase64UrlText("")).toBe("");
  });
});
