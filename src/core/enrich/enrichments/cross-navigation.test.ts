/**
 * @module
 * `_sp` parsing and the cross_navigation context, on the cases Enrich's own spec covers (original
 * and extended formats, missing parts, too many parts, bad and out-of-range timestamps).
 */
import { describe, expect, test } from "bun:test";
import { inputData } from "../../badrows/failure-message.ts";
import { err } from "../../result.ts";
import {
  applyCrossDomain,
  CROSS_NAVIGATION_SCHEMA,
  crossNavigationContext,
  crossNavigationEnrichment,
  parseCrossDomain,
} from "./cross-navigation.ts";
import { contextsOf, enrichmentInput, failuresOf, testDeps } from "./enrichment-input.test-support.ts";

const config = {
  schema: "iglu:com.snowplowanalytics.snowplow.enrichments/cross_navigation_config/jsonschema/1-0-0",
  data: {
    vendor: "com.snowplowanalytics.snowplow.enrichments",
    name: "cross_navigation_config",
    enabled: true,
  },
};

const session = "176ff68a-4769-4566-ad0e-3792c1c8148f";
const extended = `abc.1697175843762.${session}.dGVzdGVy.c29tZVNvdXJjZUlk.web.dGVzdGluZ19yZWFzb24`;

describe("parseCrossDomain", () => {
  test("original format: user id and timestamp", () => {
    expect(parseCrossDomain("abc.1697398398279")).toEqual({
      ok: true,
      value: {
        domainUserId: "abc",
        timestamp: Date.UTC(2023, 9, 15, 19, 33, 18, 279),
        sessionId: null,
        userId: null,
        sourceId: null,
        sourcePlatform: null,
        reason: null,
      },
    });
  });

  test("extended format, base64url parts decoded", () => {
    const parsed = parseCrossDomain(extended);
    expect(parsed.ok && parsed.value).toEqual({
      domainUserId: "abc",
      timestamp: Date.UTC(2023, 9, 13, 5, 44, 3, 762),
      sessionId: session,
      userId: "tester",
      sourceId: "someSourceId",
      sourcePlatform: "web",
      reason: "testing_reason",
    });
  });

  test("missing parts are absent", () => {
    const a = parseCrossDomain("abc");
    expect(a.ok && [a.value.domainUserId, a.value.timestamp]).toEqual(["abc", null]);
    const b = parseCrossDomain(".1697398398279");
    expect(b.ok && [b.value.domainUserId, b.value.timestamp]).toEqual([null, 1697398398279]);
    const c = parseCrossDomain("abc.1697175843762..dGVzdGVy..web");
    expect(c.ok && [c.value.sessionId, c.value.userId, c.value.sourceId, c.value.sourcePlatform]).toEqual([
      null,
      "tester",
      null,
      "web",
    ]);
    const d = parseCrossDomain("abc.1697175843762.....");
    expect(d.ok && d.value.reason).toBeNull();
  });

  test("more than seven parts: the value is ignored", () => {
    const parsed = parseCrossDomain(`${extended}...foo..bar...`);
    expect(parsed.ok && parsed.value.domainUserId).toBeNull();
    expect(parsed.ok && parsed.value.timestamp).toBeNull();
  });

  test("a timestamp that is not a long", () => {
    expect(parseCrossDomain(`abc.not-timestamp.${session}.`)).toEqual(
      err(inputData("sp_dtm", "not-timestamp", "Not in the expected format: ms since epoch")),
    );
  });

  test("a timestamp past year 9999", () => {
    expect(parseCrossDomain(`abc.1111111111111111.${session}.`)).toEqual(
      err(
        inputData(
          "sp_dtm",
          "1111111111111111",
          "Formatting as 37179-09-17 07:18:31.111 is not Redshift-compatible",
        ),
      ),
    );
  });
});

describe("crossNavigationContext", () => {
  test("ISO timestamp, nulls for absent parts", () => {
    const parsed = parseCrossDomain(extended);
    expect(parsed.ok && crossNavigationContext(parsed.value)).toEqual({
      schema: CROSS_NAVIGATION_SCHEMA,
      data: {
        domain_user_id: "abc",
        timestamp: "2023-10-13T05:44:03.762Z",
        session_id: session,
        user_id: "tester",
        source_id: "someSourceId",
        source_platform: "web",
        reason: "testing_reason",
      },
    });
  });

  test("Java's ISO form drops trailing zeros of the fraction", () => {
    const at = (ms: number) => {
      const parsed = parseCrossDomain(`abc.${ms}`);
      const context = parsed.ok ? crossNavigationContext(parsed.value) : null;
      return context === null ? "" : (context.data as { timestamp: string }).timestamp;
    };
    expect(at(Date.UTC(2023, 0, 2, 3, 4, 5, 100))).toBe("2023-01-02T03:04:05.1Z");
    expect(at(Date.UTC(2023, 0, 2, 3, 4, 5, 0))).toBe("2023-01-02T03:04:05Z");
  });

  test("none without the user id or the timestamp", () => {
    for (const sp of ["abc", ".1697398398279"]) {
      const parsed = parseCrossDomain(sp);
      expect(parsed.ok && crossNavigationContext(parsed.value)).toBeNull();
    }
  });
});

describe("applyCrossDomain (every event, configured or not)", () => {
  test("sets the refr_ fields from the page URL's _sp", () => {
    const input = enrichmentInput({ event: { page_urlquery: "a=1&_sp=abc.1697398398279&b=2" } });
    expect(applyCrossDomain(input).ok).toBe(true);
    expect(input.event.refr_domain_userid).toBe("abc");
    expect(input.event.refr_dvce_tstamp).toBe(1697398398279);
  });

  test("no _sp, an empty _sp, or no query: nothing", () => {
    for (const query of [null, "a=1", "_sp=", "_sp"]) {
      const input = enrichmentInput({ event: { page_urlquery: query } });
      expect(applyCrossDomain(input)).toEqual({ ok: true, value: null });
      expect(input.event.refr_domain_userid).toBeNull();
    }
  });
});

describe("the cross_navigation_config enrichment", () => {
  const build = async () => {
    const parsed = crossNavigationEnrichment.parse(config);
    if (!parsed.ok) throw new Error(parsed.error.message);
    const built = await crossNavigationEnrichment.create(parsed.value, testDeps());
    if (!built.ok) throw new Error(built.error.message);
    return built.value;
  };

  test("adds the context and sets the fields", async () => {
    const enrichment = await build();
    const input = enrichmentInput({ event: { page_urlquery: `_sp=${extended}` } });
    const contexts = contextsOf(await enrichment.enrich(input));
    expect(contexts.map((c) => c.schema)).toEqual([CROSS_NAVIGATION_SCHEMA]);
    expect(input.event.refr_domain_userid).toBe("abc");
  });

  test("a bad timestamp fails the event", async () => {
    const enrichment = await build();
    const input = enrichmentInput({ event: { page_urlquery: "_sp=abc.yesterday" } });
    expect(failuresOf(await enrichment.enrich(input))).toEqual([
      inputData("sp_dtm", "yesterday", "Not in the expected format: ms since epoch"),
    ]);
  });

  test("a config for another schema is refused", () => {
    const parsed = crossNavigationEnrichment.parse({
      ...config,
      schema: config.schema.replace("1-0-0", "2-0-0"),
    });
    expect(parsed.ok).toBe(false);
  });
});
