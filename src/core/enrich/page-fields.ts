/**
 * @module
 * The URL-derived fields of phase 2 (Enrich's `EnrichmentManager.getPageUri` and `getRefererUri`):
 * `page_url*` from the page URI (the tracker's `url`, else the request's Referer) and `refr_url*`
 * from `page_referrer`. (The `_sp` fields come from `enrichments/cross-navigation.ts`.)
 */
import { type EnrichmentFailure, enrichmentFailure, simple } from "../badrows/failure-message.ts";
import type { EnrichedEvent } from "../event/enriched-event.ts";
import { err, ok, type Result } from "../result.ts";
import { type ParsedUri, parseUri } from "./uri.ts";

/**
 * Sets `page_url` (to Java's rendering of the URI) and its components. The tracker's `url` wins
 * over the Referer header; with neither there is nothing to do.
 */
export function setPageUri(
  event: EnrichedEvent,
  refererHeader: string | null,
): Result<ParsedUri | null, EnrichmentFailure> {
  const source = event.page_url ?? refererHeader;
  if (source === null) return ok(null);
  const parsed = parseUri(source);
  if (!parsed.ok) return err(enrichmentFailure(null, simple(parsed.error)));
  const { text, components: c } = parsed.value;
  event.page_url = text;
  event.page_urlscheme = c.scheme;
  event.page_urlhost = c.host;
  event.page_urlport = c.port;
  event.page_urlpath = c.path;
  event.page_urlquery = c.query;
  event.page_urlfragment = c.fragment;
  return ok(parsed.value);
}

/** Sets the `refr_url*` components of `page_referrer` (the referer_parser enrichment does the rest). */
export function setRefererUri(event: EnrichedEvent): Result<void, EnrichmentFailure> {
  if (event.page_referrer === null) return ok(undefined);
  const parsed = parseUri(event.page_referrer);
  if (!parsed.ok) return err(enrichmentFailure(null, simple(parsed.error)));
  const c = parsed.value.components;
  event.refr_urlscheme = c.scheme;
  event.refr_urlhost = c.host;
  event.refr_urlport = c.port;
  event.refr_urlpath = c.path;
  event.refr_urlquery = c.query;
  event.refr_urlfragment = c.fragment;
  return ok(undefined);
}
