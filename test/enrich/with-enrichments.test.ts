/**
 * @module
 * The pipeline with real enrichments, configured from Snowplow-format config files
 * (`fixtures/enrich/enrichments`), as `furrow enrich` builds it: the enrichments must run in
 * Enrich's order, set their fields, and their contexts must land in derived_contexts (the latest
 * enrichment's first) and validate.
 */
import { describe, expect, test } from "bun:test";
import { fileURLToPath } from "node:url";
import { buildPipeline } from "../../src/apps/enrich/main.ts";
import { badRowJson } from "../../src/core/badrows/bad-row.ts";
import { ETL_TSTAMP } from "../../src/core/enrich/test-records.test-support.ts";
import { trackerRequests } from "./tracker-requests.ts";

const fixtures = fileURLToPath(new URL("../../fixtures/enrich/", import.meta.url));

describe("the pipeline with the fixture enrichments", () => {
  test("anonymises the IP, attributes the campaign, fingerprints, and adds contexts in Enrich's order", async () => {
    const built = await buildPipeline({
      igluConfig: `${fixtures}resolver.json`,
      enrichmentsDir: `${fixtures}enrichments`,
      emitFailed: false,
    });
    if (!built.ok) throw new Error(built.error.join("\n"));
    expect(built.value.enrichments.map((e) => e.name)).toEqual([
      "ua_parser_config",
      "campaign_attribution",
      "event_fingerprint_config",
      "cookie_extractor_config",
      "http_header_extractor_config",
      "anon_ip",
    ]);
    const [pageView] = trackerRequests();
    const out = await built.value.pipeline.enrichRecord(pageView!.record, ETL_TSTAMP);
    expect(out.bad.map((b) => badRowJson(b).data["failure"])).toEqual([]);
    const event = out.good[0]!;
    expect(event.user_ipaddress).toBe("198.51.x.x");
    expect(event.mkt_source).toBe("newsletter");
    expect(event.event_fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(event.derived_contexts.map((c) => c.schema)).toEqual([
      "iglu:org.ietf/http_header/jsonschema/1-0-0",
      "iglu:org.ietf/http_cookie/jsonschema/1-0-0",
      "iglu:com.snowplowanalytics.snowplow/ua_parser_context/jsonschema/1-0-0",
    ]);
    expect(event.derived_contexts[1]!.data).toEqual({
      name: "sp",
      value: "4f1c7a52-9d0e-4b8a-a5c3-2e6f8b1d9c07",
    });
    expect(event.derived_contexts[2]!.data).toMatchObject({
      useragentFamily: "Chrome",
      osFamily: "Mac OS X",
    });
    await Promise.all(built.value.enrichments.map((e) => e.close?.()));
  });
});
