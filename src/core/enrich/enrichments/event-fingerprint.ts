/**
 * @module
 * The event fingerprint enrichment (`event_fingerprint_config` 1-0-*, Enrich's
 * `EventFingerprintEnrichment.scala`): sets event_fingerprint to the hex digest of the raw
 * parameters, so that a tracker's retry of the same event gets the same fingerprint.
 *
 * The digested text is `name␟value␟` (␟ = U+001F) for every parameter with a value, sorted by name
 * (Java string order, which is JavaScript's UTF-16 order), except the excluded ones, encoded as
 * UTF-8 (commons-codec `DigestUtils.*Hex(String)`). Digests are computed synchronously
 * (`message-digest.ts`), since Web Crypto's are asynchronous and lack MD5.
 */
import type { NVP } from "../../badrows/payload.ts";
import { schemaCriterion } from "../../iglu/schema-criterion.ts";
import type { SchemaKey } from "../../iglu/schema-key.ts";
import { err, ok, type Result } from "../../result.ts";
import type { Enrichment, EnrichmentConfigError, EnrichmentFactory, EnrichmentInput } from "../enrichment.ts";
import { type DigestAlgorithm, digestHex } from "./message-digest.ts";
import { ConfigReader, NOTHING_ADDED } from "./parseable-enrichment.ts";

/** The algorithms Enrich accepts, by their config names, and the digest each names. */
export const FINGERPRINT_ALGORITHMS = {
  MD5: "MD5",
  SHA1: "SHA-1",
  SHA256: "SHA-256",
  SHA384: "SHA-384",
  SHA512: "SHA-512",
} as const satisfies Record<string, DigestAlgorithm>;

export type FingerprintAlgorithm = keyof typeof FINGERPRINT_ALGORITHMS;

/** The parsed `event_fingerprint_config` config. */
export interface EventFingerprintConfig {
  readonly schemaKey: SchemaKey;
  readonly hashAlgorithm: FingerprintAlgorithm;
  readonly excludeParameters: readonly string[];
}

const criterion = schemaCriterion(
  "com.snowplowanalytics.snowplow",
  "event_fingerprint_config",
  "jsonschema",
  1,
  0,
);
const reader = new ConfigReader("event_fingerprint_config");

/** Parses Snowplow's `event_fingerprint_config` config. */
export function parseEventFingerprintConfig(
  json: unknown,
): Result<EventFingerprintConfig, EnrichmentConfigError> {
  const config = reader.config(json, criterion);
  if (!config.ok) return config;
  const { data, schemaKey } = config.value;
  const excluded = reader.strings(data, ["parameters", "excludeParameters"]);
  if (!excluded.ok) return excluded;
  const algorithm = reader.string(data, ["parameters", "hashAlgorithm"]);
  if (!algorithm.ok) return algorithm;
  if (!Object.hasOwn(FINGERPRINT_ALGORITHMS, algorithm.value)) {
    return err(
      reader.error(
        "parameters.hashAlgorithm",
        `[${algorithm.value}] is not a supported event fingerprint generation algorithm`,
      ),
    );
  }
  return ok({
    schemaKey,
    hashAlgorithm: algorithm.value as FingerprintAlgorithm,
    excludeParameters: excluded.value,
  });
}

const UNIT_SEPARATOR = "\u001f";
const utf8 = new TextEncoder();

/** The text Enrich digests for these parameters. */
export function fingerprintText(
  parameters: ReadonlyMap<string, string | null>,
  excluded: ReadonlySet<string>,
): string {
  const names: string[] = [];
  for (const [name, value] of parameters) if (value !== null && !excluded.has(name)) names.push(name);
  // The default sort compares UTF-16 code units, as Java's String.compareTo does.
  names.sort();
  let text = "";
  for (const name of names) text += name + UNIT_SEPARATOR + parameters.get(name) + UNIT_SEPARATOR;
  return text;
}

/** Up to this many parameters are sorted in place, by insertion; a longer list goes through a map. */
const INSERTION_SORT_LIMIT = 64;

/**
 * `fingerprintText` of the raw event's parameters (the first value of a name wins, as in the
 * pipeline's map), without building that map: a tracker sends 20 to 40 parameters, and sorting
 * their indices by insertion costs less than hashing every name into a `Map` first.
 */
export function fingerprintTextOfPairs(pairs: readonly NVP[], excluded: ReadonlySet<string>): string {
  if (pairs.length > INSERTION_SORT_LIMIT) {
    const byName = new Map<string, string | null>();
    for (const p of pairs) if (!byName.has(p.name)) byName.set(p.name, p.value);
    return fingerprintText(byName, excluded);
  }
  // Stable: equal names keep their order, so the first of each run is the name's first occurrence.
  const order: number[] = [];
  for (let i = 0; i < pairs.length; i++) {
    const name = pairs[i]!.name;
    let j = i;
    order.push(i);
    while (j > 0 && pairs[order[j - 1]!]!.name > name) {
      order[j] = order[j - 1]!;
      j--;
    }
    order[j] = i;
  }
  let text = "";
  let previous: string | undefined;
  for (let k = 0; k < order.length; k++) {
    const { name, value } = pairs[order[k]!]!;
    if (name === previous) continue;
    previous = name;
    if (value !== null && !excluded.has(name)) text += name + UNIT_SEPARATOR + value + UNIT_SEPARATOR;
  }
  return text;
}

class EventFingerprintEnrichment implements Enrichment {
  readonly name = "event_fingerprint_config" as const;
  readonly #excluded: ReadonlySet<string>;
  readonly #digest: DigestAlgorithm;

  constructor(
    readonly schemaKey: SchemaKey,
    algorithm: FingerprintAlgorithm,
    excluded: readonly string[],
  ) {
    this.#excluded = new Set(excluded);
    this.#digest = FINGERPRINT_ALGORITHMS[algorithm];
  }

  enrich({ event, raw }: EnrichmentInput) {
    event.event_fingerprint = digestHex(
      this.#digest,
      utf8.encode(fingerprintTextOfPairs(raw.parameters, this.#excluded)),
    );
    return NOTHING_ADDED;
  }
}

/** The event fingerprint enrichment. */
export const eventFingerprintEnrichment: EnrichmentFactory = {
  name: "event_fingerprint_config",
  parse: parseEventFingerprintConfig,
  async create(parsed) {
    const c = parsed as EventFingerprintConfig;
    return ok(new EventFingerprintEnrichment(c.schemaKey, c.hashAlgorithm, c.excludeParameters));
  },
};
