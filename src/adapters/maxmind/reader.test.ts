/** @module Tests for the MaxMind adapter over the project's tiny database and MaxMind's own test database. */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { assetsDir } from "../../../test/enrich-enrichments/support.ts";
import { sharedDir, sharedMissing } from "../../../test/support/shared.ts";
import { openMaxMind } from "./reader.ts";

const tiny = () => new Uint8Array(readFileSync(join(assetsDir, "maxmind/Furrow-City-Test.mmdb")));

describe("openMaxMind", () => {
  test("finds IPv4 and IPv6 records, and null outside every network", () => {
    const reader = openMaxMind(tiny());
    expect(reader.get("192.0.2.200")).toMatchObject({ country: { iso_code: "IE" } });
    expect(reader.get("2001:db8:ffff::1")).toMatchObject({ country: { iso_code: "JP" } });
    expect(reader.get("8.8.8.8")).toBeNull();
  });

  test("throws on text that is not an IP address, as the contract says", () => {
    const reader = openMaxMind(tiny());
    for (const bad of ["hello", "", "1.2.3", "1.2.3.4:80", "::g"]) expect(() => reader.get(bad)).toThrow();
  });

  test("bytes at an offset inside a larger buffer are read in place", () => {
    const bytes = tiny();
    const padded = new Uint8Array(bytes.length + 7);
    padded.set(bytes, 7);
    expect(openMaxMind(padded.subarray(7)).get("192.0.2.1")).toMatchObject({ postal: { code: "D02" } });
  });

  test("refuses bytes that are not a MaxMind database", () => {
    expect(() => openMaxMind(new TextEncoder().encode("definitely not an mmdb"))).toThrow();
  });

  test("a small cache still answers every lookup correctly", () => {
    const reader = openMaxMind(tiny(), { cacheSize: 2 });
    for (let i = 0; i < 50; i++) {
      expect(reader.get(i % 2 === 0 ? "192.0.2.9" : "198.51.100.9")).toMatchObject({
        country: { iso_code: i % 2 === 0 ? "IE" : "FR" },
      });
    }
  });

  test.skipIf(!sharedDir)(
    sharedDir ? "reads MaxMind's GeoIP2-City-Test database" : sharedMissing("MaxMind's GeoIP2 test database"),
    () => {
      const bytes = new Uint8Array(readFileSync(join(sharedDir!, "fixtures/geoip/GeoIP2-City-Test.mmdb")));
      const reader = openMaxMind(bytes);
      expect(reader.get("81.2.69.142")).toMatchObject({ city: { names: { en: "London" } } });
    },
  );
});
