/**
 * @module
 * The columns of an entity table, from the JSON Schemas of one vendor/name/MODEL (iglu schema-ddl
 * `FlatSchema.extractProperties`, and the Postgres loader's `transform.getNameType`):
 *
 * - Nested objects are flattened: every leaf property is one column, named by its path with each
 *   segment in snake_case, joined by `.` (`{"a": {"bC": …}}` gives `"a.b_c"`). An object with
 *   properties is not a column itself; an object without, an array, or a union of types is a leaf
 *   (JSONB). Nothing under `items`, `additionalProperties`, `patternProperties` or `oneOf` is
 *   flattened.
 * - A column is NOT NULL only when its property and all its parents are required and none of them
 *   allows null. (schema-ddl ignores a nullable parent, so `{"p": null}` with a required `p.q`
 *   would break the NOT NULL; here `p.q` is nullable.)
 * - Order: the first schema's columns sorted by (nullable, name), then each later version's new
 *   columns sorted the same way, so a table only ever grows at its end (`ADD COLUMN`).
 * - A column keeps the type of the version that added it; only a VARCHAR whose `maxLength` grew in
 *   a later version widens (Postgres widens a VARCHAR without rewriting the table). Snowplow never
 *   widens, so a longer string a revision allows fails to load there.
 * - A name taken already (two paths with one snake_case form, or a property named like a meta
 *   column such as `root_id`) gets `_` and a hash of its path appended; Snowplow's CREATE TABLE
 *   fails on such schemas.
 */
import {
  canBeNull,
  columnTypeOf,
  nonNullTypes,
  type PgType,
  samePgType,
  schemaObject,
  varchar,
} from "./column-type.ts";
import { fitIdentifier, fnv1aHex, snakeCase } from "./identifier.ts";

/** One leaf of a flattened schema. */
export interface FlatProperty {
  /** Property names from the root, as in the data. */
  readonly path: readonly string[];
  readonly schema: Readonly<Record<string, unknown>>;
  readonly nullable: boolean;
}

/** One column of an entity table, and where its value is in the entity's data. */
export interface EntityColumn {
  readonly name: string;
  readonly path: readonly string[];
  readonly type: PgType;
  readonly nullable: boolean;
}

type JsonObject = Readonly<Record<string, unknown>>;

/** `oneOf` members of more than one non-null type (schema-ddl `isHeterogeneousUnion`). */
function heterogeneousOneOf(schema: JsonObject): boolean {
  const oneOf = schema["oneOf"];
  if (!Array.isArray(oneOf)) return false;
  const kinds = new Set<string>();
  for (const member of oneOf) {
    const object = schemaObject(member);
    const types = object === null ? undefined : nonNullTypes(object);
    for (const t of types ?? []) kinds.add(t);
  }
  return kinds.size > 1;
}

/** True when `schema` is flattened into its properties rather than being one column. */
function isNested(schema: JsonObject): boolean {
  const properties = schemaObject(schema["properties"]);
  if (properties === null || heterogeneousOneOf(schema)) return false;
  const types = nonNullTypes(schema);
  if (types === undefined) return Object.keys(properties).length > 0;
  return types.size === 1 && types.has("object");
}

/** The leaves of one schema, in traversal order. A root that is not an object has none. */
export function flattenSchema(schema: unknown): FlatProperty[] {
  const leaves: FlatProperty[] = [];
  const visit = (node: JsonObject, path: readonly string[], required: boolean): void => {
    if (path.length > 0 && !isNested(node)) {
      leaves.push({ path, schema: node, nullable: !required || canBeNull(node) });
      return;
    }
    if (!isNested(node)) return;
    const properties = schemaObject(node["properties"]) ?? {};
    const requiredNames = Array.isArray(node["required"]) ? (node["required"] as unknown[]) : [];
    const parentNullable = path.length > 0 && canBeNull(node);
    for (const [name, child] of Object.entries(properties)) {
      const object = schemaObject(child) ?? {};
      visit(object, [...path, name], required && requiredNames.includes(name) && !parentNullable);
    }
  };
  const root = schemaObject(schema);
  if (root !== null) visit(root, [], true);
  return leaves;
}

/** schema-ddl `FlatSchema.getName`: the path's segments in snake_case, joined by `.`. */
export function columnNameOf(path: readonly string[]): string {
  return path.map(snakeCase).join(".");
}

const byNullableThenName = (a: FlatProperty, b: FlatProperty): number => {
  if (a.nullable !== b.nullable) return a.nullable ? 1 : -1;
  const x = columnNameOf(a.path);
  const y = columnNameOf(b.path);
  return x < y ? -1 : x > y ? 1 : 0;
};

const pathKey = (path: readonly string[]): string => JSON.stringify(path);

function widened(current: PgType, next: PgType): PgType {
  if (current.kind !== "varchar" || next.kind !== "varchar" || current.length === null) return current;
  if (next.length === null || next.length > current.length) return varchar(next.length);
  return current;
}

/**
 * The ordered columns of a table holding every version in `schemas` (JSON Schemas of one
 * vendor/name/MODEL, oldest first). `reserved` names (the meta columns) are never given to a property.
 */
export function entityColumns(schemas: readonly unknown[], reserved: readonly string[] = []): EntityColumn[] {
  const columns: EntityColumn[] = [];
  const byPath = new Map<string, number>();
  const taken = new Set(reserved);
  let previous = new Set<string>();
  for (const [version, schema] of schemas.entries()) {
    const leaves = flattenSchema(schema);
    const added = leaves.filter((leaf) => !previous.has(pathKey(leaf.path))).sort(byNullableThenName);
    for (const leaf of leaves) {
      const at = byPath.get(pathKey(leaf.path));
      if (at === undefined) continue;
      const column = columns[at]!;
      const type = widened(column.type, columnTypeOf(leaf.schema));
      if (!samePgType(type, column.type)) columns[at] = { ...column, type };
    }
    for (const leaf of added) {
      const key = pathKey(leaf.path);
      if (byPath.has(key)) continue; // removed by one version, back in a later one
      let name = fitIdentifier(columnNameOf(leaf.path));
      if (taken.has(name)) name = fitIdentifier(`${columnNameOf(leaf.path)}_${fnv1aHex(key)}`);
      taken.add(name);
      byPath.set(key, columns.length);
      // A column added after the first version is nullable: ADD COLUMN … NOT NULL fails on a table
      // with rows, and rows loaded before the addition have no value anyway.
      columns.push({
        name,
        path: leaf.path,
        type: columnTypeOf(leaf.schema),
        nullable: version === 0 ? leaf.nullable : true,
      });
    }
    previous = new Set(leaves.map((leaf) => pathKey(leaf.path)));
  }
  return columns;
}
