/**
 * @module
 * Validations per second of a typical context through the Iglu resolver (schema cached, validator
 * compiled) against a bare compiled ajv draft-04 validator, in the same process. Two contexts from
 * fixtures/iglu-resolver: `page_context` (`{id: uuid}`, shaped like Snowplow's web_page) and
 * `product_context` (ten fields of the usual kinds). The resolver is measured twice: through
 * `validateCached`, the synchronous hot path, and through `await validate`, which adds a promise.
 *
 * Run: `bun bench/iglu-resolver.ts [seconds per side and context, default 2]`
 */
import { fileURLToPath } from "node:url";
import Ajv from "ajv-draft-04";
import addFormats from "ajv-formats";
import { fileSystemSource } from "../src/adapters/iglu/file-system-source.ts";
import { EmbeddedRegistry } from "../src/core/iglu/registry-embedded.ts";
import { Resolver } from "../src/core/iglu/resolver.ts";
import { parseSchemaKey } from "../src/core/iglu/schema-key.ts";
import type { SelfDescribingData } from "../src/core/iglu/self-describing-data.ts";
import { schemaBody } from "../src/core/iglu/self-describing-schema.ts";

const seconds = Number(process.argv[2] ?? 2);
const ROUNDS = 5;
const BATCH = 256;

const root = fileURLToPath(new URL("../fixtures/iglu-resolver/registry", import.meta.url));
const registry = new EmbeddedRegistry(
  { name: "Fixtures", priority: 0, vendorPrefixes: [] },
  root,
  fileSystemSource(),
);
const resolver = new Resolver([registry], { cacheSize: 500, cacheTtlSeconds: 600 });

const contexts: { name: string; sdd: SelfDescribingData }[] = [
  {
    name: "page_context (1 field)",
    sdd: {
      schema: key("iglu:com.furrow.example/page_context/jsonschema/1-0-0"),
      data: { id: "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d" },
    },
  },
  {
    name: "product_context (10 fields)",
    sdd: {
      schema: key("iglu:com.furrow.example/product_context/jsonschema/1-0-0"),
      data: {
        sku: "SKU-1234-XL",
        name: "Waxed cotton jacket",
        category: "outerwear",
        price: 189.5,
        currency: "EUR",
        quantity: 2,
        in_stock: true,
        tags: ["new", "autumn", "waterproof"],
        variant: "large",
        added_at: "2024-06-01T12:34:56.789Z",
      },
    },
  },
];

function key(uri: string) {
  const parsed = parseSchemaKey(uri);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

/** ajv as SchemaValidator configures it, compiled once: the floor the resolver is measured against. */
async function bareValidator(sdd: SelfDescribingData): Promise<(data: unknown) => boolean> {
  const schema = await resolver.lookupSchema(sdd.schema);
  if (!schema.ok) throw new Error(JSON.stringify(schema.error));
  const ajv = new Ajv({
    strict: false,
    allErrors: true,
    logger: false,
    addUsedSchema: false,
    unicodeRegExp: false,
  });
  addFormats(ajv);
  const fn = ajv.compile(schemaBody(schema.value as Record<string, unknown>));
  return (data) => fn(data);
}

/** Calls per second of a synchronous `fn` over about `ms` milliseconds. */
function rate(fn: () => boolean, ms: number): number {
  let valid = 0;
  let calls = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < BATCH; i++) if (fn()) valid += 1;
    calls += BATCH;
    now = performance.now();
  }
  if (valid !== calls) throw new Error("a validation failed: the sides are not doing the same work");
  return calls / ((now - start) / 1000);
}

/** Calls per second of an awaited `fn` over about `ms` milliseconds. */
async function rateAsync(fn: () => Promise<boolean>, ms: number): Promise<number> {
  let valid = 0;
  let calls = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < BATCH; i++) if (await fn()) valid += 1;
    calls += BATCH;
    now = performance.now();
  }
  if (valid !== calls) throw new Error("a validation failed: the sides are not doing the same work");
  return calls / ((now - start) / 1000);
}

const rows: Record<string, string>[] = [];
for (const { name, sdd } of contexts) {
  const bare = await bareValidator(sdd);
  const first = await resolver.validate(sdd);
  if (!first.ok) throw new Error(JSON.stringify(first.error));
  const cached = () => resolver.validateCached(sdd)?.ok === true;
  const awaited = async () => (await resolver.validate(sdd)).ok;
  const ajvAlone = () => bare(sdd.data);

  // Warm up, then take the best of interleaved rounds, so a burst of load on a shared machine
  // does not land on one side only.
  rate(ajvAlone, seconds * 100);
  rate(cached, seconds * 100);
  await rateAsync(awaited, seconds * 100);
  const best = { ajv: 0, cached: 0, awaited: 0 };
  const slice = (seconds * 1000) / ROUNDS;
  for (let round = 0; round < ROUNDS; round++) {
    best.ajv = Math.max(best.ajv, rate(ajvAlone, slice));
    best.cached = Math.max(best.cached, rate(cached, slice));
    best.awaited = Math.max(best.awaited, await rateAsync(awaited, slice));
  }
  const fmt = (n: number) => `${(n / 1e6).toFixed(2)}M/s`;
  rows.push({
    context: name,
    "ajv alone": fmt(best.ajv),
    "resolver validateCached": fmt(best.cached),
    "cached / ajv": (best.cached / best.ajv).toFixed(2),
    "resolver await validate": fmt(best.awaited),
    "awaited / ajv": (best.awaited / best.ajv).toFixed(2),
  });
}

console.log(
  `Iglu resolver vs bare ajv (draft-04), ${typeof Bun === "undefined" ? "Node" : `Bun ${Bun.version}`}`,
);
console.table(rows);
