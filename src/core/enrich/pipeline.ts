/**
 * @module
 * The enrich pipeline (Enrich's `EtlPipeline` and `EnrichmentManager.enrichEvent`): one raw-stream
 * record in; enriched events, bad rows and (optionally) failed events out.
 *
 * 1. The Thrift record is loaded (collector_payload_format_violation on failure) and its adapter
 *    turns it into raw events (adapter_failures / tracker_protocol_violations).
 * 2. Each raw event runs three phases:
 *    - phase 1: defaults (event_id, v_collector, v_etl, etl_tstamp, network_userid,
 *      user_ipaddress, useragent, collector_tstamp), the parameter mapping, and Iglu validation of
 *      the unstructured event and contexts (invalid contexts are dropped one by one);
 *    - phase 2: the v_collector check, page URI, derived_tstamp, then the configured enrichments in
 *      Enrich's order with the built-in steps between them (`refr_url*` before referer_parser, the
 *      `_sp` fields at cross_navigation, the schema fields after YAUAA); each enrichment's contexts
 *      are put in front of those before, as Enrich prepends them;
 *    - phase 3: derived contexts validated (invalid ones dropped), atomic field lengths checked,
 *      and the unstructured event and contexts validated again if the JavaScript enrichment changed
 *      them.
 * 3. Outcome: phase-1 errors make a schema_violations row; else phase-2 errors an
 *    enrichment_failures row; else phase-3 errors a schema_violations row; else the event is good.
 *    A bad event's derived_contexts start with one `failure` entity per error; with `emitFailed`
 *    the cleaned event also goes to the failed output (Enrich 6.x's failed-events stream). A
 *    JavaScript `drop()` discards the event.
 *
 * The common path is synchronous: schemas come from the resolver's cache, and only enrichments
 * and lookups that return a promise are awaited.
 */
import { type BadRow, enrichmentFailures, genericError, schemaViolations } from "../badrows/bad-row.ts";
import {
  type EnrichmentFailure,
  enrichmentFailure,
  enrichmentInformation,
  inputData,
  simple,
} from "../badrows/failure-message.ts";
import type { RawEvent } from "../badrows/payload.ts";
import type { Processor } from "../badrows/processor.ts";
import { type EnrichedEvent, emptyEnrichedEvent, type SelfDescribingJson } from "../event/enriched-event.ts";
import { maxTimestamp, minTimestamp } from "../event/timestamp.ts";
import { makeTsvSafe } from "../event/tsv-safe.ts";
import type { NonEmpty } from "../iglu/client-error.ts";
import type { Resolver } from "../iglu/resolver.ts";
import { encodeBase64 } from "../thrift/base64.ts";
import { AdapterRegistry } from "./adapters/registry.ts";
import {
  type AtomicError,
  type AtomicFieldLimits,
  atomicFieldLimits,
  atomicViolation,
  checkFieldLengths,
  parseError,
} from "./atomic-fields.ts";
import { setDerivedTimestamp, setSchemaFields } from "./derived-fields.ts";
import {
  ENRICHMENT_ORDER,
  type Enrichment,
  type EnrichmentInput,
  type EnrichmentName,
  type EnrichmentOutcome,
} from "./enrichment.ts";
import { applyCrossDomain } from "./enrichments/cross-navigation.ts";
import {
  type EventFailure,
  enrichmentFailureOf,
  failureEntity,
  type SchemaViolationFailure,
  schemaFailure,
} from "./event-failure.ts";
import {
  IgluUnavailableError,
  type InputValidation,
  type ValidSdj,
  validateContexts,
  validateEntities,
  validateUnstructEvent,
} from "./iglu-validation.ts";
import { compactJson, DEFAULT_MAX_JSON_DEPTH } from "./json-text.ts";
import { setPageUri, setRefererUri } from "./page-fields.ts";
import { partiallyEnrichedEvent } from "./partially-enriched.ts";
import { loadCollectorPayload, type RawCollectorPayload } from "./thrift-loader.ts";
import { mapParameters } from "./transform.ts";

/** How a pipeline is set up. Everything but `resolver` and `processor` has Enrich's default. */
export interface EnrichPipelineOptions {
  readonly resolver: Resolver;
  /** Names the software in bad rows and failure entities; `v_etl` is `<artifact>-<version>`. */
  readonly processor: Processor;
  /** Built enrichments; run in Enrich's order (`ENRICHMENT_ORDER`) whatever the order given. */
  readonly enrichments?: readonly Enrichment[];
  readonly adapters?: AdapterRegistry;
  /** `validation.maxJsonDepth`: 50. */
  readonly maxJsonDepth?: number;
  /** `validation.atomicFieldsLimits`, over Enrich's defaults. */
  readonly atomicFieldLimits?: Readonly<Record<string, number>>;
  /** `validation.acceptInvalid`: over-long fields do not make the event bad. False. */
  readonly acceptInvalid?: boolean;
  /** Whether bad events are also emitted, cleaned, as failed events (`output.failed` set). False. */
  readonly emitFailed?: boolean;
  /** New event ids; `crypto.randomUUID` (v4, as Enrich's `UUID.randomUUID`). */
  readonly newEventId?: () => string;
}

/** What one record produced. */
export interface EnrichOutput {
  readonly good: EnrichedEvent[];
  readonly bad: BadRow[];
  /** Cleaned bad events with failure entities; empty unless `emitFailed`. */
  readonly failed: EnrichedEvent[];
}

/** What one raw event became. */
export type EventOutcome =
  | { readonly kind: "good"; readonly event: EnrichedEvent }
  | { readonly kind: "bad"; readonly badRow: BadRow; readonly event: EnrichedEvent }
  | { readonly kind: "dropped" };

/** Per-event state of phase 2. */
interface EventState {
  readonly event: EnrichedEvent;
  readonly raw: RawEvent;
  parameters: ReadonlyMap<string, string | null> | null;
  /** Derived contexts so far, the newest enrichment's first. */
  contexts: SelfDescribingJson[];
  /** Phase-2 failures, the newest first (Enrich prepends them). */
  failures: EventFailure[];
  dropped: boolean;
  /** The enrichment contract's view of the event now. */
  input(): EnrichmentInput;
}

/** What phase 1 leaves for the later phases of one event. */
interface EventWork {
  readonly raw: RawEvent;
  readonly event: EnrichedEvent;
  readonly etlTstamp: number;
  /** Phase-1 failures: atomic fields, then the unstructured event, then the contexts. */
  readonly phase1: SchemaViolationFailure[];
  /** validation_info entities of the input's superseded schemas. */
  readonly inputValidationInfo: SelfDescribingJson[];
}

type Step =
  | { readonly kind: "builtin"; readonly run: (state: EventState) => EnrichmentFailure | undefined }
  | { readonly kind: "enrichment"; readonly enrichment: Enrichment };

const COLLECTOR_VERSION_UNSET = enrichmentFailure(null, inputData("v_collector", null, "should be set"));

/**
 * The identifiers Enrich gives enrichments in failures (`EnrichmentInformation`); the others are
 * named by their config name.
 */
const FAILURE_IDENTIFIERS: Readonly<Partial<Record<EnrichmentName, string>>> = {
  api_request_enrichment_config: "api-request",
  cross_navigation_config: "cross-navigation",
  currency_conversion_config: "currency-conversion",
  iab_spiders_and_robots_enrichment: "iab-spiders-and-robots",
  javascript_script_config: "Javascript enrichment",
  sql_query_enrichment_config: "sql-query",
  ua_parser_config: "ua-parser",
  user_agent_utils_config: "ua-parser",
  weather_enrichment_config: "weather",
};

function builtin(run: (state: EventState) => EnrichmentFailure | undefined): Step {
  return { kind: "builtin", run };
}

function resultFailure(r: { ok: boolean; error?: EnrichmentFailure }): EnrichmentFailure | undefined {
  return r.ok ? undefined : r.error;
}

/** `MiscEnrichments.extractIp`: the first address of a list, TSV-safe. */
function firstIp(ip: string | null): string | null {
  return ip === null ? null : makeTsvSafe(ip.split(/[,| ]/, 1)[0]!);
}

export class EnrichPipeline {
  readonly processor: Processor;
  readonly #resolver: Resolver;
  readonly #adapters: AdapterRegistry;
  readonly #maxJsonDepth: number;
  readonly #limits: AtomicFieldLimits;
  readonly #acceptInvalid: boolean;
  readonly #emitFailed: boolean;
  readonly #newEventId: () => string;
  readonly #vEtl: string;
  readonly #plan: readonly Step[];
  readonly #hasJavascript: boolean;

  constructor(options: EnrichPipelineOptions) {
    this.processor = options.processor;
    this.#resolver = options.resolver;
    this.#adapters = options.adapters ?? new AdapterRegistry();
    this.#maxJsonDepth = options.maxJsonDepth ?? DEFAULT_MAX_JSON_DEPTH;
    this.#limits = atomicFieldLimits(options.atomicFieldLimits);
    this.#acceptInvalid = options.acceptInvalid ?? false;
    this.#emitFailed = options.emitFailed ?? false;
    this.#newEventId = options.newEventId ?? (() => crypto.randomUUID());
    this.#vEtl = `${options.processor.artifact}-${options.processor.version}`;
    const enrichments = options.enrichments ?? [];
    this.#hasJavascript = enrichments.some((e) => e.name === "javascript_script_config");
    this.#plan = EnrichPipeline.#makePlan(enrichments);
  }

  /** Phase 2 as a list of steps: the built-in ones between the enrichments, in Enrich's order. */
  static #makePlan(enrichments: readonly Enrichment[]): Step[] {
    const plan: Step[] = [
      builtin((s) =>
        s.event.v_collector === null || s.event.v_collector === "" ? COLLECTOR_VERSION_UNSET : undefined,
      ),
      builtin((s) => resultFailure(setPageUri(s.event, s.raw.refererUri))),
      builtin((s) => resultFailure(setDerivedTimestamp(s.event))),
    ];
    const crossNavigation = enrichments.some((e) => e.name === "cross_navigation_config");
    for (const name of ENRICHMENT_ORDER) {
      if (name === "referer_parser") plan.push(builtin((s) => resultFailure(setRefererUri(s.event))));
      // Enrich reads `_sp` on every event; the cross_navigation enrichment, when configured, does the
      // same and adds its context, so it takes this step's place (reporting a bad `_sp` as its own).
      if (name === "cross_navigation_config" && !crossNavigation) {
        plan.push(
          builtin((s) => {
            // Most pages have no `_sp`: skip building the enrichment input for them.
            if (!s.event.page_urlquery?.includes("_sp")) return undefined;
            const applied = applyCrossDomain(s.input());
            return applied.ok ? undefined : enrichmentFailure(null, applied.error);
          }),
        );
      }
      for (const e of enrichments) if (e.name === name) plan.push({ kind: "enrichment", enrichment: e });
      if (name === "yauaa_enrichment_config")
        plan.push(builtin((s) => resultFailure(setSchemaFields(s.event))));
    }
    return plan;
  }

  /**
   * Enriches one raw-stream record. `etlTstamp` (epoch ms) is the batch's time.
   *
   * @throws IgluUnavailableError when Iglu registries cannot be reached; retry the batch later.
   */
  async enrichRecord(record: Uint8Array, etlTstamp: number): Promise<EnrichOutput> {
    const out: EnrichOutput = { good: [], bad: [], failed: [] };
    const loaded = loadCollectorPayload(record, this.processor, new Date(etlTstamp));
    if (!loaded.ok) {
      out.bad.push(...loaded.error);
      return out;
    }
    try {
      const pending = this.#enrichPayloadInto(loaded.value, etlTstamp, out);
      if (pending !== undefined) await pending;
    } catch (e) {
      if (e instanceof IgluUnavailableError) throw e;
      // A bug, not bad data: keep the record as a generic_error row rather than stall the stream.
      const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      out.bad.push(
        genericError(
          this.processor,
          { timestamp: new Date(etlTstamp), errors: [`unexpected error while enriching: ${message}`] },
          encodeBase64(record),
        ),
      );
    }
    return out;
  }

  /** Enriches a loaded collector payload (what adapters read). */
  async enrichPayload(payload: RawCollectorPayload, etlTstamp: number): Promise<EnrichOutput> {
    const out: EnrichOutput = { good: [], bad: [], failed: [] };
    const pending = this.#enrichPayloadInto(payload, etlTstamp, out);
    if (pending !== undefined) await pending;
    return out;
  }

  /** Adapts and enriches a payload into `out`; returns a promise only once something had to wait. */
  #enrichPayloadInto(
    payload: RawCollectorPayload,
    etlTstamp: number,
    out: EnrichOutput,
  ): Promise<void> | undefined {
    const context = { resolver: this.#resolver, maxJsonDepth: this.#maxJsonDepth };
    const raws = this.#adapters.toRawEvents(payload, context, this.processor, new Date(etlTstamp));
    if (raws instanceof Promise) return raws.then((r) => this.#enrichRawEvents(r, etlTstamp, out));
    return this.#enrichRawEvents(raws, etlTstamp, out);
  }

  #enrichRawEvents(
    raws: Awaited<ReturnType<AdapterRegistry["toRawEvents"]>>,
    etlTstamp: number,
    out: EnrichOutput,
  ): Promise<void> | undefined {
    if (!raws.ok) {
      out.bad.push(raws.error);
      return undefined;
    }
    const list = raws.value;
    for (let i = 0; i < list.length; i++) {
      const outcome = this.#enrichEvent(list[i]!, etlTstamp);
      if (outcome instanceof Promise) return this.#enrichRestAsync(outcome, list, i, etlTstamp, out);
      this.#collect(outcome, out);
    }
    return undefined;
  }

  /** Once one event had to wait, the rest of the payload's events in order. */
  async #enrichRestAsync(
    pending: Promise<EventOutcome>,
    list: readonly RawEvent[],
    at: number,
    etlTstamp: number,
    out: EnrichOutput,
  ): Promise<void> {
    this.#collect(await pending, out);
    for (let i = at + 1; i < list.length; i++)
      this.#collect(await this.#enrichEvent(list[i]!, etlTstamp), out);
  }

  #collect(outcome: EventOutcome, out: EnrichOutput): void {
    if (outcome.kind === "good") out.good.push(outcome.event);
    else if (outcome.kind === "bad") {
      out.bad.push(outcome.badRow);
      if (this.#emitFailed) out.failed.push(outcome.event);
    }
  }

  /** Runs the three phases on one raw event. */
  async enrichEvent(raw: RawEvent, etlTstamp: number): Promise<EventOutcome> {
    return this.#enrichEvent(raw, etlTstamp);
  }

  /**
   * The three phases, as continuations: synchronous from start to end unless a schema is not
   * cached yet or an enrichment returns a promise. An `await` per step would cost each event
   * several microtask turns, and let the events of a batch interleave at every one of them.
   */
  #enrichEvent(raw: RawEvent, etlTstamp: number): EventOutcome | Promise<EventOutcome> {
    const event = emptyEnrichedEvent();

    // Phase 1: defaults, then the parameters, which may override them.
    event.event_id = this.#newEventId();
    event.v_collector = raw.loaderName === "" ? null : raw.loaderName;
    event.v_etl = this.#vEtl;
    event.etl_tstamp = etlTstamp;
    event.network_userid = raw.userId;
    event.user_ipaddress = firstIp(raw.ipAddress);
    if (raw.useragent !== null) event.useragent = makeTsvSafe(raw.useragent);
    const atomicErrors: AtomicError[] = [];
    const collected = raw.timestamp === null ? Number.NaN : raw.timestamp.getTime();
    if (collected >= minTimestamp && collected <= maxTimestamp) event.collector_tstamp = collected;
    else {
      const shown = raw.timestamp === null ? "an unrepresentable time" : raw.timestamp.toISOString();
      atomicErrors.push(
        parseError(
          `Formatted as ${shown} is not Redshift-compatible`,
          "collector_tstamp",
          raw.timestamp?.toISOString() ?? null,
        ),
      );
    }
    const mapped = mapParameters(raw, event);
    for (const e of mapped.errors) atomicErrors.push(e);

    const work: EventWork = { raw, event, etlTstamp, phase1: [], inputValidationInfo: [] };
    if (atomicErrors.length > 0) {
      const { violation, data } = atomicViolation(atomicErrors as unknown as NonEmpty<AtomicError>);
      work.phase1.push(schemaFailure(violation, "atomic_field", data));
    }
    const contexts = mapped.contexts;
    if (mapped.unstruct === null) return this.#validateContexts(work, contexts);
    const checked = validateUnstructEvent(this.#resolver, mapped.unstruct, this.#maxJsonDepth);
    if (checked instanceof Promise) {
      return checked.then((c) => {
        this.#applyUnstruct(work, c);
        return this.#validateContexts(work, contexts);
      });
    }
    this.#applyUnstruct(work, checked);
    return this.#validateContexts(work, contexts);
  }

  #applyUnstruct(work: EventWork, checked: InputValidation<ValidSdj | null>): void {
    for (const f of checked.failures) work.phase1.push(f);
    if (checked.value !== null) {
      work.event.unstruct_event = checked.value.sdj;
      if (checked.value.validationInfo !== null) work.inputValidationInfo.push(checked.value.validationInfo);
    }
  }

  #validateContexts(work: EventWork, text: string | null): EventOutcome | Promise<EventOutcome> {
    if (text === null) return this.#phase2(work);
    const checked = validateContexts(this.#resolver, text, this.#maxJsonDepth);
    if (checked instanceof Promise) {
      return checked.then((c) => {
        this.#applyContexts(work, c);
        return this.#phase2(work);
      });
    }
    this.#applyContexts(work, checked);
    return this.#phase2(work);
  }

  #applyContexts(work: EventWork, checked: InputValidation<ValidSdj[]>): void {
    for (const f of checked.failures) work.phase1.push(f);
    const contexts: SelfDescribingJson[] = [];
    for (const v of checked.value) {
      contexts.push(v.sdj);
      if (v.validationInfo !== null) work.inputValidationInfo.push(v.validationInfo);
    }
    work.event.contexts = contexts;
  }

  #phase2(work: EventWork): EventOutcome | Promise<EventOutcome> {
    const event = work.event;
    const state: EventState = {
      event,
      raw: work.raw,
      parameters: null,
      contexts: [],
      failures: [],
      dropped: false,
      input() {
        const state = this;
        return {
          event: this.event,
          raw: this.raw,
          // Built on first use only: most enrichments never read it, and hashing every name costs.
          get parameters() {
            if (state.parameters === null) {
              const map = new Map<string, string | null>();
              for (const p of state.raw.parameters) if (!map.has(p.name)) map.set(p.name, p.value);
              state.parameters = map;
            }
            return state.parameters;
          },
          derivedContexts: this.contexts,
        };
      },
    };
    const before = this.#hasJavascript
      ? [compactJson(event.unstruct_event), compactJson(event.contexts)]
      : null;
    const pending = this.#runPlan(state);
    if (pending !== undefined) return pending.then(() => this.#phase3(work, state, before));
    return this.#phase3(work, state, before);
  }

  #phase3(work: EventWork, state: EventState, before: string[] | null): EventOutcome | Promise<EventOutcome> {
    if (state.dropped) return { kind: "dropped" };
    const derived = validateEntities(this.#resolver, state.contexts, "derived_contexts");
    // The JavaScript enrichment may have rewritten the input's entities: those are checked again.
    if (derived instanceof Promise || before !== null) return this.#phase3Async(work, state, before, derived);
    return this.#outcome(work, state, this.#phase3Checks(work.event, derived), derived, []);
  }

  async #phase3Async(
    work: EventWork,
    state: EventState,
    before: string[] | null,
    pendingDerived: InputValidation<ValidSdj[]> | Promise<InputValidation<ValidSdj[]>>,
  ): Promise<EventOutcome> {
    const event = work.event;
    const derived = await pendingDerived;
    const phase3 = this.#phase3Checks(event, derived);
    const revalidationInfo: ValidSdj[] = [];
    if (before !== null) {
      if (event.unstruct_event !== null && compactJson(event.unstruct_event) !== before[0]) {
        let again = validateEntities(this.#resolver, [event.unstruct_event], "unstruct");
        if (again instanceof Promise) again = await again;
        phase3.push(...again.failures);
        event.unstruct_event = again.value[0]?.sdj ?? null;
        revalidationInfo.push(...again.value);
      }
      if (compactJson(event.contexts) !== before[1]) {
        let again = validateEntities(this.#resolver, event.contexts, "contexts");
        if (again instanceof Promise) again = await again;
        phase3.push(...again.failures);
        event.contexts = again.value.map((v) => v.sdj);
        revalidationInfo.push(...again.value);
      }
    }
    return this.#outcome(work, state, phase3, derived, revalidationInfo);
  }

  /** Phase 3's failures before any revalidation: invalid derived contexts, then over-long fields. */
  #phase3Checks(event: EnrichedEvent, derived: InputValidation<ValidSdj[]>): SchemaViolationFailure[] {
    const phase3: SchemaViolationFailure[] = [...derived.failures];
    const lengthErrors = checkFieldLengths(event, this.#limits, this.#emitFailed);
    if (lengthErrors.length > 0 && !this.#acceptInvalid) {
      const { violation, data } = atomicViolation(lengthErrors as unknown as NonEmpty<AtomicError>);
      phase3.push(schemaFailure(violation, "atomic_field", data));
    }
    return phase3;
  }

  /** The event good, or bad with the row its first failing phase makes. */
  #outcome(
    work: EventWork,
    state: EventState,
    phase3: SchemaViolationFailure[],
    derived: InputValidation<ValidSdj[]>,
    revalidationInfo: readonly ValidSdj[],
  ): EventOutcome {
    const { event, phase1 } = work;
    const derivedContexts: SelfDescribingJson[] = [];
    for (const v of derived.value) derivedContexts.push(v.sdj);
    if (
      work.inputValidationInfo.length > 0 ||
      revalidationInfo.length > 0 ||
      derived.value.some((v) => v.validationInfo !== null)
    ) {
      const validationInfo = distinct([
        ...work.inputValidationInfo,
        ...revalidationInfo.flatMap((v) => (v.validationInfo === null ? [] : [v.validationInfo])),
        ...derived.value.flatMap((v) => (v.validationInfo === null ? [] : [v.validationInfo])),
      ]);
      for (const vi of validationInfo) derivedContexts.push(vi);
    }

    if (phase1.length === 0 && state.failures.length === 0 && phase3.length === 0) {
      event.derived_contexts = derivedContexts;
      return { kind: "good", event };
    }
    const failures: EventFailure[] = [...phase1, ...state.failures, ...phase3];
    const etlDate = new Date(work.etlTstamp);
    event.derived_contexts = [
      ...failures.map((f) => failureEntity(f, this.processor, etlDate)),
      ...derivedContexts,
    ];
    const payload = { enriched: partiallyEnrichedEvent(event), raw: work.raw };
    const schemaRow = (list: SchemaViolationFailure[]) =>
      schemaViolations(
        this.processor,
        {
          timestamp: etlDate,
          messages: list.map((f) => f.violation) as unknown as NonEmpty<SchemaViolationFailure["violation"]>,
        },
        payload,
      );
    let badRow: BadRow;
    if (phase1.length > 0) badRow = schemaRow(phase1);
    else if (state.failures.length > 0) {
      const messages = state.failures
        .map((f) => (f.kind === "enrichment" ? f.failure : undefined))
        .filter((f) => f !== undefined);
      badRow = enrichmentFailures(
        this.processor,
        { timestamp: etlDate, messages: messages as unknown as NonEmpty<EnrichmentFailure> },
        payload,
      );
    } else badRow = schemaRow(phase3);
    return { kind: "bad", badRow, event };
  }

  /** Runs phase 2's steps; returns a promise only once a step had to wait. */
  #runPlan(state: EventState, from = 0): Promise<void> | undefined {
    const plan = this.#plan;
    for (let i = from; i < plan.length; i++) {
      const step = plan[i]!;
      if (step.kind === "builtin") {
        const failure = step.run(state);
        if (failure !== undefined) state.failures.unshift(enrichmentFailureOf(failure));
        continue;
      }
      const enrichment = step.enrichment;
      let outcome: EnrichmentOutcome | Promise<EnrichmentOutcome>;
      try {
        outcome = enrichment.enrich(state.input());
      } catch (e) {
        outcome = thrown(e);
      }
      if (outcome instanceof Promise) {
        return outcome.then(
          (o) => this.#afterAsync(state, enrichment, o, i),
          (e) => this.#afterAsync(state, enrichment, thrown(e), i),
        );
      }
      this.#apply(state, enrichment, outcome);
      if (state.dropped) return undefined;
    }
    return undefined;
  }

  async #afterAsync(
    state: EventState,
    enrichment: Enrichment,
    outcome: EnrichmentOutcome,
    at: number,
  ): Promise<void> {
    this.#apply(state, enrichment, outcome);
    if (state.dropped) return;
    const rest = this.#runPlan(state, at + 1);
    if (rest !== undefined) await rest;
  }

  #apply(state: EventState, enrichment: Enrichment, outcome: EnrichmentOutcome): void {
    switch (outcome.kind) {
      case "enriched":
        // asn_lookups, pii and a script's eraseDerived_contexts() rewrite the whole list.
        if (outcome.replacesDerivedContexts === true) state.contexts = [...outcome.contexts];
        else if (outcome.contexts.length > 0) state.contexts = [...outcome.contexts, ...state.contexts];
        break;
      case "failed": {
        const info = enrichmentInformation(
          enrichment.schemaKey,
          FAILURE_IDENTIFIERS[enrichment.name] ?? enrichment.name,
        );
        const failures = outcome.messages.map((m) => enrichmentFailureOf(enrichmentFailure(info, m)));
        state.failures = [...failures, ...state.failures];
        break;
      }
      case "dropped":
        state.dropped = true;
        break;
    }
  }
}

/** An exception from an enrichment as its failure: the process never stops on one event's data. */
function thrown(e: unknown): EnrichmentOutcome {
  const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return { kind: "failed", messages: [simple(`unexpected error: ${message}`)] };
}

function distinct(entities: readonly SelfDescribingJson[]): SelfDescribingJson[] {
  const seen = new Set<string>();
  const out: SelfDescribingJson[] = [];
  for (const e of entities) {
    const text = compactJson(e);
    if (seen.has(text)) continue;
    seen.add(text);
    out.push(e);
  }
  return out;
}
