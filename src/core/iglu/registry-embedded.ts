/**
 * @module
 * An embedded registry: a static Iglu layout (`{path}/schemas/{vendor}/{name}/{format}/{M-R-A}`)
 * read through a {@link StaticSource}, so the core needs no file-system API. Snowplow reads these
 * from the JVM classpath (`registries/Embedded.scala`); a Bun or Node adapter passes a source built
 * on `node:fs`, and tests may pass a map.
 */
import { err, ok, type Result } from "../result.ts";
import type { RegistryError } from "./client-error.ts";
import {
  notFound,
  parseSchemaList,
  type Registry,
  type RegistryRef,
  repoFailure,
  type SchemaList,
} from "./registry.ts";
import { type SchemaKey, schemaKeyPath } from "./schema-key.ts";
import { compareSchemaVer } from "./schema-ver.ts";

/** Read access to a static layout. Paths are joined with `/`. */
export interface StaticSource {
  /** The text of the file at `path`, or null when there is none. Throws for any other failure. */
  read(path: string): Promise<string | null>;
  /**
   * The names of the plain files in directory `path`, or null when it does not exist. Optional:
   * without it, lists come from igluctl's list files (`…/jsonschema/{model}`) instead.
   */
  list?(path: string): Promise<readonly string[] | null>;
}

/** A StaticSource over an in-memory map of path to text; `list` is derived from the paths. */
export function staticSourceFromMap(files: ReadonlyMap<string, string>): StaticSource {
  return {
    read: (path) => Promise.resolve(files.get(path) ?? null),
    list: (dir) => {
      const prefix = `${dir.replace(/\/+$/, "")}/`;
      const names = [...files.keys()]
        .filter((p) => p.startsWith(prefix) && !p.slice(prefix.length).includes("/"))
        .map((p) => p.slice(prefix.length));
      return Promise.resolve(names.length === 0 ? null : names);
    },
  };
}

const message = (e: unknown): string =>
  e instanceof Error && e.message !== "" ? e.message : e === undefined ? "Unhandled error" : String(e);

// Embedded.scala's `schemaFileRegex` for the file name: MODEL has no leading zero, the rest may.
const fileVersion = /^([1-9][0-9]*)-([0-9]+)-([0-9]+)$/;

/** A static layout under `path`, read through `source` (class priority 2). */
export class EmbeddedRegistry implements Registry {
  readonly kind = "Embedded" as const;
  readonly name: string;
  readonly priority: number;
  readonly vendorPrefixes: readonly string[];
  readonly location: string;
  readonly #source: StaticSource;
  readonly #base: string;

  constructor(ref: RegistryRef, path: string, source: StaticSource) {
    this.name = ref.name;
    this.priority = ref.priority;
    this.vendorPrefixes = [...ref.vendorPrefixes];
    this.location = path;
    this.#source = source;
    // RegistryLookup.toPath strips one trailing slash before appending `/schemas/…`.
    this.#base = path.endsWith("/") ? path.slice(0, -1) : path;
  }

  async lookup(key: SchemaKey): Promise<Result<unknown, RegistryError>> {
    const text = await this.#read(`${this.#base}/schemas/${schemaKeyPath(key)}`);
    if (!text.ok) return text;
    try {
      return ok(JSON.parse(text.value));
    } catch (e) {
      // Utils.invalidSchema: an unparsable file is a RepoFailure carrying circe's ParsingFailure.
      return err(repoFailure(`ParsingFailure: ${message(e)}`));
    }
  }

  async list(vendor: string, name: string, model: number): Promise<Result<SchemaList, RegistryError>> {
    const dir = `${this.#base}/schemas/${vendor}/${name}/jsonschema`;
    if (this.#source.list === undefined) return this.#listFile(`${dir}/${model}`);
    let names: readonly string[] | null;
    try {
      names = await this.#source.list(dir);
    } catch (e) {
      return err(repoFailure(message(e)));
    }
    if (names === null) return err(notFound);
    // Embedded.unsafeList: files named `{model}-…`; one that is not `M-R-A` corrupts the listing.
    const keys: SchemaKey[] = [];
    for (const file of names) {
      if (!file.startsWith(`${model}-`)) continue;
      const m = fileVersion.exec(file);
      if (m === null) return err(repoFailure(`Corrupted schema file name at ${dir}/${file}`));
      const version = { model: Number(m[1]), revision: Number(m[2]), addition: Number(m[3]) };
      keys.push({ vendor, name, format: "jsonschema", version });
    }
    if (keys.length === 0) return err(notFound);
    keys.sort((a, b) => compareSchemaVer(a.version, b.version));
    return ok(keys as unknown as SchemaList);
  }

  async #listFile(path: string): Promise<Result<SchemaList, RegistryError>> {
    const text = await this.#read(path);
    if (!text.ok) return text;
    let json: unknown;
    try {
      json = JSON.parse(text.value);
    } catch (e) {
      return err(repoFailure(`ParsingFailure: ${message(e)}`));
    }
    const list = parseSchemaList(json);
    return list.ok ? list : err(repoFailure(list.error));
  }

  async #read(path: string): Promise<Result<string, RegistryError>> {
    try {
      const text = await this.#source.read(path);
      return text === null ? err(notFound) : ok(text);
    } catch (e) {
      return err(repoFailure(message(e)));
    }
  }
}
