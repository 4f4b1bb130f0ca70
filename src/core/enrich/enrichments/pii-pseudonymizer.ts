/**
 * @module
 * PII pseudonymization (`pii_enrichment_config` 2-0-*, Enrich's `PiiPseudonymizerEnrichment`).
 * Each configured field is replaced by `hex(hash(value + salt))`, the hash being one of MD2, MD5,
 * SHA-1, SHA-256, SHA-384 or SHA-512 (computed synchronously, see `message-digest.ts`).
 *
 * Fields are either atomic (`pojo`: the 18 string fields Enrich allows, such as `user_id` or
 * `user_ipaddress`; null values stay null) or inside JSON (`json`: in `contexts`, `derived_contexts`
 * or `unstruct_event`, the entities whose schema matches `schemaCriterion`, at `jsonPath`). At a
 * JSON location, as Enrich's Jayway map function does, a string is hashed, an array has its string
 * elements hashed, and any other value (number, object, null) is left alone.
 *
 * With `anonymousOnly`, only events sent with an `SP-Anonymous` header are pseudonymized. The
 * enrichment runs late (after the API, SQL and JavaScript enrichments), and rewrites the derived
 * contexts in place, so its outcome replaces them.
 *
 * `emitEvent` is accepted and ignored: Enrich 5 emitted a separate `pii_transformation` event, and
 * Enrich 6 no longer does.
 */
import type { SelfDescribingJson } from "../../event/enriched-event.ts";
import {
  criterionMatches,
  parseSchemaCriterion,
  type SchemaCriterion,
  schemaCriterion,
} from "../../iglu/schema-criterion.ts";
import { parseSchemaKey, type SchemaKey } from "../../iglu/schema-key.ts";
import { err, ok, type Result } from "../../result.ts";
import type {
  Enrichment,
  EnrichmentConfigError,
  EnrichmentFactory,
  EnrichmentInput,
  EnrichmentOutcome,
} from "../enrichment.ts";
import { compileJsonPath, type JsonPath, mapJsonPath } from "./json-path.ts";
import { type DigestAlgorithm, digestHex, parseDigestAlgorithm } from "./message-digest.ts";
import { ConfigReader, isJsonObject, NOTHING_ADDED } from "./parseable-enrichment.ts";

/** The atomic fields Enrich's `ScalarMutators` can pseudonymize. */
export const PII_POJO_FIELDS = [
  "user_id",
  "user_ipaddress",
  "user_fingerprint",
  "domain_userid",
  "network_userid",
  "ip_organization",
  "ip_domain",
  "tr_orderid",
  "ti_orderid",
  "mkt_term",
  "mkt_content",
  "se_category",
  "se_action",
  "se_label",
  "se_property",
  "mkt_clickid",
  "refr_domain_userid",
  "domain_sessionid",
] as const;

export type PiiPojoField = (typeof PII_POJO_FIELDS)[number];

/** Where a JSON field lives. */
export type PiiJsonEntity = "contexts" | "derived_contexts" | "unstruct_event";

export interface PiiJsonField {
  readonly entity: PiiJsonEntity;
  readonly criterion: SchemaCriterion;
  readonly jsonPath: JsonPath;
}

/** The parsed `pii_enrichment_config`. */
export interface PiiConfig {
  readonly schemaKey: SchemaKey;
  readonly pojo: readonly PiiPojoField[];
  readonly json: readonly PiiJsonField[];
  readonly hashFunction: DigestAlgorithm;
  readonly salt: string;
  readonly anonymousOnly: boolean;
  /** Parsed for compatibility; Enrich 6 emits nothing for it. */
  readonly emitEvent: boolean;
}

const criterion = schemaCriterion(
  "com.snowplowanalytics.snowplow.enrichments",
  "pii_enrichment_config",
  "jsonschema",
  2,
  0,
);
const reader = new ConfigReader("pii_enrichment_config");
const pojoFields: ReadonlySet<string> = new Set(PII_POJO_FIELDS);

function optionalFlag(
  data: Readonly<Record<string, unknown>>,
  name: string,
): Result<boolean, EnrichmentConfigError> {
  const v = data[name];
  if (v === undefined || v === null) return ok(false);
  if (typeof v === "boolean") return ok(v);
  return err(reader.error(name, `${name} must be a boolean`));
}

function parseField(
  entry: unknown,
  path: string,
): Result<PiiPojoField | PiiJsonField, EnrichmentConfigError> {
  if (!isJsonObject(entry) || (entry["pojo"] === undefined) === (entry["json"] === undefined)) {
    return err(
      reader.error(
        path,
        `PII Configuration: pii field does not include 'pojo' nor 'json' fields. Got: [${JSON.stringify(entry)}]`,
      ),
    );
  }
  const pojo = entry["pojo"];
  if (pojo !== undefined) {
    const field = isJsonObject(pojo) ? pojo["field"] : undefined;
    if (typeof field !== "string" || !pojoFields.has(field)) {
      return err(
        reader.error(`${path}.pojo.field`, `The specified pojo field ${String(field)} is not supported`),
      );
    }
    return ok(field as PiiPojoField);
  }
  const json = entry["json"];
  if (!isJsonObject(json))
    return err(reader.error(`${path}.json`, "Unable to extract PII JSON: json must be an object"));
  const entity = json["field"];
  if (entity !== "contexts" && entity !== "derived_contexts" && entity !== "unstruct_event") {
    return err(
      reader.error(`${path}.json.field`, `The specified json field ${String(entity)} is not supported`),
    );
  }
  const sc =
    typeof json["schemaCriterion"] === "string" ? parseSchemaCriterion(json["schemaCriterion"]) : null;
  if (sc === null || !sc.ok) {
    return err(
      reader.error(
        `${path}.json.schemaCriterion`,
        `Could not parse schema criterion ${String(json["schemaCriterion"])}`,
      ),
    );
  }
  const jp = typeof json["jsonPath"] === "string" ? compileJsonPath(json["jsonPath"]) : null;
  if (jp === null || !jp.ok) {
    return err(
      reader.error(
        `${path}.json.jsonPath`,
        `Unable to extract PII JSON: ${jp === null ? "jsonPath must be a string" : jp.error}`,
      ),
    );
  }
  return ok({ entity, criterion: sc.value, jsonPath: jp.value });
}

/** Parses Snowplow's `pii_enrichment_config`. */
export function parsePiiConfig(json: unknown): Result<PiiConfig, EnrichmentConfigError> {
  const config = reader.config(json, criterion);
  if (!config.ok) return config;
  const { data, schemaKey } = config.value;
  const entries = reader.at(data, ["parameters", "pii"]);
  if (!Array.isArray(entries)) return err(reader.error("parameters.pii", "parameters.pii must be an array"));
  const pojo: PiiPojoField[] = [];
  const jsonFields: PiiJsonField[] = [];
  for (const [i, entry] of entries.entries()) {
    const field = parseField(entry, `parameters.pii[${i}]`);
    if (!field.ok) return field;
    if (typeof field.value === "string") pojo.push(field.value);
    else jsonFields.push(field.value);
  }
  const fn = reader.string(data, ["parameters", "strategy", "pseudonymize", "hashFunction"]);
  if (!fn.ok) return fn;
  const hashFunction = parseDigestAlgorithm(fn.value);
  if (hashFunction === null) {
    return err(reader.error("parameters.strategy.pseudonymize.hashFunction", `Unknown function ${fn.value}`));
  }
  const salt = reader.string(data, ["parameters", "strategy", "pseudonymize", "salt"]);
  if (!salt.ok) return salt;
  const anonymousOnly = optionalFlag(data, "anonymousOnly");
  if (!anonymousOnly.ok) return anonymousOnly;
  const emitEvent = optionalFlag(data, "emitEvent");
  if (!emitEvent.ok) return emitEvent;
  return ok({
    schemaKey,
    pojo,
    json: jsonFields,
    hashFunction,
    salt: salt.value,
    anonymousOnly: anonymousOnly.value,
    emitEvent: emitEvent.value,
  });
}

/** Enrich's test for the header: any header line starting with `sp-anonymous`, in any case. */
export function hasAnonymousHeader(headers: readonly string[]): boolean {
  return headers.some((h) => h.toLowerCase().startsWith("sp-anonymous"));
}

class PiiPseudonymizerEnrichment implements Enrichment {
  readonly name = "pii_enrichment_config" as const;
  readonly schemaKey: SchemaKey;
  readonly #config: PiiConfig;
  readonly #byEntity: Readonly<Record<PiiJsonEntity, readonly PiiJsonField[]>>;

  constructor(config: PiiConfig) {
    this.schemaKey = config.schemaKey;
    this.#config = config;
    const of = (entity: PiiJsonEntity) => config.json.filter((f) => f.entity === entity);
    this.#byEntity = {
      contexts: of("contexts"),
      derived_contexts: of("derived_contexts"),
      unstruct_event: of("unstruct_event"),
    };
  }

  #scramble = (clear: string): string => digestHex(this.#config.hashFunction, clear + this.#config.salt);

  /** A JSON location's new value: strings hashed, string elements of arrays hashed, others kept. */
  #scrambleNode = (node: unknown): unknown => {
    if (typeof node === "string") return this.#scramble(node);
    if (Array.isArray(node)) return node.map((e) => (typeof e === "string" ? this.#scramble(e) : e));
    return node;
  };

  /** The entity with every matching locator applied, or the same object when none matches. */
  #transform(entity: SelfDescribingJson, fields: readonly PiiJsonField[]): SelfDescribingJson {
    if (fields.length === 0) return entity;
    const key = parseSchemaKey(entity.schema);
    if (!key.ok) return entity;
    let data = entity.data;
    let touched = false;
    for (const field of fields) {
      if (!criterionMatches(field.criterion, key.value)) continue;
      data = mapJsonPath(field.jsonPath, data, this.#scrambleNode);
      touched = true;
    }
    return touched ? { schema: entity.schema, data } : entity;
  }

  enrich({ event, raw, derivedContexts }: EnrichmentInput): EnrichmentOutcome {
    if (this.#config.anonymousOnly && !hasAnonymousHeader(raw.headers)) return NOTHING_ADDED;
    for (const field of this.#config.pojo) {
      const value = event[field];
      if (value !== null) event[field] = this.#scramble(value);
    }
    if (event.unstruct_event !== null) {
      event.unstruct_event = this.#transform(event.unstruct_event, this.#byEntity.unstruct_event);
    }
    if (this.#byEntity.contexts.length > 0) {
      event.contexts = event.contexts.map((c) => this.#transform(c, this.#byEntity.contexts));
    }
    if (this.#byEntity.derived_contexts.length === 0) return NOTHING_ADDED;
    return {
      kind: "enriched",
      contexts: derivedContexts.map((c) => this.#transform(c, this.#byEntity.derived_contexts)),
      replacesDerivedContexts: true,
    };
  }
}

/** The PII pseudonymizer enrichment. */
export const piiEnrichment: EnrichmentFactory = {
  name: "pii_enrichment_config",
  parse: parsePiiConfig,
  async create(parsed) {
    return ok(new PiiPseudonymizerEnrichment(parsed as PiiConfig));
  },
};
