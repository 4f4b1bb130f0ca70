import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { loaderInvalidSchema } from "../badrows/loader-failure.ts";
import { type EnrichedEvent, emptyEnrichedEvent, enrichedFields } from "../event/enriched-event.ts";
import { encodeEnrichedTsv } from "../event/tsv.ts";
import { parseSchemaKey, type SchemaKey } from "../iglu/schema-key.ts";
import { decodeForLoading } from "./enriched-input.ts";
import { META_COLUMN_NAMES } from "./entity-table.ts";
import { entityColumns } from "./flat-schema.ts";
import { shredLine } from "./line-shred.ts";
import { type EntityTarget, type ShreddedEvent, shredEvent, type TargetLookup } from "./shred.ts";

const key = (uri: string): SchemaKey => {
  const parsed = parseSchemaKey(uri);
  if (!parsed.ok) throw new Error(uri);
  return parsed.value;
};

const PAGE = "iglu:com.acme/page/jsonschema/1-0-0";
const PRODUCT = "iglu:com.acme/product/jsonschema/1-0-0";
const MISSING = "iglu:com.acme/missing/jsonschema/1-0-0";

const page: EntityTarget = {
  key: key(PAGE),
  table: {
    name: "com_acme_page_1",
    columns: entityColumns(
      [{ type: "object", properties: { id: { type: "string", format: "uuid" } }, required: ["id"] }],
      META_COLUMN_NAMES,
    ),
  },
};
const product: EntityTarget = {
  key: key(PRODUCT),
  table: {
    name: "com_acme_product_1",
    columns: entityColumns(
      [
        {
          type: "object",
          properties: {
            sku: { type: "string", maxLength: 12 },
            price: { type: "number" },
            quantity: { type: "integer" },
            inStock: { type: "boolean" },
            tags: { type: "array" },
            addedAt: { type: "string", format: "date-time" },
          },
          required: ["sku"],
        },
      ],
      META_COLUMN_NAMES,
    ),
  },
};

const lookup: TargetLookup = (uri) =>
  uri === PAGE ? page : uri === PRODUCT ? product : loaderInvalidSchema(key(uri), "no table");

/** The rows of a fast-lane answer, without the line's columns it also carries. */
const rowsOf = (shredded: ShreddedEvent | null) =>
  shredded === null ? null : { key: shredded.key, atomic: shredded.atomic, entities: shredded.entities };

/** What the general path makes of a line: its rows, or null when it does not load. */
function generalPath(line: string): ShreddedEvent | null {
  const decoded = decodeForLoading(line);
  if (!decoded.ok) return null;
  const shredded = shredEvent(decoded.value, lookup);
  return "key" in shredded ? shredded : null;
}

const base = (n: number, fields: Partial<EnrichedEvent> = {}): EnrichedEvent =>
  Object.assign(emptyEnrichedEvent(), {
    app_id: "shop",
    platform: "web",
    etl_tstamp: 1_717_243_201_500 + n,
    collector_tstamp: 1_717_243_200_000 + n,
    event: "page_view",
    event_id: `0d1e2f3a-4b5c-4d6e-8f70-${n.toString(16).padStart(12, "0")}`,
    txn_id: n,
    v_collector: "c",
    v_etl: "e",
    geo_latitude: 53.3331,
    tr_total: "12.50",
    br_cookies: true,
    dvce_ismobile: false,
    page_url: "https://shop.example.com/a\\b",
    domain_sessionid: "7a5c7e1f-8d3b-4f0a-9c2e-1b6d5f4a3c2b",
    contexts: [
      { schema: PAGE, data: { id: "a86c42e5-b831-45c8-b706-000000000001" } },
      {
        schema: PRODUCT,
        data: {
          sku: "SKU-1",
          price: 189.5,
          quantity: 2,
          inStock: true,
          tags: ["a"],
          addedAt: "2024-06-01T12:34:56.789Z",
        },
      },
    ],
    unstruct_event: { schema: PRODUCT, data: { sku: "SKU-2" } },
    derived_contexts: [{ schema: PAGE, data: { id: "a86c42e5-b831-45c8-b706-000000000002" } }],
    ...fields,
  });

describe("shredLine", () => {
  test("gives a plain line's rows, the same as the general path", () => {
    for (let n = 0; n < 50; n++) {
      const line = encodeEnrichedTsv(base(n));
      const fast = shredLine(line, lookup);
      expect(fast).not.toBeNull();
      expect(rowsOf(fast)).toEqual(generalPath(line)!);
      expect(fast!.columns).toEqual(line.split("\t"));
    }
    const fast = shredLine(encodeEnrichedTsv(base(1)), lookup)!;
    expect(fast.entities.map((e) => e.table.name)).toEqual([
      "com_acme_page_1",
      "com_acme_product_1",
      "com_acme_page_1",
      "com_acme_product_1",
    ]);
  });

  test("leaves lines that do not load to the general path", () => {
    const plain = encodeEnrichedTsv(base(1));
    const cases = [
      "garbage",
      `${plain}\t`,
      plain.slice(plain.indexOf("\t") + 1),
      plain.replace("shop", "sh\top"),
      encodeEnrichedTsv(base(1, { event_id: null })),
      encodeEnrichedTsv(base(1, { v_etl: null })),
      encodeEnrichedTsv(base(1, { collector_tstamp: -62_167_219_200_000 })), // year 0
      encodeEnrichedTsv(base(1, { geo_country: "IRL" })), // CHAR(2)
      encodeEnrichedTsv(base(1, { contexts: [{ schema: MISSING, data: {} }] })),
      encodeEnrichedTsv(base(1, { contexts: [{ schema: PRODUCT, data: { price: 1 } }] })),
      encodeEnrichedTsv(base(1)).replace(
        '"schema":"iglu:com.snowplowanalytics',
        '"schema":"iglu:com.example',
      ),
    ];
    for (const line of cases) {
      expect(shredLine(line, lookup)).toBeNull();
      expect(generalPath(line)).toBeNull();
    }
  });

  test("a lookup that throws ends the line, as in the general path", () => {
    const line = encodeEnrichedTsv(base(1));
    expect(() =>
      shredLine(line, () => {
        throw new Error("not ready");
      }),
    ).toThrow("not ready");
  });

  test("whatever a column holds, a line it answers for has the general path's rows", () => {
    const kindOf = (column: number) => enrichedFields[column]!.kind;
    const texts: Record<string, readonly string[]> = {
      any: ["", "x", "é\\", "\u0000", "a".repeat(300), "NaN", "1", "0", "-0", "+1", "t"],
      int: [
        "7",
        "007",
        "+7",
        "-0",
        "-12",
        "-",
        "0",
        "00",
        "999999999",
        "-999999999",
        "2147483647",
        "2147483648",
        "-2147483649",
        "1.0",
        "1e3",
      ],
      decimal: ["1", "1.50", "1E+3", "0.0000001", "-0.0", ".5", "1e400", "abc"],
      float: ["53.3331", "1.0E7", "1e7", "-6.2489", "0.1", "3.4028235E38", "1e39", "Infinity", "NaN", "0"],
      boolean: ["1", "0", "true", "2"],
      timestamp: [
        "2024-06-01 12:00:00.000",
        "2024-06-01 12:00:00",
        "2024-06-01 12:00:00.1",
        "2024-06-01 12:00:00.123456",
        "0000-01-01 00:00:00.000",
        "0001-01-01 00:00:00.000",
        "2024-02-30 00:00:00.000",
        "2024-06-01T12:00:00.000",
        "9999-12-31 23:59:59.999",
      ],
      contexts: [
        `{"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0","data":[]}`,
        `{"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1","data":[{"schema":"${PAGE}","data":{"id":"a86c42e5-b831-45c8-b706-000000000003"}}]}`,
        `{"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1","data":[{"schema":"${PAGE}","data":{"id":"nope"}}]}`,
        `{"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1","data":[{"schema":"${PRODUCT}","data":{"sku":"S","price":1e400}}]}`,
        `{"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1","data":[{"schema":"${PRODUCT}"}]}`,
        `{"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1","data":{}}`,
        `{"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/2-0-0","data":[]}`,
        `{"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1","data":[{"schema":"iglu:bad","data":{}}]}`,
        `{"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1"}`,
        `[1]`,
        `{`,
      ],
      unstruct: [
        `{"schema":"iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0","data":{"schema":"${PRODUCT}","data":{"sku":"S3","tags":{"a":"\\u0000"}}}}`,
        `{"schema":"iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0","data":{"schema":"${PRODUCT}","data":{"sku":"S4","addedAt":"2024-06-01T12:34:56+02:00"}}}`,
        `{"schema":"iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0","data":{"schema":"${MISSING}","data":{}}}`,
        `{"schema":"iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0","data":[]}`,
      ],
    };
    const line = encodeEnrichedTsv(base(3)).split("\t");
    const edit = fc
      .integer({ min: 0, max: line.length - 1 })
      .chain((column) =>
        fc.tuple(fc.constant(column), fc.constantFrom(...(texts[kindOf(column)] ?? []), ...texts["any"]!)),
      );
    let answered = 0;
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), (edits) => {
        const columns = [...line];
        for (const [column, text] of edits) columns[column] = text;
        const edited = columns.join("\t");
        const fast = shredLine(edited, lookup);
        if (fast !== null) {
          answered++;
          expect(rowsOf(fast)).toEqual(generalPath(edited)!);
        }
      }),
      { numRuns: 3000 },
    );
    // Most edits still give a line that loads, so the comparison is not vacuous.
    expect(answered).toBeGreaterThan(1000);
  });
});
