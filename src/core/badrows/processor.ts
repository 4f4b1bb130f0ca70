/**
 * @module
 * The software that produced a bad row. Every bad-row schema requires it; `version` must look like
 * a semantic version (`^\d+\.\d+\.\d+.*$`, at most 32 characters) to validate.
 */

/** Artifact name and version, e.g. `{artifact: "furrow-enrich", version: "0.1.0"}`. */
export interface Processor {
  readonly artifact: string;
  readonly version: string;
}

/** Builds a Processor. */
export function processor(artifact: string, version: string): Processor {
  return { artifact, version };
}

/** `{artifact, version}`, in that order. */
export function processorJson(p: Processor): Record<string, unknown> {
  return { artifact: p.artifact, version: p.version };
}
