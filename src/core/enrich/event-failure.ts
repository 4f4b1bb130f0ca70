/**
 * @module
 * What can go wrong with one event, and its `failure` entity (Enrich's `enrichments/Failure.scala`).
 * A failure is either a schema violation (phases 1 and 3: atomic fields, unstruct_event, contexts,
 * derived contexts) or an enrichment failure (phase 2). The same values make the bad row's
 * messages and, for failed events (Enrich 6.x's failed-events stream), the
 * `com.snowplowanalytics.snowplow/failure/jsonschema/1-0-0` entities put first in derived_contexts.
 */
import type { EnrichmentFailure, SchemaViolation } from "../badrows/failure-message.ts";
import type { Processor } from "../badrows/processor.ts";
import type { SelfDescribingJson } from "../event/enriched-event.ts";
import { clientErrorJson } from "../iglu/client-error.ts";
import { formatInstant } from "../iglu/instant.ts";
import { formatSchemaCriterion } from "../iglu/schema-criterion.ts";
import { formatSchemaKey } from "../iglu/schema-key.ts";

/** A schema violation, with where it came from (`unstruct`, `contexts`, …) and the offending data. */
export interface SchemaViolationFailure {
  readonly kind: "schema";
  readonly violation: SchemaViolation;
  readonly source: string;
  readonly data: unknown;
}

/** An enrichment failure (phase 2). */
export interface EnrichmentFailureFailure {
  readonly kind: "enrichment";
  readonly failure: EnrichmentFailure;
}

/** One failure of an event. */
export type EventFailure = SchemaViolationFailure | EnrichmentFailureFailure;

export const schemaFailure = (
  violation: SchemaViolation,
  source: string,
  data: unknown,
): SchemaViolationFailure => ({
  kind: "schema",
  violation,
  source,
  data,
});

export const enrichmentFailureOf = (failure: EnrichmentFailure): EnrichmentFailureFailure => ({
  kind: "enrichment",
  failure,
});

/** The failure entity's schema. */
export const FAILURE_SCHEMA = "iglu:com.snowplowanalytics.snowplow/failure/jsonschema/1-0-0";

const NOT_IGLU_MESSAGES: Record<string, string> = {
  INVALID_SCHEMAVER: "Invalid schema version",
  INVALID_IGLUURI: "Invalid Iglu URI",
  INVALID_DATA_PAYLOAD: "Invalid data payload",
  INVALID_SCHEMA: "Invalid schema",
  INVALID_METASCHEMA: "Invalid metashema",
};

interface FailureContext {
  readonly failureType: string;
  readonly errors: readonly Record<string, unknown>[];
  readonly schema: string | null;
  readonly data: unknown;
}

function schemaViolationContext(f: SchemaViolationFailure): FailureContext {
  const v = f.violation;
  const source = f.source;
  switch (v.kind) {
    case "NotJson":
      return {
        failureType: "NotJSON",
        errors: [{ message: v.error, source }],
        schema: null,
        data: { [source]: f.data },
      };
    case "NotIglu":
      return {
        failureType: "NotIglu",
        errors: [{ message: NOT_IGLU_MESSAGES[v.error], source }],
        schema: null,
        data: f.data,
      };
    case "CriterionMismatch": {
      const uri = formatSchemaKey(v.schemaKey);
      const message = `Unexpected schema: ${uri} does not match the criterion`;
      const criterion = formatSchemaCriterion(v.schemaCriterion);
      return {
        failureType: "CriterionMismatch",
        errors: [{ message, source, criterion }],
        schema: uri,
        data: f.data,
      };
    }
    case "IgluError": {
      const uri = formatSchemaKey(v.schemaKey);
      const e = v.error;
      if (e.kind === "ResolutionError") {
        const lookupHistory = clientErrorJson(e)["lookupHistory"];
        const message = `Resolution error: schema ${uri} not found`;
        return {
          failureType: "ResolutionError",
          errors: [{ message, source, lookupHistory }],
          schema: uri,
          data: f.data,
        };
      }
      const errors =
        e.error.kind === "InvalidData"
          ? e.error.dataReports.map((r) => ({
              message: r.message,
              source,
              path: r.path,
              keyword: r.keyword,
              targets: [...r.targets],
            }))
          : e.error.schemaIssues.map((i) => ({
              message: `Invalid schema: ${uri} - ${i.message}`,
              source,
              path: i.path,
            }));
      return { failureType: "ValidationError", errors, schema: uri, data: f.data };
    }
  }
}

function enrichmentContext(f: EnrichmentFailureFailure): FailureContext {
  const { enrichment, message } = f.failure;
  const failureType = `EnrichmentError: ${enrichment?.identifier ?? ""}`;
  const schema = enrichment === null ? null : formatSchemaKey(enrichment.schemaKey);
  switch (message.kind) {
    case "InputData":
      return {
        failureType,
        errors: [{ message: `${message.field} - ${message.expectation}`, source: message.field }],
        schema,
        data: { [message.field]: message.value },
      };
    case "Simple":
      return { failureType, errors: [{ message: message.error }], schema, data: null };
    case "IgluError":
      return { failureType, errors: [{ message: clientErrorJson(message.error) }], schema, data: null };
  }
}

/** The `failure` entity of one failure. */
export function failureEntity(
  failure: EventFailure,
  processor: Processor,
  etlTstamp: Date,
): SelfDescribingJson {
  const context = failure.kind === "schema" ? schemaViolationContext(failure) : enrichmentContext(failure);
  let data = context.data === undefined ? null : context.data;
  // Deviation: `failure` 1-0-0 wants an object (or null) here, and Enrich writes whatever the
  // offending data was (an array of contexts, a string); that is kept under the source's name.
  if (data !== null && (typeof data !== "object" || Array.isArray(data)) && failure.kind === "schema") {
    data = { [failure.source]: data };
  }
  return {
    schema: FAILURE_SCHEMA,
    data: {
      failureType: context.failureType,
      errors: context.errors,
      schema: context.schema,
      data,
      timestamp: formatInstant(etlTstamp),
      componentName: processor.artifact,
      componentVersion: processor.version,
    },
  };
}
