/**
 * @module
 * Arbitraries of hostile tracker input shared by the fuzzers: parameter values that break parsers
 * (huge numbers, NUL, lone surrogates, bad percent-escapes), tp2 event objects whose values are of
 * the wrong JSON type, `payload_data` envelopes of odd versions and shapes, and `ue_px`/`cx` values
 * that are not base64, or base64 of something that is not self-describing JSON.
 */
import fc from "fast-check";
import { MAPPED_PARAMETERS } from "../../src/core/enrich/transform.ts";

export const PAYLOAD_DATA = "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4";
const CONTEXTS = "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1";
const UNSTRUCT = "iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0";
const PAGE_CONTEXT = "iglu:com.furrow.example/page_context/jsonschema/1-0-0";
const BUTTON_CLICK = "iglu:com.furrow.example/button_click/jsonschema/1-0-0";

/** Strings every parser should survive. */
export const TRICKY_STRINGS: readonly string[] = [
  "",
  " ",
  "null",
  "undefined",
  "true",
  "0",
  "-0",
  "-1",
  "1e400",
  "-1e400",
  "NaN",
  "Infinity",
  "9007199254740993",
  "123456789012345678901234567890",
  "2147483648",
  "0x1F",
  "1,5",
  "1.5.5",
  "%",
  "%zz",
  "%E2%82",
  "%00",
  "+",
  "a=b&c",
  "\u0000",
  "\t",
  "\r\n",
  "\uFEFF",
  "\uD800",
  "\uDFFF",
  "a\uD83Db",
  "😀🛒",
  "\u202Egnp.exe",
  "e\u0301",
  "ｆｕｌｌ",
  "<script>alert(1)</script>",
  "'; DROP TABLE events; --",
  "https://user:pw@[::1]:99999/p?q#f",
  "javascript:alert(1)",
  "253402300800000",
  "-62135596800001",
  "1718000000000",
  "b3e9a1c2-5d4f-4e6a-8b7c-900000000001",
];

/** A parameter value: tricky, random text, or something long. */
export const paramValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...TRICKY_STRINGS) },
  { weight: 3, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 12 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 70_000 }).map((n) => "x".repeat(n)) },
  { weight: 1, arbitrary: fc.double().map(String) },
  { weight: 1, arbitrary: fc.bigInt().map(String) },
);

const base64 = (text: string) => Buffer.from(text, "utf8").toString("base64");
const base64url = (text: string) => Buffer.from(text, "utf8").toString("base64url");

/** Self-describing JSON of the fixtures' schemas and others, with any data. */
export const selfDescribing: fc.Arbitrary<unknown> = fc.oneof(
  fc.record({
    schema: fc.constantFrom(
      PAGE_CONTEXT,
      BUTTON_CLICK,
      "iglu:com.acme/ghost/jsonschema/1-0-0",
      "not a uri",
      "",
    ),
    data: fc.jsonValue({ maxDepth: 3 }),
  }),
  fc.constant({ schema: PAGE_CONTEXT, data: { id: "e4b3c2d1-0f9e-4d8c-b7a6-5f4e3d2c1b0a" } }),
  fc.jsonValue({ maxDepth: 3 }),
);

/** A `ue_pr`/`co` JSON text: right or wrong envelopes around right or wrong self-describing JSON. */
export const sdjText: fc.Arbitrary<string> = fc.oneof(
  fc.array(selfDescribing, { maxLength: 3 }).map((data) => JSON.stringify({ schema: CONTEXTS, data })),
  selfDescribing.map((data) => JSON.stringify({ schema: UNSTRUCT, data })),
  selfDescribing.map((data) => JSON.stringify({ schema: CONTEXTS, data })),
  fc.json({ maxDepth: 3 }),
  fc.constantFrom("{", "[", '{"schema":', "", "null", `{"schema":"${CONTEXTS}","data":[`),
);

/** A `ue_px`/`cx` value: valid base64(url) of anything, or not base64 at all. */
export const base64Param: fc.Arbitrary<string> = fc.oneof(
  sdjText.map(base64url),
  sdjText.map(base64),
  sdjText.map((t) => base64(t).replace(/=+$/, "")),
  sdjText.map((t) => base64(t).slice(0, -3)),
  sdjText.map((t) => `${base64(t)}===`),
  fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b).toString("base64")),
  fc.string({ maxLength: 40 }),
  fc.constantFrom("", "=", "====", "a", "ab", "abc", "!!!!", "e30", "e30=", "e3 0=", "-_-_", "/+/+", "%3D"),
);

/** Parameters of one event: mapped names with hostile values, sometimes unknown names. */
export const eventParams: fc.Arbitrary<Record<string, string>> = fc
  .tuple(
    fc.dictionary(fc.constantFrom(...MAPPED_PARAMETERS), paramValue, { maxKeys: 8 }),
    fc.record(
      {
        e: fc.constantFrom("pv", "pp", "ue", "se", "tr", "ti", "ad", "x", ""),
        p: fc.constantFrom("web", "mob", "srv", "x"),
        tv: fc.constantFrom("js-3.0.0", "node-3.0.0", ""),
        ue_px: base64Param,
        ue_pr: sdjText,
        cx: base64Param,
        co: sdjText,
        url: fc.constantFrom("https://shop.example/p?_sp=a.1718000000000", "::bad", "https://x.example/"),
      },
      { requiredKeys: [] },
    ),
    fc.dictionary(fc.string({ maxLength: 6 }), paramValue, { maxKeys: 2 }),
  )
  .map(([mapped, common, unknown]) => ({ ...unknown, ...mapped, ...common }));

/** An event a tracker could send: most end as good events, some fail one check. */
export const wellFormedEvent: fc.Arbitrary<Record<string, string>> = fc
  .record(
    {
      e: fc.constantFrom("pv", "pp", "se", "ue"),
      p: fc.constantFrom("web", "mob", "srv"),
      tv: fc.constantFrom("js-3.0.0", "node-3.0.0"),
      eid: fc.uuid(),
      dtm: fc.integer({ min: 1_500_000_000_000, max: 1_800_000_000_000 }).map(String),
      aid: fc.string({ unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz-_0123456789"), maxLength: 20 }),
      url: fc.webUrl({ withQueryParameters: true, withFragments: true }),
      page: fc.string({ maxLength: 40 }),
      se_ca: fc.string({ maxLength: 20 }),
      se_ac: fc.string({ maxLength: 20 }),
      se_va: fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
      vp: fc.tuple(fc.nat(5000), fc.nat(5000)).map(([w, h]) => `${w}x${h}`),
      res: fc.constantFrom("1920x1080", "0x0", "x"),
      lang: fc.constantFrom("en-GB", "fr", ""),
      cs: fc.constantFrom("UTF-8", "windows-1252"),
      tz: fc.constantFrom("Europe/London", "Mars/Olympus"),
      uid: fc.string({ maxLength: 30 }),
      duid: fc.uuid(),
      sid: fc.uuid(),
      vid: fc.nat(1000).map(String),
      co: fc.constant(
        JSON.stringify({
          schema: CONTEXTS,
          data: [{ schema: PAGE_CONTEXT, data: { id: "e4b3c2d1-0f9e-4d8c-b7a6-5f4e3d2c1b0a" } }],
        }),
      ),
      ue_px: fc.constant(
        base64url(JSON.stringify({ schema: UNSTRUCT, data: { schema: BUTTON_CLICK, data: { id: "b" } } })),
      ),
    },
    { requiredKeys: ["e", "p", "tv"] },
  )
  .map((event) => ({ ...event }));

/** A well-formed event with one to three payload_data fields set to hostile values. */
export const spoiltEvent: fc.Arbitrary<Record<string, string>> = fc
  .tuple(
    wellFormedEvent,
    fc.dictionary(
      fc.constantFrom(
        "dtm",
        "stm",
        "ttm",
        "vp",
        "ds",
        "res",
        "cd",
        "tz",
        "vid",
        "se_va",
        "tr_tt",
        "ti_qu",
        "pp_mix",
        "pp_miy",
        "url",
        "refr",
        "eid",
        "duid",
        "nuid",
        "tnuid",
        "sid",
        "ip",
        "ua",
        "lang",
        "cx",
        "ue_px",
        "co",
        "ue_pr",
        "aid",
      ),
      paramValue,
      { minKeys: 1, maxKeys: 3 },
    ),
  )
  .map(([event, spoilt]) => ({ ...event, ...spoilt }));

/** A tp2 event object whose values may be any JSON: numbers, objects, arrays, null. */
export const looseEvent: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(
    eventParams,
    fc.dictionary(
      fc.constantFrom(...MAPPED_PARAMETERS, "e", "p", "tv", "x"),
      fc.oneof(
        fc.jsonValue({ maxDepth: 2 }),
        fc.constantFrom(1e308, -1e308, 2 ** 53 + 2, -0, 0.1, true, false, null, [], {}),
      ),
      { maxKeys: 3 },
    ),
  )
  .map(([strings, others]) => ({ ...strings, ...others }));

/** A tp2 body text: payload_data of various versions around events or other JSON, or not JSON. */
export const tp2Body: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .array(fc.oneof(wellFormedEvent, spoiltEvent), { minLength: 1, maxLength: 4 })
      .map((data) => JSON.stringify({ schema: PAYLOAD_DATA, data })),
  },
  {
    weight: 2,
    arbitrary: fc
      .array(eventParams, { minLength: 1, maxLength: 4 })
      .map((data) => JSON.stringify({ schema: PAYLOAD_DATA, data })),
  },
  {
    weight: 2,
    arbitrary: fc
      .array(looseEvent, { maxLength: 4 })
      .map((data) => JSON.stringify({ schema: PAYLOAD_DATA, data })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom(
          "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-0",
          "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-3",
          "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-99",
          "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/2-0-0",
          "com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4",
          PAYLOAD_DATA.toUpperCase(),
        ),
        fc.array(eventParams, { maxLength: 2 }),
      )
      .map(([schema, data]) => JSON.stringify({ schema, data })),
  },
  {
    weight: 1,
    arbitrary: fc.jsonValue({ maxDepth: 3 }).map((data) => JSON.stringify({ schema: PAYLOAD_DATA, data })),
  },
  { weight: 1, arbitrary: fc.json({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
);

const oddContentType: fc.Arbitrary<string | undefined> = fc.constantFrom(
  undefined,
  "",
  "application/json",
  "application/json; charset=utf-8",
  "application/json; charset=UTF-8",
  "APPLICATION/JSON",
  "application/json;charset=latin1",
  "application/json; charset=",
  "text/plain",
  "text/plain; charset=utf-8",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/octet-stream",
  ";;;",
);

/** A query string of `params`, percent-encoded as trackers do. */
export function encodeParams(params: Record<string, string>): string {
  const encode = (s: string) => {
    try {
      return encodeURIComponent(s);
    } catch {
      // A lone surrogate: what a browser sends instead (U+FFFD).
      return encodeURIComponent(s.toWellFormed());
    }
  };
  return Object.entries(params)
    .map(([k, v]) => `${encode(k)}=${encode(v)}`)
    .join("&");
}

/** Content types a tp2 POST might claim: mostly a tracker's, often not. */
export const tp2ContentType: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 2, arbitrary: fc.constant("application/json; charset=utf-8") },
  { weight: 1, arbitrary: oddContentType },
);
