/** @module Tests of the r/tp2 redirect adapter. */
import { describe, expect, test } from "bun:test";
import { testResolver } from "../../../../test/support/enrich-test-resolver.ts";
import { decodeBase64UrlText } from "../base64url.ts";
import { adapterPayload, base64url, contexts, nvps, paramsOf } from "../test-records.test-support.ts";
import { redirectAdapter } from "./redirect.ts";

const context = { resolver: testResolver(), maxJsonDepth: 50 };
const run = (query: Record<string, string | null>) => {
  const r = redirectAdapter.toRawEvents(
    adapterPayload({ vendor: "r", version: "tp2", querystring: nvps(query) }),
    context,
  );
  if (r instanceof Promise) throw new Error("the redirect adapter never waits");
  return r;
};
const params = (query: Record<string, string | null>) => {
  const r = run(query);
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return paramsOf(r.value[0]);
};
const URI_REDIRECT = "iglu:com.snowplowanalytics.snowplow/uri_redirect/jsonschema/1-0-0";

describe("redirectAdapter", () => {
  test("without an event, the redirect is the event (ue_pr), tv r-tp2, p web", () => {
    expect(params({ u: "https://dest.example/x?y=1", aid: "mail" })).toEqual({
      aid: "mail",
      e: "ue",
      ue_pr: JSON.stringify({
        schema: "iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0",
        data: { schema: URI_REDIRECT, data: { uri: "https://dest.example/x?y=1" } },
      }),
      tv: "r-tp2",
      p: "web",
    });
    expect(params({ u: "https://d/", p: "mob" }).p).toBe("mob");
  });

  test("with an event, the redirect becomes a context: a new co", () => {
    const p = params({ u: "https://d/", e: "se", se_ca: "c" });
    expect(JSON.parse(p["co"]!)).toEqual({
      schema: "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1",
      data: [{ schema: URI_REDIRECT, data: { uri: "https://d/" } }],
    });
    expect(p["u"]).toBeUndefined();
    expect(params({ u: "https://d/", e: "se", co: "" })["co"]).toContain(URI_REDIRECT);
  });

  test("prepended to an existing co, or to a cx (re-encoded)", () => {
    const existing = contexts({
      schema: "iglu:com.furrow.example/page_context/jsonschema/1-0-0",
      data: { id: "x" },
    });
    const co = JSON.parse(params({ u: "https://d/", e: "pv", co: existing })["co"]!);
    expect(co.data.map((c: { schema: string }) => c.schema)).toEqual([
      URI_REDIRECT,
      "iglu:com.furrow.example/page_context/jsonschema/1-0-0",
    ]);
    const cx = params({ u: "https://d/", e: "pv", cx: base64url(existing) })["cx"]!;
    expect(JSON.parse(decodeBase64UrlText(cx)).data).toHaveLength(2);
  });

  test("a co that is not JSON is a violation", () => {
    const r = run({ u: "https://d/", e: "pv", co: "{nope" });
    expect(!r.ok && r.error[0]).toMatchObject({ kind: "NotJson", field: "co|cx", value: "{nope" });
  });

  test("u is required; an empty querystring is not a redirect", () => {
    expect(run({ e: "pv", x: null })).toEqual({
      ok: false,
      error: [
        {
          kind: "InputData",
          field: "querystring",
          value: "e=pv&x=null",
          expectation: "missing `u` parameter: not a valid URI redirect",
        },
      ],
    });
    expect(run({})).toEqual({
      ok: false,
      error: [
        {
          kind: "InputData",
          field: "querystring",
          value: null,
          expectation: "empty querystring: not a valid URI redirect",
        },
      ],
    });
  });
});
