/** @module Tests for the ip_lookups enrichment: config, the project's tiny databases, and MaxMind's test databases. */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  assetsDir,
  build,
  contextsOf,
  enrichmentInput,
  localDeps,
  validateAgainstIgluCentral,
} from "../../../../test/enrich-enrichments/support.ts";
import { sharedDir, sharedMissing } from "../../../../test/support/shared.ts";
import type { EnrichedEvent, SelfDescribingJson } from "../../event/enriched-event.ts";
import { javaFloatToString } from "../../event/java-float.ts";
import type { Enrichment } from "../enrichment.ts";
import { ASN_SCHEMA, ipLookupsEnrichment, parseIpLookupsConfig } from "./ip-lookups.ts";

const tinyDir = join(assetsDir, "maxmind");

function config(parameters: Record<string, unknown>, version = "2-0-1"): SelfDescribingJson {
  return {
    schema: `iglu:com.snowplowanalytics.snowplow/ip_lookups/jsonschema/${version}`,
    data: { name: "ip_lookups", vendor: "com.snowplowanalytics.snowplow", enabled: true, parameters },
  };
}

const db = (database: string, uri = tinyDir) => ({ database, uri });

const geoFields = [
  "geo_country",
  "geo_region",
  "geo_city",
  "geo_zipcode",
  "geo_latitude",
  "geo_longitude",
  "geo_region_name",
  "geo_timezone",
  "ip_isp",
  "ip_organization",
  "ip_domain",
  "ip_netspeed",
] as const;

function run(enrichment: Enrichment, ip: string | null) {
  const input = enrichmentInput({ user_ipaddress: ip });
  const contexts = contextsOf(enrichment.enrich(input));
  const fields = Object.fromEntries(geoFields.map((f) => [f, input.event[f]]));
  return { fields, contexts, event: input.event };
}

const nulls = Object.fromEntries(geoFields.map((f) => [f, null]));

describe("parseIpLookupsConfig", () => {
  test("accepts the example config Snowplow ships", () => {
    const shipped = {
      schema: "iglu:com.snowplowanalytics.snowplow/ip_lookups/jsonschema/2-0-1",
      data: {
        name: "ip_lookups",
        vendor: "com.snowplowanalytics.snowplow",
        enabled: true,
        parameters: {
          geo: {
            database: "GeoLite2-City.mmdb",
            uri: "http://my-self-hosted-assets.example.com/third-party/maxmind",
          },
        },
      },
    };
    const parsed = parseIpLookupsConfig(shipped);
    expect(parsed.ok && parsed.value.geo).toEqual({
      database: "GeoLite2-City.mmdb",
      uri: "http://my-self-hosted-assets.example.com/third-party/maxmind",
    });
    expect(parsed.ok && [parsed.value.isp, parsed.value.domain, parsed.value.asn]).toEqual([
      null,
      null,
      null,
    ]);
  });

  test("accepts 2-0-0 with all four databases", () => {
    const parsed = parseIpLookupsConfig(
      config(
        {
          geo: db("GeoIP2-City.mmdb", "s3://b/m"),
          isp: db("GeoIP2-ISP.mmdb", "s3://b/m"),
          domain: db("GeoIP2-Domain.mmdb", "s3://b/m"),
          connectionType: db("GeoIP2-Connection-Type.mmdb", "s3://b/m"),
        },
        "2-0-0",
      ),
    );
    expect(parsed.ok).toBe(true);
  });

  test("refuses another model, naming the supported criterion", () => {
    const parsed = parseIpLookupsConfig(config({}, "1-0-0"));
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.error.message).toBe(
      "Schema key iglu:com.snowplowanalytics.snowplow/ip_lookups/jsonschema/1-0-0 is not supported. A 'ip_lookups' enrichment must have schema iglu:com.snowplowanalytics.snowplow/ip_lookups/jsonschema/2-0-*.",
    );
  });

  test("a database without uri is an error at its path", () => {
    const parsed = parseIpLookupsConfig(config({ asn: { database: "GeoLite2-ASN.mmdb" } }));
    expect(!parsed.ok && parsed.error).toMatchObject({
      enrichment: "ip_lookups",
      path: "parameters.asn.uri",
    });
  });
});

describe("ip_lookups on the project's tiny databases", () => {
  const all = {
    geo: db("Furrow-City-Test.mmdb"),
    isp: db("Furrow-ISP-Test.mmdb"),
    domain: db("Furrow-Domain-Test.mmdb"),
    connectionType: db("Furrow-Connection-Type-Test.mmdb"),
    asn: db("Furrow-ASN-Test.mmdb"),
  };

  test("a full City record sets every geo field, the most specific subdivision winning", async () => {
    const e = await build(ipLookupsEnrichment, config(all));
    const { fields, contexts } = run(e, "192.0.2.7");
    expect(fields).toEqual({
      geo_country: "IE",
      geo_region: "D",
      geo_city: "Dublin",
      geo_zipcode: "D02",
      geo_latitude: 53.3331,
      geo_longitude: -6.2489,
      geo_region_name: "Dublin City",
      geo_timezone: "Europe/Dublin",
      ip_isp: "Furrow Broadband",
      ip_organization: "Furrow Business",
      ip_domain: "furrow.example",
      ip_netspeed: "Cable/DSL",
    });
    expect(contexts).toEqual([
      { schema: ASN_SCHEMA, data: { number: 64496, organization: "Furrow Transit" } },
    ]);
  });

  test("a record without location gives 0.0 coordinates, as scala-maxmind-iplookups does", async () => {
    const e = await build(ipLookupsEnrichment, config(all));
    const { fields, contexts } = run(e, "198.51.100.1");
    expect(fields).toMatchObject({ geo_country: "FR", geo_city: null, geo_latitude: 0, geo_longitude: 0 });
    expect(javaFloatToString(fields.geo_latitude as number)).toBe("0.0");
    expect(fields).toMatchObject({ ip_isp: "Only An ISP", ip_organization: null, ip_netspeed: "Cellular" });
    // The ASN database has no organization for it: the member is left out, not null.
    expect(contexts).toEqual([{ schema: ASN_SCHEMA, data: { number: 64511 } }]);
  });

  test("an unknown connection type is not set", async () => {
    const e = await build(ipLookupsEnrichment, config(all));
    expect(run(e, "203.0.113.5").fields).toEqual(nulls);
  });

  test("IPv6 addresses are looked up too", async () => {
    const e = await build(ipLookupsEnrichment, config(all));
    const { fields, contexts } = run(e, "2001:db8::abcd");
    // 139.75309 is not a float; Java's Float.toString of the nearest float is 139.7531.
    expect(fields).toMatchObject({ geo_country: "JP", geo_latitude: 35.68536, geo_longitude: 139.7531 });
    expect(fields).toMatchObject({
      geo_timezone: "Asia/Tokyo",
      ip_domain: "v6.furrow.example",
      ip_isp: null,
    });
    expect(contexts).toEqual([{ schema: ASN_SCHEMA, data: { number: 64497, organization: "Furrow v6" } }]);
  });

  test("a port or brackets around the address are ignored, as Enrich's HostName does", async () => {
    const e = await build(ipLookupsEnrichment, config(all));
    expect(run(e, "192.0.2.7:8080").fields["geo_city"]).toBe("Dublin");
    expect(run(e, "[2001:db8::1]:443").fields["geo_country"]).toBe("JP");
  });

  test("no address, an unknown one, or text that is not an IP leaves every field empty", async () => {
    const e = await build(ipLookupsEnrichment, config(all));
    for (const ip of [null, "8.8.8.8", "hello", "localhost", ":::::::::::::::", "", "a".repeat(10_000)]) {
      const { fields, contexts } = run(e, ip);
      expect(fields).toEqual(nulls);
      expect(contexts).toEqual([]);
    }
  });

  test("without an ASN database the asn context comes from the ISP database", async () => {
    const e = await build(ipLookupsEnrichment, config({ isp: all.isp }));
    expect(run(e, "192.0.2.1").contexts).toEqual([
      { schema: ASN_SCHEMA, data: { number: 64496, organization: "Furrow Transit" } },
    ]);
    expect(run(e, "198.51.100.1").contexts).toEqual([]);
  });

  test("only the configured databases are read", async () => {
    const e = await build(ipLookupsEnrichment, config({ domain: all.domain }));
    expect(run(e, "192.0.2.7")).toMatchObject({
      fields: { ...nulls, ip_domain: "furrow.example" },
      contexts: [],
    });
  });

  test("repeated addresses are answered from the cache with the same result", async () => {
    const e = await build(ipLookupsEnrichment, config(all));
    const first = run(e, "192.0.2.7");
    const second = run(e, "192.0.2.7");
    expect(second.fields).toEqual(first.fields);
    expect(second.contexts).toEqual(first.contexts);
  });

  test("a missing database file fails the build with the file named", async () => {
    const parsed = parseIpLookupsConfig(config({ geo: db("Nope.mmdb") }));
    if (!parsed.ok) throw new Error(parsed.error.message);
    const created = await ipLookupsEnrichment.create(parsed.value, localDeps());
    expect(!created.ok && created.error.path).toBe("parameters.geo");
    expect(!created.ok && created.error.message).toContain("could not load Nope.mmdb");
  });

  test("a file that is not a MaxMind database fails the build", async () => {
    const parsed = parseIpLookupsConfig(config({ geo: db("Furrow-City-Test.mmdb") }));
    if (!parsed.ok) throw new Error(parsed.error.message);
    const deps = localDeps({ loadAsset: async () => new TextEncoder().encode("not a database") });
    const created = await ipLookupsEnrichment.create(parsed.value, deps);
    expect(!created.ok && created.error.message).toContain("is not a MaxMind database");
  });

  test("without a MaxMind service the build fails", async () => {
    const parsed = parseIpLookupsConfig(config({ geo: db("Furrow-City-Test.mmdb") }));
    if (!parsed.ok) throw new Error(parsed.error.message);
    const created = await ipLookupsEnrichment.create(parsed.value, localDeps({ services: {} }));
    expect(!created.ok && created.error.message).toContain("needs a MaxMind reader");
  });

  test.skipIf(!sharedDir)(
    sharedDir ? "the asn context is valid against Iglu Central" : sharedMissing("asn context validation"),
    async () => {
      const e = await build(ipLookupsEnrichment, config(all));
      for (const ip of ["192.0.2.7", "198.51.100.1", "2001:db8::1"]) {
        for (const c of run(e, ip).contexts)
          expect(validateAgainstIgluCentral(c)).toEqual({ ok: true, value: undefined });
      }
    },
  );
});

/** MaxMind's test databases: every network in each `.json` against what the enrichment sets. */
describe("ip_lookups on MaxMind's test databases", () => {
  const geoipDir = sharedDir === null ? "" : join(sharedDir, "fixtures/geoip");
  const title = (what: string) => (sharedDir ? what : sharedMissing(`ip_lookups on MaxMind's ${what}`));

  interface Network {
    readonly lo: bigint;
    readonly hi: bigint;
    readonly prefix: number;
    readonly record: Record<string, unknown>;
    /** The first address, written as the enrichment would receive it. */
    readonly first: string;
  }

  // IPv4 networks live in the IPv6 tree under ::/96; `::1.2.3.0/120` and `1.2.3.0/24` are the same.
  function parseNetwork(cidr: string, record: Record<string, unknown>): Network {
    const [address, p] = cidr.split("/") as [string, string];
    let prefix = Number(p);
    let bits: bigint;
    const v4 = (dotted: string) => dotted.split(".").reduce((n, o) => (n << 8n) | BigInt(Number(o)), 0n);
    if (!address.includes(":")) {
      bits = v4(address);
      prefix += 96;
    } else {
      let text = address;
      let tailBits: bigint | null = null;
      if (text.includes(".")) {
        const at = text.lastIndexOf(":");
        tailBits = v4(text.slice(at + 1));
        text = `${text.slice(0, at + 1)}0:0`;
      }
      const [head, tail = ""] = text.split("::") as [string, string?];
      const h = head === "" ? [] : head.split(":");
      const t = tail === "" ? [] : tail.split(":");
      const groups = [...h, ...Array(8 - h.length - t.length).fill("0"), ...t];
      bits = groups.reduce((n, g) => (n << 16n) | BigInt(Number.parseInt(g, 16)), 0n);
      if (tailBits !== null) bits |= tailBits;
    }
    const size = 1n << BigInt(128 - prefix);
    const lo = bits & ~(size - 1n);
    const isV4 = lo >> 32n === 0n && prefix >= 96;
    const first = isV4
      ? [24n, 16n, 8n, 0n].map((s) => String((lo >> s) & 255n)).join(".")
      : Array.from({ length: 8 }, (_, i) => ((lo >> BigInt(112 - 16 * i)) & 0xffffn).toString(16)).join(":");
    return { lo, hi: lo + size - 1n, prefix, record, first };
  }

  function networks(file: string): Network[] {
    const entries = JSON.parse(readFileSync(join(geoipDir, file), "utf8")) as Record<
      string,
      Record<string, unknown>
    >[];
    return entries.flatMap((e) => Object.entries(e).map(([cidr, record]) => parseNetwork(cidr, record)));
  }

  /** The record MaxMind's writer leaves for `n.first`: the most specific network holding it. */
  function expectedRecord(all: readonly Network[], n: Network): Record<string, unknown> {
    let best = n;
    for (const m of all) if (m.lo <= n.lo && n.lo <= m.hi && m.prefix > best.prefix) best = m;
    return best.record;
  }

  type Rec = Record<string, unknown>;
  /** The value at a path of plain objects, or undefined. */
  const at = (x: unknown, ...path: (string | number)[]): unknown =>
    path.reduce<unknown>((v, k) => (typeof v === "object" && v !== null ? (v as Rec)[k] : undefined), x);
  const str = (x: unknown): string | null => (typeof x === "string" ? x : null);

  function expectedGeo(r: Rec): Partial<EnrichedEvent> {
    const subs = Array.isArray(r["subdivisions"]) ? (r["subdivisions"] as unknown[]) : [];
    const last = subs[subs.length - 1];
    const float = (v: unknown) => Number(javaFloatToString(typeof v === "number" ? v : 0));
    return {
      geo_country: str(at(r, "country", "iso_code")),
      geo_region: str(at(last, "iso_code")),
      geo_city: str(at(r, "city", "names", "en")),
      geo_zipcode: str(at(r, "postal", "code")),
      geo_latitude: float(at(r, "location", "latitude")),
      geo_longitude: float(at(r, "location", "longitude")),
      geo_region_name: str(at(last, "names", "en")),
      geo_timezone: str(at(r, "location", "time_zone")),
    };
  }

  async function checkEvery(
    file: string,
    mmdb: string,
    param: string,
    expected: (record: Rec) => { fields: Partial<EnrichedEvent>; contexts: SelfDescribingJson[] },
  ) {
    const e = await build(ipLookupsEnrichment, config({ [param]: db(mmdb, geoipDir) }));
    const all = networks(file);
    let checked = 0;
    for (const n of all) {
      const want = expected(expectedRecord(all, n));
      const got = run(e, n.first);
      const gotFields = Object.fromEntries(
        Object.keys(want.fields).map((k) => [k, got.event[k as keyof EnrichedEvent]]),
      );
      expect({ ip: n.first, ...gotFields }).toEqual({ ip: n.first, ...want.fields });
      expect(got.contexts).toEqual(want.contexts);
      for (const c of got.contexts) expect(validateAgainstIgluCentral(c).ok).toBe(true);
      checked++;
    }
    expect(checked).toBe(all.length);
  }

  for (const city of ["GeoIP2-City-Test", "GeoLite2-City-Test"]) {
    test.skipIf(!sharedDir)(title(`${city}: every network`), () =>
      checkEvery(`${city}.json`, `${city}.mmdb`, "geo", (r) => ({ fields: expectedGeo(r), contexts: [] })),
    );
  }

  test.skipIf(!sharedDir)(title("GeoIP2-ISP-Test: every network, with the asn context it carries"), () =>
    checkEvery("GeoIP2-ISP-Test.json", "GeoIP2-ISP-Test.mmdb", "isp", (r) => ({
      fields: { ip_isp: str(r["isp"]), ip_organization: str(r["organization"]) },
      contexts:
        r["autonomous_system_number"] === undefined
          ? []
          : [
              {
                schema: ASN_SCHEMA,
                data: {
                  number: r["autonomous_system_number"],
                  ...(r["autonomous_system_organization"] === undefined
                    ? {}
                    : { organization: r["autonomous_system_organization"] }),
                },
              },
            ],
    })),
  );

  test.skipIf(!sharedDir)(title("GeoIP2-Domain-Test: every network"), () =>
    checkEvery("GeoIP2-Domain-Test.json", "GeoIP2-Domain-Test.mmdb", "domain", (r) => ({
      fields: { ip_domain: str(r["domain"]) },
      contexts: [],
    })),
  );

  test.skipIf(!sharedDir)(title("GeoIP2-Connection-Type-Test: every network"), () =>
    checkEvery(
      "GeoIP2-Connection-Type-Test.json",
      "GeoIP2-Connection-Type-Test.mmdb",
      "connectionType",
      (r) => ({
        fields: { ip_netspeed: str(r["connection_type"]) },
        contexts: [],
      }),
    ),
  );

  test.skipIf(!sharedDir)(title("GeoLite2-ASN-Test: every network"), () =>
    checkEvery("GeoLite2-ASN-Test.json", "GeoLite2-ASN-Test.mmdb", "asn", (r) => ({
      fields: {},
      contexts: [
        {
          schema: ASN_SCHEMA,
          data: {
            number: r["autonomous_system_number"],
            ...(r["autonomous_system_organization"] === undefined
              ? {}
              : { organization: r["autonomous_system_organization"] }),
          },
        },
      ],
    })),
  );

  test.skipIf(!sharedDir)(
    title("Enrich's own expectations (IpLookupsEnrichmentSpec, EnrichmentManagerSpec)"),
    async () => {
      const e = await build(
        ipLookupsEnrichment,
        config({
          geo: db("GeoIP2-City-Test.mmdb", geoipDir),
          isp: db("GeoIP2-ISP-Test.mmdb", geoipDir),
          domain: db("GeoIP2-Domain-Test.mmdb", geoipDir),
          connectionType: db("GeoIP2-Connection-Type-Test.mmdb", geoipDir),
        }),
      );
      expect(run(e, "175.16.199.0").fields).toMatchObject({
        geo_country: "CN",
        geo_region: "22",
        geo_city: "Changchun",
        geo_latitude: 43.88,
        geo_longitude: 125.3228,
        geo_region_name: "Jilin Sheng",
        geo_timezone: "Asia/Harbin",
        geo_zipcode: null,
      });
      expect(run(e, "175.16.199.0:8080").fields["geo_city"]).toBe("Changchun");
      expect(run(e, "70.46.123.145").fields["ip_isp"]).toBe("FDN Communications");
      expect(run(e, "67.43.156.1")).toMatchObject({
        fields: {
          geo_country: "BT",
          geo_latitude: 27.5,
          geo_longitude: 90.5,
          geo_timezone: "Asia/Thimphu",
          ip_isp: "Loud Packet",
          ip_organization: "zudoarichikito_",
          ip_domain: "shoesfin.NET",
          ip_netspeed: "Cellular",
        },
        contexts: [{ schema: ASN_SCHEMA, data: { number: 35908 } }],
      });
      expect(run(e, "18.11.120.0")).toMatchObject({
        fields: { geo_country: null, geo_latitude: null, ip_isp: "Massachusetts Institute of Technology" },
        contexts: [
          { schema: ASN_SCHEMA, data: { number: 3, organization: "Massachusetts Institute of Technology" } },
        ],
      });
      expect(run(e, "8.33.20.1")).toMatchObject({
        fields: { ip_isp: "Level 3 Communications" },
        contexts: [],
      });
      expect(run(e, "192.0.2.0")).toMatchObject({ fields: nulls, contexts: [] });
    },
  );
});
