/**
 * @module
 * Tests for the schema linter: the reference's ERROR cases block, WARNING and INFO ones do not,
 * messages and pointers are schema-ddl's, and no Iglu Central schema has an error.
 */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { sharedDir, sharedMissing } from "../../../test/support/shared.ts";
import { hasErrors, type LintMessage, lintSchema } from "./schema-lint.ts";

const META = "http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#";
const SELF = { vendor: "com.acme", name: "x", format: "jsonschema", version: "1-0-0" };
const schema = (body: Record<string, unknown>) => ({ $schema: META, self: SELF, description: "d", ...body });
const errors = (report: LintMessage[]) => report.filter((m) => m.level === "ERROR");
const has = (report: LintMessage[], m: Partial<LintMessage>) =>
  expect(report).toContainEqual(expect.objectContaining(m));

describe("lintSchema", () => {
  test("a tidy self-describing schema has an empty report", () => {
    const tidy = schema({
      type: "object",
      properties: { a: { description: "a", type: "string", maxLength: 8 } },
      required: ["a"],
      additionalProperties: false,
    });
    expect(lintSchema(tidy)).toEqual([]);
  });

  test("required names missing with additionalProperties false: ERROR (SchemaServiceSpec e16); else WARNING", () => {
    const closed = lintSchema(
      schema({ type: "object", properties: {}, additionalProperties: false, required: ["xyz"] }),
    );
    has(closed, {
      message: "Elements specified as required [xyz] don't exist in schema properties",
      level: "ERROR",
      pointer: "/",
    });
    const open = lintSchema(schema({ type: "object", properties: {}, required: ["xyz"] }));
    expect(hasErrors(open)).toBe(false);
    has(open, {
      message: "Elements specified as required [xyz] don't exist in schema properties",
      level: "WARNING",
    });
  });

  test("draft-04 metaschema violations are errors, with networknt-style messages and pointers", () => {
    const report = lintSchema(
      schema({ type: "object", properties: { a: { type: "strin" }, b: { maxLength: -1 } } }),
    );
    has(report, {
      level: "ERROR",
      pointer: "/properties/a/type",
      message:
        "$.properties.a.type: does not have a value in the enumeration [array, boolean, integer, null, number, object, string]",
    });
    has(report, {
      level: "ERROR",
      pointer: "/properties/b/maxLength",
      message: "$.properties.b.maxLength: must have a minimum value of 0",
    });
    has(report, { level: "ERROR", message: "Cannot extract JSON Schema", pointer: "/" });
  });

  test("unknown keywords are warnings (typos), not errors", () => {
    const report = lintSchema(
      schema({ type: "object", properties: { a: { type: "string", maxlength: 3 } } }),
    );
    expect(hasErrors(report)).toBe(false);
    has(report, {
      level: "WARNING",
      pointer: "/properties/a",
      message:
        "$.properties.a.maxlength: is not defined in the schema and the schema does not allow additional properties",
    });
  });

  test("Iglu's own members: $schema, self and superseding fields", () => {
    has(
      lintSchema({
        ...schema({ type: "object", properties: {} }),
        $schema: "http://json-schema.org/draft-04/schema#",
      }),
      {
        level: "ERROR",
        message: `Given $schema is not ${META}`,
      },
    );
    const noMeta = lintSchema({ self: SELF, type: "object", properties: {} });
    has(noMeta, { level: "ERROR", message: "No $schema field in top-level of schema" });
    has(noMeta, { level: "ERROR", message: "JSON Schema is not self-describing" });
    const badSelf = lintSchema({
      ...schema({ type: "object", properties: {} }),
      self: { ...SELF, vendor: "com acme" },
    });
    has(badSelf, { level: "ERROR", pointer: "/self/vendor" });
    has(lintSchema(schema({ type: "object", properties: {}, $supersedes: ["1-0"] })), {
      level: "ERROR",
      pointer: "/$supersedes/0",
    });
  });

  test("schema-ddl's impossible-schema linters are errors", () => {
    const cases: [Record<string, unknown>, string][] = [
      [
        { type: "number", minimum: 5, maximum: 1 },
        "A field with numeric type has a minimum value [5] greater than the maximum value [1]",
      ],
      [
        { type: "string", minLength: 5, maxLength: 1 },
        'A string type with "minLength" and "maxLength" property values has a minimum value [5] higher than the maximum [1]',
      ],
      [
        { type: "array", minItems: 5, maxItems: 1 },
        'A field of array type has a "minItems" value [5] with a greater value than the "maxItems" [1]',
      ],
      [
        { type: "string", maximum: 3 },
        "Numeric properties [maximum] require either a number, integer or absent values",
      ],
      [
        { type: "integer", maxLength: 3, pattern: "a" },
        "String properties [maxLength,pattern] require either string or absent values",
      ],
      [{ type: "object", items: {} }, "Array properties [items] require either array or absent values"],
      [
        { type: "array", properties: {} },
        "Object properties [properties] require either object or absent values",
      ],
    ];
    for (const [node, message] of cases) {
      const report = lintSchema(schema({ type: "object", properties: { p: { description: "p", ...node } } }));
      expect(errors(report)).toEqual([{ message, level: "ERROR", pointer: "/properties/p" }]);
    }
  });

  test("advice is WARNING or INFO and does not block", () => {
    const report = lintSchema({
      $schema: META,
      self: SELF,
      properties: { n: { type: "number" }, s: { type: "string", format: "color" }, "a-b": {} },
    });
    expect(hasErrors(report)).toBe(false);
    has(report, {
      level: "WARNING",
      pointer: "/",
      message:
        'At the root level, the schema should have a "type" property set to "object" and have a "properties" property',
    });
    has(report, {
      level: "WARNING",
      pointer: "/properties/n",
      message: 'A numeric property should have "minimum" and "maximum" properties',
    });
    has(report, {
      level: "WARNING",
      pointer: "/properties/s",
      message:
        "Unknown format [color] detected. Known formats are: date-time, date, email, hostname, ipv4, ipv6 or uri",
    });
    has(report, {
      level: "WARNING",
      pointer: "/properties/s",
      message: `A string type in the schema doesn't contain "maxLength" or format which is required`,
    });
    has(report, {
      level: "WARNING",
      pointer: "/",
      message: "Following properties contain disallowed characters for BigQuery column name: [a-b]",
    });
    has(report, {
      level: "INFO",
      pointer: "/properties/n",
      message: 'The schema is missing the "description" property',
    });
  });

  test("regular expressions must compile as JavaScript ones (Furrow's validator uses them)", () => {
    has(lintSchema(schema({ type: "object", properties: { a: { type: "string", pattern: "(" } } })), {
      level: "ERROR",
      pointer: "/properties/a/pattern",
    });
    has(lintSchema(schema({ type: "object", properties: {}, patternProperties: { "[": {} } })), {
      level: "ERROR",
      message: "patternProperties key [ is not a valid regular expression",
    });
  });

  test("not an object at all", () => {
    expect(errors(lintSchema([1])).map((m) => m.message)).toEqual([
      "$: array found, object expected",
      "Cannot extract JSON Schema",
      "JSON Schema is not self-describing",
    ]);
  });

  const title = "no Iglu Central JSON Schema has an error";
  test.skipIf(!sharedDir)(sharedDir ? title : sharedMissing(title), () => {
    const root = `${sharedDir}/iglu-central/schemas`;
    const withErrors: string[] = [];
    let count = 0;
    for (const vendor of readdirSync(root)) {
      for (const name of readdirSync(`${root}/${vendor}`)) {
        let versions: string[] = [];
        try {
          versions = readdirSync(`${root}/${vendor}/${name}/jsonschema`);
        } catch {}
        for (const version of versions) {
          count++;
          const report = lintSchema(
            JSON.parse(readFileSync(`${root}/${vendor}/${name}/jsonschema/${version}`, "utf8")),
          );
          if (hasErrors(report))
            withErrors.push(`${vendor}/${name}/${version}: ${errors(report)[0]?.message}`);
        }
      }
    }
    expect(count).toBeGreaterThanOrEqual(660);
    expect(withErrors).toEqual([]);
  });
});
