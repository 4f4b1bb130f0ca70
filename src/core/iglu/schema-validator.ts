/**
 * @module
 * Validates data against Iglu schemas, which are JSON Schema draft-04. Compiling costs far more than
 * validating (a compiled draft-04 validator checks millions of contexts a second), so compiled
 * validators are cached by SchemaKey, failures included.
 *
 * Compatibility with Snowplow's validator (iglu-scala-client `CirceValidator`, networknt draft-4):
 * - `self` and `$schema` are stripped before compiling: `self` is not a draft-04 keyword, and the
 *   Iglu metaschema URI cannot be fetched.
 * - A `$ref` to anything but a local `#…` pointer is treated as `{}`: Snowplow's client answers every
 *   remote fetch with the empty schema, so such a ref never constrains data.
 * - A schema is first checked against the draft-04 metaschema; its problems become `schemaIssues`.
 * - Data problems become `dataReports` `{message, path, keyword, targets}`, with JSONPath paths
 *   (`$.a.b[0]`) and the networknt message templates Snowplow's bad rows carry, e.g.
 *   `$.country: integer found, string expected` or `$.beers: is missing but it is required`.
 */
import type { AnySchemaObject, ErrorObject, ValidateFunction } from "ajv";
import Ajv from "ajv-draft-04";
import addFormats from "ajv-formats";
import { err, ok, type Result } from "../result.ts";
import type { NonEmpty, SchemaIssue, ValidatorError, ValidatorReport } from "./client-error.ts";
import { formatSchemaKey, type SchemaKey } from "./schema-key.ts";
import { schemaBody } from "./self-describing-schema.ts";

/** A datum does not match its schema. */
export type InvalidDataError = Extract<ValidatorError, { kind: "InvalidData" }>;
/** A schema cannot be compiled. */
export type InvalidSchemaError = Extract<ValidatorError, { kind: "InvalidSchema" }>;

/** A compiled schema: checks one datum. */
export type CompiledSchema = (data: unknown) => Result<void, InvalidDataError>;

const isObject = (json: unknown): json is Record<string, unknown> =>
  typeof json === "object" && json !== null && !Array.isArray(json);

/**
 * Copies a schema with every non-local `$ref` replaced by `{}` (in draft-04 a `$ref` object's other
 * members are ignored, so the whole object goes). Returns the refs it dropped.
 */
export function dropRemoteRefs(schema: unknown): { schema: unknown; dropped: string[] } {
  const dropped: string[] = [];
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (!isObject(node)) return node;
    const ref = node["$ref"];
    if (typeof ref === "string" && !ref.startsWith("#")) {
      dropped.push(ref);
      return {};
    }
    const copy: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) copy[k] = walk(v);
    return copy;
  };
  return { schema: walk(schema), dropped };
}

/** networknt's name for a JSON value's type; Jackson reads `1` as an integer and `1.5` as a number. */
function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

/**
 * Turns ajv's JSON Pointer (`/a/0/b`) into a JSONPath (`$.a[0].b`). The datum decides whether a
 * segment is an array index, since `0` can also be an object key.
 */
function locate(root: unknown, pointer: string): { path: string; value: unknown } {
  let path = "$";
  let value = root;
  if (pointer === "") return { path, value };
  for (const raw of pointer.slice(1).split("/")) {
    const segment = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    if (Array.isArray(value)) {
      path += `[${segment}]`;
      value = value[Number(segment)];
    } else {
      path += `.${segment}`;
      value = isObject(value) ? value[segment] : undefined;
    }
  }
  return { path, value };
}

const shown = (v: unknown): string => (typeof v === "string" ? v : JSON.stringify(v));

/** Maps one ajv error onto the report networknt (and so Snowplow) would give for it. */
export function reportFromAjv(error: ErrorObject, data: unknown): ValidatorReport {
  const { path, value } = locate(data, error.instancePath);
  const p = error.params as Record<string, unknown>;
  // Every report sits at the failing value's path, except `required` and `additionalProperties`,
  // whose ajv instancePath is already the parent object, as networknt reports them.
  const report = (message: string, targets: readonly string[] = []): ValidatorReport => ({
    message,
    path,
    keyword: error.keyword,
    targets,
  });
  switch (error.keyword) {
    case "type": {
      const found = jsonType(value);
      const expected = p["type"];
      if (Array.isArray(expected) && expected.length > 1) {
        const union = `[${expected.join(", ")}]`;
        // networknt's union-type template; its keyword is still "type" (the keyword in the schema).
        return report(`${path}: ${found} found, but ${union} is required`, [found, union]);
      }
      const single = String(Array.isArray(expected) ? expected[0] : expected);
      return report(`${path}: ${found} found, ${single} expected`, [found, single]);
    }
    case "required": {
      const name = String(p["missingProperty"]);
      return report(`${path}.${name}: is missing but it is required`, [name]);
    }
    case "additionalProperties": {
      const name = String(p["additionalProperty"]);
      return report(
        `${path}.${name}: is not defined in the schema and the schema does not allow additional properties`,
        [name],
      );
    }
    case "maxLength":
      return report(`${path}: may only be ${p["limit"]} characters long`, [String(p["limit"])]);
    case "minLength":
      return report(`${path}: must be at least ${p["limit"]} characters long`, [String(p["limit"])]);
    case "maximum":
    case "minimum": {
      const bound = error.keyword === "maximum" ? "maximum" : "minimum";
      const exclusive = p["comparison"] === "<" || p["comparison"] === ">" ? "an exclusive" : "a";
      return report(`${path}: must have ${exclusive} ${bound} value of ${p["limit"]}`, [String(p["limit"])]);
    }
    case "maxItems":
      return report(`${path}: there must be a maximum of ${p["limit"]} items in the array`, [
        String(p["limit"]),
      ]);
    case "minItems":
      return report(`${path}: there must be a minimum of ${p["limit"]} items in the array`, [
        String(p["limit"]),
      ]);
    case "maxProperties":
      return report(`${path}: may only have a maximum of ${p["limit"]} properties`, [String(p["limit"])]);
    case "minProperties":
      return report(`${path}: should have a minimum of ${p["limit"]} properties`, [String(p["limit"])]);
    case "enum": {
      const allowed = `[${(p["allowedValues"] as unknown[]).map(shown).join(", ")}]`;
      return report(`${path}: does not have a value in the enumeration ${allowed}`, [allowed]);
    }
    case "pattern":
      return report(`${path}: does not match the regex pattern ${p["pattern"]}`, [String(p["pattern"])]);
    case "format":
      return report(`${path}: does not match the ${p["format"]} pattern`, [String(p["format"])]);
    case "multipleOf":
      return report(`${path}: must be multiple of ${p["multipleOf"]}`, [String(p["multipleOf"])]);
    case "uniqueItems":
      return report(`${path}: the items in the array must be unique`);
    case "anyOf":
      return report(`${path}: should be valid to any of the schemas`);
    case "oneOf":
      return report(`${path}: should be valid to one and only one of the schemas`);
    case "not":
      return report(`${path}: should not be valid to the schema`);
    case "dependencies":
      return report(`${path}: has an error with dependencies ${p["deps"]}`, [String(p["deps"])]);
    default:
      return report(`${path}: ${error.message ?? error.keyword}`);
  }
}

function reportsFromAjv(errors: readonly ErrorObject[] | null | undefined, data: unknown): ValidatorReport[] {
  return (errors ?? []).map((e) => reportFromAjv(e, data));
}

const nonEmpty = <T>(items: T[], fallback: T): NonEmpty<T> =>
  items.length > 0 ? (items as unknown as NonEmpty<T>) : [fallback];

/**
 * Compiles Iglu schemas and validates data against them, caching one compiled validator per
 * SchemaKey. The cache trusts that a key always names the same schema, as Iglu registries promise
 * once a version is published; call {@link SchemaValidator.forget} when a registry patches one.
 *
 * @example
 * const validator = new SchemaValidator();
 * const checked = validator.validate(key, schema, { id: 1 });
 * // checked.ok, or checked.error.dataReports[0].message === "$.id: integer found, string expected"
 */
export class SchemaValidator {
  readonly #ajv: Ajv;
  readonly #cache = new Map<
    string,
    { source: AnySchemaObject | null; compiled: Result<CompiledSchema, InvalidSchemaError> }
  >();

  constructor() {
    // strict: false, because Iglu schemas carry non-standard members (`self`, descriptions in odd
    // places, unknown formats) that networknt ignores. addUsedSchema: false, because two schemas may
    // declare the same draft-04 `id`. unicodeRegExp: false, because `pattern`s are written for Java
    // regexes, which accept escapes that a `u`-flag JavaScript regex rejects.
    this.#ajv = new Ajv({
      strict: false,
      allErrors: true,
      logger: false,
      addUsedSchema: false,
      unicodeRegExp: false,
    });
    addFormats(this.#ajv);
  }

  /**
   * Compiles a schema (self-describing or a bare body) for `key`, or returns the cached result.
   * A schema that breaks the draft-04 metaschema, or that ajv cannot compile, is an
   * `InvalidSchema` error, which is cached too.
   */
  compile(
    key: SchemaKey,
    schema: Readonly<Record<string, unknown>>,
  ): Result<CompiledSchema, InvalidSchemaError> {
    const uri = formatSchemaKey(key);
    const cached = this.#cache.get(uri);
    if (cached !== undefined) return cached.compiled;
    const entry = this.#build(schema);
    this.#cache.set(uri, entry);
    return entry.compiled;
  }

  /** Validates one datum against the schema for `key`, compiling it on first use. */
  validate(
    key: SchemaKey,
    schema: Readonly<Record<string, unknown>>,
    data: unknown,
  ): Result<void, ValidatorError> {
    const compiled = this.compile(key, schema);
    return compiled.ok ? compiled.value(data) : compiled;
  }

  /** True when a compiled (or failed) schema for `key` is cached. */
  has(key: SchemaKey): boolean {
    return this.#cache.has(formatSchemaKey(key));
  }

  /** Drops the cached schema for `key`, e.g. after a registry patched it. */
  forget(key: SchemaKey): void {
    const uri = formatSchemaKey(key);
    const entry = this.#cache.get(uri);
    // ajv keeps its own cache keyed by schema object; without this it would grow forever.
    if (entry?.source) this.#ajv.removeSchema(entry.source);
    this.#cache.delete(uri);
  }

  /** How many schemas are cached. */
  get size(): number {
    return this.#cache.size;
  }

  #build(schema: Readonly<Record<string, unknown>>): {
    source: AnySchemaObject | null;
    compiled: Result<CompiledSchema, InvalidSchemaError>;
  } {
    const source = dropRemoteRefs(schemaBody(schema)).schema as AnySchemaObject;
    const invalid = (issues: SchemaIssue[]) => ({
      source: null,
      compiled: err({
        kind: "InvalidSchema" as const,
        schemaIssues: nonEmpty(issues, { path: "$", message: "the schema is invalid" }),
      }),
    });
    if (!this.#ajv.validateSchema(source)) {
      const issues = reportsFromAjv(this.#ajv.errors, source).map((r) => ({
        path: r.path ?? "$",
        message: r.message,
      }));
      return invalid(issues);
    }
    let fn: ValidateFunction;
    try {
      fn = this.#ajv.compile(source);
    } catch (e) {
      return invalid([{ path: "$", message: e instanceof Error ? e.message : String(e) }]);
    }
    const compiled: CompiledSchema = (data) => {
      if (fn(data)) return ok(undefined);
      const reports = reportsFromAjv(fn.errors, data);
      return err({
        kind: "InvalidData",
        dataReports: nonEmpty(reports, { message: "$: is invalid", path: "$", keyword: null, targets: [] }),
      });
    };
    return { source, compiled: ok(compiled) };
  }
}
