/**
 * The public `snowplow-analytics-sdk` npm package (the JS Analytics SDK, 0.1.0) as an oracle: every
 * line our encoder writes must parse with it, and its JSON must equal ours for the same line.
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import sdk from "snowplow-analytics-sdk";
import { enrichedEvent, tsvCanonical } from "../../../test/enriched-arbitrary.ts";
import { sampleEvents } from "../../../test/enriched-samples.ts";
import { toAnalyticsJson } from "./analytics-json.ts";
import { emptyEnrichedEvent } from "./enriched-event.ts";
import { decodeEnrichedTsv, encodeEnrichedTsv } from "./tsv.ts";

const transform = (line: string): Record<string, unknown> =>
  sdk.transform(line) as unknown as Record<string, unknown>;

describe("the JS Analytics SDK", () => {
  for (const { name, event } of sampleEvents) {
    test(`reads our line for: ${name}`, () => {
      const line = encodeEnrichedTsv(event);
      const theirs = transform(line);
      const ours = toAnalyticsJson(tsvCanonical(event));
      expect(theirs).toEqual(ours);
      expect(JSON.stringify(theirs)).toBe(JSON.stringify(ours));
    });
  }

  test("agrees with us on generated events of every kind", () => {
    // The JS SDK rejects NaN floats and schemas with '-' in the vendor; see the tests below.
    fc.assert(
      fc.property(enrichedEvent({ dashes: false, nan: false }), (event) => {
        const line = encodeEnrichedTsv(event);
        const decoded = decodeEnrichedTsv(line);
        expect(decoded.ok).toBe(true);
        if (decoded.ok) expect(transform(line)).toEqual(toAnalyticsJson(decoded.value));
      }),
      { numRuns: 200 },
    );
  });

  describe("differs from us (and from the Scala SDK) on", () => {
    const withContext = (schema: string) => {
      const event = emptyEnrichedEvent();
      event.contexts = [{ schema, data: { a: 1 } }];
      return event;
    };

    test("a vendor with '-', which it cannot parse at all", () => {
      const event = withContext("iglu:com.acme-labs/thing/jsonschema/1-0-0");
      expect(() => transform(encodeEnrichedTsv(event))).toThrow("Wrong schema format.");
      expect(toAnalyticsJson(event)).toEqual({ contexts_com_acme_labs_thing_1: [{ a: 1 }] });
    });

    test("a name with '-', which it keeps", () => {
      const event = withContext("iglu:com.acme/add-to-basket/jsonschema/1-0-0");
      expect(transform(encodeEnrichedTsv(event))).toEqual({
        "contexts_com_acme_add-to-basket_1": [{ a: 1 }],
      });
      expect(toAnalyticsJson(event)).toEqual({ contexts_com_acme_add_to_basket_1: [{ a: 1 }] });
    });

    test("NaN coordinates, which it rejects", () => {
      const event = emptyEnrichedEvent();
      event.geo_latitude = Number.NaN;
      expect(() => transform(encodeEnrichedTsv(event))).toThrow("geo_latitude");
      expect(toAnalyticsJson(event)).toEqual({ geo_latitude: Number.NaN });
    });

    test("numbers that are not canonical, which it reads leniently and reports as written", () => {
      const cells = new Array<string>(131).fill("");
      cells[7] = "12abc"; // txn_id: parseInt stops at the first non-digit
      cells[57] = "1E+3"; // se_value: kept verbatim
      const line = cells.join("\t");
      expect(transform(line)).toEqual({ txn_id: 12, se_value: "1E+3" });
      expect(decodeEnrichedTsv(line).ok).toBe(false);
      cells[7] = "";
      const canonical = decodeEnrichedTsv(cells.join("\t"));
      expect(canonical.ok && toAnalyticsJson(canonical.value)).toEqual({ se_value: "1000" });
    });
  });
});
