/**
 * @module
 * The schemas the browser-tracker test page tracks, shared by the page script and the test.
 */

/** The self-describing event the page tracks. */
export const LINK_CLICK = "iglu:com.snowplowanalytics.snowplow/link_click/jsonschema/1-0-1";
/** The custom context attached to it. */
export const BASKET_CONTEXT = "iglu:com.acme/basket/jsonschema/1-0-0";
