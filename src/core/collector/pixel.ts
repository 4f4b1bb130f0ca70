/**
 * @module
 * The tracking pixel: the 43-byte transparent 1×1 GIF89a the Snowplow Stream Collector 3.x answers
 * every pixel request with (core/Service.scala `Service.pixel`). Decoded once at start-up and shared
 * by every response; nothing may write into it.
 */

/** Base64 of the pixel, as Snowplow 3.x declares it (2.x differs in one byte: `…CH5BAEAAAAA…`). */
export const PIXEL_BASE64 = "R0lGODlhAQABAPAAAP///wAAACH5BAUAAAAALAAAAAABAAEAAAICRAEAOw==";

/** The pixel's bytes. Shared by every response, so treat it as read-only. */
export const PIXEL: Uint8Array<ArrayBuffer> = Uint8Array.from(atob(PIXEL_BASE64), (ch) => ch.charCodeAt(0));

/**
 * `Cache-Control` of pixel responses, so browsers fetch (and the collector counts) every hit
 * (core/Service.scala `cacheControl`).
 */
export const PIXEL_CACHE_CONTROL = "no-cache, no-store, must-revalidate";
