/**
 * @module
 * A folder of schemas an Iglu Server accepts in full, made from the enrich tests' stand-ins
 * (`fixtures/enrich/iglu`). Those skip versions (payload_data has 1-0-0 and 1-0-4), which the
 * server refuses ("Preceding SchemaVer in the group is missing"); each missing addition of a
 * model is filled with a copy of the next version present, renamed.
 */
import { cp, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

const STAND_INS = join(import.meta.dir, "../../fixtures/enrich/iglu/schemas");

/** Copies the stand-ins into `dir/schemas`, with the gaps filled, and returns `dir`. */
export async function writePublishableSchemas(dir: string): Promise<string> {
  const root = join(dir, "schemas");
  await cp(STAND_INS, root, { recursive: true });
  for (const vendor of await readdir(root)) {
    for (const name of await readdir(join(root, vendor))) {
      const folder = join(root, vendor, name, "jsonschema");
      const present = new Set(await readdir(folder));
      for (const version of present) {
        const [model, revision, addition] = version.split("-").map(Number) as [number, number, number];
        const text = await readFile(join(folder, version), "utf8");
        for (let a = addition - 1; a >= 0; a--) {
          const missing = `${model}-${revision}-${a}`;
          if (present.has(missing)) break;
          const json = JSON.parse(text) as { self: { version: string } };
          json.self.version = missing;
          await writeFile(join(folder, missing), JSON.stringify(json, null, 2));
        }
      }
    }
  }
  return dir;
}
