/**
 * @module
 * The shape of one long-running piece of `furrow up`: started in list order once the engines are up
 * and the topology is provisioned, stopped in reverse. A part reports what it has done so far
 * through `progress`, which `furrow up` sums into its periodic progress line.
 */
import type { Endpoints } from "../../adapters/engines/launcher.ts";
import type { Topology } from "../../core/topology.ts";
import type { UpConfig } from "../config.ts";

/** What every part gets once the infrastructure is up and provisioned. */
export interface Pipeline {
  readonly topology: Topology;
  readonly endpoints: Endpoints;
  readonly region: string;
  /** The whole validated config (ports, folders, buffer times). */
  readonly config: UpConfig;
  /** Writes one line of diagnostics (leases taken, failed writes) to standard error. */
  readonly log: (line: string) => void;
}

/** One long-running piece of `furrow up`, started in list order and stopped in reverse. */
export interface UpPart {
  /** Printed first on the part's line; unique among the parts. */
  readonly name: string;
  start(pipeline: Pipeline): Promise<StartedPart>;
}

/** Counts since start; each part fills in what it knows, the progress line sums them. */
export interface PartCounts {
  /** Tracking payloads the collector wrote to the raw stream. */
  readonly collected?: number;
  /** Events enrich wrote to the enriched stream. */
  readonly enriched?: number;
  /** Bad rows any app wrote (collector size violations, enrich failures, loader failures). */
  readonly bad?: number;
  /** Files the S3 loaders wrote. */
  readonly s3Files?: number;
  /** Rows the Postgres loaders inserted (events and bad rows). */
  readonly postgresRows?: number;
}

export interface StartedPart {
  /** Where it answers (e.g. the collector's URL), or what it reads and writes; printed next to its name. */
  readonly url: string;
  /** More about it, printed after the URL (storage, schemas published). */
  readonly detail?: string;
  /** Its counters now. */
  progress?(): PartCounts;
  /** Stops it, flushing what it holds and its checkpoints. */
  stop(): Promise<void>;
}
