/**
 * @module
 * Reads a folder of schemas in the static-registry layout (`schemas/{vendor}/{name}/{format}/
 * {M-R-A}`, files without extension holding self-describing JSON, as igluctl and Iglu Central
 * keep them), and orders them so that an Iglu Server's sequencing rules accept them in turn.
 *
 * The folder may be the `schemas` folder itself or one that contains it. Files of other formats
 * that are not self-describing JSON Schemas (Iglu Central's avro, thrift and protobuf entries)
 * are skipped with a reason; any other file that does not fit is a problem.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import {
  compareSchemaKey,
  formatSchemaKey,
  parseSchemaKeyPath,
  type SchemaKey,
} from "../../core/iglu/schema-key.ts";
import { parseSelfDescribingSchema } from "../../core/iglu/self-describing-schema.ts";

/** One schema file that is a self-describing JSON Schema matching its path. */
export interface SchemaFile {
  /** The path relative to the `schemas` folder, `/`-separated: `vendor/name/format/M-R-A`. */
  readonly path: string;
  readonly key: SchemaKey;
  /** The file's text, sent as it is. */
  readonly text: string;
  /** The parsed JSON (plain numbers), for linting. */
  readonly json: unknown;
}

/** A file that cannot be used. */
export interface FolderProblem {
  readonly path: string;
  readonly message: string;
}

export interface SchemaFolder {
  /** Absolute path of the `schemas` folder that was read. */
  readonly root: string;
  readonly schemas: readonly SchemaFile[];
  /** Files left out on purpose (not JSON Schema), with the reason. */
  readonly skipped: readonly FolderProblem[];
  readonly problems: readonly FolderProblem[];
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith(".")) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/** Reads every file under the folder; throws only when the folder itself cannot be read. */
export async function readSchemaFolder(dir: string): Promise<SchemaFolder> {
  const root = (await isDirectory(join(dir, "schemas"))) ? join(dir, "schemas") : dir;
  if (!(await isDirectory(root))) throw new Error(`${dir} is not a folder`);
  const schemas: SchemaFile[] = [];
  const skipped: FolderProblem[] = [];
  const problems: FolderProblem[] = [];
  for (const file of (await filesUnder(root)).sort()) {
    const path = relative(root, file).split(sep).join("/");
    const fromPath = parseSchemaKeyPath(path);
    if (!fromPath.ok) {
      problems.push({
        path,
        message: `not at vendor/name/format/MODEL-REVISION-ADDITION (${fromPath.error.code})`,
      });
      continue;
    }
    const text = await readFile(file, "utf8");
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      if (fromPath.value.format === "jsonschema")
        problems.push({ path, message: `not JSON: ${(e as Error).message}` });
      else skipped.push({ path, message: `format ${fromPath.value.format} is not JSON` });
      continue;
    }
    const parsed = parseSelfDescribingSchema(json);
    if (!parsed.ok) {
      if (fromPath.value.format === "jsonschema") {
        problems.push({ path, message: `not a self-describing JSON Schema: ${parsed.error.message}` });
      } else {
        skipped.push({
          path,
          message: `format ${fromPath.value.format} is not a self-describing JSON Schema`,
        });
      }
      continue;
    }
    if (formatSchemaKey(parsed.value.self) !== formatSchemaKey(fromPath.value)) {
      problems.push({
        path,
        message: `its self is ${formatSchemaKey(parsed.value.self)}, not the path's key`,
      });
      continue;
    }
    schemas.push({ path, key: fromPath.value, text, json });
  }
  return { root, schemas, skipped, problems };
}

/**
 * The order to publish in: by vendor, name and format, each group by ascending SchemaVer, so
 * that every version's predecessors are already there (1-0-0, 1-0-1, 1-1-0, 2-0-0…).
 */
export function publicationOrder(schemas: readonly SchemaFile[]): SchemaFile[] {
  return [...schemas].sort((a, b) => compareSchemaKey(a.key, b.key));
}
