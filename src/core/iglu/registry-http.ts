/**
 * @module
 * An HTTP registry: a static Iglu site or an Iglu Server (configured as `http://host/api`), read with
 * `fetch`. Schemas are at `{uri}/schemas/{vendor}/{name}/{format}/{M-R-A}` and lists at
 * `{uri}/schemas/{vendor}/{name}/jsonschema/{model}`; the `apikey` header is sent when configured.
 *
 * Responses map onto RegistryErrors as iglu-scala-client's http4s lookup maps them
 * (`Http4sRegistryLookup.runRequest`), messages included, since bad rows carry them:
 * - 2xx: the body as JSON; a body that does not decode is a ClientFailure;
 * - 404: NotFound;
 * - 5xx: RepoFailure `Unexpected server response: {body}`;
 * - any other 4xx: ClientFailure `Unexpected response code: {status}` (no body, to keep bad rows
 *   free of entropy, iglu-scala-client #262);
 * - anything else: ClientFailure `Unexpected response: {body}`.
 * A connection failure or a timeout is a RepoFailure (the JavaNet lookup's mapping): the registry
 * may come back, and the resolver's backoff decides when to ask again.
 */
import { err, ok, type Result } from "../result.ts";
import type { RegistryError } from "./client-error.ts";
import {
  clientFailure,
  notFound,
  parseSchemaList,
  type Registry,
  type RegistryRef,
  repoFailure,
  type SchemaList,
} from "./registry.ts";
import { type Clock, systemClock } from "./resolver-clock.ts";
import { type SchemaKey, schemaKeyPath } from "./schema-key.ts";

/** `connection.http` of a resolver config repository. */
export interface HttpConnection {
  readonly uri: string;
  readonly apikey: string | null;
}

/**
 * How many times to repeat a request that failed for a reason that may pass, and the longest wait
 * between attempts. Enrich configures `iglu { maxRetry = 2, maxWait = 1 second }`.
 */
export interface HttpRetry {
  readonly maxRetry: number;
  readonly maxWaitMs: number;
}

/** The part of `fetch` a registry uses; any WHATWG `fetch` fits. */
export type Fetch = (url: string, init: RequestInit) => Promise<Response>;

/** Injected dependencies and limits of an HTTP registry. */
export interface HttpRegistryOptions {
  /** Defaults to the global `fetch`. */
  readonly fetch?: Fetch;
  /**
   * Deadline of one attempt, headers and body included. Defaults to 5000 ms: `fetch` has a single
   * deadline, so this is Snowplow's 1 s connect plus 4 s read timeouts.
   */
  readonly timeoutMs?: number;
  /** Defaults to no retries: the resolver's cache already backs off between lookups. */
  readonly retry?: HttpRetry;
  /** Waits between retries. Defaults to the system clock. */
  readonly clock?: Clock;
}

/** Statuses http4s's `RetryPolicy` retries for an idempotent request. */
const retriableStatuses = new Set([408, 429, 502, 503, 504]);

/** http4s `RetryPolicy.exponentialBackoff`: 1 s, 3 s, 7 s, … (2^k − 1 seconds), capped. */
export function retryDelayMs(attempt: number, maxWaitMs: number): number {
  return Math.min((2 ** attempt - 1) * 1000, maxWaitMs);
}

type Outcome =
  | { readonly kind: "response"; readonly status: number; readonly body: string | null }
  | { readonly kind: "failure"; readonly error: RegistryError };

const message = (e: unknown): string => (e instanceof Error && e.message !== "" ? e.message : String(e));

/** A registry behind a base URI (class priority 100). */
export class HttpRegistry implements Registry {
  readonly kind = "Http" as const;
  readonly name: string;
  readonly priority: number;
  readonly vendorPrefixes: readonly string[];
  readonly location: string;
  readonly #base: string;
  readonly #headers: Readonly<Record<string, string>>;
  readonly #fetch: Fetch;
  readonly #timeoutMs: number;
  readonly #retry: HttpRetry;
  readonly #clock: Clock;

  constructor(ref: RegistryRef, connection: HttpConnection, options: HttpRegistryOptions = {}) {
    this.name = ref.name;
    this.priority = ref.priority;
    this.vendorPrefixes = [...ref.vendorPrefixes];
    this.location = connection.uri;
    // `stripSuffix("/")`: one trailing slash goes, so `http://host/api/` works like `http://host/api`.
    this.#base = connection.uri.endsWith("/") ? connection.uri.slice(0, -1) : connection.uri;
    this.#headers = connection.apikey === null ? {} : { apikey: connection.apikey };
    this.#fetch = options.fetch ?? ((url, init) => fetch(url, init));
    this.#timeoutMs = options.timeoutMs ?? 5000;
    this.#retry = options.retry ?? { maxRetry: 0, maxWaitMs: 0 };
    this.#clock = options.clock ?? systemClock;
  }

  /** The URL of a schema. */
  schemaUrl(key: SchemaKey): string {
    return `${this.#base}/schemas/${schemaKeyPath(key)}`;
  }

  /** The URL of a schema list. */
  listUrl(vendor: string, name: string, model: number): string {
    return `${this.#base}/schemas/${vendor}/${name}/jsonschema/${model}`;
  }

  async lookup(key: SchemaKey): Promise<Result<unknown, RegistryError>> {
    return this.#getJson(this.schemaUrl(key));
  }

  async list(vendor: string, name: string, model: number): Promise<Result<SchemaList, RegistryError>> {
    const json = await this.#getJson(this.listUrl(vendor, name, model));
    if (!json.ok) return json;
    const list = parseSchemaList(json.value);
    return list.ok ? list : err(clientFailure(`Could not decode server response. ${list.error}`));
  }

  async #getJson(url: string): Promise<Result<unknown, RegistryError>> {
    let outcome = await this.#attempt(url);
    for (let k = 1; k <= this.#retry.maxRetry && retriable(outcome); k++) {
      await this.#clock.sleep(retryDelayMs(k, this.#retry.maxWaitMs));
      outcome = await this.#attempt(url);
    }
    if (outcome.kind === "failure") return err(outcome.error);
    const { status, body } = outcome;
    if (status >= 200 && status <= 299) {
      try {
        return ok(JSON.parse(body ?? ""));
      } catch (e) {
        return err(clientFailure(`Could not decode server response. ${message(e)}`));
      }
    }
    if (status === 404) return err(notFound);
    if (status >= 500 && status <= 599) return err(repoFailure(`Unexpected server response: ${body ?? ""}`));
    if (status >= 400 && status <= 499) return err(clientFailure(`Unexpected response code: ${status}`));
    return err(clientFailure(`Unexpected response: ${body ?? ""}`));
  }

  /** One request under the deadline. The body is read only when a mapping needs it. */
  async #attempt(url: string): Promise<Outcome> {
    const abort = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      abort.abort();
    }, this.#timeoutMs);
    try {
      const response = await this.#fetch(url, { headers: this.#headers, signal: abort.signal });
      const { status } = response;
      const needsBody = !(status === 404 || (status >= 400 && status <= 499));
      if (!needsBody) {
        // Nothing in the body matters; release the connection (a failed cancel changes nothing).
        await response.body?.cancel().catch(() => undefined);
        return { kind: "response", status, body: null };
      }
      return { kind: "response", status, body: await response.text() };
    } catch (e) {
      const why = timedOut ? `Request timed out after ${this.#timeoutMs} ms` : message(e);
      return { kind: "failure", error: repoFailure(why) };
    } finally {
      clearTimeout(timer);
    }
  }
}

function retriable(outcome: Outcome): boolean {
  return outcome.kind === "failure" || retriableStatuses.has(outcome.status);
}
