/**
 * @module
 * The file system as a {@link StaticSource}, for embedded Iglu repositories under Bun and Node.
 * The core reads embedded repositories only through a StaticSource, so `node:fs` stays here.
 */
import { readdir, readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { StaticSource } from "../../core/iglu/registry-embedded.ts";

// A path that does not exist, or runs through a file, is simply absent: the registry says NotFound.
const absent = (e: unknown): boolean => {
  const code = (e as { code?: unknown }).code;
  return code === "ENOENT" || code === "ENOTDIR";
};

/**
 * Reads files under `root`: absolute paths are used as they are, relative ones are resolved
 * against `root` (for a resolver config file, its directory).
 */
export function fileSystemSource(root: string = process.cwd()): StaticSource {
  return {
    async read(path) {
      try {
        return await readFile(resolve(root, path), "utf8");
      } catch (e) {
        if (absent(e)) return null;
        throw e;
      }
    },
    async list(path) {
      try {
        const entries = await readdir(resolve(root, path), { withFileTypes: true });
        return entries.filter((entry) => entry.isFile()).map((entry) => entry.name);
      } catch (e) {
        if (absent(e)) return null;
        throw e;
      }
    },
  };
}
