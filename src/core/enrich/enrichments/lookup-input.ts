/**
 * @module
 * The inputs of the api_request and sql_query enrichments (Enrich's `apirequest.Input` and
 * `sqlquery.Input`): a value taken from the event, either an atomic field (`pojo: {field}`) or a
 * value inside the first context (of `contexts`, `derived_contexts` or `unstruct_event`) whose
 * schema matches a criterion, at a JSONPath (`json: {field, schemaCriterion, jsonPath}`).
 *
 * An atomic field is read as Enrich reads its `EnrichedEvent` getter: timestamps as
 * `yyyy-MM-dd HH:mm:ss.SSS`, booleans as the bytes 1/0, floats as Java floats, decimals as Java
 * `BigDecimal` text. The JSON columns cannot be inputs (Enrich would yield Scala's `toString` of
 * a list); naming one, or a field that does not exist, is a config error here at start-up, where
 * Enrich fails every event instead.
 */

import { formatBooleanLike } from "../../event/boolean-like.ts";
import {
  type EnrichedEvent,
  type EnrichedFieldName,
  enrichedFields,
  type FieldKind,
  type SelfDescribingJson,
} from "../../event/enriched-event.ts";
import { javaFloatToString } from "../../event/java-float.ts";
import { formatTimestamp } from "../../event/timestamp.ts";
import { criterionMatches, parseSchemaCriterion, type SchemaCriterion } from "../../iglu/schema-criterion.ts";
import { parseSchemaKey } from "../../iglu/schema-key.ts";
import { err, ok, type Result } from "../../result.ts";
import { compileJsonPath, type JsonPath, queryJsonPath } from "./json-path.ts";
import { isJsonObject } from "./parseable-enrichment.ts";

/** Where a JSON input is looked for. */
export type JsonInputEntity = "contexts" | "derived_contexts" | "unstruct_event";

/** An input's source. */
export type InputSource =
  | { readonly kind: "pojo"; readonly field: EnrichedFieldName; readonly fieldKind: FieldKind }
  | {
      readonly kind: "json";
      readonly entity: JsonInputEntity;
      readonly criterion: SchemaCriterion;
      readonly jsonPath: JsonPath;
    };

const fieldKinds: ReadonlyMap<string, FieldKind> = new Map(enrichedFields.map((f) => [f.name, f.kind]));

/** Reads `{pojo: {field}}` or `{json: {field, schemaCriterion, jsonPath}}` (exactly one of them). */
export function parseInputSource(
  entry: Readonly<Record<string, unknown>>,
): Result<InputSource, { path: string; message: string }> {
  const pojo = entry["pojo"];
  const json = entry["json"];
  if (pojo !== undefined && json !== undefined) {
    return err({ path: "", message: "Either json or pojo input must be specified, both provided" });
  }
  if (pojo !== undefined) {
    const field = isJsonObject(pojo) ? pojo["field"] : undefined;
    const kind = typeof field === "string" ? fieldKinds.get(field) : undefined;
    if (kind === undefined || kind === "contexts" || kind === "unstruct") {
      return err({
        path: "pojo.field",
        message: `${String(field)} is not an atomic field of the enriched event`,
      });
    }
    return ok({ kind: "pojo", field: field as EnrichedFieldName, fieldKind: kind });
  }
  if (json !== undefined) {
    if (!isJsonObject(json)) return err({ path: "json", message: "json input must be an object" });
    const entity = json["field"];
    if (entity !== "contexts" && entity !== "derived_contexts" && entity !== "unstruct_event") {
      return err({
        path: "json.field",
        message: `wrong field [${String(entity)}]. Should be one of: derived_contexts, contexts, unstruct_event`,
      });
    }
    const criterion =
      typeof json["schemaCriterion"] === "string" ? parseSchemaCriterion(json["schemaCriterion"]) : null;
    if (criterion === null || !criterion.ok) {
      return err({
        path: "json.schemaCriterion",
        message: `${String(json["schemaCriterion"])} is invalid Iglu schema criterion`,
      });
    }
    const path = typeof json["jsonPath"] === "string" ? compileJsonPath(json["jsonPath"]) : null;
    if (path === null || !path.ok) {
      return err({
        path: "json.jsonPath",
        message: path === null ? "jsonPath must be a string" : path.error,
      });
    }
    return ok({ kind: "json", entity, criterion: criterion.value, jsonPath: path.value });
  }
  return err({ path: "", message: "Either json or pojo input must be specified, none provided" });
}

/** An atomic field's value as the text of Enrich's getter, or null when empty. */
export function pojoText(event: EnrichedEvent, field: EnrichedFieldName, kind: FieldKind): string | null {
  const value = event[field];
  if (value === null) return null;
  switch (kind) {
    case "timestamp":
      return formatTimestamp(value as number);
    case "boolean":
      return formatBooleanLike(value as boolean);
    case "float":
      return javaFloatToString(value as number);
    case "int":
      return String(value);
    default:
      return value as string;
  }
}

/** Enrich's `wrapArray`: no match is `[]`, one match itself, several an array. */
export function wrapArray(values: readonly unknown[]): unknown {
  return values.length === 1 ? values[0] : [...values];
}

/** The data of the first entity whose schema matches, or undefined. */
function firstMatching(entities: readonly SelfDescribingJson[], criterion: SchemaCriterion): unknown {
  for (const entity of entities) {
    const key = parseSchemaKey(entity.schema);
    if (key.ok && criterionMatches(criterion, key.value)) return entity.data;
  }
  return undefined;
}

/**
 * A JSON input's value: undefined when no entity matches (the lookup is skipped), else what the
 * path matches, wrapped as Enrich's `wrapArray` does.
 */
export function jsonInputValue(
  source: Extract<InputSource, { kind: "json" }>,
  event: EnrichedEvent,
  derivedContexts: readonly SelfDescribingJson[],
): unknown {
  const entities =
    source.entity === "contexts"
      ? event.contexts
      : source.entity === "derived_contexts"
        ? derivedContexts
        : event.unstruct_event === null
          ? []
          : [event.unstruct_event];
  const data = firstMatching(entities, source.criterion);
  return data === undefined ? undefined : wrapArray(queryJsonPath(source.jsonPath, data));
}
