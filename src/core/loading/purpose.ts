/**
 * @module
 * What an S3 loader loads. Snowplow's S3 loader names the three kinds by its `purpose` setting
 * (2.x `Config.Purpose`: `RAW`, `ENRICHED_EVENTS`, `SELF_DESCRIBING`, read case-insensitively);
 * Furrow's command line uses the short names `raw`, `enriched` and `bad`, and reads either.
 */

/** Furrow's names, as `furrow s3-loader --purpose` takes them. */
export const LOADER_PURPOSES = ["raw", "enriched", "bad"] as const;
export type LoaderPurpose = (typeof LOADER_PURPOSES)[number];

/** Snowplow's name of each purpose (S3 loader 2.x `purpose`; 3.x keeps the last two). */
export const SNOWPLOW_PURPOSE = {
  raw: "RAW",
  enriched: "ENRICHED_EVENTS",
  bad: "SELF_DESCRIBING",
} as const satisfies Record<LoaderPurpose, string>;

/** `raw`, `enriched`, `bad`, or Snowplow's name in any case; null for anything else. */
export function parseLoaderPurpose(text: string): LoaderPurpose | null {
  const lower = text.toLowerCase();
  for (const purpose of LOADER_PURPOSES) {
    if (lower === purpose || lower === SNOWPLOW_PURPOSE[purpose].toLowerCase()) return purpose;
  }
  return null;
}
