/**
 * @module
 * Self-describing data: a JSON object `{"schema": "iglu:…", "data": …}` that names the schema its
 * `data` conforms to. Contexts, unstructured events, enrichment configs and bad rows are all in
 * this shape.
 */
import { err, ok, type Result } from "../result.ts";
import { type IgluParseError, igluParseError } from "./parse-error.ts";
import { formatSchemaKey, parseSchemaKey, type SchemaKey } from "./schema-key.ts";

/** A datum and the key of the schema it claims to follow. */
export interface SelfDescribingData<T = unknown> {
  readonly schema: SchemaKey;
  readonly data: T;
}

/** The JSON form: the key written as an Iglu URI. */
export interface SelfDescribingDataJson<T = unknown> {
  readonly schema: string;
  readonly data: T;
}

/** Errors parsing data can produce (never INVALID_SCHEMA or INVALID_METASCHEMA). */
export type DataParseError = IgluParseError<"INVALID_DATA_PAYLOAD" | "INVALID_IGLUURI" | "INVALID_SCHEMAVER">;

const isObject = (json: unknown): json is Record<string, unknown> =>
  typeof json === "object" && json !== null && !Array.isArray(json);

/** Compact JSON for an error's `input`; anything JSON cannot write is shown as `String(value)`. */
function show(json: unknown): string {
  try {
    return JSON.stringify(json) ?? String(json);
  } catch {
    return String(json);
  }
}

/**
 * Reads a parsed JSON value as self-describing data, in iglu-core's order: a missing `data` member
 * (or a value that is not an object) is INVALID_DATA_PAYLOAD, then a `schema` that is absent or not
 * a string is INVALID_DATA_PAYLOAD, then the URI itself may be INVALID_IGLUURI or INVALID_SCHEMAVER.
 * `"data": null` is present, hence valid.
 *
 * @example
 * parseSelfDescribingData({ schema: "iglu:com.acme/click/jsonschema/1-0-0", data: { id: 1 } })
 */
export function parseSelfDescribingData(json: unknown): Result<SelfDescribingData, DataParseError> {
  if (!isObject(json) || !Object.hasOwn(json, "data")) {
    return err(igluParseError("INVALID_DATA_PAYLOAD", show(json)));
  }
  const uri = json["schema"];
  if (typeof uri !== "string") return err(igluParseError("INVALID_DATA_PAYLOAD", show(json)));
  const key = parseSchemaKey(uri);
  return key.ok ? ok({ schema: key.value, data: json["data"] }) : key;
}

/** Writes the JSON form, `{"schema": "iglu:…", "data": …}`, in that key order. */
export function normalizeSelfDescribingData<T>(sdd: SelfDescribingData<T>): SelfDescribingDataJson<T> {
  return { schema: formatSchemaKey(sdd.schema), data: sdd.data };
}
