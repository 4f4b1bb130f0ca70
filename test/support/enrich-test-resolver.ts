/**
 * @module
 * A resolver for the enrich tests, offline: the stand-in Snowplow schemas of `fixtures/enrich/iglu`
 * and our examples of `fixtures/iglu-resolver/registry`, held in memory. Optionally Iglu Central
 * from `../shared` as well, for tests that validate webhook output against the real schemas.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { InMemoryRegistry } from "../../src/core/iglu/registry-in-memory.ts";
import { Resolver } from "../../src/core/iglu/resolver.ts";
import {
  parseSelfDescribingSchema,
  type SelfDescribingSchema,
} from "../../src/core/iglu/self-describing-schema.ts";

const fixtures = fileURLToPath(new URL("../../fixtures", import.meta.url));

/** Every schema file under `dir/schemas` (files named like a SchemaVer). */
export function readSchemas(dir: string): SelfDescribingSchema[] {
  const out: SelfDescribingSchema[] = [];
  const walk = (path: string) => {
    for (const name of readdirSync(path)) {
      const full = join(path, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/^\d+-\d+-\d+$/.test(name)) {
        const parsed = parseSelfDescribingSchema(JSON.parse(readFileSync(full, "utf8")));
        if (parsed.ok) out.push(parsed.value);
      }
    }
  };
  walk(join(dir, "schemas"));
  return out;
}

let standIns: SelfDescribingSchema[] | undefined;

/** The stand-ins and our examples. */
export function fixtureSchemas(): SelfDescribingSchema[] {
  standIns ??= [
    ...readSchemas(join(fixtures, "enrich/iglu")),
    ...readSchemas(join(fixtures, "iglu-resolver/registry")),
  ];
  return standIns;
}

/** A resolver over the fixtures, plus the schemas of `igluCentralDir` when given. */
export function testResolver(
  options: { igluCentralDir?: string | null; extra?: SelfDescribingSchema[] } = {},
): Resolver {
  const registries = [
    new InMemoryRegistry({ name: "Furrow fixtures", priority: 0, vendorPrefixes: [] }, [
      ...(options.extra ?? []),
      ...fixtureSchemas(),
    ]),
  ];
  if (options.igluCentralDir) {
    registries.push(
      new InMemoryRegistry(
        { name: "Iglu Central", priority: 1, vendorPrefixes: [] },
        readSchemas(options.igluCentralDir),
      ),
    );
  }
  return new Resolver(registries, { cacheSize: 1000 });
}
