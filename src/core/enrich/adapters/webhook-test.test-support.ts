/**
 * @module
 * Running a webhook adapter in tests: a POST (or GET) payload in, its events' parameters (with
 * `ue_pr` parsed) or its failures out.
 */

import { testResolver } from "../../../../test/support/enrich-test-resolver.ts";
import { adapterPayload, nvps, paramsOf } from "../test-records.test-support.ts";
import type { RawCollectorPayload } from "../thrift-loader.ts";
import type { Adapted, Adapter } from "./adapter.ts";

const context = { resolver: testResolver(), maxJsonDepth: 50 };

export function runAdapter(
  adapter: Adapter,
  body: string | null,
  contentType: string | null,
  query: Record<string, string | null> = {},
): Adapted {
  const payload: RawCollectorPayload = adapterPayload({
    vendor: adapter.vendor,
    version: adapter.version,
    body,
    contentType,
    querystring: nvps(query),
    useragent: "webhook/1.0",
  });
  const r = adapter.toRawEvents(payload, context);
  if (r instanceof Promise) throw new Error("webhook adapters never wait");
  return r;
}

/** The events' parameters, `ue_pr` parsed into `{schema, data}` (the inner self-describing event). */
export function webhookEvents(...args: Parameters<typeof runAdapter>): Record<string, unknown>[] {
  const r = runAdapter(...args);
  if (!r.ok) throw new Error(`expected events, got ${JSON.stringify(r.error)}`);
  return r.value.map((e) => {
    const params: Record<string, unknown> = paramsOf(e);
    const ue = JSON.parse(params["ue_pr"] as string);
    if (ue.schema !== "iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0")
      throw new Error("not ue");
    params["ue_pr"] = ue.data;
    return params;
  });
}

/** The failures, as plain JSON-able values. */
export function webhookFailures(...args: Parameters<typeof runAdapter>): unknown[] {
  const r = runAdapter(...args);
  if (r.ok) throw new Error("expected failures");
  return [...r.error];
}
