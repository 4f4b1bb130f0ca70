/**
 * @module
 * Which network user id a request gets (core/Service.scala `networkUserId`), highest first:
 * 1. an `SP-Anonymous` header (any value): the all-zero UUID, so anonymous events are not linked;
 * 2. a `nuid` query parameter (trackers that keep the id themselves, e.g. server-side);
 * 3. the collector's own cookie;
 * 4. otherwise a new random UUID, or the cookie-bounce fallback id on a request that already
 *    bounced and still has no cookie (third-party cookies blocked).
 * The collector does not validate a supplied id; enrich rejects one that is not a UUID.
 */
import { queryParam } from "./query-string.ts";
import { cookieValue } from "./request-cookie.ts";

/** The id every anonymous (SP-Anonymous) request gets. */
export const ANONYMOUS_NETWORK_USER_ID = "00000000-0000-0000-0000-000000000000";

/** Where the id came from; only `"new"` ids may trigger a cookie bounce. */
export type NetworkUserIdSource = "anonymous" | "query" | "cookie" | "new";

export interface NetworkUserId {
  readonly id: string;
  readonly source: NetworkUserIdSource;
}

/**
 * The id carried by the request, or `undefined` when it has none and one must be made up.
 *
 * @example
 * presentNetworkUserId(false, "e=pv&nuid=abc", undefined, "sp") // { id: "abc", source: "query" }
 */
export function presentNetworkUserId(
  spAnonymous: boolean,
  query: string,
  cookieHeader: string | undefined,
  cookieName: string,
): NetworkUserId | undefined {
  if (spAnonymous) return { id: ANONYMOUS_NETWORK_USER_ID, source: "anonymous" };
  const fromQuery = query === "" ? undefined : queryParam(query, "nuid");
  if (fromQuery !== undefined) return { id: fromQuery, source: "query" };
  const fromCookie = cookieValue(cookieHeader, cookieName);
  if (fromCookie !== undefined) return { id: fromCookie, source: "cookie" };
  return undefined;
}
