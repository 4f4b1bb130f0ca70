/**
 * @module
 * Tracker Protocol 1 (`com.snowplowanalytics.snowplow/tp1`, and the legacy `/i` and `/ice.png`
 * pixels): one GET request, one event, every parameter on the querystring (Enrich's `Tp1Adapter`).
 * An empty querystring is an adapter_failures row; Enrich words it as for redirects, and so do we.
 */
import { inputData } from "../../badrows/failure-message.ts";
import { err, ok } from "../../result.ts";
import { type Adapter, distinctQueryPairs, one, queryParameters, rawEvent } from "./adapter.ts";

export const tp1Adapter: Adapter = {
  vendor: "com.snowplowanalytics.snowplow",
  version: "tp1",
  toRawEvents(payload) {
    if (payload.querystring.length === 0) {
      return err(one(inputData("querystring", null, "empty querystring: not a valid URI redirect")));
    }
    // The pairs as they are unless a name repeats (then the last wins, as a Scala map's).
    return ok(one(rawEvent(payload, distinctQueryPairs(payload) ?? queryParameters(payload))));
  },
};
