/**
 * @module
 * The tiny MaxMind databases in `fixtures/enrich-assets/maxmind/`, as data. They use the
 * documentation address ranges (RFC 5737, RFC 3849) and made-up names, and cover what the ip_lookups
 * enrichment reads: a full City record with two subdivisions (the last is the most specific), one
 * without location (Enrich writes 0.0), an IPv6 network, ISP records with and without organization,
 * a known and an unknown connection type, and ASN records with and without organization.
 *
 * Regenerate with `bun test/enrich-enrichments/write-mmdb-fixtures.ts`; a test checks the committed
 * files still match.
 */
import type { MmdbValue } from "./mmdb-writer.ts";

const names = (en: string) => ({ en, de: `${en} (de)` });

export const mmdbFixtures: Readonly<Record<string, { type: string; records: Record<string, MmdbValue> }>> = {
  "Furrow-City-Test.mmdb": {
    type: "GeoIP2-City",
    records: {
      "192.0.2.0/24": {
        city: { geoname_id: 2964574, names: names("Dublin") },
        continent: { code: "EU", geoname_id: 6255148, names: names("Europe") },
        country: { geoname_id: 2963597, iso_code: "IE", names: names("Ireland") },
        location: { accuracy_radius: 10, latitude: 53.3331, longitude: -6.2489, time_zone: "Europe/Dublin" },
        postal: { code: "D02" },
        registered_country: { geoname_id: 2963597, iso_code: "IE", names: names("Ireland") },
        subdivisions: [
          { geoname_id: 7521314, iso_code: "L", names: names("Leinster") },
          { geoname_id: 7778677, iso_code: "D", names: names("Dublin City") },
        ],
      },
      "198.51.100.0/24": {
        continent: { code: "EU", geoname_id: 6255148, names: names("Europe") },
        country: { geoname_id: 3017382, iso_code: "FR", names: names("France") },
      },
      "2001:db8::/32": {
        country: { geoname_id: 1861060, iso_code: "JP", names: names("Japan") },
        location: { accuracy_radius: 100, latitude: 35.68536, longitude: 139.75309, time_zone: "Asia/Tokyo" },
      },
    },
  },
  "Furrow-ISP-Test.mmdb": {
    type: "GeoIP2-ISP",
    records: {
      "192.0.2.0/24": {
        autonomous_system_number: 64496,
        autonomous_system_organization: "Furrow Transit",
        isp: "Furrow Broadband",
        organization: "Furrow Business",
      },
      "198.51.100.0/24": { isp: "Only An ISP" },
    },
  },
  "Furrow-Domain-Test.mmdb": {
    type: "GeoIP2-Domain",
    records: {
      "192.0.2.0/24": { domain: "furrow.example" },
      "2001:db8::/32": { domain: "v6.furrow.example" },
    },
  },
  "Furrow-Connection-Type-Test.mmdb": {
    type: "GeoIP2-Connection-Type",
    records: {
      "192.0.2.0/24": { connection_type: "Cable/DSL" },
      "198.51.100.0/24": { connection_type: "Cellular" },
      "203.0.113.0/24": { connection_type: "Carrier Pigeon" },
    },
  },
  "Furrow-ASN-Test.mmdb": {
    type: "GeoLite2-ASN",
    records: {
      "192.0.2.0/24": { autonomous_system_number: 64496, autonomous_system_organization: "Furrow Transit" },
      "198.51.100.0/24": { autonomous_system_number: 64511 },
      "2001:db8::/32": { autonomous_system_number: 64497, autonomous_system_organization: "Furrow v6" },
    },
  },
};
