/**
 * @module
 * The apps `furrow up` runs, in an order that loses nothing: the Iglu Server first (every other
 * part resolves schemas through it), then the consumers from the end of the pipeline backwards
 * (S3 loaders, Postgres loaders, enrich), and the collector last, so nothing is accepted before
 * everything downstream runs. They stop in reverse: the collector first, then enrich, then the
 * loaders, each flushing what it holds and its checkpoints.
 */
import { type CollectorExtras, collectorPart } from "./collector.ts";
import { enrichPart } from "./enrich.ts";
import { igluPart, ResolverLink } from "./iglu.ts";
import type { Pipeline, UpPart } from "./part.ts";
import { postgresLoaderPart, SharedDatabase } from "./postgres-loaders.ts";
import { s3LoaderPart } from "./s3-loaders.ts";

export interface FurrowParts {
  readonly parts: readonly UpPart[];
  /** The loaders' database, open while they run: tests and tools query it through here. */
  readonly database: SharedDatabase;
}

export interface FurrowPartsOptions {
  /** Extra options for `startCollector` (the seam for features served by the collector). */
  readonly collector?: (pipeline: Pipeline) => CollectorExtras;
}

/** A fresh set of the pipeline's parts, for one run of `furrow up`. */
export function furrowParts(options: FurrowPartsOptions = {}): FurrowParts {
  const resolver = new ResolverLink();
  const database = new SharedDatabase();
  return {
    database,
    parts: [
      igluPart(resolver),
      s3LoaderPart("raw"),
      s3LoaderPart("enriched"),
      s3LoaderPart("bad"),
      postgresLoaderPart("enriched", database, resolver),
      postgresLoaderPart("bad", database, resolver),
      enrichPart(resolver),
      collectorPart(resolver, options.collector),
    ],
  };
}
