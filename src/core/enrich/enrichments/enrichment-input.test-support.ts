/**
 * @module
 * Builds the `EnrichmentInput` of one event for enrichment tests: an empty enriched event, a raw
 * event as the tp2 adapter would give it, and the derived contexts so far. Also the `EnrichmentDeps`
 * a test passes, with services and I/O it does not need left out (using one then fails loudly).
 */
import type { NVP, RawEvent } from "../../badrows/payload.ts";
import {
  type EnrichedEvent,
  emptyEnrichedEvent,
  type SelfDescribingJson,
} from "../../event/enriched-event.ts";
import type { EnrichmentDeps, EnrichmentInput, EnrichmentOutcome } from "../enrichment.ts";

export interface InputOptions {
  readonly event?: Partial<EnrichedEvent>;
  readonly parameters?: readonly NVP[];
  readonly headers?: readonly string[];
  readonly derivedContexts?: readonly SelfDescribingJson[];
  readonly encoding?: string;
}

/** One event's input, with `event` pre-filled from `options.event`. */
export function enrichmentInput(options: InputOptions = {}): EnrichmentInput {
  const event = Object.assign(emptyEnrichedEvent(), options.event ?? {});
  const parameters = options.parameters ?? [];
  const raw: RawEvent = {
    vendor: "com.snowplowanalytics.snowplow",
    version: "tp2",
    parameters,
    contentType: "application/json",
    loaderName: "ssc-3.2.0-kinesis",
    encoding: options.encoding ?? "UTF-8",
    hostname: "collector.example.com",
    timestamp: event.collector_tstamp === null ? null : new Date(event.collector_tstamp),
    ipAddress: event.user_ipaddress,
    useragent: event.useragent,
    refererUri: null,
    headers: options.headers ?? [],
    userId: null,
  };
  const byName = new Map<string, string | null>();
  for (const p of parameters) if (!byName.has(p.name)) byName.set(p.name, p.value);
  return { event, raw, parameters: byName, derivedContexts: options.derivedContexts ?? [] };
}

/** Deps whose every member throws unless given: a test states exactly what I/O it allows. */
export function testDeps(
  overrides: Partial<Omit<EnrichmentDeps, "services">> & Pick<Partial<EnrichmentDeps>, "services"> = {},
): EnrichmentDeps {
  const refuse = (what: string) => () => {
    throw new Error(`this test gives the enrichment no ${what}`);
  };
  return {
    loadAsset: overrides.loadAsset ?? refuse("assets"),
    fetch: overrides.fetch ?? (refuse("network") as unknown as typeof fetch),
    now: overrides.now ?? (() => Date.UTC(2024, 0, 15, 12, 0, 0)),
    services: overrides.services ?? {},
  };
}

/** The contexts of an `enriched` outcome; fails the test on anything else. */
export function contextsOf(outcome: EnrichmentOutcome): readonly SelfDescribingJson[] {
  if (outcome.kind !== "enriched")
    throw new Error(`expected an enriched outcome, got ${JSON.stringify(outcome)}`);
  return outcome.contexts;
}

/** The messages of a `failed` outcome; fails the test on anything else. */
export function failuresOf(outcome: EnrichmentOutcome): readonly unknown[] {
  if (outcome.kind !== "failed") throw new Error(`expected a failed outcome, got ${JSON.stringify(outcome)}`);
  return outcome.messages;
}
