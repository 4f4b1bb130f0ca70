/**
 * @module
 * Bad rows: the record written for an event that could not be collected, enriched or loaded, so
 * that nothing is silently lost and the event can be recovered. Each is self-describing JSON,
 * `{"schema":"iglu:com.snowplowanalytics.snowplow.badrows/<kind>/jsonschema/<version>","data":{processor, failure, payload}}`,
 * at the versions snowplow-badrows 2.3.0 emits (`Schemas.scala`).
 *
 * @example
 * const row = sizeViolation(processor("furrow-enrich", "0.1.0"), {
 *   timestamp: new Date(),
 *   maximumAllowedSizeBytes: 1_000_000,
 *   actualSizeBytes: 1_200_000,
 *   expectation: "the event must fit in one Kinesis record",
 * }, truncated);
 * sink.write(serializeBadRow(row));
 */
import type { NonEmpty } from "../iglu/client-error.ts";
import { formatInstant } from "../iglu/instant.ts";
import { formatSchemaKey, type SchemaKey } from "../iglu/schema-key.ts";
import {
  type AdapterFailure,
  type CPFormatViolationMessage,
  type EnrichmentFailure,
  enrichmentFailureJson,
  failureMessageJson,
  type SchemaViolation,
  type TrackerProtocolViolation,
} from "./failure-message.ts";
import {
  type LoaderIgluFailure,
  type LoaderRecoveryCause,
  loaderIgluFailureJson,
  loaderRecoveryCauseJson,
  type TsvParsingError,
  tsvParsingErrorJson,
} from "./loader-failure.ts";
import {
  type CollectorPayload,
  collectorPayloadJson,
  type EnrichmentPayload,
  enrichmentPayloadJson,
  type LoaderPayload,
  type RawPayload,
} from "./payload.ts";
import { type Processor, processorJson } from "./processor.ts";

/** The Iglu vendor of every bad-row schema. */
export const BAD_ROW_VENDOR = "com.snowplowanalytics.snowplow.badrows";

/** Each bad-row kind and the schema version Snowplow emits for it. */
export const BAD_ROW_VERSIONS = {
  size_violation: "1-0-0",
  collector_payload_format_violation: "1-0-0",
  adapter_failures: "1-0-0",
  tracker_protocol_violations: "1-0-1",
  schema_violations: "2-0-1",
  enrichment_failures: "2-0-1",
  loader_parsing_error: "2-0-0",
  loader_iglu_error: "2-0-1",
  loader_runtime_error: "1-0-1",
  loader_recovery_error: "1-0-0",
  recovery_error: "1-0-1",
  generic_error: "1-0-0",
} as const;

/** A bad-row kind, which is also its schema's name. */
export type BadRowKind = keyof typeof BAD_ROW_VERSIONS;

/** The loaders `collector_payload_format_violation` allows (its schema's enum). */
export type CPFormatLoader = "clj-tomcat" | "cloudfront" | "ndjson" | "thrift" | "tsv";

/** A payload over the size limit of the queue or stream it was bound for. */
export interface SizeViolationFailure {
  readonly timestamp: Date;
  readonly maximumAllowedSizeBytes: number;
  readonly actualSizeBytes: number;
  readonly expectation: string;
}

/** A collector payload that could not be decoded. */
export interface CPFormatViolationFailure {
  readonly timestamp: Date;
  readonly loader: CPFormatLoader;
  readonly message: CPFormatViolationMessage;
}

/** An adapter (webhook or other vendor) could not turn a collector payload into events. */
export interface AdapterFailuresFailure {
  readonly timestamp: Date;
  readonly vendor: string;
  readonly version: string;
  readonly messages: NonEmpty<AdapterFailure>;
}

/** The tracker-protocol adapter (tp2, r/tp2) rejected a collector payload. */
export interface TrackerProtocolViolationsFailure {
  readonly timestamp: Date;
  readonly vendor: string;
  readonly version: string;
  readonly messages: NonEmpty<TrackerProtocolViolation>;
}

/** Atomic fields, contexts or the unstructured event did not validate. */
export interface SchemaViolationsFailure {
  readonly timestamp: Date;
  readonly messages: NonEmpty<SchemaViolation>;
}

/** One or more enrichments failed. */
export interface EnrichmentFailuresFailure {
  readonly timestamp: Date;
  readonly messages: NonEmpty<EnrichmentFailure>;
}

/** A recovery tool could not re-insert a row. */
export interface LoaderRecoveryFailure {
  readonly error: LoaderRecoveryCause;
}

/** A recovery scenario failed; `configName` names the recovery flow. */
export interface RecoveryFailure {
  readonly error: string;
  readonly configName: string | null;
}

/** Anything else. */
export interface GenericFailure {
  readonly timestamp: Date;
  readonly errors: NonEmpty<string>;
}

interface Row<K extends BadRowKind, F, P> {
  readonly kind: K;
  readonly processor: Processor;
  readonly failure: F;
  readonly payload: P;
}

/** The collector or Enrich could not send a payload: it exceeds the sink's record size. */
export type SizeViolation = Row<"size_violation", SizeViolationFailure, RawPayload>;
/** Enrich could not decode the raw collector payload (Thrift, decompression). */
export type CPFormatViolation = Row<
  "collector_payload_format_violation",
  CPFormatViolationFailure,
  RawPayload
>;
/** An adapter other than the tracker protocol failed. */
export type AdapterFailures = Row<"adapter_failures", AdapterFailuresFailure, CollectorPayload>;
/** The tracker-protocol adapter failed. */
export type TrackerProtocolViolations = Row<
  "tracker_protocol_violations",
  TrackerProtocolViolationsFailure,
  CollectorPayload
>;
/** An event failed validation. */
export type SchemaViolations = Row<"schema_violations", SchemaViolationsFailure, EnrichmentPayload>;
/** An event failed an enrichment. */
export type EnrichmentFailures = Row<"enrichment_failures", EnrichmentFailuresFailure, EnrichmentPayload>;
/** A loader could not read an enriched TSV line. */
export type LoaderParsingError = Row<"loader_parsing_error", TsvParsingError, RawPayload>;
/** A loader could not get or apply a schema. */
export type LoaderIgluError = Row<"loader_iglu_error", NonEmpty<LoaderIgluFailure>, LoaderPayload>;
/** A loader hit an unexpected runtime error (e.g. the database refused the row). */
export type LoaderRuntimeError = Row<"loader_runtime_error", string, LoaderPayload>;
/** A loader's recovery tool failed. */
export type LoaderRecoveryError = Row<"loader_recovery_error", LoaderRecoveryFailure, RawPayload>;
/** Bad-row recovery failed; the payload is the bad row being recovered. */
export interface RecoveryError extends Row<"recovery_error", RecoveryFailure, BadRow> {
  readonly recoveries: number;
}
/** Any other failure. */
export type GenericError = Row<"generic_error", GenericFailure, RawPayload>;

/** Every bad row, tagged by `kind`. */
export type BadRow =
  | SizeViolation
  | CPFormatViolation
  | AdapterFailures
  | TrackerProtocolViolations
  | SchemaViolations
  | EnrichmentFailures
  | LoaderParsingError
  | LoaderIgluError
  | LoaderRuntimeError
  | LoaderRecoveryError
  | RecoveryError
  | GenericError;

/** A size_violation; `payload` should already be truncated (Enrich keeps maxRecordSize/10 characters). */
export const sizeViolation = (
  p: Processor,
  failure: SizeViolationFailure,
  payload: RawPayload,
): SizeViolation => ({
  kind: "size_violation",
  processor: p,
  failure,
  payload,
});

/** A collector_payload_format_violation; `payload` is the raw record, base64. */
export const cpFormatViolation = (
  p: Processor,
  failure: CPFormatViolationFailure,
  payload: RawPayload,
): CPFormatViolation => ({ kind: "collector_payload_format_violation", processor: p, failure, payload });

/** An adapter_failures row. */
export const adapterFailures = (
  p: Processor,
  failure: AdapterFailuresFailure,
  payload: CollectorPayload,
): AdapterFailures => ({ kind: "adapter_failures", processor: p, failure, payload });

/** A tracker_protocol_violations row. */
export const trackerProtocolViolations = (
  p: Processor,
  failure: TrackerProtocolViolationsFailure,
  payload: CollectorPayload,
): TrackerProtocolViolations => ({ kind: "tracker_protocol_violations", processor: p, failure, payload });

/** A schema_violations row. */
export const schemaViolations = (
  p: Processor,
  failure: SchemaViolationsFailure,
  payload: EnrichmentPayload,
): SchemaViolations => ({ kind: "schema_violations", processor: p, failure, payload });

/** An enrichment_failures row. */
export const enrichmentFailures = (
  p: Processor,
  failure: EnrichmentFailuresFailure,
  payload: EnrichmentPayload,
): EnrichmentFailures => ({ kind: "enrichment_failures", processor: p, failure, payload });

/** A loader_parsing_error; `payload` is the TSV line. */
export const loaderParsingError = (
  p: Processor,
  failure: TsvParsingError,
  payload: RawPayload,
): LoaderParsingError => ({
  kind: "loader_parsing_error",
  processor: p,
  failure,
  payload,
});

/** A loader_iglu_error; `payload` is the event as the Analytics SDK's JSON. */
export const loaderIgluError = (
  p: Processor,
  failure: NonEmpty<LoaderIgluFailure>,
  payload: LoaderPayload,
): LoaderIgluError => ({ kind: "loader_iglu_error", processor: p, failure, payload });

/** A loader_runtime_error; `failure` is the error's text. */
export const loaderRuntimeError = (
  p: Processor,
  failure: string,
  payload: LoaderPayload,
): LoaderRuntimeError => ({
  kind: "loader_runtime_error",
  processor: p,
  failure,
  payload,
});

/** A loader_recovery_error. */
export const loaderRecoveryError = (
  p: Processor,
  failure: LoaderRecoveryFailure,
  payload: RawPayload,
): LoaderRecoveryError => ({ kind: "loader_recovery_error", processor: p, failure, payload });

/** A recovery_error wrapping the bad row that could not be recovered. */
export const recoveryError = (
  p: Processor,
  failure: RecoveryFailure,
  payload: BadRow,
  recoveries: number,
): RecoveryError => ({ kind: "recovery_error", processor: p, failure, payload, recoveries });

/** A generic_error. */
export const genericError = (p: Processor, failure: GenericFailure, payload: RawPayload): GenericError => ({
  kind: "generic_error",
  processor: p,
  failure,
  payload,
});

/** The schema key of a bad-row kind. */
export function badRowSchemaKey(kind: BadRowKind): SchemaKey {
  const [model, revision, addition] = BAD_ROW_VERSIONS[kind].split("-").map(Number) as [
    number,
    number,
    number,
  ];
  return { vendor: BAD_ROW_VENDOR, name: kind, format: "jsonschema", version: { model, revision, addition } };
}

function failureJson(row: BadRow): unknown {
  switch (row.kind) {
    case "size_violation": {
      const f = row.failure;
      return {
        timestamp: formatInstant(f.timestamp),
        maximumAllowedSizeBytes: f.maximumAllowedSizeBytes,
        actualSizeBytes: f.actualSizeBytes,
        expectation: f.expectation,
      };
    }
    case "collector_payload_format_violation": {
      const f = row.failure;
      return {
        timestamp: formatInstant(f.timestamp),
        loader: f.loader,
        message: failureMessageJson(f.message),
      };
    }
    case "adapter_failures":
    case "tracker_protocol_violations": {
      const f = row.failure;
      return {
        timestamp: formatInstant(f.timestamp),
        vendor: f.vendor,
        version: f.version,
        messages: f.messages.map(failureMessageJson),
      };
    }
    case "schema_violations":
      return {
        timestamp: formatInstant(row.failure.timestamp),
        messages: row.failure.messages.map(failureMessageJson),
      };
    case "enrichment_failures":
      return {
        timestamp: formatInstant(row.failure.timestamp),
        messages: row.failure.messages.map(enrichmentFailureJson),
      };
    case "loader_parsing_error":
      return tsvParsingErrorJson(row.failure);
    case "loader_iglu_error":
      return row.failure.map(loaderIgluFailureJson);
    case "loader_runtime_error":
      return row.failure;
    case "loader_recovery_error":
      return { error: loaderRecoveryCauseJson(row.failure.error) };
    case "recovery_error":
      return { error: row.failure.error, configName: row.failure.configName };
    case "generic_error":
      return { timestamp: formatInstant(row.failure.timestamp), errors: [...row.failure.errors] };
  }
}

function payloadJson(row: BadRow): unknown {
  switch (row.kind) {
    case "adapter_failures":
    case "tracker_protocol_violations":
      return collectorPayloadJson(row.payload);
    case "schema_violations":
    case "enrichment_failures":
      return enrichmentPayloadJson(row.payload);
    case "recovery_error":
      return badRowJson(row.payload);
    default:
      return row.payload;
  }
}

/** The `data` of a bad row: `{processor, failure, payload}`, plus `recoveries` for recovery_error. */
export function badRowData(row: BadRow): Record<string, unknown> {
  const data = {
    processor: processorJson(row.processor),
    failure: failureJson(row),
    payload: payloadJson(row),
  };
  return row.kind === "recovery_error" ? { ...data, recoveries: row.recoveries } : data;
}

/** The self-describing JSON of a bad row, `{schema, data}`. */
export function badRowJson(row: BadRow): { schema: string; data: Record<string, unknown> } {
  return { schema: formatSchemaKey(badRowSchemaKey(row.kind)), data: badRowData(row) };
}

/** One bad row as compact JSON, ready for a bad stream. */
export function serializeBadRow(row: BadRow): string {
  return JSON.stringify(badRowJson(row));
}
