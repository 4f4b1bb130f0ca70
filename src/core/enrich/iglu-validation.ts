/**
 * @module
 * Validation of the self-describing JSONs an event carries (Enrich's `IgluUtils`): the
 * unstructured event (`ue_pr`/`ue_px`) and the contexts (`co`/`cx`) in phase 1, derived contexts
 * in phase 3. For the tracker's JSON, in order: it must parse (NotJson), be self-describing
 * (NotIglu), have the wrapper's schema (`unstruct_event` or `contexts` 1-0-*, CriterionMismatch),
 * and the wrapper and then each inner entity must validate through Iglu (IgluError). An invalid
 * context is dropped on its own; the others stay.
 *
 * A schema declaring `$supersededBy` is validated with its successor: the entity's version is
 * rewritten and a `com.snowplowanalytics.iglu/validation_info` 1-0-0 entity recording the swap goes
 * to derived_contexts. A schema no registry can be asked for (a registry down, a refused API key) is
 * not the event's fault: `IgluUnavailableError` is thrown, so the batch is retried rather than
 * written as bad rows, as Enrich 6.5+ crashes rather than emit them.
 */
import { criterionMismatch, igluError, notIglu, notJson } from "../badrows/failure-message.ts";
import type { SelfDescribingJson } from "../event/enriched-event.ts";
import type { ClientError } from "../iglu/client-error.ts";
import type { Resolver, Validated } from "../iglu/resolver.ts";
import { criterionMatches, type SchemaCriterion, schemaCriterion } from "../iglu/schema-criterion.ts";
import { formatSchemaKey } from "../iglu/schema-key.ts";
import { formatSchemaVer } from "../iglu/schema-ver.ts";
import { parseSelfDescribingData, type SelfDescribingData } from "../iglu/self-describing-data.ts";
import { err, ok, type Result } from "../result.ts";
import { type SchemaViolationFailure, schemaFailure } from "./event-failure.ts";
import { parseJsonText } from "./json-text.ts";

/** Iglu registries cannot be reached: lost infrastructure, not bad data. */
export class IgluUnavailableError extends Error {
  override readonly name = "IgluUnavailableError";
}

export const UNSTRUCT_EVENT_CRITERION = schemaCriterion(
  "com.snowplowanalytics.snowplow",
  "unstruct_event",
  "jsonschema",
  1,
  0,
);
export const CONTEXTS_CRITERION = schemaCriterion(
  "com.snowplowanalytics.snowplow",
  "contexts",
  "jsonschema",
  1,
  0,
);
export const VALIDATION_INFO_SCHEMA = "iglu:com.snowplowanalytics.iglu/validation_info/jsonschema/1-0-0";

/** A valid entity, and the validation_info entity when it was validated with a successor. */
export interface ValidSdj {
  readonly sdj: SelfDescribingJson;
  readonly validationInfo: SelfDescribingJson | null;
}

/** Whether a resolution failure means a registry could not be asked, rather than "not found". */
export function isSystemError(error: ClientError): boolean {
  return (
    error.kind === "ResolutionError" &&
    error.lookupHistory.some((h) =>
      h.errors.some((e) => e.kind === "RepoFailure" || e.kind === "ClientFailure"),
    )
  );
}

function checked(
  sdd: SelfDescribingData,
  result: Result<Validated, ClientError>,
  source: string,
): Result<ValidSdj, SchemaViolationFailure> {
  if (!result.ok) {
    if (isSystemError(result.error)) {
      throw new IgluUnavailableError(
        `Could not reach Iglu Server for schema '${formatSchemaKey(sdd.schema)}'. Check the resolver configuration and that registries are available.`,
      );
    }
    return err(schemaFailure(igluError(sdd.schema, result.error), source, sdd.data));
  }
  const supersededBy = result.value.supersededBy;
  if (supersededBy === null)
    return ok({ sdj: { schema: formatSchemaKey(sdd.schema), data: sdd.data }, validationInfo: null });
  const validatedWith = { ...sdd.schema, version: supersededBy };
  return ok({
    sdj: { schema: formatSchemaKey(validatedWith), data: sdd.data },
    validationInfo: {
      schema: VALIDATION_INFO_SCHEMA,
      data: { originalSchema: formatSchemaKey(sdd.schema), validatedWith: formatSchemaVer(supersededBy) },
    },
  });
}

/**
 * Validates one entity through the resolver: synchronously on a cache hit, else with a promise.
 *
 * @throws IgluUnavailableError when no registry could be asked.
 */
export function validateSdj(
  resolver: Resolver,
  sdd: SelfDescribingData,
  source: string,
): Result<ValidSdj, SchemaViolationFailure> | Promise<Result<ValidSdj, SchemaViolationFailure>> {
  const cached = resolver.validateCached(sdd);
  if (cached !== undefined) return checked(sdd, cached, source);
  return resolver.validate(sdd).then((r) => checked(sdd, r, source));
}

/** The wrapper's data, once the wrapper parsed, matched its criterion and validated. */
function wrapperData(
  resolver: Resolver,
  text: string,
  source: string,
  criterion: SchemaCriterion,
  maxJsonDepth: number,
): Result<unknown, SchemaViolationFailure> | Promise<Result<unknown, SchemaViolationFailure>> {
  const json = parseJsonText(text, maxJsonDepth);
  if (!json.ok) return err(schemaFailure(notJson(source, text, json.error), source, text));
  const sdd = parseSelfDescribingData(json.value);
  if (!sdd.ok) return err(schemaFailure(notIglu(json.value, sdd.error), source, json.value));
  if (!criterionMatches(criterion, sdd.value.schema)) {
    return err(schemaFailure(criterionMismatch(sdd.value.schema, criterion), source, sdd.value.data));
  }
  const data = sdd.value.data;
  const valid = validateSdj(resolver, sdd.value, source);
  if (valid instanceof Promise) return valid.then((v) => (v.ok ? ok(data) : v));
  return valid.ok ? ok(data) : valid;
}

/** The outcome of phase-1 validation of one field. */
export interface InputValidation<T> {
  readonly failures: SchemaViolationFailure[];
  readonly value: T;
}

function unstructOutcome(entity: Result<ValidSdj, SchemaViolationFailure>): InputValidation<ValidSdj | null> {
  return entity.ok ? { failures: [], value: entity.value } : { failures: [entity.error], value: null };
}

function unstructFrom(
  resolver: Resolver,
  data: Result<unknown, SchemaViolationFailure>,
): InputValidation<ValidSdj | null> | Promise<InputValidation<ValidSdj | null>> {
  if (!data.ok) return { failures: [data.error], value: null };
  const sdd = parseSelfDescribingData(data.value);
  if (!sdd.ok)
    return unstructOutcome(err(schemaFailure(notIglu(data.value, sdd.error), "unstruct", data.value)));
  const entity = validateSdj(resolver, sdd.value, "unstruct");
  return entity instanceof Promise ? entity.then(unstructOutcome) : unstructOutcome(entity);
}

function contextsFrom(
  resolver: Resolver,
  data: Result<unknown, SchemaViolationFailure>,
): InputValidation<ValidSdj[]> | Promise<InputValidation<ValidSdj[]>> {
  if (!data.ok) return { failures: [data.error], value: [] };
  // The contexts schema requires an array; a registry serving a laxer one gets its data ignored.
  const entities = Array.isArray(data.value) ? (data.value as SelfDescribingJson[]) : [];
  return validateEntities(resolver, entities, "contexts");
}

/**
 * Phase 1 for `ue_pr`/`ue_px`: the valid unstructured event, or null and why. Synchronous while
 * the schemas are cached, as they are for nearly every event.
 *
 * @throws IgluUnavailableError when no registry could be asked.
 */
export function validateUnstructEvent(
  resolver: Resolver,
  text: string,
  maxJsonDepth: number,
): InputValidation<ValidSdj | null> | Promise<InputValidation<ValidSdj | null>> {
  const data = wrapperData(resolver, text, "unstruct", UNSTRUCT_EVENT_CRITERION, maxJsonDepth);
  return data instanceof Promise ? data.then((d) => unstructFrom(resolver, d)) : unstructFrom(resolver, data);
}

/**
 * Phase 1 for `co`/`cx`: the valid contexts (each invalid one dropped), and why the others failed.
 * Synchronous while the schemas are cached.
 *
 * @throws IgluUnavailableError when no registry could be asked.
 */
export function validateContexts(
  resolver: Resolver,
  text: string,
  maxJsonDepth: number,
): InputValidation<ValidSdj[]> | Promise<InputValidation<ValidSdj[]>> {
  const data = wrapperData(resolver, text, "contexts", CONTEXTS_CRITERION, maxJsonDepth);
  return data instanceof Promise ? data.then((d) => contextsFrom(resolver, d)) : contextsFrom(resolver, data);
}

/**
 * Validates entities already in memory (derived contexts, or contexts an enrichment rewrote):
 * the valid ones, and why the others failed. Synchronous while every schema is cached.
 */
export function validateEntities(
  resolver: Resolver,
  entities: readonly SelfDescribingJson[],
  source: string,
): InputValidation<ValidSdj[]> | Promise<InputValidation<ValidSdj[]>> {
  const failures: SchemaViolationFailure[] = [];
  const valid: ValidSdj[] = [];
  for (let i = 0; i < entities.length; i++) {
    const entity = entities[i]!;
    const sdd = parseSelfDescribingData(entity);
    if (!sdd.ok) {
      failures.push(schemaFailure(notIglu(entity, sdd.error), source, entity));
      continue;
    }
    const r = validateSdj(resolver, sdd.value, source);
    if (r instanceof Promise) return finishEntities(resolver, entities, source, i, r, failures, valid);
    if (r.ok) valid.push(r.value);
    else failures.push(r.error);
  }
  return { failures, value: valid };
}

async function finishEntities(
  resolver: Resolver,
  entities: readonly SelfDescribingJson[],
  source: string,
  from: number,
  pending: Promise<Result<ValidSdj, SchemaViolationFailure>>,
  failures: SchemaViolationFailure[],
  valid: ValidSdj[],
): Promise<InputValidation<ValidSdj[]>> {
  const first = await pending;
  if (first.ok) valid.push(first.value);
  else failures.push(first.error);
  for (let i = from + 1; i < entities.length; i++) {
    const entity = entities[i]!;
    const sdd = parseSelfDescribingData(entity);
    if (!sdd.ok) {
      failures.push(schemaFailure(notIglu(entity, sdd.error), source, entity));
      continue;
    }
    let r = validateSdj(resolver, sdd.value, source);
    if (r instanceof Promise) r = await r;
    if (r.ok) valid.push(r.value);
    else failures.push(r.error);
  }
  return { failures, value: valid };
}
