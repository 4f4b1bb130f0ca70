/**
 * @module
 * Lints a JSON Schema the way Iglu Server does before publishing it (`ValidationService.
 * validateJsonSchema`, which runs schema-ddl 0.24's `SelfSyntaxChecker` and every `Linter`).
 * Each finding is `{message, level, pointer}`; publishing is refused (400) only for ERROR.
 *
 * In the reference's order:
 * 1. The schema as a JSON document is checked against the draft-04 metaschema (ERROR), against
 *    Iglu's rules for `$schema`, `self`, `$supersedes` and `$supersededBy` (ERROR), and against a
 *    strict draft-04 metaschema that forbids unknown keywords, to catch typos (WARNING; a message
 *    that is also an ERROR is reported once, as the ERROR).
 * 2. It is read as schema-ddl's schema model; if a known keyword has the wrong shape (a `type`
 *    that names no JSON type, `properties` that is not an object of schemas…) that is the single
 *    ERROR "Cannot extract JSON Schema".
 * 3. schema-ddl's linters run on the root and every sub-schema under `items`, `additionalItems`,
 *    `properties`, `additionalProperties`, `patternProperties` and `oneOf`.
 * 4. A schema that is not self-describing gets the ERROR "JSON Schema is not self-describing".
 *
 * Where this differs from the reference, on purpose:
 * - Regular expressions (`pattern`, `patternProperties` keys) must compile as JavaScript
 *   regular expressions (ERROR), because Furrow's validator could not use the schema otherwise.
 *   The reference checks them against Java's syntax.
 * - `required` naming properties that `properties` lacks is an ERROR only where schema-ddl makes
 *   it one (with `additionalProperties: false` and no `patternProperties`); elsewhere it is a
 *   WARNING here, and nothing in the reference.
 * - schema-ddl misspells `ipv6` as a known format, so it warns about `ipv6`; this does not.
 * - Messages from the metaschema checks follow networknt's wording via `reportFromAjv`; those
 *   of other keywords (`anyOf`, `$ref`) may be worded differently.
 */
import type { ErrorObject, ValidateFunction } from "ajv";
import Ajv from "ajv-draft-04";
import draft04 from "ajv-draft-04/dist/refs/json-schema-draft-04.json" with { type: "json" };
import { reportFromAjv } from "../../core/iglu/schema-validator.ts";
import {
  parseSelfDescribingSchema,
  SELF_DESCRIBING_METASCHEMA_URI,
} from "../../core/iglu/self-describing-schema.ts";
import { isJsonObject } from "./json-body.ts";

export type LintLevel = "ERROR" | "WARNING" | "INFO";

/** One finding, as Iglu Server's `SchemaValidationReport` writes it. */
export interface LintMessage {
  readonly message: string;
  readonly level: LintLevel;
  /** A JSON Pointer into the schema, `/` for the root (schema-ddl's `Pointer.show`). */
  readonly pointer: string;
}

/** True when any finding blocks publishing. */
export function hasErrors(report: readonly LintMessage[]): boolean {
  return report.some((m) => m.level === "ERROR");
}

/** True when `text` compiles as a (non-unicode) JavaScript regular expression. */
export function compilesAsRegex(text: string): boolean {
  try {
    new RegExp(text);
    return true;
  } catch {
    return false;
  }
}

// SchemaVer, vendor and name rules of iglu-core, as schema-ddl's SelfSchemaText states them.
const VERSION = "^[1-9][0-9]*(-(0|[1-9][0-9]*)){2}$";
const VENDOR = "^[a-zA-Z0-9-_.]+$";
const NAME = "^[a-zA-Z0-9-_]+$";

/** Iglu's own members: `$schema`, `self`, `$supersedes`, `$supersededBy` (all optional here). */
const selfSyntaxSchema = {
  type: "object",
  properties: {
    $schema: { type: "string", enum: [SELF_DESCRIBING_METASCHEMA_URI] },
    $supersededBy: { type: "string", pattern: VERSION },
    $supersedes: { type: "array", items: { type: "string", pattern: VERSION } },
    self: {
      required: ["vendor", "name", "format", "version"],
      properties: {
        vendor: { type: "string", pattern: VENDOR },
        name: { type: "string", pattern: NAME },
        format: { type: "string", pattern: NAME },
        version: { type: "string", pattern: VERSION },
      },
    },
  },
  additionalProperties: true,
};

/** The draft-04 metaschema under a new id, so it can be compiled as a plain schema. */
function metaschema(id: string, strict: boolean): Record<string, unknown> {
  const copy = structuredClone(draft04) as Record<string, unknown>;
  copy["id"] = id;
  delete copy["$schema"];
  if (strict) {
    // schema-ddl's strict V4SchemaText: no unknown keywords, at any level (sub-schemas are `#`).
    const properties = copy["properties"] as Record<string, unknown>;
    properties["self"] = {
      required: ["vendor", "name", "format", "version"],
      properties: {
        vendor: { type: "string" },
        name: { type: "string" },
        format: { type: "string" },
        version: { type: "string" },
      },
      additionalProperties: false,
    };
    properties["$supersededBy"] = { type: "string" };
    properties["$supersedes"] = { type: "array", items: { type: "string" } };
    copy["additionalProperties"] = false;
  }
  return copy;
}

interface Checkers {
  readonly lax: ValidateFunction;
  readonly strict: ValidateFunction;
  readonly self: ValidateFunction;
}

let checkers: Checkers | undefined;

/** Compiled once, on first use. */
function getCheckers(): Checkers {
  if (checkers) return checkers;
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false, unicodeRegExp: false });
  ajv.addFormat("regex", compilesAsRegex);
  checkers = {
    lax: ajv.compile(metaschema("urn:furrow:iglu-lint:draft-04", false)),
    strict: ajv.compile(metaschema("urn:furrow:iglu-lint:draft-04-strict", true)),
    self: ajv.compile(selfSyntaxSchema),
  };
  return checkers;
}

/** `/a/b` from ajv's instancePath (already a JSON Pointer); `/` for the root. */
function pointerOf(instancePath: string): string {
  if (instancePath === "") return "/";
  return instancePath.replaceAll("~1", "/").replaceAll("~0", "~");
}

function ajvMessages(
  check: ValidateFunction,
  schema: unknown,
  level: LintLevel,
): Array<LintMessage & { key: string }> {
  if (check(schema)) return [];
  return (check.errors ?? []).map((e: ErrorObject) => {
    const report = reportFromAjv(e, schema);
    return { message: report.message, level, pointer: pointerOf(e.instancePath), key: report.message };
  });
}

/** Step 1: `SelfSyntaxChecker.validateSchema`. */
function syntaxMessages(schema: unknown): LintMessage[] {
  const { lax, strict, self } = getCheckers();
  const errors = [...ajvMessages(lax, schema, "ERROR"), ...ajvMessages(self, schema, "ERROR")];
  const seen = new Set(errors.map((m) => m.key));
  const warnings = ajvMessages(strict, schema, "WARNING").filter((m) => !seen.has(m.key));
  const unique = new Map<string, LintMessage>();
  for (const { key, ...m } of [...warnings, ...errors]) unique.set(`${m.level}\u0000${key}`, m);
  return [...unique.values()];
}

// ---- Step 2: schema-ddl's schema model (circe decoders of `jsonschema.Schema`) ----

const JSON_TYPES = new Set(["null", "boolean", "string", "integer", "number", "array", "object"]);
// java.net.URI.create rejects characters outside RFC 2396; a rough equivalent.
const URI_TEXT = /^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]*$/;

const present = (node: Record<string, unknown>, key: string): boolean =>
  Object.hasOwn(node, key) && node[key] !== null;

/** True when circe would decode `json` as a schema-ddl `Schema` (null members count as absent). */
function decodesAsSchema(json: unknown): boolean {
  if (!isJsonObject(json)) return false;
  const value = (key: string) => json[key];
  const isInt = (v: unknown) => typeof v === "number" && Number.isInteger(v);
  const isNum = (v: unknown) => typeof v === "number";
  const isStr = (v: unknown) => typeof v === "string";
  const schemaList = (v: unknown) => Array.isArray(v) && v.every(decodesAsSchema);
  const schemaMap = (v: unknown) => isJsonObject(v) && Object.values(v).every(decodesAsSchema);
  const checks: Record<string, (v: unknown) => boolean> = {
    multipleOf: isNum,
    minimum: isNum,
    maximum: isNum,
    maxLength: isInt,
    minLength: isInt,
    pattern: isStr,
    format: isStr,
    $schema: (v) => isStr(v) && URI_TEXT.test(v as string),
    items: (v) => schemaList(v) || decodesAsSchema(v),
    additionalItems: (v) => typeof v === "boolean" || decodesAsSchema(v),
    minItems: isInt,
    maxItems: isInt,
    properties: schemaMap,
    additionalProperties: (v) => typeof v === "boolean" || decodesAsSchema(v),
    required: (v) => Array.isArray(v) && v.every(isStr),
    patternProperties: schemaMap,
    type: (v) =>
      (isStr(v) && JSON_TYPES.has(v as string)) ||
      (Array.isArray(v) && v.every((t) => isStr(t) && JSON_TYPES.has(t))),
    enum: Array.isArray,
    oneOf: schemaList,
    anyOf: schemaList,
    description: isStr,
  };
  return Object.entries(checks).every(([key, ok]) => !present(json, key) || ok(value(key)));
}

// ---- Step 3: schema-ddl's linters ----

type Node = Record<string, unknown>;

/** The `type` of a node as a list, or null when absent. */
function typesOf(node: Node): string[] | null {
  const t = node["type"];
  if (typeof t === "string") return [t];
  if (Array.isArray(t)) return t as string[];
  return null;
}
const withType = (node: Node, t: string) => typesOf(node)?.includes(t) ?? false;
// An absent type is never "without" a type: schema-ddl lets such schemas be.
const withoutType = (node: Node, t: string) => {
  const types = typesOf(node);
  return types !== null && !types.includes(t);
};

const NUMBER_KEYS = ["multipleOf", "minimum", "maximum"];
const STRING_KEYS = ["maxLength", "minLength", "pattern", "format"];
const ARRAY_KEYS = ["items", "additionalItems", "minItems", "maxItems"];
const OBJECT_KEYS = ["properties", "additionalProperties", "required", "patternProperties"];
const KNOWN_FORMATS = new Set(["uri", "ipv4", "ipv6", "email", "date-time", "date", "hostname", "uuid"]);

/** A linter: the messages it finds at one node. */
type Linter = (node: Node, atRoot: boolean) => Array<{ message: string; level: LintLevel }>;

const num = (v: unknown) => (typeof v === "number" ? v : Number.NaN);

const LINTERS: readonly Linter[] = [
  // rootObject
  (node, atRoot) =>
    atRoot && (!present(node, "properties") || node["type"] !== "object")
      ? [
          {
            level: "WARNING",
            message:
              'At the root level, the schema should have a "type" property set to "object" and have a "properties" property',
          },
        ]
      : [],
  // numericMinimumMaximum
  (node) =>
    present(node, "minimum") && present(node, "maximum") && num(node["maximum"]) < num(node["minimum"])
      ? [
          {
            level: "ERROR",
            message: `A field with numeric type has a minimum value [${node["minimum"]}] greater than the maximum value [${node["maximum"]}]`,
          },
        ]
      : [],
  // stringMinMaxLength
  (node) =>
    present(node, "minLength") &&
    present(node, "maxLength") &&
    num(node["maxLength"]) < num(node["minLength"])
      ? [
          {
            level: "ERROR",
            message: `A string type with "minLength" and "maxLength" property values has a minimum value [${node["minLength"]}] higher than the maximum [${node["maxLength"]}]`,
          },
        ]
      : [],
  // stringMaxLengthRange
  (node) =>
    withType(node, "string") && present(node, "maxLength") && num(node["maxLength"]) > 65535
      ? [
          {
            level: "WARNING",
            message: `A string property has a "maxLength" [${node["maxLength"]}] greater than the Redshift VARCHAR maximum of 65535`,
          },
        ]
      : [],
  // arrayMinMaxItems
  (node) =>
    present(node, "minItems") && present(node, "maxItems") && num(node["maxItems"]) < num(node["minItems"])
      ? [
          {
            level: "ERROR",
            message: `A field of array type has a "minItems" value [${node["minItems"]}] with a greater value than the "maxItems" [${node["maxItems"]}]`,
          },
        ]
      : [],
  // numericProperties
  (node) => {
    const keys = NUMBER_KEYS.filter((k) => present(node, k));
    return keys.length > 0 && withoutType(node, "number") && withoutType(node, "integer")
      ? [
          {
            level: "ERROR",
            message: `Numeric properties [${keys.join(",")}] require either a number, integer or absent values`,
          },
        ]
      : [];
  },
  // stringProperties
  (node) => {
    const keys = STRING_KEYS.filter((k) => present(node, k));
    return keys.length > 0 && withoutType(node, "string")
      ? [
          {
            level: "ERROR",
            message: `String properties [${keys.join(",")}] require either string or absent values`,
          },
        ]
      : [];
  },
  // arrayProperties
  (node) => {
    const keys = ARRAY_KEYS.filter((k) => present(node, k));
    return keys.length > 0 && withoutType(node, "array")
      ? [
          {
            level: "ERROR",
            message: `Array properties [${keys.join(",")}] require either array or absent values`,
          },
        ]
      : [];
  },
  // objectProperties
  (node) => {
    const keys = OBJECT_KEYS.filter((k) => present(node, k));
    return keys.length > 0 && withoutType(node, "object")
      ? [
          {
            level: "ERROR",
            message: `Object properties [${keys.join(",")}] require either object or absent values`,
          },
        ]
      : [];
  },
  // requiredPropertiesExist (plus Furrow's warning where schema-ddl is silent)
  (node) => {
    if (!present(node, "required") || !present(node, "properties")) return [];
    const properties = node["properties"] as Node;
    const missing = [...new Set(node["required"] as string[])].filter((k) => !Object.hasOwn(properties, k));
    if (missing.length === 0) return [];
    const closed = node["additionalProperties"] === false && !present(node, "patternProperties");
    return [
      {
        level: closed ? "ERROR" : "WARNING",
        message: `Elements specified as required [${missing.join(",")}] don't exist in schema properties`,
      },
    ];
  },
  // unknownFormats
  (node) =>
    typeof node["format"] === "string" && !KNOWN_FORMATS.has(node["format"])
      ? [
          {
            level: "WARNING",
            message: `Unknown format [${node["format"]}] detected. Known formats are: date-time, date, email, hostname, ipv4, ipv6 or uri`,
          },
        ]
      : [],
  // numericMinMax
  (node) =>
    (withType(node, "number") || withType(node, "integer")) &&
    !(present(node, "minimum") && present(node, "maximum"))
      ? [{ level: "WARNING", message: 'A numeric property should have "minimum" and "maximum" properties' }]
      : [],
  // stringLength
  (node) => {
    if (!withType(node, "string") || present(node, "enum") || present(node, "maxLength")) return [];
    const format = node["format"];
    return typeof format === "string" && KNOWN_FORMATS.has(format)
      ? []
      : [
          {
            level: "WARNING",
            message: `A string type in the schema doesn't contain "maxLength" or format which is required`,
          },
        ];
  },
  // optionalNull
  (node) => {
    if (!present(node, "required") || !present(node, "properties")) return [];
    const required = new Set(node["required"] as string[]);
    const properties = node["properties"] as Record<string, Node>;
    const optional = Object.keys(properties)
      .filter((k) => !required.has(k) && !withType(properties[k]!, "null"))
      .sort();
    return optional.length > 0
      ? [
          {
            level: "INFO",
            message: `Use "type: null" to indicate a field as optional for properties ${optional.join(",")}`,
          },
        ]
      : [];
  },
  // description
  (node) =>
    present(node, "description")
      ? []
      : [{ level: "INFO", message: 'The schema is missing the "description" property' }],
  // schemaUri
  (node, atRoot) => {
    if (!atRoot) return [];
    if (!present(node, "$schema"))
      return [{ level: "ERROR", message: "No $schema field in top-level of schema" }];
    return node["$schema"] === SELF_DESCRIBING_METASCHEMA_URI
      ? []
      : [{ level: "ERROR", message: `Given $schema is not ${SELF_DESCRIBING_METASCHEMA_URI}` }];
  },
  // bqDisallowedCharacters
  (node) => {
    const keys = present(node, "properties") ? Object.keys(node["properties"] as Node) : [];
    const bad = keys.filter((k) => /[^A-Za-z0-9_]/.test(k));
    return bad.length > 0
      ? [
          {
            level: "WARNING",
            message: `Following properties contain disallowed characters for BigQuery column name: [${bad.join(", ")}]`,
          },
        ]
      : [];
  },
  // bqIllegalStart
  (node) => {
    const keys = present(node, "properties") ? Object.keys(node["properties"] as Node) : [];
    const bad = keys.filter((k) => /^[^A-Za-z_]/.test(k));
    return bad.length > 0
      ? [
          {
            level: "WARNING",
            message: `Following properties start with illegal character for BigQuery column name: [${bad.join(", ")}]`,
          },
        ]
      : [];
  },
  // Furrow: patternProperties keys must compile (see the module notes).
  (node) => {
    const keys = present(node, "patternProperties") ? Object.keys(node["patternProperties"] as Node) : [];
    return keys
      .filter((k) => !compilesAsRegex(k))
      .map((k) => ({
        level: "ERROR" as const,
        message: `patternProperties key ${k} is not a valid regular expression`,
      }));
  },
];

const escapePointer = (segment: string) => segment.replaceAll("~", "~0").replaceAll("/", "~1");

/** `Schema.traverse`: the node, then items, additionalItems, properties, additionalProperties, patternProperties, oneOf. */
function lintTree(root: Node): LintMessage[] {
  const out: LintMessage[] = [];
  const visit = (node: Node, pointer: string[]): void => {
    const shown = `/${pointer.map(escapePointer).join("/")}`;
    for (const linter of LINTERS) {
      for (const m of linter(node, pointer.length === 0)) out.push({ ...m, pointer: shown });
    }
    const items = node["items"];
    if (Array.isArray(items)) {
      for (const [i, s] of items.entries()) visit(s as Node, [...pointer, "items", String(i)]);
    } else if (isJsonObject(items)) visit(items, [...pointer, "items"]);
    if (isJsonObject(node["additionalItems"]))
      visit(node["additionalItems"], [...pointer, "additionalItems"]);
    if (isJsonObject(node["properties"])) {
      for (const [k, s] of Object.entries(node["properties"]))
        visit(s as Node, [...pointer, "properties", k]);
    }
    if (isJsonObject(node["additionalProperties"])) {
      visit(node["additionalProperties"], [...pointer, "additionalProperties"]);
    }
    if (isJsonObject(node["patternProperties"])) {
      for (const [k, s] of Object.entries(node["patternProperties"])) {
        visit(s as Node, [...pointer, "patternProperties", k]);
      }
    }
    const oneOf = node["oneOf"];
    if (Array.isArray(oneOf)) {
      for (const [i, s] of oneOf.entries()) visit(s as Node, [...pointer, "oneOf", String(i)]);
    }
  };
  visit(root, []);
  return out;
}

/**
 * Lints a schema (parsed with plain numbers). An empty report means the schema is a valid
 * self-describing schema with nothing to remark on.
 *
 * @example
 * hasErrors(lintSchema({ type: "object", properties: {}, additionalProperties: false, required: ["x"] }))
 * // true: "Elements specified as required [x] don't exist in schema properties"
 */
export function lintSchema(schema: unknown): LintMessage[] {
  const report = syntaxMessages(schema);
  if (decodesAsSchema(schema)) report.push(...lintTree(schema as Node));
  else report.push({ message: "Cannot extract JSON Schema", level: "ERROR", pointer: "/" });
  if (!parseSelfDescribingSchema(schema).ok) {
    report.push({ message: "JSON Schema is not self-describing", level: "ERROR", pointer: "/" });
  }
  return report;
}
