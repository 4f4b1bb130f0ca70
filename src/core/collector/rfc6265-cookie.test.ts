/** @module Tests of the recorded Cookie header against Snowplow's Rfc6265CookieSpec and a reference. */
import { describe, expect, test } from "bun:test";
import { isCookieValue, rfc6265Cookie } from "./rfc6265-cookie.ts";

/** Snowplow's algorithm written the obvious way (replace, split, filter, join), as the oracle. */
function reference(raw: string): string | undefined {
  const octet = (c: number) =>
    c === 0x21 ||
    (c >= 0x23 && c <= 0x2b) ||
    (c >= 0x2d && c <= 0x3a) ||
    (c >= 0x3c && c <= 0x5b) ||
    (c >= 0x5d && c <= 0x7e);
  const parts = raw.replaceAll(" ", "").split(";");
  // Java's String.split drops trailing empty strings.
  while (parts.length > 1 && parts.at(-1) === "") parts.pop();
  const joined = parts.filter((p) => [...p].every((ch) => octet(ch.charCodeAt(0)))).join(";");
  return joined === "" ? undefined : joined;
}

describe("rfc6265Cookie", () => {
  test("keeps well-formed cookies, removing spaces (Rfc6265CookieSpec)", () => {
    expect(rfc6265Cookie("name=value")).toBe("name=value");
    expect(rfc6265Cookie("name1=value1; name2=value2")).toBe("name1=value1;name2=value2");
    expect(rfc6265Cookie("a=b; sp=dfdb716e-ecf9-4d00-8b10-44edfbc8a108")).toBe(
      "a=b;sp=dfdb716e-ecf9-4d00-8b10-44edfbc8a108",
    );
  });

  test("drops parts with characters outside the cookie-octets", () => {
    expect(rfc6265Cookie('name1=value1; name2="quoted"; name3=value3')).toBe("name1=value1;name3=value3");
    expect(rfc6265Cookie("a=1; b=x,y; c=\\; d=é")).toBe("a=1");
    expect(rfc6265Cookie("tab=\tx; ok=1")).toBe("ok=1");
  });

  test("nothing left means no Cookie header at all", () => {
    expect(rfc6265Cookie("")).toBeUndefined();
    expect(rfc6265Cookie("   ")).toBeUndefined();
    expect(rfc6265Cookie('a="b"')).toBeUndefined();
    expect(rfc6265Cookie(";;")).toBeUndefined();
  });

  test("keeps inner and leading empty parts but not trailing ones, as Java's split does", () => {
    expect(rfc6265Cookie("a=b;;c=d")).toBe("a=b;;c=d");
    expect(rfc6265Cookie(";a=b")).toBe(";a=b");
    expect(rfc6265Cookie("a=b; ;")).toBe("a=b");
    expect(rfc6265Cookie('a=b;;"x"')).toBe("a=b;");
  });

  test("agrees with the reference on random headers", () => {
    const alphabet = ["a", "=", "b", ";", " ", '"', ",", "\\", "x", "é", "\t", "1"];
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let i = 0; i < 20_000; i++) {
      let s = "";
      const length = Math.floor(random() * 12);
      for (let j = 0; j < length; j++) s += alphabet[Math.floor(random() * alphabet.length)];
      expect([s, rfc6265Cookie(s)]).toEqual([s, reference(s)]);
    }
  });
});

describe("isCookieValue", () => {
  test("only cookie-octets", () => {
    expect(isCookieValue("4f1c7a52-9d0e-4b8a-a5c3-2e6f8b1d9c07")).toBe(true);
    expect(isCookieValue("")).toBe(true);
    for (const bad of ["a;b", "a b", "\u0000", "€", 'a"b', "a,b", "a\\b"])
      expect(isCookieValue(bad)).toBe(false);
  });
});
