/**
 * @module
 * The adapter contract (Enrich's `adapters/registry/Adapter.scala`): an adapter turns one collector
 * payload into one or more raw events, each a flat map of tracker-protocol parameters, or into the
 * failure messages of an adapter_failures (tracker_protocol_violations for tp2 and r/tp2) bad row.
 * Only adapters that validate with Iglu (tp2) may need to wait for the resolver; the others answer
 * synchronously.
 */
import type { AdapterFailure, TrackerProtocolViolation } from "../../badrows/failure-message.ts";
import type { NVP, RawEvent } from "../../badrows/payload.ts";
import type { NonEmpty } from "../../iglu/client-error.ts";
import type { Resolver } from "../../iglu/resolver.ts";
import type { Result } from "../../result.ts";
import type { RawCollectorPayload } from "../thrift-loader.ts";

/** Tracker-protocol parameters by name; null for a parameter without a value (`?x`). */
export type RawParameters = Map<string, string | null>;

/** What adapters may use. */
export interface AdapterContext {
  readonly resolver: Resolver;
  /** `validation.maxJsonDepth`. */
  readonly maxJsonDepth: number;
}

/** Any failure message an adapter reports. */
export type AdapterMessage = AdapterFailure | TrackerProtocolViolation;

/** The raw events of a payload (at least one), or why there are none. */
export type Adapted = Result<NonEmpty<RawEvent>, NonEmpty<AdapterMessage>>;

/** One adapter, registered under its vendor and version. */
export interface Adapter {
  readonly vendor: string;
  readonly version: string;
  toRawEvents(payload: RawCollectorPayload, context: AdapterContext): Adapted | Promise<Adapted>;
}

/**
 * A raw event of `payload` with these parameters (Enrich's `RawEvent(api, parameters, …)`), given
 * as a map or as pairs whose names never repeat.
 */
export function rawEvent(payload: RawCollectorPayload, parameters: RawParameters | readonly NVP[]): RawEvent {
  let nvps: readonly NVP[];
  if (parameters instanceof Map) {
    const list: NVP[] = [];
    for (const [name, value] of parameters) list.push({ name, value });
    nvps = list;
  } else nvps = parameters;
  return {
    vendor: payload.vendor,
    version: payload.version,
    parameters: nvps,
    contentType: payload.contentType,
    loaderName: payload.collector,
    encoding: payload.encoding,
    hostname: payload.hostname,
    timestamp: payload.timestamp,
    ipAddress: payload.ipAddress,
    useragent: payload.useragent,
    refererUri: payload.refererUri,
    headers: payload.headers,
    userId: payload.networkUserId,
  };
}

/** The querystring's pairs when no name repeats (the usual case), else null. */
export function distinctQueryPairs(payload: RawCollectorPayload): readonly NVP[] | null {
  const pairs = payload.querystring;
  // Pairwise for the usual few dozen parameters: cheaper than building a Set.
  if (pairs.length > 64) return new Set(pairs.map((p) => p.name)).size === pairs.length ? pairs : null;
  for (let i = 1; i < pairs.length; i++) {
    const name = pairs[i]!.name;
    for (let j = 0; j < i; j++) if (pairs[j]!.name === name) return null;
  }
  return pairs;
}

/** The querystring as a parameter map, a later pair winning (Enrich's `toMap`). */
export function queryParameters(payload: RawCollectorPayload): RawParameters {
  const map: RawParameters = new Map();
  for (const p of payload.querystring) map.set(p.name, p.value);
  return map;
}

/** A one-element non-empty list. */
export function one<T>(value: T): NonEmpty<T> {
  return [value];
}

/** The list as a non-empty one, or null when it is empty. */
export function nonEmpty<T>(list: readonly T[]): NonEmpty<T> | null {
  return list.length > 0 ? (list as unknown as NonEmpty<T>) : null;
}
