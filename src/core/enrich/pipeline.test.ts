/** @module Tests of the enrich pipeline: defaults, the three phases, the outcome rules, failed events. */
import { describe, expect, test } from "bun:test";
import { testResolver } from "../../../test/support/enrich-test-resolver.ts";
import { type BadRow, badRowJson } from "../badrows/bad-row.ts";
import type { EnrichedEvent, SelfDescribingJson } from "../event/enriched-event.ts";
import { decodeEnrichedTsv, encodeEnrichedTsv } from "../event/tsv.ts";
import type { Registry } from "../iglu/registry.ts";
import { repoFailure } from "../iglu/registry.ts";
import { Resolver } from "../iglu/resolver.ts";
import { err } from "../result.ts";
import type { Enrichment, EnrichmentInput, EnrichmentName, EnrichmentOutcome } from "./enrichment.ts";
import { IgluUnavailableError } from "./iglu-validation.ts";
import { type EnrichOutput, EnrichPipeline, type EnrichPipelineOptions } from "./pipeline.ts";
import {
  base64url,
  COLLECTOR_TSTAMP,
  contexts,
  ETL_TSTAMP,
  NUID,
  pixel,
  TEST_PROCESSOR,
  tp2Post,
  UA,
  unstruct,
} from "./test-records.test-support.ts";

const resolver = testResolver();
const pipeline = (options: Partial<EnrichPipelineOptions> = {}) =>
  new EnrichPipeline({
    resolver,
    processor: TEST_PROCESSOR,
    newEventId: () => "00000000-0000-4000-8000-000000000000",
    ...options,
  });
const enrich = (record: Uint8Array, options: Partial<EnrichPipelineOptions> = {}): Promise<EnrichOutput> =>
  pipeline(options).enrichRecord(record, ETL_TSTAMP);
async function good(
  record: Uint8Array,
  options: Partial<EnrichPipelineOptions> = {},
): Promise<EnrichedEvent> {
  const out = await enrich(record, options);
  if (out.bad.length > 0) throw new Error(JSON.stringify(out.bad.map((b) => badRowJson(b).data["failure"])));
  expect(out.good).toHaveLength(1);
  return out.good[0]!;
}
async function bad(record: Uint8Array, options: Partial<EnrichPipelineOptions> = {}): Promise<BadRow> {
  const out = await enrich(record, options);
  expect(out.good).toHaveLength(0);
  expect(out.bad).toHaveLength(1);
  return out.bad[0]!;
}
const failureOf = (row: BadRow) =>
  badRowJson(row).data["failure"] as { timestamp: string; messages: Record<string, unknown>[] };
const enrichedOf = (row: BadRow) =>
  (badRowJson(row).data["payload"] as { enriched: Record<string, unknown> }).enriched;

const PAGE_CONTEXT = "iglu:com.furrow.example/page_context/jsonschema/1-0-0";
const pageContext = (id: unknown): SelfDescribingJson => ({ schema: PAGE_CONTEXT, data: { id } });
const ID = "e4b3c2d1-0f9e-4d8c-b7a6-5f4e3d2c1b0a";

function fake(
  name: EnrichmentName,
  run: (input: EnrichmentInput) => EnrichmentOutcome | Promise<EnrichmentOutcome>,
): Enrichment {
  return {
    name,
    schemaKey: {
      vendor: "com.snowplowanalytics.snowplow",
      name,
      format: "jsonschema",
      version: { model: 1, revision: 0, addition: 0 },
    },
    enrich: run,
  };
}
const enriched = (...contexts: SelfDescribingJson[]): EnrichmentOutcome => ({ kind: "enriched", contexts });

describe("phase 1: defaults and parameters", () => {
  test("a page view gets Enrich's defaults and the request's context", async () => {
    const e = await good(
      pixel(
        {
          e: "pv",
          url: "https://www.example.com/blog/post-1?utm_source=x#top",
          page: "Post 1",
          aid: "blog",
          p: "web",
          tv: "js-3.23.0",
        },
        { headers: ["X-Forwarded-For: 198.51.100.23, 10.0.0.1"] },
      ),
    );
    expect(e).toMatchObject({
      app_id: "blog",
      platform: "web",
      event: "page_view",
      event_id: "00000000-0000-4000-8000-000000000000",
      etl_tstamp: ETL_TSTAMP,
      collector_tstamp: COLLECTOR_TSTAMP,
      v_tracker: "js-3.23.0",
      v_collector: "ssc-3.4.0-kinesis",
      v_etl: "furrow-enrich-0.1.0",
      user_ipaddress: "198.51.100.23",
      network_userid: NUID,
      useragent: UA,
      page_url: "https://www.example.com/blog/post-1?utm_source=x#top",
      page_title: "Post 1",
      page_urlscheme: "https",
      page_urlhost: "www.example.com",
      page_urlport: 443,
      page_urlpath: "/blog/post-1",
      page_urlquery: "utm_source=x",
      page_urlfragment: "top",
      derived_tstamp: COLLECTOR_TSTAMP,
      event_vendor: "com.snowplowanalytics.snowplow",
      event_name: "page_view",
      event_format: "jsonschema",
      event_version: "1-0-0",
      contexts: [],
      derived_contexts: [],
    });
  });

  test("tracker parameters override the defaults (eid, cv, ip, ua, nuid)", async () => {
    const e = await good(
      pixel({
        e: "pv",
        eid: "B3E9A1C2-5D4F-4E6A-8B7C-900000000001",
        cv: "custom",
        ip: "192.0.2.1",
        ua: "Other",
        nuid: "n",
      }),
    );
    expect(e).toMatchObject({
      event_id: "b3e9a1c2-5d4f-4e6a-8b7c-900000000001",
      v_collector: "custom",
      user_ipaddress: "192.0.2.1",
      useragent: "Other",
      network_userid: "n",
    });
  });

  test("a random v4 event id by default", async () => {
    const e = await good(pixel({ e: "pv" }), { newEventId: undefined });
    expect(e.event_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  test("parse errors make one schema_violations row against atomic 1-0-0, the event carried along", async () => {
    const row = await bad(
      pixel({ e: "pv", tid: "abc", dtm: "later", p: "phone", url: "https://x.example/" }),
    );
    expect(row.kind).toBe("schema_violations");
    expect(failureOf(row)).toEqual({
      timestamp: "2024-06-10T06:15:00Z",
      messages: [
        {
          schemaKey: "iglu:com.snowplowanalytics.snowplow/atomic/jsonschema/1-0-0",
          error: {
            dataReports: [
              {
                message: "Cannot be converted to java.lang.Integer",
                path: "tid",
                keyword: "atomic_field_parse_error",
                targets: [],
              },
              {
                message: "Not in the expected format: ms since epoch",
                path: "dtm",
                keyword: "atomic_field_parse_error",
                targets: [],
              },
              {
                message: "Not a valid platform",
                path: "p",
                keyword: "atomic_field_parse_error",
                targets: [],
              },
            ],
            error: "ValidationError",
          },
        },
      ],
    });
    const payload = badRowJson(row).data["payload"] as {
      enriched: Record<string, unknown>;
      raw: Record<string, unknown>;
    };
    expect(payload.enriched).toMatchObject({
      event: "page_view",
      page_urlhost: "x.example",
      page_urlport: 443,
      collector_tstamp: "2024-06-10 06:13:20.500",
    });
    expect(payload.raw).toMatchObject({
      vendor: "com.snowplowanalytics.snowplow",
      version: "tp1",
      loaderName: "ssc-3.4.0-kinesis",
      userId: NUID,
    });
    const derived = JSON.parse(payload.enriched["derived_contexts"] as string).data;
    expect(derived[0]).toMatchObject({
      schema: "iglu:com.snowplowanalytics.snowplow/failure/jsonschema/1-0-0",
      data: {
        failureType: "ValidationError",
        schema: "iglu:com.snowplowanalytics.snowplow/atomic/jsonschema/1-0-0",
        data: { tid: "abc", dtm: "later", p: "phone" },
      },
    });
  });

  test("a collector time past year 9999 is a parse error", async () => {
    const row = await bad(pixel({ e: "pv" }, { timestamp: 253402300800000 }));
    expect(failureOf(row).messages[0]).toMatchObject({
      error: { dataReports: [{ path: "collector_tstamp", keyword: "atomic_field_parse_error" }] },
    });
  });
});

describe("phase 1: Iglu validation of the unstructured event and contexts", () => {
  const linkClick = {
    schema: "iglu:com.snowplowanalytics.snowplow/link_click/jsonschema/1-0-1",
    data: { targetUrl: "https://x/" },
  };

  test("valid ue_pr and co land in unstruct_event and contexts (co 1-0-0 read, re-emitted as 1-0-1)", async () => {
    const e = await good(pixel({ e: "ue", ue_pr: unstruct(linkClick), co: contexts(pageContext(ID)) }));
    expect(e.unstruct_event).toEqual(linkClick);
    expect(e.contexts).toEqual([pageContext(ID)]);
    expect(e).toMatchObject({
      event_vendor: "com.snowplowanalytics.snowplow",
      event_name: "link_click",
      event_version: "1-0-1",
    });
    expect(encodeEnrichedTsv(e)).toContain(
      '{"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1","data":[',
    );
  });

  test("base64url cx and ue_px are read the same", async () => {
    const e = await good(
      pixel({ e: "ue", ue_px: base64url(unstruct(linkClick)), cx: base64url(contexts(pageContext(ID))) }),
    );
    expect(e.unstruct_event).toEqual(linkClick);
    expect(e.contexts).toHaveLength(1);
  });

  test("an invalid context is dropped alone, and makes the event a schema violation", async () => {
    const out = await enrich(pixel({ e: "pv", co: contexts(pageContext(1), pageContext(ID)) }), {
      emitFailed: true,
    });
    expect(out.bad[0]!.kind).toBe("schema_violations");
    const message = failureOf(out.bad[0]!).messages[0]!;
    expect(message["schemaKey"]).toBe(PAGE_CONTEXT);
    expect(message["error"]).toMatchObject({
      error: "ValidationError",
      dataReports: [{ path: "$.id", keyword: "type" }],
    });
    expect(out.failed[0]!.contexts).toEqual([pageContext(ID)]);
  });

  test("each way the tracker's JSON can be wrong", async () => {
    const cases: [Record<string, string>, Record<string, unknown>][] = [
      [{ ue_pr: "{oops" }, { field: "unstruct", value: "{oops" }],
      [{ ue_pr: '{"data":{}}' }, { json: { data: {} }, error: "INVALID_DATA_PAYLOAD" }],
      [
        { ue_pr: contexts() },
        {
          schemaKey: "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0",
          schemaCriterion: "iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-*",
        },
      ],
      [
        { co: unstruct(linkClick) },
        { schemaCriterion: "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-*" },
      ],
      [
        { co: '{"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0","data":{}}' },
        { error: { error: "ValidationError" } },
      ],
      [{ cx: "!!!" }, { field: "contexts" }],
    ];
    for (const [params, expected] of cases) {
      const row = await bad(pixel({ e: "ue", ...params }));
      expect(row.kind).toBe("schema_violations");
      expect(failureOf(row).messages[0]).toMatchObject(expected);
    }
  });

  test("a schema no registry has is a ResolutionError in the bad row", async () => {
    const row = await bad(
      pixel({ e: "ue", ue_pr: unstruct({ schema: "iglu:com.acme/unknown/jsonschema/1-0-0", data: {} }) }),
    );
    expect(failureOf(row).messages[0]).toMatchObject({
      schemaKey: "iglu:com.acme/unknown/jsonschema/1-0-0",
      error: { error: "ResolutionError" },
    });
  });

  test("a superseded schema is validated with its successor and recorded in validation_info", async () => {
    const click = {
      schema: "iglu:com.furrow.example/button_click/jsonschema/1-0-0",
      data: { id: "b", label: "Buy" },
    };
    const e = await good(pixel({ e: "pv", co: contexts(click) }));
    expect(e.contexts).toEqual([
      { ...click, schema: "iglu:com.furrow.example/button_click/jsonschema/1-0-2" },
    ]);
    expect(e.derived_contexts).toEqual([
      {
        schema: "iglu:com.snowplowanalytics.iglu/validation_info/jsonschema/1-0-0",
        data: {
          originalSchema: "iglu:com.furrow.example/button_click/jsonschema/1-0-0",
          validatedWith: "1-0-2",
        },
      },
    ]);
  });

  test("unreachable registries are lost infrastructure: the record throws, to be retried", async () => {
    const down: Registry = {
      name: "down",
      priority: 0,
      vendorPrefixes: [],
      location: "http://127.0.0.1:1",
      kind: "Http",
      lookup: async () => err(repoFailure("connection refused")),
      list: async () => err(repoFailure("connection refused")),
    };
    const p = new EnrichPipeline({
      resolver: new Resolver([down], { cacheSize: 10 }),
      processor: TEST_PROCESSOR,
    });
    await expect(
      p.enrichRecord(pixel({ e: "ue", ue_pr: unstruct(linkClick) }), ETL_TSTAMP),
    ).rejects.toBeInstanceOf(IgluUnavailableError);
    expect((await p.enrichRecord(pixel({ e: "pv" }), ETL_TSTAMP)).good).toHaveLength(1);
  });
});

describe("phase 2: built-in steps", () => {
  test("page URI from the Referer header when the tracker sent no url; refr_url* from refr", async () => {
    const e = await good(
      pixel(
        { e: "pv", refr: "http://search.example:8080/q?s=shirts" },
        { refererUri: "https://shop.example/p a" },
      ),
    );
    expect(e).toMatchObject({ page_url: "https://shop.example/p%20a", page_urlpath: "/p%20a" });
    expect(e).toMatchObject({
      refr_urlscheme: "http",
      refr_urlhost: "search.example",
      refr_urlport: 8080,
      refr_urlpath: "/q",
      refr_urlquery: "s=shirts",
      refr_urlfragment: null,
    });
  });

  test("derived_tstamp: true time, else collector time less the sending delay", async () => {
    expect((await good(pixel({ e: "pv", ttm: "1000" }))).derived_tstamp).toBe(1000);
    expect((await good(pixel({ e: "pv", dtm: "1718000000000", stm: "1718000000300" }))).derived_tstamp).toBe(
      COLLECTOR_TSTAMP - 300,
    );
    expect((await good(pixel({ e: "pv", dtm: "1718000000300", stm: "1718000000000" }))).derived_tstamp).toBe(
      COLLECTOR_TSTAMP,
    );
  });

  test("schema fields of each built-in event type", async () => {
    const cases: [Record<string, string>, string, string][] = [
      [{ e: "pp" }, "com.snowplowanalytics.snowplow", "page_ping"],
      [{ e: "se", se_ca: "c", se_ac: "a" }, "com.google.analytics", "event"],
      [{ e: "tr", tr_id: "o" }, "com.snowplowanalytics.snowplow", "transaction"],
      [{ e: "ti", ti_id: "o" }, "com.snowplowanalytics.snowplow", "transaction_item"],
    ];
    for (const [params, vendor, name] of cases) {
      expect(await good(pixel(params))).toMatchObject({
        event_vendor: vendor,
        event_name: name,
        event_format: "jsonschema",
        event_version: "1-0-0",
      });
    }
  });

  test("an event without a known type is an enrichment failure", async () => {
    const row = await bad(pixel({ aid: "x" }));
    expect(row.kind).toBe("enrichment_failures");
    expect(failureOf(row).messages).toEqual([
      {
        enrichment: null,
        message: {
          field: "event",
          value: null,
          expectation:
            "trying to extract the schema of the enriched event but event type [null] doesn't match any of page_view, page_ping, struct, transaction, transaction_item and unstruct",
        },
      },
    ]);
    expect((await bad(pixel({ e: "ad" }))).kind).toBe("enrichment_failures");
  });

  test("an empty collector version is an enrichment failure", async () => {
    const row = await bad(pixel({ e: "pv", cv: "" }));
    expect(failureOf(row).messages).toEqual([
      { enrichment: null, message: { field: "v_collector", value: null, expectation: "should be set" } },
    ]);
  });

  test("the _sp cross-domain parameter sets refr_domain_userid and refr_dvce_tstamp", async () => {
    const e = await good(pixel({ e: "pv", url: "https://b.example/?_sp=abc-duid.1718000000000" }));
    expect(e).toMatchObject({ refr_domain_userid: "abc-duid", refr_dvce_tstamp: 1718000000000 });
    const row = await bad(pixel({ e: "pv", url: "https://b.example/?_sp=abc.notatime" }));
    expect(failureOf(row).messages[0]).toEqual({
      enrichment: null,
      message: {
        field: "sp_dtm",
        value: "notatime",
        expectation: "Not in the expected format: ms since epoch",
      },
    });
  });

  test("phase-1 errors win over phase-2 ones", async () => {
    const row = await bad(pixel({ tid: "x" }));
    expect(row.kind).toBe("schema_violations");
  });
});

describe("phase 2: the configured enrichments", () => {
  test("run in Enrich's order, whatever the order given; contexts put in front", async () => {
    const seen: string[] = [];
    const enrichments = [
      fake("ip_lookups", (i) => {
        seen.push(`ip_lookups saw ${i.event.event_name} and ${i.derivedContexts.length} contexts`);
        return enriched(pageContext("11111111-1111-4111-8111-111111111111"));
      }),
      fake("yauaa_enrichment_config", (i) => {
        seen.push(`yauaa saw ${i.event.event_name}`);
        return enriched(pageContext("22222222-2222-4222-8222-222222222222"));
      }),
      fake("ua_parser_config", (i) => {
        seen.push(`ua_parser saw ${i.parameters.get("aid")}`);
        i.event.br_name = "Chrome";
        return enriched();
      }),
    ];
    const e = await good(pixel({ e: "pv", aid: "shop" }), { enrichments });
    expect(seen).toEqual(["ua_parser saw shop", "yauaa saw null", "ip_lookups saw page_view and 1 contexts"]);
    expect(e.br_name).toBe("Chrome");
    expect(e.derived_contexts.map((c) => (c.data as { id: string }).id[0])).toEqual(["1", "2"]);
  });

  test("an enrichment may replace the derived contexts so far (asn_lookups, pii, eraseDerived_contexts)", async () => {
    const first = pageContext("11111111-1111-4111-8111-111111111111");
    const second = pageContext("22222222-2222-4222-8222-222222222222");
    const enrichments = [
      fake("ua_parser_config", () => enriched(first)),
      fake("pii_enrichment_config", (i) => {
        expect(i.derivedContexts).toEqual([first]);
        return { kind: "enriched", contexts: [second], replacesDerivedContexts: true };
      }),
    ];
    expect((await good(pixel({ e: "pv" }), { enrichments })).derived_contexts).toEqual([second]);
  });

  test("a promise is awaited; a synchronous enrichment stays synchronous", async () => {
    const enrichments = [
      fake("api_request_enrichment_config", async () => {
        await new Promise((r) => setTimeout(r, 5));
        return enriched(pageContext(ID));
      }),
      fake("anon_ip", (i) => {
        i.event.user_ipaddress = "203.0.113.x";
        return enriched();
      }),
    ];
    const e = await good(pixel({ e: "pv" }), { enrichments });
    expect(e.derived_contexts).toEqual([pageContext(ID)]);
    expect(e.user_ipaddress).toBe("203.0.113.x");
  });

  test("events of one payload keep their order when some wait and some do not", async () => {
    // The second event's enrichment waits longest, the first's not at all.
    const delays: Record<string, number> = { a: 0, b: 20, c: 5, d: 0 };
    const idOf = (action: string) => `${action.repeat(8)}-0000-4000-8000-000000000000`;
    const enrichments = [
      fake("api_request_enrichment_config", (i) => {
        const action = i.event.se_action ?? "";
        const outcome = enriched(pageContext(idOf(action)));
        const ms = delays[action] ?? 0;
        return ms === 0 ? outcome : new Promise((r) => setTimeout(() => r(outcome), ms));
      }),
    ];
    const out = await enrich(
      tp2Post(
        ["a", "b", "c", "d"].map((a) => ({ e: "se", se_ca: "c", se_ac: a, tv: "js-3.23.0", p: "web" })),
      ),
      {
        enrichments,
      },
    );
    expect(out.bad).toEqual([]);
    expect(out.good.map((e) => [e.se_action, e.derived_contexts[0]?.data])).toEqual(
      ["a", "b", "c", "d"].map((a) => [a, { id: idOf(a) }]),
    );
  });

  test("a failing enrichment makes an enrichment_failures row naming it; a throwing one too", async () => {
    const enrichments = [
      fake("currency_conversion_config", () => ({
        kind: "failed",
        messages: [{ kind: "Simple", error: "rates unavailable" }],
      })),
      fake("weather_enrichment_config", () => {
        throw new Error("boom");
      }),
    ];
    const row = await bad(pixel({ e: "pv" }), { enrichments });
    expect(row.kind).toBe("enrichment_failures");
    expect(failureOf(row).messages).toEqual([
      {
        enrichment: {
          schemaKey: "iglu:com.snowplowanalytics.snowplow/weather_enrichment_config/jsonschema/1-0-0",
          identifier: "weather",
        },
        message: { error: "unexpected error: Error: boom" },
      },
      {
        enrichment: {
          schemaKey: "iglu:com.snowplowanalytics.snowplow/currency_conversion_config/jsonschema/1-0-0",
          identifier: "currency-conversion",
        },
        message: { error: "rates unavailable" },
      },
    ]);
  });

  test("drop() discards the event: neither good nor bad", async () => {
    let after = false;
    const enrichments = [
      fake("javascript_script_config", () => ({ kind: "dropped" })),
      fake("anon_ip", () => {
        after = true;
        return enriched();
      }),
    ];
    expect(await enrich(pixel({ e: "pv" }), { enrichments })).toEqual({ good: [], bad: [], failed: [] });
    expect(after).toBe(false);
  });
});

describe("phase 3", () => {
  test("an invalid derived context is dropped and makes a schema violation", async () => {
    const enrichments = [
      fake("ua_parser_config", () => enriched(pageContext("not-a-uuid"), pageContext(ID))),
    ];
    const out = await enrich(pixel({ e: "pv" }), { enrichments, emitFailed: true });
    expect(out.bad[0]!.kind).toBe("schema_violations");
    expect(failureOf(out.bad[0]!).messages[0]).toMatchObject({ schemaKey: PAGE_CONTEXT });
    const derived = out.failed[0]!.derived_contexts;
    expect(derived.map((c) => c.schema)).toEqual([
      "iglu:com.snowplowanalytics.snowplow/failure/jsonschema/1-0-0",
      PAGE_CONTEXT,
    ]);
    expect(derived[0]!.data).toMatchObject({
      failureType: "ValidationError",
      errors: [{ source: "derived_contexts", path: "$.id" }],
    });
  });

  test("fields over their limit are a schema violation, unless acceptInvalid", async () => {
    const record = pixel({ e: "pv", aid: "a".repeat(256), tr_cu: "EURO" });
    const row = await bad(record);
    expect(row.kind).toBe("schema_violations");
    expect(failureOf(row).messages[0]).toMatchObject({
      error: {
        dataReports: [
          {
            message: "Field is longer than maximum allowed size 255",
            path: "app_id",
            keyword: "atomic_field_length_exceeded",
          },
          {
            message: "Field is longer than maximum allowed size 3",
            path: "tr_currency",
            keyword: "atomic_field_length_exceeded",
          },
        ],
      },
    });
    expect(enrichedOf(row)["app_id"]).toBe("a".repeat(256));
    expect((await good(record, { acceptInvalid: true })).app_id).toHaveLength(256);
    expect((await good(record, { atomicFieldLimits: { app_id: 300, tr_currency: 4 } })).tr_currency).toBe(
      "EURO",
    );
  });

  test("with failed events on, over-long fields are nulled in both outputs", async () => {
    const out = await enrich(pixel({ e: "pv", aid: "a".repeat(256), eid: ID }), { emitFailed: true });
    expect(out.failed[0]!.app_id).toBeNull();
    expect(out.failed[0]!.event_id).toBe(ID);
    expect(enrichedOf(out.bad[0]!)["app_id"]).toBeNull();
  });

  test("a JavaScript enrichment's rewrite of the unstructured event is validated again", async () => {
    const enrichments = [
      fake("javascript_script_config", (i) => {
        i.event.unstruct_event = { schema: PAGE_CONTEXT, data: { id: 42 } };
        return enriched();
      }),
    ];
    const out = await enrich(
      pixel({ e: "ue", ue_pr: unstruct({ schema: PAGE_CONTEXT, data: { id: ID } }) }),
      { enrichments, emitFailed: true },
    );
    expect(out.bad[0]!.kind).toBe("schema_violations");
    expect(out.failed[0]!.unstruct_event).toBeNull();
  });
});

describe("outcome", () => {
  test("a tp2 batch: each event on its own", async () => {
    const out = await enrich(
      tp2Post([
        { e: "pv", p: "web", tv: "js" },
        { e: "pp", p: "web", tv: "js", pp_mix: "x" },
        { e: "se", p: "web", tv: "js", se_ca: "c", se_ac: "a" },
      ]),
    );
    expect(out.good.map((e) => e.event)).toEqual(["page_view", "struct"]);
    expect(out.bad.map((b) => b.kind)).toEqual(["schema_violations"]);
  });

  test("failed events carry failure entities first, then enrichment contexts, then validation_info", async () => {
    const click = { schema: "iglu:com.furrow.example/button_click/jsonschema/1-0-1", data: { id: "b" } };
    const enrichments = [fake("ua_parser_config", () => enriched(pageContext(ID)))];
    const out = await enrich(pixel({ e: "pv", tid: "x", co: contexts(click) }), {
      enrichments,
      emitFailed: true,
    });
    expect(out.failed[0]!.derived_contexts.map((c) => c.schema)).toEqual([
      "iglu:com.snowplowanalytics.snowplow/failure/jsonschema/1-0-0",
      PAGE_CONTEXT,
      "iglu:com.snowplowanalytics.iglu/validation_info/jsonschema/1-0-0",
    ]);
    const failure = out.failed[0]!.derived_contexts[0]!.data as Record<string, unknown>;
    expect(failure).toEqual({
      failureType: "ValidationError",
      errors: [
        {
          message: "Cannot be converted to java.lang.Integer",
          source: "atomic_field",
          path: "tid",
          keyword: "atomic_field_parse_error",
          targets: [],
        },
      ],
      schema: "iglu:com.snowplowanalytics.snowplow/atomic/jsonschema/1-0-0",
      data: { tid: "x" },
      timestamp: "2024-06-10T06:15:00Z",
      componentName: "furrow-enrich",
      componentVersion: "0.1.0",
    });
    const line = encodeEnrichedTsv(out.failed[0]!);
    expect(decodeEnrichedTsv(line).ok).toBe(true);
  });

  test("good events round-trip through the TSV codec", async () => {
    const e = await good(
      pixel({ e: "se", se_ca: "c\tx", se_va: "1E3", res: "1x2", f_pdf: "1", co: contexts(pageContext(ID)) }),
    );
    const back = decodeEnrichedTsv(encodeEnrichedTsv(e));
    expect(back.ok && back.value).toEqual({ ...e, se_category: "c    x" });
  });
});
