/**
 * @module
 * The schema of a self-describing record, which decides its folder and file when bad rows (or any
 * self-describing JSON) are loaded. As in Snowplow S3 loader 3.x (`Processing.extractSchema`),
 * only the `schema` member is read (iglu-core `SchemaKey.extract`), and a record that is not JSON,
 * or holds no Iglu URI there, is a generic_error with these messages:
 * `Can't parse JSON holding self-describing event: …` and
 * `Can't extract schema from self-describing event: <iglu-core error code>`.
 */
import { parseSchemaKey, type SchemaKey } from "../iglu/schema-key.ts";
import { err, ok, type Result } from "../result.ts";

/** A record's schema, with the parsed JSON (kept to rewrite a pretty-printed record on one line). */
export interface SelfDescribingRecord {
  readonly schema: SchemaKey;
  readonly json: unknown;
}

const text = new TextDecoder();

/** Reads the schema of one record, or the generic_error message for it. */
export function readSelfDescribingRecord(data: Uint8Array): Result<SelfDescribingRecord, string> {
  let json: unknown;
  try {
    json = JSON.parse(text.decode(data));
  } catch (e) {
    return err(`Can't parse JSON holding self-describing event: ${(e as Error).message}`);
  }
  const uri =
    typeof json === "object" && json !== null && !Array.isArray(json)
      ? (json as Record<string, unknown>)["schema"]
      : undefined;
  if (typeof uri !== "string")
    return err("Can't extract schema from self-describing event: INVALID_DATA_PAYLOAD");
  const schema = parseSchemaKey(uri);
  if (!schema.ok) return err(`Can't extract schema from self-describing event: ${schema.error.code}`);
  return ok({ schema: schema.value, json });
}
