/**
 * @module
 * The JavaScript enrichment (`javascript_script_config` 1-0-*, Enrich's
 * `JavascriptScriptEnrichment`): a user's script, base64url-encoded in `parameters.script`, defines
 * `process(event, params, headers)`; `params` is `parameters.config` (1-0-1, `{}` otherwise) and
 * `headers` the raw request's header lines. It returns an array of self-describing JSONs, added to
 * the derived contexts, or null. Through the event (see `javascript-event-bean.ts`) it can set
 * atomic fields, replace `contexts` and `unstruct_event`, `drop()` the event, or
 * `eraseDerived_contexts()` so that only its own contexts remain.
 *
 * The script runs in a sandbox from `deps.services.compileScript` (no filesystem, network, process
 * or host globals, and a time limit per event). A script that does not compile, or defines no
 * `process` function, fails start-up (Enrich 6's `exitOnJsCompileError`, on by default). At run
 * time a thrown exception, a time-out, a result that is not an array of self-describing JSONs, or a
 * value a setter cannot take fails the event with Enrich's messages (`Error during execution of
 * JavaScript function: […]`, `Resulting contexts are not self-desribing. …`). Several JavaScript
 * enrichments can be configured; each runs in its own sandbox.
 *
 * Deviations: `eval` and `new Function` are unavailable in the sandbox (Nashorn allowed them), and
 * Java classes cannot be reached (`jsAllowedJavaClasses` has no equivalent).
 */
import { simple } from "../../badrows/failure-message.ts";
import type { EnrichedEvent, SelfDescribingJson } from "../../event/enriched-event.ts";
import { enrichedFields, type FieldKind } from "../../event/enriched-event.ts";
import { canonicalDecimal } from "../../event/java-decimal.ts";
import { canonicalFloat } from "../../event/java-float.ts";
import { parseTimestamp } from "../../event/timestamp.ts";
import { schemaCriterion } from "../../iglu/schema-criterion.ts";
import type { SchemaKey } from "../../iglu/schema-key.ts";
import { parseSelfDescribingData } from "../../iglu/self-describing-data.ts";
import { err, ok, type Result } from "../../result.ts";
import { decodeBase64UrlText } from "../base64url.ts";
import type {
  Enrichment,
  EnrichmentConfigError,
  EnrichmentFactory,
  EnrichmentInput,
  EnrichmentOutcome,
  ScriptRunner,
} from "../enrichment.ts";
import { beanFields } from "./javascript-event-bean.ts";
import { ConfigReader } from "./parseable-enrichment.ts";

/** How long one call of `process` may take before the event fails. */
export const DEFAULT_SCRIPT_TIMEOUT_MS = 1000;

/** The parsed `javascript_script_config`. */
export interface JavascriptScriptConfig {
  readonly schemaKey: SchemaKey;
  /** The decoded script. */
  readonly script: string;
  /** `parameters.config`, passed to `process` as `params`. */
  readonly params: Readonly<Record<string, unknown>>;
}

const criterion = schemaCriterion(
  "com.snowplowanalytics.snowplow",
  "javascript_script_config",
  "jsonschema",
  1,
  0,
);
const reader = new ConfigReader("javascript_script_config");

/** Parses Snowplow's `javascript_script_config`, decoding the script. */
export function parseJavascriptScriptConfig(
  json: unknown,
): Result<JavascriptScriptConfig, EnrichmentConfigError> {
  const config = reader.config(json, criterion);
  if (!config.ok) return config;
  const { data, schemaKey } = config.value;
  const encoded = reader.string(data, ["parameters", "script"]);
  if (!encoded.ok) return encoded;
  // Commons Codec's lenient URL-safe base64, as Enrich decodes it.
  const script = decodeBase64UrlText(encoded.value);
  if (script.length === 0)
    return err(reader.error("parameters.script", "Provided script for JS enrichment is empty"));
  const params = reader.optionalObject(data, ["parameters", "config"]);
  if (!params.ok) return params;
  return ok({ schemaKey, script, params: params.value ?? {} });
}

const KINDS: ReadonlyMap<string, FieldKind> = new Map(enrichedFields.map((f) => [f.name, f.kind]));

const runError = (message: string) => simple(`Error during execution of JavaScript function: [${message}]`);

/** A JSON column's new value from the script's JSON string. */
function jsonColumn(kind: "contexts" | "unstruct", text: unknown): Result<unknown, string> {
  if (text === null) return ok(kind === "contexts" ? [] : null);
  if (typeof text !== "string") return err(`invalid ${kind} json`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return err(`invalid ${kind} json`);
  }
  const envelope = parseSelfDescribingData(json);
  if (!envelope.ok) return err(`invalid ${kind} json`);
  const entities = kind === "contexts" ? envelope.value.data : [envelope.value.data];
  if (!Array.isArray(entities) || !entities.every((e) => parseSelfDescribingData(e).ok))
    return err(`invalid ${kind} json`);
  const normalized = (entities as SelfDescribingJson[]).map((e) => ({ schema: e.schema, data: e.data }));
  return ok(kind === "contexts" ? normalized : normalized[0]);
}

/** The event's new value for a field the script set, checked against the field's kind. */
function fieldValue(kind: FieldKind, value: unknown): Result<unknown, string> {
  if (value === null || value === undefined) return ok(kind === "contexts" ? [] : null);
  switch (kind) {
    case "string":
      return typeof value === "string" ? ok(value === "" ? null : value) : err("not a string");
    case "int":
      return typeof value === "number" &&
        Number.isInteger(value) &&
        value >= -2147483648 &&
        value <= 2147483647
        ? ok(value)
        : err("not an int");
    case "float":
      return typeof value === "number" && Number.isFinite(value)
        ? ok(canonicalFloat(value))
        : err("not a float");
    case "decimal": {
      const decimal = canonicalDecimal(String(value));
      return decimal.ok ? decimal : err(decimal.error);
    }
    case "boolean":
      return value === 1 || value === 0 ? ok(value === 1) : err("not 0 or 1");
    case "timestamp": {
      if (typeof value !== "string") return err("not a timestamp");
      const ms = parseTimestamp(value);
      return ms.ok ? ms : err(ms.error);
    }
    case "contexts":
    case "unstruct":
      return jsonColumn(kind, value);
  }
}

class JavascriptScriptEnrichment implements Enrichment {
  readonly name = "javascript_script_config" as const;
  readonly schemaKey: SchemaKey;
  readonly #runner: ScriptRunner;
  readonly #params: Readonly<Record<string, unknown>>;

  constructor(config: JavascriptScriptConfig, runner: ScriptRunner) {
    this.schemaKey = config.schemaKey;
    this.#runner = runner;
    this.#params = config.params;
  }

  async enrich({ event, raw, derivedContexts }: EnrichmentInput): Promise<EnrichmentOutcome> {
    const before = beanFields(event, derivedContexts);
    const result = await this.#runner.run(before, this.#params, raw.headers);
    if (result.kind === "error") return { kind: "failed", messages: [simple(result.message)] };
    if (result.dropped) return { kind: "dropped" };

    // Apply what the setters changed, each value checked against its column.
    const updates: [keyof EnrichedEvent, unknown][] = [];
    for (const [name, value] of Object.entries(result.event)) {
      const kind = KINDS.get(name);
      if (
        kind === undefined ||
        name === "derived_contexts" ||
        JSON.stringify(value) === JSON.stringify(before[name])
      )
        continue;
      const converted = fieldValue(kind, value);
      if (!converted.ok)
        return {
          kind: "failed",
          messages: [runError(`set${name[0]!.toUpperCase()}${name.slice(1)}: ${converted.error}`)],
        };
      updates.push([name as keyof EnrichedEvent, converted.value]);
    }

    const contexts: SelfDescribingJson[] = [];
    const problems: string[] = [];
    for (const entity of result.contexts ?? []) {
      const parsed = parseSelfDescribingData(entity);
      if (parsed.ok)
        contexts.push({ schema: (entity as SelfDescribingJson).schema, data: parsed.value.data });
      else problems.push(`error code:[${parsed.error.code}],json:[${JSON.stringify(entity)}]`);
    }
    if (problems.length > 0) {
      return {
        kind: "failed",
        messages: [simple(`Resulting contexts are not self-desribing. Error(s): [${problems.join(";")}]`)],
      };
    }
    for (const [name, value] of updates) (event as unknown as Record<string, unknown>)[name] = value;
    return result.erasedDerivedContexts
      ? { kind: "enriched", contexts, replacesDerivedContexts: true }
      : { kind: "enriched", contexts };
  }

  close(): Promise<void> {
    return this.#runner.close();
  }
}

/**
 * The JavaScript enrichment with a given time limit per event.
 *
 * @example javascriptScriptEnrichmentWith({ timeoutMs: 250 })
 */
export function javascriptScriptEnrichmentWith(options: { readonly timeoutMs: number }): EnrichmentFactory {
  return {
    name: "javascript_script_config",
    parse: parseJavascriptScriptConfig,
    async create(parsed, deps) {
      const config = parsed as JavascriptScriptConfig;
      const compile = deps.services.compileScript;
      if (compile === undefined) {
        return err(reader.error("parameters.script", "this deployment offers no JavaScript sandbox"));
      }
      try {
        const runner = await compile(config.script, { timeoutMs: options.timeoutMs });
        return ok(new JavascriptScriptEnrichment(config, runner));
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        return err(reader.error("parameters.script", `Error compiling JavaScript function: [${message}]`));
      }
    },
  };
}

/** The JavaScript enrichment, with {@link DEFAULT_SCRIPT_TIMEOUT_MS} per event. */
export const javascriptScriptEnrichment: EnrichmentFactory = javascriptScriptEnrichmentWith({
  timeoutMs: DEFAULT_SCRIPT_TIMEOUT_MS,
});
