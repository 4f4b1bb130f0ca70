/**
 * @module
 * The API request enrichment (`api_request_enrichment_config` 1-0-*, Enrich's
 * `apirequest.ApiRequestEnrichment`): calls an HTTP API with values from the event and attaches
 * parts of its JSON answer as derived contexts.
 *
 * Per event:
 * 1. Every input gives a value (see `lookup-input.ts`); if any is missing (an empty field, no
 *    matching context) the lookup is skipped. A JSON value becomes text as Enrich's `stringifyJson`
 *    makes it: strings as they are, arrays joined with `,`, objects as compact JSON.
 * 2. `{{key}}` (spaces allowed inside the braces) in `api.http.uri` is replaced by the value,
 *    form-encoded as Java's `URLEncoder` does (space as `+`). A placeholder left unfilled skips
 *    the lookup. POST and PUT send the values as a JSON object body.
 * 3. The request carries `content-type: application/json`, `accept: *\/*` and, with `httpBasic`,
 *    basic authentication; any non-2xx status is an error (`Request failed with status 404`).
 * 4. Each output's JSONPath is applied to the JSON answer; nothing found is an error. Each output
 *    becomes one context `{schema: output.schema, data: value}`, in the order of the outputs.
 *
 * Answers (and errors) are cached by URL and body (`cache.size`, `cache.ttl` seconds; errors for a
 * tenth of that, and a failed refresh serves the last good answer: see `caching-evaluator.ts`).
 * Any error fails the event unless `ignoreOnError` is set, in which case nothing is added.
 *
 * Differences from Enrich 6: `api.http.timeout` (milliseconds) is honoured per request (Enrich 6
 * ignores it in favour of its global HTTP client timeout); bad JSONPaths, output schemas and pojo
 * fields are start-up errors rather than per-event failures; and POST bodies keep the inputs'
 * order (Scala's `Map` orders more than four keys by hash).
 */
import { simple } from "../../badrows/failure-message.ts";
import type { SelfDescribingJson } from "../../event/enriched-event.ts";
import { schemaCriterion } from "../../iglu/schema-criterion.ts";
import { parseSchemaKey, type SchemaKey } from "../../iglu/schema-key.ts";
import { err, ok, type Result } from "../../result.ts";
import type {
  Enrichment,
  EnrichmentConfigError,
  EnrichmentDeps,
  EnrichmentFactory,
  EnrichmentInput,
  EnrichmentOutcome,
} from "../enrichment.ts";
import { CachingEvaluator } from "./caching-evaluator.ts";
import { compileJsonPath, type JsonPath, queryJsonPath } from "./json-path.ts";
import { type InputSource, jsonInputValue, parseInputSource, pojoText, wrapArray } from "./lookup-input.ts";
import { ConfigReader, isJsonObject, type LookupPolicy, NOTHING_ADDED } from "./parseable-enrichment.ts";

export interface ApiRequestInput {
  readonly key: string;
  readonly source: InputSource;
}

export interface ApiRequestOutput {
  readonly schema: string;
  readonly jsonPath: JsonPath;
}

/** The parsed `api_request_enrichment_config`. */
export interface ApiRequestConfig extends LookupPolicy {
  readonly schemaKey: SchemaKey;
  readonly inputs: readonly ApiRequestInput[];
  readonly method: "GET" | "POST" | "PUT";
  readonly uri: string;
  /** Milliseconds. */
  readonly timeout: number;
  readonly basicAuth: { readonly username: string; readonly password: string } | null;
  readonly outputs: readonly ApiRequestOutput[];
}

const criterion = schemaCriterion(
  "com.snowplowanalytics.snowplow.enrichments",
  "api_request_enrichment_config",
  "jsonschema",
  1,
  0,
);
const reader = new ConfigReader("api_request_enrichment_config");
const KEY = /^[A-Za-z0-9_-]+$/;

/** Parses Snowplow's `api_request_enrichment_config`. */
export function parseApiRequestConfig(json: unknown): Result<ApiRequestConfig, EnrichmentConfigError> {
  const config = reader.config(json, criterion);
  if (!config.ok) return config;
  const { data, schemaKey } = config.value;

  const rawInputs = reader.at(data, ["parameters", "inputs"]);
  if (!Array.isArray(rawInputs))
    return err(reader.error("parameters.inputs", "parameters.inputs must be an array"));
  const inputs: ApiRequestInput[] = [];
  for (const [i, entry] of rawInputs.entries()) {
    const path = `parameters.inputs[${i}]`;
    if (!isJsonObject(entry) || typeof entry["key"] !== "string" || !KEY.test(entry["key"])) {
      return err(reader.error(`${path}.key`, "each input needs a key of letters, digits, '_' or '-'"));
    }
    const source = parseInputSource(entry);
    if (!source.ok) return err(reader.error(`${path}.${source.error.path}`, source.error.message));
    inputs.push({ key: entry["key"], source: source.value });
  }

  const http = ["parameters", "api", "http"];
  const method = reader.string(data, [...http, "method"]);
  if (!method.ok) return method;
  if (method.value !== "GET" && method.value !== "POST" && method.value !== "PUT") {
    return err(
      reader.error("parameters.api.http.method", `method must be GET, POST or PUT, got ${method.value}`),
    );
  }
  const uri = reader.string(data, [...http, "uri"]);
  if (!uri.ok) return uri;
  const timeout = reader.integer(data, [...http, "timeout"], 1);
  if (!timeout.ok) return timeout;
  const basic = reader.at(data, [...http, "authentication", "httpBasic"]);
  let basicAuth: ApiRequestConfig["basicAuth"] = null;
  if (isJsonObject(basic)) {
    const username = basic["username"];
    const password = basic["password"];
    if (
      (username !== undefined && typeof username !== "string") ||
      (password !== undefined && typeof password !== "string")
    ) {
      return err(
        reader.error("parameters.api.http.authentication.httpBasic", "username and password must be strings"),
      );
    }
    // Enrich sends basic authentication when either is given, the other as "".
    if (username !== undefined || password !== undefined)
      basicAuth = { username: username ?? "", password: password ?? "" };
  }

  const rawOutputs = reader.at(data, ["parameters", "outputs"]);
  if (!Array.isArray(rawOutputs) || rawOutputs.length === 0) {
    return err(reader.error("parameters.outputs", "parameters.outputs must be a non-empty array"));
  }
  const outputs: ApiRequestOutput[] = [];
  for (const [i, entry] of rawOutputs.entries()) {
    const path = `parameters.outputs[${i}]`;
    const schema = isJsonObject(entry) ? entry["schema"] : undefined;
    if (typeof schema !== "string" || !parseSchemaKey(schema).ok) {
      return err(reader.error(`${path}.schema`, `${JSON.stringify(schema)} is not an Iglu schema URI`));
    }
    const jp = isJsonObject(entry) && isJsonObject(entry["json"]) ? entry["json"]["jsonPath"] : undefined;
    const compiled = typeof jp === "string" ? compileJsonPath(jp) : null;
    if (compiled === null || !compiled.ok) {
      return err(
        reader.error(
          `${path}.json.jsonPath`,
          compiled === null ? "each output needs json.jsonPath" : compiled.error,
        ),
      );
    }
    outputs.push({ schema, jsonPath: compiled.value });
  }

  const policy = reader.lookupPolicy(data);
  if (!policy.ok) return policy;
  return ok({
    schemaKey,
    inputs,
    method: method.value,
    uri: uri.value,
    timeout: timeout.value,
    basicAuth,
    outputs,
    ...policy.value,
  });
}

/** Enrich's `stringifyJson`: how a JSON input value is written into a URL. */
export function stringifyJson(json: unknown): string {
  if (typeof json === "string") return json;
  if (Array.isArray(json)) return json.map(stringifyJson).join(",");
  if (json !== null && typeof json === "object") return JSON.stringify(json);
  return String(json);
}

const utf8 = new TextEncoder();

/** Java's `URLEncoder.encode(text, "UTF-8")`: form encoding, `*-._` and alphanumerics kept. */
export function javaUrlEncode(text: string): string {
  let out = "";
  for (const byte of utf8.encode(text)) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9.*_-]/.test(c)) out += c;
    else if (byte === 0x20) out += "+";
    else out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** The URL with every `{{ key }}` replaced, or null when a placeholder (any brace) is left. */
export function buildUrl(template: string, values: ReadonlyMap<string, string>): string | null {
  let url = template;
  for (const [key, value] of values) {
    if (!KEY.test(key)) continue;
    const encoded = javaUrlEncode(value);
    url = url.replace(new RegExp(`\\{\\{ *${key} *\\}\\}`, "g"), () => encoded);
  }
  return url.includes("{") || url.includes("}") ? null : url;
}

function encodeBasic(username: string, password: string): string {
  let binary = "";
  for (const byte of utf8.encode(`${username}:${password}`)) binary += String.fromCharCode(byte);
  return `Basic ${btoa(binary)}`;
}

class ApiRequestEnrichment implements Enrichment {
  readonly name = "api_request_enrichment_config" as const;
  readonly schemaKey: SchemaKey;
  readonly #config: ApiRequestConfig;
  readonly #fetch: typeof fetch;
  readonly #cache: CachingEvaluator<unknown>;

  constructor(config: ApiRequestConfig, deps: EnrichmentDeps) {
    this.schemaKey = config.schemaKey;
    this.#config = config;
    this.#fetch = deps.fetch;
    this.#cache = new CachingEvaluator(config.cache, deps.now);
  }

  /** The template values, or null when one input has no value (the lookup is skipped). */
  #templateValues({ event, derivedContexts }: EnrichmentInput): Map<string, string> | null {
    const values = new Map<string, string>();
    for (const { key, source } of this.#config.inputs) {
      let text: string | null;
      if (source.kind === "pojo") {
        text = pojoText(event, source.field, source.fieldKind);
      } else {
        const value = jsonInputValue(source, event, derivedContexts);
        text = value === undefined ? null : stringifyJson(value);
      }
      if (text === null) return null;
      values.set(key, text);
    }
    return values;
  }

  enrich(input: EnrichmentInput): EnrichmentOutcome | Promise<EnrichmentOutcome> {
    const values = this.#templateValues(input);
    if (values === null) return NOTHING_ADDED;
    const url = buildUrl(this.#config.uri, values);
    if (url === null) return NOTHING_ADDED;
    const body = this.#config.method === "GET" ? null : JSON.stringify(Object.fromEntries(values));
    return this.#lookup(url, body);
  }

  async #lookup(url: string, body: string | null): Promise<EnrichmentOutcome> {
    const answer = await this.#cache.evaluate(`${url}\n${body ?? ""}`, () => this.#call(url, body));
    const contexts: SelfDescribingJson[] = [];
    const errors: string[] = [];
    for (const output of this.#config.outputs) {
      if (!answer.ok) {
        errors.push(answer.error);
        continue;
      }
      const found = wrapArray(queryJsonPath(output.jsonPath, answer.value));
      if (Array.isArray(found) && found.length === 0) {
        errors.push(
          `API Request enrichment:Value not found Error: no values were found by JSON Path [${output.jsonPath.text}] in [${JSON.stringify(answer.value)}]`,
        );
        continue;
      }
      contexts.push({ schema: output.schema, data: found });
    }
    if (errors.length === 0) return { kind: "enriched", contexts };
    if (this.#config.ignoreOnError) return NOTHING_ADDED;
    return { kind: "failed", messages: errors.map((e) => simple(e)) };
  }

  async #call(url: string, body: string | null): Promise<Result<unknown, string>> {
    const headers: Record<string, string> = { "content-type": "application/json", accept: "*/*" };
    const auth = this.#config.basicAuth;
    if (auth !== null) headers["authorization"] = encodeBasic(auth.username, auth.password);
    let text: string;
    try {
      const response = await this.#fetch(url, {
        method: this.#config.method,
        headers,
        ...(body === null ? {} : { body }),
        signal: AbortSignal.timeout(this.#config.timeout),
      });
      if (!response.ok) {
        await response.body?.cancel();
        return err(`Request failed with status ${response.status}`);
      }
      text = await response.text();
    } catch (e) {
      const error = e as Error;
      if (error.name === "TimeoutError")
        return err(`Request timed out after ${this.#config.timeout} ms: ${url}`);
      return err(error.message);
    }
    try {
      return ok(JSON.parse(text));
    } catch (e) {
      return err(`API response is not JSON: ${(e as Error).message}`);
    }
  }
}

/** The api_request enrichment (failures are Enrich's `api-request`). */
export const apiRequestEnrichment: EnrichmentFactory = {
  name: "api_request_enrichment_config",
  parse: parseApiRequestConfig,
  async create(parsed, deps) {
    return ok(new ApiRequestEnrichment(parsed as ApiRequestConfig, deps));
  },
};
