/**
 * @module
 * Fuzzing the pipeline: random and corrupted Thrift records, random tp2 bodies, content types and
 * querystrings, and random values for every parameter Enrich maps. Whatever comes in, nothing may
 * throw, every output must be writable (good and failed events as TSV that reads back, bad rows as
 * JSON), and no record may end as a generic_error (the row kept for bugs). Seeded, and bounded.
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { testResolver } from "../../../test/support/enrich-test-resolver.ts";
import { serializeBadRow } from "../badrows/bad-row.ts";
import { decodeEnrichedTsv, encodeEnrichedTsv } from "../event/tsv.ts";
import { encodeCollectorPayload } from "../thrift/collector-payload.ts";
import { type EnrichOutput, EnrichPipeline } from "./pipeline.ts";
import {
  collectorPayload,
  contexts,
  ETL_TSTAMP,
  pixel,
  TEST_PROCESSOR,
  tp2Post,
  unstruct,
} from "./test-records.test-support.ts";
import { MAPPED_PARAMETERS } from "./transform.ts";

const pipeline = new EnrichPipeline({
  resolver: testResolver(),
  processor: TEST_PROCESSOR,
  emitFailed: true,
});
const SEED = 20240610;

async function check(record: Uint8Array): Promise<EnrichOutput> {
  const out = await pipeline.enrichRecord(record, ETL_TSTAMP);
  for (const row of out.bad) {
    expect(row.kind).not.toBe("generic_error");
    JSON.parse(serializeBadRow(row));
  }
  for (const event of [...out.good, ...out.failed]) {
    const back = decodeEnrichedTsv(encodeEnrichedTsv(event));
    if (!back.ok) throw new Error(`unreadable TSV: ${JSON.stringify(back.error)}`);
  }
  expect(out.bad.length + out.good.length).toBeGreaterThan(0);
  return out;
}

const tricky = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary" }),
  fc.constantFrom(
    "",
    "null",
    "NULL",
    "1",
    "0",
    "-1",
    "1E7",
    "1e400",
    "2147483648",
    "0x10",
    " 1",
    "1\t2",
    "a\nb",
    "%",
    "%zz",
    "+",
    "\u0000",
    "\uFEFF",
    "🛒",
    "1x2",
    "x",
    "-0",
    "253402300800000",
    "1718000000000",
    "b3e9a1c2-5d4f-4e6a-8b7c-900000000001",
  ),
  fc.json(),
);

describe("the pipeline never throws on data", () => {
  test("random bytes", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
        await check(bytes);
      }),
      { numRuns: 400, seed: SEED },
    );
  });

  test("valid records with flipped, cut or spliced bytes", async () => {
    const base = [
      pixel({
        e: "pv",
        url: "https://x.example/?a=1",
        co: contexts({
          schema: "iglu:com.furrow.example/page_context/jsonschema/1-0-0",
          data: { id: "e4b3c2d1-0f9e-4d8c-b7a6-5f4e3d2c1b0a" },
        }),
      }),
      tp2Post([{ e: "pv", p: "web", tv: "js" }]),
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...base),
        fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 6 }),
        fc.nat(),
        async (record, flips, cut) => {
          const bytes = record.slice(0, Math.max(1, record.length - (cut % 50)));
          for (const [at, value] of flips) bytes[at % bytes.length] = value;
          await check(bytes);
        },
      ),
      { numRuns: 400, seed: SEED },
    );
  });

  test("random tp2 bodies, content types and querystrings", async () => {
    const body = fc.oneof(
      fc.string(),
      fc.json(),
      fc.jsonValue().map((data) =>
        JSON.stringify({
          schema: "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4",
          data,
        }),
      ),
      fc
        .array(
          fc.dictionary(
            fc.constantFrom(...MAPPED_PARAMETERS, "x"),
            fc.oneof(fc.string(), fc.constant(null), fc.integer()),
          ),
          { maxLength: 4 },
        )
        .map((data) =>
          JSON.stringify({
            schema: "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4",
            data,
          }),
        ),
    );
    const contentType = fc.constantFrom(
      undefined,
      "application/json",
      "application/json; charset=utf-8",
      "text/plain",
      "application/x-www-form-urlencoded",
      "",
    );
    const path = fc.constantFrom(
      "/com.snowplowanalytics.snowplow/tp2",
      "/r/tp2",
      "/com.snowplowanalytics.iglu/v1",
      "/com.mailgun/v1",
      "/com.sendgrid/v3",
      "/com.pagerduty/v1",
      "/com.pingdom/v1",
      "/com.statusgator/v1",
      "/com.mailchimp/v1",
      "/i",
      "/x/y",
    );
    await fc.assert(
      fc.asyncProperty(
        body,
        contentType,
        path,
        fc.option(fc.string(), { nil: undefined }),
        async (b, ct, p, qs) => {
          await check(
            encodeCollectorPayload(collectorPayload({ path: p, body: b, contentType: ct, querystring: qs })),
          );
        },
      ),
      { numRuns: 600, seed: SEED },
    );
  });

  test("random values for every mapped parameter", async () => {
    const params = fc.dictionary(fc.constantFrom(...MAPPED_PARAMETERS), tricky.map(String), { maxKeys: 12 });
    await fc.assert(
      fc.asyncProperty(params, fc.boolean(), async (p, post) => {
        const record = post ? tp2Post([{ e: "pv", p: "web", tv: "js", ...p }]) : pixel(p);
        await check(record);
      }),
      { numRuns: 600, seed: SEED },
    );
  });

  test("random self-describing JSON in ue_pr and co", async () => {
    const sdj = fc.record({
      schema: fc.constantFrom(
        "iglu:com.furrow.example/page_context/jsonschema/1-0-0",
        "iglu:com.furrow.example/button_click/jsonschema/1-0-0",
        "iglu:com.acme/x/jsonschema/1-0-0",
        "not a uri",
      ),
      data: fc.jsonValue(),
    });
    await fc.assert(
      fc.asyncProperty(sdj, fc.array(sdj, { maxLength: 3 }), async (u, cs) => {
        await check(pixel({ e: "ue", ue_pr: unstruct(u), co: contexts(...cs) }));
      }),
      { numRuns: 150, seed: SEED },
    );
  });
});
