/**
 * @module
 * Writes the tiny MaxMind databases described in `mmdb-fixtures.ts` to
 * `fixtures/enrich-assets/maxmind/`. Run with `bun test/enrich-enrichments/write-mmdb-fixtures.ts`.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { mmdbFixtures } from "./mmdb-fixtures.ts";
import { writeMmdb } from "./mmdb-writer.ts";
import { assetsDir } from "./support.ts";

const dir = join(assetsDir, "maxmind");
mkdirSync(dir, { recursive: true });
for (const [file, { type, records }] of Object.entries(mmdbFixtures)) {
  writeFileSync(join(dir, file), writeMmdb(type, records));
  console.log(`wrote ${join(dir, file)}`);
}
