/**
 * @module
 * Every JSON Schema in Iglu Central (../shared/iglu-central) must parse as a self-describing schema
 * whose `self` matches its registry path, and must compile. Skips when ../shared is absent.
 */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import Ajv from "ajv-draft-04";
import addFormats from "ajv-formats";
import { sharedDir, sharedMissing } from "../../../test/support/shared.ts";
import { formatSchemaKey, parseSchemaKeyPath, sameSchemaKey } from "./schema-key.ts";
import { dropRemoteRefs, SchemaValidator } from "./schema-validator.ts";
import { parseSelfDescribingSchema, schemaBody } from "./self-describing-schema.ts";

/** Whether plain ajv, without dropping remote refs, compiles the body. */
function compilesAsIs(schema: Readonly<Record<string, unknown>>): boolean {
  const ajv = new Ajv({ strict: false, logger: false, addUsedSchema: false, unicodeRegExp: false });
  addFormats(ajv);
  try {
    ajv.compile(schemaBody(schema));
    return true;
  } catch {
    return false;
  }
}

/** Registry paths `vendor/name/jsonschema/M-R-A` under `root` (other formats, e.g. avro, are skipped). */
function jsonSchemaPaths(root: string): string[] {
  const paths: string[] = [];
  for (const vendor of readdirSync(root)) {
    for (const name of readdirSync(`${root}/${vendor}`)) {
      let versions: string[];
      try {
        versions = readdirSync(`${root}/${vendor}/${name}/jsonschema`);
      } catch {
        continue;
      }
      for (const version of versions) paths.push(`${vendor}/${name}/jsonschema/${version}`);
    }
  }
  return paths.sort();
}

describe("Iglu Central", () => {
  const title = "every jsonschema parses, matches its path, and compiles (remote $refs as {})";
  test.skipIf(!sharedDir)(
    sharedDir ? title : sharedMissing(title),
    () => {
      const root = `${sharedDir}/iglu-central/schemas`;
      const validator = new SchemaValidator();
      const paths = jsonSchemaPaths(root);
      const problems: string[] = [];
      const withRemoteRefs: string[] = [];
      const notAsIs: string[] = [];
      let compiled = 0;
      for (const path of paths) {
        const fromPath = parseSchemaKeyPath(path);
        const parsed = parseSelfDescribingSchema(JSON.parse(readFileSync(`${root}/${path}`, "utf8")));
        if (!fromPath.ok || !parsed.ok) {
          problems.push(
            `${path}: ${fromPath.ok ? "" : fromPath.error.message} ${parsed.ok ? "" : parsed.error.message}`,
          );
          continue;
        }
        if (!sameSchemaKey(fromPath.value, parsed.value.self)) {
          problems.push(`${path}: self says ${formatSchemaKey(parsed.value.self)}`);
        }
        const { dropped } = dropRemoteRefs(parsed.value.schema);
        if (dropped.length > 0) {
          withRemoteRefs.push(`${path} (${dropped.join(", ")})`);
          if (!compilesAsIs(parsed.value.schema)) notAsIs.push(path);
        }
        const result = validator.compile(parsed.value.self, parsed.value.schema);
        if (result.ok) compiled += 1;
        else
          problems.push(
            `${path}: ${result.error.schemaIssues.map((i) => `${i.path} ${i.message}`).join("; ")}`,
          );
      }
      console.log(
        `Iglu Central: ${paths.length} jsonschemas, ${compiled} compiled; ` +
          `${paths.length - notAsIs.length} compile as-is, ${notAsIs.length} only with remote $refs as {} ` +
          `(${notAsIs.join(", ")}); schemas with remote $refs: ${withRemoteRefs.join("; ")}`,
      );
      expect(problems).toEqual([]);
      expect(paths.length).toBeGreaterThanOrEqual(660);
      expect(compiled).toBe(paths.length);
    },
    60_000,
  );
});
