/**
 * @module
 * Fuzzing the tp2 adapter and enrich's input past the Thrift layer, for the budget of `budget.ts`:
 * tp2 POST bodies of random JSON shapes (values of the wrong JSON type, huge numbers, unicode,
 * lone surrogates, odd payload_data versions), content types, the same events as GET querystrings
 * on `/i` and on the tp2 path, and `ue_px`/`cx` values that are not base64 or not
 * self-describing. Each record must end as good events or bad rows valid against Iglu Central,
 * never a throw or nothing; a valid payload_data batch of n events ends as exactly n outcomes.
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { collectorPayload } from "../../src/core/enrich/test-records.test-support.ts";
import { encodeCollectorPayload } from "../../src/core/thrift/collector-payload.ts";
import { sharedDir, sharedMissing } from "../support/shared.ts";
import { fuzzTimeout, runFuzz } from "./budget.ts";
import { enrichAndCheck, fuzzPipeline, OutcomeTally } from "./enrich-outcome.ts";
import {
  encodeParams,
  eventParams,
  PAYLOAD_DATA,
  tp2Body,
  tp2ContentType,
  wellFormedEvent,
} from "./tracker-input.ts";

const pipeline = fuzzPipeline();
const TP2 = "/com.snowplowanalytics.snowplow/tp2";

describe("tp2 and enrich input fuzzing", () => {
  test(
    "random tp2 POST bodies and content types: good events or valid bad rows",
    async () => {
      const tally = new OutcomeTally();
      let exact = 0;
      await runFuzz(
        "tp2 POST bodies",
        fc.asyncProperty(
          tp2Body,
          tp2ContentType,
          fc.nat(4).map((n) => n === 0),
          async (body, contentType, redirectPath) => {
            const path = redirectPath ? "/r/tp2" : TP2;
            const record = encodeCollectorPayload(collectorPayload({ path, body, contentType }));
            const out = await enrichAndCheck(pipeline, record);
            tally.add(out);
            // A batch that passes payload_data has one outcome per event; otherwise one bad row.
            const parsed = safeParse(body) as { schema?: unknown; data?: unknown } | undefined;
            if (
              path === TP2 &&
              contentType?.toLowerCase().startsWith("application/json") &&
              parsed?.schema === PAYLOAD_DATA &&
              Array.isArray(parsed.data) &&
              parsed.data.length > 0 &&
              parsed.data.every((e) => isStringRecord(e) && typeof e["e"] === "string" && e["p"] && e["tv"])
            ) {
              exact++;
              // (Unless payload_data itself refuses the batch, e.g. for an unknown key.)
              const refused =
                out.good.length === 0 &&
                out.bad.length === 1 &&
                out.bad[0]!.kind === "tracker_protocol_violations";
              if (!refused) expect(out.good.length + out.bad.length).toBe(parsed.data.length);
            }
          },
        ),
      );
      console.log(`  ${tally}; ${exact} valid batches counted event by event`);
    },
    fuzzTimeout(),
  );

  test(
    "random events as GET querystrings, on /i and the tp2 path",
    async () => {
      const tally = new OutcomeTally();
      await runFuzz(
        "tp1/tp2 querystrings",
        fc.asyncProperty(
          fc.oneof(wellFormedEvent, eventParams),
          fc.constantFrom("/i", "/ice.png", TP2, "/r/tp2"),
          fc.oneof(fc.constant(""), fc.constantFrom("&", "&&", "=&=", "%", "a|b", "x=%zz", "&e=pv")),
          async (params, path, tail) => {
            const querystring = encodeParams(params) + tail;
            const record = encodeCollectorPayload(collectorPayload({ path, querystring }));
            tally.add(await enrichAndCheck(pipeline, record));
          },
        ),
      );
      console.log(`  ${tally}`);
    },
    fuzzTimeout(),
  );

  if (!sharedDir) test.skip(sharedMissing("bad rows validated against Iglu Central (tp2 fuzz)"), () => {});
});

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isStringRecord(v: unknown): v is Record<string, string> {
  return (
    typeof v === "object" &&
    v !== null &&
    !Array.isArray(v) &&
    Object.values(v).every((x) => typeof x === "string")
  );
}
