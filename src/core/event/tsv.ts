/**
 * @module
 * The enriched TSV: one line of 131 tab-separated columns, no header, null as the empty string
 * (Enrich's `ConversionUtils.tabSeparatedEnrichedEvent`). Strings are written TSV-safe, numbers and
 * times in Java's formats, and the three JSON columns in their Iglu envelopes:
 *
 * - contexts and derived_contexts: `{"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1","data":[…]}`
 *   (an empty list is an empty column);
 * - unstruct_event: `{"schema":"iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0","data":{…}}`.
 *
 * Decoding checks what the Scala Analytics SDK checks (`decode/ValueDecoder.scala`): the column
 * count, each typed column, the envelopes (contexts 1-0-*, unstruct_event 1-0-*) and that every
 * entity is a self-describing JSON with a valid Iglu URI. Like the JS SDK, and unlike the Scala one,
 * it does not require collector_tstamp, event_id, v_collector or v_etl, so any event the encoder
 * writes decodes back to itself.
 */
import { err, ok, type Result } from "../result.ts";
import { formatBooleanLike, parseBooleanLike } from "./boolean-like.ts";
import {
  type EnrichedEvent,
  type EnrichedFieldName,
  emptyEnrichedEvent,
  enrichedFieldCount,
  enrichedFields,
  type FieldKind,
  type SelfDescribingJson,
} from "./enriched-event.ts";
import { canonicalDecimal } from "./java-decimal.ts";
import { canonicalFloat, javaFloatToString, parseJavaFloat } from "./java-float.ts";
import { parseJavaInt } from "./java-int.ts";
import { formatTimestamp, parseTimestamp } from "./timestamp.ts";
import { makeTsvSafe } from "./tsv-safe.ts";

/** The envelope Enrich writes around contexts and derived_contexts. */
export const contextsSchema = "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1";
/** The envelope Enrich writes around the unstructured event. */
export const unstructEventSchema = "iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0";

// The SDKs accept any 1-0-* revision of the envelopes (Enrich itself reads tracker contexts 1-0-0).
/** The `contexts` envelope URIs the decoder accepts (any 1-0-* revision). */
export const contextsEnvelope =
  /^iglu:com\.snowplowanalytics\.snowplow\/contexts\/jsonschema\/1-0-(?:0|[1-9][0-9]*)$/;
/** The `unstruct_event` envelope URIs the decoder accepts (any 1-0-* revision). */
export const unstructEnvelope =
  /^iglu:com\.snowplowanalytics\.snowplow\/unstruct_event\/jsonschema\/1-0-(?:0|[1-9][0-9]*)$/;
/** Iglu's `SchemaKey.schemaUriRegex` (iglu-scala-core): vendor, name, format, then a full SchemaVer. */
export const igluUri =
  /^iglu:[a-zA-Z0-9_.-]+\/[a-zA-Z0-9_-]+\/[a-zA-Z0-9_-]+\/[1-9][0-9]*-(?:0|[1-9][0-9]*)-(?:0|[1-9][0-9]*)$/;

/** Why a line is not an enriched event. `column` is 1-based, as in Snowplow's docs. */
export type EnrichedTsvError =
  | { readonly kind: "field-count"; readonly expected: number; readonly actual: number }
  | {
      /** A typed column that does not parse, JSON that does not parse, or the wrong envelope. */
      readonly kind: "invalid-value" | "invalid-json" | "wrong-envelope";
      readonly column: number;
      readonly field: EnrichedFieldName;
      readonly fieldKind: FieldKind;
      readonly value: string;
      readonly message: string;
    };

/** One line describing `error`, with long values shortened. */
export function describeEnrichedTsvError(error: EnrichedTsvError): string {
  if (error.kind === "field-count") {
    return `field-count: expected ${error.expected} tab-separated fields, found ${error.actual}`;
  }
  const shown = error.value.length > 80 ? `${error.value.slice(0, 77)}...` : error.value;
  return `${error.kind}: column ${error.column} (${error.field}, ${error.fieldKind}) ${JSON.stringify(shown)}: ${error.message}`;
}

// Kinds as small integers so the hot loops switch on an int rather than compare strings.
const STRING = 0;
const INT = 1;
const DECIMAL = 2;
const FLOAT = 3;
const BOOLEAN = 4;
const TIMESTAMP = 5;
const CONTEXTS = 6;
const UNSTRUCT = 7;
const kindCodes: Record<FieldKind, number> = {
  string: STRING,
  int: INT,
  decimal: DECIMAL,
  float: FLOAT,
  boolean: BOOLEAN,
  timestamp: TIMESTAMP,
  contexts: CONTEXTS,
  unstruct: UNSTRUCT,
};
const names: readonly string[] = enrichedFields.map((f) => f.name);
const kinds = Uint8Array.from(enrichedFields, (f) => kindCodes[f.kind]);

const contextsPrefix = `{"schema":"${contextsSchema}","data":[`;
const unstructPrefix = `{"schema":"${unstructEventSchema}","data":`;

function selfDescribingText(entity: SelfDescribingJson): string {
  // Written field by field so the output is canonical whatever the object's key order;
  // `undefined` data (not JSON) is written as null.
  return `{"schema":${JSON.stringify(entity.schema)},"data":${JSON.stringify(entity.data) ?? "null"}}`;
}

function contextsText(entities: readonly SelfDescribingJson[]): string {
  let out = contextsPrefix;
  for (let i = 0; i < entities.length; i++) {
    if (i > 0) out += ",";
    out += selfDescribingText(entities[i]!);
  }
  return `${out}]}`;
}

/**
 * Writes `event` as one enriched TSV line (131 columns, no line terminator). Strings are made
 * TSV-safe here, so even a hand-built event cannot break the line. Other values are trusted to be
 * what their kind says (see `enriched-event.ts`): a decimal string is written as it is, and a
 * timestamp outside years 0000–9999 is a bug and throws.
 */
export function encodeEnrichedTsv(event: EnrichedEvent): string {
  const fields = event as unknown as Record<string, unknown>;
  let line = "";
  for (let i = 0; i < enrichedFieldCount; i++) {
    if (i > 0) line += "\t";
    const value = fields[names[i]!];
    if (value === null || value === undefined) continue;
    switch (kinds[i]) {
      case STRING:
        line += makeTsvSafe(value as string) ?? "";
        break;
      case INT:
        line += String(value);
        break;
      case DECIMAL:
        line += value as string;
        break;
      case FLOAT:
        line += javaFloatToString(value as number);
        break;
      case BOOLEAN:
        line += formatBooleanLike(value as boolean);
        break;
      case TIMESTAMP:
        line += formatTimestamp(value as number);
        break;
      case CONTEXTS:
        if ((value as SelfDescribingJson[]).length > 0) line += contextsText(value as SelfDescribingJson[]);
        break;
      case UNSTRUCT:
        line += unstructPrefix + selfDescribingText(value as SelfDescribingJson) + "}";
        break;
    }
  }
  return line;
}

type ColumnFailure = { kind: "invalid-value" | "invalid-json" | "wrong-envelope"; message: string };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Checks an entity inside an envelope: an object with a valid Iglu `schema` and a `data` member. */
function selfDescribing(value: unknown, where: string): Result<SelfDescribingJson, ColumnFailure> {
  if (!isObject(value)) return err({ kind: "wrong-envelope", message: `${where} is not a JSON object` });
  const schema = value["schema"];
  if (typeof schema !== "string" || !igluUri.test(schema)) {
    return err({ kind: "wrong-envelope", message: `${where} has no valid Iglu schema URI` });
  }
  if (!("data" in value)) return err({ kind: "wrong-envelope", message: `${where} has no data` });
  return ok({ schema, data: value["data"] });
}

function parseEnvelope(text: string, schema: RegExp, name: string): Result<unknown, ColumnFailure> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return err({ kind: "invalid-json", message: (e as Error).message });
  }
  if (!isObject(json)) return err({ kind: "wrong-envelope", message: "is not a JSON object" });
  const found = json["schema"];
  if (typeof found !== "string" || !schema.test(found)) {
    return err({ kind: "wrong-envelope", message: `schema ${JSON.stringify(found ?? null)} is not ${name}` });
  }
  if (!("data" in json)) return err({ kind: "wrong-envelope", message: "has no data" });
  return ok(json["data"]);
}

function parseContexts(text: string): Result<SelfDescribingJson[], ColumnFailure> {
  const data = parseEnvelope(text, contextsEnvelope, "contexts 1-0-*");
  if (!data.ok) return data;
  if (!Array.isArray(data.value)) return err({ kind: "wrong-envelope", message: "data is not an array" });
  const entities: SelfDescribingJson[] = [];
  for (let i = 0; i < data.value.length; i++) {
    const entity = selfDescribing(data.value[i], `entity ${i}`);
    if (!entity.ok) return entity;
    entities.push(entity.value);
  }
  return ok(entities);
}

function parseUnstruct(text: string): Result<SelfDescribingJson, ColumnFailure> {
  const data = parseEnvelope(text, unstructEnvelope, "unstruct_event 1-0-*");
  if (!data.ok) return data;
  return selfDescribing(data.value, "data");
}

/** Parses a non-empty, non-string column; primitives report a message, JSON columns a failure. */
function parseColumn(kind: number, text: string): Result<unknown, string | ColumnFailure> {
  switch (kind) {
    case INT:
      return parseJavaInt(text);
    case DECIMAL:
      return canonicalDecimal(text);
    case FLOAT: {
      const f = parseJavaFloat(text);
      return f.ok ? ok(canonicalFloat(f.value)) : f;
    }
    case BOOLEAN:
      return parseBooleanLike(text);
    case TIMESTAMP:
      return parseTimestamp(text);
    case CONTEXTS:
      return parseContexts(text);
    default:
      return parseUnstruct(text);
  }
}

/**
 * Reads one enriched TSV line (without its line terminator). Empty columns are null (or, for
 * contexts, the empty list); non-canonical numbers are canonicalised (`1E+3` in a decimal column
 * reads as `"1000"`).
 */
export function decodeEnrichedTsv(line: string): Result<EnrichedEvent, EnrichedTsvError> {
  const columns = line.split("\t");
  if (columns.length !== enrichedFieldCount) {
    return err({ kind: "field-count", expected: enrichedFieldCount, actual: columns.length });
  }
  const event = emptyEnrichedEvent();
  const fields = event as unknown as Record<string, unknown>;
  for (let i = 0; i < enrichedFieldCount; i++) {
    const text = columns[i]!;
    if (text.length === 0) continue;
    const kind = kinds[i]!;
    if (kind === STRING) {
      fields[names[i]!] = text;
      continue;
    }
    const parsed = parseColumn(kind, text);
    if (!parsed.ok) {
      const failure = parsed.error;
      const field = enrichedFields[i]!;
      return err({
        kind: typeof failure === "string" ? "invalid-value" : failure.kind,
        column: i + 1,
        field: field.name,
        fieldKind: field.kind,
        value: text,
        message: typeof failure === "string" ? failure : failure.message,
      });
    }
    fields[names[i]!] = parsed.value;
  }
  return ok(event);
}
