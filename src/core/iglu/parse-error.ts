/**
 * @module
 * Why an Iglu entity failed to parse. The codes are iglu-core's `ParseError` codes: bad rows carry
 * them verbatim (the `NotIglu` message's `error` field is an enum of them), so they must not drift.
 */

/** Every code iglu-core defines. Note the URI code is `INVALID_IGLUURI`, with no underscore inside. */
export type IgluParseErrorCode =
  | "INVALID_SCHEMAVER"
  | "INVALID_IGLUURI"
  | "INVALID_DATA_PAYLOAD"
  | "INVALID_SCHEMA"
  | "INVALID_METASCHEMA";

/**
 * The codes that parsing self-describing *data* can produce. The bad-row schemas only accept these
 * four in a `NotIglu` message; `INVALID_METASCHEMA` comes from parsing schemas only.
 */
export type DataParseErrorCode = Exclude<IgluParseErrorCode, "INVALID_METASCHEMA">;

/** A parse failure: its code, the text that failed, and iglu-core's human message for it. */
export interface IgluParseError<C extends IgluParseErrorCode = IgluParseErrorCode> {
  readonly code: C;
  readonly input: string;
  readonly message: string;
}

// iglu-core `ParseError.message(str)`: "<what>: <input>, code: <CODE>".
const what: Record<IgluParseErrorCode, string> = {
  INVALID_SCHEMAVER: "Invalid schema version",
  INVALID_IGLUURI: "Invalid Iglu URI",
  INVALID_DATA_PAYLOAD: "Invalid data payload",
  INVALID_SCHEMA: "Invalid schema",
  INVALID_METASCHEMA: "Invalid metaschema",
};

/**
 * Builds a parse error with iglu-core's message.
 *
 * @example
 * igluParseError("INVALID_SCHEMAVER", "1-0").message // "Invalid schema version: 1-0, code: INVALID_SCHEMAVER"
 */
export function igluParseError<C extends IgluParseErrorCode>(code: C, input: string): IgluParseError<C> {
  return { code, input, message: `${what[code]}: ${input}, code: ${code}` };
}

/** Reads a code back from its string form (as bad rows store it); null when it is not one. */
export function parseIgluParseErrorCode(code: string): IgluParseErrorCode | null {
  return Object.hasOwn(what, code) ? (code as IgluParseErrorCode) : null;
}
