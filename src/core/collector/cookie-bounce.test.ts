/** @module Tests of the cookie bounce Location and detection (core/Service.scala `bounceLocationHeaders`). */
import { describe, expect, test } from "bun:test";
import { alreadyBouncing, bounceLocation, DEFAULT_COOKIE_BOUNCE_SETTINGS } from "./cookie-bounce.ts";

const ON = { ...DEFAULT_COOKIE_BOUNCE_SETTINGS, enabled: true };

describe("cookie bounce", () => {
  test("a bounce goes back to the same path and query plus n3pc=true", () => {
    expect(bounceLocation(ON, "/i", "e=pv")).toBe("/i?e=pv&n3pc=true");
    expect(bounceLocation(ON, "/i", "")).toBe("/i?n3pc=true");
    expect(bounceLocation({ ...ON, name: "bounced" }, "/com.acme/t", "a=1")).toBe(
      "/com.acme/t?a=1&bounced=true",
    );
  });

  test("with a forwarded scheme and a Host the Location is absolute", () => {
    expect(bounceLocation(ON, "/i", "e=pv", { scheme: "HTTPS", host: "c.acme.com" })).toBe(
      "https://c.acme.com/i?e=pv&n3pc=true",
    );
    expect(bounceLocation(ON, "/i", "e=pv", { scheme: "ftp", host: "c.acme.com" })).toBe("/i?e=pv&n3pc=true");
    expect(bounceLocation(ON, "/i", "e=pv", { scheme: "https", host: undefined })).toBe("/i?e=pv&n3pc=true");
  });

  test("characters a header cannot carry are percent-encoded (found by fuzzing)", () => {
    expect(bounceLocation(ON, "/i", "a=\u06cb\u00e9 x")).toBe("/i?a=%DB%8B%C3%A9%20x&n3pc=true");
    expect(bounceLocation(ON, "/i", "e=pv", { scheme: "https", host: "a b" })).toBe(
      "https://a%20b/i?e=pv&n3pc=true",
    );
    expect(bounceLocation(ON, "/i", "a=%zz\ud800")).toBe("/i?a=%zz%EF%BF%BD&n3pc=true");
  });

  test("a request is the bounced one when its raw query holds the name", () => {
    expect(alreadyBouncing(ON, "e=pv&n3pc=true")).toBe(true);
    expect(alreadyBouncing(ON, "e=pv")).toBe(false);
    expect(alreadyBouncing(DEFAULT_COOKIE_BOUNCE_SETTINGS, "n3pc=true")).toBe(false);
  });
});
